// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Xen's and Linux's own views, parsed from real captures of the lab
 * (tests/data/lab/<checkpoint>/, saved by lab/guest/lib.sh) and from a
 * few hand-written lines for the forms the lab does not produce.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "pt_xenview.h"

#define LAB "tests/data/lab/"
#define NIC_A PT_SBDF(0, 0, 0x10)	/* 0000:00:02.0 e1000e */
#define NIC_B PT_SBDF(0, 0, 0x18)	/* 0000:00:03.0 e1000e */
#define NIC_C PT_SBDF(0, 0, 0x20)	/* 0000:00:04.0 e1000 */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static const struct pt_xv_row *find_row(const struct pt_xv_row *r, int n,
					__u32 sbdf, int domid, int xen_irq)
{
	for (int i = 0; i < n; i++)
		if (r[i].sbdf == sbdf && r[i].domid == domid &&
		    r[i].xen_irq == xen_irq)
			return &r[i];
	return NULL;
}

/* ------------------------------------------------------------ sbdf */

static void test_sbdf(void **state)
{
	__u32 s;

	assert_int_equal(pt_xv_parse_sbdf("0000:00:02.0", &s), 0);
	assert_int_equal(s, NIC_A);
	assert_int_equal(pt_xv_parse_sbdf("00:04.0", &s), 0);
	assert_int_equal(s, NIC_C);
	assert_int_equal(pt_xv_parse_sbdf("0001:3a:1f.7", &s), 0);
	assert_int_equal(s, PT_SBDF(1, 0x3a, 0xff));
	assert_int_equal(pt_xv_parse_sbdf("IRQ:", &s), -EINVAL);
	assert_int_equal(pt_xv_parse_sbdf("00:20.0", &s), -EINVAL);
}

/* ------------------------------------------------------ debug key i */

static void test_xen_irqs_dom0(void **state)
{
	char *t = slurp(LAB "dom0-probed/xen-i.txt");
	struct pt_xv_xen_irq *x = NULL;
	struct pt_xv_view v = { 0 };
	const struct pt_xv_xen_irq *i;
	size_t n = 0;

	/* 27 "IRQ:" lines; IO-APIC, MSI and vector sections are skipped */
	assert_int_equal(pt_xv_parse_xen_irqs(t, &x, &n), 27);
	assert_int_equal(n, 27);
	v.xen_irqs = x;
	v.nxen_irqs = n;

	i = pt_xv_xen_irq(&v, 0);
	assert_non_null(i);
	assert_int_equal(i->kind, PT_XV_IRQ_XEN);
	assert_string_equal(i->handler, "arch/x86/time.c#timer_interrupt()");
	assert_string_equal(i->chip, "IO-APIC-edge");

	i = pt_xv_xen_irq(&v, 9);
	assert_int_equal(i->kind, PT_XV_IRQ_GUEST);
	assert_int_equal(i->vector, 0x68);
	assert_int_equal(i->status, 0x030);
	assert_int_equal(i->nguests, 1);
	assert_int_equal(i->guests[0].domid, 0);
	assert_int_equal(i->guests[0].pirq, 9);

	i = pt_xv_xen_irq(&v, 22);
	assert_int_equal(i->kind, PT_XV_IRQ_UNBOUND);
	assert_string_equal(i->chip, "IO-APIC-level");

	/* dom0's e1000e: Xen irqs 27-29 = dom0 pirqs 413-411 */
	i = pt_xv_xen_irq(&v, 27);
	assert_string_equal(i->chip, "PCI-MSI/-X");
	assert_int_equal(i->vector, 0xd8);
	assert_int_equal(i->in_flight, 0);
	assert_int_equal(i->guests[0].pirq, 413);
	assert_false(i->guests[0].evtchn_pending);
	assert_false(i->guests[0].evtchn_masked);
	assert_false(i->guests[0].pirq_masked);
	assert_int_equal(pt_xv_xen_irq(&v, 29)->guests[0].pirq, 411);

	/* 00:03.0: probed, not opened: mapped but unbound */
	assert_int_equal(pt_xv_xen_irq(&v, 30)->kind, PT_XV_IRQ_UNBOUND);
	assert_null(pt_xv_xen_irq(&v, 33));
	free(x);
	free(t);
}

