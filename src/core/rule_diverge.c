// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * PT019 msix-state-diverged: the device's own MSI-X state, read by the
 * MSI-X sampler, and what Xen holds for the guest disagree for longer
 * than the window.
 *
 *   - off: the device's Message Control has ENABLE clear while a
 *     guest's MSI pirqs stay mapped for it.  Seen after the guest's
 *     vectors were mapped, so not the sampler's word from before the
 *     guest enabled MSI-X.  A reset Xen was not told of (a Secondary Bus
 *     Reset done by hand) leaves exactly this: MSI-X off, every entry
 *     masked, and Xen still delivering to the guest's vectors.
 *   - entry: ENABLE set and MASKALL clear, and an entry's mask bit on
 *     the device differs from Xen's own (the `xen` view, H or G of debug
 *     key M) in either direction.
 *
 * Both views are sampled (the device every 100 ms, Xen every
 * --sample-xen period), so they disagree for a moment after every
 * change.  The threshold is the window for "off" (the sampler's word is
 * only judged once it is newer than the mappings), and the window plus
 * Xen's view's period for "entry" (the slower view may lag that much).
 * One finding per divergence: when the views agree again, a new one
 * may be reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include "pt_grow.h"
#include "pt_names.h"
#include "rules.h"

/* What the rule remembers of a device. */
struct dv_dev {
	__u32 sbdf;
	int ctrl;			/* the device's Message Control, -1 */
	struct pt_evref ctrl_ev;	/* the sampler's read of it */
	bool enabled_seen;
	struct pt_evref enabled_ev;	/* the last read with ENABLE set */
	struct pt_evref xen_ev;		/* Xen's view's last change */
	bool have_xen;
	bool reported;			/* this divergence has its finding */
};

struct dv_state {
	struct dv_dev *d;
	size_t n, cap;
};

enum dv_kind { DV_NONE, DV_OFF, DV_ENTRY };

static struct dv_dev *dv_get(struct dv_state *s, __u32 sbdf)
{
	struct dv_dev *d;

	for (size_t i = 0; i < s->n; i++)
		if (s->d[i].sbdf == sbdf)
			return &s->d[i];
	d = PT_PUSH(s->d, s->n, s->cap);
	d->sbdf = sbdf;
	d->ctrl = -1;
	return d;
}

static bool guest_msi(const struct pt_pirq_state *p)
{
	return p->gsi == PT_NONE && p->domid != 0;
}

/* The guest domain whose MSI pirqs are mapped for sbdf, and the newest
 * binding among them; PT_NONE if none. */
static int guest_vectors(const struct pt_model *m, __u32 sbdf, __u64 *newest)
{
	const struct pt_pirq_state *p;
	size_t pos = 0;
	int domid = PT_NONE;

	*newest = 0;
	while ((p = pt_model_next_mapped(m, PT_NONE, sbdf, &pos))) {
		if (!guest_msi(p))
			continue;
		domid = p->domid;
		if (p->bind.ev.hdr.ts_ns > *newest)
			*newest = p->bind.ev.hdr.ts_ns;
	}
	return domid;
}

/* The first entry whose device and Xen bits differ, or PT_NONE. */
static int entry_differs(const struct pt_device *dev)
{
	for (size_t i = 0; i < dev->nentry_masks; i++) {
		const struct pt_entry_mask *em = &dev->entry_masks[i];
		int hw = em->view[PT_MV_DEVICE].masked;
		int xen = em->view[PT_MV_XEN].masked;

		if (hw >= 0 && xen >= 0 && hw != xen)
			return em->entry;
	}
	return PT_NONE;
}

static enum dv_kind diverged(const struct pt_model *m, const struct dv_dev *s,
			     int *domid)
{
	const struct pt_device *dev = pt_model_device(m, s->sbdf);
	__u64 newest;

	*domid = guest_vectors(m, s->sbdf, &newest);
	if (!dev || s->ctrl < 0 || *domid == PT_NONE)
		return DV_NONE;
	if (!(s->ctrl & 0x8000))
		return s->ctrl_ev.ev.hdr.ts_ns > newest ? DV_OFF : DV_NONE;
	if (!(s->ctrl & 0x4000) && entry_differs(dev) != PT_NONE)
		return DV_ENTRY;
	return DV_NONE;
}

