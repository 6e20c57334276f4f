// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: a trace log through the reader, the state model and
 * the rules, by the same public entry points `ptrace check` uses
 * (pt_replay_file() and the finding accessors), so that it keeps
 * working whatever the model's internals become.
 *
 * The input is the log's bytes, served from a memfd by its /proc path,
 * and replayed twice: a line at a time (PTRACE_THREADS=0) and in
 * batches parsed by threads.  Both must conclude the same, so the
 * fuzzer also hunts for inputs whose answer depends on the batch layout.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "pt_log.h"
#include "pt_model.h"

static int fd = -1;
static char path[64];

static int on_event(void *ctx, const struct pt_event *ev, unsigned long line,
		    const struct pt_device *dev)
{
	json_t *j = pt_event_to_json(ev);
	char buf[400];

	pt_event_format(ev, buf, sizeof(buf));
	json_decref(j);
	return 0;
}

/* What one replay concluded: must not depend on how the log was read. */
struct outcome {
	int rc;
	unsigned long long events;
	bool truncated, complete;
	size_t findings;
	char err[600];
};

static void replay(const char *threads, struct outcome *o)
{
	struct pt_model *m = pt_model_new();
	struct pt_replay rp = { 0 };
	char line[400];

	memset(o, 0, sizeof(*o));
	if (!m)
		abort();
	setenv("PTRACE_THREADS", threads, 1);
	o->rc = pt_replay_file(path, m, on_event, NULL, &rp, o->err, sizeof(o->err));
	if (o->rc == 0) {
		json_t *j = pt_model_findings_json(m);

		o->findings = pt_model_finding_count(m);
		for (size_t i = 0; i < o->findings; i++)
			pt_finding_format(pt_model_finding(m, i), line, sizeof(line));
		o->events = pt_model_stats(m)->events;
		o->truncated = rp.truncated;
		o->complete = rp.complete;
		json_decref(j);
	} else if (!o->err[0]) {
		/* a refusal always says why */
		abort();
	}
	pt_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome one, batch;

	if (fd < 0) {
		fd = memfd_create("ptrace-fuzz-log", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();

	/*
	 * A line at a time, then in batches parsed by two threads: the
	 * answer (events, findings, truncation, the error and its line)
	 * must be the same.
	 */
	replay("0", &one);
	replay("2", &batch);
	if (one.rc != batch.rc || one.events != batch.events ||
	    one.truncated != batch.truncated || one.complete != batch.complete ||
	    one.findings != batch.findings || strcmp(one.err, batch.err)) {
		fprintf(stderr, "line-at-a-time and batched reads differ:\n"
			" rc %d/%d events %llu/%llu truncated %d/%d complete %d/%d findings %zu/%zu\n"
			" err '%s'\n     '%s'\n", one.rc, batch.rc, one.events, batch.events,
			one.truncated, batch.truncated, one.complete, batch.complete,
			one.findings, batch.findings, one.err, batch.err);
		abort();
	}
	return 0;
}
