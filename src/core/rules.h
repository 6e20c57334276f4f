/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internal: rules as subscribers of the model.
 *
 * The core is in layers, each calling only the ones below it
 * (scripts/check-layout checks it):
 *
 *   analysis.c    pt_model_new/apply/finish: the state, then the rules
 *   rules.c       the table, and the dispatch of an event to its rows
 *   rule_*.c      one rule each: a struct rule_def and its functions
 *   findings.c    the rule API below: findings, proofs, waits
 *   model.c       the state and its read-only queries (model_query.h)
 *
 * After the model has applied an event, every rule that asked for that
 * event type sees it, with the device the model attributed it to, and
 * reads the model through the read-only queries of model_query.h.  A rule
 * that waits for a follow-up event opens a wait; findings.c calls the
 * rule back when trace time passes the wait's deadline, unless the rule
 * resolved it first.  Whatever a rule remembers between events is its own
 * private state (priv_size bytes), never a field of the model.
 *
 * Adding a rule: one file rule_*.c with its functions and one row
 * (struct rule_def), its name in rules.c's table, a log where it fires
 * and a clean twin in tests/logs/, and its page in docs/rules.md.  No
 * model handler changes.
 */
#ifndef PT_RULES_H
#define PT_RULES_H

#include "model_query.h"

/* ---------------------------------------------------------------- rules */

struct rule_ctx {
	const struct pt_model *m;	/* state, read-only */
	void *priv;			/* the rule's own state, zeroed at start */
	struct rules *rs;		/* the engine */
	const struct rule_def *def;	/* the rule's row */
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
/* Findings so far, of every rule. */
size_t rule_finding_count(const struct rule_ctx *c);
/* Finding i (rule_finding_count() - 1 is the last), to add proof to. */
struct pt_finding *rule_finding(struct rule_ctx *c, size_t i);

void pt_proof_add(struct pt_finding *f, const struct pt_evref *r);
void pt_proof_add_ev(struct pt_finding *f, const struct pt_event *ev,
		     unsigned long line);

/* Wait the model's window from ev for a follow-up concerning sbdf/domid. */
void rule_wait(struct rule_ctx *c, __u32 sbdf, int domid,
	       const struct pt_event *ev, unsigned long line);
/* The same, len ns from ev: a threshold of the rule's own. */
void rule_wait_for(struct rule_ctx *c, __u32 sbdf, int domid,
		   const struct pt_event *ev, unsigned long line, __u64 len);
/* The follow-up came: the rule's open waits for sbdf end without a finding. */
void rule_resolve(struct rule_ctx *c, __u32 sbdf);
/* The event that opened the rule's newest wait still open for sbdf, or
 * NULL: what a follow-up that goes wrong answers (a notification
 * follows the reset it reports). */
const struct pt_evref *rule_waiting(struct rule_ctx *c, __u32 sbdf);

/* Mapped pirqs of a domain (and device) as "55,54,53", each one's binding
 * added as proof when f is given; returns how many. */
int rule_mapped_pirqs(struct rule_ctx *c, int domid, __u32 sbdf,
		      struct pt_finding *f, char *list, size_t len);

/* ---------------------------------------------------------------- engine */

/* The rule API's engine (findings.c): one context per row of table. */
struct rules *rules_new(struct pt_model *m, const struct rule_def *const *table,
			size_t n);
void rules_free(struct rules *rs);
/* The context of row i, for the dispatch. */
struct rule_ctx *rules_ctx(struct rules *rs, size_t i);
/* Conclude the waits whose deadline is before now. */
void rules_expire(struct rules *rs, __u64 now);
/* End of the log: conclude every wait. */
void rules_finish(struct rules *rs, __u64 now);
size_t rules_finding_count(const struct rules *rs);
const struct pt_finding *rules_finding_at(const struct rules *rs, size_t i);

/* ---------------------------------------------------------------- table */

/* The table (rules.c), in the order rules see an event (and findings are
 * listed). */
extern const struct rule_def *const pt_rule_table[];
extern const size_t pt_rule_table_len;

/* The engine for the table's rules. */
struct rules *rules_table_new(struct pt_model *m);
/* Hand ev (applied; d is its device or NULL) to every row that wants it. */
void rules_event(struct rules *rs, const struct pt_event *ev,
		 unsigned long line, const struct pt_device *d);

#endif /* PT_RULES_H */
