/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kprobes registered ahead of their programs.
 *
 * Without kprobe_multi each hooked function is one perf kprobe, and
 * opening it is where the kernel registers the kprobe and patches the
 * function's text (a second or more for forty functions in a PV dom0).
 * None of that needs the BPF program: the events are opened, disabled,
 * in a thread while the programs load and verify, and attaching is then
 * only handing each program its event (libbpf's
 * bpf_program__attach_perf_event_opts(), which also enables it).
 */
#ifndef PT_KPROBE_ARM_H
#define PT_KPROBE_ARM_H

#include <stdbool.h>
#include <stddef.h>

struct pt_kprobe_arm;

/*
 * Start opening n kprobe events (funcs[i], a return probe if ret[i]) in
 * a thread.  The names are not copied: they must stay unchanged until
 * pt_kprobe_arm_free().  NULL when there is nothing to open, the kernel has no
 * kprobe PMU, or the thread cannot start: the caller attaches the usual
 * way.
 */
struct pt_kprobe_arm *pt_kprobe_arm_start(const char *const *funcs,
					  const bool *ret, size_t n);
/* Wait for the thread.  Safe to call twice. */
void pt_kprobe_arm_wait(struct pt_kprobe_arm *a);
/*
 * The event of job i, now the caller's (>= 0), or -errno if it could
 * not be opened (or was taken already).  Waits for the thread first.
 */
int pt_kprobe_arm_take(struct pt_kprobe_arm *a, size_t i);
/* Events the thread opened, taken since or not.  Waits for the thread. */
size_t pt_kprobe_arm_opened(struct pt_kprobe_arm *a);
/* Wait, close every event not taken, free. */
void pt_kprobe_arm_free(struct pt_kprobe_arm *a);

#endif /* PT_KPROBE_ARM_H */
