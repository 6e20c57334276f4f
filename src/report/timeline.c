// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The report's per-device timelines: looked up by the reader (report.c)
 * as events arrive and by the printers (report_text.c) afterwards.
 */
#include <stdlib.h>
#include <string.h>
#include "report.h"

/* The device's timeline, made on first use; NULL device: the global one. */
struct timeline *report_timeline_of(struct report *r, const struct pt_device *d)
{
	if (!d)
		return &r->global;
	for (size_t i = 0; i < r->ntl; i++)
		if (r->tl[i].dev == d)
			return &r->tl[i];
	if (r->ntl == r->captl) {
		r->captl = r->captl ? 2 * r->captl : 16;
		r->tl = realloc(r->tl, r->captl * sizeof(*r->tl));
		if (!r->tl)
			abort();
	}
	memset(&r->tl[r->ntl], 0, sizeof(r->tl[0]));
	r->tl[r->ntl].dev = d;
	return &r->tl[r->ntl++];
}
