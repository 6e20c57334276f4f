// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The reconstructed picture, queried in the middle of a replay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "pt_model.h"

#define DEV PT_SBDF(0, 0, 0x18)		/* 0000:00:03.0 */

struct checkpoint {
	unsigned long line;
	void (*check)(const struct pt_model *m);
	bool seen;
};

struct ctx {
	struct pt_model *m;
	struct checkpoint *cp;
	size_t n;
};

static int on_event(void *p, const struct pt_event *ev, unsigned long line,
		    const struct pt_device *d)
{
	struct ctx *c = p;

	for (size_t i = 0; i < c->n; i++)
		if (c->cp[i].line == line) {
			c->cp[i].check(c->m);
			c->cp[i].seen = true;
		}
	return 0;
}

/* dom0's e1000e: GSI 22, three MSI-X vectors of dom0, event channels bound */
static void dom0_driver(const struct pt_model *m)
{
	const struct pt_device *d = pt_model_device(m, DEV);

	assert_non_null(d);
	assert_int_equal(d->owner, PT_OWNER_DOM0);
	assert_int_equal(d->gsi, 22);
	assert_int_equal(d->gsi_irq, 22);
	assert_int_equal(d->gsi_pirq, 22);
	assert_int_equal(d->nvectors, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(d->vectors[i].entry, i);
		assert_int_equal(d->vectors[i].irq, 44 + i);
		assert_int_equal(d->vectors[i].pirq, 413 - i);
		assert_int_equal(d->vectors[i].evtchn, 10 + i);
		assert_int_equal(d->vectors[i].domid, 0);
		assert_true(d->vectors[i].live);
	}
}

/* after assignable-add: pciback holds it, dom0's vectors are gone */
static void pciback_holds(const struct pt_model *m)
{
	const struct pt_device *d = pt_model_device(m, DEV);

	assert_int_equal(d->owner, PT_OWNER_PCIBACK);
	for (size_t i = 0; i < d->nvectors; i++)
		assert_false(d->vectors[i].live);
	assert_int_equal(d->nresets, 1);
}

/* guest d1 enabled MSI-X: its pirqs 55/54/53 on irqs 47-49 */
static void guest_owns(const struct pt_model *m)
{
	const struct pt_device *d = pt_model_device(m, DEV);
	int live = 0;

	assert_int_equal(d->owner, PT_OWNER_DOMAIN);
	assert_int_equal(d->domid, 1);
	assert_true(d->msix_enabled);
	for (size_t i = 0; i < d->nvectors; i++) {
		const struct pt_vector *v = &d->vectors[i];

		if (!v->live)
			continue;
		live++;
		assert_int_equal(v->domid, 1);
		assert_int_equal(v->pirq, 55 - v->entry);
		assert_int_equal(v->irq, 47 + v->entry);
	}
	assert_int_equal(live, 3);
	assert_int_equal(pt_model_finding_count(m), 0);
}

static void test_pv_guest_timeline(void **state)
{
	struct checkpoint cp[] = {
		{ 10, dom0_driver }, { 20, pciback_holds }, { 27, guest_owns },
	};
	struct ctx c = { pt_model_new(), cp, 3 };
	struct pt_replay res;
	const struct pt_device *d;
	char err[600], own[16];

	assert_int_equal(pt_replay_file("tests/logs/pv-guest-destroy.jsonl", c.m,
					on_event, &c, &res, err, sizeof(err)), 0);
	for (int i = 0; i < 3; i++)
		assert_true(cp[i].seen);
	assert_true(res.complete);
	assert_false(res.truncated);
	d = pt_model_device(c.m, DEV);
	/* owner history: dom0 -> pciback -> d1 -> pciback */
	assert_int_equal(d->nhistory, 4);
	assert_int_equal(d->history[2].owner, PT_OWNER_DOMAIN);
	assert_int_equal(d->history[2].domid, 1);
	assert_string_equal(pt_device_owner_format(d, own, sizeof(own)), "pciback");
	/* two resets on destroy (sysfs reset, then pciback's put) plus the add */
	assert_int_equal(d->nresets, 3);
	assert_false(d->msix_enabled);
	pt_model_free(c.m);
}

static void test_mask_transitions(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_event ev;
	const struct pt_device *d;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_PIRQ;
	ev.hdr.kind = PT_PIRQ_BIND_MSI;
	ev.hdr.sbdf = DEV;
	ev.pirq = (struct pt_ev_pirq){ PT_NONE, 55, 47, 1, 0, 1 };
	pt_model_apply(m, &ev, 2);
	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_EVTCHN;
	ev.hdr.sbdf = PT_SBDF_NONE;
	ev.evtchn = (struct pt_ev_evtchn){ PT_NONE, 47, PT_NONE, PT_NONE };
	for (int i = 0; i < 4; i++) {
		ev.hdr.ts_ns = i + 1;
		ev.hdr.kind = i % 2 ? PT_EVTCHN_ENABLE : PT_EVTCHN_DISABLE;
		pt_model_apply(m, &ev, 3 + i);
	}
	/* a table sample that agrees changes nothing */
	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_VECTOR_MASK;
	ev.hdr.sbdf = DEV;
	ev.vmask = (struct pt_ev_vector_mask){ 0, PT_NONE, PT_NONE, 0, PT_VIEW_TABLE };
	pt_model_apply(m, &ev, 7);
	d = pt_model_device(m, DEV);
	assert_int_equal(d->vectors[0].masked, 0);
	/* disable, enable, disable, enable: three changes after the first */
	assert_int_equal(d->vectors[0].mask_transitions, 3);
	assert_int_equal(pt_device_recent_count(d), 6);
	assert_int_equal(pt_device_recent(d, 0)->line, 2);
	pt_model_free(m);
}

/* A driver unbound and probed again gets the same pirqs: live again. */
static void test_rebind_same_pirq(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_event ev;
	const struct pt_device *d;

	for (int round = 0; round < 2; round++) {
		memset(&ev, 0, sizeof(ev));
		ev.hdr.type = PT_EV_PIRQ;
		ev.hdr.kind = PT_PIRQ_BIND_MSI;
		ev.hdr.sbdf = DEV;
		ev.pirq = (struct pt_ev_pirq){ PT_NONE, 413, 44, PT_DOMID_SELF, 0, 1 };
		pt_model_apply(m, &ev, 2 + 2 * round);
		d = pt_model_device(m, DEV);
		assert_int_equal(d->nvectors, 1);
		assert_true(d->vectors[0].live);
		ev.hdr.kind = PT_PIRQ_DESTROY;
		ev.hdr.sbdf = PT_SBDF_NONE;
		ev.pirq = (struct pt_ev_pirq){ PT_NONE, PT_NONE, 44, PT_NONE, PT_NONE, PT_NONE };
		pt_model_apply(m, &ev, 3 + 2 * round);
		assert_false(d->vectors[0].live);
	}
	pt_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pv_guest_timeline),
		cmocka_unit_test(test_mask_transitions),
		cmocka_unit_test(test_rebind_same_pirq),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
