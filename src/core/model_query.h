/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internal: the model's own layer (model.c), the bottom of the core.
 *
 * The state behind the public picture of include/pt_model.h, the
 * read-only queries rules use, and what the analysis (analysis.c) drives
 * the state with.  model.c calls nothing declared in rules.h or above.
 */
#ifndef PT_MODEL_QUERY_H
#define PT_MODEL_QUERY_H

#include "pt_model.h"

/* ---------------------------------------------------------------- state */

/* A pirq as dom0's event code knows it. */
struct pt_pirq_state {
	int pirq;
	int domid;		/* normalized: dom0 is 0 */
	int irq;
	int gsi;
	int entry;
	int evtchn;
	__u32 sbdf;
	bool mapped;
	/*
	 * Mapped by a privcmd hypercall (an HVM guest's MSI, by its device
	 * model), not by dom0 Linux: no dom0 irq, and Xen frees it with
	 * the domain.
	 */
	bool by_toolstack;
	struct pt_evref bind;	/* the event that bound it */
};

/* A GSI registered in dom0. */
struct pt_gsi_state {
	int gsi;
	int irq;		/* its Linux irq, PT_NONE if not known */
	__u32 sbdf;
	bool have_ev;
	struct pt_evref reg;	/* the registration */
};

/* An event channel port of dom0. */
struct pt_port_state {
	int irq;
	int pirq;
	bool bound;
	struct pt_evref bind;
};

struct pt_domain_state {
	bool destroyed;		/* destroydomain succeeded, not created again */
	struct pt_evref destroy;
};

/* ---------------------------------------------------------------- queries */

/* The header said "pvh": some orderings only matter on a PVH dom0. */
bool pt_model_dom0_pvh(const struct pt_model *m);
/*
 * How far behind the truth a sampled view (PT_MV_DEVICE, PT_MV_XEN) may
 * be: its sampler's period, in ns, as the header said, else (not said,
 * or off: then the view has nothing to be late with) the recorder's
 * default (100 ms, 1 s).
 */
#define PT_SAMPLE_MSIX_MS_DEFAULT	100
#define PT_SAMPLE_XEN_MS_DEFAULT	1000
__u64 pt_model_sample_period(const struct pt_model *m, enum pt_mask_view v);

const struct pt_pirq_state *pt_model_pirq(const struct pt_model *m,
					  int domid, int pirq);
/* The mapped pirq behind a dom0 Linux irq. */
const struct pt_pirq_state *pt_model_pirq_by_irq(const struct pt_model *m,
						 int irq);
/*
 * Mapped pirqs in the order they were first mapped: of device sbdf
 * (PT_SBDF_NONE: any device) and domain domid (PT_NONE: any domain but
 * dom0).  Start with *pos = 0; NULL at the end.
 */
const struct pt_pirq_state *pt_model_next_mapped(const struct pt_model *m,
						 int domid, __u32 sbdf,
						 size_t *pos);

/* A GSI dom0 registered, by number or by its Linux irq; NULL if none. */
const struct pt_gsi_state *pt_model_gsi(const struct pt_model *m, int gsi);
const struct pt_gsi_state *pt_model_gsi_by_irq(const struct pt_model *m,
					       int irq);
/*
 * The successful unmap_pirq of (domid, pirq), if nothing mapped that pirq
 * again since (and the domain was not destroyed); else NULL.
 */
const struct pt_evref *pt_model_pirq_unmap(const struct pt_model *m,
					   int domid, int pirq);
/* The GSI a toolstack map_pirq(GSI) gave as pirq of domid; PT_NONE. */
int pt_model_toolstack_gsi(const struct pt_model *m, int domid, int pirq);

const struct pt_port_state *pt_model_port(const struct pt_model *m, int port);
/* NULL for a domain the trace never saw destroyed or created. */
const struct pt_domain_state *pt_model_domain(const struct pt_model *m,
					      int domid);

/* The event that last wrote the device's MSI-X control word; NULL if none. */
const struct pt_evref *pt_model_last_msix_ctrl(const struct pt_model *m,
					       const struct pt_device *d);
/* The event is the one that added the device's last reset (not a nested call). */
bool pt_model_reset_is_new(const struct pt_device *d,
			   const struct pt_event *ev, unsigned long line);

/* A lost-event window overlaps [from, to]. */
bool pt_model_lost_between(const struct pt_model *m, __u64 from, __u64 to);

/* ---------------------------------------------------------------- driving */

/* An empty state; NULL if out of memory. */
struct pt_model *pt_state_new(void);
void pt_state_free(struct pt_model *m);
/* The analysis that owns m: the state keeps the pointer, never reads it. */
struct pt_analysis;
void pt_state_attach(struct pt_model *m, struct pt_analysis *a);
struct pt_analysis *pt_state_analysis(const struct pt_model *m);
/* Count ev in the statistics (first, before waits conclude). */
void pt_state_count(struct pt_model *m, const struct pt_event *ev);
/* Apply ev; returns the device it was attributed to, or NULL. */
const struct pt_device *pt_state_apply(struct pt_model *m,
				       const struct pt_event *ev,
				       unsigned long line);
/* Trace time reached ts (last, after the rules saw the event). */
void pt_state_advance(struct pt_model *m, __u64 ts);
__u64 pt_state_last_ts(const struct pt_model *m);

/*
 * The finding store tells the state about a device's findings: one more
 * (counted), and whether a lost window makes it incomplete.
 */
void pt_model_note_finding(struct pt_model *m, __u32 sbdf, bool counted,
			   bool incomplete);
__u64 pt_model_window(const struct pt_model *m);

#endif /* PT_MODEL_QUERY_H */
