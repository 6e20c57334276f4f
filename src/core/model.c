// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The state model.
 *
 * Everything here is derived from events alone.  Events often name only
 * part of the chain (an irq, a pirq, a port), so the model keeps the joins
 * dom0 itself keeps: gsi -> device, irq -> pirq, pirq -> device, port ->
 * irq, and attributes each event to the device it concerns.
 *
 * The model keeps state and judges nothing, and calls nothing above it:
 * the analysis (analysis.c) applies each event here, then hands it to the
 * rules (rules.c, rule_*.c), which read the state through the queries at
 * the end of this file (model_query.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pt_model.h"
#include "idmap.h"
#include "pt_names.h"
#include "pt_pcicfg.h"
#include "model_query.h"
#include "pt_xenhc.h"
#include "pt_grow.h"
#include "xen_public.h"

#define DEFAULT_WINDOW_NS	1000000000ull

/* ------------------------------------------------------------ state */

/*
 * A device as the model keeps it: the public picture, and what the model
 * itself needs to remember about it.
 */
struct dev_state {
	struct pt_device pub;		/* first: a device is its dev_state */
	struct pt_event last;		/* the last event attributed to it */
	bool have_last;
	/*
	 * The last reset call, and whether its task has done anything else
	 * on the device since (another task's events, the samplers' among
	 * them, do not end a nest of reset calls).
	 */
	struct pt_event last_reset;	/* set with every reset added */
	bool reset_task_moved_on;
	struct pt_evref msix_ctrl;	/* the last MSI-X control word write */
	bool have_msix_ctrl;
};

static struct dev_state *dev_state(const struct pt_device *d)
{
	return (struct dev_state *)d;
}

struct lost_window {
	__u64 from;
	__u64 to;
};

struct pt_model {
	char dom0_mode[8];
	long sample_msix_ms;	/* -1: not said */
	long sample_xen_ms;
	__u64 window_ns;

	struct pt_device **devs;
	size_t ndevs, capdevs;
	struct idmap dev_by_sbdf;

	struct pt_pirq_state *pirqs;
	size_t npirqs, cappirqs;
	struct idmap pirq_by_key;	/* domid << 32 | pirq */
	struct idmap pirq_by_irq;	/* dom0 Linux irq */

	struct pt_gsi_state *gsis;
	size_t ngsis, capgsis;
	struct idmap gsi_by_num;
	struct idmap gsi_by_irq;	/* Linux irq of a registered GSI */

	struct pt_port_state *ports;
	size_t nports, capports;
	struct idmap port_by_num;

	struct pt_domain_state *doms;
	size_t ndoms, capdoms;
	struct idmap dom_by_id;

	/* toolstack map_pirq(GSI) results: domid << 32 | pirq -> gsi */
	struct idmap ts_gsi_by_pirq;
	/* the same in order, for GSIs whose device is not known yet */
	struct ts_gsi_map {
		int domid, pirq, gsi;
		bool live;
	} *ts_maps;
	size_t nts_maps, capts_maps;

	/*
	 * The successful unmap_pirq of each (domid, pirq) not mapped again
	 * since: a second unmap of it fails with EINVAL by design (QEMU
	 * unmaps a guest's GSI pirq, then libxl tries too).  One slot per
	 * pirq ever unmapped, as the pirqs themselves.
	 */
	struct pirq_unmap {
		int domid;
		bool valid;
		struct pt_evref ev;
	} *unmaps;
	size_t nunmaps, capunmaps;
	struct idmap unmap_by_key;

	struct lost_window *lost;
	size_t nlost, caplost;
	__u64 last_ts;

	struct pt_analysis *analysis;	/* the layer above's: never read here */

	struct pt_model_stats stats;
};

static uint64_t pirq_key(int domid, int pirq)
{
	return ((uint64_t)(uint32_t)domid << 32) | (uint32_t)pirq;
}

struct pt_model *pt_state_new(void)
{
	struct pt_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->window_ns = DEFAULT_WINDOW_NS;
	return m;
}

void pt_state_attach(struct pt_model *m, struct pt_analysis *a)
{
	m->analysis = a;
}

struct pt_analysis *pt_state_analysis(const struct pt_model *m)
{
	return m->analysis;
}

void pt_state_free(struct pt_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->ndevs; i++) {
		free(m->devs[i]->history);
		free(m->devs[i]->vectors);
		free(m->devs[i]->entry_masks);
		free(m->devs[i]->resets);
		free(m->devs[i]->gsi_binds);
		free(m->devs[i]);
	}
	free(m->devs);
	free(m->pirqs);
	free(m->gsis);
	free(m->ports);
	free(m->doms);
	free(m->lost);
	idmap_free(&m->dev_by_sbdf);
	idmap_free(&m->pirq_by_key);
	idmap_free(&m->pirq_by_irq);
	idmap_free(&m->gsi_by_num);
	idmap_free(&m->gsi_by_irq);
	idmap_free(&m->port_by_num);
	idmap_free(&m->dom_by_id);
	idmap_free(&m->ts_gsi_by_pirq);
	free(m->ts_maps);
	free(m->unmaps);
	idmap_free(&m->unmap_by_key);
	free(m);
}

void pt_model_set_dom0_mode(struct pt_model *m, const char *mode)
{
	snprintf(m->dom0_mode, sizeof(m->dom0_mode), "%s", mode ? mode : "");
}

void pt_model_set_sampling(struct pt_model *m, long msix_ms, long xen_ms)
{
	m->sample_msix_ms = msix_ms;
	m->sample_xen_ms = xen_ms;
}

void pt_model_set_window(struct pt_model *m, __u64 ns)
{
	m->window_ns = ns;
}

__u64 pt_model_window(const struct pt_model *m)
{
	return m->window_ns;
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
	d = pt_xcalloc(1, sizeof(struct dev_state));
	d->sbdf = sbdf;
	d->domid = PT_NONE;
	d->gsi = d->gsi_trigger = d->gsi_polarity = PT_NONE;
	d->gsi_irq = d->gsi_pirq = PT_NONE;
	d->msix_ctrl = -1;
	d->maskall = -1;
	*PT_PUSH(m->devs, m->ndevs, m->capdevs) = d;
	*idmap_slot(&m->dev_by_sbdf, sbdf, true) = m->ndevs - 1;
	return d;
}