static void test_xen_irqs_guests(void **state)
{
	static const char t[] =
		"(XEN) [  123.456789]    IRQ:  22 vec:d0 IO-APIC-level   "
		"status=010 aff:{0-1}/{0-1} in-flight=1 d0: 22(-M-),d3: 55(PMM)\n"
		"   IRQ:  40 vec:59 PCI-MSI         status=002 aff:{0}/{0} "
		"mapped, unbound\n"
		"(XEN)     IRQ 22 Vec208:\n"
		"garbage\n";
	struct pt_xv_xen_irq *x = NULL;
	size_t n = 0;

	assert_int_equal(pt_xv_parse_xen_irqs(t, &x, &n), 2);
	assert_int_equal(x[0].irq, 22);
	assert_int_equal(x[0].in_flight, 1);
	assert_int_equal(x[0].nguests, 2);
	assert_int_equal(x[0].guests[0].domid, 0);
	assert_int_equal(x[0].guests[0].pirq, 22);
	assert_false(x[0].guests[0].evtchn_pending);
	assert_true(x[0].guests[0].evtchn_masked);
	assert_false(x[0].guests[0].pirq_masked);
	assert_int_equal(x[0].guests[1].domid, 3);
	assert_int_equal(x[0].guests[1].pirq, 55);
	assert_true(x[0].guests[1].evtchn_pending);
	assert_true(x[0].guests[1].evtchn_masked);
	assert_true(x[0].guests[1].pirq_masked);
	assert_int_equal(x[1].kind, PT_XV_IRQ_UNBOUND);
	assert_string_equal(x[1].chip, "PCI-MSI");
	assert_int_equal(x[1].in_flight, PT_NONE);
	free(x);
}

/* ------------------------------------------------------ debug key M */

static void test_xen_msis(void **state)
{
	char *t = slurp(LAB "dom0-probed/xen-M.txt");
	struct pt_xv_xen_msi *m = NULL;
	struct pt_xv_view v = { 0 };
	const struct pt_xv_xen_msi *e;
	size_t n = 0;

	assert_int_equal(pt_xv_parse_xen_msis(t, &m, &n), 9);
	v.xen_msis = m;
	v.nxen_msis = n;

	e = pt_xv_xen_msi(&v, 24);
	assert_string_equal(e->type, "IOMMU");
	assert_int_equal(e->hw_masked, PT_NONE);	/* "?" */

	e = pt_xv_xen_msi(&v, 27);			/* dom0's, in use */
	assert_string_equal(e->type, "MSI-X");
	assert_int_equal(e->vector, 0xd8);
	assert_int_equal(e->maskbit, 1);
	assert_false(e->host_masked);
	assert_false(e->guest_masked);
	assert_int_equal(e->hw_masked, 0);

	e = pt_xv_xen_msi(&v, 31);			/* probed, never opened */
	assert_true(e->host_masked);
	assert_true(e->guest_masked);
	assert_int_equal(e->hw_masked, 1);
	free(m);
	free(t);
}

/* ------------------------------------------------------ debug key Q */

static void test_xen_pdevs(void **state)
{
	char *t = slurp(LAB "dom0-probed/xen-Q.txt");
	char *q = slurp(LAB "assignable/xen-Q.txt");
	struct pt_xv_xen_pdev *p = NULL;
	size_t n = 0;

	assert_int_equal(pt_xv_parse_xen_pdevs(t, &p, &n), 8);
	/* listed from the highest BDF down */
	assert_int_equal(p[0].sbdf, PT_SBDF(0, 0, 0xfb));
	assert_int_equal(p[5].sbdf, NIC_A);
	assert_int_equal(p[5].domid, 0);
	assert_false(p[5].quarantined);
	assert_int_equal(p[5].node, -1);
	assert_int_equal(p[5].nmsi, 3);
	assert_int_equal(p[5].msi_irqs[0], 27);
	assert_int_equal(p[5].msi_irqs[2], 29);
	assert_int_equal(p[3].sbdf, NIC_C);
	assert_int_equal(p[3].nmsi, 0);
	free(p);
	p = NULL;
	n = 0;

	/* after xl pci-assignable-add: quarantined, owned by dom_io */
	assert_int_equal(pt_xv_parse_xen_pdevs(q, &p, &n), 8);
	assert_int_equal(p[5].sbdf, NIC_A);
	assert_true(p[5].quarantined);
	assert_int_equal(p[5].domid, PT_NONE);
	assert_string_equal(p[5].owner, "DomIO:8001");
	assert_int_equal(p[5].nmsi, 0);
	free(p);
	free(q);
	free(t);
}

/* ------------------------------------------------- /proc/interrupts */

