/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Xen's and Linux's own views of PCI interrupts, from the text their
 * tools print in dom0, parsed into the shape of ptrace's reconstructed
 * table: the ground truth that recordings are compared against.
 *
 *   xl debug-keys i   Xen IRQs: vector, chip, bound domains and pirqs
 *   xl debug-keys M   Xen MSI/MSI-X: per-irq mask state
 *   xl debug-keys Q   Xen PCI devices: owner domain, MSI irqs
 *   /proc/interrupts  dom0 Linux irqs: chip, flow, handlers
 *   lspci -vv         config space: INTx routing, MSI-X Enable/Masked
 *   grep -H . /sys/bus/pci/devices/(star)/msi_irqs/(star)
 *                     dom0 Linux irqs of each device's MSI(-X) vectors
 *
 * The Xen dumps may carry the "(XEN) " console prefix (with or without a
 * "[timestamp]"), as `xl dmesg` shows them, or not.  Lines that do not
 * belong to a parser are skipped, so one text holding several dumps can
 * be given to each parser.  Pure C: no BPF, no curses.
 */
#ifndef PT_XENVIEW_H
#define PT_XENVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include "ptrace_event.h"

#define PT_XV_GUESTS_MAX	8
#define PT_XV_MSIS_MAX		64

/* A domain bound to a Xen IRQ ("d1: 55(PMM)" in debug key i). */
struct pt_xv_guest {
	int domid;
	int pirq;
	bool evtchn_pending;	/* P */
	bool evtchn_masked;	/* first M */
	bool pirq_masked;	/* second M */
};

enum pt_xv_irq_kind {
	PT_XV_IRQ_XEN = 0,	/* used by Xen itself (a handler name) */
	PT_XV_IRQ_GUEST,	/* bound by one or more domains */
	PT_XV_IRQ_UNBOUND,	/* "mapped, unbound" */
};

/* One "IRQ:" line of debug key i. */
struct pt_xv_xen_irq {
	int irq;
	int vector;
	char chip[24];		/* "IO-APIC-level", "PCI-MSI/-X", ... */
	unsigned int status;
	enum pt_xv_irq_kind kind;
	char handler[80];	/* PT_XV_IRQ_XEN: the function */
	int in_flight;		/* PT_NONE unless bound */
	struct pt_xv_guest guests[PT_XV_GUESTS_MAX];
	int nguests;
};

/* One line of debug key M. */
struct pt_xv_xen_msi {
	char type[8];		/* "MSI", "MSI-X", "IOMMU", "HPET" */
	int irq;
	int vector;
	int maskbit;		/* 1: the device can mask this vector */
	bool host_masked;	/* H: Xen masked it */
	bool guest_masked;	/* G: the owning guest masked it */
	int hw_masked;		/* mask bit read from the device; PT_NONE "?" */
};

/* One device of debug key Q. */
struct pt_xv_xen_pdev {
	__u32 sbdf;
	int domid;		/* PT_NONE: not a regular domain (see owner) */
	char owner[16];		/* as printed: "d0", "DomIO:8001", ... */
	bool quarantined;	/* owned by dom_io */
	int node;
	int msi_irqs[PT_XV_MSIS_MAX];	/* Xen irqs, as listed */
	int nmsi;
};

/* One numbered line of /proc/interrupts. */
struct pt_xv_linux_irq {
	int irq;
	unsigned long long count;	/* summed over CPUs */
	char chip[32];		/* "xen-pirq", "IR-PCI-MSIX-0000:00:02.0" */
	char flow[32];		/* "msi-x", "ioapic-level" (after '-'), "" */
	char actions[128];	/* handler names, "" if none */
};

/* One device of lspci -vv. */
struct pt_xv_pci {
	__u32 sbdf;
	int intx_irq;		/* "pin A routed to IRQ n", PT_NONE */
	int has_msi;
	int msi_enabled;	/* PT_NONE when no MSI capability */
	int has_msix;
	int msix_enabled;	/* PT_NONE when no MSI-X capability */
	int msix_maskall;	/* "Masked+": function mask, PT_NONE */
	int msix_count;		/* table size, PT_NONE */
};

/* One "<sysfs>/<sbdf>/msi_irqs/<irq>:<msi|msix>" line. */
struct pt_xv_msi_irq {
	__u32 sbdf;
	int irq;		/* dom0 Linux irq */
	bool msix;
};

