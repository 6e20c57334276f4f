// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * MSI-X table sampler.  The table's BAR and offset come from the MSI-X
 * capability in config space; the table is then mapped read-only from
 * the sysfs resource file (memory BARs cannot be read(2) there) or, for
 * an I/O BAR, read with pread.  Nothing is ever written to the device,
 * and only devices bound to pciback (held for, or passed through to, a
 * guest) are read: a device a dom0 driver owns is never touched.
 *
 * Every sysfs path goes through the host helpers (lib/host.h), so the
 * benchmark can run the sampler on a fake tree.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "msix_sampler.h"
#include "pt_names.h"
#include "pt_pcicfg.h"
#include "lib/host.h"

#define PCIBACK_DIR	"/sys/bus/pci/drivers/pciback"
#define MAX_DEVS	64

struct dev {
	__u32 sbdf;
	bool seen;		/* bound to pciback in this pass */
	int err;		/* why the table cannot be read now, 0 if it can */
	bool said;		/* the first outcome was said */
	int cfg_fd;		/* config space, kept open between passes */
	unsigned int cap_pos;	/* MSI-X capability, 0 before the first read */
	unsigned int pm_pos;	/* power management capability, 0 if none */
	bool no_msix;		/* no MSI-X capability: not read again */
	bool reading;		/* the table was read once since it was opened */
	int res_fd;
	unsigned int bir;	/* the table's BAR */
	volatile __u8 *map;	/* mapping of the table's pages */
	size_t map_len;
	size_t tbl_off;		/* table offset within map, or in file for pread */
	bool use_pread;
	unsigned int nent;
	int ctrl;		/* last Message Control, -1 before the first */
	__u8 *masked;		/* last mask bit per entry, 0xff unknown */
	__u32 *snap;		/* Vector Control words of this pass */
};

/*
 * A mapping of a BAR is revoked when a driver claims the region
 * exclusively (e1000e does, at probe): the next access raises SIGBUS.
 * Table reads run under this guard and turn that into an error.
 */
static sigjmp_buf bus_env;
static volatile sig_atomic_t bus_armed;
static struct sigaction bus_old;
static int bus_users;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	if (bus_armed) {
		bus_armed = 0;
		siglongjmp(bus_env, 1);
	}
	/* not ours: behave as if we had never been here */
	sigaction(SIGBUS, &bus_old, NULL);
	raise(sig);
}

static void bus_guard_install(void)
{
	struct sigaction sa;

	if (bus_users++)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &bus_old);
}

static void bus_guard_remove(void)
{
	if (--bus_users == 0)
		sigaction(SIGBUS, &bus_old, NULL);
}

struct pt_msix_sampler {
	struct dev devs[MAX_DEVS];
	size_t ndevs;
	__u32 *only;		/* of pciback's devices, only these (if nonly) */
	size_t nonly;
};

/* Unmap the table; the last known mask bits stay, so a reopen reports changes only. */
static void dev_close_table(struct dev *d)
{
	if (d->map)
		munmap((void *)d->map, d->map_len);
	if (d->res_fd >= 0)
		close(d->res_fd);
	d->map = NULL;
	d->res_fd = -1;
	d->use_pread = false;
	d->reading = false;
}

/* The table and config space closed: the next pass reads the capability again. */
static void dev_close(struct dev *d)
{
	dev_close_table(d);
	if (d->cfg_fd >= 0)
		close(d->cfg_fd);
	d->cfg_fd = -1;
	d->cap_pos = 0;
}

static void dev_forget(struct dev *d)
{
	dev_close(d);
	free(d->masked);
	free(d->snap);
	d->masked = NULL;
	d->snap = NULL;
}

static struct dev *dev_add(struct pt_msix_sampler *s, __u32 sbdf)
{
	for (size_t i = 0; i < s->ndevs; i++)
		if (s->devs[i].sbdf == sbdf)
			return &s->devs[i];
	if (s->ndevs == MAX_DEVS)
		return NULL;
	struct dev *d = &s->devs[s->ndevs++];

	memset(d, 0, sizeof(*d));
	d->sbdf = sbdf;
	d->res_fd = -1;
	d->cfg_fd = -1;
	d->ctrl = -1;
	return d;
}

