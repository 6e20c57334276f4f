// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * PT019 msix-state-diverged: the device's own MSI-X state, read by the
 * MSI-X sampler, and what Xen holds for the guest disagree for longer
 * than a threshold.
 *
 *   - off: the sampler saw the device's MSI-X ENABLE set while a
 *     guest's MSI pirqs were mapped for it, then clear, with the pirqs
 *     still mapped and no reset by dom0 traced in between (a reset dom0
 *     did with the pirqs mapped is PT001's).  A reset nobody told Xen
 *     of (a Secondary Bus Reset done by hand) leaves exactly this:
 *     MSI-X off, every entry masked, the guest's pirqs still bound in
 *     Xen, and no interrupt from the device ever again.
 *   - entry: ENABLE set and MASKALL clear, and an entry's mask bit on
 *     the device differs from Xen's own (the `xen` view, H or G of debug
 *     key M) in either direction.
 *
 * Both views are sampled (the device every 100 ms, Xen every
 * --sample-xen period), so they disagree for a moment after every
 * change.  The threshold is the window for "off", and the window plus
 * Xen's view's period for "entry" (that view may lag one period).  One
 * finding per divergence: when the views agree again, a new one may be
 * reported.
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
	struct pt_evref table_ev;	/* the device's last mask bit change */
	struct pt_evref xen_ev;		/* Xen's view's last change */
	bool reported;			/* this divergence has its finding */
};

struct dv_state {
	struct dv_dev *d;
	size_t n, cap;
};

enum dv_kind { DV_NONE, DV_OFF, DV_ENTRY };

/* Lists in a finding are cut here: its message has 256 bytes. */
#define LIST_MAX	4

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

/* dom0 reset the device between ENABLE seen set and seen clear. */
static bool reset_between(const struct pt_device *dev, const struct dv_dev *s)
{
	for (size_t i = 0; i < dev->nresets; i++)
		if (dev->resets[i].ts >= s->enabled_ev.ev.hdr.ts_ns &&
		    dev->resets[i].ts <= s->ctrl_ev.ev.hdr.ts_ns)
			return true;
	return false;
}

static enum dv_kind diverged(const struct pt_model *m, const struct dv_dev *s,
			     int *domid)
{
	const struct pt_device *dev = pt_model_device(m, s->sbdf);
	__u64 newest;

	*domid = guest_vectors(m, s->sbdf, &newest);
	if (!dev || s->ctrl < 0 || *domid == PT_NONE)
		return DV_NONE;
	if (!(s->ctrl & 0x8000)) {
		/*
		 * On for these vectors first: not a word read before the
		 * guest enabled MSI-X, nor a guest that uses MSI instead.
		 */
		if (!s->enabled_seen || s->enabled_ev.ev.hdr.ts_ns < newest ||
		    reset_between(dev, s))
			return DV_NONE;
		return DV_OFF;
	}
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

static void keep(struct pt_evref *r, const struct pt_event *ev,
		 unsigned long line)
{
	r->ev = *ev;
	r->line = line;
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
		keep(&s->ctrl_ev, ev, line);
		if (ev->msix_ctrl.enable) {
			s->enabled_ev = s->ctrl_ev;
			s->enabled_seen = true;
		}
	}
	if (ev->hdr.type == PT_EV_VECTOR_MASK && ev->vmask.view == PT_VIEW_TABLE)
		keep(&s->table_ev, ev, line);
	if (ev->hdr.type == PT_EV_VECTOR_MASK && ev->vmask.view == PT_VIEW_XEN)
		keep(&s->xen_ev, ev, line);
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

/* "55,54,53" (at most LIST_MAX, then "..."): domid's MSI pirqs of sbdf. */
static void pirq_list(const struct pt_model *m, int domid, __u32 sbdf,
		      char *buf, size_t len)
{
	const struct pt_pirq_state *p;
	size_t pos = 0, used = 0;
	int n = 0;

	buf[0] = '\0';
	while ((p = pt_model_next_mapped(m, domid, sbdf, &pos))) {
		if (!guest_msi(p))
			continue;
		if (n++ == LIST_MAX) {
			snprintf(buf + used, len - used, ",...");
			return;
		}
		used += snprintf(buf + used, len - used, "%s%d",
				 used ? "," : "", p->pirq);
		if (used >= len)
			return;
	}
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
		if (n++ == LIST_MAX) {
			snprintf(buf + used, len - used, ",...");
			break;
		}
		used += snprintf(buf + used, len - used, "%s%d",
				 used ? "," : "", dev->entry_masks[i].entry);
		if (used >= len)
			break;
	}
	return n;
}

