/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One growable array and one out-of-memory policy for all of ptrace.
 *
 * An array is three fields (pointer, count, capacity).  PT_PUSH(a, n, cap)
 * makes room for one more element, counts it and returns it zeroed;
 * capacity doubles, so N pushes cost O(N).  When memory runs out ptrace
 * cannot keep its promise that nothing recorded is lost silently, so it
 * says so and exits with status 6 (internal or system failure) instead of
 * carrying on with a hole: pt_oom() is that policy, for every allocation.
 */
#ifndef PT_GROW_H
#define PT_GROW_H

#include <stddef.h>

/* Room for element (*n)++ of @size bytes in *arr; returns it, zeroed. */
void *pt_grow(void **arr, size_t *n, size_t *cap, size_t size);
/* Room for @want elements in all (capacity at least @want). */
void pt_reserve(void **arr, size_t *cap, size_t want, size_t size);
/* Prints "ptrace: out of memory (@what)" and exits 6.  Never returns. */
void pt_oom(const char *what) __attribute__((noreturn));
/* malloc/calloc/strdup that follow the policy above. */
void *pt_xcalloc(size_t n, size_t size);
char *pt_xstrdup(const char *s);

#define PT_PUSH(arr, n, cap) \
	((__typeof__(&(arr)[0]))pt_grow((void **)&(arr), &(n), &(cap), \
					sizeof((arr)[0])))

#endif
