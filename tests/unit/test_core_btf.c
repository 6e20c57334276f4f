// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel BTF cut for CO-RE keeps exactly libbpf's candidates, whole
 * but for pointer targets, and the module types only vmlinux lacks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "collect/core_btf.h"

/* The kernel: vmlinux, and one module split on it. */
struct kernel {
	struct btf *vmlinux, *mod;
	int pci_bus_ptr;
};

static struct kernel kernel_new(void)
{
	struct kernel k = { .vmlinux = btf__new_empty() };
	struct btf *v = k.vmlinux;
	int u32 = btf__add_int(v, "unsigned int", 4, 0);
	int u8 = btf__add_int(v, "unsigned char", 1, 0);
	int lock, dev, bus, arr, idx, e, e64, priv;

	assert_true(u32 > 0 && u8 > 0);
	/* embedded in pci_dev: kept whole */
	lock = btf__add_struct(v, "spinlock", 4);
	btf__add_field(v, "raw", u32, 0, 0);
	bus = btf__add_struct(v, "pci_bus", 8);
	btf__add_field(v, "number", u8, 0, 0);
	/* reached only through a pointer: not kept */
	priv = btf__add_struct(v, "device_private", 4);
	btf__add_field(v, "x", u32, 0, 0);
	priv = btf__add_ptr(v, priv);
	k.pci_bus_ptr = btf__add_ptr(v, bus);
	idx = btf__add_int(v, "long unsigned int", 8, 0);
	arr = btf__add_array(v, idx, u8, 4);
	dev = btf__add_struct(v, "pci_dev", 40);
	btf__add_field(v, "bus", k.pci_bus_ptr, 0, 0);
	btf__add_field(v, "lock", lock, 64, 0);
	btf__add_field(v, "name", arr, 96, 0);
	btf__add_field(v, "is_virtfn", u32, 128, 1);	/* a bitfield */
	btf__add_field(v, "priv", priv, 192, 0);
	/* two structs of one name: both candidates */
	btf__add_struct(v, "irq_info", 4);
	btf__add_field(v, "type", u32, 0, 0);
	btf__add_struct(v, "irq_info", 8);
	btf__add_field(v, "refcnt", u32, 0, 0);
	btf__add_field(v, "evtchn", u32, 32, 0);
	e = btf__add_enum(v, "xen_irq_type", 4);
	btf__add_enum_value(v, "IRQT_PIRQ", 3);
	/* an enum64 answers a local enum of the same name */
	e64 = btf__add_enum64(v, "pci_bus_flags", 8, false);
	btf__add_enum64_value(v, "PCI_BUS_FLAGS_NO_MSI", 1);
	/* a typedef, and an unrelated struct */
	btf__add_typedef(v, "u32", u32);
	btf__add_struct(v, "task_struct", 8);
	btf__add_field(v, "pid", u32, 0, 0);
	/* a struct vmlinux also has, and one it lacks */
	k.mod = btf__new_empty_split(v);
	btf__add_struct(k.mod, "pci_dev", 8);
	btf__add_field(k.mod, "other", u32, 0, 0);
	dev = btf__add_ptr(k.mod, dev);
	btf__add_struct(k.mod, "pcistub_device", 16);
	btf__add_field(k.mod, "dev", dev, 0, 0);
	btf__add_field(k.mod, "lock", lock, 64, 0);
	assert_true(e > 0 && e64 > 0);
	return k;
}

/* The object: what its relocations can name. */
static struct btf *local_new(void)
{
	struct btf *l = btf__new_empty();
	int u32 = btf__add_int(l, "unsigned int", 4, 0);

	int bus = btf__add_ptr(l, btf__add_struct(l, "pci_bus", 0));

	btf__add_struct(l, "pci_dev", 8);
	btf__add_field(l, "bus", bus, 0, 0);
	btf__add_struct(l, "irq_info___xen", 4);	/* a flavor */
	btf__add_field(l, "type", u32, 0, 0);
	btf__add_enum(l, "xen_irq_type", 4);
	btf__add_enum(l, "pci_bus_flags", 4);
	btf__add_struct(l, "pcistub_device", 8);
	btf__add_typedef(l, "u32", u32);
	btf__add_struct(l, "not_in_kernel", 4);
	return l;
}