static void test_proc_interrupts(void **state)
{
	char *t = slurp(LAB "dom0-probed/proc-interrupts.txt");
	struct pt_xv_linux_irq *l = NULL;
	size_t n = 0;
	const struct pt_xv_linux_irq *e = NULL;

	assert_int_equal(pt_xv_parse_proc_interrupts(t, &l, &n), 27);
	for (size_t i = 0; i < n; i++)
		if (l[i].irq == 44)
			e = &l[i];
	assert_non_null(e);
	assert_string_equal(e->chip, "xen-pirq");
	assert_string_equal(e->flow, "msi-x");
	assert_string_equal(e->actions, "eth0-rx-0");
	assert_int_equal(e->count, 4);
	assert_int_equal(l[0].irq, 1);
	assert_string_equal(l[0].flow, "ioapic-edge");
	assert_string_equal(l[0].actions, "i8042");
	free(l);
	free(t);

	/* a native kernel's lines, and an irq without handlers */
	static const char native[] =
		"            CPU0       CPU1       CPU2\n"
		"   0:         38          0          0   IO-APIC   2-edge      timer\n"
		"  44:          1          2          3  IR-PCI-MSIX-0000:00:02.0    0-edge      eth0-rx-0\n"
		"  47:          0          0          0  xen-pirq    -msi-x\n"
		" NMI:          0          0          0   Non-maskable interrupts\n";
	l = NULL;
	n = 0;
	assert_int_equal(pt_xv_parse_proc_interrupts(native, &l, &n), 3);
	assert_string_equal(l[0].chip, "IO-APIC");
	assert_string_equal(l[0].flow, "edge");
	assert_string_equal(l[0].actions, "timer");
	assert_int_equal(l[1].count, 6);
	assert_string_equal(l[1].chip, "IR-PCI-MSIX-0000:00:02.0");
	assert_string_equal(l[1].actions, "eth0-rx-0");
	assert_string_equal(l[2].flow, "msi-x");
	assert_string_equal(l[2].actions, "");
	free(l);
}

/* --------------------------------------------------------- lspci -vv */

static void test_lspci(void **state)
{
	char *t = slurp(LAB "dom0-probed/lspci-vv.txt");
	char *a = slurp(LAB "assignable/lspci-vv.txt");
	struct pt_xv_pci *p = NULL;
	struct pt_xv_view v = { 0 };
	const struct pt_xv_pci *d;
	size_t n = 0;

	assert_int_equal(pt_xv_parse_lspci(t, &p, &n), 8);
	v.pcis = p;
	v.npcis = n;
	d = pt_xv_pci(&v, NIC_A);
	assert_non_null(d);
	assert_int_equal(d->intx_irq, 22);
	assert_int_equal(d->has_msi, 1);
	assert_int_equal(d->msi_enabled, 0);
	assert_int_equal(d->has_msix, 1);
	assert_int_equal(d->msix_enabled, 1);
	assert_int_equal(d->msix_maskall, 0);
	assert_int_equal(d->msix_count, 5);
	d = pt_xv_pci(&v, NIC_C);		/* e1000: INTx only */
	assert_int_equal(d->has_msi, 0);
	assert_int_equal(d->has_msix, 0);
	assert_int_equal(d->msix_enabled, PT_NONE);
	assert_int_equal(d->msix_maskall, PT_NONE);
	free(p);
	p = NULL;
	n = 0;

	/* held by pciback: MSI-X disabled again */
	assert_int_equal(pt_xv_parse_lspci(a, &p, &n), 8);
	v.pcis = p;
	v.npcis = n;
	assert_int_equal(pt_xv_pci(&v, NIC_A)->msix_enabled, 0);
	free(p);
	free(a);
	free(t);
}

static void test_msi_irqs(void **state)
{
	static const char t[] =
		"/sys/bus/pci/devices/0000:00:02.0/msi_irqs/45:msix\n"
		"/sys/bus/pci/devices/0000:00:02.0/msi_irqs/44:msix\n"
		"0000:00:05.0/msi_irqs/50:msi\n"
		"/sys/bus/pci/devices/0000:00:02.0/irq:22\n";
	struct pt_xv_msi_irq *m = NULL;
	size_t n = 0;

	assert_int_equal(pt_xv_parse_msi_irqs(t, &m, &n), 3);
	assert_int_equal(m[0].sbdf, NIC_A);
	assert_int_equal(m[0].irq, 45);
	assert_true(m[0].msix);
	assert_int_equal(m[2].sbdf, PT_SBDF(0, 0, 0x28));
	assert_false(m[2].msix);
	free(m);
}

/* -------------------------------------------------------------- rows */

