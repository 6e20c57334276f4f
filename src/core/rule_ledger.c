// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * PT015 domain-ledger: what the toolstack granted a domain and never took
 * back, read at the domain's death.
 *
 * The ledger holds, per domain, every grant still outstanding: devices
 * assigned (assign_device), pirqs mapped for it by the toolstack
 * (map_pirq), and the permissions of irq_permission, gsi_permission,
 * iomem_permission and ioport_permission.  A revocation (deassign_device,
 * unmap_pirq, the same permission with allow 0) removes its grant, so the
 * ledger holds only what is outstanding and never grows with the log.
 *
 * Xen drops all of it with the domain, so what is left at destroydomain
 * is not a leak in Xen: the finding is information, a list of what the
 * toolstack or device model left for Xen to reclaim, each with the event
 * that granted it.  It is where to start when a reboot hangs, another
 * guest's passthrough breaks, or the next removal fails with -EINVAL /
 * -EPERM because an earlier step was skipped (field notes: "leaks at
 * teardown").  Pirqs dom0 itself still has bound after the death are
 * PT008's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pt_grow.h"
#include "pt_names.h"
#include "pt_xenhc.h"
#include "rules.h"
#include "xen_public.h"

enum grant_kind {
	GRANT_DEVICE,		/* a: sbdf */
	GRANT_PIRQ,		/* a: pirq mapped for the domain */
	GRANT_IRQ,		/* a: pirq the domain may use */
	GRANT_GSI,		/* a: gsi */
	GRANT_IOMEM,		/* a: first mfn, b: count */
	GRANT_IOPORT,		/* a: first port, b: count */
	GRANT_KINDS,
};

static const char *const grant_name[GRANT_KINDS] = {
	[GRANT_DEVICE] = "device",
	[GRANT_PIRQ] = "pirq mapping",
	[GRANT_IRQ] = "irq permission",
	[GRANT_GSI] = "gsi permission",
	[GRANT_IOMEM] = "iomem range",
	[GRANT_IOPORT] = "ioport range",
};

struct grant {
	enum grant_kind kind;
	uint64_t a, b;
	struct pt_evref by;	/* the event that granted it */
};

struct ledger {
	int domid;
	struct grant *g;
	size_t n, cap;
};

struct ledgers {
	struct ledger *l;
	size_t n, cap;
};

static bool ok(const struct pt_event *ev)
{
	return !(ev->hdr.flags & PT_EVF_HAS_RET) || ev->hdr.ret >= 0;
}

static struct ledger *ledger_of(struct ledgers *ls, int domid, bool make)
{
	struct ledger *l;

	for (size_t i = 0; i < ls->n; i++)
		if (ls->l[i].domid == domid)
			return &ls->l[i];
	if (!make)
		return NULL;
	l = PT_PUSH(ls->l, ls->n, ls->cap);
	l->domid = domid;
	return l;
}

static void grant(struct ledgers *ls, int domid, enum grant_kind kind,
		  uint64_t a, uint64_t b, const struct pt_event *ev,
		  unsigned long line)
{
	struct ledger *l = ledger_of(ls, domid, true);
	struct grant *g;

	for (size_t i = 0; i < l->n; i++)	/* granted twice: once here */
		if (l->g[i].kind == kind && l->g[i].a == a && l->g[i].b == b)
			return;
	g = PT_PUSH(l->g, l->n, l->cap);
	g->kind = kind;
	g->a = a;
	g->b = b;
	g->by.line = line;
	g->by.ev = *ev;
}

/* Takes back the grants of @kind within [a, a + b) (b 0: exactly a). */
static void revoke(struct ledgers *ls, int domid, enum grant_kind kind,
		   uint64_t a, uint64_t b)
{
	struct ledger *l = ledger_of(ls, domid, false);

	if (!l)
		return;
	for (size_t i = 0; i < l->n;) {
		const struct grant *g = &l->g[i];
		bool in = b ? g->a >= a && g->a + g->b <= a + b : g->a == a;

		if (g->kind == kind && in)
			l->g[i] = l->g[--l->n];
		else
			i++;
	}
}

static void on_domctl(struct ledgers *ls, const struct pt_event *ev,
		      unsigned long line)
{
	const struct pt_hc_args *a = &ev->hc.args;
	enum grant_kind kind;
	uint64_t first, count;
	bool allow;

	switch (ev->hc.cmd) {
	case XEN_DOMCTL_assign_device:
		if (a->sbdf != PT_SBDF_NONE)
			grant(ls, a->domid, GRANT_DEVICE, a->sbdf, 0, ev, line);
		break;
	case XEN_DOMCTL_deassign_device:
		if (a->sbdf != PT_SBDF_NONE)
			revoke(ls, a->domid, GRANT_DEVICE, a->sbdf, 0);
		break;
	case XEN_DOMCTL_irq_permission:
		if (a->allow)
			grant(ls, a->domid, GRANT_IRQ, a->pirq, 0, ev, line);
		else
			revoke(ls, a->domid, GRANT_IRQ, a->pirq, 0);
		break;
	case XEN_DOMCTL_gsi_permission:
		if (a->allow)
			grant(ls, a->domid, GRANT_GSI, a->gsi, 0, ev, line);
		else
			revoke(ls, a->domid, GRANT_GSI, a->gsi, 0);
		break;
	case XEN_DOMCTL_iomem_permission:
	case XEN_DOMCTL_ioport_permission:
		kind = ev->hc.cmd == XEN_DOMCTL_iomem_permission ?
		       GRANT_IOMEM : GRANT_IOPORT;
		if (pt_hc_io_range(&ev->hc, &first, &count, &allow))
			break;
		if (allow)
			grant(ls, a->domid, kind, first, count, ev, line);
		else
			revoke(ls, a->domid, kind, first, count);
		break;
	}
}

static void describe(const struct grant *g, char *buf, size_t len)
{
	char b[PT_SBDF_STRLEN];

	switch (g->kind) {
	case GRANT_DEVICE:
		snprintf(buf, len, "device %s",
			 pt_sbdf_format((__u32)g->a, b, sizeof(b)));
		break;
	case GRANT_IOMEM:
	case GRANT_IOPORT:
		snprintf(buf, len, "%s %#" PRIx64 "+%#" PRIx64,
			 g->kind == GRANT_IOMEM ? "iomem" : "ioport", g->a, g->b);
		break;
	default:
		snprintf(buf, len, "%s %" PRIu64, grant_name[g->kind], g->a);
		break;
	}
}

static int grant_cmp(const void *x, const void *y)
{
	const struct grant *a = x, *b = y;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->by.ev.hdr.ts_ns != b->by.ev.hdr.ts_ns)
		return a->by.ev.hdr.ts_ns < b->by.ev.hdr.ts_ns ? -1 : 1;
	return a->a < b->a ? -1 : a->a > b->a;
}

