// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace dump, Linux side: PCI devices (libpci), config space, the MSI-X
 * table read from the BAR, and the device's irqs from sysfs.
 *
 * Nothing here writes to the device: config space is read through
 * libpci (sysfs "config"), the MSI-X table through resource<BIR> opened
 * O_RDONLY and, where the kernel offers only mmap, mapped PROT_READ.
 */
#define _GNU_SOURCE	/* O_PATH */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <pci/pci.h>
#include "commands.h"
#include "dump.h"
#include "lib/host.h"

#define SYS_PCI		PT_HOST_PCI
#define PCIBACK_DIR	"/sys/bus/pci/drivers/pciback"

/* libpci calls this on fatal errors and expects it not to return. */
static void __attribute__((noreturn, format(printf, 1, 2)))
pci_die(char *msg, ...)
{
	va_list ap;

	fputs("ptrace dump: libpci: ", stderr);
	va_start(ap, msg);
	vfprintf(stderr, msg, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(PT_EXIT_FAIL);
}

/* Warnings (e.g. a short config read when not root) become notes instead. */
static void __attribute__((format(printf, 1, 2))) pci_quiet(char *msg, ...)
{
}

/* ------------------------------------------------------------ irqs */

static unsigned long long sum_counts(const char *s)
{
	unsigned long long sum = 0;
	char *end;

	while (*s) {
		sum += strtoull(s, &end, 10);
		if (end == s)
			break;
		s = *end == ',' ? end + 1 : end;
	}
	return sum;
}

/* /sys/kernel/irq/<n>/: the kernel's own record of one irq. */
static void irq_fill(struct dump *d, struct dump_irq *q)
{
	static bool noted;
	char path[128], buf[4096];
	long hw;

	q->hwirq = -1;
	q->entry = -1;
	q->xen_irq = q->pirq = q->evtchn = q->domid = q->gsi = PT_NONE;

	snprintf(path, sizeof(path), SYS_IRQ "/%d/chip_name", q->irq);
	if (pt_host_read_str(path, q->chip, sizeof(q->chip))) {
		/* no descriptor: nobody set this irq up (yet) */
		if (!noted && pt_host_read_str(SYS_IRQ, buf, sizeof(buf)) == -ENOENT)
			dump_note(d, "%s absent: irq chips and counts unknown",
				  SYS_IRQ);
		noted = true;
		q->chip[0] = '\0';
		return;
	}
	snprintf(path, sizeof(path), SYS_IRQ "/%d/hwirq", q->irq);
	if (!pt_host_read_long(path, 0, &hw))
		q->hwirq = hw;
	snprintf(path, sizeof(path), SYS_IRQ "/%d/actions", q->irq);
	pt_host_read_str(path, q->actions, sizeof(q->actions));
	snprintf(path, sizeof(path), SYS_IRQ "/%d/per_cpu_count", q->irq);
	if (!pt_host_read_str(path, buf, sizeof(buf)))
		q->count = sum_counts(buf);

	q->xen_pirq = !strncmp(q->chip, "xen-pirq", 8);
	/*
	 * PCI MSI irq domains number hwirqs as (segment, bdf, index) with
	 * the MSI-X entry in the low 11 bits (pci_msi_domain_calc_hwirq);
	 * per-device domains use the index alone.  Either way the low bits
	 * name the table entry.
	 */
	if (strstr(q->chip, "PCI-MSI") && q->hwirq >= 0)
		q->entry = q->hwirq & 0x7ff;
}

int dump_irq_cmp(const void *a, const void *b)
{
	const struct dump_irq *x = a, *y = b;

	return (x->irq > y->irq) - (x->irq < y->irq);
}

static void gather_msi_irqs(struct dump *d, struct dump_dev *dev)
{
	char path[160];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), SYS_PCI "/%s/msi_irqs", dev->bdf);
	dir = pt_host_opendir(path);
	if (!dir)
		return;		/* no MSI/MSI-X irqs allocated */
	while ((de = readdir(dir))) {
		struct dump_irq *q;
		char *end;
		long irq = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name)
			continue;
		q = PT_PUSH(dev->irqs, dev->nirqs, dev->capirqs);
		q->irq = (int)irq;
		snprintf(path, sizeof(path), SYS_PCI "/%s/msi_irqs/%ld",
			 dev->bdf, irq);
		if (pt_host_read_str(path, q->mode, sizeof(q->mode)))
			strcpy(q->mode, "msi");
		irq_fill(d, q);
	}
	closedir(dir);
	qsort(dev->irqs, dev->nirqs, sizeof(*dev->irqs), dump_irq_cmp);
}

/*
 * The sysfs "irq" file shows the INTx irq unless MSI (not MSI-X) is on,
 * when it shows the first MSI irq instead: only list it as INTx then.
 */
