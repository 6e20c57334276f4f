// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reset quality: PT012 no-reset-method, PT013 reset-failed,
 * PT014 owner-not-reset.
 *
 * __pci_reset_function_locked() tries the device's reset methods in turn
 * (device specific, FLR, AF FLR, PM, bus) and returns 0 as soon as one
 * resets the device.  -ENOTTY means none did: the device has none that
 * applies (an e1000 in QEMU has no FLR, no PM reset and sits on the root
 * bus), or every one gave up (pci_dev_wait() also says -ENOTTY when the
 * device is not ready in time).  A single method returning -ENOTTY is
 * normal: the next is tried.  So only the whole-device calls are judged
 * (and pci_reset_bus(), the exported slot or bus reset).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "idmap.h"
#include "pt_names.h"
#include "rules.h"

/* The calls that stand for a whole reset, not one method of it. */
static bool whole_reset(const struct pt_event *ev)
{
	return ev->hdr.type == PT_EV_PCI_RESET &&
	       (ev->hdr.kind == PT_RESET_FUNCTION_LOCKED ||
		ev->hdr.kind == PT_RESET_FUNCTION ||
		ev->hdr.kind == PT_RESET_BUS);
}

static bool reset_failed(const struct pt_event *ev)
{
	return (ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0;
}

/* Per device, grown as devices appear: rules keep their own books. */
struct per_dev {
	struct idmap index;	/* sbdf -> element */
	void *elems;
	size_t n, cap, size;
};

static void *per_dev_get(struct per_dev *p, __u32 sbdf, size_t size)
{
	size_t *slot = idmap_slot(&p->index, sbdf, false);

	if (!slot) {
		if (p->n == p->cap) {
			size_t nc = p->cap ? p->cap * 2 : 16;

			p->elems = realloc(p->elems, nc * size);
			if (!p->elems)
				abort();
			p->cap = nc;
		}
		memset((char *)p->elems + p->n * size, 0, size);
		slot = idmap_slot(&p->index, sbdf, true);
		*slot = p->n++;
	}
	return (char *)p->elems + *slot * size;
}

static void per_dev_fini(void *priv)
{
	struct per_dev *p = priv;

	idmap_free(&p->index);
	free(p->elems);
}

/* ---------------------------------------------------- PT012 no-reset-method */

struct nrm_dev {
	bool reported;
	size_t finding;		/* one per device: later failures are proof */
};

static void nrm_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	char b[PT_SBDF_STRLEN];
	struct nrm_dev *s;

	if (!d || !whole_reset(ev) || !reset_failed(ev) || ev->hdr.ret != -ENOTTY)
		return;
	/* a property of the device: one finding, every failed reset its proof */
	s = per_dev_get(c->priv, d->sbdf, sizeof(*s));
	if (s->reported) {
		pt_proof_add_ev(rule_finding(c, s->finding), ev, line);
		return;
	}
	pt_proof_add_ev(rule_report(c, d->sbdf, PT_NONE, ev->hdr.ts_ns, ev->hdr.ts_ns,
				    "%s has no reset method that works: %s returned ENOTTY, so what one owner leaves in the device reaches the next",
				    pt_sbdf_format(d->sbdf, b, sizeof(b)),
				    pt_kind_name(PT_EV_PCI_RESET, ev->hdr.kind)),
			ev, line);
	s->reported = true;
	s->finding = rule_finding_count(c) - 1;
}

const struct rule_def rule_no_reset_method = {
	.info = {
		"PT012", "no-reset-method", PT_SEV_WARNING,
		"device reset found no reset method (ENOTTY)",
		"see /sys/bus/pci/devices/<bdf>/reset_method; pass through devices with FLR or a secondary bus reset, or accept leftover state knowingly (Qubes: no-strict-reset)",
	},
	.events = RULE_EV(PT_EV_PCI_RESET),
	.priv_size = sizeof(struct per_dev),
	.on_event = nrm_event,
	.fini = per_dev_fini,
};

/* ---------------------------------------------------- PT013 reset-failed */

struct rf_dev {
	size_t reported_reset;	/* pt_device_resets() at the last one reported */
};