/* How long the views must disagree before it is a finding. */
static __u64 threshold(const struct pt_model *m, enum dv_kind kind)
{
	__u64 t = pt_model_window(m);

	return kind == DV_ENTRY ? t + pt_model_sample_period(m, PT_MV_XEN) : t;
}

static void dv_event(struct rule_ctx *c, const struct pt_event *ev,
		     unsigned long line, const struct pt_device *d)
{
	struct dv_state *st = c->priv;
	enum dv_kind kind;
	struct dv_dev *s;
	int domid;

	if (!d)
		return;
	s = dv_get(st, d->sbdf);
	if (ev->hdr.type == PT_EV_MSIX_CTRL && ev->msix_ctrl.view == PT_VIEW_TABLE) {
		s->ctrl = ev->msix_ctrl.value;
		s->ctrl_ev.ev = *ev;
		s->ctrl_ev.line = line;
		if (ev->msix_ctrl.enable) {
			s->enabled_ev = s->ctrl_ev;
			s->enabled_seen = true;
		}
	}
	if (ev->hdr.type == PT_EV_VECTOR_MASK && ev->vmask.view == PT_VIEW_XEN) {
		s->xen_ev.ev = *ev;
		s->xen_ev.line = line;
		s->have_xen = true;
	}
	kind = diverged(c->m, s, &domid);
	if (kind == DV_NONE) {
		s->reported = false;
		if (rule_waiting(c, s->sbdf))
			rule_resolve(c, s->sbdf);
		return;
	}
	if (!s->reported && !rule_waiting(c, s->sbdf))
		rule_wait_for(c, s->sbdf, domid, ev, line,
			      threshold(c->m, kind));
}

/* "0,1,2": the entries Xen's view holds unmasked; how many. */
static int xen_unmasked(const struct pt_device *dev, char *buf, size_t len)
{
	size_t used = 0;
	int n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < dev->nentry_masks; i++) {
		if (dev->entry_masks[i].view[PT_MV_XEN].masked != 0)
			continue;
		n++;
		if (used + 12 < len)
			used += snprintf(buf + used, len - used, "%s%d",
					 used ? "," : "", dev->entry_masks[i].entry);
	}
	return n;
}

/* Why the device's MSI-X went off: a reset since it was last seen on. */
static void off_cause(const struct pt_device *dev, const struct dv_dev *s,
		      char *buf, size_t len)
{
	__u64 from = s->enabled_seen ? s->enabled_ev.ev.hdr.ts_ns : 0;
	__u64 to = s->ctrl_ev.ev.hdr.ts_ns;

	for (size_t i = dev->nresets; i-- > 0;) {
		const struct pt_reset *r = &dev->resets[i];

		if (r->ts > to || r->ts < from)
			continue;
		snprintf(buf, len, "after dom0's %s reset (line %lu)%s",
			 pt_kind_name(PT_EV_PCI_RESET, r->method), r->line,
			 r->xen_told ? "" : ", Xen not told");
		return;
	}
	snprintf(buf, len, "no reset by dom0 traced (one behind the kernel's back)");
}

