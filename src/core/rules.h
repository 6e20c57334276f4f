/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internal: rules as subscribers of the model.
 *
 * The model (model.c) keeps state and nothing else.  After it has applied
 * an event, every rule that asked for that event type sees it, with the
 * device the model attributed it to, and reads the model through the
 * read-only queries below.  A rule that waits for a follow-up event opens
 * a wait; the engine (rules.c) calls the rule back when trace time passes
 * the wait's deadline, unless the rule resolved it first.  Whatever a rule
 * remembers between events is its own private state (priv_size bytes),
 * never a field of the model.
 *
 * Adding a rule: one function (or a pair, for a rule that waits), one
 * row (struct rule_def), its name in rules.c's table, a log where it fires
 * and a clean twin in tests/logs/, and its page in docs/rules.md.
 */
#ifndef PT_RULES_H
#define PT_RULES_H

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

/* ---------------------------------------------------------------- rules */

struct rule_ctx {
	const struct pt_model *m;	/* state, read-only */
	void *priv;			/* the rule's own state, zeroed at start */
	struct rules *rs;		/* the engine */
	size_t id;			/* row in the table */
};

/* A wait a rule opened: what it was waiting for, from which event. */
struct rule_wait {
	__u32 sbdf;
	int domid;
	__u64 since;
	__u64 deadline;
	struct pt_evref cause;
};

#define RULE_EV(type)	(1u << (type))

struct rule_def {
	struct pt_rule info;	/* code, name, severity, title, remediation */
	unsigned int events;	/* RULE_EV(PT_EV_...) | ...: what on_event sees */
	size_t priv_size;
	/* after the model applied ev; d is the device it was attributed to */
	void (*on_event)(struct rule_ctx *c, const struct pt_event *ev,
			 unsigned long line, const struct pt_device *d);
	/* trace time passed a wait's deadline (or the log ended) */
	void (*on_deadline)(struct rule_ctx *c, const struct rule_wait *w,
			    __u64 now);
	void (*fini)(void *priv);
};

/*
 * A finding of the calling rule.  Its status is "incomplete" when a lost
 * window overlaps [since, now].  The pointer is good until the next finding.
 */
struct pt_finding *rule_report(struct rule_ctx *c, __u32 sbdf, int domid,
			       __u64 since, __u64 now, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Judge the finding's status again over [since, its time]. */
void rule_report_since(struct rule_ctx *c, struct pt_finding *f, __u64 since);
/* Finding i (pt_model_finding_count() - 1 is the last), to add proof to. */
struct pt_finding *rule_finding(struct rule_ctx *c, size_t i);

void pt_proof_add(struct pt_finding *f, const struct pt_evref *r);
void pt_proof_add_ev(struct pt_finding *f, const struct pt_event *ev,
		     unsigned long line);

/* Wait the model's window from ev for a follow-up concerning sbdf/domid. */
void rule_wait(struct rule_ctx *c, __u32 sbdf, int domid,
	       const struct pt_event *ev, unsigned long line);
/* The follow-up came: the rule's open waits for sbdf end without a finding. */
void rule_resolve(struct rule_ctx *c, __u32 sbdf);

/* Mapped pirqs of a domain (and device) as "55,54,53", each one's binding
 * added as proof when f is given; returns how many. */
int rule_mapped_pirqs(struct rule_ctx *c, int domid, __u32 sbdf,
		      struct pt_finding *f, char *list, size_t len);

/* The table, in the order rules see an event (and findings are listed). */
extern const struct rule_def *const pt_rule_table[];
extern const size_t pt_rule_table_len;

/* ---------------------------------------------------------------- engine */

/* The model drives the engine (model.c only). */
struct rules *rules_new(struct pt_model *m);
void rules_free(struct rules *rs);
/* Conclude the waits whose deadline is before now. */
void rules_expire(struct rules *rs, __u64 now);
void rules_event(struct rules *rs, const struct pt_event *ev,
		 unsigned long line, const struct pt_device *d);
/* End of the log: conclude every wait. */
void rules_finish(struct rules *rs, __u64 now);
size_t rules_finding_count(const struct rules *rs);
const struct pt_finding *rules_finding_at(const struct rules *rs, size_t i);

/*
 * The engine tells the model about a device's findings (model.c): one more
 * (counted), and whether a lost window makes it incomplete.
 */
void pt_model_note_finding(struct pt_model *m, __u32 sbdf, bool counted,
			   bool incomplete);
__u64 pt_model_window(const struct pt_model *m);

#endif /* PT_RULES_H */
