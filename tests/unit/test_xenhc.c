// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Hypercall argument decoding against the byte layouts Xen defines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>
#include "pt_xenhc.h"
#include "../../bpf/collect.h"
#include "../../src/core/xen_public.h"
#include <linux/ioctl.h>

static void put32(__u8 *raw, size_t off, uint32_t v)
{
	memcpy(raw + off, &v, 4);
}

/* physdev_map_pirq, x86_64: domid u16 @0, type @4, index @8, pirq @12,
 * bus @16 (segment in the high half for MSI_SEG), devfn @20, entry_nr @24 */
static void test_map_pirq_layout(void **state)
{
	struct pt_ev_hypercall hc = { .op = 33, .cmd = 13, .raw_len = 40 };

	put32(hc.raw, 0, 1);
	put32(hc.raw, 4, 3);			/* MAP_PIRQ_TYPE_MSI_SEG */
	put32(hc.raw, 8, (uint32_t)-1);
	put32(hc.raw, 12, 55);
	put32(hc.raw, 16, (2u << 16) | 0x03);	/* segment 2, bus 3 */
	put32(hc.raw, 20, 0x10);		/* 02.0 */
	put32(hc.raw, 24, 4);
	assert_int_equal(pt_hc_decode(&hc), 0);
	assert_int_equal(hc.args.domid, 1);
	assert_int_equal(hc.args.map_type, 3);
	assert_int_equal(hc.args.pirq, 55);
	assert_int_equal(hc.args.entry_nr, 4);
	assert_int_equal(hc.args.sbdf, PT_SBDF(2, 3, 0x10));
	assert_string_equal(pt_map_type_name(hc.args.map_type), "msi_seg");
	assert_string_equal(pt_hc_cmd_name(33, 13), "map_pirq");

	/* GSI type: the index is the GSI */
	put32(hc.raw, 4, 1);
	put32(hc.raw, 8, 28);
	assert_int_equal(pt_hc_decode(&hc), 0);
	assert_int_equal(hc.args.gsi, 28);
	assert_int_equal(hc.args.sbdf, PT_SBDF_NONE);

	/* fewer bytes than the struct: refused, not guessed */
	hc.raw_len = 12;
	assert_int_equal(pt_hc_decode(&hc), -1);
}

/* xen_domctl: cmd @0, interface_version @4, domain @8, union @16 */
static void test_domctl_layouts(void **state)
{
	struct pt_ev_hypercall hc = { .op = 36, .raw_len = 144 };

	put32(hc.raw, 0, 19);			/* irq_permission */
	put32(hc.raw, 4, 0x15);
	put32(hc.raw, 8, 3);
	put32(hc.raw, 16, 28);			/* pirq */
	hc.raw[20] = 1;				/* allow_access */
	assert_int_equal(pt_hc_decode(&hc), 0);
	assert_int_equal(hc.cmd, 19);
	assert_int_equal(hc.args.domid, 3);
	assert_int_equal(hc.args.pirq, 28);
	assert_int_equal(hc.args.allow, 1);
	assert_int_equal(hc.args.iface, 0x15);

	memset(hc.raw, 0, sizeof(hc.raw));
	put32(hc.raw, 0, 38);			/* bind_pt_irq */
	put32(hc.raw, 4, 0x17);
	put32(hc.raw, 8, 2);
	put32(hc.raw, 16, 55);			/* machine_irq */
	put32(hc.raw, 20, 2);			/* PT_IRQ_TYPE_MSI */
	hc.raw[24] = 0x41;			/* gvec */
	put32(hc.raw, 28, 0x10000);		/* gflags: UNMASKED */
	assert_int_equal(pt_hc_decode(&hc), 0);
	assert_int_equal(hc.args.machine_irq, 55);
	assert_int_equal(hc.args.irq_type, 2);
	assert_int_equal(hc.args.gvec, 0x41);
	assert_int_equal(hc.args.flags, 0x10000);

	memset(hc.raw, 0, sizeof(hc.raw));
	put32(hc.raw, 0, 37);			/* assign_device */
	put32(hc.raw, 4, 0x18);
	put32(hc.raw, 8, 1);
	put32(hc.raw, 16, 0);			/* XEN_DOMCTL_DEV_PCI */
	put32(hc.raw, 24, PT_SBDF(0, 3, 0));	/* machine_sbdf */
	assert_int_equal(pt_hc_decode(&hc), 0);
	assert_int_equal(hc.args.sbdf, PT_SBDF(0, 3, 0));

	/* an interface version the decoder does not know is not guessed */
	put32(hc.raw, 4, 0x30);
	assert_int_equal(pt_hc_decode(&hc), -1);
	assert_int_equal(hc.args.sbdf, PT_SBDF_NONE);
}