static void test_rows_dom0(void **state)
{
	static const char msi[] =
		"/sys/bus/pci/devices/0000:00:02.0/msi_irqs/44:msix\n"
		"/sys/bus/pci/devices/0000:00:02.0/msi_irqs/45:msix\n"
		"/sys/bus/pci/devices/0000:00:02.0/msi_irqs/46:msix\n";
	struct pt_xv_view v = { 0 };
	struct pt_xv_row *rows;
	const struct pt_xv_row *r;
	char *json;
	int n;

	assert_int_equal(pt_xv_load_dir(&v, LAB "dom0-probed"), 0);
	assert_int_equal(pt_xv_parse_msi_irqs(msi, &v.msi_irqs,
					      &v.nmsi_irqs), 3);
	n = pt_xv_rows(&v, &rows);
	/* virtio-9p 2 + e1000e 3 + e1000e 3 MSI-X rows; the INTx pins
	 * dom0 bound (ACPI's GSI 9) belong to no listed device */
	assert_int_equal(n, 8);

	r = find_row(rows, n, NIC_A, 0, 27);
	assert_non_null(r);
	assert_int_equal(r->irq, 44);
	assert_int_equal(r->entry, 0);
	assert_int_equal(r->pirq, 413);
	assert_int_equal(r->gsi, PT_NONE);
	assert_int_equal(r->evtchn, PT_NONE);
	assert_int_equal(r->msix_enabled, 1);
	assert_int_equal(r->maskall, 0);
	assert_int_equal(r->masked, 0);
	r = find_row(rows, n, NIC_A, 0, 29);
	assert_int_equal(r->irq, 46);
	assert_int_equal(r->entry, 2);
	assert_int_equal(r->pirq, 411);

	/* 00:03.0 probed, not opened: Xen masked, no pirq bound, and no
	 * msi_irqs given for it, so no Linux irq */
	r = find_row(rows, n, NIC_B, 0, 30);
	assert_non_null(r);
	assert_int_equal(r->pirq, PT_NONE);
	assert_int_equal(r->irq, PT_NONE);
	assert_int_equal(r->masked, 1);
	assert_int_equal(r->bound, 0);
	/* Xen's own mask: "mask=1/HG/1", masked by Xen and for the guest */
	assert_int_equal(r->xen_masked, 1);
	assert_int_equal(find_row(rows, n, NIC_A, 0, 27)->bound, 1);
	assert_int_equal(find_row(rows, n, NIC_A, 0, 27)->xen_masked, 0);

	json = pt_xv_rows_json(rows, (size_t)n);
	assert_non_null(json);
	assert_non_null(strstr(json, "{\"sbdf\":\"0000:00:02.0\",\"gsi\":null,"
				     "\"irq\":44,\"pirq\":413,\"evtchn\":null,"
				     "\"domid\":0,\"msix_enabled\":true,"
				     "\"maskall\":false,\"entry\":0,"
				     "\"masked\":false,\"xen_irq\":27,"
				     "\"bound\":true,\"xen_masked\":false}"));
	free(json);
	free(rows);
	pt_xv_view_free(&v);
}

/*
 * A PV domU (domain 1) owns 00:02.0 and enabled MSI-X: pciback mapped the
 * guest's pirqs 55-53 in dom0 as Linux irqs 50-52 (Xen irqs 27-29).
 */
static void test_rows_guest(void **state)
{
	struct pt_xv_view v = { 0 };
	struct pt_xv_row *rows;
	const struct pt_xv_row *r;
	int n;

	assert_int_equal(pt_xv_load_dir(&v, LAB "guest-msix"), 0);
	n = pt_xv_rows(&v, &rows);
	assert_int_equal(n, 8);
	assert_null(find_row(rows, n, NIC_A, 0, 27));
	for (int k = 0; k < 3; k++) {
		r = find_row(rows, n, NIC_A, 1, 27 + k);
		assert_non_null(r);
		assert_int_equal(r->pirq, 55 - k);
		assert_int_equal(r->irq, 50 + k);
		assert_int_equal(r->entry, k);
		assert_int_equal(r->msix_enabled, 1);
		assert_int_equal(r->maskall, 0);
		assert_int_equal(r->masked, 0);
	}
	/* the guest's NIC from dom0's side of /proc/interrupts: nothing,
	 * pciback requests no handler for it */
	for (size_t i = 0; i < v.nlinux_irqs; i++)
		assert_int_not_equal(v.linux_irqs[i].irq, 50);
	free(rows);
	pt_xv_view_free(&v);

	/* after xl destroy: MSI-X off, Xen lists no MSIs, no rows for it */
	assert_int_equal(pt_xv_load_dir(&v, LAB "guest-destroyed"), 0);
	assert_int_equal(pt_xv_pci(&v, NIC_A)->msix_enabled, 0);
	n = pt_xv_rows(&v, &rows);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(rows[i].sbdf, NIC_A);
	free(rows);
	pt_xv_view_free(&v);
}

