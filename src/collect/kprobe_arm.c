// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kprobes registered ahead of their programs (kprobe_arm.h).
 *
 * The events are opened as libbpf opens them (the kprobe PMU, the
 * function by name, offset 0, every task on CPU 0), but disabled: a
 * kprobe hit before its program is attached then costs the kernel its
 * check of an empty event list and nothing else.  The thread only makes
 * system calls, on names that nobody changes while it runs: libbpf,
 * which the main thread is in meanwhile, is never called from it.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "pt_grow.h"
#include "lib/host.h"
#include "kprobe_arm.h"

struct arm_job {
	const char *func;	/* the caller's, valid until the free */
	bool ret;
	int fd;		/* >= 0 opened, else -errno */
};

struct pt_kprobe_arm {
	struct arm_job *jobs;
	size_t n;
	size_t opened;	/* by the thread: events opened, taken or not */
	int pmu_type;
	int ret_bit;
	pthread_t thread;
	bool running;
};

static void *arm_all(void *arg)
{
	struct pt_kprobe_arm *a = arg;

	for (size_t i = 0; i < a->n; i++) {
		struct arm_job *j = &a->jobs[i];
		struct perf_event_attr attr = {
			.size = sizeof(attr),
			.type = a->pmu_type,
			.config = j->ret ? 1ULL << a->ret_bit : 0,
			.config1 = (__u64)(unsigned long)j->func,
			.config2 = 0,
			.disabled = 1,
		};
		long fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1,
				  PERF_FLAG_FD_CLOEXEC);

		j->fd = fd < 0 ? -errno : (int)fd;
		a->opened += fd >= 0;
	}
	return NULL;
}

struct pt_kprobe_arm *pt_kprobe_arm_start(const char *const *funcs,
					  const bool *ret, size_t n)
{
	struct pt_kprobe_arm *a;
	char format[32];
	long type;
	int bit;

	/* the PMU's type, and the config bit of a return probe ("config:0") */
	if (!n ||
	    pt_host_read_long("/sys/bus/event_source/devices/kprobe/type", 10, &type) ||
	    pt_host_read_str("/sys/bus/event_source/devices/kprobe/format/retprobe",
			     format, sizeof(format)) ||
	    sscanf(format, "config:%d", &bit) != 1 || bit < 0 || bit > 63)
		return NULL;
	a = pt_xcalloc(1, sizeof(*a));
	a->jobs = pt_xcalloc(n, sizeof(*a->jobs));
	a->n = n;
	a->pmu_type = type;
	a->ret_bit = bit;
	for (size_t i = 0; i < n; i++) {
		a->jobs[i].func = funcs[i];
		a->jobs[i].ret = ret[i];
		a->jobs[i].fd = -ENOENT;
	}
	a->running = !pthread_create(&a->thread, NULL, arm_all, a);
	if (!a->running) {
		pt_kprobe_arm_free(a);
		return NULL;
	}
	return a;
}

void pt_kprobe_arm_wait(struct pt_kprobe_arm *a)
{
	if (a && a->running) {
		pthread_join(a->thread, NULL);
		a->running = false;
	}
}

int pt_kprobe_arm_take(struct pt_kprobe_arm *a, size_t i)
{
	int fd;

	if (!a || i >= a->n)
		return -ENOENT;
	pt_kprobe_arm_wait(a);
	fd = a->jobs[i].fd;
	if (fd >= 0)
		a->jobs[i].fd = -EBADF;
	return fd;
}

size_t pt_kprobe_arm_opened(struct pt_kprobe_arm *a)
{
	if (!a)
		return 0;
	pt_kprobe_arm_wait(a);
	return a->opened;
}

void pt_kprobe_arm_free(struct pt_kprobe_arm *a)
{
	if (!a)
		return;
	pt_kprobe_arm_wait(a);
	for (size_t i = 0; i < a->n; i++) {
		if (a->jobs[i].fd >= 0)
			close(a->jobs[i].fd);
	}
	free(a->jobs);
	free(a);
}
