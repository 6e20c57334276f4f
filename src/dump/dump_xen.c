// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace dump, Xen side: is this a Xen dom0, who owns each device
 * (xenstore's pciback backend), each device's GSI (privcmd), and with
 * --xen Xen's own IRQ, MSI and PCI tables (debug keys i, M, Q read back
 * from the console ring) with every disagreement against Linux's view.
 *
 * libxenstore and libxenctrl exist only on Xen hosts, so they are loaded
 * with dlopen: the binary runs (and says "no Xen") everywhere else.
 */
#define _GNU_SOURCE	/* O_PATH */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "dump.h"
#include "lib/host.h"
#include "lib/xenconsole.h"
#include "dump_xenparse.h"

/* ------------------------------------------------------------ detection */

/* The host's answer (lib/host.c), kept with the dump. */
void dump_xen_detect(struct dump *d)
{
	struct dump_xen *x = &d->xen;
	struct pt_host_xen h;

	pt_host_xen_detect(&h);
	x->present = h.xen;
	x->dom0 = h.dom0;
	snprintf(x->mode, sizeof(x->mode), "%s", h.mode);
	snprintf(x->why, sizeof(x->why), "%s", h.why);
}

/* ------------------------------------------------------------ xenstore */

typedef void *(*xs_open_fn)(unsigned long flags);
typedef void (*xs_close_fn)(void *h);
typedef char **(*xs_directory_fn)(void *h, uint32_t t, const char *path,
				  unsigned int *num);
typedef void *(*xs_read_fn)(void *h, uint32_t t, const char *path,
			    unsigned int *len);

struct xs {
	void *lib;
	void *h;
	xs_close_fn close;
	xs_directory_fn directory;
	xs_read_fn read;
};

/*
 * PTRACE_DUMP_XENSTORE=FILE reads a saved store instead (`xenstore-ls -f`
 * output: one 'PATH = "VALUE"' a line), so tests can replay a host's
 * xenstore; the handle is the file's text.
 */
static char *xsf_value(const char *text, const char *path, size_t *vlen)
{
	size_t plen = strlen(path);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
		const char *v, *e;

		if (strncmp(l, path, plen) || strncmp(l + plen, " = \"", 4))
			continue;
		v = l + plen + 4;
		e = strchr(v, '\n');
		e = e ? e : v + strlen(v);
		while (e > v && e[-1] != '"')
			e--;
		if (e > v)
			e--;
		*vlen = e - v;
		return (char *)v;
	}
	return NULL;
}

static void *xsf_read(void *h, uint32_t t, const char *path, unsigned int *len)
{
	size_t n;
	char *v = xsf_value(h, path, &n), *r;

	if (!v)
		return NULL;
	r = strndup(v, n);
	if (r && len)
		*len = n;
	return r;
}

/* Children of path, as libxenstore returns them: one malloc'ed block. */
static char **xsf_directory(void *h, uint32_t t, const char *path,
			    unsigned int *num)
{
	size_t plen = strlen(path), cap = 0, used = 0, n = 0;
	char *names = NULL, **out;

	for (const char *l = h; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
		const char *c = l + plen + 1;
		size_t clen = strcspn(c, "/ \n");
		bool dup = false;

		if (strncmp(l, path, plen) || l[plen] != '/' || !clen)
			continue;
		for (size_t o = 0; o < used; o += strlen(names + o) + 1)
			dup |= strlen(names + o) == clen && !strncmp(names + o, c, clen);
		if (dup)
			continue;
		if (used + clen + 1 > cap) {
			char *p = realloc(names, cap = (used + clen + 1) * 2);

			if (!p)
				break;
			names = p;
		}
		memcpy(names + used, c, clen);
		names[used + clen] = '\0';
		used += clen + 1;
		n++;
	}
	if (!n) {
		free(names);
		return NULL;
	}
	out = malloc(n * sizeof(*out) + used);
	if (out) {
		char *q = (char *)(out + n);

		memcpy(q, names, used);
		for (size_t i = 0; i < n; i++, q += strlen(q) + 1)
			out[i] = q;
		*num = n;
	}
	free(names);
	return out;
}