static struct pt_pirq_state *pirq_find(struct pt_model *m, int domid, int pirq)
{
	size_t *slot = idmap_slot(&m->pirq_by_key, pirq_key(domid, pirq), false);

	return slot ? &m->pirqs[*slot] : NULL;
}

static struct pt_pirq_state *pirq_by_irq(struct pt_model *m, int irq)
{
	size_t *slot;

	if (irq == PT_NONE)
		return NULL;
	slot = idmap_slot(&m->pirq_by_irq, (uint32_t)irq, false);
	return slot && *slot != SIZE_MAX ? &m->pirqs[*slot] : NULL;
}

/* (domid, pirq)'s slot, made if new. */
static struct pt_pirq_state *pirq_get(struct pt_model *m, int domid, int pirq)
{
	struct pt_pirq_state *p = pirq_find(m, domid, pirq);

	if (p)
		return p;
	PT_PUSH(m->pirqs, m->npirqs, m->cappirqs);
	*idmap_slot(&m->pirq_by_key, pirq_key(domid, pirq), true) = m->npirqs - 1;
	return &m->pirqs[m->npirqs - 1];
}

static struct pt_gsi_state *gsi_find(struct pt_model *m, int gsi)
{
	size_t *slot;

	if (gsi == PT_NONE)
		return NULL;
	slot = idmap_slot(&m->gsi_by_num, (uint32_t)gsi, false);
	return slot ? &m->gsis[*slot] : NULL;
}

static struct pt_gsi_state *gsi_by_linux_irq(struct pt_model *m, int irq)
{
	size_t *slot = idmap_slot(&m->gsi_by_irq, (uint32_t)irq, false);

	return slot ? &m->gsis[*slot] : NULL;
}

static struct pt_domain_state *dom_get(struct pt_model *m, int domid, bool create)
{
	size_t *slot = idmap_slot(&m->dom_by_id, (uint32_t)domid, false);

	if (slot)
		return &m->doms[*slot];
	if (!create)
		return NULL;
	PT_PUSH(m->doms, m->ndoms, m->capdoms);
	*idmap_slot(&m->dom_by_id, (uint32_t)domid, true) = m->ndoms - 1;
	return &m->doms[m->ndoms - 1];
}

static void evref(struct pt_evref *r, const struct pt_event *ev,
		  unsigned long line)
{
	r->line = line;
	r->ev = *ev;
}

static void unmap_note(struct pt_model *m, int domid, int pirq,
		       const struct pt_event *ev, unsigned long line)
{
	size_t *slot = idmap_slot(&m->unmap_by_key, pirq_key(domid, pirq), false);
	struct pirq_unmap *u;

	if (!slot) {
		PT_PUSH(m->unmaps, m->nunmaps, m->capunmaps);
		slot = idmap_slot(&m->unmap_by_key, pirq_key(domid, pirq), true);
		*slot = m->nunmaps - 1;
	}
	u = &m->unmaps[*slot];
	u->domid = domid;
	u->valid = true;
	evref(&u->ev, ev, line);
}

/* (domid, pirq) is mapped again: an unmap of it is no longer a repeat */
static void unmap_forget(struct pt_model *m, int domid, int pirq)
{
	size_t *slot = idmap_slot(&m->unmap_by_key, pirq_key(domid, pirq), false);

	if (slot)
		m->unmaps[*slot].valid = false;
}

/* ------------------------------------------------------------ devices */

/*
 * A device's owner changes and resets are listed by the report, but a
 * trace of days must not grow the model: at PT_HISTORY_MAX the older half
 * goes, counted.  The rules only look at the latest ones.
 */
static void keep_recent(void *arr, size_t *n, size_t *dropped, size_t size)
{
	size_t drop = PT_HISTORY_MAX / 2;

	if (*n < PT_HISTORY_MAX)
		return;
	memmove(arr, (char *)arr + drop * size, (*n - drop) * size);
	*n -= drop;
	*dropped += drop;
}

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
	keep_recent(d->history, &d->nhistory, &d->history_dropped,
		    sizeof(*d->history));
	c = realloc(d->history, (d->nhistory + 1) * sizeof(*d->history));
	if (!c)
		pt_oom("growing a device's list");
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
	const struct pt_entry_mask *em;
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
		pt_oom("growing a device's list");
	d->vectors = v;
	v = &d->vectors[d->nvectors++];
	v->mask_transitions = 0;
init:
	v->entry = entry;
	v->pirq = pirq;
	v->domid = domid;
	v->irq = v->evtchn = PT_NONE;
	/* the device's bit, when the sampler has read it already */
	em = entry != PT_NONE ? pt_device_entry_mask(d, entry) : NULL;
	v->masked = em ? em->view[PT_MV_DEVICE].masked : -1;
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

/* ------------------------------------------------------------ mask views */

/* The view an observation belongs to; PT_MV_MAX for none of them. */
static enum pt_mask_view mask_view_of(int view)
{
	switch (view) {
	case PT_VIEW_TABLE:
		return PT_MV_DEVICE;
	case PT_VIEW_LINUX:
		return PT_MV_DOM0;
	case PT_VIEW_XEN:
		return PT_MV_XEN;
	default:
		/* pciback's emulation and pirq masking are not the bit */
		return PT_MV_MAX;
	}
}

/* Entry's slot, inserted in order if new; NULL for an impossible entry. */
static struct pt_entry_mask *entry_mask_get(struct pt_device *d, int entry)
{
	struct pt_entry_mask *em;
	size_t i;