static void rf_event(struct rule_ctx *c, const struct pt_event *ev,
		     unsigned long line, const struct pt_device *d)
{
	char b[PT_SBDF_STRLEN], e[24];
	struct rf_dev *s;

	if (!d || !whole_reset(ev) || !reset_failed(ev) || ev->hdr.ret == -ENOTTY)
		return;
	/* pci_reset_function() around __pci_reset_function_locked(): one reset */
	s = per_dev_get(c->priv, d->sbdf, sizeof(*s));
	if (s->reported_reset == pt_device_resets(d))
		return;
	s->reported_reset = pt_device_resets(d);
	pt_proof_add_ev(rule_report(c, d->sbdf, PT_NONE, ev->hdr.ts_ns, ev->hdr.ts_ns,
				    "%s reset (%s) failed with %s: the device keeps whatever its last owner left in it",
				    pt_sbdf_format(d->sbdf, b, sizeof(b)),
				    pt_kind_name(PT_EV_PCI_RESET, ev->hdr.kind),
				    pt_errno_name(ev->hdr.ret, e, sizeof(e))),
			ev, line);
}

const struct rule_def rule_reset_failed = {
	.info = {
		"PT013", "reset-failed", PT_SEV_ERROR,
		"a device reset failed",
		"read the dom0 kernel log around the reset ('not ready after FLR', 'can't reset'); do not hand the device to another guest until a reset succeeds",
	},
	.events = RULE_EV(PT_EV_PCI_RESET),
	.priv_size = sizeof(struct per_dev),
	.on_event = rf_event,
	.fini = per_dev_fini,
};

/* ---------------------------------------------------- PT014 owner-not-reset */

struct onr_dev {
	size_t owner_changes;	/* pt_device_owner_changes() looked at */
	bool used;		/* an owner used it since the last good reset */
	enum pt_owner user;	/* that owner: dom0 or a domain */
	int user_domid;
	struct pt_evref user_ev;	/* the event that gave it to that owner */
	bool have_failed;
	struct pt_evref failed;		/* the last reset that failed since */
};

/*
 * dom0's driver or a guest used the device; pciback holding it (or
 * quarantine) is custody, not use.  A good reset in between makes the
 * device fit for the next owner; handing it to a guest without one gives
 * that guest what the last user left (DMA setup, device memory, a
 * half-programmed MSI-X table).
 */
static void onr_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	char b[PT_SBDF_STRLEN], to[16], from[16], e[24];
	struct pt_finding *f;
	struct onr_dev *s;

	if (!d)
		return;
	s = per_dev_get(c->priv, d->sbdf, sizeof(*s));
	if (ev->hdr.type == PT_EV_PCI_RESET && ev->hdr.kind != PT_RESET_XEN_NOTIFY) {
		if (!reset_failed(ev)) {
			s->used = false;
			s->have_failed = false;
		} else if (whole_reset(ev)) {
			s->failed.line = line;
			s->failed.ev = *ev;
			s->have_failed = true;
		}
	}
	if (s->owner_changes == pt_device_owner_changes(d))
		return;
	s->owner_changes = pt_device_owner_changes(d);
	if (d->owner != PT_OWNER_DOM0 && d->owner != PT_OWNER_DOMAIN)
		return;
	if (d->owner == PT_OWNER_DOMAIN && s->used &&
	    !(s->user == PT_OWNER_DOMAIN && s->user_domid == d->domid)) {
		if (s->user == PT_OWNER_DOMAIN)
			pt_domid_format(s->user_domid, from, sizeof(from));
		else
			snprintf(from, sizeof(from), "dom0's driver");
		if (s->have_failed && s->failed.ev.hdr.ret == -ENOTTY)
			snprintf(e, sizeof(e), "-ENOTTY");
		else if (s->have_failed)
			pt_errno_name(s->failed.ev.hdr.ret, e, sizeof(e));
		f = rule_report(c, d->sbdf, d->domid, s->user_ev.ev.hdr.ts_ns,
				ev->hdr.ts_ns,
				"%s handed to %s with no successful reset since %s held it%s%s",
				pt_sbdf_format(d->sbdf, b, sizeof(b)),
				pt_domid_format(d->domid, to, sizeof(to)), from,
				s->have_failed ? ": the last reset failed with " : "",
				s->have_failed ? e : "");
		/* the proof: the last owner taking it, the failed reset, the handover */
		pt_proof_add(f, &s->user_ev);
		if (s->have_failed)
			pt_proof_add(f, &s->failed);
		pt_proof_add_ev(f, ev, line);
	}
	s->used = true;
	s->user = d->owner;
	s->user_domid = d->domid;
	s->user_ev.line = line;
	s->user_ev.ev = *ev;
}

const struct rule_def rule_owner_not_reset = {
	.info = {
		"PT014", "owner-not-reset", PT_SEV_WARNING,
		"device handed to a guest with no successful reset since its last owner",
		"reset the device between owners (pciback resets it on pci-assignable-add and when a guest releases it: see why that reset failed)",
	},
	.events = ~0u,
	.priv_size = sizeof(struct per_dev),
	.on_event = onr_event,
	.fini = per_dev_fini,
};
