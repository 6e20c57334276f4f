// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The state model and the ordering rules.
 *
 * Everything here is derived from events alone.  Events often name only
 * part of the chain (an irq, a pirq, a port), so the model keeps the joins
 * dom0 itself keeps: gsi -> device, irq -> pirq, pirq -> device, port ->
 * irq, and attributes each event to the device it concerns.
 *
 * Rules that need a follow-up event ("reset, then Xen is told") park a
 * pending check with a deadline; it concludes when the follow-up arrives,
 * when trace time passes the deadline, or at pt_model_finish().  A lost
 * event window overlapping what a finding relies on turns it into
 * "incomplete": never a false bug.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "pt_model.h"
#include "pt_names.h"
#include "rules.h"
#include "xen_public.h"

#define DEFAULT_WINDOW_NS	1000000000ull

/* ------------------------------------------------------------ u64 map */

/* Open addressing, linear probing; keys are never removed (values are). */
struct idmap {
	uint64_t *keys;
	size_t *vals;
	unsigned char *used;
	size_t cap;
	size_t len;
};

static uint64_t hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

static size_t *idmap_slot(struct idmap *m, uint64_t key, bool insert)
{
	size_t i;

	if (insert && (m->len + 1) * 2 > m->cap) {
		struct idmap n = { 0 };

		n.cap = m->cap ? m->cap * 2 : 64;
		n.keys = calloc(n.cap, sizeof(*n.keys));
		n.vals = calloc(n.cap, sizeof(*n.vals));
		n.used = calloc(n.cap, 1);
		if (!n.keys || !n.vals || !n.used)
			abort();
		for (i = 0; i < m->cap; i++)
			if (m->used[i])
				*idmap_slot(&n, m->keys[i], true) = m->vals[i];
		free(m->keys);
		free(m->vals);
		free(m->used);
		*m = n;
	}
	if (!m->cap)
		return NULL;
	for (i = hash64(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->used[i]) {
			if (!insert)
				return NULL;
			m->used[i] = 1;
			m->keys[i] = key;
			m->len++;
			return &m->vals[i];
		}
		if (m->keys[i] == key)
			return &m->vals[i];
	}
}

static void idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
}

/* Growable arrays of fixed-size records. */
#define GROW(arr, n, cap) \
	do { \
		if ((n) == (cap)) { \
			size_t nc = (cap) ? (cap) * 2 : 16; \
			void *p = realloc((arr), nc * sizeof(*(arr))); \
			if (!p) \
				abort(); \
			(arr) = p; \
			(cap) = nc; \
		} \
	} while (0)

/* ------------------------------------------------------------ state */

/* A pirq as dom0's event code knows it. */
struct pirq_rec {
	int pirq;
	int domid;		/* normalized: dom0 is 0 */
	int irq;
	int gsi;
	int entry;
	int evtchn;
	__u32 sbdf;
	bool mapped;
	struct pt_evref bind;	/* the event that bound it */
};

struct gsi_rec {
	int gsi;
	int irq;
	__u32 sbdf;
	bool have_ev;
	struct pt_evref reg;
};

struct port_rec {
	int irq;
	int pirq;
	bool bound;
	struct pt_evref bind;
};

struct domain_rec {
	bool destroyed;
	struct pt_evref destroy;
};

struct pending {
	enum pt_rule_id rule;
	__u32 sbdf;
	int domid;
	__u64 deadline;
	__u64 since;
	struct pt_evref cause;
	bool done;
};

struct lost_window {
	__u64 from;
	__u64 to;
};

struct pt_model {
	char dom0_mode[8];
	__u64 window_ns;

	struct pt_device **devs;
	size_t ndevs, capdevs;
	struct idmap dev_by_sbdf;

	struct pirq_rec *pirqs;
	size_t npirqs, cappirqs;
	struct idmap pirq_by_key;	/* domid << 32 | pirq */
	struct idmap pirq_by_irq;	/* dom0 Linux irq */

	struct gsi_rec *gsis;
	size_t ngsis, capgsis;
	struct idmap gsi_by_num;
	struct idmap gsi_by_irq;	/* Linux irq of a registered GSI */

	struct port_rec *ports;
	size_t nports, capports;
	struct idmap port_by_num;

	struct domain_rec *doms;
	size_t ndoms, capdoms;
	struct idmap dom_by_id;

	/* toolstack map_pirq(GSI) results: domid << 32 | pirq -> gsi */
	struct idmap ts_gsi_by_pirq;
	/* gsi -> index of its gsi-not-registered finding */
	struct idmap unreg_gsi_finding;

	struct pending *pend;
	size_t npend, cappend;

	struct lost_window *lost;
	size_t nlost, caplost;
	__u64 last_ts;

	struct pt_finding *findings;
	size_t nfindings, capfindings;

	struct pt_model_stats stats;
};

static uint64_t pirq_key(int domid, int pirq)
{
	return ((uint64_t)(uint32_t)domid << 32) | (uint32_t)pirq;
}

struct pt_model *pt_model_new(void)
{
	struct pt_model *m = calloc(1, sizeof(*m));

	if (m)
		m->window_ns = DEFAULT_WINDOW_NS;
	return m;
}

void pt_model_free(struct pt_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->ndevs; i++) {
		free(m->devs[i]->history);
		free(m->devs[i]->vectors);
		free(m->devs[i]->resets);
		free(m->devs[i]);
	}
	free(m->devs);
	free(m->pirqs);
	free(m->gsis);
	free(m->ports);
	free(m->doms);
	free(m->pend);
	free(m->lost);
	free(m->findings);
	idmap_free(&m->dev_by_sbdf);
	idmap_free(&m->pirq_by_key);
	idmap_free(&m->pirq_by_irq);
	idmap_free(&m->gsi_by_num);
	idmap_free(&m->gsi_by_irq);
	idmap_free(&m->port_by_num);
	idmap_free(&m->dom_by_id);
	idmap_free(&m->ts_gsi_by_pirq);
	idmap_free(&m->unreg_gsi_finding);
	free(m);
}

void pt_model_set_dom0_mode(struct pt_model *m, const char *mode)
{
	snprintf(m->dom0_mode, sizeof(m->dom0_mode), "%s", mode ? mode : "");
}

void pt_model_set_window(struct pt_model *m, __u64 ns)
{
	m->window_ns = ns;
}

static bool dom0_is_pvh(const struct pt_model *m)
{
	return !strcmp(m->dom0_mode, "pvh");
}

/* ------------------------------------------------------------ lookups */

static struct pt_device *dev_get(struct pt_model *m, __u32 sbdf, bool create)
{
	size_t *slot;
	struct pt_device *d;

