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
		cmocka_unit_test(test_result_offsets),
		cmocka_unit_test(test_mapped_pirq),
	};

	return cmocka_run_group_tests_name("xenhc", tests, NULL, NULL);
}
