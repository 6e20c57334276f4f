/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ptrace dump: a one-shot snapshot of passthrough interrupt state, joined
 * across PCI config space, the MSI-X table, Linux's irqs, xenstore and
 * (with --xen) Xen's own dumps.  Gathering is split by source; the
 * snapshot is one struct the text and JSON writers both read.
 */
#ifndef PT_DUMP_H
#define PT_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "pt_pcicfg.h"
#include "pt_model.h"
#include "pt_names.h"
#include "pt_grow.h"

#define DUMP_SCHEMA		1	/* "schema" in the JSON; docs/dump.md */

/* One Linux irq of a device (msi_irqs/ or the INTx line). */
struct dump_irq {
	int irq;
	char mode[8];		/* "msix", "msi", "intx" */
	char chip[48];		/* /sys/kernel/irq/<n>/chip_name */
	long hwirq;		/* -1 if unknown */
	int entry;		/* MSI-X entry / MSI index, -1 if unknown */
	char actions[96];	/* handler names */
	unsigned long long count;	/* sum over CPUs */
	bool xen_pirq;		/* chip is xen-pirq-*: backed by a pirq */
	/*
	 * From the kernel's Xen irq records, or joined to Xen's view;
	 * PT_NONE when not known.
	 */
	int xen_irq;
	int pirq;
	int evtchn;
	int domid;
	int gsi;		/* GSI of a pirq bound to one (INTx) */
	bool from_record;	/* pirq/evtchn/domid/gsi from the kernel's record */
};

/* One MSI-X table entry as read from the BAR. */
struct dump_vec {
	unsigned int entry;
	struct pt_msix_entry e;
	int pending;		/* PBA bit, -1 if not read */
	int irq;		/* Linux irq using this entry, -1 if none */
};

struct dump_dev {
	__u32 sbdf;
	char bdf[PT_SBDF_STRLEN];
	__u16 vendor;
	__u16 device;
	__u16 class;
	char vendor_name[96];
	char device_name[128];
	char driver[48];		/* "" if unbound */

	bool pciback;			/* bound to xen-pciback */
	bool pciback_slot;		/* listed in pciback/slots (seized) */
	int owner;			/* domid from xenstore, PT_NONE */
	int xs_state;			/* backend state-N, PT_NONE */
	int leftover_backend;		/* dead domain whose pci-backend
					 * entry still lists it, PT_NONE */
	int reset;			/* sysfs "reset" present: 1; absent
					 * (no reset method): 0; -1 unknown */
	char reset_method[64];		/* sysfs reset_method, "" if none */
	bool permissive;		/* in pciback's permissive list */
	bool irq_control;		/* in pciback's allow_interrupt_control */

	unsigned long long bar_size[6];	/* from sysfs "resource" */

	__u8 cfg[PT_PCICFG_LEN];
	size_t cfglen;			/* bytes actually read */

	bool has_intx;
	struct pt_intx intx;
	int sysfs_irq;			/* /sys/.../irq, PT_NONE */
	int gsi;			/* PT_NONE if not known */
	const char *gsi_src;		/* "privcmd", ... */

	int msi_rc;			/* 0, -ENOENT, -ERANGE */
	struct pt_msi_cap msi;
	int msix_rc;
	struct pt_msix_cap msix;

	/* MSI-X table read from resource<BIR>; table_err != 0 if not. */
	struct dump_vec *vec;
	size_t nvec;
	int table_err;			/* errno */
	char table_note[160];
	const char *table_how;		/* "pread", "mmap-ro" */

	struct dump_irq *irqs;
	size_t nirqs, capirqs;

	bool matters;			/* shown without --all */
};

struct dump_finding {
	const struct pt_rule *rule;	/* NULL if the model lacks the rule */
	char name[48];			/* rule name */
	enum pt_severity severity;	/* the rule's; a dump-only check's own */
	__u32 sbdf;			/* PT_SBDF_NONE if none */
	int domid;			/* PT_NONE if none */
	char msg[256];
};

/* One disagreement between Linux's and Xen's views. */
struct dump_diff {
	__u32 sbdf;
	char what[48];
	char linux_says[96];
	char xen_says[96];
};

/* An irq of Xen's own table (debug key i), joined to M and Q. */
struct dump_xen_irq {
	int irq;
	int vector;
	char chip[32];
	char sbdf[PT_SBDF_STRLEN];	/* "" if no device (from Q / M) */
	char type[16];			/* from M: "MSI", "MSI-X"; "" */
	int maskbit;			/* from M: hardware mask bit, -1 unknown */
	bool host_masked;		/* from M: Xen masked it */
	bool guest_masked;		/* from M: the guest masked it */
	char guests[128];		/* "d1:55(---)" list as Xen printed */
	int domid;			/* first guest bound, PT_NONE */
	int pirq;			/* its pirq, PT_NONE */
	bool unbound;			/* "mapped, unbound" */
};

