// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The Xen mask sampler's cost: CPU and wall time of its passes (debug
 * keys i, M, Q sent, read back from Xen's console ring, parsed), per
 * pass and per second at a sampling period.  A benchmark prints
 * figures; it passes or fails on none of them.
 *
 *	xen-sampler-bench [--text FILE] [--passes N] [--period MS]
 *
 * Without --text it asks this host's Xen (a dom0: the lab runs it so),
 * and the wall time includes Xen printing its tables; with --text, the
 * dumps saved in FILE are parsed each pass (tests/bench/xen-sampler),
 * which costs the sampler's own work only.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/xen_sampler.h"

static unsigned long events;

static void count(const struct pt_event *ev, void *arg)
{
	events++;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f || getdelim(&buf, &len, '\0', f) < 0) {
		perror(path);
		exit(1);
	}
	fclose(f);
	return buf;
}

/* One pass: live (text NULL) or from the saved dumps. */
static int pass(struct pt_xen_sampler *s, const char *text)
{
	return text ? pt_xen_sampler_feed(s, text, count, NULL) :
		      pt_xen_sampler_run(s, count, NULL);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "text", required_argument, NULL, 't' },
		{ "passes", required_argument, NULL, 'n' },
		{ "period", required_argument, NULL, 'p' },
		{ NULL },
	};
	long passes = 100, period = 1000;
	struct pt_xen_sampler *s;
	char *text = NULL, why[128];
	double c0, w0, cpu, wall;
	int c, err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			text = slurp(optarg);
			break;
		case 'n':
			passes = atol(optarg);
			break;
		case 'p':
			period = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [--text FILE] [--passes N] [--period MS]\n",
				argv[0]);
			return 2;
		}
	}
	if (passes < 1 || period < 1) {
		fprintf(stderr, "%s: --passes and --period must be positive\n", argv[0]);
		return 2;
	}
	s = text ? pt_xen_sampler_offline() : pt_xen_sampler_new(why, sizeof(why));
	if (!s) {
		fprintf(stderr, "%s: %s\n", argv[0], why);
		return 1;
	}
	err = pass(s, text);
	if (err < 0) {
		fprintf(stderr, "%s: the first pass failed: %s\n", argv[0], strerror(-err));
		return 1;
	}
	printf("first pass             %lu vectors bound to a domain\n", events);
	events = 0;
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	w0 = clock_s(CLOCK_MONOTONIC);
	for (long i = 0; i < passes; i++)
		if (pass(s, text) < 0) {
			fprintf(stderr, "%s: pass %ld failed\n", argv[0], i + 2);
			return 1;
		}
	cpu = (clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0) / passes;
	wall = (clock_s(CLOCK_MONOTONIC) - w0) / passes;
	printf("passes                 %ld (%lu changes)\n", passes, events);
	printf("CPU per pass           %.1f us\n", cpu * 1e6);
	printf("wall per pass          %.1f us\n", wall * 1e6);
	printf("CPU per second, every %ld ms: %.3f ms (%.4f%% of a CPU)\n",
	       period, cpu * (1000.0 / period) * 1e3, cpu * (1000.0 / period) * 100);
	pt_xen_sampler_free(s);
	free(text);
	return 0;
}
