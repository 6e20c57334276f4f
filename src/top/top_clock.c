// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace-top's wall clock and pause, shared by the main loop (top.c) and
 * the key handlers (top_ui.c).
 */
#include <stdbool.h>
#include <time.h>
#include "top.h"

double top_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void top_set_paused(struct top *t, bool paused)
{
	double now = top_now();

	if (paused == t->paused)
		return;
	if (paused)
		t->paused_at = now;
	else
		t->paused_total += now - t->paused_at;
	t->paused = paused;
}