static int xsf_load(struct dump *d, struct xs *xs, const char *file)
{
	FILE *f = fopen(file, "r");
	char *text = NULL;
	size_t len = 0;

	if (f) {
		FILE *m = open_memstream(&text, &len);
		char buf[4096];
		size_t n;

		while (m && (n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, m);
		if (m)
			fclose(m);
		fclose(f);
	}
	if (!text) {
		dump_note(d, "xenstore: %s: %s: device owners unknown", file,
			  strerror(errno));
		return -ENOENT;
	}
	*xs = (struct xs){ .h = text, .close = free, .directory = xsf_directory,
			   .read = xsf_read };
	return 0;
}

#define XBT_NULL		0
#define XS_OPEN_READONLY	(1UL << 0)

static int xs_load(struct dump *d, struct xs *xs)
{
	const char *saved = getenv("PTRACE_DUMP_XENSTORE");
	xs_open_fn open_fn;

	if (saved && *saved)
		return xsf_load(d, xs, saved);
	xs->lib = dlopen("libxenstore.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!xs->lib)
		xs->lib = dlopen("libxenstore.so", RTLD_NOW | RTLD_LOCAL);
	if (!xs->lib) {
		dump_note(d, "libxenstore not found (%s): device owners unknown",
			  dlerror());
		return -ENOENT;
	}
	open_fn = (xs_open_fn)dlsym(xs->lib, "xs_open");
	xs->close = (xs_close_fn)dlsym(xs->lib, "xs_close");
	xs->directory = (xs_directory_fn)dlsym(xs->lib, "xs_directory");
	xs->read = (xs_read_fn)dlsym(xs->lib, "xs_read");
	if (!open_fn || !xs->close || !xs->directory || !xs->read) {
		dump_note(d, "libxenstore lacks xs_open/xs_directory/xs_read");
		dlclose(xs->lib);
		return -ENOSYS;
	}
	xs->h = open_fn(XS_OPEN_READONLY);
	if (!xs->h) {
		dump_note(d, "xenstore: %s: device owners unknown",
			  strerror(errno));
		dlclose(xs->lib);
		return -errno;
	}
	return 0;
}

static void xs_unload(struct xs *xs)
{
	xs->close(xs->h);
	if (xs->lib)
		dlclose(xs->lib);
}

/* A small xenstore value as an integer, or PT_NONE. */
static int xs_int(struct xs *xs, const char *path)
{
	unsigned int len;
	char *v = xs->read(xs->h, XBT_NULL, path, &len);
	int val = PT_NONE;

	if (v) {
		char *end;
		long n = strtol(v, &end, 10);

		if (end != v)
			val = (int)n;
		free(v);
	}
	return val;
}

static struct dump_dev *dev_by_sbdf(struct dump *d, __u32 sbdf)
{
	size_t i;

	for (i = 0; i < d->ndevs; i++)
		if (d->devs[i].sbdf == sbdf)
			return &d->devs[i];
	return NULL;
}

static void xs_live_domains(struct xs *xs, struct dump_xen *x)
{
	unsigned int n, i;
	char **ids = xs->directory(xs->h, XBT_NULL, "/local/domain", &n);

	if (!ids)
		return;
	x->domains = calloc(n, sizeof(*x->domains));
	for (i = 0; x->domains && i < n; i++)
		x->domains[x->ndomains++] = atoi(ids[i]);
	free(ids);
}

static bool domain_listed(const struct dump_xen *x, int domid)
{
	for (size_t i = 0; i < x->ndomains; i++)
		if (x->domains[i] == domid)
			return true;
	return false;
}

/*
 * /local/domain/0/backend/pci/<domid>/<devid>/: num_devs, dev-N (the
 * SBDF) and state-N (xenbus state of that slot) for each device the
 * pciback backend serves to <domid>.
 */
static void xs_backend(struct dump *d, struct xs *xs, int domid,
		       const char *devid)
{
	char path[160], *v;
	unsigned int len;
	int i, num;

	snprintf(path, sizeof(path), "/local/domain/0/backend/pci/%d/%s/num_devs",
		 domid, devid);
	num = xs_int(xs, path);
	for (i = 0; i < num && i < 256; i++) {
		struct dump_dev *dev;
		__u32 sbdf;

		snprintf(path, sizeof(path),
			 "/local/domain/0/backend/pci/%d/%s/dev-%d", domid,
			 devid, i);
		v = xs->read(xs->h, XBT_NULL, path, &len);
		if (!v)
			continue;
		dev = pt_sbdf_parse(v, &sbdf) ? NULL : dev_by_sbdf(d, sbdf);
		free(v);
		if (!dev)
			continue;
		dev->matters = true;
		/*
		 * The toolstack removes a guest's backend when the guest
		 * dies; one left behind by a domain that no longer exists
		 * (a reboot under a new domid, a destroy) says nothing about
		 * who holds the device now.
		 */
		if (d->xen.ndomains && !domain_listed(&d->xen, domid)) {
			dev->leftover_backend = domid;
			continue;
		}
		dev->owner = domid;
		snprintf(path, sizeof(path),
			 "/local/domain/0/backend/pci/%d/%s/state-%d", domid,
			 devid, i);
		dev->xs_state = xs_int(xs, path);
	}
}

void dump_xen_owners(struct dump *d)
{
	unsigned int ndom, ndev, i, j;
	char **doms, **devids, path[128];
	struct xs xs;

	if (!d->xen.dom0 || xs_load(d, &xs))
		return;
	d->xen.xs_ok = true;
	xs_live_domains(&xs, &d->xen);

	doms = xs.directory(xs.h, XBT_NULL, "/local/domain/0/backend/pci",
			    &ndom);
	for (i = 0; doms && i < ndom; i++) {
		snprintf(path, sizeof(path), "/local/domain/0/backend/pci/%s",
			 doms[i]);
		devids = xs.directory(xs.h, XBT_NULL, path, &ndev);
		for (j = 0; devids && j < ndev; j++)
			xs_backend(d, &xs, atoi(doms[i]), devids[j]);
		free(devids);
	}
	free(doms);
	xs_unload(&xs);
}

/* ------------------------------------------------------------ GSI */

/* Linux 6.12 include/uapi/xen/privcmd.h */
struct privcmd_pcidev_get_gsi {
	__u32 sbdf;
	__u32 gsi;
};
#define IOCTL_PRIVCMD_PCIDEV_GET_GSI	0x0008500A

/*
 * The GSI as the kernel's ACPI tables know it.  Only the privcmd ioctl
 * gives it on a Xen dom0: the sysfs "irq" is a Linux irq number, which
 * toolstacks have mistaken for the GSI (rule irq-as-gsi).
 */
void dump_xen_gsi(struct dump *d)
{
	bool unsupported = false;
	size_t i;
	int fd;

	if (!d->xen.dom0)
		return;
	fd = pt_host_open("/dev/xen/privcmd", O_RDWR);
	if (fd < 0) {
		dump_note(d, "/dev/xen/privcmd: %s: GSIs unknown", strerror(errno));
		return;
	}
	for (i = 0; i < d->ndevs && !unsupported; i++) {
		struct dump_dev *dev = &d->devs[i];
		struct privcmd_pcidev_get_gsi g = { .sbdf = dev->sbdf };

		if (!dev->has_intx || !dev->intx.pin)
			continue;
		if (ioctl(fd, IOCTL_PRIVCMD_PCIDEV_GET_GSI, &g) == 0) {
			dev->gsi = (int)g.gsi;
			dev->gsi_src = "privcmd";
			d->xen.privcmd_gsi = true;
		} else {
			/* other errors: pciback does not hold this device */
			unsupported = errno == ENOTTY;
		}
	}
	if (unsupported)
		dump_note(d, "privcmd has no PCIDEV_GET_GSI (needs Linux 6.12+): GSIs unknown");
	close(fd);
}

/* ------------------------------------------------------------ --xen */

/* Debug keys i (IRQs), M (MSIs) and Q (PCI devices), read back. */
static int xen_capture(struct dump_xen *x, char **text)
{
	struct pt_xen_console *c;
	int err;

	c = pt_xen_console_open(x->view_note, sizeof(x->view_note));
	if (!c)
		return -ENOENT;
	err = pt_xen_console_dump(c, "iMQ", text);
	if (err)
		snprintf(x->view_note, sizeof(x->view_note),
			 "reading Xen's dumps failed: %s", strerror(-err));
	pt_xen_console_close(c);
	return err;
}

int dump_xen_view(struct dump *d)
{
	struct dump_xen *x = &d->xen;
	char *text = NULL;
	int err;

	x->asked = true;
	if (!x->present || !x->dom0) {
		snprintf(x->view_note, sizeof(x->view_note),
			 "--xen needs a Xen dom0: %s", x->why);
		return -ENODEV;
	}
	err = xen_capture(x, &text);
	if (err) {
		free(text);
		return err;
	}
	x->raw = text;
	err = dump_xenparse(text, x);
	x->view_ok = err == 0;
	return err;
}

/* ------------------------------------------------------------ join */

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static const struct dump_xen_irq *xen_irq_by_nr(const struct dump_xen *x,
						int irq)
{
	size_t i;

	for (i = 0; i < x->nirqs; i++)
		if (x->irqs[i].irq == irq)
			return &x->irqs[i];
	return NULL;
}

/* The device's Xen irq that Xen shows bound as domid:pirq, or NULL. */
static const struct dump_xen_irq *xen_irq_by_pirq(const struct dump_xen *x,
						  const char *bdf, int domid,
						  int pirq)
{
	size_t i;

	for (i = 0; i < x->nirqs; i++)
		if (!strcmp(x->irqs[i].sbdf, bdf) && x->irqs[i].pirq == pirq &&
		    x->irqs[i].domid != PT_NONE &&
		    pt_domid_norm(x->irqs[i].domid) == domid)
			return &x->irqs[i];
	return NULL;
}

/*
 * Pair a device's Linux MSI irqs with its Xen irqs (key Q).  With the
 * kernel's irq records each Linux irq knows its pirq and domain, and
 * the Xen irq bound as that domid:pirq is its own.  Without them (or for
 * a pirq no domain has bound yet), pair both lists in ascending order
 * when both sides list the same number: a PV dom0 allocates them in the
 * same order (the lab's ground truth joins them the same way,
 * pt_xv_rows).  Each Linux irq then gets the Xen irq and, unless its
 * record said, the pirq and domain Xen shows bound to it.
 */
static void join_dev(const struct dump_xen *x, struct dump_dev *dev)
{
	int xirqs[PT_MSIX_MAX_ENTRIES];
	size_t i, n = 0, k = 0;

	for (i = 0; i < dev->nirqs; i++) {
		struct dump_irq *q = &dev->irqs[i];
		const struct dump_xen_irq *xq;

		if (!q->from_record || q->pirq == PT_NONE)
			continue;
		xq = xen_irq_by_pirq(x, dev->bdf, q->domid, q->pirq);
		if (xq)
			q->xen_irq = xq->irq;
	}
	for (i = 0; i < x->nirqs && n < PT_MSIX_MAX_ENTRIES; i++)
		if (!strcmp(x->irqs[i].sbdf, dev->bdf))
			xirqs[n++] = x->irqs[i].irq;
	for (i = 0; i < dev->nirqs; i++)
		k += strcmp(dev->irqs[i].mode, "intx") != 0 &&
		     dev->irqs[i].xen_irq == PT_NONE;
	if (!n || n != k)
		return;
	qsort(xirqs, n, sizeof(*xirqs), int_cmp);

	/* dev->irqs is sorted by irq; INTx (if any) is skipped */
	for (i = 0, k = 0; i < dev->nirqs; i++) {
		struct dump_irq *q = &dev->irqs[i];
		const struct dump_xen_irq *xq;

		if (!strcmp(q->mode, "intx"))
			continue;
		q->xen_irq = xirqs[k++];
		xq = xen_irq_by_nr(x, q->xen_irq);
		if (xq && xq->domid != PT_NONE && !q->from_record) {
			q->pirq = xq->pirq;
			q->domid = xq->domid;
		}
	}
}

void dump_xen_join(struct dump *d)
{
	size_t i;

	if (!d->xen.view_ok)
		return;
	for (i = 0; i < d->ndevs; i++)
		join_dev(&d->xen, &d->devs[i]);
}

/* ------------------------------------------------------------ diffs */

static void diff_add(struct dump *d, __u32 sbdf, const char *what,
		     const char *lin, const char *xen)
{
	struct dump_diff *p = PT_PUSH(d->diffs, d->ndiffs, d->capdiffs);

	p->sbdf = sbdf;
	snprintf(p->what, sizeof(p->what), "%s", what);
	snprintf(p->linux_says, sizeof(p->linux_says), "%s", lin);
	snprintf(p->xen_says, sizeof(p->xen_says), "%s", xen);
}

struct xen_dev_view {
	size_t nmsi;		/* Xen irqs of the device (Q) */
	size_t nmsix;		/* ... of them MSI-X (M) */
	size_t hw_masked;	/* MSI-X entries Xen reads as masked */
	int owner;		/* from Q */
};

static void xen_dev_view(const struct dump_xen *x, const struct dump_dev *dev,
			 struct xen_dev_view *v)
{
	size_t i;

	*v = (struct xen_dev_view){ .owner = PT_NONE };
	for (i = 0; i < x->nirqs; i++) {
		const struct dump_xen_irq *q = &x->irqs[i];

		if (strcmp(q->sbdf, dev->bdf))
			continue;
		v->nmsi++;
		if (!strcmp(q->type, "MSI-X")) {
			v->nmsix++;
			v->hw_masked += q->maskbit == 1;
		}
	}
	for (i = 0; i < x->npdevs; i++)
		if (!strcmp(x->pdevs[i].sbdf, dev->bdf))
			v->owner = x->pdevs[i].domid;
}

/*
 * MSI-X table entries in use, and how many of them are masked.  Xen lists
 * only the entries set up, while the rest of the table sits masked and
 * unprogrammed after reset: those must not count.  An entry is in use
 * when a Linux irq names it; without such irqs (a PV dom0's xen-pirq
 * chips give no entry), when it holds a message address.
 */
static size_t table_in_use(const struct dump_dev *dev, size_t *masked)
{
	size_t i, n = 0, named = 0;

	for (i = 0; i < dev->nvec; i++)
		named += dev->vec[i].irq >= 0;
	*masked = 0;
	for (i = 0; i < dev->nvec; i++) {
		const struct dump_vec *v = &dev->vec[i];

		if (named ? v->irq < 0 : !v->e.address)
			continue;
		n++;
		*masked += v->e.masked;
	}
	return n;
}

static size_t linux_msi_irqs(const struct dump_dev *dev)
{
	size_t i, n = 0;

	for (i = 0; i < dev->nirqs; i++)
		n += strcmp(dev->irqs[i].mode, "intx") != 0;
	return n;
}

static void diff_dev(struct dump *d, const struct dump_dev *dev)
{
	char l[96], x[96];
	struct xen_dev_view v;
	size_t masked;
	int lown;

	xen_dev_view(&d->xen, dev, &v);

	/*
	 * Owner: xenstore's backend, or dom0 when xenstore lists it for no
	 * guest (or a dom0 driver holds it), vs Q.
	 */
	if (dev->owner != PT_NONE)
		lown = dev->owner;
	else if (d->xen.xs_ok || (!dev->pciback && dev->driver[0]))
		lown = 0;
	else
		lown = PT_NONE;
	if (lown != PT_NONE && v.owner != PT_NONE && v.owner != lown) {
		pt_domid_format(lown, l, sizeof(l));
		pt_domid_format(v.owner, x, sizeof(x));
		diff_add(d, dev->sbdf, "owner", l, x);
	}

	/* dom0's own devices: each Linux MSI irq is one Xen irq. */
	if (dev->owner == PT_NONE && !dev->pciback &&
	    linux_msi_irqs(dev) != v.nmsi) {
		snprintf(l, sizeof(l), "%zu MSI/MSI-X irqs", linux_msi_irqs(dev));
		snprintf(x, sizeof(x), "%zu MSI irqs", v.nmsi);
		diff_add(d, dev->sbdf, "msi-irq-count", l, x);
	}

	if (dev->msix_rc == 0 && !dev->msix.enabled && v.nmsix) {
		snprintf(x, sizeof(x), "%zu MSI-X irqs set up", v.nmsix);
		diff_add(d, dev->sbdf, "msix-enable", "MSI-X Enable- in config space", x);
	}

	/* only when both sides count the same entries in use */
	if (dev->nvec && v.nmsix && table_in_use(dev, &masked) == v.nmsix &&
	    masked != v.hw_masked) {
		snprintf(l, sizeof(l), "%zu of %zu table entries in use masked",
			 masked, v.nmsix);
		snprintf(x, sizeof(x), "%zu of %zu MSI-X irqs masked in hardware",
			 v.hw_masked, v.nmsix);
		diff_add(d, dev->sbdf, "vector-mask", l, x);
	}
}

static bool xen_lists(const struct dump_xen *x, const char *bdf)
{
	size_t i;

	for (i = 0; i < x->npdevs; i++)
		if (!strcmp(x->pdevs[i].sbdf, bdf))
			return true;
	return false;
}

/*
 * Devices one side knows and the other does not: dom0 reports every
 * device to Xen (PHYSDEVOP_pci_device_add), so a gap is a lost add or
 * remove.  Only judged when Xen's PCI list (key Q) was read.
 */
static void diff_presence(struct dump *d)
{
	const struct dump_xen *x = &d->xen;
	char b[PT_SBDF_STRLEN];
	size_t i;

	if (!x->npdevs)
		return;
	for (i = 0; i < d->ndevs; i++) {
		const struct dump_dev *dev = &d->devs[i];

		if ((dev->matters || d->all) && !xen_lists(x, dev->bdf))
			diff_add(d, dev->sbdf, "device", "present",
				 "not in Xen's PCI list");
	}
	if (d->filtered)
		return;
	for (i = 0; i < x->npdevs; i++) {
		__u32 sbdf;

		if (pt_sbdf_parse(x->pdevs[i].sbdf, &sbdf) ||
		    dev_by_sbdf(d, sbdf))
			continue;
		snprintf(b, sizeof(b), "%s", x->pdevs[i].domid == PT_NONE ?
			 "quarantined" : "listed");
		diff_add(d, sbdf, "device", "not in Linux's PCI list", b);
	}
}

void dump_xen_diff(struct dump *d)
{
	size_t i;

	if (!d->xen.view_ok)
		return;
	for (i = 0; i < d->ndevs; i++)
		if (d->devs[i].matters || d->all)
			diff_dev(d, &d->devs[i]);
	diff_presence(d);
}

void dump_xen_free(struct dump_xen *x)
{
	free(x->domains);
	free(x->irqs);
	free(x->pdevs);
	free(x->raw);
}
