// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Rules about a domain's pirqs: PT008 pirq-after-domain-gone, PT010 deassign-before-unmap. */
#include "pt_names.h"
#include "rules.h"
#include "xen_public.h"

static bool ok(const struct pt_event *ev)
{
	return !(ev->hdr.flags & PT_EVF_HAS_RET) || ev->hdr.ret >= 0;
}

static bool is_domctl(const struct pt_event *ev, unsigned int cmd)
{
	return ev->hc.op == __HYPERVISOR_domctl && ev->hc.cmd == cmd;
}

/* ---------------------------------------------------- PT008 pirq-after-domain-gone */

static void pdg_bind(struct rule_ctx *c, const struct pt_event *ev,
		     unsigned long line)
{
	const struct pt_ev_pirq *e = &ev->pirq;
	int domid = e->domid == PT_NONE ? 0 : pt_domid_norm(e->domid);
	const struct pt_domain_state *dr = pt_model_domain(c->m, domid);
	const struct pt_pirq_state *p;
	struct pt_finding *f;
	char dd[16];

	if (!dr || !dr->destroyed)
		return;
	p = pt_model_pirq(c->m, domid, e->pirq);
	f = rule_report(c, p ? p->sbdf : ev->hdr.sbdf, domid,
			dr->destroy.ev.hdr.ts_ns, ev->hdr.ts_ns,
			"pirq %d bound for %s after the domain was destroyed",
			e->pirq, pt_domid_format(domid, dd, sizeof(dd)));
	pt_proof_add(f, &dr->destroy);
	pt_proof_add_ev(f, ev, line);
}

static void pdg_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_hc_args *a = &ev->hc.args;
	const struct pt_domain_state *dr;

	if (ev->hdr.type == PT_EV_PIRQ) {
		if ((ev->hdr.kind == PT_PIRQ_BIND_GSI ||
		     ev->hdr.kind == PT_PIRQ_BIND_MSI) && ok(ev) &&
		    ev->pirq.pirq != PT_NONE)
			pdg_bind(c, ev, line);
		return;
	}
	if (!is_domctl(ev, XEN_DOMCTL_destroydomain) ||
	    !(ev->hdr.flags & PT_EVF_HAS_RET) || ev->hdr.ret != 0 ||
	    a->domid == PT_NONE)
		return;
	/* the domain is gone from this event on: wait for its pirqs to go */
	dr = pt_model_domain(c->m, a->domid);
	if (dr && dr->destroyed && dr->destroy.line == line &&
	    dr->destroy.ev.hdr.ts_ns == ev->hdr.ts_ns)
		rule_wait(c, PT_SBDF_NONE, a->domid, ev, line);
}

static void pdg_deadline(struct rule_ctx *c, const struct rule_wait *w,
			 __u64 now)
{
	struct pt_finding *f;
	char dd[16], list[96];
	int n;

	n = rule_mapped_pirqs(c, w->domid, PT_SBDF_NONE, NULL, list, sizeof(list));
	if (!n)
		return;
	f = rule_report(c, PT_SBDF_NONE, w->domid, w->since, now,
			"%d pirq(s) of %s still mapped in dom0 after the domain was destroyed: %s",
			n, pt_domid_format(w->domid, dd, sizeof(dd)), list);
	pt_proof_add(f, &w->cause);
	rule_mapped_pirqs(c, w->domid, PT_SBDF_NONE, f, list, sizeof(list));
}

const struct rule_def rule_pirq_after_domain_gone = {
	.info = {
		"PT008", "pirq-after-domain-gone", PT_SEV_ERROR,
		"pirqs still mapped or bound after their domain was destroyed",
		"unmap every pirq of the domain (PHYSDEVOP_unmap_pirq / the MSI teardown) as part of its destruction",
	},
	.events = RULE_EV(PT_EV_HYPERCALL) | RULE_EV(PT_EV_PIRQ),
	.on_event = pdg_event,
	.on_deadline = pdg_deadline,
};

/* ---------------------------------------------------- PT010 deassign-before-unmap */

static void dbu_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_hc_args *a = &ev->hc.args;
	char b[PT_SBDF_STRLEN], dd[16], list[96];
	struct pt_finding *f;
	int n;

	if (!is_domctl(ev, XEN_DOMCTL_deassign_device) ||
	    a->sbdf == PT_SBDF_NONE || !ok(ev) ||
	    a->domid == 0 || a->domid >= PT_DOMID_SELF)
		return;
	n = rule_mapped_pirqs(c, pt_domid_norm(a->domid), a->sbdf, NULL,
			      list, sizeof(list));
	if (!n)
		return;
	f = rule_report(c, a->sbdf, a->domid, ev->hdr.ts_ns, ev->hdr.ts_ns,
			"%s deassigned from %s while %d MSI pirq(s) are still mapped: %s",
			pt_sbdf_format(a->sbdf, b, sizeof(b)),
			pt_domid_format(a->domid, dd, sizeof(dd)), n, list);
	rule_mapped_pirqs(c, pt_domid_norm(a->domid), a->sbdf, f, list, sizeof(list));
	if (f->nproof == PT_PROOF_MAX)
		f->nproof--;
	pt_proof_add_ev(f, ev, line);
}

const struct rule_def rule_deassign_before_unmap = {
	.info = {
		"PT010", "deassign-before-unmap", PT_SEV_WARNING,
		"device deassigned while its MSI pirqs are still mapped",
		"tear down the guest's MSI/MSI-X pirqs before XEN_DOMCTL_deassign_device",
	},
	.events = RULE_EV(PT_EV_HYPERCALL),
	.on_event = dbu_event,
};
