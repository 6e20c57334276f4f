// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Calls that failed: PT009 hypercall-failed, PT011 kernel-call-failed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pt_names.h"
#include "pt_xenhc.h"
#include "rules.h"
#include "xen_public.h"

static bool failed(const struct pt_event *ev)
{
	return (ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0;
}

/* ---------------------------------------------------- PT009 hypercall-failed */

/* The passthrough hypercalls this rule watches; NULL for any other. */
static const char *passthrough_call(const struct pt_ev_hypercall *hc)
{
	if (hc->op == __HYPERVISOR_physdev_op) {
		switch (hc->cmd) {
		case PHYSDEVOP_map_pirq: return "map_pirq";
		case PHYSDEVOP_unmap_pirq: return "unmap_pirq";
		case PHYSDEVOP_pci_device_reset: return "pci_device_reset";
		}
	} else if (hc->op == __HYPERVISOR_domctl) {
		switch (hc->cmd) {
		case XEN_DOMCTL_irq_permission: return "irq_permission";
		case XEN_DOMCTL_gsi_permission: return "gsi_permission";
		case XEN_DOMCTL_bind_pt_irq: return "bind_pt_irq";
		case XEN_DOMCTL_unbind_pt_irq: return "unbind_pt_irq";
		case XEN_DOMCTL_assign_device: return "assign_device";
		case XEN_DOMCTL_deassign_device: return "deassign_device";
		}
	}
	return NULL;
}

/* Known causes of a failure, from the seeds and the lab. */
static const char *failure_hint(const char *name, const struct pt_hc_args *a,
				int err)
{
	if (!strcmp(name, "irq_permission") && err == EPERM)
		return ": dom0 has no mapping for that pirq (GSI not registered in a PVH dom0?)";
	if (!strcmp(name, "map_pirq") && err == EOPNOTSUPP)
		return ": map_pirq refused for this domain type";
	/* the device model's map of a guest's vector (lab: ENODATA, PVH dom0) */
	if (!strcmp(name, "map_pirq") && pt_map_type_is_msi(a->map_type))
		return ": that guest vector gets no interrupt (QEMU logs \"Mapping of MSI-X (err: N\" or \"Mapping of MSI (err: N\")";
	/*
	 * What Xen checks of an MSI bind (XEN_DOMCTL_bind_pt_irq, then
	 * pt_irq_create_bind) is the pirq: neither the vector nor the
	 * destination nor the delivery mode of the gflags
	 */
	if (!strcmp(name, "bind_pt_irq") && err == EPERM)
		return ": no irq behind that pirq for the domain (no map_pirq gave it one), or dom0 may not use it";
	if (!strcmp(name, "bind_pt_irq") && pt_irq_type_is_msi(a->irq_type) &&
	    err == EBUSY)
		return ": that pirq is bound already, not as an MSI (the device's INTx?); Xen logs \"pt_irq_create_bind failed (-16)\"";
	if (!strcmp(name, "bind_pt_irq") && pt_irq_type_is_msi(a->irq_type) &&
	    err == EINVAL)
		return ": the domain is not HVM, or Xen could not set the MSI up (its console says \"pt_irq_create_bind failed\")";
	if (!strcmp(name, "assign_device") && err == EBUSY)
		return ": MSI-X MASKALL may still be set in hardware";
	if (!strcmp(name, "bind_pt_irq") && err == EBUSY && a->machine_irq == 0)
		return ": machine_irq 0";
	if (!strcmp(name, "unmap_pirq") && err == EINVAL)
		return ": pirq not mapped (already unmapped, or never)";
	return "";
}

static void hcf_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_hc_args *a = &ev->hc.args;
	const char *name = passthrough_call(&ev->hc);
	char e[24], dd[16], b[PT_SBDF_STRLEN], what[160] = "";

	if (!name || !failed(ev))
		return;
	/* an assignment refused for MASKALL is PT005's, with its proof */
	if (ev->hc.cmd == XEN_DOMCTL_assign_device &&
	    ev->hc.op == __HYPERVISOR_domctl && a->sbdf != PT_SBDF_NONE &&
	    (d = pt_model_device(c->m, a->sbdf)) && d->maskall == 1)
		return;
	/*
	 * A pirq this trace saw unmapped, not mapped again: QEMU unmaps a
	 * guest's GSI pirq at teardown and libxl then tries too; libxl's own
	 * comment calls that EINVAL spurious.  Nothing failed.
	 */
	if (ev->hc.op == __HYPERVISOR_physdev_op &&
	    ev->hc.cmd == PHYSDEVOP_unmap_pirq && ev->hdr.ret == -EINVAL &&
	    a->domid != PT_NONE && a->pirq != PT_NONE &&
	    pt_model_pirq_unmap(c->m, pt_domid_norm(a->domid), a->pirq))
		return;
	/* what the guest asked for: the vector and its MSI programming */
	if (pt_map_type_is_multi_msi(a->map_type) && a->entry_nr != PT_NONE) {
		/* MULTI_MSI's entry_nr is how many vectors */
		snprintf(what, sizeof(what), " (MSI, %d vectors)", a->entry_nr);
	} else if (pt_map_type_is_msi(a->map_type) && a->entry_nr != PT_NONE) {
		snprintf(what, sizeof(what), " (MSI entry %d)", a->entry_nr);
	} else if (pt_irq_type_is_msi(a->irq_type) && a->gvec != PT_NONE &&
		   a->flags != PT_NONE) {
		char g[96];

		pt_msi_gflags_format(a->flags, g, sizeof(g));
		snprintf(what, sizeof(what), " (MSI pirq %d, gvec %#x, %s)",
			 a->machine_irq, a->gvec, g);
	}
	pt_proof_add_ev(rule_report(c, a->sbdf, a->domid, ev->hdr.ts_ns, ev->hdr.ts_ns,
				    "%s%s%s%s for %s failed with %s%s", name, what,
				    a->sbdf != PT_SBDF_NONE ? " of " : "",
				    a->sbdf != PT_SBDF_NONE ? pt_sbdf_format(a->sbdf, b, sizeof(b)) : "",
				    pt_domid_format(a->domid, dd, sizeof(dd)),
				    pt_errno_name(ev->hdr.ret, e, sizeof(e)),
				    failure_hint(name, a, -ev->hdr.ret)),
			ev, line);
}

