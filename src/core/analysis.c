// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The analysis: what front-ends call per event (include/pt_model.h).  It
 * sits on top of the core's layers (rules.h): the state (model.c) applies
 * each event, then the rules (rules.c) see it.  Waits that ended before an
 * event conclude without it, so they are concluded first.
 */
#include <stdlib.h>
#include "pt_grow.h"
#include "rules.h"

struct pt_analysis {
	struct rules *rules;
};

static struct rules *rules_of(const struct pt_model *m)
{
	return pt_state_analysis(m)->rules;
}

struct pt_model *pt_model_new(void)
{
	struct pt_model *m = pt_state_new();
	struct pt_analysis *a;

	if (!m)
		return NULL;
	a = pt_xcalloc(1, sizeof(*a));
	a->rules = rules_table_new(m);
	pt_state_attach(m, a);
	return m;
}

void pt_model_free(struct pt_model *m)
{
	struct pt_analysis *a;

	if (!m)
		return;
	a = pt_state_analysis(m);
	rules_free(a->rules);
	free(a);
	pt_state_free(m);
}

const struct pt_device *pt_model_apply(struct pt_model *m,
				       const struct pt_event *ev,
				       unsigned long line)
{
	struct rules *rs = rules_of(m);
	const struct pt_device *d;

	pt_state_count(m, ev);
	/* (Xen's mask view not read is no window: the view is forgotten) */
	if (ev->hdr.type == PT_EV_LOST ||
	    (ev->hdr.type == PT_EV_BLIND && ev->hdr.kind != PT_BLIND_XEN_VIEW)) {
		/*
		 * A window of lost or unseen events that ends now: known
		 * before the waits that ended inside it conclude, which
		 * makes them incomplete.
		 */
		d = pt_state_apply(m, ev, line);
		rules_expire(rs, ev->hdr.ts_ns);
	} else {
		/* waits that ended before this event conclude without it */
		rules_expire(rs, ev->hdr.ts_ns);
		d = pt_state_apply(m, ev, line);
	}
	rules_event(rs, ev, line, d);
	pt_state_advance(m, ev->hdr.ts_ns);
	return d;
}

void pt_model_finish(struct pt_model *m)
{
	rules_finish(rules_of(m), pt_state_last_ts(m));
}

size_t pt_model_finding_count(const struct pt_model *m)
{
	return rules_finding_count(rules_of(m));
}

const struct pt_finding *pt_model_finding(const struct pt_model *m, size_t i)
{
	return rules_finding_at(rules_of(m), i);
}
