// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: a trace log through the reader, the state model and
 * the rules, by the same public entry points `ptrace check` uses
 * (pt_replay_file() and the finding accessors), so that it keeps
 * working whatever the model's internals become.
 *
 * The input is the log's bytes, served from a memfd by its /proc path.
 * Odd-sized inputs are read a line at a time (PTRACE_THREADS=0), even
 * ones in batches, so both reader paths are fuzzed.
 */
#define _GNU_SOURCE
#include <jansson.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_model *m;
	struct pt_replay rp;
	char err[600], line[400];

	if (fd < 0) {
		fd = memfd_create("ptrace-fuzz-log", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	setenv("PTRACE_THREADS", size & 1 ? "0" : "1", 1);

	m = pt_model_new();
	if (!m)
		return 0;
	if (pt_replay_file(path, m, on_event, NULL, &rp, err, sizeof(err)) == 0) {
		json_t *j = pt_model_findings_json(m);

		for (size_t i = 0; i < pt_model_finding_count(m); i++)
			pt_finding_format(pt_model_finding(m, i), line, sizeof(line));
		(void)pt_model_stats(m);
		json_decref(j);
	} else if (!err[0]) {
		/* a refusal always says why */
		abort();
	}
	pt_model_free(m);
	return 0;
}
