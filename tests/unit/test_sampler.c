// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The MSI-X table sampler on a sysfs-like tree of files (the host root of
 * lib/host.h): it reads only devices bound to pciback, reports each
 * entry's bit once, then only changes, and the Message Control word when
 * it changes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "collect/msix_sampler.h"
#include "lib/host.h"

#define NENT		5
#define TBL_OFF		0x2000
#define CAP		0xa0
#define PM		0x60	/* power management capability */

static char root[64];

struct seen {
	int ctrl, vmask;
	__u32 sbdf[32];
	int entry[32], masked[32];
	__u16 ctrl_value;
};

static void record(const struct pt_event *ev, void *arg)
{
	struct seen *s = arg;

	if (ev->hdr.type == PT_EV_MSIX_CTRL) {
		s->ctrl++;
		s->ctrl_value = ev->msix_ctrl.value;
		assert_int_equal(ev->msix_ctrl.view, PT_VIEW_TABLE);
		return;
	}
	assert_int_equal(ev->hdr.type, PT_EV_VECTOR_MASK);
	assert_int_equal(ev->vmask.view, PT_VIEW_TABLE);
	assert_true(s->vmask < 32);
	s->sbdf[s->vmask] = ev->hdr.sbdf;
	s->entry[s->vmask] = ev->vmask.entry;
	s->masked[s->vmask] = ev->vmask.masked;
	s->vmask++;
}

static void path(char *buf, size_t len, const char *fmt, const char *bdf)
{
	int n = snprintf(buf, len, "%s", root);

	snprintf(buf + n, len - n, fmt, bdf);
}

static void write_file(const char *p, const void *data, size_t len, off_t off)
{
	int fd = open(p, O_WRONLY | O_CREAT, 0644);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, off), (ssize_t)len);
	close(fd);
}

/* An e1000e-like function: MSI-X with NENT entries in BAR 0, all masked. */
static void make_dev(const char *bdf)
{
	char p[256];
	__u8 cfg[256] = { 0 }, bar[0x4000] = { 0 };
	__u16 ctrl = 0x8000 | (NENT - 1);
	__u32 bar0 = 0xfebc0000, tbl = TBL_OFF, one = 1;

	path(p, sizeof(p), "/sys/bus/pci/devices/%s", bdf);
	assert_int_equal(mkdir(p, 0755), 0);
	cfg[4] = 0x06;				/* command: memory, bus master */
	cfg[6] = 0x10;				/* status: capability list */
	memcpy(cfg + 0x10, &bar0, 4);
	cfg[0x34] = CAP;
	cfg[CAP] = 0x11;
	cfg[CAP + 1] = PM;
	cfg[PM] = 0x01;				/* PMCSR (PM + 4): D0 */
	memcpy(cfg + CAP + 2, &ctrl, 2);
	memcpy(cfg + CAP + 4, &tbl, 4);
	for (int e = 0; e < NENT; e++)
		memcpy(bar + TBL_OFF + 16 * e + 12, &one, 4);
	path(p, sizeof(p), "/sys/bus/pci/devices/%s/config", bdf);
	write_file(p, cfg, sizeof(cfg), 0);
	path(p, sizeof(p), "/sys/bus/pci/devices/%s/resource0", bdf);
	write_file(p, bar, sizeof(bar), 0);
}

