// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace dump --trace S: a short live capture before the snapshot.
 *
 * The capture is `ptrace record` itself (same probes, same loss
 * accounting, same log format), run in this process for S seconds into
 * a log, then replayed through the model like `ptrace check`: the dump
 * gains the events' count, the lost count and the findings the events
 * prove, and the snapshot that follows shows the state they led to.
 * With --trace-log FILE the recording is kept; otherwise it lives in a
 * private temporary directory removed afterwards.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "dump.h"

int dump_trace(struct dump *d, double seconds, const char *keep)
{
	struct dump_trace *t = &d->trace;
	char dir[] = "/tmp/ptrace-dump-XXXXXX", secs[32], err[200];
	char *argv[] = { "record", "-o", t->log, "--duration", secs, NULL };
	struct pt_replay res = { 0 };
	int rc;

	t->asked = true;
	t->seconds = seconds;
	t->exit = PT_EXIT_FAIL;
	if (keep) {
		snprintf(t->log, sizeof(t->log), "%s", keep);
		t->kept = true;
	} else {
		if (!mkdtemp(dir)) {
			snprintf(t->note, sizeof(t->note), "temporary directory: %s",
				 strerror(errno));
			return t->exit;
		}
		snprintf(t->log, sizeof(t->log), "%s/trace.jsonl", dir);
	}
	snprintf(secs, sizeof(secs), "%g", seconds);

	t->exit = cmd_record(5, argv);
	if (t->exit != PT_EXIT_OK) {
		snprintf(t->note, sizeof(t->note),
			 "ptrace record exited %d (its message is above)", t->exit);
		goto out;
	}
	t->model = pt_model_new();
	if (!t->model) {
		t->exit = PT_EXIT_FAIL;
		goto out;
	}
	rc = pt_replay_file(t->log, t->model, NULL, NULL, &res, err, sizeof(err));
	if (rc) {
		snprintf(t->note, sizeof(t->note), "replaying the capture: %s", err);
		t->exit = PT_EXIT_FAIL;
		goto out;
	}
	t->ok = true;
	t->events = pt_model_stats(t->model)->events;
	t->lost = pt_model_stats(t->model)->lost;
	t->complete = res.complete;
out:
	if (!keep) {
		unlink(t->log);
		rmdir(dir);
		t->log[0] = '\0';
	}
	return t->exit;
}

void dump_trace_free(struct dump_trace *t)
{
	if (t->model)
		pt_model_free(t->model);
	t->model = NULL;
}
