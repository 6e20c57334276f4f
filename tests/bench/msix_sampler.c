// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The MSI-X table sampler's cost: CPU time of its passes over the
 * devices bound to pciback, per pass and per second per device at a
 * sampling period.  A benchmark prints figures; it passes or fails on
 * none of them.
 *
 *	msix-sampler-bench [--root DIR] [--passes N] [--period MS]
 *
 * Without --root it reads this host's own sysfs (a Xen dom0 with a
 * device bound to pciback: the lab runs it so); with --root, a tree
 * laid out as sysfs (tests/bench/msix-sampler makes one), which costs
 * the sampler's own work and the system calls, not the device's reads.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/msix_sampler.h"
#include "collect/session.h"
#include "lib/host.h"

static unsigned long events;

static void count(const struct pt_event *ev, void *arg)
{
	events++;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "passes", required_argument, NULL, 'n' },
		{ "period", required_argument, NULL, 'p' },
		{ NULL },
	};
	struct pt_msix_sampler *s;
	long passes = 10000, period = PT_SAMPLE_MSIX_MS;
	size_t ndev, failed;
	double c0, c1, w0, w1, per_pass;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			pt_host_set_root(optarg);
			break;
		case 'n':
			passes = atol(optarg);
			break;
		case 'p':
			period = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [--root DIR] [--passes N] [--period MS]\n",
				argv[0]);
			return 2;
		}
	}
	if (passes < 1 || period < 1) {
		fprintf(stderr, "%s: --passes and --period must be positive\n", argv[0]);
		return 2;
	}
	s = pt_msix_sampler_new(NULL, 0);
	if (!s)
		return 1;
	/* the first pass opens and maps: not the steady state measured */
	pt_msix_sampler_run(s, count, NULL);
	ndev = pt_msix_sampler_devices(s, &failed);
	/* the first pass reports every entry: none means no table was read */
	if (ndev && !events) {
		fprintf(stderr, "%s: the first pass read no MSI-X table\n", argv[0]);
		pt_msix_sampler_free(s);
		return 1;
	}
	printf("first pass             %lu events (control words and entries)\n",
	       events);
	if (!ndev) {
		fprintf(stderr, "%s: no device bound to pciback with a readable MSI-X table (%zu failed)\n",
			argv[0], failed);
		pt_msix_sampler_free(s);
		return 1;
	}
	events = 0;
	c0 = cpu_s();
	w0 = wall_s();
	for (long i = 0; i < passes; i++)
		pt_msix_sampler_run(s, count, NULL);
	c1 = cpu_s();
	w1 = wall_s();
	per_pass = (c1 - c0) / passes;
	printf("devices sampled        %zu\n", ndev);
	printf("passes                 %ld (%lu events)\n", passes, events);
	printf("CPU per pass           %.1f us (%.1f us per device)\n",
	       per_pass * 1e6, per_pass * 1e6 / ndev);
	printf("wall per pass          %.1f us\n", (w1 - w0) / passes * 1e6);
	printf("CPU per second per device, every %ld ms: %.3f ms (%.4f%% of a CPU)\n",
	       period, per_pass / ndev * (1000.0 / period) * 1e3,
	       per_pass / ndev * (1000.0 / period) * 100);
	pt_msix_sampler_free(s);
	return 0;
}
