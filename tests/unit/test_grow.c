// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The growable array keeps every element it was given, in order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pt_grow.h"

struct pair {
	int a;
	long b;
};

static void push_keeps_all_in_order(void **state)
{
	struct pair *arr = NULL;
	size_t n = 0, cap = 0;

	for (int i = 0; i < 10000; i++) {
		struct pair *p = PT_PUSH(arr, n, cap);

		assert_int_equal(p->a, 0);	/* zeroed */
		assert_int_equal(p->b, 0);
		p->a = i;
		p->b = -i;
	}
	assert_int_equal(n, 10000);
	assert_true(cap >= n && cap < 2 * n);	/* doubling, not +1 */
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(arr[i].a, i);
		assert_int_equal(arr[i].b, -i);
	}
	free(arr);
}

static void reserve_rounds_up_and_keeps(void **state)
{
	int *arr = NULL;
	size_t cap = 0;

	pt_reserve((void **)&arr, &cap, 3, sizeof(*arr));
	assert_int_equal(cap, 16);
	arr[2] = 7;
	pt_reserve((void **)&arr, &cap, 100, sizeof(*arr));
	assert_int_equal(cap, 128);
	assert_int_equal(arr[2], 7);
	pt_reserve((void **)&arr, &cap, 50, sizeof(*arr));	/* no shrink */
	assert_int_equal(cap, 128);
	free(arr);
}

/* Out of memory (here: a size that overflows) is the one policy: exit 6. */
static void overflow_exits_6(void **state)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		char *arr = NULL;
		size_t cap = 0;

		freopen("/dev/null", "w", stderr);
		pt_reserve((void **)&arr, &cap, SIZE_MAX / 2 + 2, 4);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(push_keeps_all_in_order),
		cmocka_unit_test(reserve_rounds_up_and_keeps),
		cmocka_unit_test(overflow_exits_6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