	/* a log is input: no entry beyond what the capability can hold */
	if (entry < 0 || entry >= PT_MSIX_MAX_ENTRIES)
		return NULL;
	for (i = 0; i < d->nentry_masks && d->entry_masks[i].entry <= entry; i++)
		if (d->entry_masks[i].entry == entry)
			return &d->entry_masks[i];
	em = realloc(d->entry_masks, (d->nentry_masks + 1) * sizeof(*em));
	if (!em)
		pt_oom("growing a device's list");
	d->entry_masks = em;
	memmove(&em[i + 1], &em[i], (d->nentry_masks - i) * sizeof(*em));
	d->nentry_masks++;
	em = &em[i];
	memset(em, 0, sizeof(*em));
	em->entry = entry;
	for (int k = 0; k < PT_MV_MAX; k++)
		em->view[k].masked = -1;
	return em;
}

/* An observation of entry's bit in view mv: a transition if it changed. */
static void entry_mask_observe(struct pt_device *d, int entry,
			       enum pt_mask_view mv, int masked,
			       const struct pt_event *ev, unsigned long line)
{
	struct pt_entry_mask *em;
	struct pt_mask_state *st;

	em = entry_mask_get(d, entry);
	if (!em)
		return;
	st = &em->view[mv];
	masked = !!masked;
	if (st->masked == masked)
		return;
	if (st->masked != -1)
		st->transitions++;
	st->masked = masked;
	st->last_ts = ev->hdr.ts_ns;
	st->last_line = line;
	/* the samplers only see the bit: who wrote it is not known */
	if (mv == PT_MV_DEVICE || mv == PT_MV_XEN) {
		st->last_pid = 0;
		st->last_comm[0] = '\0';
	} else {
		st->last_pid = ev->hdr.pid;
		memcpy(st->last_comm, ev->hdr.comm, sizeof(st->last_comm));
		st->last_comm[sizeof(st->last_comm) - 1] = '\0';
	}
}

/*
 * A view that no longer stands for the entry: the device model's, once
 * it unbound or unmapped the guest's vector (the entry may serve dom0
 * next).  Back to never observed.
 */
static void entry_mask_forget(struct pt_device *d, int entry,
			      enum pt_mask_view mv)
{
	for (size_t i = 0; i < d->nentry_masks; i++)
		if (d->entry_masks[i].entry == entry) {
			memset(&d->entry_masks[i].view[mv], 0,
			       sizeof(d->entry_masks[i].view[mv]));
			d->entry_masks[i].view[mv].masked = -1;
		}
}

/* An msi_vmask event's bit, in the view its source stands for. */
static void entry_mask_set(struct pt_device *d, int entry, int view,
			   int masked, const struct pt_event *ev,
			   unsigned long line)
{
	enum pt_mask_view mv = mask_view_of(view);

	if (mv != PT_MV_MAX)
		entry_mask_observe(d, entry, mv, masked, ev, line);
}

const struct pt_entry_mask *pt_device_entry_mask(const struct pt_device *d,
						 int entry)
{
	for (size_t i = 0; d && i < d->nentry_masks; i++)
		if (d->entry_masks[i].entry == entry)
			return &d->entry_masks[i];
	return NULL;
}

bool pt_device_entry_has_vector(const struct pt_device *d, int entry)
{
	for (size_t i = 0; d && i < d->nvectors; i++)
		if (d->vectors[i].entry == entry)
			return true;
	return false;
}

const char *pt_mask_view_name(enum pt_mask_view v)
{
	static const char *const names[PT_MV_MAX] = {
		[PT_MV_DEVICE] = "device", [PT_MV_DOM0] = "dom0",
		[PT_MV_XEN] = "xen", [PT_MV_DM] = "dm",
	};

	return (unsigned int)v < PT_MV_MAX ? names[v] : "?";
}

char *pt_mask_state_format(const struct pt_mask_state *s, char *buf,
			   size_t len)
{
	if (!s || s->masked < 0)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%s/%u", s->masked ? "yes" : "no",
			 s->transitions);
	return buf;
}

/*
 * The GSI binding of domid on d: found by domain and pirq, else a new one.
 * A GSI has one pirq per domain, so a new pirq of a domain replaces its
 * old binding.
 */
static struct pt_gsi_bind *gsi_bind_get(struct pt_device *d, int domid,
					int pirq)
{
	struct pt_gsi_bind *b;

	for (size_t i = 0; i < d->ngsi_binds; i++) {
		b = &d->gsi_binds[i];
		if (b->domid == domid && (b->pirq == pirq || !b->live))
			goto init;
	}
	b = realloc(d->gsi_binds, (d->ngsi_binds + 1) * sizeof(*b));
	if (!b)
		pt_oom("growing a device's list");
	d->gsi_binds = b;
	b = &d->gsi_binds[d->ngsi_binds++];
	b->pirq = pirq;
	b->irq = b->evtchn = PT_NONE;
init:
	if (b->pirq != pirq)
		b->irq = b->evtchn = PT_NONE;
	b->domid = domid;
	b->pirq = pirq;
	b->live = true;
	return b;
}

static struct pt_gsi_bind *gsi_bind_find(struct pt_device *d, int domid,
					 int pirq)
{
	for (size_t i = 0; d && i < d->ngsi_binds; i++)
		if (d->gsi_binds[i].domid == domid && d->gsi_binds[i].pirq == pirq)
			return &d->gsi_binds[i];
	return NULL;
}

