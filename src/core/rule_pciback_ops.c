// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A PV guest's requests to pciback (pcifront ops): PT016
 * msi-enable-refused, PT017 config-write-dropped.
 *
 * A PV guest cannot program MSI or MSI-X itself: its pcifront asks
 * pciback (enable_msix, enable_msi), which asks dom0 Linux
 * (pci_enable_msix_exact(), pci_enable_msi()), which asks Xen
 * (PHYSDEVOP_map_pirq for the guest).  A refusal anywhere along that
 * chain comes back to the guest as the op's err, and the guest's driver
 * quietly falls back to MSI, then to INTx.  Config writes go the same
 * way, through pciback's emulation of config space, which drops what it
 * does not emulate unless the device is permissive.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pt_names.h"
#include "rules.h"

static bool is_op(const struct pt_event *ev)
{
	return ev->hdr.type == PT_EV_PCIBACK && ev->hdr.kind == PT_PCIBACK_OP &&
	       ev->pciback.op != PT_NONE;
}

/* An op's device: the host's where known, else the slot the guest named. */
static __u32 op_dev(const struct pt_event *ev)
{
	return ev->hdr.sbdf != PT_SBDF_NONE ? ev->hdr.sbdf : ev->pciback.vsbdf;
}

static int op_err(const struct pt_event *ev)
{
	return (ev->hdr.flags & PT_EVF_HAS_RET) ? ev->hdr.ret : 0;
}

/* ---------------------------------------------------- PT016 msi-enable-refused */

#define MER_PENDING	16
#define MER_REFS	4
#define MER_DOM0	16

/* A guest's refused enables of one device, waiting for what it does next. */
struct mer_pending {
	bool used;
	__u32 dev;
	int domid;
	struct pt_evref ref[MER_REFS];	/* the refused ops */
	int nref;
};

/* dom0 Linux's last failed MSI/MSI-X enable of a device: the cause. */
struct mer_dom0 {
	__u32 sbdf;
	struct pt_evref ev;
};

struct mer_state {
	struct mer_pending p[MER_PENDING];
	struct mer_dom0 dom0[MER_DOM0];
	size_t ndom0;
};

static bool is_enable(const struct pt_event *ev)
{
	return ev->pciback.op == PT_PCIOP_ENABLE_MSI ||
	       ev->pciback.op == PT_PCIOP_ENABLE_MSIX ||
	       ev->pciback.op == PT_PCIOP_ENABLE_MULTI_MSI;
}

static struct mer_pending *mer_find(struct mer_state *s, __u32 dev, int domid)
{
	for (size_t i = 0; i < MER_PENDING; i++)
		if (s->p[i].used && s->p[i].dev == dev && s->p[i].domid == domid)
			return &s->p[i];
	return NULL;
}

static const struct pt_evref *mer_dom0_failure(struct mer_state *s,
					       const struct pt_event *op)
{
	/* dom0's enable runs inside the op, in pciback's worker */
	for (size_t i = 0; i < s->ndom0 && i < MER_DOM0; i++) {
		const struct pt_evref *r = &s->dom0[i].ev;

		if (s->dom0[i].sbdf == op->hdr.sbdf && r->ev.hdr.pid == op->hdr.pid &&
		    r->ev.hdr.ts_ns <= op->hdr.ts_ns &&
		    op->hdr.ts_ns - r->ev.hdr.ts_ns < 1000000000ull &&
		    r->ev.msi.msix == (op->pciback.op == PT_PCIOP_ENABLE_MSIX))
			return r;
	}
	return NULL;
}

/*
 * Why pciback answered err, as far as the trace and pciback's code tell
 * (a finding's message holds 256 bytes: short words).
 */
static const char *mer_cause(const struct pt_event *op,
			     const struct pt_evref *dom0, char *buf, size_t len)
{
	int err = op_err(op);
	char e[24];

	if (dom0) {
		int r = dom0->ev.hdr.ret;

		snprintf(buf, len, "dom0's %s said %s%s",
			 dom0->ev.msi.msix ? "pci_enable_msix_range" : "pci_enable_msi",
			 pt_errno_name(r, e, sizeof(e)),
			 r == -EINVAL ? " (MSI off in dom0: msi_bus, pci=nomsi, a quirk)" :
			 r == -ENOSPC || r == -EPERM || r == -ENOSYS ?
			 " (Xen refused to map it: xl dmesg)" : "");
		return buf;
	}
	if (op->pciback.op == PT_PCIOP_ENABLE_MSIX) {
		switch (-err) {
		case EALREADY:
			return "MSI-X still enabled in dom0 from an earlier enable";
		case ENXIO:
			return "MSI on, or memory decoding off (MSI-X table unreachable)";
		case EINVAL:
			return op->pciback.nvec > 128 ? "over 128 vectors" :
			       "dom0 or Xen refused it";
		case ENOMEM:
			return "out of memory in dom0";
		case EPERM:
		case ENOSPC:
		case ENOSYS:
			return "Xen refused to map it (xl dmesg)";
		}
		return "dom0 or Xen refused it";
	}
	if (err == PT_XEN_PCI_ERR_OP_FAILED)
		return "pciback hides the cause (dom0's log: error enabling MSI)";
	if (err == PT_XEN_PCI_ERR_NOT_IMPLEMENTED)
		return "op not implemented by this pciback";
	return "pciback refused it";
}