/* destroydomain succeeded: what the ledger still holds, then forget it */
static void at_death(struct rule_ctx *c, struct ledgers *ls,
		     const struct pt_event *ev, unsigned long line)
{
	struct ledger *l = ledger_of(ls, ev->hc.args.domid, false);
	char list[512], one[64], dd[16];
	size_t used = 0, shown = 0;
	struct pt_finding *f;
	__u32 sbdf = PT_SBDF_NONE;

	if (!l)
		return;
	if (l->n) {
		qsort(l->g, l->n, sizeof(*l->g), grant_cmp);
		list[0] = '\0';
		for (size_t i = 0; i < l->n; i++) {
			if (l->g[i].kind == GRANT_DEVICE && sbdf == PT_SBDF_NONE)
				sbdf = (__u32)l->g[i].a;
			if (shown == 8)
				continue;
			describe(&l->g[i], one, sizeof(one));
			/* used stays below sizeof(list): a long list is cut */
			used += snprintf(list + used, sizeof(list) - used, "%s%s",
					 shown ? ", " : "", one);
			if (used >= sizeof(list))
				used = sizeof(list) - 1;
			shown++;
		}
		f = rule_report(c, sbdf, l->domid, l->g[0].by.ev.hdr.ts_ns,
				ev->hdr.ts_ns,
				"%s destroyed with %zu grant%s never taken back, left to Xen to reclaim: %s%s",
				pt_domid_format(l->domid, dd, sizeof(dd)), l->n,
				l->n == 1 ? "" : "s", list,
				l->n > shown ? ", ..." : "");
		/* the proof: the first grants of each kind, then the death */
		for (size_t i = 0; i < l->n && f->nproof < PT_PROOF_MAX - 1; i++)
			if (!i || l->g[i].kind != l->g[i - 1].kind)
				pt_proof_add(f, &l->g[i].by);
		pt_proof_add_ev(f, ev, line);
	}
	free(l->g);
	*l = ls->l[--ls->n];
}

static void ledger_event(struct rule_ctx *c, const struct pt_event *ev,
			 unsigned long line, const struct pt_device *d)
{
	struct ledgers *ls = c->priv;
	const struct pt_hc_args *a = &ev->hc.args;

	if (!ok(ev) || a->domid == PT_NONE || a->domid == 0)
		return;
	if (ev->hc.op == __HYPERVISOR_physdev_op) {
		/* only a pirq known by number can be matched to its unmap */
		int mapped = pt_hc_mapped_pirq(ev);

		if (mapped >= 0)
			grant(ls, a->domid, GRANT_PIRQ, mapped, 0, ev, line);
		else if (ev->hc.cmd == PHYSDEVOP_unmap_pirq)
			revoke(ls, a->domid, GRANT_PIRQ, a->pirq, 0);
		return;
	}
	if (ev->hc.op != __HYPERVISOR_domctl)
		return;
	if (ev->hc.cmd == XEN_DOMCTL_destroydomain)
		at_death(c, ls, ev, line);
	else
		on_domctl(ls, ev, line);
}

static void ledger_fini(void *priv)
{
	struct ledgers *ls = priv;

	for (size_t i = 0; i < ls->n; i++)
		free(ls->l[i].g);
	free(ls->l);
}

const struct rule_def rule_domain_ledger = {
	.info = {
		"PT015", "domain-ledger", PT_SEV_INFO,
		"a domain died holding grants the toolstack never took back",
		"none needed for Xen, which reclaims them; when a removal or the next guest fails, compare with the toolstack's detach path (unmap_pirq, then irq_permission 0, deassign_device)",
	},
	.events = RULE_EV(PT_EV_HYPERCALL),
	.priv_size = sizeof(struct ledgers),
	.on_event = ledger_event,
	.fini = ledger_fini,
};
