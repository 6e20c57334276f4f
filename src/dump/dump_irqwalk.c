// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace dump: the kernel's own Xen irq records.
 *
 * Loads bpf/irqwalk.bpf.c on chip_name_show(), reads every
 * /sys/kernel/irq/<irq>/chip_name once (each read runs the program on
 * that irq's descriptor), and takes the struct irq_info copies it left
 * in its map: irq -> type, event channel, pirq, GSI, domain.  Those fill
 * the XEN IRQ RECORDS table and the pirq/evtchn/domain of each device's
 * irqs, and give the GSI of a device's INTx line on kernels without
 * IOCTL_PRIVCMD_PCIDEV_GET_GSI.
 *
 * PTRACE_DUMP_IRQ_RECORDS=FILE replaces the walk with saved records,
 * one "irq type evtchn pirq gsi domid" per line (tests, and replaying a
 * report from another host).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "commands.h"
#include "dump.h"
#include "lib/host.h"
#include "collect/probes.h"
#include "bpf/irqwalk.h"
#include "irqwalk.skel.h"

struct walk {
	struct pt_irq_rec *recs;
	size_t nrecs, caprecs;
	unsigned long long visited;	/* descriptors the program saw */
	const char *how;		/* "fentry", "kprobe", "file" */
};

/* Address of a kernel data symbol, 0 if unknown (not root: all zeros). */
static unsigned long long kallsyms_addr(const char *name)
{
	unsigned long long addr = 0, a;
	char line[256], sym[128], type;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &a, &type, sym) == 3 &&
		    !strcmp(sym, name)) {
			addr = a;
			break;
		}
	}
	fclose(f);
	return addr;
}

/* Read every chip_name file: one program run per irq descriptor. */
static void visit_all_irqs(void)
{
	struct dirent *de;
	char path[320], buf[64];
	DIR *dir = opendir(SYS_IRQ);
	int fd;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), SYS_IRQ "/%s/chip_name", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (read(fd, buf, sizeof(buf)) < 0)
			buf[0] = '\0';
		close(fd);
	}
	closedir(dir);
}

static int collect(struct irqwalk_bpf *skel, struct walk *w)
{
	int fd = bpf_map__fd(skel->maps.irq_recs);
	__u32 key, next, zero = 0;
	__u32 *prev = NULL;
	__u64 n = 0;

	bpf_map_lookup_elem(bpf_map__fd(skel->maps.visited), &zero, &n);
	w->visited = n;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct pt_irq_rec *p;

		p = PT_PUSH(w->recs, w->nrecs, w->caprecs);
		if (bpf_map_lookup_elem(fd, &next, p))
			w->nrecs--;
		key = next;
		prev = &key;
	}
	return 0;
}

/*
 * One attempt with one attach kind; 0 and the records, or -errno.
 * lookup: find legacy_info_ptrs with the in-kernel lookup program.
 */
static int walk_with(bool fentry, bool lookup, struct walk *w, char *why,
		     size_t whylen)
{
	struct irqwalk_bpf *skel;
	struct bpf_program *prog;
	struct bpf_link *link;
	int err;

	pt_libbpf_log_begin();
	skel = irqwalk_bpf__open();
	if (!skel) {
		snprintf(why, whylen, "open: %s", strerror(errno));
		return -errno;
	}
	prog = fentry ? skel->progs.fe_chip_name_show :
			skel->progs.kp_chip_name_show;
	bpf_program__set_autoload(prog, true);
	bpf_program__set_autoload(skel->progs.find_legacy_info_ptrs, lookup);
	skel->rodata->walk_tgid = getpid();

	err = irqwalk_bpf__load(skel);
	if (err && lookup) {
		/* a kernel without bpf_kallsyms_lookup_name: kallsyms instead */
		irqwalk_bpf__destroy(skel);
		return walk_with(fentry, false, w, why, whylen);
	}
	if (err) {
		snprintf(why, whylen, "%s program refused: %s",
			 fentry ? "fentry" : "kprobe", strerror(-err));
		goto out;
	}
	if (lookup) {
		LIBBPF_OPTS(bpf_test_run_opts, run);

		bpf_prog_test_run_opts(bpf_program__fd(skel->progs.find_legacy_info_ptrs),
				       &run);
	} else {
		skel->bss->legacy_info_ptrs = kallsyms_addr("legacy_info_ptrs");
	}
	link = bpf_program__attach(prog);
	if (!link) {
		err = -errno;
		snprintf(why, whylen, "%s on chip_name_show: %s",
			 fentry ? "fentry" : "kprobe", strerror(-err));
		goto out;
	}
	visit_all_irqs();
	bpf_link__destroy(link);
	err = collect(skel, w);
	w->how = fentry ? "fentry" : "kprobe";
out:
	irqwalk_bpf__destroy(skel);
	return err;
}

