/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Time order of a trace log's events (docs/trace-format.md, "Time order").
 *
 * The recorder writes an event when the hooked function returns, stamped
 * with its entry time, and several CPUs share one ring buffer: log order
 * is not time order.  As perf's ordered events do, a bounded window puts
 * it right: events are held in a min-heap on (ts, line) and released once
 * the newest timestamp read is more than the window past them, or when
 * the buffer is full, or at the end.  An event older than one already
 * released cannot be put back in place: it is released at once and
 * counted as late, so front-ends can say so.
 */
#ifndef PT_ORDER_H
#define PT_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include "pt_model.h"

/*
 * Default window: a nested call's events are written when the outermost
 * call returns, and the slowest the lab shows is a reset path at 101 ms;
 * a secondary bus reset settles for 1 s (pci_reset_secondary_bus), and
 * the recorder reads its lost counters every second.  2 s covers both.
 */
#define PT_ORDER_WINDOW_NS	2000000000ull
/*
 * At most this many events held at once (about 10 MB): more than the
 * recorder's 8 MiB ring buffer holds.  A full buffer releases its oldest
 * early; should an older event follow, it is counted as late.
 */
#define PT_ORDER_MAX_EVENTS	(1u << 15)

struct pt_order_stats {
	unsigned long long events;	/* events pushed */
	unsigned long long reordered;	/* read before an older event */
	unsigned long long late;	/* older than one already released */
	__u64 max_lag_ns;		/* largest distance behind the newest read */
	__u64 max_late_ns;		/* largest distance behind the last released */
	unsigned long first_late_line;	/* 0 if none */
	unsigned long long forced;	/* released early: buffer full */
	size_t peak;			/* most events held at once */
};

struct pt_order;

/* max_events 0: PT_ORDER_MAX_EVENTS.  NULL when out of memory. */
struct pt_order *pt_order_new(__u64 window_ns, size_t max_events);
void pt_order_free(struct pt_order *o);

/* Hold an event.  Returns 0, or -1 when memory runs out (event not held). */
int pt_order_push(struct pt_order *o, const struct pt_evref *e);
/*
 * Take the next event that is due, in time order; with flush set, every
 * held event is due (end of log).  Returns false when none is.
 */
bool pt_order_pop(struct pt_order *o, struct pt_evref *out, bool flush);
size_t pt_order_held(const struct pt_order *o);
__u64 pt_order_window(const struct pt_order *o);
const struct pt_order_stats *pt_order_stats(const struct pt_order *o);

#endif /* PT_ORDER_H */