/* Everything parsed; each array is malloc'ed and owned by the view. */
struct pt_xv_view {
	struct pt_xv_xen_irq *xen_irqs;
	size_t nxen_irqs;
	struct pt_xv_xen_msi *xen_msis;
	size_t nxen_msis;
	struct pt_xv_xen_pdev *xen_pdevs;
	size_t nxen_pdevs;
	struct pt_xv_linux_irq *linux_irqs;
	size_t nlinux_irqs;
	struct pt_xv_pci *pcis;
	size_t npcis;
	struct pt_xv_msi_irq *msi_irqs;
	size_t nmsi_irqs;
};

/*
 * One row of the reconstructed table: one interrupt of one device, as
 * ptrace shows it.  Unknown fields are PT_NONE (PT_SBDF_NONE for sbdf).
 */
struct pt_xv_row {
	__u32 sbdf;
	int gsi;		/* INTx rows: the GSI */
	int irq;		/* dom0 Linux irq */
	int pirq;		/* pirq in domain domid */
	int evtchn;		/* not printed by these tools: PT_NONE */
	int domid;		/* domain the pirq belongs to */
	int msix_enabled;	/* device's MSI-X Enable bit */
	int maskall;		/* device's MSI-X function mask */
	int entry;		/* MSI-X table entry, PT_NONE when unknown */
	int masked;		/* vector masked (hardware bit when known) */
	int xen_irq;		/* Xen's irq number (the join key) */
	int bound;		/* 1: Xen lists the domain bound to it;
				 * 0: "mapped, unbound" (no event channel
				 * yet: Xen prints no pirq for it, so pirq
				 * is PT_NONE); PT_NONE: not in debug key i */
	int xen_masked;		/* MSI rows: Xen's own mask of the vector,
				 * masked by Xen (H) or by the guest through
				 * Xen (G) in debug key M; PT_NONE unknown */
};

/*
 * Parsers: each appends what it finds to *out (realloc'ed; start with
 * NULL/0) and returns the number of entries added, or -errno (-ENOMEM).
 */
int pt_xv_parse_xen_irqs(const char *text, struct pt_xv_xen_irq **out,
			 size_t *n);
int pt_xv_parse_xen_msis(const char *text, struct pt_xv_xen_msi **out,
			 size_t *n);
int pt_xv_parse_xen_pdevs(const char *text, struct pt_xv_xen_pdev **out,
			  size_t *n);
int pt_xv_parse_proc_interrupts(const char *text,
				struct pt_xv_linux_irq **out, size_t *n);
int pt_xv_parse_lspci(const char *text, struct pt_xv_pci **out, size_t *n);
int pt_xv_parse_msi_irqs(const char *text, struct pt_xv_msi_irq **out,
			 size_t *n);

/* "0000:00:02.0" or "00:02.0" -> sbdf; -EINVAL if not a BDF. */
int pt_xv_parse_sbdf(const char *s, __u32 *sbdf);

/* Lookups in a parsed view; NULL when absent. */
const struct pt_xv_xen_irq *pt_xv_xen_irq(const struct pt_xv_view *v,
					  int irq);
const struct pt_xv_xen_msi *pt_xv_xen_msi(const struct pt_xv_view *v,
					  int irq);
const struct pt_xv_pci *pt_xv_pci(const struct pt_xv_view *v, __u32 sbdf);

/*
 * Load a lab checkpoint directory (lab/guest/lib.sh: xen-i.txt,
 * xen-M.txt, xen-Q.txt, proc-interrupts.txt, lspci-vv.txt, msi-irqs.txt;
 * missing files are skipped).  Returns 0 or -errno.
 */
int pt_xv_load_dir(struct pt_xv_view *v, const char *dir);
void pt_xv_view_free(struct pt_xv_view *v);

/*
 * Build the table.  One row per (device, Xen irq, bound domain) for every
 * device of debug key Q with MSIs, and per (device, domain) for INTx
 * devices whose GSI Xen has bound.  dom0 Linux irqs (msi_irqs: for a
 * guest's device, the irqs pciback bound on the guest's behalf) are
 * joined to Xen irqs of the same device in ascending order when both
 * sides list the same number (that is how a PV dom0 allocates them, in
 * MSI-X entry order); entry likewise.
 * Rows are sorted by sbdf, domid, xen_irq.  Returns the number of rows
 * (*rows malloc'ed) or -errno.
 */
int pt_xv_rows(const struct pt_xv_view *v, struct pt_xv_row **rows);

/* The rows as a JSON array (a malloc'ed string), NULL on error. */
char *pt_xv_rows_json(const struct pt_xv_row *rows, size_t n);

#endif /* PT_XENVIEW_H */