	if (sbdf == PT_SBDF_NONE)
		return NULL;
	slot = idmap_slot(&m->dev_by_sbdf, sbdf, false);
	if (slot)
		return m->devs[*slot];
	if (!create)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	d->sbdf = sbdf;
	d->domid = PT_NONE;
	d->gsi = d->gsi_trigger = d->gsi_polarity = PT_NONE;
	d->gsi_irq = d->gsi_pirq = PT_NONE;
	d->msix_ctrl = -1;
	d->maskall = -1;
	GROW(m->devs, m->ndevs, m->capdevs);
	m->devs[m->ndevs] = d;
	*idmap_slot(&m->dev_by_sbdf, sbdf, true) = m->ndevs++;
	return d;
}

static struct pirq_rec *pirq_find(struct pt_model *m, int domid, int pirq)
{
	size_t *slot = idmap_slot(&m->pirq_by_key, pirq_key(domid, pirq), false);

	return slot ? &m->pirqs[*slot] : NULL;
}

static struct pirq_rec *pirq_by_irq(struct pt_model *m, int irq)
{
	size_t *slot;

	if (irq == PT_NONE)
		return NULL;
	slot = idmap_slot(&m->pirq_by_irq, (uint32_t)irq, false);
	return slot && *slot != SIZE_MAX ? &m->pirqs[*slot] : NULL;
}

static struct gsi_rec *gsi_find(struct pt_model *m, int gsi)
{
	size_t *slot;

	if (gsi == PT_NONE)
		return NULL;
	slot = idmap_slot(&m->gsi_by_num, (uint32_t)gsi, false);
	return slot ? &m->gsis[*slot] : NULL;
}

static struct gsi_rec *gsi_by_linux_irq(struct pt_model *m, int irq)
{
	size_t *slot = idmap_slot(&m->gsi_by_irq, (uint32_t)irq, false);

	return slot ? &m->gsis[*slot] : NULL;
}

static struct domain_rec *dom_get(struct pt_model *m, int domid, bool create)
{
	size_t *slot = idmap_slot(&m->dom_by_id, (uint32_t)domid, false);

	if (slot)
		return &m->doms[*slot];
	if (!create)
		return NULL;
	GROW(m->doms, m->ndoms, m->capdoms);
	memset(&m->doms[m->ndoms], 0, sizeof(m->doms[0]));
	*idmap_slot(&m->dom_by_id, (uint32_t)domid, true) = m->ndoms;
	return &m->doms[m->ndoms++];
}

static void evref(struct pt_evref *r, const struct pt_event *ev,
		  unsigned long line)
{
	r->line = line;
	r->ev = *ev;
}

/* ------------------------------------------------------------ findings */

static bool lost_between(const struct pt_model *m, __u64 from, __u64 to)
{
	for (size_t i = 0; i < m->nlost; i++)
		if (m->lost[i].to >= from && m->lost[i].from <= to)
			return true;
	return false;
}

static struct pt_finding *finding_new(struct pt_model *m, enum pt_rule_id rule,
				      __u32 sbdf, int domid, __u64 since,
				      __u64 now, const char *fmt, ...)
{
	struct pt_finding *f;
	struct pt_device *d;
	va_list ap;

	GROW(m->findings, m->nfindings, m->capfindings);
	f = &m->findings[m->nfindings++];
	memset(f, 0, sizeof(*f));
	f->rule = &pt_rules[rule];
	f->sbdf = sbdf;
	f->domid = domid;
	f->ts = now;
	f->status = lost_between(m, since, now) ? PT_FINDING_INCOMPLETE :
						  PT_FINDING_BUG;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	d = dev_get(m, sbdf, false);
	if (d) {
		d->nfindings++;
		if (f->status == PT_FINDING_INCOMPLETE)
			d->incomplete = true;
	}
	return f;
}

static void proof_add(struct pt_finding *f, const struct pt_evref *r)
{
	if (f->nproof < PT_PROOF_MAX)
		f->proof[f->nproof++] = *r;
}

static void proof_add_ev(struct pt_finding *f, const struct pt_event *ev,
			 unsigned long line)
{
	struct pt_evref r;

	evref(&r, ev, line);
	proof_add(f, &r);
}

static struct pending *pending_add(struct pt_model *m, enum pt_rule_id rule,
				   __u32 sbdf, int domid,
				   const struct pt_event *ev, unsigned long line)
{
	struct pending *p;

	GROW(m->pend, m->npend, m->cappend);
	p = &m->pend[m->npend++];
	memset(p, 0, sizeof(*p));
	p->rule = rule;
	p->sbdf = sbdf;
	p->domid = domid;
	p->since = ev->hdr.ts_ns;
	p->deadline = ev->hdr.ts_ns + m->window_ns;
	evref(&p->cause, ev, line);
	return p;
}

/* The follow-up arrived: the pending check concludes with no finding. */
static void pending_resolve(struct pt_model *m, enum pt_rule_id rule,
			    __u32 sbdf, int domid)
{
	for (size_t i = 0; i < m->npend; i++) {
		struct pending *p = &m->pend[i];

		if (!p->done && p->rule == rule &&
		    (sbdf == PT_SBDF_NONE || p->sbdf == sbdf) &&
		    (domid == PT_NONE || p->domid == domid))
			p->done = true;
	}
}

static void count_mapped(struct pt_model *m, int domid, __u32 sbdf,
			 struct pt_finding *f, int *n, char *list, size_t len);

static void pending_fire(struct pt_model *m, struct pending *p, __u64 now)
{
	char b[PT_SBDF_STRLEN], d[16], list[96];
	struct pt_finding *f;
	int n = 0;

	p->done = true;
	switch (p->rule) {
	case PT_RULE_RESET_NOT_REPORTED:
		f = finding_new(m, p->rule, p->sbdf, PT_NONE, p->since, now,
				"%s reset (%s) in a PVH dom0, and Xen was not told (no PHYSDEVOP_pci_device_reset): vPCI keeps stale state",
				pt_sbdf_format(p->sbdf, b, sizeof(b)),
				pt_kind_name(PT_EV_PCI_RESET, p->cause.ev.hdr.kind));
		proof_add(f, &p->cause);
		break;
	case PT_RULE_MSIX_MASKALL_NO_MAP:
		f = finding_new(m, p->rule, p->sbdf, p->domid, p->since, now,
				"%s MSI-X control written with ENABLE+MASKALL (%#06x), and no MSI pirq was mapped after it",
				pt_sbdf_format(p->sbdf, b, sizeof(b)),
				p->cause.ev.msix_ctrl.value);
		proof_add(f, &p->cause);
		break;
	case PT_RULE_PIRQ_AFTER_DOMAIN_GONE:
		count_mapped(m, p->domid, PT_SBDF_NONE, NULL, &n, list, sizeof(list));
		if (!n)
			return;
		f = finding_new(m, p->rule, PT_SBDF_NONE, p->domid, p->since, now,
				"%d pirq(s) of %s still mapped in dom0 after the domain was destroyed: %s",
				n, pt_domid_format(p->domid, d, sizeof(d)), list);
		proof_add(f, &p->cause);
		count_mapped(m, p->domid, PT_SBDF_NONE, f, &n, list, sizeof(list));
		break;
	default:
		break;
	}
}

