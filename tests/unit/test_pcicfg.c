// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Config space capability walk, MSI/MSI-X decode, MSI-X table decode. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "pt_pcicfg.h"

static void put16(__u8 *b, size_t off, __u16 v)
{
	b[off] = v & 0xff;
	b[off + 1] = v >> 8;
}

static void put32(__u8 *b, size_t off, __u32 v)
{
	put16(b, off, v & 0xffff);
	put16(b, off + 2, v >> 16);
}

/*
 * The config space of this host's virtio-net (lspci -xxx): vendor caps at
 * 0x40..0x84, MSI-X at 0x98 with 3 entries, table BAR0+0x8000, PBA
 * BAR0+0x48000, enabled, function not masked, no INTx pin.
 */
static void virtio_net(__u8 *cfg)
{
	memset(cfg, 0, PT_PCICFG_LEN);
	put16(cfg, 0x00, 0x1af4);
	put16(cfg, 0x02, 0x1041);
	put16(cfg, 0x04, 0x0406);	/* Mem+ BusMaster+ DisINTx+ */
	put16(cfg, 0x06, 0x0010);	/* Cap+ */
	put32(cfg, 0x10, 0x00100004);	/* 64-bit memory BAR */
	put32(cfg, 0x14, 0x00000040);
	cfg[0x34] = 0x98;
	cfg[0x98] = PT_PCI_CAP_MSIX;
	cfg[0x99] = 0x84;
	put16(cfg, 0x9a, 0x8002);	/* Enable+, size 3 */
	put32(cfg, 0x9c, 0x00008000);
	put32(cfg, 0xa0, 0x00048000);
	cfg[0x84] = 0x09;
	cfg[0x85] = 0x70;
	cfg[0x70] = 0x09;
	cfg[0x71] = 0x40;
	cfg[0x40] = 0x09;
	cfg[0x41] = 0x00;
}

static void test_find_cap(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];

	virtio_net(cfg);
	assert_int_equal(pt_pcicfg_find_cap(cfg, sizeof(cfg), PT_PCI_CAP_MSIX),
			 0x98);
	assert_int_equal(pt_pcicfg_find_cap(cfg, sizeof(cfg), 0x09), 0x84);
	assert_int_equal(pt_pcicfg_find_cap(cfg, sizeof(cfg), PT_PCI_CAP_MSI),
			 0);
}

static void test_find_cap_no_list(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];

	virtio_net(cfg);
	put16(cfg, 0x06, 0);		/* Cap- : the pointer must be ignored */
	assert_int_equal(pt_pcicfg_find_cap(cfg, sizeof(cfg), PT_PCI_CAP_MSIX),
			 0);
}

/* An unprivileged reader has 64 bytes: absence cannot be proven. */
static void test_find_cap_truncated(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];
	struct pt_msix_cap msix;

	virtio_net(cfg);
	assert_int_equal(pt_pcicfg_find_cap(cfg, PT_PCICFG_STD_LEN,
					    PT_PCI_CAP_MSIX), -ERANGE);
	assert_int_equal(pt_pcicfg_msix(cfg, PT_PCICFG_STD_LEN, &msix), -ERANGE);
	assert_int_equal(pt_pcicfg_find_cap(cfg, 16, PT_PCI_CAP_MSIX), -ERANGE);
}

static void test_find_cap_loop(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];

	virtio_net(cfg);
	cfg[0x41] = 0x84;		/* 0x84 -> 0x70 -> 0x40 -> 0x84 ... */
	cfg[0x99] = 0x84;
	assert_int_equal(pt_pcicfg_find_cap(cfg, sizeof(cfg), PT_PCI_CAP_MSI),
			 -EINVAL);
	cfg[0x41] = 0x10;		/* points into the header */
	assert_int_equal(pt_pcicfg_find_cap(cfg, sizeof(cfg), PT_PCI_CAP_MSI),
			 -EINVAL);
}

static void test_msix_decode(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];
	struct pt_msix_cap m;

	virtio_net(cfg);
	assert_int_equal(pt_pcicfg_msix(cfg, sizeof(cfg), &m), 0);
	assert_int_equal(m.pos, 0x98);
	assert_true(m.enabled);
	assert_false(m.maskall);
	assert_int_equal(m.table_size, 3);
	assert_int_equal(m.table_bir, 0);
	assert_int_equal(m.table_offset, 0x8000);
	assert_int_equal(m.pba_bir, 0);
	assert_int_equal(m.pba_offset, 0x48000);

	/* ENABLE+MASKALL as a device model leaves it, 2048 entries, BIR 2 */
	put16(cfg, 0x9a, 0xc7ff);
	put32(cfg, 0x9c, 0x00002002);
	put32(cfg, 0xa0, 0x00003004);
	assert_int_equal(pt_pcicfg_msix(cfg, sizeof(cfg), &m), 0);
	assert_true(m.enabled);
	assert_true(m.maskall);
	assert_int_equal(m.table_size, 2048);
	assert_int_equal(m.table_bir, 2);
	assert_int_equal(m.table_offset, 0x2000);
	assert_int_equal(m.pba_bir, 4);
	assert_int_equal(m.pba_offset, 0x3000);

	assert_int_equal(pt_pcicfg_msi(cfg, sizeof(cfg), &(struct pt_msi_cap){}),
			 -ENOENT);
}