static int count(const struct btf *b, const char *name, int kind)
{
	int n = 0;

	for (__u32 id = 1; id < btf__type_cnt(b); id++) {
		const struct btf_type *t = btf__type_by_id(b, id);

		if (btf_kind(t) == kind && !strcmp(btf__name_by_offset(b, t->name_off), name))
			n++;
	}
	return n;
}

static const struct btf_type *find(const struct btf *b, const char *name, int kind)
{
	int id = btf__find_by_name_kind(b, name, kind);

	return id > 0 ? btf__type_by_id(b, id) : NULL;
}

static void keeps_candidates_whole(void **state)
{
	struct kernel k = kernel_new();
	struct btf *local = local_new(), *cut;
	const struct btf_type *dev, *t;
	const struct btf_member *m;

	cut = pt_core_btf_cut(local, k.vmlinux, &k.mod, 1);
	assert_non_null(cut);

	/* pci_dev from vmlinux only, every member, layout kept */
	assert_int_equal(count(cut, "pci_dev", BTF_KIND_STRUCT), 1);
	dev = find(cut, "pci_dev", BTF_KIND_STRUCT);
	assert_int_equal(btf_vlen(dev), 5);
	assert_int_equal(dev->size, 40);
	m = btf_members(dev);
	assert_string_equal(btf__name_by_offset(cut, m[3].name_off), "is_virtfn");
	assert_int_equal(btf_member_bit_offset(dev, 3), 128);
	assert_int_equal(btf_member_bitfield_size(dev, 3), 1);
	/* the pointer is a pointer, to nothing */
	t = btf__type_by_id(cut, m[0].type);
	assert_true(btf_is_ptr(t));
	assert_int_equal(t->type, 0);
	/* embedded struct and array: whole */
	t = btf__type_by_id(cut, m[1].type);
	assert_true(btf_is_struct(t));
	assert_string_equal(btf__name_by_offset(cut, t->name_off), "spinlock");
	assert_int_equal(btf_vlen(t), 1);
	t = btf__type_by_id(cut, m[2].type);
	assert_true(btf_is_array(t));
	assert_int_equal(btf_array(t)->nelems, 4);
	assert_int_equal(btf__resolve_size(cut, m[2].type), 4);

	/* both irq_info for the flavored local, the enum64 for the enum */
	assert_int_equal(count(cut, "irq_info", BTF_KIND_STRUCT), 2);
	assert_int_equal(count(cut, "xen_irq_type", BTF_KIND_ENUM), 1);
	assert_int_equal(count(cut, "pci_bus_flags", BTF_KIND_ENUM64), 1);
	assert_int_equal(count(cut, "u32", BTF_KIND_TYPEDEF), 1);
	/* the module's own type vmlinux lacks, with what it embeds */
	assert_int_equal(count(cut, "pcistub_device", BTF_KIND_STRUCT), 1);
	assert_int_equal(count(cut, "spinlock", BTF_KIND_STRUCT), 1);

	/* no pointer target, nothing the object does not name */
	assert_int_equal(count(cut, "device_private", BTF_KIND_STRUCT), 0);
	assert_int_equal(count(cut, "task_struct", BTF_KIND_STRUCT), 0);
	/* pci_bus: named by the object, so kept, though only pointed at */
	assert_int_equal(count(cut, "pci_bus", BTF_KIND_STRUCT), 1);

	btf__free(cut);
	btf__free(local);
	btf__free(k.mod);
	btf__free(k.vmlinux);
}

/* The cut is what libbpf reads back: raw BTF that parses. */
static void round_trips_as_raw_btf(void **state)
{
	struct kernel k = kernel_new();
	struct btf *local = local_new(), *cut, *back;
	const void *raw;
	__u32 size;

	cut = pt_core_btf_cut(local, k.vmlinux, &k.mod, 1);
	assert_non_null(cut);
	raw = btf__raw_data(cut, &size);
	assert_non_null(raw);
	back = btf__new(raw, size);
	assert_int_equal(libbpf_get_error(back), 0);
	assert_int_equal(btf__type_cnt(back), btf__type_cnt(cut));
	assert_int_equal(count(back, "irq_info", BTF_KIND_STRUCT), 2);
	btf__free(back);
	btf__free(cut);
	btf__free(local);
	btf__free(k.mod);
	btf__free(k.vmlinux);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keeps_candidates_whole),
		cmocka_unit_test(round_trips_as_raw_btf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