struct pt_msix_sampler *pt_msix_sampler_new(const __u32 *only, size_t n)
{
	struct pt_msix_sampler *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (n) {
		s->only = calloc(n, sizeof(*s->only));
		if (!s->only) {
			free(s);
			return NULL;
		}
		memcpy(s->only, only, n * sizeof(*only));
		s->nonly = n;
	}
	bus_guard_install();
	return s;
}

/* A sysfs file of the device, read-only; fd or -errno. */
static int dev_file(__u32 sbdf, const char *attr)
{
	char path[96], b[PT_SBDF_STRLEN];
	int fd;

	snprintf(path, sizeof(path), PT_HOST_PCI "/%s/%s",
		 pt_sbdf_format(sbdf, b, sizeof(b)), attr);
	fd = pt_host_open(path, O_RDONLY);
	return fd < 0 ? -errno : fd;
}

/*
 * Map the table read-only (memory BAR), or prepare to pread it (I/O BAR).
 * 0 or -errno.  A driver holding its regions exclusively (e1000e does)
 * makes the mapping fail until the device moves to pciback.
 */
static int dev_open(struct dev *d, const struct pt_msix_cap *cap, bool io)
{
	char attr[16];
	long pg = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)cap->table_size * PT_MSIX_ENTRY_SIZE;
	off_t start = cap->table_offset & ~((off_t)pg - 1);
	void *m;

	d->bir = cap->table_bir;
	snprintf(attr, sizeof(attr), "resource%u", cap->table_bir);
	d->res_fd = dev_file(d->sbdf, attr);
	if (d->res_fd < 0) {
		int err = d->res_fd;

		d->res_fd = -1;
		return err;
	}
	if (!d->masked || d->nent != cap->table_size) {
		free(d->masked);
		free(d->snap);
		d->nent = cap->table_size;
		d->masked = malloc(d->nent);
		d->snap = calloc(d->nent, sizeof(*d->snap));
		if (!d->masked || !d->snap) {
			free(d->masked);
			free(d->snap);
			d->masked = NULL;
			d->snap = NULL;
			d->nent = 0;
			return -ENOMEM;
		}
		memset(d->masked, 0xff, d->nent);
	}
	if (io) {
		d->use_pread = true;
		d->tbl_off = cap->table_offset;
		return 0;
	}
	d->map_len = (cap->table_offset - start) + len;
	m = mmap(NULL, d->map_len, PROT_READ, MAP_SHARED, d->res_fd, start);
	if (m == MAP_FAILED)
		return -errno;
	d->map = m;
	d->tbl_off = cap->table_offset - start;
	return 0;
}

/*
 * Say which devices are sampled, and when a device's table becomes
 * unreadable or readable again.
 */
static void dev_state(struct dev *d, int err, unsigned int bir)
{
	char b[PT_SBDF_STRLEN];

	if (err == d->err && d->said)
		return;
	d->said = true;
	if (err)
		fprintf(stderr, "ptrace: MSI-X table of %s (resource%u) not sampled, "
			"retrying: %s\n", pt_sbdf_format(d->sbdf, b, sizeof(b)), bir,
			err == -EFAULT ? "mapping revoked (a driver claimed the BAR, or the device left)" :
			err == -EAGAIN ? "memory decoding off or not in D0" :
			strerror(-err));
	else
		fprintf(stderr, "ptrace: MSI-X table of %s sampled\n",
			pt_sbdf_format(d->sbdf, b, sizeof(b)));
	d->err = err;
}

/*
 * The MSI-X capability: the whole config header while the table is not
 * open, then only its Message Control word: one config read a pass
 * instead of sixty-four, each of which traps to Xen in a PV dom0.
 * 0 or -errno.
 */