static void mer_report(struct rule_ctx *c, struct mer_pending *p,
		       const struct pt_event *next, unsigned long line,
		       __u64 now)
{
	struct mer_state *s = c->priv;
	const struct pt_event *first = &p->ref[0].ev;
	const struct pt_evref *d0 = mer_dom0_failure(s, first);
	char b[PT_SBDF_STRLEN], dd[16], e[48], cause[128];
	char chain[128], outcome[96], nv[24] = "", pirq[24] = "";
	int nvec = first->pciback.nvec;
	struct pt_finding *f;
	size_t n = 0;

	pt_domid_format(p->domid, dd, sizeof(dd));
	chain[0] = '\0';
	for (int i = 1; i < p->nref && n < sizeof(chain); i++) {
		const struct pt_event *o = &p->ref[i].ev;

		n += snprintf(chain + n, sizeof(chain) - n, "; %s too (%s)",
			      pt_pciop_name(o->pciback.op),
			      pt_pciop_err_name(o->pciback.op, op_err(o), e, sizeof(e)));
	}
	if (next) {
		if (next->pciback.pirq != PT_NONE)
			snprintf(pirq, sizeof(pirq), " (pirq %d)", next->pciback.pirq);
		snprintf(outcome, sizeof(outcome), "; then %s ok%s: it runs on %s",
			 pt_pciop_name(next->pciback.op), pirq,
			 next->pciback.op == PT_PCIOP_ENABLE_MSIX ? "MSI-X" : "MSI");
	} else {
		snprintf(outcome, sizeof(outcome),
			 "; none followed: %s is left on INTx or no interrupt",
			 dd);
	}
	/* refused by dom0, pciback's op holds the error: dom0 knew the count */
	if (nvec == PT_NONE && d0)
		nvec = d0->ev.msi.nvec;
	if (nvec != PT_NONE)
		snprintf(nv, sizeof(nv), " (%d vector%s)", nvec, nvec == 1 ? "" : "s");
	pt_pciop_err_name(first->pciback.op, op_err(first), e, sizeof(e));
	f = rule_report(c, first->hdr.sbdf, p->domid, first->hdr.ts_ns, now,
			"%s's %s%s for %s refused: %s, %s%s%s",
			dd, pt_pciop_name(first->pciback.op), nv,
			pt_sbdf_format(op_dev(first), b, sizeof(b)), e,
			mer_cause(first, d0, cause, sizeof(cause)), chain, outcome);
	/* each refusal after dom0's own failed enable inside it, if any */
	for (int i = 0; i < p->nref; i++) {
		const struct pt_evref *why = mer_dom0_failure(s, &p->ref[i].ev);

		if (why)
			pt_proof_add(f, why);
		pt_proof_add(f, &p->ref[i]);
	}
	if (next)
		pt_proof_add_ev(f, next, line);
	memset(p, 0, sizeof(*p));
}

static void mer_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	struct mer_state *s = c->priv;
	struct mer_pending *p;

	if (ev->hdr.type == PT_EV_MSI) {
		/* dom0's own enable failing: the cause of a refusal to come */
		if (ev->hdr.kind == PT_MSI_ENABLE && op_err(ev) < 0 &&
		    ev->hdr.sbdf != PT_SBDF_NONE) {
			struct mer_dom0 *x = &s->dom0[s->ndom0++ % MER_DOM0];

			x->sbdf = ev->hdr.sbdf;
			x->ev.ev = *ev;
			x->ev.line = line;
		}
		return;
	}
	if (!is_op(ev) || !is_enable(ev))
		return;
	p = mer_find(s, op_dev(ev), ev->pciback.domid);
	if (!op_err(ev)) {
		/* the guest got vectors after all: what it fell back to */
		if (p) {
			mer_report(c, p, ev, line, ev->hdr.ts_ns);
			rule_resolve(c, op_dev(ev));
		}
		return;
	}
	if (!p) {
		for (size_t i = 0; i < MER_PENDING && !p; i++)
			if (!s->p[i].used)
				p = &s->p[i];
		if (!p)
			return;
		p->used = true;
		p->dev = op_dev(ev);
		p->domid = ev->pciback.domid;
		rule_wait(c, p->dev, p->domid, ev, line);
	}
	if (p->nref < MER_REFS) {
		p->ref[p->nref].ev = *ev;
		p->ref[p->nref].line = line;
		p->nref++;
	}
}

