// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The report's per-device timelines: looked up by the reader (report.c)
 * as events arrive and by the printers (report_text.c) afterwards.
 */
#include <stdlib.h>
#include <string.h>
#include "pt_grow.h"
#include "report.h"

/* The device's timeline, made on first use; NULL device: the global one. */
struct timeline *report_timeline_of(struct report *r, const struct pt_device *d)
{
	if (!d)
		return &r->global;
	for (size_t i = 0; i < r->ntl; i++)
		if (r->tl[i].dev == d)
			return &r->tl[i];
	PT_PUSH(r->tl, r->ntl, r->captl)->dev = d;
	return &r->tl[r->ntl - 1];
}

/* The oldest event of the ring leaves it: only counted from now on. */
static void timeline_leave(struct timeline *t, const struct tl_entry *e)
{
	if (!t->left++) {
		t->left_lo = t->left_hi = e->line;
		t->left_t0 = t->left_t1 = e->ts;
	}
	if (e->line < t->left_lo)
		t->left_lo = e->line;
	if (e->line > t->left_hi)
		t->left_hi = e->line;
	if (e->ts < t->left_t0)
		t->left_t0 = e->ts;
	if (e->ts > t->left_t1)
		t->left_t1 = e->ts;
}

struct tl_entry *timeline_push(struct timeline *t, bool full)
{
	struct tl_entry *e;

	if (full || t->n < TL_HEAD)
		return PT_PUSH(t->v, t->n, t->cap);
	if (!t->ring)
		t->ring = pt_xcalloc(TL_TAIL, sizeof(*t->ring));
	e = &t->ring[t->nring % TL_TAIL];
	if (t->nring >= TL_TAIL)
		timeline_leave(t, e);
	t->nring++;
	memset(e, 0, sizeof(*e));
	return e;
}

size_t timeline_tail_count(const struct timeline *t)
{
	return t->nring < TL_TAIL ? t->nring : TL_TAIL;
}

const struct tl_entry *timeline_tail(const struct timeline *t, size_t i)
{
	size_t n = timeline_tail_count(t);

	if (i >= n)
		return NULL;
	return &t->ring[(t->nring - n + i) % TL_TAIL];
}

void timeline_free(struct timeline *t)
{
	free(t->v);
	free(t->ring);
}