static void test_msi_decode(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];
	struct pt_msi_cap m;

	virtio_net(cfg);
	cfg[0x34] = 0x50;
	cfg[0x50] = PT_PCI_CAP_MSI;
	cfg[0x51] = 0;
	/* 64-bit, per-vector mask, 8 capable, 4 enabled, enabled */
	put16(cfg, 0x52, 0x01a7);
	put32(cfg, 0x54, 0xfee01000);
	put32(cfg, 0x58, 0x00000001);
	put16(cfg, 0x5c, 0x4041);
	put32(cfg, 0x60, 0x0000000a);
	put32(cfg, 0x64, 0x00000002);
	assert_int_equal(pt_pcicfg_msi(cfg, sizeof(cfg), &m), 0);
	assert_int_equal(m.pos, 0x50);
	assert_true(m.enabled);
	assert_true(m.is64);
	assert_true(m.maskable);
	assert_int_equal(m.vectors_max, 8);
	assert_int_equal(m.vectors_en, 4);
	assert_true(m.address == 0x1fee01000ull);
	assert_int_equal(m.data, 0x4041);
	assert_int_equal(m.mask, 0xa);
	assert_int_equal(m.pending, 0x2);
	assert_int_equal(pt_msi_x86_dest(m.address), 1);
	assert_int_equal(pt_msi_x86_vector(m.data), 0x41);

	/* 32-bit, not maskable: data right after the low address */
	put16(cfg, 0x52, 0x0000);
	put16(cfg, 0x58, 0x0030);
	assert_int_equal(pt_pcicfg_msi(cfg, sizeof(cfg), &m), 0);
	assert_false(m.enabled);
	assert_false(m.is64);
	assert_int_equal(m.vectors_max, 1);
	assert_int_equal(m.data, 0x30);
	assert_int_equal(m.mask, 0);
}

static void test_intx(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];
	struct pt_intx x;

	virtio_net(cfg);
	assert_int_equal(pt_pcicfg_intx(cfg, sizeof(cfg), &x), 0);
	assert_int_equal(x.pin, 0);
	assert_true(x.disabled);
	assert_string_equal(pt_intx_pin_name(x.pin), "-");

	cfg[0x3d] = 1;
	cfg[0x3c] = 11;
	put16(cfg, 0x04, 0x0006);
	put16(cfg, 0x06, 0x0018);
	assert_int_equal(pt_pcicfg_intx(cfg, sizeof(cfg), &x), 0);
	assert_int_equal(x.pin, 1);
	assert_int_equal(x.line, 11);
	assert_false(x.disabled);
	assert_true(x.asserted);
	assert_string_equal(pt_intx_pin_name(x.pin), "INTA");
	assert_string_equal(pt_intx_pin_name(9), "-");
	assert_int_equal(pt_pcicfg_intx(cfg, 32, &x), -ERANGE);
}

static void test_bar(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];
	struct pt_bar b;

	virtio_net(cfg);
	assert_int_equal(pt_pcicfg_bar(cfg, sizeof(cfg), 0, &b), 0);
	assert_false(b.io);
	assert_true(b.is64);
	assert_true(b.base == 0x4000100000ull);

	put32(cfg, 0x18, 0x0000c041);	/* I/O BAR 2 */
	assert_int_equal(pt_pcicfg_bar(cfg, sizeof(cfg), 2, &b), 0);
	assert_true(b.io);
	assert_true(b.base == 0xc040);
	assert_int_equal(pt_pcicfg_bar(cfg, sizeof(cfg), 6, &b), -ENOENT);
}

static void test_msix_table(void **state)
{
	__u8 tbl[3 * PT_MSIX_ENTRY_SIZE];
	__u8 pba[8] = { 0x05 };
	struct pt_msix_entry e;

	memset(tbl, 0, sizeof(tbl));
	put32(tbl, 0, 0xfee00000);
	put32(tbl, 8, 0x00000022);
	put32(tbl, 12, 0);
	put32(tbl, 16, 0xfee01000);
	put32(tbl, 20, 0x00000001);
	put32(tbl, 24, 0x00000023);
	put32(tbl, 28, 1);
	put32(tbl, 44, 0xffffffff);	/* reads as all-ones: masked */

	assert_int_equal(pt_msix_entry_decode(tbl, sizeof(tbl), 0, &e), 0);
	assert_true(e.address == 0xfee00000ull);
	assert_int_equal(e.data, 0x22);
	assert_false(e.masked);

	assert_int_equal(pt_msix_entry_decode(tbl, sizeof(tbl), 1, &e), 0);
	assert_true(e.address == 0x1fee01000ull);
	assert_int_equal(pt_msi_x86_dest(e.address), 1);
	assert_int_equal(pt_msi_x86_vector(e.data), 0x23);
	assert_true(e.masked);

	assert_int_equal(pt_msix_entry_decode(tbl, sizeof(tbl), 2, &e), 0);
	assert_true(e.masked);
	assert_int_equal(pt_msix_entry_decode(tbl, sizeof(tbl), 3, &e), -ERANGE);
	assert_int_equal(pt_msix_entry_decode(tbl, 40, 2, &e), -ERANGE);

	assert_int_equal(pt_msix_pba_len(3), 8);
	assert_int_equal(pt_msix_pba_len(64), 8);
	assert_int_equal(pt_msix_pba_len(65), 16);
	assert_int_equal(pt_msix_pba_bit(pba, sizeof(pba), 0), 1);
	assert_int_equal(pt_msix_pba_bit(pba, sizeof(pba), 1), 0);
	assert_int_equal(pt_msix_pba_bit(pba, sizeof(pba), 2), 1);
	assert_int_equal(pt_msix_pba_bit(pba, sizeof(pba), 64), -ERANGE);
}

