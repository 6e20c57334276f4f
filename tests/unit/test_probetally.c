// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One count of a recording's probes: record prints it from the log
 * header it writes, report from the header it reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "pt_log.h"
#include "pt_probetally.h"

/* Every probe of the header is counted once: attached, missing, failed or off. */
static void test_tally_partition(void **state)
{
	struct pt_probe_status p[5] = { 0 };
	struct pt_probe_tally t;
	char buf[96];

	p[0].state = PT_PROBE_ATTACHED;
	p[1].state = PT_PROBE_ATTACHED;
	p[2].state = PT_PROBE_MISSING;
	p[2].required = true;
	p[3].state = PT_PROBE_FAILED;
	p[4].state = PT_PROBE_DISABLED;	/* the sampler, left off */
	pt_probe_tally(p, 5, &t);
	assert_int_equal(t.total, 5);
	assert_int_equal(t.attached, 2);
	assert_int_equal(t.missing, 1);
	assert_int_equal(t.failed, 1);
	assert_int_equal(t.off, 1);
	assert_int_equal(t.required_missing, 1);
	pt_probe_tally_format(&t, buf, sizeof(buf));
	assert_string_equal(buf, "2 of 5 probes attached, 1 missing, 1 failed, 1 off");
}

/*
 * The lab's header: record's plan plus the MSI-X table sampler, which
 * was off.  The off sampler is not a missing probe, and the counts add
 * up to the header's list.
 */
static void test_tally_lab_header(void **state)
{
	char err[256];
	struct pt_log_reader *r = pt_log_open("tests/logs/lab/04-intx-gsi.jsonl",
					      err, sizeof(err));
	const struct pt_log_header *h;
	struct pt_probe_tally t;
	size_t sampler = 0, missing = 0;

	assert_non_null(r);
	h = pt_log_header(r);
	for (size_t i = 0; i < h->nprobes; i++) {
		if (!strcmp(h->probes[i].name, "msix_table_sampler"))
			sampler = i + 1;
		missing += h->probes[i].state == PT_PROBE_MISSING;
	}
	assert_true(sampler > 0);
	assert_int_equal(h->probes[sampler - 1].state, PT_PROBE_DISABLED);
	pt_probe_tally(h->probes, h->nprobes, &t);
	assert_int_equal(t.total, h->nprobes);
	assert_int_equal(t.missing, missing);
	assert_int_equal(t.off, 1);
	assert_int_equal(t.attached + t.missing + t.failed + t.off, t.total);
	pt_log_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tally_partition),
		cmocka_unit_test(test_tally_lab_header),
	};

	return cmocka_run_group_tests_name("probetally", tests, NULL, NULL);
}
