// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * MSI-X table sampler.  The table's BAR and offset come from the MSI-X
 * capability in config space; the table is then mapped read-only from
 * the sysfs resource file (memory BARs cannot be read(2) there) or, for
 * an I/O BAR, read with pread.  Nothing is ever written to the device.
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

#include "msix_sampler.h"
#include "pt_names.h"
#include "pt_pcicfg.h"

#define SYSFS_PCI	"/sys/bus/pci/devices"
#define PCIBACK_DIR	"/sys/bus/pci/drivers/pciback"
#define MAX_DEVS	64

struct dev {
	__u32 sbdf;
	bool sticky;		/* named by the user, kept while absent */
	bool seen;		/* present in this pass */
	int err;		/* why the table cannot be read now, 0 if it can */
	int res_fd;
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
	bool pciback;
};

/* Unmap; the last known mask bits stay, so a reopen reports changes only. */
static void dev_close(struct dev *d)
{
	if (d->map)
		munmap((void *)d->map, d->map_len);
	if (d->res_fd >= 0)
		close(d->res_fd);
	d->map = NULL;
	d->res_fd = -1;
	d->use_pread = false;
}

static void dev_forget(struct dev *d)
{
	dev_close(d);
	free(d->masked);
	free(d->snap);
	d->masked = NULL;
	d->snap = NULL;
}

static struct dev *dev_add(struct pt_msix_sampler *s, __u32 sbdf, bool sticky)
{
	for (size_t i = 0; i < s->ndevs; i++)
		if (s->devs[i].sbdf == sbdf)
			return &s->devs[i];
	if (s->ndevs == MAX_DEVS)
		return NULL;
	struct dev *d = &s->devs[s->ndevs++];

	memset(d, 0, sizeof(*d));
	d->sbdf = sbdf;
	d->sticky = sticky;
	d->res_fd = -1;
	d->ctrl = -1;
	return d;
}

struct pt_msix_sampler *pt_msix_sampler_new(const __u32 *sbdfs, size_t n,
					    bool pciback)
{
	struct pt_msix_sampler *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->pciback = pciback;
	for (size_t i = 0; i < n; i++)
		dev_add(s, sbdfs[i], true);
	bus_guard_install();
	return s;
}

static int read_config(__u32 sbdf, __u8 *cfg, size_t len)
{
	char path[96], b[PT_SBDF_STRLEN];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/config",
		 pt_sbdf_format(sbdf, b, sizeof(b)));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, cfg, len, 0);
	close(fd);
	return n < 0 ? -errno : (int)n;
}

/*
 * Map the table read-only (memory BAR), or prepare to pread it (I/O BAR).
 * 0 or -errno.  A driver holding its regions exclusively (e1000e does)
 * makes the mapping fail until the device moves to pciback.
 */
static int dev_open(struct dev *d, const struct pt_msix_cap *cap, bool io)
{
	char path[112], b[PT_SBDF_STRLEN];
	long pg = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)cap->table_size * PT_MSIX_ENTRY_SIZE;
	off_t start = cap->table_offset & ~((off_t)pg - 1);
	void *m;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/resource%u",
		 pt_sbdf_format(d->sbdf, b, sizeof(b)), cap->table_bir);
	d->res_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->res_fd < 0)
		return -errno;
	if (!d->masked || d->nent != cap->table_size) {
		free(d->masked);
		free(d->snap);
		d->nent = cap->table_size;
		d->masked = malloc(d->nent);
		d->snap = calloc(d->nent, sizeof(*d->snap));
		if (!d->masked || !d->snap)
			return -ENOMEM;
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

/* Say so when a device's table becomes unreadable or readable again. */
static void dev_state(struct dev *d, int err, unsigned int bir)
{
	char b[PT_SBDF_STRLEN];

	if (err == d->err)
		return;
	if (err)
		fprintf(stderr, "ptrace: MSI-X table of %s (resource%u) not sampled, "
			"retrying: %s\n", pt_sbdf_format(d->sbdf, b, sizeof(b)), bir,
			err == -EFAULT ? "mapping revoked, a driver holds the BAR" :
			strerror(-err));
	else
		fprintf(stderr, "ptrace: MSI-X table of %s sampled\n",
			pt_sbdf_format(d->sbdf, b, sizeof(b)));
	d->err = err;
}

/* Copy every Vector Control word into d->snap; 0 or -errno. */
static int read_table(struct dev *d)
{
	unsigned int i;

	if (d->use_pread) {
		for (i = 0; i < d->nent; i++) {
			off_t off = d->tbl_off + (off_t)i * PT_MSIX_ENTRY_SIZE + 12;

			if (pread(d->res_fd, &d->snap[i], 4, off) != 4)
				return errno ? -errno : -EIO;
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
	__u8 cfg[PT_PCICFG_LEN];
	struct pt_msix_cap cap;
	struct pt_event ev;
	int n, err, out = 0;

	n = read_config(d->sbdf, cfg, sizeof(cfg));
	if (n < 0)
		return n;
	err = pt_pcicfg_msix(cfg, n, &cap);
	if (err)
		return err;
	if (d->res_fd < 0) {
		struct pt_bar bar = { 0 };

		pt_pcicfg_bar(cfg, n, cap.table_bir, &bar);
		err = dev_open(d, &cap, bar.io);
		if (err)
			dev_close(d);
		dev_state(d, err, cap.table_bir);
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
	err = read_table(d);
	if (err) {
		dev_close(d);
		dev_state(d, err, cap.table_bir);
		return out;
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
		ev.vmask.masked = m;
		ev.vmask.view = PT_VIEW_TABLE;
		emit(&ev, arg);
		out++;
	}
	return out;
}

static void scan_pciback(struct pt_msix_sampler *s)
{
	DIR *dir = opendir(PCIBACK_DIR);
	struct dirent *de;
	__u32 sbdf;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (pt_sbdf_parse(de->d_name, &sbdf))
			continue;
		struct dev *d = dev_add(s, sbdf, false);

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
		s->devs[i].seen = s->devs[i].sticky;
	if (s->pciback)
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
	free(s);
}
