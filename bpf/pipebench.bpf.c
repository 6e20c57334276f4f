// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Pipeline benchmark source (tests/bench/pipeline): one real struct
 * pt_event per getppid() of the benchmark process, through the same ring
 * buffer and per-CPU loss counter as bpf/collect.bpf.c.  raw_tp needs
 * neither kprobes nor tracefs, so it runs on any BTF kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "ptrace_event.h"
#include "collect.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define NR_getppid	110	/* x86_64 */

const volatile __u32 target_tgid = 0;

#include "ringbuf.bpf.h"

SEC("raw_tp/sys_enter")
int pipebench(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pt_event *e;

	if (ctx->args[1] != NR_getppid || (id >> 32) != target_tgid)
		return 0;
	e = ev_reserve();
	if (!e)
		return 0;
	/* the same work as a collector: header plus a pirq body */
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.cpu = bpf_get_smp_processor_id();
	e->hdr.pid = id >> 32;
	bpf_get_current_comm(e->hdr.comm, sizeof(e->hdr.comm));
	e->hdr.sbdf = PT_SBDF(0, 3, 0);
	e->hdr.ret = 47;
	e->hdr.type = PT_EV_PIRQ;
	e->hdr.kind = PT_PIRQ_BIND_MSI;
	e->hdr.flags = PT_EVF_HAS_RET;
	__builtin_memset(&e->hc, 0, sizeof(e->hc));
	e->pirq.gsi = PT_NONE;
	e->pirq.pirq = 55;
	e->pirq.irq = 47;
	e->pirq.domid = 1;
	e->pirq.entry = 0;
	e->pirq.nvec = 1;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