static void gather_intx_irq(struct dump *d, struct dump_dev *dev)
{
	struct dump_irq *q;

	if (!dev->has_intx || !dev->intx.pin || dev->sysfs_irq <= 0)
		return;
	if (dev->msi_rc == 0 && dev->msi.enabled)
		return;
	q = PT_PUSH(dev->irqs, dev->nirqs, dev->capirqs);
	q->irq = dev->sysfs_irq;
	strcpy(q->mode, "intx");
	irq_fill(d, q);
}

void dump_gather_pirq_irqs(struct dump *d)
{
	struct dirent *de;
	DIR *dir;

	dir = pt_host_opendir(SYS_IRQ);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		struct dump_irq tmp = { 0 }, *q;
		char path[128], *end;
		long irq = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name)
			continue;
		snprintf(path, sizeof(path), SYS_IRQ "/%ld/chip_name", irq);
		if (pt_host_read_str(path, tmp.chip, sizeof(tmp.chip)) ||
		    strncmp(tmp.chip, "xen-pirq", 8))
			continue;
		q = PT_PUSH(d->pirq_irqs, d->npirq_irqs, d->cappirq_irqs);
		q->irq = (int)irq;
		strcpy(q->mode, strstr(tmp.chip, "msi") ? "msi" : "gsi");
		irq_fill(d, q);
	}
	closedir(dir);
	qsort(d->pirq_irqs, d->npirq_irqs, sizeof(*d->pirq_irqs), dump_irq_cmp);
}

/* ------------------------------------------------------------ MSI-X table */

/*
 * Copy MMIO with aligned 32-bit loads: the MSI-X table allows only
 * dword/qword accesses, and memcpy may use other widths.
 */
static void mmio_copy(void *dst, const volatile void *src, size_t len)
{
	const volatile __u32 *s = src;
	__u32 *o = dst;
	size_t i;

	for (i = 0; i < len / 4; i++)
		o[i] = s[i];
}

/*
 * Read len bytes at off of BAR bir.  sysfs gives I/O BARs a read method
 * but memory BARs only mmap, so a failed pread falls back to a read-only
 * shared mapping of the pages concerned.
 */
static int bar_read(const char *bdf, unsigned int bir, __u64 off,
		    void *buf, size_t len, const char **how)
{
	long pg = sysconf(_SC_PAGESIZE);
	__u64 base = off & ~(__u64)(pg - 1);
	size_t maplen = (off - base + len + pg - 1) & ~(size_t)(pg - 1);
	char path[160];
	void *p;
	int fd, err;

	snprintf(path, sizeof(path), SYS_PCI "/%s/resource%u", bdf, bir);
	fd = pt_host_open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	if (pread(fd, buf, len, off) == (ssize_t)len) {
		*how = "pread";
		close(fd);
		return 0;
	}
	p = mmap(NULL, maplen, PROT_READ, MAP_SHARED, fd, base);
	err = p == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err)
		return err;
	mmio_copy(buf, (const char *)p + (off - base), len);
	munmap(p, maplen);
	*how = "mmap-ro";
	return 0;
}

static const char *bar_err_text(int err, bool root)
{
	switch (err) {
	case -ENOENT:
		return "the kernel exposes no resource file for this BAR";
	case -EACCES:
	case -EPERM:
		return root ? "the kernel refused access (lockdown?)" :
			      "resource files need root";
	case -EINVAL:
		return "the kernel refused the mapping (region claimed exclusively, or outside the BAR)";
	case -EIO:
		return "the kernel offers no read of this BAR";
	default:
		return strerror(-err);
	}
}

static bool all_ones(const __u8 *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != 0xff)
			return false;
	return len > 0;
}

