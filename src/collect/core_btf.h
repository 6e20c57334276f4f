/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef PT_CORE_BTF_H
#define PT_CORE_BTF_H

#include <stddef.h>
#include <bpf/btf.h>

/*
 * The kernel's BTF cut down to what a BPF object's CO-RE relocations can
 * ask of it, for libbpf's btf_custom_path.
 *
 * libbpf 1.1 otherwise reads vmlinux BTF again from sysfs (a page per
 * read), searches all of its types once per relocated type, and, for a
 * type vmlinux lacks, loads the BTF of every module in the kernel. The
 * session has the kernel's BTF parsed already; the cut keeps, for every
 * named type of the object (local), the kernel's types of the same
 * essential name and kind class, as libbpf chooses candidates: from
 * vmlinux, and from the modules' own types only where vmlinux has none.
 * Each keeps what it embeds (members, array elements, typedefs,
 * qualifiers, enumerators, bitfield layout). A pointer keeps its kind
 * and loses its target: a CO-RE access never goes through a pointer
 * (each dereference is a relocation of its own), field compatibility
 * takes any pointer for any pointer, and a type-existence check stops
 * at a struct's kind.
 *
 * Returns NULL with errno set on failure.
 */
struct btf *pt_core_btf_cut(const struct btf *local, const struct btf *kernel,
			    struct btf *const *mods, size_t nmods);

#endif