static int walk_from_file(const char *path, struct walk *w, char *why,
			  size_t whylen)
{
	FILE *f = fopen(path, "re");
	char line[256];
	unsigned int lineno = 0;

	if (!f) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned int irq, evtchn, pirq, gsi, domid;
		int type;
		struct pt_irq_rec *p;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%u %d %u %u %u %u", &irq, &type, &evtchn,
			   &pirq, &gsi, &domid) != 6) {
			snprintf(why, whylen, "%s:%u: expected \"irq type evtchn pirq gsi domid\"",
				 path, lineno);
			fclose(f);
			return -EINVAL;
		}
		p = PT_PUSH(w->recs, w->nrecs, w->caprecs);
		*p = (struct pt_irq_rec){
			.irq = irq, .type = type, .evtchn = evtchn,
			.pirq = pirq, .gsi = gsi, .domid = domid,
		};
	}
	fclose(f);
	w->visited = w->nrecs;
	w->how = "file";
	return 0;
}

static const struct pt_irq_rec *rec_of(const struct walk *w, int irq)
{
	size_t i;

	for (i = 0; i < w->nrecs; i++)
		if ((int)w->recs[i].irq == irq)
			return &w->recs[i];
	return NULL;
}

/*
 * The mode a device's msi_irqs/ gives this irq, else what the record
 * says: MSI pirqs are set up with GSI 0 (xen_bind_pirq_msi_to_irq),
 * GSI pirqs with their GSI (0 only for the legacy timer line).
 */
static const char *pirq_mode(const struct dump *d, const struct pt_irq_rec *r)
{
	size_t i, k;

	for (i = 0; i < d->ndevs; i++)
		for (k = 0; k < d->devs[i].nirqs; k++)
			if (d->devs[i].irqs[k].irq == (int)r->irq &&
			    strcmp(d->devs[i].irqs[k].mode, "intx"))
				return d->devs[i].irqs[k].mode;
	return r->gsi || r->irq < PT_NR_IRQS_LEGACY ? "gsi" : "msi";
}

/* A record's pirq binding onto one of our irq rows. */
static void fill_irq(const struct dump *d, struct dump_irq *q,
		     const struct pt_irq_rec *r)
{
	const char *mode;

	if (!r || r->type != PT_IRQT_PIRQ)
		return;
	q->pirq = r->pirq;
	q->evtchn = r->evtchn ? (int)r->evtchn : PT_NONE;
	q->domid = pt_domid_norm(r->domid);
	/*
	 * A device's own irq row is where pirq_mode() finds its mode: copying
	 * it onto itself (overlapping snprintf) would blank it.
	 */
	mode = pirq_mode(d, r);
	if (strcmp(q->mode, "intx") && mode != q->mode)
		snprintf(q->mode, sizeof(q->mode), "%s", mode);
	q->gsi = strcmp(q->mode, "msi") && strcmp(q->mode, "msix") ?
		 (int)r->gsi : PT_NONE;
	q->from_record = true;
}

static void fill(struct dump *d, const struct walk *w)
{
	size_t i, k, npirq = 0;

	for (i = 0; i < w->nrecs; i++) {
		const struct pt_irq_rec *r = &w->recs[i];
		struct dump_irq *q = NULL;

		if (r->type != PT_IRQT_PIRQ)
			continue;
		npirq++;
		for (k = 0; k < d->npirq_irqs && !q; k++)
			if (d->pirq_irqs[k].irq == (int)r->irq)
				q = &d->pirq_irqs[k];
		if (!q) {
			/* a pirq record behind a chip not named xen-pirq-* */
			q = PT_PUSH(d->pirq_irqs, d->npirq_irqs,
				    d->cappirq_irqs);
			q->irq = r->irq;
			q->hwirq = -1;
			q->entry = -1;
			q->xen_irq = PT_NONE;
			strcpy(q->mode, "gsi");
		}
		fill_irq(d, q, r);
	}
	qsort(d->pirq_irqs, d->npirq_irqs, sizeof(*d->pirq_irqs), dump_irq_cmp);

	for (i = 0; i < d->ndevs; i++) {
		struct dump_dev *dev = &d->devs[i];
		const struct pt_irq_rec *r;

		for (k = 0; k < dev->nirqs; k++)
			fill_irq(d, &dev->irqs[k], rec_of(w, dev->irqs[k].irq));
		/* The INTx line's record names its GSI (u.pirq.gsi). */
		if (dev->gsi == PT_NONE && dev->sysfs_irq != PT_NONE &&
		    dev->has_intx && dev->intx.pin) {
			r = rec_of(w, dev->sysfs_irq);
			if (r && r->type == PT_IRQT_PIRQ) {
				dev->gsi = r->gsi;
				dev->gsi_src = "irq record";
			}
		}
	}
	if (!strcmp(w->how, "file"))
		snprintf(d->bpf_walk, sizeof(d->bpf_walk),
			 "read: %zu pirq records of %zu Xen irq records (saved list, PTRACE_DUMP_IRQ_RECORDS)",
			 npirq, w->nrecs);
	else
		snprintf(d->bpf_walk, sizeof(d->bpf_walk),
			 "read: %zu pirq records of %zu Xen irq records, %llu irqs visited (struct irq_info via chip_name_show, %s)",
			 npirq, w->nrecs, w->visited, w->how);
	d->irq_records_read = true;
}

