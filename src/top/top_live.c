// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The live source of ptrace-top: the recorder's collectors (probes.h),
 * attached as the planner decides, read from their ring buffer.
 *
 * Events are queued as the ring buffer hands them over and given to top
 * in batches; once a second the per-CPU drop counters become lost
 * records, exactly as the recorder writes them, so the model marks the
 * same devices incomplete whether it is fed live or from a log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "commands.h"
#include "collect/probes.h"
#include "pt_xenhc.h"
#include "top.h"
#include "collect.skel.h"

#define LOST_PERIOD_NS	1000000000ull

struct live {
	struct top_source src;
	struct pt_env env;
	bool env_ok;
	struct pt_probe_plan *plans;
	struct collect_bpf *skel;
	struct ring_buffer *rb;
	struct pt_log_header hdr;

	struct pt_evref *q;	/* events polled, not yet handed to top */
	size_t qhead, qn, qcap;
	unsigned long seq;	/* live events have no log line: number them */

	struct pt_lost_reader lost;
	__u64 next_lost;
	struct pt_modwatch mw;
	bool mw_on;
};

static void enqueue(struct live *l, const struct pt_event *ev)
{
	if (l->qn == l->qcap) {
		size_t cap = l->qcap ? l->qcap * 2 : 1024;
		struct pt_evref *q = realloc(l->q, cap * sizeof(*q));

		/* out of memory: count it as lost rather than die */
		if (!q)
			return;
		l->q = q;
		l->qcap = cap;
	}
	l->q[l->qn].ev = *ev;
	l->q[l->qn].line = ++l->seq;
	l->qn++;
}

static int on_ring_event(void *ctx, void *data, size_t len)
{
	struct pt_event ev;

	if (len < sizeof(ev))
		return 0;
	/* the ring buffer slot is not aligned for every consumer: copy */
	memcpy(&ev, data, sizeof(ev));
	/* the recorder decodes when writing; live, nobody else will */
	if (ev.hdr.type == PT_EV_HYPERCALL)
		pt_hc_decode(&ev.hc);
	enqueue(ctx, &ev);
	return 0;
}

static void enqueue_lost(const struct pt_event *ev, void *arg)
{
	enqueue(arg, ev);
}

static int live_next_batch(struct top_source *s, __u64 until,
			   struct pt_evref *out, size_t max, size_t *n)
{
	struct live *l = s->priv;
	__u64 now = pt_mono_ns();
	int err;

	*n = 0;
	if (l->qhead == l->qn) {
		l->qhead = l->qn = 0;
		err = ring_buffer__consume(l->rb);
		if (err < 0 && err != -EINTR) {
			snprintf(s->err, sizeof(s->err), "ring buffer: %s",
				 strerror(-err));
			return TOP_SRC_ERROR;
		}
		if (now >= l->next_lost) {
			pt_lost_reader_flush(&l->lost, now, enqueue_lost, l);
			l->next_lost = now + LOST_PERIOD_NS;
		}
		/* a module reload: re-attach, blind record, status line */
		if (l->mw_on &&
		    pt_modwatch_poll(&l->mw, l->skel, l->plans, now, enqueue_lost,
				     NULL, l))
			pt_modwatch_dead(&l->mw, s->dead, sizeof(s->dead));
	}
	while (*n < max && l->qhead < l->qn)
		out[(*n)++] = l->q[l->qhead++];
	return TOP_SRC_MORE;
}

static bool live_peek_ts(struct top_source *s, __u64 *ts)
{
	struct live *l = s->priv;

	if (l->qhead == l->qn)
		return false;
	*ts = l->q[l->qhead].ev.hdr.ts_ns;
	return true;
}

static size_t live_prog_fds(struct top_source *s, int *fds, size_t max)
{
	struct live *l = s->priv;
	struct bpf_program *p;
	size_t n = 0;

	bpf_object__for_each_program(p, l->skel->obj) {
		int fd = bpf_program__fd(p);

		if (fd >= 0 && n < max)
			fds[n++] = fd;
	}
	return n;
}

static void live_close(struct top_source *s)
{
	struct live *l = s->priv;

	if (l->mw_on)
		pt_modwatch_stop(&l->mw);
	ring_buffer__free(l->rb);
	if (l->plans)
		pt_probes_detach(l->plans);
	collect_bpf__destroy(l->skel);
	free(l->plans);
	free(l->q);
	pt_lost_reader_free(&l->lost);
	pt_log_header_free(&l->hdr);
	if (l->env_ok)
		pt_env_free(&l->env);
	free(l);
}

