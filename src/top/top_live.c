// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The live source of ptrace-top: the collector session (collect/session.h),
 * the recorder's own, read without waiting.
 *
 * Events are queued as the session hands them over and given to top in
 * batches; the session's lost records (once a second) and blind records
 * come in the same stream, exactly as the recorder writes them, so the
 * model marks the same devices incomplete whether it is fed live or from
 * a log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "pt_grow.h"
#include "collect/session.h"
#include "lib/host.h"
#include "top.h"

struct live {
	struct top_source src;
	struct pt_session *s;
	struct pt_log_header hdr;
	bool hdr_ok;

	struct pt_evref *q;	/* events polled, not yet handed to top */
	size_t qhead, qn, qcap;
	unsigned long seq;	/* live events have no log line: number them */
};

static void enqueue(const struct pt_event *ev, void *arg)
{
	struct live *l = arg;
	struct pt_evref *e = PT_PUSH(l->q, l->qn, l->qcap);

	e->ev = *ev;
	e->line = ++l->seq;
}

static int live_next_batch(struct top_source *s, __u64 until,
			   struct pt_evref *out, size_t max, size_t *n)
{
	struct live *l = s->priv;
	int err;

	*n = 0;
	if (l->qhead == l->qn) {
		l->qhead = l->qn = 0;
		err = pt_session_poll(l->s, 0, enqueue, l);
		if (err < 0 && err != -EINTR) {
			snprintf(s->err, sizeof(s->err), "ring buffer: %s",
				 strerror(-err));
			return TOP_SRC_ERROR;
		}
		/* a module reload: the status line says which probes are dead */
		if (err > 0)
			pt_session_dead(l->s, s->dead, sizeof(s->dead));
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

	return pt_session_prog_fds(l->s, fds, max);
}

static void live_close(struct top_source *s)
{
	struct live *l = s->priv;

	pt_session_close(l->s);
	free(l->q);
	if (l->hdr_ok)
		pt_log_header_free(&l->hdr);
	free(l);
}

static const struct top_source_ops live_ops = {
	.name = "live",
	.next_batch = live_next_batch,
	.peek_ts = live_peek_ts,
	.prog_fds = live_prog_fds,
	.close = live_close,
};

int top_live_open(struct top_source **out, bool allow_no_xen,
		  long sample_msix_ms, long sample_xen_ms, char *err,
		  size_t len)
{
	struct pt_session_opts so = {
		.allow_no_xen = allow_no_xen, .sample_msix_ms = sample_msix_ms,
		.sample_xen_ms = sample_xen_ms,
	};
	struct pt_host_xen host;
	struct live *l;
	int ret;

	*out = NULL;
	/* before root: off Xen, the answer is a replay, not sudo */
	pt_host_xen_detect(&host);
	if (!allow_no_xen && !host.dom0) {
		snprintf(err, len,
			 "this is not a Xen dom0 (%s): nothing to trace live.\n"
			 "To look at a recorded trace: ptrace top --replay LOG",
			 host.why);
		return PT_EXIT_NOXEN;
	}
	if (geteuid() != 0) {
		snprintf(err, len,
			 "live tracing loads BPF programs and needs root.\n"
			 "Run it as root, or look at a recorded trace: "
			 "ptrace top --replay LOG");
		return PT_EXIT_NOPERM;
	}
	l = pt_xcalloc(1, sizeof(*l));
	l->src.priv = l;
	ret = pt_session_open(&so, &l->s, err, len);
	if (ret) {
		live_close(&l->src);
		return ret;
	}
	if (pt_session_header(l->s, &l->hdr)) {
		snprintf(err, len, "out of memory");
		live_close(&l->src);
		return PT_EXIT_FAIL;
	}
	l->hdr_ok = true;
	l->src.ops = &live_ops;
	l->src.hdr = &l->hdr;
	l->src.live = true;
	l->src.label = l->hdr.kernel;
	*out = &l->src;
	return PT_EXIT_OK;
}
