// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Growable arrays and the one out-of-memory policy (include/pt_grow.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pt_grow.h"

void pt_oom(const char *what)
{
	fprintf(stderr, "ptrace: out of memory (%s)\n", what);
	exit(6);
}

void pt_reserve(void **arr, size_t *cap, size_t want, size_t size)
{
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (want <= *cap)
		return;
	while (ncap < want) {
		if (ncap > SIZE_MAX / 2)
			pt_oom("array size overflows");
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		pt_oom("array size overflows");
	p = realloc(*arr, ncap * size);
	if (!p)
		pt_oom("growing an array");
	*arr = p;
	*cap = ncap;
}

void *pt_grow(void **arr, size_t *n, size_t *cap, size_t size)
{
	char *slot;

	pt_reserve(arr, cap, *n + 1, size);
	slot = (char *)*arr + *n * size;
	memset(slot, 0, size);
	(*n)++;
	return slot;
}

void *pt_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		pt_oom("allocating");
	return p;
}

char *pt_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		pt_oom("copying a string");
	return p;
}
