// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Helpers every part of the dump uses: growing its arrays and keeping
 * notes for the user.  Here, not in dump.c, so the parts depend on this
 * file and dump.c depends on the parts, never the other way round.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "dump.h"

void *dump_grow(void *arr, size_t *n, size_t size)
{
	void *p = realloc(arr, (*n + 1) * size);

	if (p)
		(*n)++;
	return p;
}

void dump_note(struct dump *d, const char *fmt, ...)
{
	char **p = dump_grow(d->notes, &d->nnotes, sizeof(*p));
	va_list ap;

	if (!p)
		return;
	d->notes = p;
	va_start(ap, fmt);
	if (vasprintf(&p[d->nnotes - 1], fmt, ap) < 0)
		p[--d->nnotes] = NULL;
	va_end(ap);
}