static void read_msix_table(struct dump *d, struct dump_dev *dev)
{
	const struct pt_msix_cap *m = &dev->msix;
	size_t tlen = (size_t)m->table_size * PT_MSIX_ENTRY_SIZE;
	size_t plen = pt_msix_pba_len(m->table_size);
	const char *how = NULL, *pba_how = NULL;
	__u8 *tbl, *pba;
	struct pt_bar bar;
	bool pba_ok;
	size_t i;
	int err;

	if (pt_pcicfg_bar(dev->cfg, dev->cfglen, m->table_bir, &bar) == 0 &&
	    bar.io) {
		dev->table_err = EINVAL;
		snprintf(dev->table_note, sizeof(dev->table_note),
			 "BAR%u is an I/O BAR: not a valid MSI-X table location",
			 m->table_bir);
		return;
	}
	if (dev->bar_size[m->table_bir] &&
	    m->table_offset + tlen > dev->bar_size[m->table_bir]) {
		dev->table_err = ERANGE;
		snprintf(dev->table_note, sizeof(dev->table_note),
			 "table (BAR%u+0x%x, %zu bytes) lies outside the %llu-byte BAR",
			 m->table_bir, m->table_offset, tlen,
			 (unsigned long long)dev->bar_size[m->table_bir]);
		return;
	}

	tbl = calloc(1, tlen);
	pba = calloc(1, plen);
	if (!tbl || !pba) {
		dev->table_err = ENOMEM;
		goto out;
	}
	err = bar_read(dev->bdf, m->table_bir, m->table_offset, tbl, tlen, &how);
	if (err) {
		dev->table_err = -err;
		snprintf(dev->table_note, sizeof(dev->table_note),
			 "resource%u: %s: %s", m->table_bir, strerror(-err),
			 bar_err_text(err, d->root));
		dump_note(d, "%s MSI-X table: %s", dev->bdf, dev->table_note);
		goto out;
	}
	pba_ok = bar_read(dev->bdf, m->pba_bir, m->pba_offset, pba, plen,
			  &pba_how) == 0;
	dev->table_how = how;
	if (all_ones(tbl, tlen))
		snprintf(dev->table_note, sizeof(dev->table_note),
			 "table reads as all-ones: device powered down or in reset");

	dev->vec = calloc(m->table_size, sizeof(*dev->vec));
	if (!dev->vec) {
		dev->table_err = ENOMEM;
		goto out;
	}
	for (i = 0; i < m->table_size; i++) {
		struct dump_vec *v = &dev->vec[dev->nvec++];
		size_t k;

		v->entry = i;
		pt_msix_entry_decode(tbl, tlen, i, &v->e);
		v->pending = pba_ok ? pt_msix_pba_bit(pba, plen, i) : -1;
		v->irq = -1;
		for (k = 0; k < dev->nirqs; k++)
			if (dev->irqs[k].entry == (int)i &&
			    !strcmp(dev->irqs[k].mode, "msix"))
				v->irq = dev->irqs[k].irq;
	}
out:
	free(tbl);
	free(pba);
}

/* ------------------------------------------------------------ devices */

static void read_config(struct dump *d, struct dump_dev *dev,
			struct pci_dev *pd)
{
	static bool noted;

	if (pci_read_block(pd, 0, dev->cfg, PT_PCICFG_LEN)) {
		dev->cfglen = PT_PCICFG_LEN;
		return;
	}
	/* Unprivileged sysfs reads stop at the standard header. */
	if (pci_read_block(pd, 0, dev->cfg, PT_PCICFG_STD_LEN)) {
		dev->cfglen = PT_PCICFG_STD_LEN;
		if (!noted)
			dump_note(d, "config space beyond %d bytes needs root: MSI/MSI-X capabilities unknown",
				  PT_PCICFG_STD_LEN);
		noted = true;
		return;
	}
	dump_note(d, "%s: config space not readable", dev->bdf);
}

/* Is dev listed in one of pciback's per-device lists (one BDF a line)? */
static bool pciback_lists(const struct dump_dev *dev, const char *file)
{
	char path[128], buf[8192], *line, *save;

	snprintf(path, sizeof(path), PCIBACK_DIR "/%s", file);
	if (pt_host_read_str(path, buf, sizeof(buf)))
		return false;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		__u32 sbdf;

		if (!pt_sbdf_parse(line, &sbdf) && sbdf == dev->sbdf)
			return true;
	}
	return false;
}

static void pciback_state(struct dump_dev *dev)
{
	dev->pciback = !strcmp(dev->driver, "pciback");
	dev->pciback_slot = pciback_lists(dev, "slots");
	/* relaxations: the guest may write config space pciback filters */
	dev->permissive = pciback_lists(dev, "permissive");
	dev->irq_control = pciback_lists(dev, "allow_interrupt_control");
}

/*
 * The kernel shows "reset" only for a device with a reset method
 * (pci_reset_supported()); reset_method (5.15+) names them.  Read only
 * where the device directory itself is there, so a missing tree is not
 * taken for a missing method.
 */
static void reset_state(struct dump_dev *dev)
{
	char path[128];
	int fd;

	dev->reset = -1;
	dev->reset_method[0] = '\0';
	snprintf(path, sizeof(path), SYS_PCI "/%s/config", dev->bdf);
	fd = pt_host_open(path, O_RDONLY | O_PATH);
	if (fd < 0)
		return;
	close(fd);
	snprintf(path, sizeof(path), SYS_PCI "/%s/reset_method", dev->bdf);
	if (pt_host_read_str(path, dev->reset_method, sizeof(dev->reset_method)))
		dev->reset_method[0] = '\0';
	/* O_PATH: whether it is there, never opened for a write */
	snprintf(path, sizeof(path), SYS_PCI "/%s/reset", dev->bdf);
	fd = pt_host_open(path, O_RDONLY | O_PATH);
	dev->reset = fd >= 0 || errno != ENOENT;
	if (fd >= 0)
		close(fd);
}

