// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Rules about the GSIs the toolstack names: PT003 gsi-not-registered, PT004 irq-as-gsi. */
#include <errno.h>
#include "idmap.h"
#include "pt_names.h"
#include "rules.h"
#include "xen_public.h"

static bool failed(const struct pt_event *ev)
{
	return (ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0;
}

/*
 * The GSI a toolstack hypercall names and which call names it; false for
 * a call that names none.  irq_permission names a pirq: the GSI behind it
 * is the one the toolstack mapped it from.
 */
static bool gsi_named(const struct pt_model *m, const struct pt_event *ev,
		      int *gsi, const char **what)
{
	const struct pt_ev_hypercall *hc = &ev->hc;
	const struct pt_hc_args *a = &hc->args;

	if (hc->op == __HYPERVISOR_physdev_op) {
		if (hc->cmd != PHYSDEVOP_map_pirq || a->map_type != MAP_PIRQ_TYPE_GSI)
			return false;
		*gsi = a->index;
		*what = "map_pirq(GSI)";
		return true;
	}
	if (hc->op != __HYPERVISOR_domctl)
		return false;
	switch (hc->cmd) {
	case XEN_DOMCTL_irq_permission:
		if (a->pirq == PT_NONE || a->allow != 1)
			return false;
		*gsi = pt_model_toolstack_gsi(m, 0, a->pirq);
		if (*gsi == PT_NONE)
			*gsi = pt_model_toolstack_gsi(m, pt_domid_norm(a->domid), a->pirq);
		if (*gsi == PT_NONE && (ev->hdr.flags & PT_EVF_HAS_RET) &&
		    ev->hdr.ret == -EPERM)
			*gsi = a->pirq;	/* GSI pirqs are identity-mapped */
		*what = "irq_permission";
		return *gsi != PT_NONE;
	case XEN_DOMCTL_gsi_permission:
		*gsi = a->gsi;
		*what = "gsi_permission";
		return a->allow == 1;
	case XEN_DOMCTL_bind_pt_irq:
		/*
		 * machine_irq is a pirq of the guest's, not a GSI: only the
		 * toolstack's map_pirq of a GSI onto it says which GSI.
		 */
		if (a->irq_type != PT_IRQ_TYPE_PCI)
			return false;
		*gsi = pt_model_toolstack_gsi(m, pt_domid_norm(a->domid),
					      a->machine_irq);
		*what = "bind_pt_irq(PCI)";
		return *gsi != PT_NONE;
	}
	return false;
}

/*
 * A GSI named but never registered in dom0; *as_irq is the registered GSI
 * whose Linux irq has that number, if any.  GSI 0 is never a passthrough
 * GSI: machine_irq 0 is its own bug.
 */
static bool gsi_unregistered(const struct pt_model *m, int gsi,
			     const struct pt_gsi_state **as_irq)
{
	const struct pt_gsi_state *g;

	if (gsi <= 0 || pt_model_gsi(m, gsi))
		return false;
	g = pt_model_gsi_by_irq(m, gsi);
	*as_irq = g && g->gsi != gsi ? g : NULL;
	return true;
}

/* ---------------------------------------------------- PT003 gsi-not-registered */

struct gnr_state {
	struct idmap finding_of_gsi;	/* gsi -> index of its finding */
};

static void gnr_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_hc_args *a = &ev->hc.args;
	const struct pt_gsi_state *as_irq;
	struct gnr_state *s = c->priv;
	const char *what;
	char dd[16];
	size_t *slot;
	int gsi;

	if (!gsi_named(c->m, ev, &gsi, &what) ||
	    !gsi_unregistered(c->m, gsi, &as_irq) || as_irq)
		return;
	/*
	 * A PV dom0 registers every GSI itself at boot, before most traces
	 * start; the class of bug is a PVH dom0's, or shows as a failure.
	 */
	if (!failed(ev) && !pt_model_dom0_pvh(c->m))
		return;
	/* one finding per GSI; later uses of it are more proof */
	slot = idmap_slot(&s->finding_of_gsi, (uint32_t)gsi, false);
	if (slot) {
		pt_proof_add_ev(rule_finding(c, *slot), ev, line);
		return;
	}
	pt_proof_add_ev(rule_report(c, a->sbdf, a->domid,
				    pt_model_stats(c->m)->first_ts, ev->hdr.ts_ns,
				    "%s for %s names GSI %d, which dom0 never registered (no acpi_register_gsi / PHYSDEVOP_setup_gsi since the trace began)",
				    what, pt_domid_format(a->domid, dd, sizeof(dd)), gsi),
			ev, line);
	*idmap_slot(&s->finding_of_gsi, (uint32_t)gsi, true) =
		rule_finding_count(c) - 1;
}

static void gnr_fini(void *priv)
{
	struct gnr_state *s = priv;

	idmap_free(&s->finding_of_gsi);
}

const struct rule_def rule_gsi_not_registered = {
	.info = {
		"PT003", "gsi-not-registered", PT_SEV_ERROR,
		"GSI used by the toolstack but never registered in dom0",
		"have dom0 register the GSI first (PHYSDEVOP_setup_gsi; on a PVH dom0, Linux 6.12's xen_pvh_setup_gsi via pciback)",
	},
	.events = RULE_EV(PT_EV_HYPERCALL),
	.priv_size = sizeof(struct gnr_state),
	.on_event = gnr_event,
	.fini = gnr_fini,
};

/* ---------------------------------------------------- PT004 irq-as-gsi */

static void iag_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_hc_args *a = &ev->hc.args;
	const struct pt_gsi_state *g;
	char b[PT_SBDF_STRLEN], dd[16];
	struct pt_finding *f;
	const char *what;
	int gsi;

	if (!gsi_named(c->m, ev, &gsi, &what) ||
	    !gsi_unregistered(c->m, gsi, &g) || !g)
		return;
	f = rule_report(c, g->sbdf, a->domid, g->reg.ev.hdr.ts_ns, ev->hdr.ts_ns,
			"%s for %s names GSI %d, but %d is the Linux irq of %s, whose GSI is %d",
			what, pt_domid_format(a->domid, dd, sizeof(dd)), gsi,
			gsi, pt_sbdf_format(g->sbdf, b, sizeof(b)), g->gsi);
	pt_proof_add(f, &g->reg);
	pt_proof_add_ev(f, ev, line);
}

const struct rule_def rule_irq_as_gsi = {
	.info = {
		"PT004", "irq-as-gsi", PT_SEV_ERROR,
		"Linux irq number passed where a GSI is meant",
		"read the GSI (pciback's gsi lookup, ACPI _PRT), not /sys/bus/pci/devices/<bdf>/irq",
	},
	.events = RULE_EV(PT_EV_HYPERCALL),
	.on_event = iag_event,
};
