// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel's BTF cut down for CO-RE (core_btf.h).
 *
 * Candidates are chosen as libbpf 1.1's bpf_core_add_cands() does: same
 * essential name (the part before a "___flavor" suffix), same kind, enum
 * and enum64 alike.  The copy follows everything but pointers, so it has
 * no cycles: a type's parts are copied before it, and each kernel type
 * is copied once (one id map for vmlinux, one for the module's own ids).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "core_btf.h"

/* One named type of the object: the kernel types matching it are kept. */
struct root {
	const char *name;
	size_t len;		/* essential length */
	int kind;		/* kind class */
	bool in_vmlinux;	/* vmlinux has a candidate: modules not asked */
};

struct roots {
	struct root *slot;	/* open addressing, NULL name: empty */
	size_t mask;
};

struct cut {
	struct btf *out;
	__u32 kernel_cnt;	/* vmlinux's ids end here, modules' begin */
	__u32 *kernel_map;	/* vmlinux id -> id in out, 0: not copied */
	__u32 *mod_map;		/* the module's own id - kernel_cnt -> id in out */
	int void_ptr;		/* the one pointer every pointer becomes */
};

/* As libbpf's bpf_core_essential_name_len(): "X___Y" ends after X. */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;) {
		const char *s = name + i;

		if (s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' &&
		    s[4] != '_')
			return i + 1;
	}
	return n;
}

/* The kind a candidate must share, or -1 for a type no relocation names. */
static int kind_class(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_ENUM64:
		return BTF_KIND_ENUM;
	case BTF_KIND_INT:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_FLOAT:
		return btf_kind(t);
	default:
		return -1;
	}
}

static size_t root_hash(const char *name, size_t len, int kind)
{
	size_t h = 2166136261u ^ (size_t)kind;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

static struct root *root_find(struct roots *r, const char *name, size_t len,
			      int kind, bool add)
{
	size_t i = root_hash(name, len, kind) & r->mask;

	for (;; i = (i + 1) & r->mask) {
		struct root *s = &r->slot[i];

		if (!s->name) {
			if (!add)
				return NULL;
			*s = (struct root){ .name = name, .len = len, .kind = kind };
			return s;
		}
		if (s->len == len && s->kind == kind && !memcmp(s->name, name, len))
			return s;
	}
}

/* A named type's key, as libbpf compares candidates; false if it has none. */
static bool root_key(const struct btf *btf, const struct btf_type *t,
		     const char **name, size_t *len, int *kind)
{
	*kind = kind_class(t);
	if (*kind < 0 || !t->name_off)
		return false;
	*name = btf__name_by_offset(btf, t->name_off);
	if (!*name || !**name)
		return false;
	*len = essential_len(*name);
	return true;
}

/* The root a named type of btf matches, if any. */
static struct root *root_of(struct roots *r, const struct btf *btf,
			    const struct btf_type *t)
{
	const char *name;
	size_t len;
	int kind;

	return root_key(btf, t, &name, &len, &kind) ?
	       root_find(r, name, len, kind, false) : NULL;
}

static int roots_of(struct roots *r, const struct btf *local)
{
	__u32 n = btf__type_cnt(local);
	size_t size = 64;

	while (size < 2 * (size_t)n)
		size *= 2;
	r->slot = calloc(size, sizeof(*r->slot));
	if (!r->slot)
		return -ENOMEM;
	r->mask = size - 1;
	for (__u32 id = 1; id < n; id++) {
		const char *name;
		size_t len;
		int kind;

		if (root_key(local, btf__type_by_id(local, id), &name, &len, &kind))
			root_find(r, name, len, kind, true);
	}
	return 0;
}

static __u32 *map_slot(struct cut *c, __u32 id)
{
	return id < c->kernel_cnt ? &c->kernel_map[id] :
				    &c->mod_map[id - c->kernel_cnt];
}

/* A type just added, to point its references at the copies. */
static struct btf_type *added(struct cut *c, int id)
{
	return (struct btf_type *)btf__type_by_id(c->out, id);
}

/* Copy type id of src into the cut; its id there, 0 for void, or -errno. */
static int copy_type(struct cut *c, const struct btf *src, __u32 id)
{
	const struct btf_type *t;
	__u32 *slot;
	int new_id, ref, idx;

	if (!id)
		return 0;
	slot = map_slot(c, id);
	if (*slot)
		return *slot;
	t = btf__type_by_id(src, id);
	if (!t)
		return -EINVAL;
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		if (!c->void_ptr)
			c->void_ptr = btf__add_ptr(c->out, 0);
		new_id = c->void_ptr;
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		__u16 n = btf_vlen(t);
		int *ids = calloc(n ? n : 1, sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		for (__u16 i = 0; i < n; i++) {
			ids[i] = copy_type(c, src, btf_members(t)[i].type);
			if (ids[i] < 0) {
				new_id = ids[i];
				free(ids);
				return new_id;
			}
		}
		new_id = btf__add_type(c->out, src, t);
		if (new_id > 0)
			for (__u16 i = 0; i < n; i++)
				btf_members(added(c, new_id))[i].type = ids[i];
		free(ids);
		break;
	}
	case BTF_KIND_ARRAY:
		ref = copy_type(c, src, btf_array(t)->type);
		if (ref < 0)
			return ref;
		idx = copy_type(c, src, btf_array(t)->index_type);
		if (idx < 0)
			return idx;
		new_id = btf__add_array(c->out, idx, ref, btf_array(t)->nelems);
		break;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		ref = copy_type(c, src, t->type);
		if (ref < 0)
			return ref;
		new_id = btf__add_type(c->out, src, t);
		if (new_id > 0)
			added(c, new_id)->type = ref;
		break;
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
	case BTF_KIND_FLOAT:
		new_id = btf__add_type(c->out, src, t);
		break;
	default:
		/* a function type behind a typedef: nothing relocates into it */
		return 0;
	}
	if (new_id < 0)
		return new_id;
	*slot = new_id;
	return new_id;
}