static void pending_expire(struct pt_model *m, __u64 now, bool all)
{
	size_t i, j;

	for (i = 0; i < m->npend; i++) {
		struct pending *p = &m->pend[i];

		if (!p->done && (all || now > p->deadline))
			pending_fire(m, p, all ? (now > p->deadline ? now : p->deadline) : now);
	}
	for (i = j = 0; i < m->npend; i++)
		if (!m->pend[i].done)
			m->pend[j++] = m->pend[i];
	m->npend = j;
}

/* ------------------------------------------------------------ devices */

static void set_owner(struct pt_device *d, enum pt_owner owner, int domid,
		      const struct pt_event *ev, unsigned long line)
{
	struct pt_owner_change *c;

	if (owner != PT_OWNER_DOMAIN)
		domid = PT_NONE;
	if (d->owner == owner && d->domid == domid)
		return;
	d->owner = owner;
	d->domid = domid;
	c = realloc(d->history, (d->nhistory + 1) * sizeof(*d->history));
	if (!c)
		abort();
	d->history = c;
	c = &d->history[d->nhistory++];
	c->ts = ev->hdr.ts_ns;
	c->line = line;
	c->owner = owner;
	c->domid = domid;
}

static struct pt_vector *vector_get(struct pt_device *d, int pirq, int domid,
				    int entry)
{
	struct pt_vector *v;

	/* the same pirq bound again (a driver re-probed): the same vector */
	for (size_t i = 0; i < d->nvectors; i++) {
		v = &d->vectors[i];
		if (v->pirq == pirq && v->domid == domid && v->entry == entry) {
			v->live = true;
			return v;
		}
	}
	/* a vector slot whose pirq went away is reused for the same entry */
	for (size_t i = 0; entry != PT_NONE && i < d->nvectors; i++) {
		v = &d->vectors[i];
		if (!v->live && v->entry == entry)
			goto init;
	}
	v = realloc(d->vectors, (d->nvectors + 1) * sizeof(*v));
	if (!v)
		abort();
	d->vectors = v;
	v = &d->vectors[d->nvectors++];
	v->mask_transitions = 0;
init:
	v->entry = entry;
	v->pirq = pirq;
	v->domid = domid;
	v->irq = v->evtchn = PT_NONE;
	v->masked = -1;
	v->live = true;
	return v;
}

static struct pt_vector *vector_by_irq(struct pt_device *d, int irq)
{
	for (size_t i = 0; d && irq != PT_NONE && i < d->nvectors; i++)
		if (d->vectors[i].irq == irq && d->vectors[i].live)
			return &d->vectors[i];
	return NULL;
}

static struct pt_vector *vector_by_entry(struct pt_device *d, int entry)
{
	for (size_t i = 0; d && i < d->nvectors; i++)
		if (d->vectors[i].entry == entry && d->vectors[i].live)
			return &d->vectors[i];
	return NULL;
}

static void vector_mask(struct pt_vector *v, int masked)
{
	if (v->masked != -1 && v->masked != masked)
		v->mask_transitions++;
	v->masked = masked;
}

static void recent_add(struct pt_device *d, const struct pt_event *ev,
		       unsigned long line)
{
	evref(&d->recent[d->nrecent % PT_RECENT_MAX], ev, line);
	d->nrecent++;
	d->nevents++;
}

/* Mapped pirqs of a domain (optionally for one device): count and list. */
static void count_mapped(struct pt_model *m, int domid, __u32 sbdf,
			 struct pt_finding *f, int *n, char *list, size_t len)
{
	size_t used = 0;

	*n = 0;
	if (len)
		list[0] = '\0';
	for (size_t i = 0; i < m->npirqs; i++) {
		struct pirq_rec *p = &m->pirqs[i];

		if (!p->mapped || (sbdf != PT_SBDF_NONE && p->sbdf != sbdf))
			continue;
		if (domid == PT_NONE ? p->domid == 0 : p->domid != domid)
			continue;
		(*n)++;
		if (f)
			proof_add(f, &p->bind);
		if (used + 12 < len)
			used += snprintf(list + used, len - used, "%s%d",
					 used ? "," : "", p->pirq);
	}
}

/* ------------------------------------------------------------ handlers */