static void test_names(void **state)
{
	assert_int_equal(pt_hc_op_from_name("physdev_op"), 33);
	assert_int_equal(pt_hc_op_from_name("domctl"), 36);
	assert_int_equal(pt_hc_cmd_from_name(33, "pci_device_reset"), 32);
	assert_int_equal(pt_hc_cmd_from_name(36, "gsi_permission"), 88);
	assert_int_equal(pt_hc_cmd_from_name(32, "bind_pirq"), 2);
	assert_null(pt_hc_cmd_name(33, 9999));
}

/* The result offsets the collector reads back (bpf/collect.h) are Xen's. */
static void test_result_offsets(void **state)
{
	assert_int_equal(PT_HC_OUT_MAP_PIRQ, offsetof(struct physdev_map_pirq, pirq));
	assert_int_equal(PT_HC_OUT_GET_FREE_PIRQ,
			 offsetof(struct physdev_get_free_pirq, pirq));
	assert_int_equal(PT_HC_OUT_BIND_INTERDOMAIN,
			 offsetof(struct evtchn_bind_interdomain, local_port));
	assert_int_equal(PT_HC_OUT_BIND_VIRQ, offsetof(struct evtchn_bind_virq, port));
	assert_int_equal(PT_HC_OUT_BIND_PIRQ, offsetof(struct evtchn_bind_pirq, port));
	assert_int_equal(PT_HC_OUT_ALLOC_UNBOUND,
			 offsetof(struct evtchn_alloc_unbound, port));
	assert_int_equal(PT_HC_OUT_BIND_IPI, offsetof(struct evtchn_bind_ipi, port));
}

/* map_pirq's pirq: what Xen wrote back wins over what was asked. */

/*
 * A dm_op as the collector captures it (bpf/collect.bpf.c): the domain
 * and buffer count @0 (u16, u16, pad), then struct xen_dm_op: op @8,
 * pad @12, union @16; ioreq_server_range: id u16 @16, type @20,
 * start @24, end @32.
 */
static void test_dm_op_layout(void **state)
{
	struct pt_ev_hypercall hc = { .op = 41, .raw_len = 8 + 40 };
	uint64_t sbdf = PT_SBDF(0, 0, 0x28);	/* the guest's 00:05.0 */

	/* privcmd.h's ioctls (its uapi header needs kernel-internal ones):
	 * struct privcmd_dm_op is { domid_t dom; __u16 num; ubufs * } */
	struct { uint16_t dom; uint16_t num; const void *ubufs; } dm;

	assert_int_equal(PT_IOCTL_PRIVCMD_DM_OP, _IOC(_IOC_NONE, 'P', 5, sizeof(dm)));
	assert_int_equal(PT_HC_DM_OP, __HYPERVISOR_dm_op);
	assert_int_equal(sizeof(struct pt_dm_op_head), 8);
	put32(hc.raw, 0, 2 | (1u << 16));	/* d2, one buffer */
	put32(hc.raw, 8, 3);			/* map_io_range_to_ioreq_server */
	put32(hc.raw, 16, 1);			/* ioservid 1 */
	put32(hc.raw, 20, 2);			/* XEN_DMOP_IO_RANGE_PCI */
	memcpy(hc.raw + 24, &sbdf, 8);
	memcpy(hc.raw + 32, &sbdf, 8);
	assert_int_equal(pt_hc_decode(&hc), 0);
	assert_int_equal(hc.cmd, 3);
	assert_string_equal(pt_hc_cmd_name(41, hc.cmd), "map_io_range_to_ioreq_server");
	assert_int_equal(hc.args.domid, 2);
	assert_int_equal(hc.args.ioservid, 1);
	assert_string_equal(pt_io_range_name(hc.args.range), "pci");
	assert_int_equal(hc.args.vsbdf, PT_SBDF(0, 0, 0x28));
	/* the host device is not what a dm_op names */
	assert_int_equal(hc.args.sbdf, PT_SBDF_NONE);

	/* a range of several devices names none */
	sbdf++;
	memcpy(hc.raw + 32, &sbdf, 8);
	assert_int_equal(pt_hc_decode(&hc), 0);
	assert_int_equal(hc.args.vsbdf, PT_SBDF_NONE);

	/* encoded back, decoded again: the same */
	{
		struct pt_ev_hypercall e = { .op = 41, .cmd = 4 };

		pt_hc_args_clear(&e.args);
		e.args.domid = 7;
		e.args.ioservid = 3;
		e.args.range = 2;
		e.args.vsbdf = PT_SBDF(0, 0, 0x30);
		assert_int_equal(pt_hc_encode(&e, 0), 0);
		pt_hc_args_clear(&e.args);
		e.cmd = 0;
		assert_int_equal(pt_hc_decode(&e), 0);
		assert_int_equal(e.cmd, 4);
		assert_int_equal(e.args.domid, 7);
		assert_int_equal(e.args.ioservid, 3);
		assert_int_equal(e.args.vsbdf, PT_SBDF(0, 0, 0x30));
	}

	/* shorter than the op's struct: refused */
	hc.raw_len = 8 + 20;
	assert_int_equal(pt_hc_decode(&hc), -1);
}