static void dv_deadline(struct rule_ctx *c, const struct rule_wait *w,
			__u64 now)
{
	struct dv_dev *s = dv_get(c->priv, w->sbdf);
	const struct pt_device *dev = pt_model_device(c->m, w->sbdf);
	char b[PT_SBDF_STRLEN], dd[16], pirqs[96], ents[96], why[256];
	const struct pt_pirq_state *p;
	struct pt_finding *f;
	enum dv_kind kind;
	size_t pos = 0;
	int domid, entry;

	/*
	 * No event came between the deadline and now: the state read here
	 * is the state at the deadline, where the finding is dated (a
	 * blind window after it does not make it uncertain).  The log
	 * ended inside the threshold (the end concludes every wait
	 * at its deadline): too short to tell.
	 */
	if (now <= w->deadline && pt_state_last_ts(c->m) < w->deadline)
		return;
	kind = diverged(c->m, s, &domid);
	if (kind == DV_NONE || !dev)
		return;
	/* became the slower kind during the wait: wait the rest of its threshold */
	if (w->deadline - w->since < threshold(c->m, kind)) {
		rule_wait_for(c, w->sbdf, domid, &w->cause.ev, w->cause.line,
			      threshold(c->m, kind));
		return;
	}
	s->reported = true;
	pirqs[0] = '\0';
	for (size_t used = 0; (p = pt_model_next_mapped(c->m, domid, w->sbdf, &pos));)
		if (guest_msi(p) && used + 12 < sizeof(pirqs))
			used += snprintf(pirqs + used, sizeof(pirqs) - used,
					 "%s%d", used ? "," : "", p->pirq);
	pt_sbdf_format(w->sbdf, b, sizeof(b));
	pt_domid_format(domid, dd, sizeof(dd));
	if (kind == DV_OFF) {
		char xen[96] = "";

		off_cause(dev, s, why, sizeof(why));
		if (xen_unmasked(dev, ents, sizeof(ents)))
			snprintf(xen, sizeof(xen), "; Xen holds entries %s unmasked",
				 ents);
		f = rule_report(c, w->sbdf, domid, w->since, w->deadline,
				"%s has MSI-X off on the device (control %#06x) while %s's MSI pirqs %s stay mapped, for at least %.1f s; %s%s: the guest's interrupts are lost",
				b, s->ctrl, dd, pirqs,
				(double)(now - w->since) / 1e9, why, xen);
	} else {
		const struct pt_entry_mask *em;
		bool hw;

		entry = entry_differs(dev);
		em = pt_device_entry_mask(dev, entry);
		hw = em->view[PT_MV_DEVICE].masked;
		f = rule_report(c, w->sbdf, domid, w->since, w->deadline,
				"%s MSI-X entry %d is %s on the device but %s in Xen's view (%s's pirqs %s), for at least %.1f s: %s",
				b, entry, hw ? "masked" : "unmasked",
				hw ? "unmasked" : "masked", dd, pirqs,
				(double)(now - w->since) / 1e9,
				hw ? "its interrupts to the guest are lost" :
				"the device signals a vector Xen keeps masked");
	}
	/* the proof: what Xen holds (the bindings), then what the device shows */
	pos = 0;
	while ((p = pt_model_next_mapped(c->m, domid, w->sbdf, &pos)))
		if (guest_msi(p))
			pt_proof_add(f, &p->bind);
	pt_proof_add(f, &w->cause);
	if (kind == DV_ENTRY && s->have_xen &&
	    s->xen_ev.line != w->cause.line)
		pt_proof_add(f, &s->xen_ev);
}

static void dv_fini(void *priv)
{
	free(((struct dv_state *)priv)->d);
}

const struct rule_def rule_msix_state_diverged = {
	.info = {
		"PT019", "msix-state-diverged", PT_SEV_ERROR,
		"the device's MSI-X state and Xen's disagree",
		"find who reset or wrote the device behind Xen's back: reset it only through pciback or the sysfs reset, after which Linux has Xen restore MSI-X (PHYSDEVOP_restore_msi), or with the guest's vectors unmapped first",
	},
	.events = RULE_EV(PT_EV_MSIX_CTRL) | RULE_EV(PT_EV_VECTOR_MASK) |
		  RULE_EV(PT_EV_PIRQ) | RULE_EV(PT_EV_HYPERCALL),
	.priv_size = sizeof(struct dv_state),
	.on_event = dv_event,
	.on_deadline = dv_deadline,
	.fini = dv_fini,
};