/* Copy the types of src from first on that match a root. */
static int copy_roots(struct cut *c, struct roots *r, const struct btf *src,
		      __u32 first, bool vmlinux)
{
	__u32 n = btf__type_cnt(src);

	for (__u32 id = first; id < n; id++) {
		struct root *m = root_of(r, src, btf__type_by_id(src, id));
		int err;

		if (!m || (!vmlinux && m->in_vmlinux))
			continue;
		err = copy_type(c, src, id);
		if (err < 0)
			return err;
		if (vmlinux)
			m->in_vmlinux = true;
	}
	return 0;
}

struct btf *pt_core_btf_cut(const struct btf *local, const struct btf *kernel,
			    struct btf *const *mods, size_t nmods)
{
	struct roots r = { 0 };
	struct cut c = { 0 };
	int err;

	c.kernel_cnt = btf__type_cnt(kernel);
	c.kernel_map = calloc(c.kernel_cnt, sizeof(*c.kernel_map));
	c.out = btf__new_empty();
	err = !c.kernel_map || !c.out ? -ENOMEM : roots_of(&r, local);
	if (!err)
		err = copy_roots(&c, &r, kernel, 1, true);
	for (size_t m = 0; !err && m < nmods; m++) {
		__u32 n;

		if (!mods[m])
			continue;
		n = btf__type_cnt(mods[m]);
		c.mod_map = calloc(n > c.kernel_cnt ? n - c.kernel_cnt : 1,
				   sizeof(*c.mod_map));
		err = c.mod_map ? copy_roots(&c, &r, mods[m], c.kernel_cnt, false) :
				  -ENOMEM;
		free(c.mod_map);
		c.mod_map = NULL;
	}
	free(r.slot);
	free(c.kernel_map);
	if (err) {
		btf__free(c.out);
		errno = -err;
		return NULL;
	}
	return c.out;
}
