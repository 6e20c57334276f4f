// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* PT007 evtchn-reuse-race. */
#include "pt_names.h"
#include "rules.h"

/*
 * The close of an old binding arrives after the port was handed to
 * another irq: the old irq's teardown now clears the new irq's mapping.
 */
static void err_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_ev_evtchn *e = &ev->evtchn;
	const struct pt_port_state *pr;
	const struct pt_pirq_state *p;
	struct pt_finding *f;
	char dd[16];

	if (ev->hdr.kind != PT_EVTCHN_CLOSE)
		return;
	pr = pt_model_port(c->m, e->evtchn);
	if (!pr || !pr->bound || e->irq == PT_NONE || pr->irq == PT_NONE ||
	    pr->irq == e->irq)
		return;
	p = pt_model_pirq_by_irq(c->m, e->irq);
	f = rule_report(c, d ? d->sbdf : PT_SBDF_NONE, p ? p->domid : PT_NONE,
			pr->bind.ev.hdr.ts_ns, ev->hdr.ts_ns,
			"event channel %d was bound to irq %d while irq %d still held it; irq %d's teardown then closed it (%s)",
			e->evtchn, pr->irq, e->irq, e->irq,
			pt_domid_format(p ? p->domid : PT_NONE, dd, sizeof(dd)));
	if (p)
		pt_proof_add(f, &p->bind);
	pt_proof_add(f, &pr->bind);
	pt_proof_add_ev(f, ev, line);
}

const struct rule_def rule_evtchn_reuse_race = {
	.info = {
		"PT007", "evtchn-reuse-race", PT_SEV_ERROR,
		"event channel reused before the old binding was cleared",
		"finish the old irq's teardown (close its port) before the port can be bound again",
	},
	.events = RULE_EV(PT_EV_EVTCHN),
	.on_event = err_event,
};
