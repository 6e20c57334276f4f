// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The replay source of ptrace-top: a recorded log, read one event ahead
 * so that top can play it against its own clock.  The live source is in
 * top_live.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "top.h"

/* ------------------------------------------------------------ replay */

struct replay {
	struct top_source src;
	struct pt_log_reader *r;
	struct pt_evref next;	/* read ahead: not yet due */
	bool have_next;
	int status;
};

/* Read one event ahead so its timestamp can be compared with the clock. */
static int replay_fill(struct replay *rp)
{
	int ret;

	if (rp->have_next || rp->status != TOP_SRC_MORE)
		return rp->status;
	ret = pt_log_next(rp->r, &rp->next.ev, &rp->next.line);
	if (ret == PT_LOG_OK) {
		rp->have_next = true;
	} else if (ret == PT_LOG_EOF) {
		rp->status = TOP_SRC_END;
		if (pt_log_truncated(rp->r))
			snprintf(rp->src.err, sizeof(rp->src.err),
				 "log ends in a partial line (recorder killed?)");
	} else {
		rp->status = TOP_SRC_ERROR;
		snprintf(rp->src.err, sizeof(rp->src.err), "%s",
			 pt_log_error(rp->r));
	}
	return rp->status;
}

static int replay_next_batch(struct top_source *s, __u64 until,
			     struct pt_evref *out, size_t max, size_t *n)
{
	struct replay *rp = s->priv;

	*n = 0;
	while (*n < max) {
		if (replay_fill(rp) != TOP_SRC_MORE)
			return rp->status;
		if (rp->next.ev.hdr.ts_ns > until)
			break;
		out[(*n)++] = rp->next;
		rp->have_next = false;
	}
	return TOP_SRC_MORE;
}

static bool replay_peek_ts(struct top_source *s, __u64 *ts)
{
	struct replay *rp = s->priv;

	if (replay_fill(rp) != TOP_SRC_MORE)
		return false;
	*ts = rp->next.ev.hdr.ts_ns;
	return true;
}

static size_t replay_prog_fds(struct top_source *s, int *fds, size_t max)
{
	return 0;
}

static void replay_close(struct top_source *s)
{
	struct replay *rp = s->priv;

	pt_log_close(rp->r);
	free(rp);
}

static const struct top_source_ops replay_ops = {
	.name = "replay",
	.next_batch = replay_next_batch,
	.peek_ts = replay_peek_ts,
	.prog_fds = replay_prog_fds,
	.close = replay_close,
};

struct top_source *top_replay_open(const char *path, char *err, size_t len)
{
	struct replay *rp = calloc(1, sizeof(*rp));

	if (!rp) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	rp->r = pt_log_open(path, err, len);
	if (!rp->r) {
		free(rp);
		return NULL;
	}
	rp->src.ops = &replay_ops;
	rp->src.hdr = pt_log_header(rp->r);
	rp->src.label = path;
	rp->src.priv = rp;
	rp->status = TOP_SRC_MORE;
	return &rp->src;
}