/*
 * The records, by the walker (or the saved list); 0, or non-zero with
 * d->bpf_walk saying why not.
 */
static int read_records(struct dump *d, struct walk *w)
{
	const char *file = getenv("PTRACE_DUMP_IRQ_RECORDS");
	char why[160] = "", why2[160] = "";
	int err;

	if (file && *file) {
		err = walk_from_file(file, w, why, sizeof(why));
	} else if (!d->xen.present) {
		snprintf(d->bpf_walk, sizeof(d->bpf_walk),
			 "not available: no Xen (the kernel keeps no pirq/evtchn records)");
		return -ENOENT;
	} else if (!d->xen.dom0) {
		snprintf(d->bpf_walk, sizeof(d->bpf_walk), "not available: not dom0");
		return -ENOENT;
	} else if (!d->root) {
		snprintf(d->bpf_walk, sizeof(d->bpf_walk),
			 "not read: loading the walker (BPF) needs root; pirq-backed irqs from chip names only");
		return -EPERM;
	} else if (pt_host_root()[0]) {
		snprintf(d->bpf_walk, sizeof(d->bpf_walk),
			 "not read: a saved tree (PTRACE_DUMP_SYSROOT) has no kernel to walk");
		return -ENOENT;
	} else {
		pt_libbpf_verbose(false);
		/*
		 * kprobe first: the walker attaches for a few milliseconds
		 * and a dump may run often; a kprobe is armed and disarmed
		 * without building and freeing a BPF trampoline each time.
		 */
		err = walk_with(false, true, w, why, sizeof(why));
		if (err && !w->nrecs)
			err = walk_with(true, true, w, why2, sizeof(why2));
	}
	if (err) {
		snprintf(d->bpf_walk, sizeof(d->bpf_walk),
			 "not read: %s%s%s; pirq-backed irqs from chip names only",
			 why, why2[0] ? "; " : "", why2);
		dump_note(d, "Xen irq records: %s%s%s", why,
			  why2[0] ? "; " : "", why2);
	}
	return err;
}

void dump_xen_irq_records(struct dump *d)
{
	struct walk w = { 0 };

	if (!read_records(d, &w))
		fill(d, &w);
	free(w.recs);
}

int dump_irq_records(struct dump *d, struct pt_irq_rec **recs, size_t *n)
{
	struct walk w = { 0 };
	int err = read_records(d, &w);

	if (err) {
		free(w.recs);
		return err;
	}
	*recs = w.recs;
	*n = w.nrecs;
	return 0;
}

/*
 * --verify-walker: the kprobe variant through the verifier, relocated
 * for btf (another kernel) or the running kernel.  A relocation left
 * unresolved is dead code when guarded; the irq_info___xen ones being
 * resolved is what makes the walk work on a kernel.
 */
int dump_irqwalk_verify(const char *btf)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = btf);
	struct irqwalk_bpf *skel;
	const char *spec;
	int err, n;

	if (geteuid() != 0) {
		fprintf(stderr, "ptrace dump: --verify-walker needs root (loading BPF)\n");
		return PT_EXIT_NOPERM;
	}
	pt_libbpf_log_begin();
	pt_libbpf_note_relocations(true);
	skel = irqwalk_bpf__open_opts(&oo);
	if (!skel) {
		fprintf(stderr, "ptrace dump: %s: %s\n", btf ? btf : "irqwalk.bpf.o",
			strerror(errno));
		return PT_EXIT_FAIL;
	}
	bpf_program__set_autoload(skel->progs.kp_chip_name_show, true);
	bpf_program__set_autoload(skel->progs.find_legacy_info_ptrs, true);
	err = irqwalk_bpf__load(skel);
	irqwalk_bpf__destroy(skel);
	if (err) {
		fprintf(stderr, "ptrace dump: the irq-record walker did not load: %s\n",
			strerror(-err));
		return PT_EXIT_FAIL;
	}
	printf("irqwalk.bpf.o: kp_chip_name_show and find_legacy_info_ptrs loaded (%s)\n",
	       btf ? btf : "this kernel's BTF");
	for (size_t i = 0; (n = pt_probes_unresolved(i, &spec)) >= 0; i++)
		printf("unresolved CO-RE relocation (dead code if guarded): %s x%d\n",
		       spec, n);
	return PT_EXIT_OK;
}