/* An MSI capability whose mask registers lie past the bytes read. */
static void test_msi_truncated(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];
	struct pt_msi_cap m;

	virtio_net(cfg);
	cfg[0x34] = 0xf0;
	cfg[0xf0] = PT_PCI_CAP_MSI;
	cfg[0xf1] = 0;
	put16(cfg, 0xf2, 0x0181);	/* 64-bit + maskable: 24 bytes */
	assert_int_equal(pt_pcicfg_msi(cfg, sizeof(cfg), &m), -ERANGE);
	put16(cfg, 0xf2, 0x0001);	/* 32-bit: data at 0xf8 fits */
	assert_int_equal(pt_pcicfg_msi(cfg, sizeof(cfg), &m), 0);
	assert_true(m.enabled);
}

/* A bridge has two BARs; a 64-bit BAR 5 has no upper half to read. */
static void test_bar_bridge_and_last(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];
	struct pt_bar b;

	virtio_net(cfg);
	put32(cfg, 0x24, 0xfe00000c);	/* BAR5 claims 64-bit */
	assert_int_equal(pt_pcicfg_bar(cfg, sizeof(cfg), 5, &b), 0);
	assert_true(b.is64);
	assert_true(b.prefetch);
	assert_true(b.base == 0xfe000000ull);

	cfg[0x0e] = 0x81;		/* multi-function type 1 header */
	assert_int_equal(pt_pcicfg_bar(cfg, sizeof(cfg), 1, &b), 0);
	assert_int_equal(pt_pcicfg_bar(cfg, sizeof(cfg), 2, &b), -ENOENT);
}

/* MSI-X present in a list that continues past it: found first. */
static void test_msix_then_more(void **state)
{
	__u8 cfg[PT_PCICFG_LEN];
	struct pt_msix_cap m;

	virtio_net(cfg);
	cfg[0x34] = 0x40;		/* 0x40 -> 0x98 (MSI-X) -> 0x84 -> ... */
	cfg[0x41] = 0x98;
	cfg[0x71] = 0x00;
	put16(cfg, 0x9a, 0x0000);	/* disabled, one entry */
	assert_int_equal(pt_pcicfg_msix(cfg, sizeof(cfg), &m), 0);
	assert_int_equal(m.pos, 0x98);
	assert_false(m.enabled);
	assert_int_equal(m.table_size, 1);
}

/* Messages an IOMMU remaps (captured in the Xen lab: fee00318, 0). */
static void test_msi_remappable(void **state)
{
	assert_false(pt_msi_x86_remappable(0xfee01000ull));
	assert_true(pt_msi_x86_remappable(0xfee00318ull));
	assert_int_equal(pt_msi_x86_ir_index(0xfee00318ull, 0), 24);
	assert_int_equal(pt_msi_x86_ir_index(0xfee00338ull, 0), 25);
	/* SHV set: index 24 + subhandle 3 */
	assert_int_equal(pt_msi_x86_ir_index(0xfee00318ull | 0x8, 3), 27);
	/* bit 2 is index bit 15 */
	assert_int_equal(pt_msi_x86_ir_index(0xfee00014ull, 0), 0x8000);
}

static void test_readers_bounds(void **state)
{
	__u8 b[3] = { 0x11, 0x22, 0x33 };

	assert_int_equal(pt_cfg_r16(b, sizeof(b), 1), 0x3322);
	assert_int_equal(pt_cfg_r16(b, sizeof(b), 2), 0x0033);
	assert_int_equal(pt_cfg_r32(b, sizeof(b), 0), 0x00332211);
	assert_int_equal(pt_cfg_r8(b, sizeof(b), 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_cap),
		cmocka_unit_test(test_find_cap_no_list),
		cmocka_unit_test(test_find_cap_truncated),
		cmocka_unit_test(test_find_cap_loop),
		cmocka_unit_test(test_msix_decode),
		cmocka_unit_test(test_msi_decode),
		cmocka_unit_test(test_intx),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_msix_table),
		cmocka_unit_test(test_readers_bounds),
		cmocka_unit_test(test_msi_truncated),
		cmocka_unit_test(test_bar_bridge_and_last),
		cmocka_unit_test(test_msix_then_more),
		cmocka_unit_test(test_msi_remappable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