static int read_cap(struct dev *d, struct pt_msix_cap *cap)
{
	__u8 cfg[PT_PCICFG_LEN];
	__u16 ctrl;
	ssize_t n;
	int err;

	if (d->cfg_fd < 0) {
		d->cfg_fd = dev_file(d->sbdf, "config");
		if (d->cfg_fd < 0) {
			err = d->cfg_fd;
			d->cfg_fd = -1;
			return err;
		}
		d->cap_pos = 0;
	}
	if (d->cap_pos && d->res_fd >= 0) {
		n = pread(d->cfg_fd, &ctrl, sizeof(ctrl), d->cap_pos + 2);
		if (n != sizeof(ctrl))
			return n < 0 ? -errno : -EIO;
		/* all ones: in reset or gone; read the header again */
		if (ctrl != 0xffff) {
			cap->ctrl = ctrl;
			cap->enabled = ctrl & 0x8000;
			cap->maskall = ctrl & 0x4000;
			return 0;
		}
	}
	n = pread(d->cfg_fd, cfg, sizeof(cfg), 0);
	if (n < 0)
		return -errno;
	err = pt_pcicfg_msix(cfg, n, cap);
	if (err) {
		/* a readable header without MSI-X will not grow one */
		if (err == -ENOENT && n >= 64 && cfg[0] != 0xff)
			d->no_msix = true;
		return err;
	}
	err = pt_pcicfg_find_cap(cfg, n, PCI_CAP_ID_PM);
	d->pm_pos = err > 0 ? (unsigned int)err : 0;
	if (d->res_fd < 0) {
		struct pt_bar bar = { 0 };

		pt_pcicfg_bar(cfg, n, cap->table_bir, &bar);
		err = dev_open(d, cap, bar.io);
		if (err) {
			dev_close_table(d);
			dev_state(d, err, cap->table_bir);
		}
	}
	d->cap_pos = cap->pos;
	return 0;
}

/*
 * Whether the table may be read now: the device decodes the BAR's kind
 * of space and is in D0.  A read of a device in D3hot or with decoding
 * off is an Unsupported Request, which some platforms escalate (AER,
 * SERR): a guest can put its device there through pciback at any time.
 * 0, -EAGAIN (not now) or -errno.
 */
static int dev_decodes(struct dev *d)
{
	__u16 cmd, pmcsr;

	if (pread(d->cfg_fd, &cmd, sizeof(cmd), PCI_COMMAND) != sizeof(cmd))
		return -EIO;
	if (cmd == 0xffff)
		return -EAGAIN;		/* in reset, or gone */
	if (!(cmd & (d->use_pread ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)))
		return -EAGAIN;
	if (!d->pm_pos)
		return 0;
	if (pread(d->cfg_fd, &pmcsr, sizeof(pmcsr), d->pm_pos + PCI_PM_CTRL) != sizeof(pmcsr))
		return -EIO;
	return (pmcsr & PCI_PM_CTRL_STATE_MASK) ? -EAGAIN : 0;
}

/* Still pciback's: a device rebound during the pass is not read. */
static bool dev_in_pciback(const struct dev *d)
{
	char b[PT_SBDF_STRLEN], drv[32];

	if (pt_host_pci_driver(pt_sbdf_format(d->sbdf, b, sizeof(b)), drv,
			       sizeof(drv)))
		return false;
	return !strcmp(drv, "pciback");
}

/* Copy every Vector Control word into d->snap; 0 or -errno. */
static int read_table(struct dev *d)
{
	unsigned int i;

	if (d->use_pread) {
		for (i = 0; i < d->nent; i++) {
			off_t off = d->tbl_off + (off_t)i * PT_MSIX_ENTRY_SIZE + 12;

			ssize_t n = pread(d->res_fd, &d->snap[i], 4, off);

			if (n != 4)
				return n < 0 ? -errno : -EIO;
		}
		return 0;
	}
	if (sigsetjmp(bus_env, 1))
		return -EFAULT;		/* mapping revoked under us */
	bus_armed = 1;
	for (i = 0; i < d->nent; i++)
		d->snap[i] = *(volatile __u32 *)(d->map + d->tbl_off +
						 (size_t)i * PT_MSIX_ENTRY_SIZE + 12);
	bus_armed = 0;
	return 0;
}