static struct pt_device *on_pciback(struct pt_model *m, const struct pt_event *ev,
				    unsigned long line)
{
	/*
	 * A frontend request names the device by the guest's virtual slot,
	 * which need not exist on the host: never create a device for it.
	 */
	struct pt_device *d = dev_get(m, ev->hdr.sbdf,
				      ev->hdr.kind != PT_PCIBACK_OP);
	char b[PT_SBDF_STRLEN], e[24];

	if (!d)
		return NULL;
	if ((ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0 &&
	    (ev->hdr.kind == PT_PCIBACK_PROBE || ev->hdr.kind == PT_PCIBACK_INIT)) {
		struct pt_finding *f = finding_new(m, PT_RULE_KERNEL_CALL_FAILED,
			d->sbdf, PT_NONE, ev->hdr.ts_ns, ev->hdr.ts_ns,
			"pciback %s of %s failed with %s%s",
			pt_kind_name(PT_EV_PCIBACK, ev->hdr.kind),
			pt_sbdf_format(d->sbdf, b, sizeof(b)),
			pt_errno_name(ev->hdr.ret, e, sizeof(e)),
			ev->hdr.ret == -EINVAL ? " (a device without INTx on a PVH dom0 has no GSI to look up)" : "");
		proof_add_ev(f, ev, line);
		return d;
	}
	switch (ev->hdr.kind) {
	case PT_PCIBACK_PROBE:
	case PT_PCIBACK_SEIZE:
	case PT_PCIBACK_INIT:
	case PT_PCIBACK_PUT:
		set_owner(d, PT_OWNER_PCIBACK, PT_NONE, ev, line);
		break;
	case PT_PCIBACK_GET:
		if (ev->pciback.domid != PT_NONE)
			set_owner(d, PT_OWNER_DOMAIN, ev->pciback.domid, ev, line);
		break;
	case PT_PCIBACK_REMOVE:
	case PT_PCIBACK_RELEASE:
		set_owner(d, PT_OWNER_UNKNOWN, PT_NONE, ev, line);
		break;
	}
	return d;
}

static struct pt_device *on_reset(struct pt_model *m, const struct pt_event *ev,
				  unsigned long line)
{
	struct pt_device *d = dev_get(m, ev->hdr.sbdf, true);
	char b[PT_SBDF_STRLEN], dd[16], list[96];
	struct pt_finding *f;
	struct pt_reset *r;
	int n, domid = PT_NONE;

	if (!d)
		return NULL;
	if (ev->hdr.kind == PT_RESET_XEN_NOTIFY) {
		if (d->nresets)
			d->resets[d->nresets - 1].xen_told = true;
		pending_resolve(m, PT_RULE_RESET_NOT_REPORTED, d->sbdf, PT_NONE);
		return d;
	}
	/*
	 * pci_reset_function() calls __pci_reset_function_locked(), which
	 * calls the method (pcie_flr, ...): one reset shows as nested events
	 * on the same task with nothing in between.  Count it once.
	 */
	if (d->nresets && d->nrecent) {
		const struct pt_event *prev = &d->recent[(d->nrecent - 1) % PT_RECENT_MAX].ev;

		/*
		 * Exit-time events carry their entry time, so the inner call
		 * (written first) may have the later timestamp.
		 */
		__u64 gap = ev->hdr.ts_ns > prev->hdr.ts_ns ?
			    ev->hdr.ts_ns - prev->hdr.ts_ns :
			    prev->hdr.ts_ns - ev->hdr.ts_ns;

		if (prev->hdr.type == PT_EV_PCI_RESET &&
		    prev->hdr.kind != PT_RESET_XEN_NOTIFY &&
		    prev->hdr.pid == ev->hdr.pid && gap < 100000000ull)
			return d;
	}
	r = realloc(d->resets, (d->nresets + 1) * sizeof(*r));
	if (!r)
		abort();
	d->resets = r;
	r = &d->resets[d->nresets++];
	r->ts = ev->hdr.ts_ns;
	r->line = line;
	r->method = ev->hdr.kind;
	r->xen_told = false;

	/* reset-before-unbind: a guest's pirqs still mapped for this device */
	for (size_t i = 0; i < m->npirqs; i++)
		if (m->pirqs[i].mapped && m->pirqs[i].sbdf == d->sbdf &&
		    m->pirqs[i].domid != 0) {
			domid = m->pirqs[i].domid;
			break;
		}
	/* one finding per set of mappings: a second reset proves nothing new */
	if (domid != PT_NONE && !d->rbu_reported) {
		d->rbu_reported = true;
		count_mapped(m, domid, d->sbdf, NULL, &n, list, sizeof(list));
		f = finding_new(m, PT_RULE_RESET_BEFORE_UNBIND, d->sbdf, domid,
				ev->hdr.ts_ns, ev->hdr.ts_ns,
				"%s reset (%s) while %d pirq(s) of %s are still mapped: %s",
				pt_sbdf_format(d->sbdf, b, sizeof(b)),
				pt_kind_name(PT_EV_PCI_RESET, ev->hdr.kind), n,
				pt_domid_format(domid, dd, sizeof(dd)), list);
		/* the proof: the bindings, then the reset that came too early */
		count_mapped(m, domid, d->sbdf, f, &n, list, sizeof(list));
		if (f->nproof == PT_PROOF_MAX)
			f->nproof--;
		proof_add_ev(f, ev, line);
		/* an unmap lost between the binding and the reset would excuse it */
		f->status = lost_between(m, f->proof[0].ev.hdr.ts_ns, ev->hdr.ts_ns) ?
			    PT_FINDING_INCOMPLETE : PT_FINDING_BUG;
		if (f->status == PT_FINDING_INCOMPLETE)
			d->incomplete = true;
	}
	if (dom0_is_pvh(m))
		pending_add(m, PT_RULE_RESET_NOT_REPORTED, d->sbdf, PT_NONE, ev, line);
	return d;
}

static void register_gsi(struct pt_model *m, int gsi, int irq, __u32 sbdf,
			 const struct pt_event *ev, unsigned long line)
{
	struct gsi_rec *g = gsi_find(m, gsi);

	if (!g) {
		GROW(m->gsis, m->ngsis, m->capgsis);
		g = &m->gsis[m->ngsis];
		memset(g, 0, sizeof(*g));
		g->gsi = gsi;
		g->irq = PT_NONE;
		g->sbdf = PT_SBDF_NONE;
		*idmap_slot(&m->gsi_by_num, (uint32_t)gsi, true) = m->ngsis++;
	}
	if (irq != PT_NONE) {
		g->irq = irq;
		*idmap_slot(&m->gsi_by_irq, (uint32_t)irq, true) = g - m->gsis;
	}
	if (sbdf != PT_SBDF_NONE)
		g->sbdf = sbdf;
	if (!g->have_ev || sbdf != PT_SBDF_NONE) {
		evref(&g->reg, ev, line);
		g->have_ev = true;
	}
}

static struct pt_device *on_gsi(struct pt_model *m, const struct pt_event *ev,
				unsigned long line)
{
	struct pt_device *d = dev_get(m, ev->hdr.sbdf, true);
	int irq = ev->gsi.irq;

	if ((ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0)
		return d;
	if (irq == PT_NONE && (ev->hdr.flags & PT_EVF_HAS_RET))
		irq = ev->hdr.ret;
	if (ev->gsi.gsi != PT_NONE)
		register_gsi(m, ev->gsi.gsi, irq, ev->hdr.sbdf, ev, line);
	if (d) {
		d->gsi = ev->gsi.gsi;
		d->gsi_trigger = ev->gsi.trigger;
		d->gsi_polarity = ev->gsi.polarity;
		if (irq != PT_NONE)
			d->gsi_irq = irq;
		if (d->owner == PT_OWNER_UNKNOWN)
			set_owner(d, PT_OWNER_DOM0, PT_NONE, ev, line);
	}
	return d;
}

static struct pt_device *on_pirq(struct pt_model *m, const struct pt_event *ev,
				 unsigned long line)
{
	const struct pt_ev_pirq *e = &ev->pirq;
	int domid = e->domid == PT_NONE ? 0 : pt_domid_norm(e->domid);
	int irq = e->irq;
	struct pirq_rec *p = NULL;
	struct pt_device *d;
	char b[PT_SBDF_STRLEN], dd[16], er[24];
	__u32 sbdf = ev->hdr.sbdf;

	if ((ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0) {
		struct pt_finding *f = finding_new(m, PT_RULE_KERNEL_CALL_FAILED,
			sbdf, domid, ev->hdr.ts_ns, ev->hdr.ts_ns,
			"dom0 pirq %s%s%s for %s failed with %s",
			pt_kind_name(PT_EV_PIRQ, ev->hdr.kind),
			sbdf != PT_SBDF_NONE ? " of " : "",
			sbdf != PT_SBDF_NONE ? pt_sbdf_format(sbdf, b, sizeof(b)) : "",
			pt_domid_format(domid, dd, sizeof(dd)),
			pt_errno_name(ev->hdr.ret, er, sizeof(er)));
		proof_add_ev(f, ev, line);
		return dev_get(m, sbdf, false);
	}
	/* bind hooks return the Linux irq */
	if (irq == PT_NONE && (ev->hdr.flags & PT_EVF_HAS_RET) &&
	    (ev->hdr.kind == PT_PIRQ_BIND_GSI || ev->hdr.kind == PT_PIRQ_BIND_MSI))
		irq = ev->hdr.ret;

	switch (ev->hdr.kind) {
	case PT_PIRQ_BIND_GSI:
	case PT_PIRQ_BIND_MSI: {
		struct domain_rec *dr = dom_get(m, domid, false);
		size_t idx;

		if (e->pirq == PT_NONE)
			return dev_get(m, sbdf, false);
		if (sbdf == PT_SBDF_NONE && e->gsi != PT_NONE) {
			struct gsi_rec *g = gsi_find(m, e->gsi);

			if (g)
				sbdf = g->sbdf;
		}
		p = pirq_find(m, domid, e->pirq);
		if (!p) {
			GROW(m->pirqs, m->npirqs, m->cappirqs);
			idx = m->npirqs++;
			*idmap_slot(&m->pirq_by_key, pirq_key(domid, e->pirq), true) = idx;
			p = &m->pirqs[idx];
		}
		p->pirq = e->pirq;
		p->domid = domid;
		p->irq = irq;
		p->gsi = e->gsi;
		p->entry = e->entry;
		p->evtchn = PT_NONE;
		p->sbdf = sbdf;
		p->mapped = true;
		evref(&p->bind, ev, line);
		if (irq != PT_NONE)
			*idmap_slot(&m->pirq_by_irq, (uint32_t)irq, true) = p - m->pirqs;
		if (e->gsi != PT_NONE)
			register_gsi(m, e->gsi, irq, sbdf, ev, line);

		if (dr && dr->destroyed) {
			struct pt_finding *f = finding_new(m,
				PT_RULE_PIRQ_AFTER_DOMAIN_GONE, sbdf, domid,
				dr->destroy.ev.hdr.ts_ns, ev->hdr.ts_ns,
				"pirq %d bound for %s after the domain was destroyed",
				e->pirq, pt_domid_format(domid, dd, sizeof(dd)));
			proof_add(f, &dr->destroy);
			proof_add_ev(f, ev, line);
		}
		d = dev_get(m, sbdf, true);
		if (!d)
			return NULL;
		if (ev->hdr.kind == PT_PIRQ_BIND_MSI) {
			int entry = e->entry;
			struct pt_vector *v;

			if (entry == PT_NONE) {
				/* entries are bound in order within one setup */
				entry = 0;
				for (size_t i = 0; i < d->nvectors; i++)
					if (d->vectors[i].live && d->vectors[i].domid == domid)
						entry++;
			}
			v = vector_get(d, e->pirq, domid, entry);
			d->rbu_reported = false;
			v->irq = irq;
			p->entry = entry;
			pending_resolve(m, PT_RULE_MSIX_MASKALL_NO_MAP, d->sbdf, PT_NONE);
		} else {
			d->gsi = e->gsi;
			d->gsi_pirq = e->pirq;
			if (irq != PT_NONE)
				d->gsi_irq = irq;
		}
		if (domid != 0)
			set_owner(d, PT_OWNER_DOMAIN, domid, ev, line);
		else if (d->owner == PT_OWNER_UNKNOWN)
			set_owner(d, PT_OWNER_DOM0, PT_NONE, ev, line);
		return d;
	}
	case PT_PIRQ_UNMAP:
	case PT_PIRQ_DESTROY:
		p = irq != PT_NONE ? pirq_by_irq(m, irq) : NULL;
		if (!p && e->pirq != PT_NONE)
			p = pirq_find(m, domid, e->pirq);
		if (!p || !p->mapped)
			return dev_get(m, sbdf, false);
		p->mapped = false;
		if (p->irq != PT_NONE)
			*idmap_slot(&m->pirq_by_irq, (uint32_t)p->irq, true) = SIZE_MAX;
		d = dev_get(m, p->sbdf, false);
		if (d) {
			for (size_t i = 0; i < d->nvectors; i++)
				if (d->vectors[i].pirq == p->pirq &&
				    d->vectors[i].domid == p->domid)
					d->vectors[i].live = false;
			if (d->gsi_pirq == p->pirq && p->gsi != PT_NONE)
				d->gsi_pirq = PT_NONE;
		}
		return d;
	default:
		return dev_get(m, sbdf, false);
	}
}

static struct pt_device *on_evtchn(struct pt_model *m, const struct pt_event *ev,
				   unsigned long line)
{
	const struct pt_ev_evtchn *e = &ev->evtchn;
	struct pirq_rec *p = pirq_by_irq(m, e->irq);
	struct pt_device *d = p ? dev_get(m, p->sbdf, false) :
				  dev_get(m, ev->hdr.sbdf, false);
	struct pt_vector *v = d ? vector_by_irq(d, e->irq) : NULL;
	size_t *slot;
	struct port_rec *pr = NULL;
	char dd[16];

	if (e->evtchn > 0) {
		slot = idmap_slot(&m->port_by_num, (uint32_t)e->evtchn, false);
		if (slot)
			pr = &m->ports[*slot];
	}
	switch (ev->hdr.kind) {
	case PT_EVTCHN_BIND:
		if (e->evtchn <= 0)
			break;
		if (!pr) {
			GROW(m->ports, m->nports, m->capports);
			*idmap_slot(&m->port_by_num, (uint32_t)e->evtchn, true) = m->nports;
			pr = &m->ports[m->nports++];
		}
		pr->irq = e->irq;
		pr->pirq = p ? p->pirq : e->pirq;
		pr->bound = true;
		evref(&pr->bind, ev, line);
		if (p)
			p->evtchn = e->evtchn;
		if (v)
			v->evtchn = e->evtchn;
		break;
	case PT_EVTCHN_CLOSE:
		if (pr && pr->bound && e->irq != PT_NONE && pr->irq != PT_NONE &&
		    pr->irq != e->irq) {
			/*
			 * The close of an old binding arrives after the port was
			 * handed to another irq: the old irq's teardown now
			 * clears the new irq's mapping.
			 */
			struct pt_finding *f = finding_new(m,
				PT_RULE_EVTCHN_REUSE_RACE,
				d ? d->sbdf : PT_SBDF_NONE,
				p ? p->domid : PT_NONE,
				pr->bind.ev.hdr.ts_ns, ev->hdr.ts_ns,
				"event channel %d was bound to irq %d while irq %d still held it; irq %d's teardown then closed it (%s)",
				e->evtchn, pr->irq, e->irq, e->irq,
				pt_domid_format(p ? p->domid : PT_NONE, dd, sizeof(dd)));
			if (p)
				proof_add(f, &p->bind);
			proof_add(f, &pr->bind);
			proof_add_ev(f, ev, line);
			break;
		}
		if (pr)
			pr->bound = false;
		if (p)
			p->evtchn = PT_NONE;
		if (v)
			v->evtchn = PT_NONE;
		break;
	case PT_EVTCHN_ENABLE:
		if (v)
			vector_mask(v, 0);
		break;
	case PT_EVTCHN_DISABLE:
		if (v)
			vector_mask(v, 1);
		break;
	default:
		break;
	}
	return d;
}

static struct pt_device *on_msi(struct pt_model *m, const struct pt_event *ev,
				unsigned long line)
{
	struct pt_device *d = dev_get(m, ev->hdr.sbdf, true);

	if (!d)
		return NULL;
	if ((ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0 &&
	    (ev->hdr.kind == PT_MSI_ENABLE || ev->hdr.kind == PT_MSI_SETUP))
		return d;
	switch (ev->hdr.kind) {
	case PT_MSI_ENABLE:
		if (ev->msi.msix)
			d->msix_enabled = true;
		else
			d->msi_enabled = true;
		break;
	case PT_MSI_DISABLE:
		if (ev->msi.msix)
			d->msix_enabled = false;
		else
			d->msi_enabled = false;
		break;
	}
	return d;
}

static struct pt_device *on_msix_ctrl(struct pt_model *m, const struct pt_event *ev,
				      unsigned long line)
{
	const struct pt_ev_msix_ctrl *c = &ev->msix_ctrl;
	struct pt_device *d = dev_get(m, ev->hdr.sbdf, true);

	if (!d)
		return NULL;
	d->msix_ctrl = c->value;
	d->maskall = c->maskall;
	d->msix_enabled = c->enable;
	if (c->enable && c->maskall && c->view == PT_VIEW_PCIBACK)
		pending_add(m, PT_RULE_MSIX_MASKALL_NO_MAP, d->sbdf, c->domid, ev, line);
	if (!c->enable)
		pending_resolve(m, PT_RULE_MSIX_MASKALL_NO_MAP, d->sbdf, PT_NONE);
	return d;
}

static struct pt_device *on_vmask(struct pt_model *m, const struct pt_event *ev,
				  unsigned long line)
{
	const struct pt_ev_vector_mask *e = &ev->vmask;
	struct pirq_rec *p = pirq_by_irq(m, e->irq);
	struct pt_device *d = dev_get(m, ev->hdr.sbdf, false);
	struct pt_vector *v = NULL;

	if (!d && p)
		d = dev_get(m, p->sbdf, false);
	if (!d)
		d = dev_get(m, ev->hdr.sbdf, true);
	if (!d)
		return NULL;
	if (e->entry != PT_NONE)
		v = vector_by_entry(d, e->entry);
	if (!v)
		v = vector_by_irq(d, e->irq);
	if (!v && e->entry != PT_NONE) {
		/* the table sampler sees entries no pirq was mapped for */
		v = vector_get(d, PT_NONE, PT_NONE, e->entry);
		v->live = true;
	}
	if (v) {
		if (e->irq != PT_NONE && v->irq == PT_NONE)
			v->irq = e->irq;
		vector_mask(v, e->masked);
	}
	return d;
}

/* ------------------------------------------------------------ hypercalls */

static bool gsi_registered(struct pt_model *m, int gsi)
{
	return gsi_find(m, gsi) != NULL;
}

/* The toolstack names a GSI: was it ever registered in dom0? */
static void check_gsi(struct pt_model *m, const struct pt_event *ev,
		      unsigned long line, int gsi, const char *what)
{
	const struct pt_hc_args *a = &ev->hc.args;
	bool failed = (ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0;
	struct gsi_rec *g;
	struct pt_finding *f;
	size_t *slot;
	char b[PT_SBDF_STRLEN], dd[16];

	/* GSI 0 is never a passthrough GSI: machine_irq 0 is its own bug */
	if (gsi <= 0 || gsi_registered(m, gsi))
		return;
	g = gsi_by_linux_irq(m, gsi);
	if (g && g->gsi != gsi) {
		f = finding_new(m, PT_RULE_IRQ_AS_GSI, g->sbdf, a->domid,
				g->reg.ev.hdr.ts_ns, ev->hdr.ts_ns,
				"%s for %s names GSI %d, but %d is the Linux irq of %s, whose GSI is %d",
				what, pt_domid_format(a->domid, dd, sizeof(dd)), gsi,
				gsi, pt_sbdf_format(g->sbdf, b, sizeof(b)), g->gsi);
		proof_add(f, &g->reg);
		proof_add_ev(f, ev, line);
		return;
	}
	/*
	 * A PV dom0 registers every GSI itself at boot, before most traces
	 * start; the class of bug is a PVH dom0's, or shows as a failure.
	 */
	if (!failed && !dom0_is_pvh(m))
		return;
	/* one finding per GSI; later uses of it are more proof */
	slot = idmap_slot(&m->unreg_gsi_finding, (uint32_t)gsi, false);
	if (slot) {
		proof_add_ev(&m->findings[*slot], ev, line);
		return;
	}
	*idmap_slot(&m->unreg_gsi_finding, (uint32_t)gsi, true) = m->nfindings;
	f = finding_new(m, PT_RULE_GSI_NOT_REGISTERED, a->sbdf, a->domid,
			m->stats.first_ts, ev->hdr.ts_ns,
			"%s for %s names GSI %d, which dom0 never registered (no acpi_register_gsi / PHYSDEVOP_setup_gsi since the trace began)",
			what, pt_domid_format(a->domid, dd, sizeof(dd)), gsi);
	proof_add_ev(f, ev, line);
}

static void hypercall_failed(struct pt_model *m, const struct pt_event *ev,
			     unsigned long line, const char *name)
{
	const struct pt_hc_args *a = &ev->hc.args;
	struct pt_device *d = dev_get(m, a->sbdf, false);
	char e[24], dd[16], b[PT_SBDF_STRLEN];
	const char *hint = "";
	struct pt_finding *f;
	int err = -ev->hdr.ret;

	if (!strcmp(name, "irq_permission") && err == EPERM)
		hint = ": dom0 has no mapping for that pirq (GSI not registered in a PVH dom0?)";
	else if (!strcmp(name, "map_pirq") && err == EOPNOTSUPP)
		hint = ": map_pirq refused for this domain type";
	else if (!strcmp(name, "assign_device") && err == EBUSY)
		hint = ": MSI-X MASKALL may still be set in hardware";
	else if (!strcmp(name, "bind_pt_irq") && err == EBUSY && a->machine_irq == 0)
		hint = ": machine_irq 0";
	else if (!strcmp(name, "unmap_pirq") && err == EINVAL)
		hint = ": pirq not mapped (already unmapped, or never)";
	f = finding_new(m, PT_RULE_HYPERCALL_FAILED,
			d ? d->sbdf : a->sbdf, a->domid, ev->hdr.ts_ns, ev->hdr.ts_ns,
			"%s%s%s for %s failed with %s%s", name,
			a->sbdf != PT_SBDF_NONE ? " of " : "",
			a->sbdf != PT_SBDF_NONE ? pt_sbdf_format(a->sbdf, b, sizeof(b)) : "",
			pt_domid_format(a->domid, dd, sizeof(dd)),
			pt_errno_name(ev->hdr.ret, e, sizeof(e)), hint);
	proof_add_ev(f, ev, line);
}

static struct pt_device *on_hypercall(struct pt_model *m, const struct pt_event *ev,
				      unsigned long line)
{
	const struct pt_ev_hypercall *hc = &ev->hc;
	const struct pt_hc_args *a = &hc->args;
	bool has_ret = ev->hdr.flags & PT_EVF_HAS_RET;
	bool ok = !has_ret || ev->hdr.ret >= 0;
	struct pt_device *d = dev_get(m, a->sbdf != PT_SBDF_NONE ? a->sbdf :
				      ev->hdr.sbdf, false);
	const char *fail_name = NULL;
	char b[PT_SBDF_STRLEN], dd[16];

	if (hc->op == __HYPERVISOR_physdev_op) {
		switch (hc->cmd) {
		case PHYSDEVOP_map_pirq:
			fail_name = "map_pirq";
			if (a->map_type == MAP_PIRQ_TYPE_GSI) {
				check_gsi(m, ev, line, a->index, "map_pirq(GSI)");
				if (ok && a->domid != PT_NONE) {
					int pirq = a->pirq >= 0 ? a->pirq : a->index;

					*idmap_slot(&m->ts_gsi_by_pirq,
						    pirq_key(pt_domid_norm(a->domid), pirq),
						    true) = a->index;
				}
			} else if (ok && a->sbdf != PT_SBDF_NONE) {
				pending_resolve(m, PT_RULE_MSIX_MASKALL_NO_MAP, a->sbdf, PT_NONE);
			}
			break;
		case PHYSDEVOP_unmap_pirq:
			fail_name = "unmap_pirq";
			break;
		case PHYSDEVOP_setup_gsi:
			if (ok && a->gsi != PT_NONE)
				register_gsi(m, a->gsi, PT_NONE, PT_SBDF_NONE, ev, line);
			break;
		case PHYSDEVOP_pci_device_reset:
			fail_name = "pci_device_reset";
			if (ok && a->sbdf != PT_SBDF_NONE) {
				d = dev_get(m, a->sbdf, true);
				if (d->nresets)
					d->resets[d->nresets - 1].xen_told = true;
				pending_resolve(m, PT_RULE_RESET_NOT_REPORTED, a->sbdf, PT_NONE);
			}
			break;
		}
	} else if (hc->op == __HYPERVISOR_domctl) {
		switch (hc->cmd) {
		case XEN_DOMCTL_irq_permission: {
			size_t *slot;
			int gsi = PT_NONE;

			fail_name = "irq_permission";
			if (a->pirq == PT_NONE)
				break;
			slot = idmap_slot(&m->ts_gsi_by_pirq, pirq_key(0, a->pirq), false);
			if (!slot)
				slot = idmap_slot(&m->ts_gsi_by_pirq,
						  pirq_key(pt_domid_norm(a->domid), a->pirq), false);
			if (slot)
				gsi = *slot;
			else if (has_ret && ev->hdr.ret == -EPERM)
				gsi = a->pirq;	/* GSI pirqs are identity-mapped */
			if (gsi != PT_NONE && a->allow == 1)
				check_gsi(m, ev, line, gsi, "irq_permission");
			break;
		}
		case XEN_DOMCTL_gsi_permission:
			fail_name = "gsi_permission";
			if (a->allow == 1)
				check_gsi(m, ev, line, a->gsi, "gsi_permission");
			break;
		case XEN_DOMCTL_bind_pt_irq:
			fail_name = "bind_pt_irq";
			if (a->irq_type == PT_IRQ_TYPE_PCI)
				check_gsi(m, ev, line, a->machine_irq, "bind_pt_irq(PCI)");
			break;
		case XEN_DOMCTL_unbind_pt_irq:
			fail_name = "unbind_pt_irq";
			break;
		case XEN_DOMCTL_assign_device:
			fail_name = "assign_device";
			if (a->sbdf == PT_SBDF_NONE)
				break;
			d = dev_get(m, a->sbdf, true);
			if (d->maskall == 1) {
				struct pt_finding *f = finding_new(m,
					PT_RULE_MASKALL_LEFT_SET, d->sbdf, a->domid,
					ev->hdr.ts_ns, ev->hdr.ts_ns,
					"%s assigned to %s with MSI-X MASKALL still set (control %#06x)",
					pt_sbdf_format(d->sbdf, b, sizeof(b)),
					pt_domid_format(a->domid, dd, sizeof(dd)),
					d->msix_ctrl);
				for (size_t i = d->nrecent > PT_RECENT_MAX ?
				     d->nrecent - PT_RECENT_MAX : 0; i < d->nrecent; i++) {
					const struct pt_evref *r = &d->recent[i % PT_RECENT_MAX];

					if (r->ev.hdr.type == PT_EV_MSIX_CTRL)
						f->proof[0] = *r, f->nproof = 1;
				}
				proof_add_ev(f, ev, line);
			}
			/* xl pci-assignable-add quarantines the device with dom_io */
			if (ok && a->domid >= PT_DOMID_SELF)
				set_owner(d, PT_OWNER_PCIBACK, PT_NONE, ev, line);
			else if (ok)
				set_owner(d, PT_OWNER_DOMAIN, pt_domid_norm(a->domid), ev, line);
			break;
		case XEN_DOMCTL_deassign_device:
			fail_name = "deassign_device";
			if (a->sbdf == PT_SBDF_NONE || !ok)
				break;
			d = dev_get(m, a->sbdf, true);
			{
				int n;
				char list[96];

				count_mapped(m, pt_domid_norm(a->domid), d->sbdf,
					     NULL, &n, list, sizeof(list));
				if (n && a->domid != 0 && a->domid < PT_DOMID_SELF) {
					struct pt_finding *f = finding_new(m,
						PT_RULE_DEASSIGN_BEFORE_UNMAP, d->sbdf,
						a->domid, ev->hdr.ts_ns, ev->hdr.ts_ns,
						"%s deassigned from %s while %d MSI pirq(s) are still mapped: %s",
						pt_sbdf_format(d->sbdf, b, sizeof(b)),
						pt_domid_format(a->domid, dd, sizeof(dd)),
						n, list);
					count_mapped(m, pt_domid_norm(a->domid), d->sbdf,
						     f, &n, list, sizeof(list));
					if (f->nproof == PT_PROOF_MAX)
						f->nproof--;
					proof_add_ev(f, ev, line);
				}
			}
			set_owner(d, PT_OWNER_PCIBACK, PT_NONE, ev, line);
			break;
		case XEN_DOMCTL_destroydomain:
			if (has_ret && ev->hdr.ret == 0 && a->domid != PT_NONE) {
				struct domain_rec *dr = dom_get(m, a->domid, true);

				if (!dr->destroyed) {
					dr->destroyed = true;
					evref(&dr->destroy, ev, line);
					pending_add(m, PT_RULE_PIRQ_AFTER_DOMAIN_GONE,
						    PT_SBDF_NONE, a->domid, ev, line);
				}
			}
			break;
		case XEN_DOMCTL_createdomain:
			/* a domid can be reused: a new domain is not gone */
			if (ok && has_ret && ev->hdr.ret >= 0) {
				struct domain_rec *dr = dom_get(m, a->domid, false);

				if (dr)
					dr->destroyed = false;
			}
			break;
		}
	}
	if (fail_name && has_ret && ev->hdr.ret < 0)
		hypercall_failed(m, ev, line, fail_name);
	/* a call naming a guest's pirq concerns the device that pirq serves */
	if (!d && a->pirq != PT_NONE && a->domid != PT_NONE) {
		struct pirq_rec *p = pirq_find(m, pt_domid_norm(a->domid), a->pirq);

		if (p)
			d = dev_get(m, p->sbdf, false);
	}
	return d;
}

static void on_lost(struct pt_model *m, const struct pt_event *ev)
{
	struct lost_window *w;

	m->stats.lost += ev->lost.count;
	m->stats.lost_records++;
	GROW(m->lost, m->nlost, m->caplost);
	w = &m->lost[m->nlost++];
	/* since_ns 0 means "since the previous record" */
	w->from = ev->lost.since_ns ? ev->lost.since_ns : m->last_ts;
	w->to = ev->hdr.ts_ns;
	/* every device active in the window is affected */
	for (size_t i = 0; i < m->ndevs; i++) {
		struct pt_device *d = m->devs[i];

		if (d->nrecent) {
			const struct pt_evref *r = &d->recent[(d->nrecent - 1) % PT_RECENT_MAX];

			if (r->ev.hdr.ts_ns >= w->from)
				d->incomplete = true;
		}
	}
}

const struct pt_device *pt_model_apply(struct pt_model *m,
				       const struct pt_event *ev,
				       unsigned long line)
{
	struct pt_device *d = NULL;
	__u64 ts = ev->hdr.ts_ns;

	if (!m->stats.events)
		m->stats.first_ts = ts;
	m->stats.events++;
	if (ev->hdr.type < PT_EV_MAX)
		m->stats.per_type[ev->hdr.type]++;
	if (m->npend)
		pending_expire(m, ts, false);

	switch (ev->hdr.type) {
	case PT_EV_PCIBACK:
		d = on_pciback(m, ev, line);
		break;
	case PT_EV_PCI_RESET:
		d = on_reset(m, ev, line);
		break;
	case PT_EV_GSI:
		d = on_gsi(m, ev, line);
		break;
	case PT_EV_PIRQ:
		d = on_pirq(m, ev, line);
		break;
	case PT_EV_EVTCHN:
		d = on_evtchn(m, ev, line);
		break;
	case PT_EV_MSI:
		d = on_msi(m, ev, line);
		break;
	case PT_EV_MSIX_CTRL:
		d = on_msix_ctrl(m, ev, line);
		break;
	case PT_EV_VECTOR_MASK:
		d = on_vmask(m, ev, line);
		break;
	case PT_EV_HYPERCALL:
		d = on_hypercall(m, ev, line);
		break;
	case PT_EV_LOST:
		on_lost(m, ev);
		break;
	}
	if (d)
		recent_add(d, ev, line);
	if (ts > m->last_ts)
		m->last_ts = ts;
	m->stats.last_ts = m->last_ts;
	return d;
}

void pt_model_finish(struct pt_model *m)
{
	pending_expire(m, m->last_ts, true);
}

/* ------------------------------------------------------------ queries */

size_t pt_model_device_count(const struct pt_model *m)
{
	return m->ndevs;
}

const struct pt_device *pt_model_device_at(const struct pt_model *m, size_t i)
{
	return i < m->ndevs ? m->devs[i] : NULL;
}

const struct pt_device *pt_model_device(const struct pt_model *m, __u32 sbdf)
{
	return dev_get((struct pt_model *)m, sbdf, false);
}

size_t pt_model_finding_count(const struct pt_model *m)
{
	return m->nfindings;
}

const struct pt_finding *pt_model_finding(const struct pt_model *m, size_t i)
{
	return i < m->nfindings ? &m->findings[i] : NULL;
}

const struct pt_model_stats *pt_model_stats(const struct pt_model *m)
{
	return &m->stats;
}

size_t pt_device_recent_count(const struct pt_device *d)
{
	return d->nrecent < PT_RECENT_MAX ? d->nrecent : PT_RECENT_MAX;
}

const struct pt_evref *pt_device_recent(const struct pt_device *d, size_t i)
{
	size_t n = pt_device_recent_count(d);

	if (i >= n)
		return NULL;
	return &d->recent[(d->nrecent - n + i) % PT_RECENT_MAX];
}

const char *pt_owner_name(enum pt_owner owner)
{
	static const char *const names[] = { "-", "dom0", "pciback", "domain" };

	return owner <= PT_OWNER_DOMAIN ? names[owner] : "?";
}

char *pt_device_owner_format(const struct pt_device *d, char *buf, size_t len)
{
	if (d->owner == PT_OWNER_DOMAIN)
		return pt_domid_format(d->domid, buf, len);
	snprintf(buf, len, "%s", pt_owner_name(d->owner));
	return buf;
}
