// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Replay a trace log into the model: the loop every offline front-end uses. */
#include <stdio.h>
#include "pt_log.h"
#include "pt_model.h"

int pt_replay_file(const char *path, struct pt_model *m, pt_replay_cb cb,
		   void *ctx, struct pt_replay *res, char *err, size_t errlen)
{
	return pt_replay_file_until(path, m, 0, cb, ctx, res, err, errlen);
}

int pt_replay_file_until(const char *path, struct pt_model *m, __u64 until_ns,
			 pt_replay_cb cb, void *ctx, struct pt_replay *res,
			 char *err, size_t errlen)
{
	struct pt_log_reader *r = pt_log_open(path, err, errlen);
	const struct pt_device *d;
	struct pt_event ev;
	unsigned long line;
	int ret;

	res->events = 0;
	res->truncated = res->complete = res->stopped = false;
	if (!r)
		return PT_LOG_EIO;
	pt_model_set_dom0_mode(m, pt_log_header(r)->dom0_mode);
	while ((ret = pt_log_next(r, &ev, &line)) == PT_LOG_OK) {
		if (until_ns && ev.hdr.ts_ns > until_ns) {
			/* the state as it was then: nothing after it concludes */
			res->stopped = true;
			pt_log_close(r);
			return 0;
		}
		d = pt_model_apply(m, &ev, line);
		res->events++;
		if (cb && cb(ctx, &ev, line, d))
			break;
	}
	if (ret < 0) {
		snprintf(err, errlen, "%s", pt_log_error(r));
		pt_log_close(r);
		return ret;
	}
	pt_model_finish(m);
	res->truncated = pt_log_truncated(r);
	res->complete = pt_log_complete(r);
	pt_log_close(r);
	return 0;
}
