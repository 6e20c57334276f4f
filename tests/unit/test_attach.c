// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The planner's attach-kind decision: a module function never gets a
 * BPF trampoline (which would hold the module) unless the user opts in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "pt_attach.h"

#define FK	(PT_ATTACH_FENTRY | PT_ATTACH_KPROBE)

/* A kernel where everything works: fentry, kprobes, BTF with the name. */
static struct pt_attach_env full(bool in_module, bool pin)
{
	return (struct pt_attach_env){
		.allowed = FK, .in_module = in_module, .pin_modules = pin,
		.fentry = true, .exact_btf = true, .kprobes = true,
	};
}

/* Without BPF cookies on kprobes (before 5.15), fentry for vmlinux. */
static void test_vmlinux_prefers_fentry(void **state)
{
	struct pt_attach_env e = full(false, false);

	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_FENTRY);
	assert_false(pt_attach_would_pin(&e));
	/* a compiler clone (not the exact name in BTF) takes a kprobe */
	e.exact_btf = false;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_KPROBE);
	/* --no-fentry */
	e = full(false, false);
	e.fentry = false;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_KPROBE);
	e.kprobes = false;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_NONE);
}

/*
 * With BPF cookies one verified kprobe program serves every vmlinux
 * function, so start-up verifies two programs instead of one per hook:
 * kprobes win over fentry.  --pin-modules still gives module functions
 * fentry, and a kernel without kprobes falls back to fentry.
 */
static void test_shared_kprobes_win_when_cookies(void **state)
{
	struct pt_attach_env e = full(false, false);

	e.kprobe_shared = true;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_KPROBE);
	e.allowed = PT_ATTACH_FENTRY;		/* a row that only allows fentry */
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_FENTRY);
	e = full(false, false);
	e.kprobe_shared = true;
	e.kprobes = false;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_FENTRY);
	e = full(true, true);			/* a module, --pin-modules */
	e.kprobe_shared = true;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_FENTRY);
	e = full(true, false);			/* a module, by default */
	e.kprobe_shared = true;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_KPROBE);
	assert_false(pt_attach_would_pin(&(struct pt_attach_env){ .allowed = FK,
		.in_module = false, .fentry = true, .exact_btf = true,
		.kprobes = true, .kprobe_shared = true }));
}

static void test_module_gets_kprobe_by_default(void **state)
{
	struct pt_attach_env e = full(true, false);

	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_KPROBE);
	/* no kprobes: missing rather than pinning the module */
	e.kprobes = false;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_NONE);
	assert_true(pt_attach_would_pin(&e));
	/* a row that only allows fentry is not attached either */
	e = full(true, false);
	e.allowed = PT_ATTACH_FENTRY;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_NONE);
}

static void test_pin_modules_opt_in(void **state)
{
	struct pt_attach_env e = full(true, true);

	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_FENTRY);
	assert_false(pt_attach_would_pin(&e));
	/* opting in does not make fentry work where it cannot */
	e.exact_btf = false;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_KPROBE);
	e = full(true, true);
	e.fentry = false;
	assert_int_equal(pt_attach_choose(&e), PT_ATTACH_KPROBE);
}

/* Every combination: a module function without the opt-in is never fentry. */
static void test_never_pins_unasked(void **state)
{
	for (unsigned int bits = 0; bits < 64; bits++) {
		struct pt_attach_env e = {
			.allowed = bits & 3, .in_module = bits & 4,
			.pin_modules = bits & 8, .fentry = bits & 16,
			.exact_btf = bits & 32, .kprobes = true,
		};
		enum pt_attach k = pt_attach_choose(&e);

		if (e.in_module && !e.pin_modules)
			assert_int_not_equal(k, PT_ATTACH_FENTRY);
		if (k == PT_ATTACH_FENTRY)
			assert_true(e.fentry && e.exact_btf &&
				    (e.allowed & PT_ATTACH_FENTRY));
		if (k != PT_ATTACH_NONE)
			assert_true(e.allowed & k);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmlinux_prefers_fentry),
		cmocka_unit_test(test_shared_kprobes_win_when_cookies),
		cmocka_unit_test(test_module_gets_kprobe_by_default),
		cmocka_unit_test(test_pin_modules_opt_in),
		cmocka_unit_test(test_never_pins_unasked),
	};

	return cmocka_run_group_tests_name("attach", tests, NULL, NULL);
}
