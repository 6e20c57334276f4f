// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "idmap.h"

static uint64_t hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

size_t *idmap_slot(struct idmap *m, uint64_t key, bool insert)
{
	size_t i;

	if (insert && (m->len + 1) * 2 > m->cap) {
		struct idmap n = { 0 };

		n.cap = m->cap ? m->cap * 2 : 64;
		n.keys = calloc(n.cap, sizeof(*n.keys));
		n.vals = calloc(n.cap, sizeof(*n.vals));
		n.used = calloc(n.cap, 1);
		if (!n.keys || !n.vals || !n.used)
			abort();
		for (i = 0; i < m->cap; i++)
			if (m->used[i])
				*idmap_slot(&n, m->keys[i], true) = m->vals[i];
		free(m->keys);
		free(m->vals);
		free(m->used);
		*m = n;
	}
	if (!m->cap)
		return NULL;
	for (i = hash64(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->used[i]) {
			if (!insert)
				return NULL;
			m->used[i] = 1;
			m->keys[i] = key;
			m->len++;
			return &m->vals[i];
		}
		if (m->keys[i] == key)
			return &m->vals[i];
	}
}

void idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
}
