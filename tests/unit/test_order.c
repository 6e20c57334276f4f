// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Time order: the reorder window puts exit-time, multi-CPU events back in
 * timestamp order before the model, keeps memory bounded, and counts what
 * it could not put right.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "pt_model.h"
#include "pt_order.h"

#define MS	1000000ull

static struct pt_evref ev(__u64 ts, unsigned long line)
{
	struct pt_evref e;

	memset(&e, 0, sizeof(e));
	e.ev.hdr.ts_ns = ts;
	e.ev.hdr.type = PT_EV_PCI_RESET;
	e.line = line;
	return e;
}

/* Push, then take everything due: what a reader does after each line. */
static size_t push_pop(struct pt_order *o, __u64 ts, unsigned long line,
		       unsigned long *out, size_t n)
{
	struct pt_evref e = ev(ts, line);

	assert_int_equal(pt_order_push(o, &e), 0);
	while (pt_order_pop(o, &e, false))
		out[n++] = e.line;
	return n;
}

static size_t drain(struct pt_order *o, unsigned long *out, size_t n)
{
	struct pt_evref e;

	while (pt_order_pop(o, &e, true))
		out[n++] = e.line;
	return n;
}

/* A nested reset written inner-first comes out outer-first. */
static void test_sorted_within_window(void **state)
{
	struct pt_order *o = pt_order_new(10 * MS, 0);
	unsigned long got[8];
	size_t n = 0;

	n = push_pop(o, 103, 1, got, n);	/* pm, innermost */
	n = push_pop(o, 102, 2, got, n);	/* function_locked */
	n = push_pop(o, 100, 3, got, n);	/* function, outermost */
	assert_int_equal(n, 0);			/* all within the window */
	assert_int_equal(pt_order_held(o), 3);
	n = drain(o, got, n);
	assert_int_equal(n, 3);
	assert_int_equal(got[0], 3);
	assert_int_equal(got[1], 2);
	assert_int_equal(got[2], 1);
	assert_int_equal(pt_order_stats(o)->reordered, 2);
	assert_int_equal(pt_order_stats(o)->late, 0);
	assert_int_equal(pt_order_stats(o)->max_lag_ns, 3);
	pt_order_free(o);
}

/* Released once the newest is more than the window past them, not before. */
static void test_release_after_window(void **state)
{
	struct pt_order *o = pt_order_new(10 * MS, 0);
	unsigned long got[8];
	size_t n = 0;

	n = push_pop(o, 0, 1, got, n);
	n = push_pop(o, 10 * MS, 2, got, n);
	assert_int_equal(n, 0);			/* exactly the window: held */
	n = push_pop(o, 10 * MS + 1, 3, got, n);
	assert_int_equal(n, 1);
	assert_int_equal(got[0], 1);
	assert_int_equal(pt_order_held(o), 2);
	pt_order_free(o);
}

/* Equal timestamps keep log order; an ordered log comes out unchanged. */
static void test_stable(void **state)
{
	struct pt_order *o = pt_order_new(5, 0);
	unsigned long got[16];
	size_t n = 0;
	const __u64 ts[] = { 1, 1, 1, 2, 9, 9, 30, 31 };

	for (size_t i = 0; i < 8; i++)
		n = push_pop(o, ts[i], i + 1, got, n);
	n = drain(o, got, n);
	assert_int_equal(n, 8);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(got[i], i + 1);
	assert_int_equal(pt_order_stats(o)->reordered, 0);
	pt_order_free(o);
}

/* Older than an event already released: out at once, and counted. */
static void test_late_counted(void **state)
{
	struct pt_order *o = pt_order_new(10, 0);
	unsigned long got[8];
	size_t n = 0;

	n = push_pop(o, 100, 1, got, n);
	n = push_pop(o, 200, 2, got, n);	/* releases line 1 */
	assert_int_equal(n, 1);
	n = push_pop(o, 50, 3, got, n);		/* 50 ns before line 1 */
	assert_int_equal(n, 2);
	assert_int_equal(got[1], 3);
	assert_int_equal(pt_order_stats(o)->late, 1);
	assert_int_equal(pt_order_stats(o)->max_late_ns, 50);
	assert_int_equal(pt_order_stats(o)->first_late_line, 3);
	pt_order_free(o);
}

/* Memory is bounded: a full buffer releases its oldest early. */
static void test_bounded(void **state)
{
	struct pt_order *o = pt_order_new(1000 * MS, 4);
	unsigned long got[16];
	size_t n = 0;

	for (unsigned long i = 0; i < 10; i++) {
		n = push_pop(o, i, i + 1, got, n);
		assert_true(pt_order_held(o) < 4);
	}
	/* one slot stays free for the next push */
	assert_int_equal(pt_order_stats(o)->peak, 3);
	assert_true(pt_order_stats(o)->forced > 0);
	n = drain(o, got, n);
	assert_int_equal(n, 10);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(got[i], i + 1);
	pt_order_free(o);
}

static struct pt_model *replay(const char *log, struct pt_replay *res)
{
	struct pt_model *m = pt_model_new();
	char err[600];
	int ret = pt_replay_file(log, m, NULL, NULL, res, err, sizeof(err));

	if (ret)
		print_error("%s\n", err);
	assert_int_equal(ret, 0);
	return m;
}

static int count(const struct pt_model *m, const char *rule)
{
	int n = 0;

	for (size_t i = 0; i < pt_model_finding_count(m); i++)
		n += pt_model_finding(m, i)->rule == pt_rule_find(rule);
	return n;
}

/*
 * Unbinds on CPU 1 stamped 1 us before the reset on CPU 0, written after
 * it: in time order the teardown is clean.
 */
static void test_replay_cross_cpu(void **state)
{
	struct pt_replay res;
	struct pt_model *m = replay("tests/logs/order-cross-cpu.jsonl", &res);

	assert_int_equal(count(m, "reset-before-unbind"), 0);
	assert_int_equal(res.reordered, 3);
	assert_int_equal(res.late, 0);
	assert_int_equal(res.order_window_ns, PT_ORDER_WINDOW_NS);
	assert_true(res.complete);
	pt_model_free(m);
}

/* The same unbinds written more than the window later: said, not hidden. */
static void test_replay_late(void **state)
{
	struct pt_replay res;
	struct pt_model *m = replay("tests/logs/order-late.jsonl", &res);

	assert_int_equal(res.late, 3);
	assert_int_equal(res.first_late_line, 36);
	/* 1 us before the reset, which had to go to the model already */
	assert_int_equal(res.max_late_ns, 1000);
	pt_model_free(m);
}

/* --until still stops at the first event after it, in time order. */
static void test_replay_until(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_replay res;
	char err[600];

	assert_int_equal(pt_replay_file_until("tests/logs/order-cross-cpu.jsonl",
					      m, 1035999100, NULL, NULL, &res,
					      err, sizeof(err)), 0);
	assert_true(res.stopped);
	/* all but the last unbind, the reset and destroydomain */
	assert_int_equal(res.events, 34);
	pt_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_within_window),
		cmocka_unit_test(test_release_after_window),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_late_counted),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_replay_cross_cpu),
		cmocka_unit_test(test_replay_late),
		cmocka_unit_test(test_replay_until),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