static void ev_init(struct pt_event *ev, __u32 sbdf, __u16 type)
{
	struct timespec ts;
	int cpu;

	memset(ev, 0, sizeof(*ev));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ev->hdr.ts_ns = (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	cpu = sched_getcpu();
	/* the reader refuses a cpu out of range: never write -1 as one */
	ev->hdr.cpu = cpu < 0 ? 0 : cpu;
	ev->hdr.pid = getpid();
	snprintf(ev->hdr.comm, sizeof(ev->hdr.comm), "ptrace");
	ev->hdr.sbdf = sbdf;
	ev->hdr.type = type;
}

static int dev_sample(struct dev *d, pt_msix_emit_fn emit, void *arg)
{
	struct pt_msix_cap cap;
	struct pt_event ev;
	int err, out = 0;

	if (d->no_msix)
		return 0;
	err = read_cap(d, &cap);
	if (err) {
		dev_close(d);
		return err;
	}
	if (d->ctrl != cap.ctrl) {
		ev_init(&ev, d->sbdf, PT_EV_MSIX_CTRL);
		ev.msix_ctrl.value = cap.ctrl;
		ev.msix_ctrl.old = d->ctrl < 0 ? 0 : d->ctrl;
		ev.msix_ctrl.enable = cap.enabled;
		ev.msix_ctrl.maskall = cap.maskall;
		ev.msix_ctrl.view = PT_VIEW_TABLE;
		ev.msix_ctrl.domid = PT_NONE;
		emit(&ev, arg);
		out++;
		d->ctrl = cap.ctrl;
	}
	if (d->res_fd < 0)
		return out;
	if (!dev_in_pciback(d))
		return out;	/* the next pass forgets it */
	err = dev_decodes(d);
	if (err == -EAGAIN) {
		dev_state(d, err, d->bir);
		return out;	/* the last known bits stay */
	}
	if (!err)
		err = read_table(d);
	if (err) {
		dev_close(d);
		dev_state(d, err, d->bir);
		return out;
	}
	if (!d->reading || d->err) {
		d->reading = true;
		dev_state(d, 0, d->bir);
	}
	for (unsigned int i = 0; i < d->nent; i++) {
		__u32 v = d->snap[i];
		__u8 m = v & 1;

		/* all ones: the device fell off the bus or is in reset */
		if (v == 0xffffffffu || d->masked[i] == m)
			continue;
		d->masked[i] = m;
		ev_init(&ev, d->sbdf, PT_EV_VECTOR_MASK);
		ev.vmask.entry = i;
		ev.vmask.irq = PT_NONE;
		ev.vmask.pirq = PT_NONE;
		ev.vmask.domid = PT_NONE;
		ev.vmask.masked = m;
		ev.vmask.view = PT_VIEW_TABLE;
		emit(&ev, arg);
		out++;
	}
	return out;
}

static bool wanted(const struct pt_msix_sampler *s, __u32 sbdf)
{
	if (!s->nonly)
		return true;
	for (size_t i = 0; i < s->nonly; i++)
		if (s->only[i] == sbdf)
			return true;
	return false;
}

/* The devices bound to pciback now: the only ones ever read. */
static void scan_pciback(struct pt_msix_sampler *s)
{
	DIR *dir = pt_host_opendir(PCIBACK_DIR);
	struct dirent *de;
	__u32 sbdf;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || pt_sbdf_parse(de->d_name, &sbdf) ||
		    !wanted(s, sbdf))
			continue;
		struct dev *d = dev_add(s, sbdf);

		if (d)
			d->seen = true;
	}
	closedir(dir);
}

int pt_msix_sampler_run(struct pt_msix_sampler *s, pt_msix_emit_fn emit,
			void *arg)
{
	int total = 0;

	for (size_t i = 0; i < s->ndevs; i++)
		s->devs[i].seen = false;
	scan_pciback(s);
	for (size_t i = 0; i < s->ndevs; i++) {
		struct dev *d = &s->devs[i];
		int n;

		if (!d->seen) {
			/* left pciback: forget it, state restarts if it returns */
			dev_forget(d);
			*d = s->devs[--s->ndevs];
			i--;
			continue;
		}
		n = dev_sample(d, emit, arg);
		if (n > 0)
			total += n;
	}
	return total;
}

size_t pt_msix_sampler_devices(const struct pt_msix_sampler *s,
			       size_t *failed)
{
	size_t ok = 0, bad = 0;

	for (size_t i = 0; i < s->ndevs; i++) {
		if (s->devs[i].err)
			bad++;
		else if (s->devs[i].res_fd >= 0)
			ok++;
	}
	if (failed)
		*failed = bad;
	return ok;
}

void pt_msix_sampler_free(struct pt_msix_sampler *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ndevs; i++)
		dev_forget(&s->devs[i]);
	bus_guard_remove();
	free(s->only);
	free(s);
}
