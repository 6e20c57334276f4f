/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The event ring buffer and its per-CPU loss counter, one definition for
 * the collectors (collect.bpf.c) and the pipeline benchmark
 * (pipebench.bpf.c), so the benchmark measures the collectors' own path.
 * Userspace reads "lost" with pt_lost_reader (src/collect/probes.h).
 */
#ifndef PT_RINGBUF_BPF_H
#define PT_RINGBUF_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PT_RINGBUF_BYTES);
} events SEC(".maps");

/* Per-CPU count of events that found the ring buffer full. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost, &zero);

	if (n)
		*n += 1;	/* per-CPU slot: no atomics needed */
}

/* A slot for one event, or NULL with the loss counted. */
static __always_inline struct pt_event *ev_reserve(void)
{
	struct pt_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		count_lost();
	return e;
}

/*
 * Hand an event over without waking the reader: the recorder polls the
 * ring at least every 100 ms anyway, and a wakeup (irq_work, a self-IPI:
 * a hypercall in a PV dom0) would cost more than the event itself.  The
 * ring holds 28 339 events (8 MiB): a burst is lost only beyond that
 * within one poll period, and then counted.
 */
static __always_inline void ev_submit(struct pt_event *e)
{
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

#endif /* PT_RINGBUF_BPF_H */