/* A device in Xen's PCI list (debug key Q). */
struct dump_xen_pdev {
	char sbdf[PT_SBDF_STRLEN];
	int domid;			/* PT_NONE for dom_io (quarantined) */
	bool quarantined;
	unsigned int nmsi;
};

struct dump_xen {
	bool present;			/* running on Xen */
	bool dom0;			/* we are the control domain */
	char why[160];			/* why not, or how detected */
	char mode[8];			/* "pv", "pvh", "" */
	bool xs_ok;			/* xenstore readable */
	int *domains;			/* live domids from xenstore */
	size_t ndomains;
	bool privcmd_gsi;		/* IOCTL_PRIVCMD_PCIDEV_GET_GSI worked */

	/* --xen */
	bool asked;
	bool view_ok;
	char view_note[256];
	struct dump_xen_irq *irqs;
	size_t nirqs, capirqs;
	struct dump_xen_pdev *pdevs;
	size_t npdevs, cappdevs;
	char *raw;			/* console text captured */
};

/* --trace: the live capture before the snapshot */
struct dump_trace {
	bool asked;
	bool ok;			/* recorded and replayed */
	double seconds;
	long sample_msix_ms;		/* the session's: 0 default, < 0 off */
	long sample_xen_ms;		/* the session's Xen mask view: 0 off */
	int exit;			/* the recording's exit code (PT_EXIT_*) */
	char log[4096];			/* kept recording, "" if removed */
	bool kept;
	bool complete;			/* the log's end trailer was written */
	unsigned long long events;
	unsigned long long lost;
	size_t seeded;			/* guest pirq bindings from the records */
	char seed_note[200];		/* why none, if the records were not read */
	struct pt_model *model;		/* findings the events prove */
	char note[256];
};

struct dump {
	double elapsed_ms;
	char when[32];			/* RFC 3339 UTC */
	char host[80];
	char kernel[80];
	bool root;
	bool all;			/* --all: every device */
	bool filtered;			/* -d: only some devices */

	struct dump_dev *devs;
	size_t ndevs, capdevs;

	char **notes;			/* what could not be read, and why */
	size_t nnotes, capnotes;

	struct dump_finding *findings;
	size_t nfindings, capfindings;

	struct dump_diff *diffs;
	size_t ndiffs, capdiffs;

	/* Linux irqs backed by a Xen pirq (chip xen-pirq-*), all devices */
	struct dump_irq *pirq_irqs;
	size_t npirq_irqs, cappirq_irqs;

	struct dump_xen xen;
	char bpf_walk[200];		/* irq records walk: status */
	bool irq_records_read;		/* the walk (or a saved list) worked */

	struct dump_trace trace;

	/* xen_pciback module parameter "permissive": 'Y', 'N', 0 unread */
	char pciback_permissive;
};

/* dump.c */
void dump_note(struct dump *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define SYS_IRQ		"/sys/kernel/irq"

/* dump_linux.c: devices, config space, MSI-X tables, Linux irqs */
int dump_gather_pci(struct dump *d);
void dump_gather_pirq_irqs(struct dump *d);
void dump_read_msix_tables(struct dump *d);
/* Order by irq. */
int dump_irq_cmp(const void *a, const void *b);
void dump_free_devs(struct dump *d);

/* dump_xen.c: detection, xenstore, GSI, --xen views, disagreements */
void dump_xen_detect(struct dump *d);
void dump_xen_owners(struct dump *d);
void dump_xen_gsi(struct dump *d);
int dump_xen_view(struct dump *d);
void dump_xen_join(struct dump *d);
void dump_xen_diff(struct dump *d);
void dump_xen_free(struct dump_xen *x);

/* dump_irqwalk.c: the kernel's struct irq_info records (BPF walker) */
void dump_xen_irq_records(struct dump *d);
/* The raw records (struct pt_irq_rec, bpf/irqwalk.h); caller frees. */
struct pt_irq_rec;
int dump_irq_records(struct dump *d, struct pt_irq_rec **recs, size_t *n);
/* Load (not attach) the walker, CO-RE relocated for btf or this kernel. */
int dump_irqwalk_verify(const char *btf);

/* dump_trace.c: --trace, the collector session for S seconds, replayed */
int dump_trace(struct dump *d, double seconds, const char *keep);
void dump_trace_free(struct dump_trace *t);

/* dump_find.c: static findings from the snapshot */
void dump_findings(struct dump *d);

/* dump_out.c */
void dump_print_text(const struct dump *d, FILE *f);
json_t *dump_to_json(const struct dump *d);

#endif /* PT_DUMP_H */