/* The device's driver link, as sysfs has it; NULL: no driver. */
static void driver_link(const char *bdf, const char *drv)
{
	char p[256], target[128];

	path(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", bdf);
	unlink(p);
	if (!drv)
		return;
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", drv);
	assert_int_equal(symlink(target, p), 0);
}

static void pciback(const char *bdf, bool bound)
{
	char p[256];

	path(p, sizeof(p), "/sys/bus/pci/drivers/pciback/%s", bdf);
	if (bound)
		write_file(p, "", 0, 0);
	else
		assert_int_equal(unlink(p), 0);
	driver_link(bdf, bound ? "pciback" : NULL);
}

static void set_cfg16(const char *bdf, off_t off, __u16 v)
{
	char p[256];

	path(p, sizeof(p), "/sys/bus/pci/devices/%s/config", bdf);
	write_file(p, &v, 2, off);
}

static void set_vctrl(const char *bdf, int entry, __u32 v)
{
	char p[256];

	path(p, sizeof(p), "/sys/bus/pci/devices/%s/resource0", bdf);
	write_file(p, &v, 4, TBL_OFF + 16 * entry + 12);
}

static void set_ctrl(const char *bdf, __u16 v)
{
	char p[256];

	path(p, sizeof(p), "/sys/bus/pci/devices/%s/config", bdf);
	write_file(p, &v, 2, CAP + 2);
}

static int setup(void **state)
{
	char p[256];

	snprintf(root, sizeof(root), "/tmp/pt-sampler-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices", root);
	{
		char cmd[640];

		snprintf(cmd, sizeof(cmd), "mkdir -p %s %s/sys/bus/pci/drivers/pciback",
			 p, root);
		assert_int_equal(system(cmd), 0);
	}
	pt_host_set_root(root);
	make_dev("0000:00:02.0");
	make_dev("0000:00:03.0");
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	pt_host_set_root(NULL);
	return system(cmd);
}

#define DEV_A	PT_SBDF(0, 0, 0x10)	/* 0000:00:02.0 */

static void test_pciback_only(void **state)
{
	struct pt_msix_sampler *s;
	struct seen seen = { 0 };
	__u32 only_b = PT_SBDF(0, 0, 0x18);	/* 0000:00:03.0 */

	/* nothing bound to pciback: nothing read, even a named device */
	s = pt_msix_sampler_new(&only_b, 1);
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 0);
	pt_msix_sampler_free(s);

	pciback("0000:00:02.0", true);
	/* named, but not the one pciback holds: still nothing */
	s = pt_msix_sampler_new(&only_b, 1);
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 0);
	assert_int_equal(pt_msix_sampler_devices(s, NULL), 0);
	pt_msix_sampler_free(s);
	assert_int_equal(seen.ctrl + seen.vmask, 0);

	/* every pciback device: A only, its control word and each entry */
	s = pt_msix_sampler_new(NULL, 0);
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 1 + NENT);
	assert_int_equal(pt_msix_sampler_devices(s, NULL), 1);
	assert_int_equal(seen.ctrl, 1);
	assert_int_equal(seen.ctrl_value, 0x8000 | (NENT - 1));
	for (int i = 0; i < NENT; i++) {
		assert_int_equal(seen.sbdf[i], DEV_A);
		assert_int_equal(seen.entry[i], i);
		assert_int_equal(seen.masked[i], 1);
	}

	/* unchanged: nothing; entry 2 unmasked, then MASKALL: one each */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 0);
	set_vctrl("0000:00:02.0", 2, 0);
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 1);
	assert_int_equal(seen.entry[0], 2);
	assert_int_equal(seen.masked[0], 0);
	/* all ones (in reset) is no state */
	set_vctrl("0000:00:02.0", 3, 0xffffffffu);
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 0);
	set_ctrl("0000:00:02.0", 0xc000 | (NENT - 1));
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 1);
	assert_int_equal(seen.ctrl, 1);
	assert_int_equal(seen.ctrl_value, 0xc000 | (NENT - 1));

	/*
	 * Not read while the device cannot answer: memory decoding off, or
	 * in D3hot (a guest can put it there); the change is seen after.
	 */
	memset(&seen, 0, sizeof(seen));
	set_cfg16("0000:00:02.0", 4, 0x0004);
	set_vctrl("0000:00:02.0", 2, 1);
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 0);
	set_cfg16("0000:00:02.0", 4, 0x0006);
	set_cfg16("0000:00:02.0", PM + 4, 0x0003);
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 0);
	set_cfg16("0000:00:02.0", PM + 4, 0x0000);
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 1);
	assert_int_equal(seen.entry[0], 2);
	assert_int_equal(seen.masked[0], 1);

	/* rebound to a dom0 driver behind pciback's list: not read */
	memset(&seen, 0, sizeof(seen));
	driver_link("0000:00:02.0", "e1000e");
	set_vctrl("0000:00:02.0", 2, 0);
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 0);
	driver_link("0000:00:02.0", "pciback");

	/* unbound from pciback: dropped, nothing read any more */
	pciback("0000:00:02.0", false);
	set_vctrl("0000:00:02.0", 2, 1);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(pt_msix_sampler_run(s, record, &seen), 0);
	assert_int_equal(pt_msix_sampler_devices(s, NULL), 0);
	pt_msix_sampler_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pciback_only, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