static void recent_add(struct pt_device *d, const struct pt_event *ev,
		       unsigned long line)
{
	struct dev_state *ds = dev_state(d);

	evref(&d->recent[d->nrecent % PT_RECENT_MAX], ev, line);
	d->nrecent++;
	d->nevents++;
	ds->last = *ev;
	ds->have_last = true;
	if (d->nresets && ev->hdr.pid == ds->last_reset.hdr.pid &&
	    !(ev->hdr.type == PT_EV_PCI_RESET && ev->hdr.kind != PT_RESET_XEN_NOTIFY))
		ds->reset_task_moved_on = true;
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

	if (!d)
		return NULL;
	/* a failed probe or init leaves the owner as it was */
	if ((ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0 &&
	    (ev->hdr.kind == PT_PCIBACK_PROBE || ev->hdr.kind == PT_PCIBACK_INIT))
		return d;
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
	struct dev_state *ds;
	struct pt_reset *r;

	if (!d)
		return NULL;
	ds = dev_state(d);
	if (ev->hdr.kind == PT_RESET_XEN_NOTIFY) {
		/* a notification Xen refused (-ENOSYS on 4.17) told it nothing */
		bool refused = (ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0;

		if (d->nresets && !refused)
			d->resets[d->nresets - 1].xen_told = true;
		return d;
	}
	/*
	 * pci_reset_function() calls __pci_reset_function_locked(), which
	 * calls the method (pcie_flr, ...): one reset shows as nested events
	 * on the same task with nothing of that task in between.  Count it
	 * once.
	 */
	if (d->nresets && !ds->reset_task_moved_on) {
		const struct pt_event *prev = &ds->last_reset;

		/*
		 * Exit-time events carry their entry time, so the inner call
		 * (written first) may have the later timestamp.
		 */
		__u64 gap = ev->hdr.ts_ns > prev->hdr.ts_ns ?
			    ev->hdr.ts_ns - prev->hdr.ts_ns :
			    prev->hdr.ts_ns - ev->hdr.ts_ns;

		if (prev->hdr.pid == ev->hdr.pid && gap < 100000000ull) {
			/*
			 * In time order the outer call comes first: the
			 * method (pm, flr, bus) is the innermost one.
			 */
			if (ev->hdr.kind != PT_RESET_FUNCTION &&
			    ev->hdr.kind != PT_RESET_FUNCTION_LOCKED)
				d->resets[d->nresets - 1].method = ev->hdr.kind;
			ds->last_reset = *ev;
			return d;
		}
	}
	ds->last_reset = *ev;
	ds->reset_task_moved_on = false;
	keep_recent(d->resets, &d->nresets, &d->resets_dropped, sizeof(*r));
	r = realloc(d->resets, (d->nresets + 1) * sizeof(*r));
	if (!r)
		pt_oom("growing a device's list");
	d->resets = r;
	r = &d->resets[d->nresets++];
	r->ts = ev->hdr.ts_ns;
	r->line = line;
	r->method = ev->hdr.kind;
	r->xen_told = false;
	return d;
}

/*
 * bind_gsi can come before the registration that names the device (an
 * exit-time event, or a GSI set up by the toolstack first): once the GSI's
 * device is known, the pirqs bound to it so far are that device's.
 */
static void gsi_adopt(struct pt_model *m, int gsi, __u32 sbdf)
{
	struct pt_device *d = NULL;

	for (size_t i = 0; i < m->npirqs; i++) {
		struct pt_pirq_state *p = &m->pirqs[i];
		struct pt_gsi_bind *b;

		if (p->gsi != gsi || p->sbdf != PT_SBDF_NONE || !p->mapped)
			continue;
		if (!d)
			d = dev_get(m, sbdf, true);
		p->sbdf = sbdf;
		b = gsi_bind_get(d, p->domid, p->pirq);
		b->irq = p->irq;
		b->evtchn = p->evtchn;
		if (p->domid == 0) {
			d->gsi_pirq = p->pirq;
			if (p->irq != PT_NONE)
				d->gsi_irq = p->irq;
		}
	}
	/* and the guests' pirqs the toolstack mapped for it */
	for (size_t i = 0; i < m->nts_maps; i++) {
		struct ts_gsi_map *t = &m->ts_maps[i];

		if (t->gsi != gsi || !t->live)
			continue;
		if (!d)
			d = dev_get(m, sbdf, true);
		if (!gsi_bind_find(d, t->domid, t->pirq))
			gsi_bind_get(d, t->domid, t->pirq);
	}
}

static void register_gsi(struct pt_model *m, int gsi, int irq, __u32 sbdf,
			 const struct pt_event *ev, unsigned long line)
{
	struct pt_gsi_state *g = gsi_find(m, gsi);

	if (!g) {
		g = PT_PUSH(m->gsis, m->ngsis, m->capgsis);
		g->gsi = gsi;
		g->irq = PT_NONE;
		g->sbdf = PT_SBDF_NONE;
		*idmap_slot(&m->gsi_by_num, (uint32_t)gsi, true) = m->ngsis - 1;
	}
	if (irq != PT_NONE) {
		g->irq = irq;
		*idmap_slot(&m->gsi_by_irq, (uint32_t)irq, true) = g - m->gsis;
	}
	if (sbdf != PT_SBDF_NONE && g->sbdf != sbdf) {
		g->sbdf = sbdf;
		gsi_adopt(m, gsi, sbdf);
	}
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

/* p is unmapped: its vector rows and GSI binding die with it. */
static struct pt_device *pirq_unmapped(struct pt_model *m,
				       struct pt_pirq_state *p)
{
	struct pt_device *d;

	p->mapped = false;
	if (p->irq != PT_NONE)
		*idmap_slot(&m->pirq_by_irq, (uint32_t)p->irq, true) = SIZE_MAX;
	d = dev_get(m, p->sbdf, false);
	if (!d)
		return NULL;
	for (size_t i = 0; i < d->nvectors; i++)
		if (d->vectors[i].pirq == p->pirq && d->vectors[i].domid == p->domid)
			d->vectors[i].live = false;
	if (p->by_toolstack && p->entry != PT_NONE)
		entry_mask_forget(d, p->entry, PT_MV_DM);
	if (p->entry != PT_NONE)
		entry_mask_forget(d, p->entry, PT_MV_XEN);
	if (p->gsi != PT_NONE) {
		struct pt_gsi_bind *b = gsi_bind_find(d, p->domid, p->pirq);

		if (b)
			b->live = false;
		if (d->gsi_pirq == p->pirq && p->domid == 0)
			d->gsi_pirq = PT_NONE;
	}
	return d;
}

static struct pt_device *on_pirq(struct pt_model *m, const struct pt_event *ev,
				 unsigned long line)
{
	const struct pt_ev_pirq *e = &ev->pirq;
	int domid = e->domid == PT_NONE ? 0 : pt_domid_norm(e->domid);
	int irq = e->irq;
	struct pt_pirq_state *p = NULL;
	struct pt_device *d;
	__u32 sbdf = ev->hdr.sbdf;

	if ((ev->hdr.flags & PT_EVF_HAS_RET) && ev->hdr.ret < 0)
		return dev_get(m, sbdf, false);
	/* bind hooks return the Linux irq */
	if (irq == PT_NONE && (ev->hdr.flags & PT_EVF_HAS_RET) &&
	    (ev->hdr.kind == PT_PIRQ_BIND_GSI || ev->hdr.kind == PT_PIRQ_BIND_MSI))
		irq = ev->hdr.ret;

	switch (ev->hdr.kind) {
	case PT_PIRQ_BIND_GSI:
	case PT_PIRQ_BIND_MSI: {
		if (e->pirq == PT_NONE)
			return dev_get(m, sbdf, false);
		if (sbdf == PT_SBDF_NONE && e->gsi != PT_NONE) {
			struct pt_gsi_state *g = gsi_find(m, e->gsi);

			if (g)
				sbdf = g->sbdf;
		}
		p = pirq_get(m, domid, e->pirq);
		unmap_forget(m, domid, e->pirq);
		p->by_toolstack = false;
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
			v->irq = irq;
			p->entry = entry;
		} else {
			struct pt_gsi_bind *b = gsi_bind_get(d, domid, e->pirq);

			b->irq = irq;
			d->gsi = e->gsi;
			if (domid == 0)
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
		return pirq_unmapped(m, p);
	default:
		return dev_get(m, sbdf, false);
	}
}

static struct pt_device *on_evtchn(struct pt_model *m, const struct pt_event *ev,
				   unsigned long line)
{
	const struct pt_ev_evtchn *e = &ev->evtchn;
	struct pt_pirq_state *p = pirq_by_irq(m, e->irq);
	struct pt_device *d = p ? dev_get(m, p->sbdf, false) :
				  dev_get(m, ev->hdr.sbdf, false);
	struct pt_vector *v = d ? vector_by_irq(d, e->irq) : NULL;
	struct pt_gsi_bind *gb = NULL;
	size_t *slot;
	struct pt_port_state *pr = NULL;

	/*
	 * dom0's pirq of a GSI bound before the recording started shows only
	 * as an event channel bound to the GSI's irq: that is the binding.
	 */
	if (!v && e->irq != PT_NONE) {
		struct pt_gsi_state *g = gsi_by_linux_irq(m, e->irq);
		int pirq = p ? p->pirq : e->pirq;

		if (g && g->irq == e->irq && g->sbdf != PT_SBDF_NONE &&
		    pirq != PT_NONE && (!p || p->gsi != PT_NONE)) {
			if (!d)
				d = dev_get(m, g->sbdf, true);
			gb = gsi_bind_find(d, 0, pirq);
			if (!gb && ev->hdr.kind == PT_EVTCHN_BIND) {
				gb = gsi_bind_get(d, 0, pirq);
				gb->irq = e->irq;
				d->gsi_pirq = pirq;
			}
		}
	}

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
			pr = PT_PUSH(m->ports, m->nports, m->capports);
			*idmap_slot(&m->port_by_num, (uint32_t)e->evtchn, true) =
				m->nports - 1;
		}
		pr->irq = e->irq;
		pr->pirq = p ? p->pirq : e->pirq;
		pr->bound = true;
		evref(&pr->bind, ev, line);
		if (p)
			p->evtchn = e->evtchn;
		if (v)
			v->evtchn = e->evtchn;
		if (gb)
			gb->evtchn = e->evtchn;
		break;
	case PT_EVTCHN_CLOSE:
		if (pr && pr->bound && e->irq != PT_NONE && pr->irq != PT_NONE &&
		    pr->irq != e->irq) {
			/*
			 * The close of an old binding arrives after the port was
			 * handed to another irq: it does not unbind the new one
			 * (evtchn-reuse-race judges it).
			 */
			break;
		}
		if (pr)
			pr->bound = false;
		if (p)
			p->evtchn = PT_NONE;
		if (v)
			v->evtchn = PT_NONE;
		if (gb)
			gb->evtchn = PT_NONE;
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
	evref(&dev_state(d)->msix_ctrl, ev, line);
	dev_state(d)->have_msix_ctrl = true;
	return d;
}

/*
 * Xen's view names a vector by its pirq and domain (debug keys i and Q
 * join Xen's irq to them); the entry is the one that pirq was mapped
 * for, as the trace saw it (a live row first, then a toolstack map).
 */
static struct pt_device *on_xen_vmask(struct pt_model *m,
				      const struct pt_event *ev,
				      unsigned long line)
{
	const struct pt_ev_vector_mask *e = &ev->vmask;
	struct pt_device *d = dev_get(m, ev->hdr.sbdf, false);
	int domid = pt_domid_norm(e->domid);
	int entry = e->entry;

	if (!d)
		return NULL;
	for (size_t i = 0; entry == PT_NONE && i < d->nvectors; i++)
		if (d->vectors[i].live && d->vectors[i].pirq == e->pirq &&
		    d->vectors[i].domid == domid)
			entry = d->vectors[i].entry;
	if (entry == PT_NONE && e->domid != PT_NONE) {
		struct pt_pirq_state *p = pirq_find(m, domid, e->pirq);

		if (p && p->mapped && p->sbdf == d->sbdf)
			entry = p->entry;
	}
	/* a vector the trace never saw set up: no entry to show it on */
	if (entry == PT_NONE)
		return NULL;
	entry_mask_observe(d, entry, PT_MV_XEN, e->masked, ev, line);
	return d;
}

static struct pt_device *on_vmask(struct pt_model *m, const struct pt_event *ev,
				  unsigned long line)
{
	const struct pt_ev_vector_mask *e = &ev->vmask;
	struct pt_pirq_state *p = pirq_by_irq(m, e->irq);
	struct pt_device *d = dev_get(m, ev->hdr.sbdf, false);
	struct pt_vector *v = NULL;

	if (e->view == PT_VIEW_XEN)
		return on_xen_vmask(m, ev, line);
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
	/*
	 * An entry no pirq is mapped for (the sampler reads every entry of
	 * the table) has its mask views below, not a vector row: a row is an
	 * interrupt someone set up, and a dead one keeps its history.
	 */
	if (v) {
		if (e->irq != PT_NONE && v->irq == PT_NONE)
			v->irq = e->irq;
		vector_mask(v, e->masked);
	}
	entry_mask_set(d, e->entry != PT_NONE ? e->entry : v ? v->entry : PT_NONE,
		       e->view, e->masked, ev, line);
	return d;
}

/* ------------------------------------------------------------ hypercalls */

/*
 * A device model's map_pirq of an MSI or MSI-X vector for an HVM guest
 * (QEMU's xen_pt through privcmd): the guest's vector, as pciback's
 * enable_msix makes it for a PV guest, but with no dom0 irq behind it.
 */
static struct pt_device *map_guest_msi(struct pt_model *m,
				       const struct pt_event *ev,
				       unsigned long line)
{
	const struct pt_hc_args *a = &ev->hc.args;
	int pirq = pt_hc_mapped_pirq(ev);
	int domid = pt_domid_norm(a->domid);
	int entry = a->entry_nr != PT_NONE ? a->entry_nr : 0;
	struct pt_pirq_state *p;
	struct pt_device *d;

	/* MULTI_MSI's entry_nr is a vector count: no one entry to show */
	if (pirq < 0 || domid == 0 || a->sbdf == PT_SBDF_NONE ||
	    pt_map_type_is_multi_msi(a->map_type))
		return dev_get(m, a->sbdf, false);
	d = dev_get(m, a->sbdf, true);
	if (!d)
		return NULL;
	p = pirq_get(m, domid, pirq);
	unmap_forget(m, domid, pirq);
	/* an unmap we never saw (a lost event, a reused domid): end it first */
	if (p->mapped)
		pirq_unmapped(m, p);
	p->pirq = pirq;
	p->domid = domid;
	p->irq = p->gsi = p->evtchn = PT_NONE;
	p->entry = entry;
	p->sbdf = a->sbdf;
	p->mapped = true;
	p->by_toolstack = true;
	evref(&p->bind, ev, line);
	vector_get(d, pirq, domid, entry);
	set_owner(d, PT_OWNER_DOMAIN, domid, ev, line);
	return d;
}

/*
 * The device model's view of a vector's mask: each bind_pt_irq of an
 * MSI passes the mask bit it last saw the guest write (gflags UNMASKED);
 * Xen may handle later mask writes itself without telling it.
 */
static struct pt_device *bind_guest_msi(struct pt_model *m,
					const struct pt_event *ev,
					unsigned long line)
{
	const struct pt_hc_args *a = &ev->hc.args;
	struct pt_pirq_state *p;
	struct pt_device *d;

	if (a->domid == PT_NONE || a->machine_irq == PT_NONE ||
	    a->flags == PT_NONE)
		return NULL;
	p = pirq_find(m, pt_domid_norm(a->domid), a->machine_irq);
	if (!p || !p->mapped || p->entry == PT_NONE)
		return NULL;
	d = dev_get(m, p->sbdf, false);
	if (d)
		entry_mask_observe(d, p->entry, PT_MV_DM,
				   !(a->flags & XEN_DOMCTL_VMSI_X86_UNMASKED),
				   ev, line);
	return d;
}

/* The device model unbound the guest's MSI: its view of the mask ends. */
static struct pt_device *unbind_guest_msi(struct pt_model *m,
					  const struct pt_event *ev)
{
	const struct pt_hc_args *a = &ev->hc.args;
	struct pt_pirq_state *p;
	struct pt_device *d;

	if (a->domid == PT_NONE || a->machine_irq == PT_NONE)
		return NULL;
	p = pirq_find(m, pt_domid_norm(a->domid), a->machine_irq);
	if (!p || !p->mapped || !p->by_toolstack || p->entry == PT_NONE)
		return NULL;
	d = dev_get(m, p->sbdf, false);
	if (d)
		entry_mask_forget(d, p->entry, PT_MV_DM);
	return d;
}

/*
 * Before the list of toolstack maps grows: drop the unmapped ones, which
 * nothing reads again, keeping the order of the others.  The list is as
 * long as the maps alive at once, not as the log.
 */
static void ts_maps_compact(struct pt_model *m)
{
	size_t k = 0;

	if (m->nts_maps < m->capts_maps)
		return;
	for (size_t i = 0; i < m->nts_maps; i++)
		if (m->ts_maps[i].live)
			m->ts_maps[k++] = m->ts_maps[i];
	m->nts_maps = k;
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

	if (hc->op == __HYPERVISOR_physdev_op) {
		switch (hc->cmd) {
		case PHYSDEVOP_map_pirq:
			if (a->map_type == MAP_PIRQ_TYPE_GSI) {
				if (ok && a->domid != PT_NONE) {
					/*
					 * a GSI asked with pirq -1 and no result
					 * read back: the GSI, as Xen maps dom0's
					 */
					int mapped = pt_hc_mapped_pirq(ev);
					int pirq = mapped >= 0 ? mapped : a->index;
					int domid = pt_domid_norm(a->domid);
					struct pt_gsi_state *g = gsi_find(m, a->index);

					unmap_forget(m, domid, pirq);
					*idmap_slot(&m->ts_gsi_by_pirq,
						    pirq_key(domid, pirq),
						    true) = a->index;
					ts_maps_compact(m);
					*PT_PUSH(m->ts_maps, m->nts_maps,
						 m->capts_maps) = (struct ts_gsi_map){
						domid, pirq, a->index, true };
					/* the guest's binding of the device's GSI */
					if (g && g->sbdf != PT_SBDF_NONE && domid != 0) {
						d = dev_get(m, g->sbdf, true);
						gsi_bind_get(d, domid, pirq);
					}
				}
			} else if (pt_map_type_is_msi(a->map_type) && ok &&
				   a->domid != PT_NONE) {
				d = map_guest_msi(m, ev, line);
			}
			break;
		case PHYSDEVOP_unmap_pirq:
			if (ok && a->domid != PT_NONE && a->pirq != PT_NONE) {
				int domid = pt_domid_norm(a->domid);
				struct pt_pirq_state *p;
				struct pt_gsi_state *g;
				struct pt_gsi_bind *b;

				unmap_note(m, domid, a->pirq, ev, line);
				for (size_t i = 0; i < m->nts_maps; i++)
					if (m->ts_maps[i].domid == domid &&
					    m->ts_maps[i].pirq == a->pirq)
						m->ts_maps[i].live = false;
				p = pirq_find(m, domid, a->pirq);
				if (p && p->mapped && p->by_toolstack) {
					d = pirq_unmapped(m, p);
					break;
				}
				g = gsi_find(m, pt_model_toolstack_gsi(m, domid, a->pirq));
				if (!g || g->sbdf == PT_SBDF_NONE)
					break;
				d = dev_get(m, g->sbdf, true);
				b = gsi_bind_find(d, domid, a->pirq);
				if (b)
					b->live = false;
			}
			break;
		case PHYSDEVOP_setup_gsi:
			if (ok && a->gsi != PT_NONE)
				register_gsi(m, a->gsi, PT_NONE, PT_SBDF_NONE, ev, line);
			break;
		case PHYSDEVOP_pci_device_reset:
			if (ok && a->sbdf != PT_SBDF_NONE) {
				d = dev_get(m, a->sbdf, true);
				if (d->nresets)
					d->resets[d->nresets - 1].xen_told = true;
			}
			break;
		}
	} else if (hc->op == __HYPERVISOR_domctl) {
		switch (hc->cmd) {
		case XEN_DOMCTL_assign_device:
			if (a->sbdf == PT_SBDF_NONE)
				break;
			d = dev_get(m, a->sbdf, true);
			/* xl pci-assignable-add quarantines the device with dom_io */
			if (ok && a->domid >= PT_DOMID_SELF)
				set_owner(d, PT_OWNER_PCIBACK, PT_NONE, ev, line);
			else if (ok)
				set_owner(d, PT_OWNER_DOMAIN, pt_domid_norm(a->domid), ev, line);
			break;
		case XEN_DOMCTL_deassign_device:
			if (a->sbdf == PT_SBDF_NONE || !ok)
				break;
			d = dev_get(m, a->sbdf, true);
			set_owner(d, PT_OWNER_PCIBACK, PT_NONE, ev, line);
			break;
		case XEN_DOMCTL_destroydomain:
			if (has_ret && ev->hdr.ret == 0 && a->domid != PT_NONE) {
				struct pt_domain_state *dr = dom_get(m, a->domid, true);

				if (!dr->destroyed) {
					dr->destroyed = true;
					evref(&dr->destroy, ev, line);
				}
				/* Xen unmaps a dead domain's pirqs */
				for (size_t i = 0; i < m->npirqs; i++)
					if (m->pirqs[i].domid == pt_domid_norm(a->domid) &&
					    m->pirqs[i].mapped && m->pirqs[i].by_toolstack)
						pirq_unmapped(m, &m->pirqs[i]);
				for (size_t i = 0; i < m->nts_maps; i++)
					if (m->ts_maps[i].domid == pt_domid_norm(a->domid))
						m->ts_maps[i].live = false;
				for (size_t i = 0; i < m->nunmaps; i++)
					if (m->unmaps[i].domid == pt_domid_norm(a->domid))
						m->unmaps[i].valid = false;
				for (size_t i = 0; i < m->ndevs; i++)
					for (size_t j = 0; j < m->devs[i]->ngsi_binds; j++)
						if (m->devs[i]->gsi_binds[j].domid ==
						    pt_domid_norm(a->domid))
							m->devs[i]->gsi_binds[j].live = false;
			}
			break;
		case XEN_DOMCTL_bind_pt_irq:
			if (ok && a->irq_type == PT_IRQ_TYPE_MSI) {
				struct pt_device *bd = bind_guest_msi(m, ev, line);

				if (bd)
					d = bd;
			}
			break;
		case XEN_DOMCTL_unbind_pt_irq:
			if (ok && a->irq_type == PT_IRQ_TYPE_MSI) {
				struct pt_device *bd = unbind_guest_msi(m, ev);

				if (bd)
					d = bd;
			}
			break;
		case XEN_DOMCTL_createdomain:
			/* a domid can be reused: a new domain is not gone */
			if (ok && has_ret && ev->hdr.ret >= 0) {
				struct pt_domain_state *dr = dom_get(m, a->domid, false);

				if (dr)
					dr->destroyed = false;
			}
			break;
		}
	}
	/* a call naming a guest's pirq concerns the device that pirq serves */
	if (!d && a->pirq != PT_NONE && a->domid != PT_NONE) {
		struct pt_pirq_state *p = pirq_find(m, pt_domid_norm(a->domid), a->pirq);

		if (p)
			d = dev_get(m, p->sbdf, false);
	}
	return d;
}

/*
 * A window in which events may be missing, [since, ts]: lost records and
 * blind records (probes dead across a module reload) alike.
 */
static void add_window(struct pt_model *m, __u64 since, __u64 ts)
{
	struct lost_window *w, nw;

	/* since_ns 0 means "since the previous record" */
	nw.from = since ? since : m->last_ts;
	nw.to = ts;
	/*
	 * A window overlapping the last one extends it: the list is as long
	 * as the separate windows, and overlap queries answer the same.
	 */
	w = m->nlost ? &m->lost[m->nlost - 1] : NULL;
	if (w && nw.from <= w->to && nw.to >= w->from) {
		if (nw.from < w->from)
			w->from = nw.from;
		if (nw.to > w->to)
			w->to = nw.to;
	} else {
		w = PT_PUSH(m->lost, m->nlost, m->caplost);
		*w = nw;
	}
	/* every device active in this window is affected */
	for (size_t i = 0; i < m->ndevs; i++) {
		struct pt_device *d = m->devs[i];
		struct dev_state *ds = dev_state(d);

		if (ds->have_last && ds->last.hdr.ts_ns >= nw.from)
			d->incomplete = true;
	}
}

static void on_lost(struct pt_model *m, const struct pt_event *ev)
{
	m->stats.lost += ev->lost.count;
	m->stats.lost_records++;
	add_window(m, ev->lost.since_ns, ev->hdr.ts_ns);
}

/* Blind: nothing was dropped, nothing could be seen; the same window. */
static void on_blind(struct pt_model *m, const struct pt_event *ev)
{
	/*
	 * Xen's mask view was not read: what it said last may be stale, so
	 * it is unknown until the sampler reads it again (it then says every
	 * vector again, changed or not).  Nothing else was missed: no
	 * window that would make other findings uncertain.
	 */
	if (ev->hdr.kind == PT_BLIND_XEN_VIEW) {
		m->stats.xen_view_blind++;
		for (size_t i = 0; i < m->ndevs; i++)
			for (size_t k = 0; k < m->devs[i]->nentry_masks; k++)
				entry_mask_forget(m->devs[i],
						  m->devs[i]->entry_masks[k].entry,
						  PT_MV_XEN);
		return;
	}
	m->stats.blind_records++;
	add_window(m, ev->blind.since_ns, ev->hdr.ts_ns);
}

void pt_state_count(struct pt_model *m, const struct pt_event *ev)
{
	if (!m->stats.events)
		m->stats.first_ts = ev->hdr.ts_ns;
	m->stats.events++;
	if (ev->hdr.type < PT_EV_MAX)
		m->stats.per_type[ev->hdr.type]++;
}

const struct pt_device *pt_state_apply(struct pt_model *m,
				       const struct pt_event *ev,
				       unsigned long line)
{
	struct pt_device *d = NULL;

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
	case PT_EV_BLIND:
		on_blind(m, ev);
		break;
	}
	if (d)
		recent_add(d, ev, line);
	return d;
}

void pt_state_advance(struct pt_model *m, __u64 ts)
{
	if (ts > m->last_ts)
		m->last_ts = ts;
	m->stats.last_ts = m->last_ts;
}

__u64 pt_state_last_ts(const struct pt_model *m)
{
	return m->last_ts;
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

/* ------------------------------------------------------------ rule queries */

bool pt_model_dom0_pvh(const struct pt_model *m)
{
	return !strcmp(m->dom0_mode, "pvh");
}

__u64 pt_model_sample_period(const struct pt_model *m, enum pt_mask_view v)
{
	long ms = v == PT_MV_XEN ? m->sample_xen_ms : m->sample_msix_ms;

	if (ms <= 0)	/* not said: the recorder's defaults */
		ms = v == PT_MV_XEN ? PT_SAMPLE_XEN_MS_DEFAULT : PT_SAMPLE_MSIX_MS_DEFAULT;
	return (__u64)ms * 1000000ull;
}

const struct pt_pirq_state *pt_model_pirq(const struct pt_model *m,
					  int domid, int pirq)
{
	return pirq_find((struct pt_model *)m, domid, pirq);
}

const struct pt_pirq_state *pt_model_pirq_by_irq(const struct pt_model *m,
						 int irq)
{
	return pirq_by_irq((struct pt_model *)m, irq);
}

const struct pt_pirq_state *pt_model_next_mapped(const struct pt_model *m,
						 int domid, __u32 sbdf,
						 size_t *pos)
{
	while (*pos < m->npirqs) {
		const struct pt_pirq_state *p = &m->pirqs[(*pos)++];

		if (!p->mapped || (sbdf != PT_SBDF_NONE && p->sbdf != sbdf))
			continue;
		if (domid == PT_NONE ? p->domid == 0 : p->domid != domid)
			continue;
		return p;
	}
	return NULL;
}

const struct pt_gsi_state *pt_model_gsi(const struct pt_model *m, int gsi)
{
	return gsi_find((struct pt_model *)m, gsi);
}

const struct pt_gsi_state *pt_model_gsi_by_irq(const struct pt_model *m,
					       int irq)
{
	return gsi_by_linux_irq((struct pt_model *)m, irq);
}

const struct pt_evref *pt_model_pirq_unmap(const struct pt_model *m,
					   int domid, int pirq)
{
	size_t *slot = idmap_slot((struct idmap *)&m->unmap_by_key,
				  pirq_key(domid, pirq), false);

	return slot && m->unmaps[*slot].valid ? &m->unmaps[*slot].ev : NULL;
}

int pt_model_toolstack_gsi(const struct pt_model *m, int domid, int pirq)
{
	size_t *slot = idmap_slot((struct idmap *)&m->ts_gsi_by_pirq,
				  pirq_key(domid, pirq), false);

	return slot ? (int)*slot : PT_NONE;
}

const struct pt_port_state *pt_model_port(const struct pt_model *m, int port)
{
	size_t *slot;

	if (port <= 0)
		return NULL;
	slot = idmap_slot((struct idmap *)&m->port_by_num, (uint32_t)port, false);
	return slot ? &m->ports[*slot] : NULL;
}

const struct pt_domain_state *pt_model_domain(const struct pt_model *m,
					      int domid)
{
	return dom_get((struct pt_model *)m, domid, false);
}

const struct pt_evref *pt_model_last_msix_ctrl(const struct pt_model *m,
					       const struct pt_device *d)
{
	const struct dev_state *ds = dev_state(d);

	return ds->have_msix_ctrl ? &ds->msix_ctrl : NULL;
}

bool pt_model_reset_is_new(const struct pt_device *d,
			   const struct pt_event *ev, unsigned long line)
{
	const struct pt_reset *r;

	if (!d || !d->nresets || ev->hdr.kind == PT_RESET_XEN_NOTIFY)
		return false;
	r = &d->resets[d->nresets - 1];
	return r->line == line && r->ts == ev->hdr.ts_ns &&
	       r->method == (int)ev->hdr.kind;
}

bool pt_model_lost_between(const struct pt_model *m, __u64 from, __u64 to)
{
	for (size_t i = 0; i < m->nlost; i++)
		if (m->lost[i].to >= from && m->lost[i].from <= to)
			return true;
	return false;
}

void pt_model_note_finding(struct pt_model *m, __u32 sbdf, bool counted,
			   bool incomplete)
{
	struct pt_device *d = dev_get(m, sbdf, false);

	if (!d)
		return;
	if (counted)
		d->nfindings++;
	if (incomplete)
		d->incomplete = true;
}