const struct rule_def rule_hypercall_failed = {
	.info = {
		"PT009", "hypercall-failed", PT_SEV_ERROR,
		"a passthrough hypercall from the toolstack failed",
		"see the decoded errno and hint; Xen's console (xl dmesg) usually says why",
	},
	.events = RULE_EV(PT_EV_HYPERCALL),
	.on_event = hcf_event,
};

/* ---------------------------------------------------- PT011 kernel-call-failed */

/* Known causes of a pciback probe or init failing, from the labs. */
static const char *pciback_hint(const struct rule_ctx *c, int err)
{
	if (err == -EINVAL)
		return " (a device without INTx on a PVH dom0 has no GSI to look up)";
	/* 6.12's pciback takes xen_reset_device's error as fatal */
	if (err == -ENOSYS && pt_model_dom0_pvh(c->m))
		return " (Xen has no PHYSDEVOP_pci_device_reset for a PVH dom0 before 4.20: pciback cannot seize devices)";
	return "";
}

static void kcf_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	char b[PT_SBDF_STRLEN], dd[16], e[24];
	__u32 sbdf = ev->hdr.sbdf;
	int domid;

	if (!failed(ev))
		return;
	if (ev->hdr.type == PT_EV_PCIBACK) {
		if (!d || (ev->hdr.kind != PT_PCIBACK_PROBE &&
			   ev->hdr.kind != PT_PCIBACK_INIT))
			return;
		pt_proof_add_ev(rule_report(c, d->sbdf, PT_NONE, ev->hdr.ts_ns, ev->hdr.ts_ns,
					    "pciback %s of %s failed with %s%s",
					    pt_kind_name(PT_EV_PCIBACK, ev->hdr.kind),
					    pt_sbdf_format(d->sbdf, b, sizeof(b)),
					    pt_errno_name(ev->hdr.ret, e, sizeof(e)),
					    pciback_hint(c, ev->hdr.ret)),
				ev, line);
		return;
	}
	domid = ev->pirq.domid == PT_NONE ? 0 : pt_domid_norm(ev->pirq.domid);
	pt_proof_add_ev(rule_report(c, sbdf, domid, ev->hdr.ts_ns, ev->hdr.ts_ns,
				    "dom0 pirq %s%s%s for %s failed with %s",
				    pt_kind_name(PT_EV_PIRQ, ev->hdr.kind),
				    sbdf != PT_SBDF_NONE ? " of " : "",
				    sbdf != PT_SBDF_NONE ? pt_sbdf_format(sbdf, b, sizeof(b)) : "",
				    pt_domid_format(domid, dd, sizeof(dd)),
				    pt_errno_name(ev->hdr.ret, e, sizeof(e))),
			ev, line);
}

const struct rule_def rule_kernel_call_failed = {
	.info = {
		"PT011", "kernel-call-failed", PT_SEV_WARNING,
		"a dom0 kernel passthrough step returned an error",
		"see the dom0 kernel log around the failing call; the message names known causes",
	},
	.events = RULE_EV(PT_EV_PCIBACK) | RULE_EV(PT_EV_PIRQ),
	.on_event = kcf_event,
};