/*
 * The e1000 (INTx only, GSI 20) in PV domU 2: Xen's IO-APIC irq 20 is
 * bound by dom0 (pciback's handler) and by the guest, both as pirq 20.
 */
static void test_rows_guest_intx(void **state)
{
	struct pt_xv_view v = { 0 };
	struct pt_xv_row *rows;
	const struct pt_xv_row *r;
	int n;

	assert_int_equal(pt_xv_load_dir(&v, LAB "guest-intx"), 0);
	assert_int_equal(pt_xv_pci(&v, NIC_C)->intx_irq, 20);
	assert_int_equal(pt_xv_pci(&v, NIC_C)->has_msi, 0);
	n = pt_xv_rows(&v, &rows);
	assert_true(n > 2);
	r = find_row(rows, n, NIC_C, 2, 20);
	assert_non_null(r);
	assert_int_equal(r->gsi, 20);
	assert_int_equal(r->pirq, 20);
	assert_int_equal(r->irq, PT_NONE);
	assert_int_equal(r->msix_enabled, PT_NONE);
	assert_int_equal(r->masked, 0);
	r = find_row(rows, n, NIC_C, 0, 20);
	assert_non_null(r);
	assert_int_equal(r->irq, 20);
	/* the MSI-X NICs are back in dom0, not opened: Xen-masked */
	r = find_row(rows, n, NIC_A, 0, 27);
	assert_non_null(r);
	assert_int_equal(r->irq, 44);
	assert_int_equal(r->masked, 1);
	free(rows);
	pt_xv_view_free(&v);
}

static void test_rows_intx(void **state)
{
	static const char i[] =
		"(XEN)    IRQ:  22 vec:d0 IO-APIC-level   status=010 "
		"aff:{0-1}/{0-1} in-flight=0 d0: 22(---),d2: 51(--M)\n";
	static const char l[] =
		"0000:00:04.0 Ethernet controller: Intel Corporation 82540EM\n"
		"\tInterrupt: pin A routed to IRQ 22\n";
	struct pt_xv_view v = { 0 };
	struct pt_xv_row *rows;
	int n;

	assert_int_equal(pt_xv_parse_xen_irqs(i, &v.xen_irqs,
					      &v.nxen_irqs), 1);
	assert_int_equal(pt_xv_parse_lspci(l, &v.pcis, &v.npcis), 1);
	n = pt_xv_rows(&v, &rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].sbdf, NIC_C);
	assert_int_equal(rows[0].domid, 0);
	assert_int_equal(rows[0].gsi, 22);
	assert_int_equal(rows[0].irq, 22);
	assert_int_equal(rows[0].pirq, 22);
	assert_int_equal(rows[0].masked, 0);
	assert_int_equal(rows[0].msix_enabled, PT_NONE);
	assert_int_equal(rows[1].domid, 2);
	assert_int_equal(rows[1].pirq, 51);
	assert_int_equal(rows[1].irq, PT_NONE);
	assert_int_equal(rows[1].masked, 1);
	assert_int_equal(rows[1].bound, 1);
	free(rows);
	pt_xv_view_free(&v);
}

static void test_empty(void **state)
{
	struct pt_xv_view v = { 0 };
	struct pt_xv_row *rows;
	char *json;

	assert_int_equal(pt_xv_load_dir(&v, LAB "no-such-dir"), 0);
	assert_int_equal(pt_xv_rows(&v, &rows), 0);
	json = pt_xv_rows_json(rows, 0);
	assert_string_equal(json, "[]");
	free(json);
	free(rows);
	assert_int_equal(pt_xv_parse_xen_irqs(NULL, &v.xen_irqs,
					      &v.nxen_irqs), 0);
	assert_int_equal(pt_xv_parse_xen_irqs("", &v.xen_irqs,
					      &v.nxen_irqs), 0);
	pt_xv_view_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbdf),
		cmocka_unit_test(test_xen_irqs_dom0),
		cmocka_unit_test(test_xen_irqs_guests),
		cmocka_unit_test(test_xen_msis),
		cmocka_unit_test(test_xen_pdevs),
		cmocka_unit_test(test_proc_interrupts),
		cmocka_unit_test(test_lspci),
		cmocka_unit_test(test_msi_irqs),
		cmocka_unit_test(test_rows_dom0),
		cmocka_unit_test(test_rows_guest),
		cmocka_unit_test(test_rows_guest_intx),
		cmocka_unit_test(test_rows_intx),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