static struct pt_finding *report(struct rule_ctx *c, const struct rule_wait *w,
				 __u64 at, __u64 now, enum dv_kind kind,
				 int domid, const struct pt_device *dev,
				 const struct dv_dev *s)
{
	char b[PT_SBDF_STRLEN], dd[16], pirqs[64], ents[64], xen[64] = "";
	double secs = (double)(now - w->since) / 1e9;
	const struct pt_entry_mask *em;
	int entry;
	bool hw;

	pt_sbdf_format(w->sbdf, b, sizeof(b));
	pt_domid_format(domid, dd, sizeof(dd));
	pirq_list(c->m, domid, w->sbdf, pirqs, sizeof(pirqs));
	if (kind == DV_OFF) {
		if (xen_unmasked(dev, ents, sizeof(ents)))
			snprintf(xen, sizeof(xen), "; Xen holds entries %s unmasked",
				 ents);
		return rule_report(c, w->sbdf, domid, w->since, at,
				   "%s has MSI-X off on the device (control %#06x) while %s's MSI pirqs %s stay bound, for at least %.1f s, with no reset by dom0 traced%s: the device signals none of them",
				   b, s->ctrl, dd, pirqs, secs, xen);
	}
	entry = entry_differs(dev);
	em = pt_device_entry_mask(dev, entry);
	hw = em->view[PT_MV_DEVICE].masked;
	return rule_report(c, w->sbdf, domid, w->since, at,
			   "%s MSI-X entry %d is %s on the device but %s in Xen's view (%s's MSI pirqs %s), for at least %.1f s: %s",
			   b, entry, hw ? "masked" : "unmasked",
			   hw ? "unmasked" : "masked", dd, pirqs, secs,
			   hw ? "the device does not signal it" :
			   "the device signals a vector Xen keeps masked");
}

static void dv_deadline(struct rule_ctx *c, const struct rule_wait *w,
			__u64 now)
{
	struct dv_dev *s = dv_get(c->priv, w->sbdf);
	const struct pt_device *dev = pt_model_device(c->m, w->sbdf);
	const struct pt_pirq_state *p;
	struct pt_finding *f;
	enum dv_kind kind;
	size_t pos = 0;
	__u64 at;
	int domid;

	/*
	 * The log ended inside the threshold (the end concludes every wait
	 * at its deadline, past the last event): too short to tell.
	 */
	if (now <= w->deadline && pt_state_last_ts(c->m) < w->deadline)
		return;
	kind = diverged(c->m, s, &domid);
	if (kind == DV_NONE || !dev)
		return;
	/*
	 * No event came between the deadline and now, so the state read
	 * here held all along: the finding is dated when the threshold
	 * passed (a window after it does not make it uncertain).  A wait
	 * that became the slower kind meanwhile is judged by its threshold.
	 */
	at = w->since + threshold(c->m, kind);
	if (at > now) {
		rule_wait_for(c, w->sbdf, domid, &w->cause.ev, w->cause.line,
			      threshold(c->m, kind));
		return;
	}
	if (at < w->deadline)
		at = w->deadline;
	s->reported = true;
	f = report(c, w, at, now, kind, domid, dev, s);
	/* the proof: what Xen holds (the bindings), then what the device shows */
	while ((p = pt_model_next_mapped(c->m, domid, w->sbdf, &pos)))
		if (guest_msi(p))
			pt_proof_add(f, &p->bind);
	if (kind == DV_OFF) {
		pt_proof_add(f, &s->enabled_ev);
		pt_proof_add(f, &s->ctrl_ev);
	} else {
		if (s->table_ev.line || s->table_ev.ev.hdr.ts_ns)
			pt_proof_add(f, &s->table_ev);
		if (s->xen_ev.line || s->xen_ev.ev.hdr.ts_ns)
			pt_proof_add(f, &s->xen_ev);
	}
}

static void dv_fini(void *priv)
{
	free(((struct dv_state *)priv)->d);
}

const struct rule_def rule_msix_state_diverged = {
	.info = {
		"PT019", "msix-state-diverged", PT_SEV_ERROR,
		"the device's MSI-X state and Xen's disagree",
		"find what reset or wrote the device behind Xen's back, and do not reset a device a running guest uses; after a reset through pciback, dom0 Linux has Xen restore only the MSI-X it enabled itself (PHYSDEVOP_restore_msi_ext, restore_msi: a PV guest's), never a device model's",
	},
	.events = RULE_EV(PT_EV_MSIX_CTRL) | RULE_EV(PT_EV_VECTOR_MASK) |
		  RULE_EV(PT_EV_PIRQ) | RULE_EV(PT_EV_HYPERCALL),
	.priv_size = sizeof(struct dv_state),
	.on_event = dv_event,
	.on_deadline = dv_deadline,
	.fini = dv_fini,
};
