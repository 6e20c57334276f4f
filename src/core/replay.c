// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Replay a trace log into the model: the loop every offline front-end
 * uses.  The log's events pass through the reorder window of order.c so
 * that the model and its rules see time order, not write order.
 */
#include <stdio.h>
#include <stdlib.h>
#include "pt_log.h"
#include "pt_model.h"
#include "pt_order.h"

int pt_replay_file(const char *path, struct pt_model *m, pt_replay_cb cb,
		   void *ctx, struct pt_replay *res, char *err, size_t errlen)
{
	return pt_replay_file_until(path, m, 0, cb, ctx, res, err, errlen);
}

/* The window: PTRACE_ORDER_WINDOW_MS (tests, odd recorders) or the default. */
static __u64 order_window(void)
{
	const char *s = getenv("PTRACE_ORDER_WINDOW_MS");
	char *end;
	unsigned long long ms;

	if (!s || !*s)
		return PT_ORDER_WINDOW_NS;
	ms = strtoull(s, &end, 10);
	if (*end || ms > 3600000)
		return PT_ORDER_WINDOW_NS;
	return ms * 1000000ull;
}

struct feed {
	struct pt_model *m;
	__u64 until_ns;
	pt_replay_cb cb;
	void *ctx;
	struct pt_replay *res;
};

/* One event, in time order, into the model.  Non-zero: stop reading. */
static int deliver(struct feed *f, const struct pt_evref *e)
{
	const struct pt_device *d;

	if (f->until_ns && e->ev.hdr.ts_ns > f->until_ns) {
		/* the state as it was then: nothing after it concludes */
		f->res->stopped = true;
		return 1;
	}
	d = pt_model_apply(f->m, &e->ev, e->line);
	f->res->events++;
	return f->cb && f->cb(f->ctx, &e->ev, e->line, d) ? 2 : 0;
}

static void order_result(struct pt_replay *res, const struct pt_order *o)
{
	const struct pt_order_stats *s = pt_order_stats(o);

	res->order_window_ns = pt_order_window(o);
	res->reordered = s->reordered;
	res->late = s->late;
	res->max_late_ns = s->max_late_ns;
	res->first_late_line = s->first_late_line;
}

int pt_replay_file_until(const char *path, struct pt_model *m, __u64 until_ns,
			 pt_replay_cb cb, void *ctx, struct pt_replay *res,
			 char *err, size_t errlen)
{
	struct feed f = { m, until_ns, cb, ctx, res };
	struct pt_log_reader *r;
	struct pt_order *o;
	struct pt_evref e;
	int ret, stop = 0;

	*res = (struct pt_replay){ 0 };
	r = pt_log_open(path, err, errlen);
	if (!r)
		return PT_LOG_EIO;
	o = pt_order_new(order_window(), 0);
	if (!o) {
		snprintf(err, errlen, "%s: out of memory", path);
		pt_log_close(r);
		return PT_LOG_EIO;
	}
	pt_model_set_dom0_mode(m, pt_log_header(r)->dom0_mode);
	pt_model_set_sampling(m, pt_log_header(r)->sample_msix_ms,
			      pt_log_header(r)->sample_xen_ms);
	while (!stop && (ret = pt_log_next(r, &e.ev, &e.line)) == PT_LOG_OK) {
		if (pt_order_push(o, &e)) {
			snprintf(err, errlen, "%s:%lu: out of memory", path, e.line);
			pt_order_free(o);
			pt_log_close(r);
			return PT_LOG_EIO;
		}
		while (!stop && pt_order_pop(o, &e, false))
			stop = deliver(&f, &e);
	}
	if (stop) {
		ret = PT_LOG_EOF;
	} else if (ret == PT_LOG_EOF) {
		while (!stop && pt_order_pop(o, &e, true))
			stop = deliver(&f, &e);
	}
	order_result(res, o);
	pt_order_free(o);
	if (ret < 0) {
		snprintf(err, errlen, "%s", pt_log_error(r));
		pt_log_close(r);
		return ret;
	}
	if (stop == 1) {
		pt_log_close(r);
		return 0;
	}
	pt_model_finish(m);
	res->truncated = pt_log_truncated(r);
	res->complete = pt_log_complete(r);
	pt_log_close(r);
	return 0;
}
