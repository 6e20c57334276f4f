/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by bpf/irqwalk.bpf.c and `ptrace dump` (src/dump/dump_irqwalk.c):
 * one record of the Xen event-channel code's per-irq bookkeeping
 * (struct irq_info in drivers/xen/events/events_base.c), as the walker
 * copies it into its map.
 */
#ifndef PT_IRQWALK_H
#define PT_IRQWALK_H

/* enum xen_irq_type in events_base.c */
#define PT_IRQT_UNBOUND		0
#define PT_IRQT_PIRQ		1
#define PT_IRQT_VIRQ		2
#define PT_IRQT_IPI		3
#define PT_IRQT_EVTCHN		4

/* Irqs below this use legacy_info_ptrs[] instead of chip_data. */
#define PT_NR_IRQS_LEGACY	16

#define PT_IRQWALK_MAX		8192

/* Where the walker found the record. */
#define PT_IRQREC_CHIP_DATA	1	/* irq_data.chip_data */
#define PT_IRQREC_LEGACY	2	/* legacy_info_ptrs[irq] */

struct pt_irq_rec {
	__u32 irq;
	__u32 evtchn;		/* 0: no event channel bound */
	__s16 type;		/* PT_IRQT_* */
	__u16 cpu;		/* vCPU the event channel is bound to */
	__u16 pirq;		/* u.pirq: meaningful for PT_IRQT_PIRQ only */
	__u16 gsi;
	__u16 domid;		/* DOMID_SELF (0x7ff0): dom0 itself */
	__u8 vector;
	__u8 flags;		/* PIRQ_NEEDS_EOI 1, PIRQ_SHAREABLE 2, PIRQ_MSI_GROUP 4 */
	__u8 where;		/* PT_IRQREC_* */
	__u8 pad[3];
};

#endif /* PT_IRQWALK_H */
