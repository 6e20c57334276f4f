// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Notes for the user, which every part of the dump keeps.  Here, not in
 * dump.c, so the parts depend on this file and dump.c depends on the
 * parts, never the other way round.  Arrays grow with PT_PUSH (pt_grow.h).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "dump.h"

void dump_note(struct dump *d, const char *fmt, ...)
{
	char **p = PT_PUSH(d->notes, d->nnotes, d->capnotes);
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(p, fmt, ap) < 0)
		pt_oom("a dump note");
	va_end(ap);
}
