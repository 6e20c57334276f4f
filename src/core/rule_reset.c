// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Rules about device resets: PT001 reset-before-unbind, PT002 reset-not-reported. */
#include <errno.h>
#include <stdio.h>
#include "idmap.h"
#include "pt_names.h"
#include "rules.h"
#include "xen_public.h"

static bool failed(const struct pt_event *ev)
{
	return (ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0;
}

/* ---------------------------------------------------- PT001 reset-before-unbind */

struct rbu_state {
	/* sbdf -> 1 once reported for the current set of mappings */
	struct idmap reported;
};

static void rbu_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_pirq_state *guest;
	char b[PT_SBDF_STRLEN], dd[16], list[96];
	struct rbu_state *s = c->priv;
	struct pt_finding *f;
	size_t pos = 0;
	size_t *seen;
	int n;

	if (!d)
		return;
	if (ev->hdr.type == PT_EV_PIRQ) {
		/* new MSI mappings: a reset before their unmap is a new bug */
		if (ev->hdr.kind == PT_PIRQ_BIND_MSI && !failed(ev) &&
		    ev->pirq.pirq != PT_NONE) {
			seen = idmap_slot(&s->reported, d->sbdf, false);
			if (seen)
				*seen = 0;
		}
		return;
	}
	if (!pt_model_reset_is_new(d, ev, line))
		return;
	/* a guest's pirq still mapped for this device */
	guest = pt_model_next_mapped(c->m, PT_NONE, d->sbdf, &pos);
	if (!guest)
		return;
	/* one finding per set of mappings: a second reset proves nothing new */
	seen = idmap_slot(&s->reported, d->sbdf, true);
	if (*seen)
		return;
	*seen = 1;
	n = rule_mapped_pirqs(c, guest->domid, d->sbdf, NULL, list, sizeof(list));
	f = rule_report(c, d->sbdf, guest->domid, ev->hdr.ts_ns, ev->hdr.ts_ns,
			"%s reset (%s) while %d pirq(s) of %s are still mapped: %s",
			pt_sbdf_format(d->sbdf, b, sizeof(b)),
			pt_kind_name(PT_EV_PCI_RESET, ev->hdr.kind), n,
			pt_domid_format(guest->domid, dd, sizeof(dd)), list);
	/* the proof: the bindings, then the reset that came too early */
	rule_mapped_pirqs(c, guest->domid, d->sbdf, f, list, sizeof(list));
	if (f->nproof == PT_PROOF_MAX)
		f->nproof--;
	pt_proof_add_ev(f, ev, line);
	/* an unmap lost between the binding and the reset would excuse it */
	rule_report_since(c, f, f->proof[0].ev.hdr.ts_ns);
}

static void rbu_fini(void *priv)
{
	struct rbu_state *s = priv;

	idmap_free(&s->reported);
}

const struct rule_def rule_reset_before_unbind = {
	.info = {
		"PT001", "reset-before-unbind", PT_SEV_ERROR,
		"device reset while a guest's pirqs are still mapped",
		"unmap the guest's pirqs (MSI/MSI-X teardown) before pciback resets the device; fixed in pciback's release order",
	},
	.events = RULE_EV(PT_EV_PCI_RESET) | RULE_EV(PT_EV_PIRQ),
	.priv_size = sizeof(struct rbu_state),
	.on_event = rbu_event,
	.fini = rbu_fini,
};

/* ---------------------------------------------------- PT002 reset-not-reported */

/*
 * A PHYSDEVOP_pci_device_reset that Xen refused tells Xen nothing: Xen
 * 4.17 answers -ENOSYS to a PVH dom0 (its physdev_op has no such call
 * for HVM-type domains); 6.12's pciback then gives up seizing the
 * device, but goes on after its resets on release.  The refusal answers
 * the resets waiting for it at once (as an accepted notification does),
 * in one finding proven by the reset it follows and by itself.
 */
static void rnr_refused(struct rule_ctx *c, __u32 sbdf,
			const struct pt_event *ev, unsigned long line)
{
	const struct pt_evref *waiting = rule_waiting(c, sbdf);
	char b[PT_SBDF_STRLEN], e[32];
	struct pt_finding *f;
	struct pt_evref reset;

	if (!waiting)
		return;
	reset = *waiting;
	rule_resolve(c, sbdf);
	f = rule_report(c, sbdf, PT_NONE, reset.ev.hdr.ts_ns, ev->hdr.ts_ns,
			"%s reset (%s) in a PVH dom0, and Xen refused to be told: PHYSDEVOP_pci_device_reset returned %s%s: vPCI keeps stale state",
			pt_sbdf_format(sbdf, b, sizeof(b)),
			pt_kind_name(PT_EV_PCI_RESET, reset.ev.hdr.kind),
			pt_errno_name(ev->hdr.ret, e, sizeof(e)),
			ev->hdr.ret == -ENOSYS ? " (this Xen predates PVH-dom0 passthrough: 4.20 has the call)" : "");
	pt_proof_add(f, &reset);
	pt_proof_add_ev(f, ev, line);
}

static void rnr_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_ev_hypercall *hc = &ev->hc;
	bool notify;

	if (ev->hdr.type == PT_EV_HYPERCALL) {
		notify = hc->op == __HYPERVISOR_physdev_op &&
			 hc->cmd == PHYSDEVOP_pci_device_reset &&
			 hc->args.sbdf != PT_SBDF_NONE;
		if (notify && failed(ev))
			rnr_refused(c, hc->args.sbdf, ev, line);
		else if (notify)
			rule_resolve(c, hc->args.sbdf);
		return;
	}
	if (!d)
		return;
	if (ev->hdr.kind == PT_RESET_XEN_NOTIFY && failed(ev))
		rnr_refused(c, d->sbdf, ev, line);
	else if (ev->hdr.kind == PT_RESET_XEN_NOTIFY)
		rule_resolve(c, d->sbdf);
	else if (pt_model_reset_is_new(d, ev, line) && pt_model_dom0_pvh(c->m))
		rule_wait(c, d->sbdf, PT_NONE, ev, line);
}

static void rnr_deadline(struct rule_ctx *c, const struct rule_wait *w,
			 __u64 now)
{
	char b[PT_SBDF_STRLEN];
	struct pt_finding *f;

	f = rule_report(c, w->sbdf, PT_NONE, w->since, now,
			"%s reset (%s) in a PVH dom0, and Xen was not told (no PHYSDEVOP_pci_device_reset): vPCI keeps stale state",
			pt_sbdf_format(w->sbdf, b, sizeof(b)),
			pt_kind_name(PT_EV_PCI_RESET, w->cause.ev.hdr.kind));
	pt_proof_add(f, &w->cause);
}

const struct rule_def rule_reset_not_reported = {
	.info = {
		"PT002", "reset-not-reported", PT_SEV_ERROR,
		"PVH dom0 reset a device without telling Xen (vPCI state stale)",
		"reset through pciback, which issues PHYSDEVOP_pci_device_reset (Linux 6.12's xen_reset_device)",
	},
	.events = RULE_EV(PT_EV_PCI_RESET) | RULE_EV(PT_EV_HYPERCALL),
	.on_event = rnr_event,
	.on_deadline = rnr_deadline,
};