static void fill_dev(struct dump *d, struct dump_dev *dev, struct pci_dev *pd,
		     struct pci_access *pacc)
{
	char *drv;
	int i;

	dev->sbdf = PT_SBDF(pd->domain, pd->bus, (pd->dev << 3) | pd->func);
	pt_sbdf_format(dev->sbdf, dev->bdf, sizeof(dev->bdf));
	dev->vendor = pd->vendor_id;
	dev->device = pd->device_id;
	dev->class = pd->device_class;
	dev->owner = dev->xs_state = dev->gsi = PT_NONE;
	dev->leftover_backend = PT_NONE;
	dev->sysfs_irq = pd->irq > 0 ? pd->irq : PT_NONE;
	for (i = 0; i < 6; i++)
		dev->bar_size[i] = pd->size[i];

	if (!pci_lookup_name(pacc, dev->vendor_name, sizeof(dev->vendor_name),
			     PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS,
			     dev->vendor))
		dev->vendor_name[0] = '\0';
	if (!pci_lookup_name(pacc, dev->device_name, sizeof(dev->device_name),
			     PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS,
			     dev->vendor, dev->device))
		dev->device_name[0] = '\0';
	drv = pci_get_string_property(pd, PCI_FILL_DRIVER);
	snprintf(dev->driver, sizeof(dev->driver), "%s", drv ? drv : "");
	pciback_state(dev);
	reset_state(dev);

	read_config(d, dev, pd);
	dev->has_intx = pt_pcicfg_intx(dev->cfg, dev->cfglen, &dev->intx) == 0;
	dev->msi_rc = pt_pcicfg_msi(dev->cfg, dev->cfglen, &dev->msi);
	dev->msix_rc = pt_pcicfg_msix(dev->cfg, dev->cfglen, &dev->msix);

	gather_msi_irqs(d, dev);
	gather_intx_irq(d, dev);

	/* INTx alone does not make a device interesting: MSI use does */
	dev->matters = dev->pciback || dev->pciback_slot ||
		       (dev->nirqs && strcmp(dev->irqs[0].mode, "intx")) ||
		       (dev->msi_rc == 0 && dev->msi.enabled) ||
		       (dev->msix_rc == 0 && dev->msix.enabled);
}

/*
 * After filtering and xenstore, which decide what is shown: the table
 * is only read for those devices.
 */
void dump_read_msix_tables(struct dump *d)
{
	size_t i;

	for (i = 0; i < d->ndevs; i++) {
		struct dump_dev *dev = &d->devs[i];

		if (dev->msix_rc == 0 && (dev->matters || d->all))
			read_msix_table(d, dev);
	}
}

static int dev_cmp(const void *a, const void *b)
{
	const struct dump_dev *x = a, *y = b;

	return (x->sbdf > y->sbdf) - (x->sbdf < y->sbdf);
}

int dump_gather_pci(struct dump *d)
{
	struct pci_access *pacc;
	struct pci_dev *pd;
	char perm[8];

	/* xen-pciback's global relaxation: every held device permissive */
	if (!pt_host_read_str("/sys/module/xen_pciback/parameters/permissive",
			   perm, sizeof(perm)))
		d->pciback_permissive = perm[0] == 'Y' || perm[0] == '1' ? 'Y' : 'N';

	pacc = pci_alloc();
	if (!pacc)
		return -ENOMEM;
	pacc->error = pci_die;
	pacc->warning = pci_quiet;
	if (pt_host_root()[0]) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/sys/bus/pci", pt_host_root());
		pacc->method = PCI_ACCESS_SYS_BUS_PCI;
		pci_set_param(pacc, "sysfs.path", path);
	}
	pci_init(pacc);
	pci_scan_bus(pacc);

	for (pd = pacc->devices; pd; pd = pd->next) {
		pci_fill_info(pd, PCI_FILL_IDENT | PCI_FILL_CLASS |
			      PCI_FILL_IRQ | PCI_FILL_BASES | PCI_FILL_SIZES |
			      PCI_FILL_DRIVER);
		fill_dev(d, PT_PUSH(d->devs, d->ndevs, d->capdevs), pd, pacc);
	}
	pci_cleanup(pacc);
	if (d->ndevs)
		qsort(d->devs, d->ndevs, sizeof(*d->devs), dev_cmp);
	return 0;
}

void dump_free_devs(struct dump *d)
{
	size_t i;

	for (i = 0; i < d->ndevs; i++) {
		free(d->devs[i].vec);
		free(d->devs[i].irqs);
	}
	free(d->devs);
	free(d->pirq_irqs);
	d->devs = NULL;
	d->ndevs = d->capdevs = 0;
	d->pirq_irqs = NULL;
	d->npirq_irqs = d->cappirq_irqs = 0;
}