static const struct top_source_ops live_ops = {
	.name = "live",
	.next_batch = live_next_batch,
	.peek_ts = live_peek_ts,
	.prog_fds = live_prog_fds,
	.close = live_close,
};

static void header_fill(struct pt_log_header *hdr, const struct pt_env *env)
{
	pt_log_header_init(hdr);
	snprintf(hdr->kernel, sizeof(hdr->kernel), "%s", env->kernel);
	gethostname(hdr->host, sizeof(hdr->host) - 1);
	hdr->start_ns = pt_mono_ns();
	snprintf(hdr->xen_version, sizeof(hdr->xen_version), "%s",
		 env->xen_version);
	snprintf(hdr->dom0_mode, sizeof(hdr->dom0_mode), "%s", env->dom0_mode);
}

/* Load and attach the collectors; PT_EXIT_* with a message on failure. */
static int live_start(struct live *l, char *err, size_t len)
{
	char msg[256];
	int e, err_lost;

	pt_env_probe(&l->env);
	l->env_ok = true;
	if (!l->env.btf) {
		snprintf(err, len, "this kernel has no BTF (/sys/kernel/btf/vmlinux): "
			 "the collectors cannot be loaded");
		return PT_EXIT_FAIL;
	}
	l->plans = calloc(pt_probe_count, sizeof(*l->plans));
	if (!l->plans)
		return PT_EXIT_FAIL;
	pt_probes_plan(&l->env, l->plans);
	l->skel = pt_probes_load(&l->env, l->plans, PT_LOAD_PLAN, 0, &e, msg,
				 sizeof(msg));
	if (!l->skel) {
		snprintf(err, len, "%s", msg);
		return e == -EPERM ? PT_EXIT_NOPERM : PT_EXIT_FAIL;
	}
	/* before the probes: an unload while they attach is not missed */
	pt_modwatch_start(&l->mw, l->skel, l->plans);
	l->mw_on = true;
	pt_probes_attach(l->skel, l->plans);
	header_fill(&l->hdr, &l->env);
	if (pt_probes_to_header(l->plans, &l->hdr))
		return PT_EXIT_FAIL;
	err_lost = pt_lost_reader_init(&l->lost, bpf_map__fd(l->skel->maps.lost),
				       l->hdr.start_ns);
	l->next_lost = l->hdr.start_ns + LOST_PERIOD_NS;
	l->rb = ring_buffer__new(bpf_map__fd(l->skel->maps.events),
				 on_ring_event, l, NULL);
	if (err_lost || !l->rb) {
		snprintf(err, len, "cannot set up the ring buffer");
		return PT_EXIT_FAIL;
	}
	return PT_EXIT_OK;
}

static bool file_starts_with(const char *path, const char *word)
{
	char buf[32] = "";
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, sizeof(buf), f) && !strncmp(buf, word, strlen(word));
	fclose(f);
	return ok;
}

/* A Xen dom0: the hypervisor is Xen and the privileged interfaces exist. */
static bool on_xen_dom0(void)
{
	if (!file_starts_with("/sys/hypervisor/type", "xen"))
		return false;
	return access("/proc/xen", F_OK) == 0 ||
	       access("/dev/xen/privcmd", F_OK) == 0;
}

int top_live_open(struct top_source **out, bool allow_no_xen, char *err,
		  size_t len)
{
	struct live *l;
	int ret;

	*out = NULL;
	if (!allow_no_xen && !on_xen_dom0()) {
		snprintf(err, len,
			 "this is not a Xen dom0 (no \"xen\" in /sys/hypervisor/type, "
			 "no /proc/xen or /dev/xen/privcmd): nothing to trace live.\n"
			 "To look at a recorded trace: ptrace top --replay LOG");
		return PT_EXIT_NOXEN;
	}
	if (geteuid() != 0) {
		snprintf(err, len,
			 "live tracing loads BPF programs and needs root.\n"
			 "Run it as root, or look at a recorded trace: "
			 "ptrace top --replay LOG");
		return PT_EXIT_NOPERM;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, len, "out of memory");
		return PT_EXIT_FAIL;
	}
	l->lost.fd = -1;
	l->src.priv = l;
	err[0] = 0;
	ret = live_start(l, err, len);
	if (ret) {
		if (!err[0])
			snprintf(err, len, "out of memory");
		live_close(&l->src);
		return ret;
	}
	l->src.ops = &live_ops;
	l->src.hdr = &l->hdr;
	l->src.live = true;
	l->src.label = l->env.kernel;
	l->src.priv = l;
	*out = &l->src;
	return PT_EXIT_OK;
}
