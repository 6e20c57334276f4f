/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Xen mask sampler: Xen's own mask of every MSI/MSI-X vector it has
 * bound to a domain (view "xen"), from its debug keys i, M and Q read
 * back through libxenctrl (lib/xenconsole.h).  Key M's "mask=1/HG/0"
 * says whether Xen masked the vector (H) and whether the owning guest
 * masked it through Xen (G); the view is masked when either is set.
 * Keys i and Q name the vector: its device, domain and pirq; a vector
 * its guest unbound (mapped, unbound in key i) keeps the pirq it had.
 *
 * Every pass prints Xen's IRQ, MSI and PCI tables into its console ring
 * (`xl dmesg`), pushing the oldest messages out: the sampler is off
 * unless asked for.
 */
#ifndef PT_XEN_SAMPLER_H
#define PT_XEN_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include "ptrace_event.h"

struct pt_xen_sampler;

typedef void (*pt_xen_emit_fn)(const struct pt_event *ev, void *arg);

/* NULL, with the reason in why, where Xen's console cannot be read. */
struct pt_xen_sampler *pt_xen_sampler_new(char *why, size_t len);
/*
 * One pass: a vector_mask event (view xen; sbdf, domid, pirq) per vector
 * whose mask Xen changed since the last pass, and per vector new to it.
 * Returns the number of events, or -errno if Xen could not be read.
 */
int pt_xen_sampler_run(struct pt_xen_sampler *s, pt_xen_emit_fn emit,
		       void *arg);
/* The same from text already read (the debug keys' output). */
int pt_xen_sampler_feed(struct pt_xen_sampler *s, const char *text,
			pt_xen_emit_fn emit, void *arg);
void pt_xen_sampler_free(struct pt_xen_sampler *s);
/*
 * A pass failed (its error from _run): the next good one emits every
 * vector, changed or not, since the trace marks the view blind.  True
 * when PT_XEN_MISSES_MAX passes failed in a row: time to stop.
 */
#define PT_XEN_MISSES_MAX	5
bool pt_xen_sampler_missed(struct pt_xen_sampler *s);

/* A sampler that reads nothing itself, for pt_xen_sampler_feed(). */
struct pt_xen_sampler *pt_xen_sampler_offline(void);

#endif /* PT_XEN_SAMPLER_H */
