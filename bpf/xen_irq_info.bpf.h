/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The Xen event-channel code's per-irq record (struct irq_info in
 * drivers/xen/events/events_base.c), as a CO-RE flavor shared by the
 * collectors and the dump's irq-record walker.
 *
 * Debian 6.1's BTF has three structs named irq_info; the ___xen flavor
 * only matches the one in events_base.c because no other has
 * u.pirq.domid.  libbpf keeps, for later relocations of a type, only the
 * candidates that matched earlier ones: check that field exists before
 * reading "irq", which the 8250 driver's irq_info also has.
 */
#ifndef PT_XEN_IRQ_INFO_BPF_H
#define PT_XEN_IRQ_INFO_BPF_H

struct irq_info___xen {
	short type;
	unsigned int irq;
	unsigned int evtchn;
	unsigned short cpu;
	union {
		struct {
			unsigned short pirq;
			unsigned short gsi;
			unsigned char vector;
			unsigned char flags;
			unsigned short domid;
		} pirq;
	} u;
} __attribute__((preserve_access_index));

/* The flavor matched this kernel's events_base.c record. */
#define pt_xen_irq_info_exists()						\
	(bpf_core_type_exists(struct irq_info___xen) &&				\
	 bpf_core_field_exists(((struct irq_info___xen *)0)->u.pirq.domid))

#endif /* PT_XEN_IRQ_INFO_BPF_H */
