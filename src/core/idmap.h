/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Internal: a u64 -> size_t map and growable arrays, for the model and rules. */
#ifndef PT_IDMAP_H
#define PT_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Open addressing, linear probing; keys are never removed (values are). */
struct idmap {
	uint64_t *keys;
	size_t *vals;
	unsigned char *used;
	size_t cap;
	size_t len;
};

/* The value slot of key; NULL if absent and !insert.  Aborts on OOM. */
size_t *idmap_slot(struct idmap *m, uint64_t key, bool insert);
void idmap_free(struct idmap *m);

#endif /* PT_IDMAP_H */
