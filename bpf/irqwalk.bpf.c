// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The irq-record walker of `ptrace dump`: copies the Xen event-channel
 * code's own per-irq record (struct irq_info, events_base.c) of every
 * irq into a map, so the dump shows irq -> pirq -> event channel ->
 * domain as the kernel holds it, not as names suggest.
 *
 * Kernel function: chip_name_show() (kernel/irq/irqdesc.c, static), the
 * sysfs show method of /sys/kernel/irq/<irq>/chip_name.  It is reached
 * with the irq's kobject, embedded in its struct irq_desc, so reading
 * every chip_name file visits every irq descriptor once.  The programs
 * only act for the process that loaded them (walk_tgid), which is the
 * dump, reading those files right after attaching.
 *
 * If chip_name_show is missing (no CONFIG_SPARSE_IRQ, or neither fentry
 * nor kprobes), the dump says the records were not read and keeps what
 * it knows from chip names; nothing else depends on it.
 *
 * Where events_base.c keeps the record (info_for_irq()): in
 * irq_data.chip_data, except for the legacy irqs (< 16), whose
 * chip_data belongs to the interrupt controller code; those are in the
 * static array legacy_info_ptrs[], whose address find_legacy_info_ptrs
 * (a syscall program the dump runs once, before attaching) looks up in
 * the kernel; generating /proc/kallsyms to find it costs far more.  A
 * record is only taken when its irq back-pointer matches, so another
 * chip's chip_data is never mistaken for one.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "irqwalk.h"
#include "xen_irq_info.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 walk_tgid = 0;
__u64 legacy_info_ptrs = 0;	/* address, 0 if unknown */
static const char legacy_name[] = "legacy_info_ptrs";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PT_IRQWALK_MAX);
	__type(key, __u32);
	__type(value, struct pt_irq_rec);
} irq_recs SEC(".maps");

/* Descriptors visited, records or not: tells "no record" from "not seen". */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} visited SEC(".maps");

static __always_inline bool info_is_for(struct irq_info___xen *info,
					__u32 irq)
{
	return info && BPF_CORE_READ(info, irq) == irq;
}

static __always_inline int walk(struct kobject *kobj)
{
	struct irq_info___xen *info = NULL;
	struct pt_irq_rec rec = {};
	struct irq_desc *desc;
	__u32 irq, zero = 0;
	__u64 *n;
	__u8 where = 0;

	if (bpf_get_current_pid_tgid() >> 32 != walk_tgid)
		return 0;
	/* first, before any field of the record (xen_irq_info.bpf.h) */
	if (!pt_xen_irq_info_exists())
		return 0;
	n = bpf_map_lookup_elem(&visited, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);

	desc = (void *)kobj - bpf_core_field_offset(struct irq_desc, kobj);
	irq = BPF_CORE_READ(desc, irq_data.irq);

	if (irq < PT_NR_IRQS_LEGACY && legacy_info_ptrs) {
		bpf_probe_read_kernel(&info, sizeof(info),
				      (void *)(legacy_info_ptrs +
					       irq * sizeof(void *)));
		if (info_is_for(info, irq))
			where = PT_IRQREC_LEGACY;
	}
	if (!where) {
		info = BPF_CORE_READ(desc, irq_data.chip_data);
		if (!info_is_for(info, irq))
			return 0;
		where = PT_IRQREC_CHIP_DATA;
	}

	rec.irq = irq;
	rec.where = where;
	rec.type = BPF_CORE_READ(info, type);
	rec.evtchn = BPF_CORE_READ(info, evtchn);
	rec.cpu = BPF_CORE_READ(info, cpu);
	rec.pirq = BPF_CORE_READ(info, u.pirq.pirq);
	rec.gsi = BPF_CORE_READ(info, u.pirq.gsi);
	rec.vector = BPF_CORE_READ(info, u.pirq.vector);
	rec.flags = BPF_CORE_READ(info, u.pirq.flags);
	rec.domid = BPF_CORE_READ(info, u.pirq.domid);
	bpf_map_update_elem(&irq_recs, &irq, &rec, BPF_ANY);
	return 0;
}

SEC("?fentry/chip_name_show")
int BPF_PROG(fe_chip_name_show, struct kobject *kobj)
{
	return walk(kobj);
}

SEC("?kprobe/chip_name_show")
int BPF_KPROBE(kp_chip_name_show, struct kobject *kobj)
{
	return walk(kobj);
}

/*
 * bpf_kallsyms_lookup_name() (Linux 5.16+, syscall programs only).  The
 * dump falls back to /proc/kallsyms where this program does not load.
 */
SEC("?syscall")
int find_legacy_info_ptrs(void *ctx)
{
	__u64 addr = 0;

	if (!bpf_kallsyms_lookup_name(legacy_name, sizeof(legacy_name), 0, &addr))
		legacy_info_ptrs = addr;
	return 0;
}
