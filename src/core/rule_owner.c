// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * PT018 device-without-owner: a device leaves xen-pciback (a sysfs
 * unbind, rmmod xen-pciback) while Xen still holds it: quarantined with
 * dom_io since xl pci-assignable-add, or assigned to a guest.  dom0 then
 * has no driver on it and cannot use it (its DMA goes to Xen's
 * quarantine), and the toolstack cannot assign it (it is not
 * assignable any more).  xl pci-assignable-remove hands it back to dom0
 * first (deassign from dom_io), then unbinds it from pciback.
 *
 * Who holds a device in Xen comes from the toolstack's assign_device and
 * deassign_device: kept here, as the rule's own state.  A device whose
 * assignment the trace did not see is not judged.
 */
#include <stdio.h>
#include <stdlib.h>
#include "pt_grow.h"
#include "pt_names.h"
#include "rules.h"
#include "xen_public.h"

/* Xen's dom_io (xen.h's DOMID_IO): xl pci-assignable-add quarantines with it */
#define QUARANTINE	0x7FF1

struct holder {
	__u32 sbdf;
	int domid;		/* who holds it in Xen: 0 dom0, else dom_io or a guest */
	struct pt_evref since;	/* the call that gave it that holder */
};

struct holders {
	struct holder *h;
	size_t n, cap;
};

static struct holder *holder_find(struct holders *hs, __u32 sbdf)
{
	for (size_t i = 0; i < hs->n; i++)
		if (hs->h[i].sbdf == sbdf)
			return &hs->h[i];
	return NULL;
}

static struct holder *holder_get(struct holders *hs, __u32 sbdf)
{
	struct holder *h = holder_find(hs, sbdf);

	if (h)
		return h;
	h = PT_PUSH(hs->h, hs->n, hs->cap);
	h->sbdf = sbdf;
	return h;
}

static void hold(struct holders *hs, __u32 sbdf, int domid,
		 const struct pt_event *ev, unsigned long line)
{
	struct holder *h = holder_get(hs, sbdf);

	h->domid = pt_domid_norm(domid);
	h->since.ev = *ev;
	h->since.line = line;
}

static void dwo_hypercall(struct holders *hs, const struct pt_event *ev,
			  unsigned long line)
{
	const struct pt_hc_args *a = &ev->hc.args;
	bool ok = (ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret == 0;

	if (ev->hc.op != __HYPERVISOR_domctl || !ok ||
	    a->sbdf == PT_SBDF_NONE || a->domid == PT_NONE)
		return;
	if (ev->hc.cmd == XEN_DOMCTL_assign_device)
		hold(hs, a->sbdf, a->domid, ev, line);
	/*
	 * Out of dom_io the device goes back to dom0; out of a guest, into
	 * the quarantine again (Xen's default since 4.13)
	 */
	else if (ev->hc.cmd == XEN_DOMCTL_deassign_device)
		hold(hs, a->sbdf, a->domid == QUARANTINE ? 0 : QUARANTINE,
		     ev, line);
}

static void dwo_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	struct holders *hs = c->priv;
	struct pt_finding *f;
	struct holder *h;
	char b[PT_SBDF_STRLEN], dd[16];

	(void)d;
	if (ev->hdr.type == PT_EV_HYPERCALL) {
		dwo_hypercall(hs, ev, line);
		return;
	}
	if (ev->hdr.kind != PT_PCIBACK_REMOVE || ev->hdr.sbdf == PT_SBDF_NONE)
		return;
	h = holder_find(hs, ev->hdr.sbdf);
	if (!h || h->domid == 0)
		return;
	f = rule_report(c, h->sbdf, h->domid == QUARANTINE ? 0 : h->domid,
			h->since.ev.hdr.ts_ns, ev->hdr.ts_ns,
			"%s left xen-pciback while Xen still holds it (%s since line %lu): dom0 has no driver on it and cannot use it, and the toolstack cannot assign it",
			pt_sbdf_format(h->sbdf, b, sizeof(b)),
			h->domid == QUARANTINE ? "quarantined with dom_io" :
			pt_domid_format(h->domid, dd, sizeof(dd)),
			h->since.line);
	pt_proof_add(f, &h->since);
	pt_proof_add_ev(f, ev, line);
	/* one finding per departure: it stays unowned until assigned again */
	h->domid = 0;
}

static void dwo_fini(void *priv)
{
	free(((struct holders *)priv)->h);
}

const struct rule_def rule_device_without_owner = {
	.info = {
		"PT018", "device-without-owner", PT_SEV_ERROR,
		"a device left xen-pciback while Xen still held it",
		"hand it back with xl pci-assignable-remove (deassign from dom_io, then unbind), not a sysfs unbind or rmmod xen-pciback",
	},
	.events = RULE_EV(PT_EV_HYPERCALL) | RULE_EV(PT_EV_PCIBACK),
	.priv_size = sizeof(struct holders),
	.on_event = dwo_event,
	.fini = dwo_fini,
};