static void mer_deadline(struct rule_ctx *c, const struct rule_wait *w,
			 __u64 now)
{
	struct mer_pending *p = mer_find(c->priv, w->sbdf, w->domid);

	if (p)
		mer_report(c, p, NULL, 0, now);
}

const struct rule_def rule_msi_enable_refused = {
	.info = {
		"PT016", "msi-enable-refused", PT_SEV_ERROR,
		"a guest's MSI/MSI-X enable was refused along pcifront -> pciback -> dom0 -> Xen",
		"read the cause named (dom0's kernel log says \"error enabling MSI(-X) for guest\"); let dom0 allow MSI for the device (msi_bus, pci=nomsi, quirks), enable memory decoding before MSI-X, and do not enable twice",
	},
	.events = RULE_EV(PT_EV_PCIBACK) | RULE_EV(PT_EV_MSI),
	.priv_size = sizeof(struct mer_state),
	.on_event = mer_event,
	.on_deadline = mer_deadline,
};

/* ---------------------------------------------------- PT017 config-write-dropped */

#define CWD_SEEN	64

/* One finding per device, guest and register: repeats are its proof. */
struct cwd_state {
	struct {
		__u32 dev;
		int domid, offset;
		size_t finding;
	} seen[CWD_SEEN];
	size_t nseen;
};

static void cwd_event(struct rule_ctx *c, const struct pt_event *ev,
		      unsigned long line, const struct pt_device *d)
{
	const struct pt_ev_pciback *p = &ev->pciback;
	struct cwd_state *s = c->priv;
	char b[PT_SBDF_STRLEN], dd[16], e[48], what[96];
	const char *field;
	int err = op_err(ev);

	if (!is_op(ev) || p->op != PT_PCIOP_CONF_WRITE ||
	    (p->dropped != 1 && !err))
		return;
	/*
	 * A PV guest's Linux writes the MSI and MSI-X control words as
	 * bare metal would, and pciback refuses them by design (without
	 * allow_interrupt_control): its enable ops do the work, PT016
	 * judges those and PT006 a MASKALL left without vectors.
	 */
	if (err && (p->cap == 0x05 || p->cap == 0x11) && p->capoff == 2 &&
	    p->offset < 0x100)
		return;
	for (size_t i = 0; i < s->nseen; i++)
		if (s->seen[i].dev == op_dev(ev) && s->seen[i].domid == p->domid &&
		    s->seen[i].offset == p->offset) {
			pt_proof_add_ev(rule_finding(c, s->seen[i].finding), ev, line);
			return;
		}
	field = pt_pciop_field(ev);
	if (*field)
		snprintf(what, sizeof(what), " (%s)", field);
	else
		what[0] = '\0';
	if (err)
		pt_proof_add_ev(rule_report(c, ev->hdr.sbdf, p->domid, ev->hdr.ts_ns,
					    ev->hdr.ts_ns,
					    "pciback refused %s's config write of %#llx to %s at %#x/%d%s with %s",
					    pt_domid_format(p->domid, dd, sizeof(dd)),
					    (unsigned long long)p->value,
					    pt_sbdf_format(op_dev(ev), b, sizeof(b)),
					    p->offset, p->size, what,
					    pt_pciop_err_name(p->op, err, e, sizeof(e))),
				ev, line);
	else
		pt_proof_add_ev(rule_report(c, ev->hdr.sbdf, p->domid, ev->hdr.ts_ns,
					    ev->hdr.ts_ns,
					    "pciback dropped %s's config write of %#llx to %s at %#x/%d%s: it does not emulate that register and the device is not permissive, yet the guest was told it succeeded",
					    pt_domid_format(p->domid, dd, sizeof(dd)),
					    (unsigned long long)p->value,
					    pt_sbdf_format(op_dev(ev), b, sizeof(b)),
					    p->offset, p->size, what),
				ev, line);
	if (s->nseen < CWD_SEEN) {
		s->seen[s->nseen].dev = op_dev(ev);
		s->seen[s->nseen].domid = p->domid;
		s->seen[s->nseen].offset = p->offset;
		s->seen[s->nseen].finding = rule_finding_count(c) - 1;
		s->nseen++;
	}
}

const struct rule_def rule_config_write_dropped = {
	.info = {
		"PT017", "config-write-dropped", PT_SEV_INFO,
		"pciback dropped or refused a guest's config-space write",
		"often harmless; if the guest's driver misbehaves for it, make the device permissive (xl pci spec permissive=1, or echo <bdf> > /sys/bus/pci/drivers/pciback/permissive): every write pciback does not emulate then reaches the device, so only do it for a guest you trust with the device",
	},
	.events = RULE_EV(PT_EV_PCIBACK),
	.priv_size = sizeof(struct cwd_state),
	.on_event = cwd_event,
};
