// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Rules about the MSI-X control word: PT005 maskall-left-set, PT006 msix-maskall-no-map. */
#include <stdio.h>
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

/* ---------------------------------------------------- PT005 maskall-left-set */

/*
 * The method of d's last reset after the control word @ctrl was seen, -1
 * if none.  The model already folds a reset's nested calls into one entry
 * named by the method that did the work (pm, flr, bus).
 */
static int reset_after(const struct pt_device *d, const struct pt_evref *ctrl)
{
	if (!d->nresets ||
	    (ctrl && d->resets[d->nresets - 1].ts < ctrl->ev.hdr.ts_ns))
		return -1;
	return d->resets[d->nresets - 1].method;
}

static void mls_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_hc_args *a = &ev->hc.args;
	const struct pt_evref *ctrl;
	char b[PT_SBDF_STRLEN], dd[16], e[24], since[96];
	struct pt_finding *f;
	int reset;

	if (!is_domctl(ev, XEN_DOMCTL_assign_device) || a->sbdf == PT_SBDF_NONE)
		return;
	d = pt_model_device(c->m, a->sbdf);
	if (!d || d->maskall != 1)
		return;
	ctrl = pt_model_last_msix_ctrl(c->m, d);
	if (ok(ev)) {
		f = rule_report(c, d->sbdf, a->domid, ev->hdr.ts_ns, ev->hdr.ts_ns,
				"%s assigned to %s with MSI-X MASKALL still set (control %#06x)",
				pt_sbdf_format(d->sbdf, b, sizeof(b)),
				pt_domid_format(a->domid, dd, sizeof(dd)), d->msix_ctrl);
	} else {
		/*
		 * Xen's pci_reset_msix_state() read MASKALL set in the device
		 * and refused it: a reset since the bit was seen set did not
		 * clear it (in the lab, QEMU's e1000e kept it across libxl's PM reset).
		 */
		reset = reset_after(d, ctrl);
		if (reset < 0)
			snprintf(since, sizeof(since), ", no reset since it was set");
		else
			snprintf(since, sizeof(since),
				 ", although the device was reset since (%s): that reset left it set",
				 pt_kind_name(PT_EV_PCI_RESET, reset));
		f = rule_report(c, d->sbdf, a->domid, ev->hdr.ts_ns, ev->hdr.ts_ns,
				"Xen refused to assign %s to %s (%s): its MSI-X MASKALL is still set (control %#06x)%s",
				pt_sbdf_format(d->sbdf, b, sizeof(b)),
				pt_domid_format(a->domid, dd, sizeof(dd)),
				pt_errno_name(ev->hdr.ret, e, sizeof(e)), d->msix_ctrl,
				since);
	}
	/* the proof: the control word write that left MASKALL, then the call */
	if (ctrl)
		pt_proof_add(f, ctrl);
	pt_proof_add_ev(f, ev, line);
}

const struct rule_def rule_maskall_left_set = {
	.info = {
		"PT005", "maskall-left-set", PT_SEV_ERROR,
		"MSI-X MASKALL still set when the device is assigned",
		"clear MSI-X MASKALL (a reset that restores the control word, or the driver's MSI-X teardown) before assign_device",
	},
	.events = RULE_EV(PT_EV_HYPERCALL),
	.on_event = mls_event,
};

/* ---------------------------------------------------- PT006 msix-maskall-no-map */

static void mmn_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_ev_hypercall *hc = &ev->hc;

	switch (ev->hdr.type) {
	case PT_EV_MSIX_CTRL:
		if (!d)
			return;
		if (ev->msix_ctrl.enable && ev->msix_ctrl.maskall &&
		    ev->msix_ctrl.view == PT_VIEW_PCIBACK)
			rule_wait(c, d->sbdf, ev->msix_ctrl.domid, ev, line);
		if (!ev->msix_ctrl.enable)
			rule_resolve(c, d->sbdf);
		return;
	case PT_EV_PIRQ:
		/* an MSI pirq bound for the device: pciback did map */
		if (d && ev->hdr.kind == PT_PIRQ_BIND_MSI && ok(ev) &&
		    ev->pirq.pirq != PT_NONE)
			rule_resolve(c, d->sbdf);
		return;
	case PT_EV_HYPERCALL:
		/* or the device model mapped an MSI pirq for it */
		if (hc->op == __HYPERVISOR_physdev_op && hc->cmd == PHYSDEVOP_map_pirq &&
		    hc->args.map_type != MAP_PIRQ_TYPE_GSI && ok(ev) &&
		    hc->args.sbdf != PT_SBDF_NONE)
			rule_resolve(c, hc->args.sbdf);
		return;
	}
}

static void mmn_deadline(struct rule_ctx *c, const struct rule_wait *w,
			 __u64 now)
{
	char b[PT_SBDF_STRLEN];
	struct pt_finding *f;

	f = rule_report(c, w->sbdf, w->domid, w->since, now,
			"%s MSI-X control written with ENABLE+MASKALL (%#06x), and no MSI pirq was mapped after it",
			pt_sbdf_format(w->sbdf, b, sizeof(b)),
			w->cause.ev.msix_ctrl.value);
	pt_proof_add(f, &w->cause);
}

const struct rule_def rule_msix_maskall_no_map = {
	.info = {
		"PT006", "msix-maskall-no-map", PT_SEV_ERROR,
		"MSI-X ENABLE+MASKALL written, no MSI pirq mapped after it",
		"see why pciback refused the guest's MSI-X enable (dom0 kernel log); with permissive off, pciback rejects such writes",
	},
	.events = RULE_EV(PT_EV_MSIX_CTRL) | RULE_EV(PT_EV_PIRQ) |
		  RULE_EV(PT_EV_HYPERCALL),
	.on_event = mmn_event,
	.on_deadline = mmn_deadline,
};