/*
 * bind_pt_irq's MSI gflags, decoded field by field from Xen's own masks:
 * a guest's logical, lowest-priority, level-triggered vector to APIC 2,
 * masked; then the plain unmasked one QEMU binds most.
 */
static void test_msi_gflags(void **state)
{
	char buf[96];
	unsigned int g = 0x02 | XEN_DOMCTL_VMSI_X86_RH_MASK |
			 XEN_DOMCTL_VMSI_X86_DM_MASK | XEN_DOMCTL_VMSI_X86_TRIG_MASK |
			 (1u << 12);	/* delivery mode 1 */

	pt_msi_gflags_format(g, buf, sizeof(buf));
	assert_string_equal(buf, "dest=0x2 rh logical lowest-priority level masked");
	pt_msi_gflags_format(0x1 | XEN_DOMCTL_VMSI_X86_UNMASKED, buf, sizeof(buf));
	assert_string_equal(buf, "dest=0x1 physical fixed edge unmasked");
	/* delivery mode 7 sits at the top of the mask */
	pt_msi_gflags_format(XEN_DOMCTL_VMSI_X86_DELIV_MASK, buf, sizeof(buf));
	assert_string_equal(buf, "dest=0 physical extint edge masked");
	assert_true(pt_irq_type_is_msi(PT_IRQ_TYPE_MSI));
	assert_false(pt_irq_type_is_msi(PT_IRQ_TYPE_PCI));
	assert_true(pt_map_type_is_msi(MAP_PIRQ_TYPE_MULTI_MSI));
	assert_false(pt_map_type_is_msi(MAP_PIRQ_TYPE_GSI));
}

static void test_mapped_pirq(void **state)
{
	struct pt_event ev = { .hdr.type = PT_EV_HYPERCALL };

	ev.hc.op = __HYPERVISOR_physdev_op;
	ev.hc.cmd = PHYSDEVOP_map_pirq;
	pt_hc_args_clear(&ev.hc.args);
	ev.hc.args.map_type = MAP_PIRQ_TYPE_MSI;
	ev.hc.args.pirq = -1;
	assert_int_equal(pt_hc_mapped_pirq(&ev), -1);
	ev.hdr.flags = PT_EVF_HC_OUT;
	ev.hc.out = 87;
	assert_int_equal(pt_hc_mapped_pirq(&ev), 87);
	ev.hdr.flags = 0;
	ev.hc.args.pirq = 20;
	assert_int_equal(pt_hc_mapped_pirq(&ev), 20);
	ev.hc.cmd = PHYSDEVOP_unmap_pirq;
	assert_int_equal(pt_hc_mapped_pirq(&ev), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_pirq_layout),
		cmocka_unit_test(test_domctl_layouts),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_msi_gflags),
		cmocka_unit_test(test_result_offsets),
		cmocka_unit_test(test_mapped_pirq),
		cmocka_unit_test(test_dm_op_layout),
	};

	return cmocka_run_group_tests_name("xenhc", tests, NULL, NULL);
}
