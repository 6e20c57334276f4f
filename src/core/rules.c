// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The rule table and the engine that runs it: dispatches the model's
 * events to the rules that asked for them, keeps their waits, and stores
 * their findings.
 *
 * Codes and names are stable: CI assertions, the TUI and the dump refer to
 * them, and docs/rules.md has one page per rule.
 *
 * Waits live in a pool, ordered by deadline in a binary min-heap, and
 * linked per (rule, device) so that resolving touches only that device's
 * waits: many overlapping waits cost O(log n) each, not a scan per event.
 * A resolved wait stays in the heap, marked done, until its deadline pops
 * it.  Waits that conclude at the same time fire in the order they were
 * opened, whatever their deadlines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "idmap.h"
#include "pt_model.h"
#include "rules.h"

extern const struct rule_def rule_reset_before_unbind, rule_reset_not_reported,
	rule_gsi_not_registered, rule_irq_as_gsi, rule_maskall_left_set,
	rule_msix_maskall_no_map, rule_evtchn_reuse_race,
	rule_pirq_after_domain_gone, rule_hypercall_failed,
	rule_deassign_before_unmap, rule_kernel_call_failed,
	rule_no_reset_method, rule_reset_failed, rule_owner_not_reset,
	rule_domain_ledger;

const struct rule_def *const pt_rule_table[] = {
	&rule_reset_before_unbind,	/* PT001 */
	&rule_reset_not_reported,	/* PT002 */
	&rule_gsi_not_registered,	/* PT003 */
	&rule_irq_as_gsi,		/* PT004 */
	&rule_maskall_left_set,		/* PT005 */
	&rule_msix_maskall_no_map,	/* PT006 */
	&rule_evtchn_reuse_race,	/* PT007 */
	&rule_pirq_after_domain_gone,	/* PT008 */
	&rule_hypercall_failed,		/* PT009 */
	&rule_deassign_before_unmap,	/* PT010 */
	&rule_kernel_call_failed,	/* PT011 */
	&rule_no_reset_method,		/* PT012 */
	&rule_reset_failed,		/* PT013 */
	&rule_owner_not_reset,		/* PT014 */
	&rule_domain_ledger,		/* PT015 */
};

const size_t pt_rule_table_len = sizeof(pt_rule_table) / sizeof(pt_rule_table[0]);

#define NO_WAIT		SIZE_MAX

struct wait_rec {
	struct rule_wait w;
	size_t rule;
	unsigned long long seq;	/* opening order */
	bool done;
	bool linked;		/* in its (rule, device) list */
	uint64_t key;
	size_t prev, next;	/* that list; next also chains free records */
};

struct rules {
	struct pt_model *m;
	struct rule_ctx *ctx;	/* one per row */

	struct wait_rec *waits;
	size_t nwaits, capwaits;
	size_t free_wait;
	unsigned long long seq;
	size_t *heap;		/* wait indices, earliest deadline first */
	size_t nheap, capheap;
	struct idmap open_by_key;	/* rule << 32 | sbdf -> first open wait */

	struct pt_finding *findings;
	size_t nfindings, capfindings;
};

/* ---------------------------------------------------------------- table */

size_t pt_rule_count(void)
{
	return pt_rule_table_len;
}

const struct pt_rule *pt_rule_at(size_t i)
{
	return i < pt_rule_table_len ? &pt_rule_table[i]->info : NULL;
}

const struct pt_rule *pt_rule_find(const char *s)
{
	for (size_t i = 0; i < pt_rule_table_len; i++) {
		const struct pt_rule *r = &pt_rule_table[i]->info;

		if (!strcasecmp(r->code, s) || !strcmp(r->name, s))
			return r;
	}
	return NULL;
}

const char *pt_severity_name(enum pt_severity s)
{
	static const char *const names[] = { "info", "warning", "error" };

	return s <= PT_SEV_ERROR ? names[s] : "?";
}

const char *pt_finding_status_name(enum pt_finding_status s)
{
	return s == PT_FINDING_INCOMPLETE ? "incomplete" : "bug";
}

/* ---------------------------------------------------------------- findings */

static enum pt_finding_status judge(const struct pt_model *m, __u64 since,
				    __u64 now)
{
	return pt_model_lost_between(m, since, now) ? PT_FINDING_INCOMPLETE :
						      PT_FINDING_BUG;
}

struct pt_finding *rule_report(struct rule_ctx *c, __u32 sbdf, int domid,
			       __u64 since, __u64 now, const char *fmt, ...)
{
	struct rules *rs = c->rs;
	struct pt_finding *f;
	va_list ap;

	GROW(rs->findings, rs->nfindings, rs->capfindings);
	f = &rs->findings[rs->nfindings++];
	memset(f, 0, sizeof(*f));
	f->rule = &pt_rule_table[c->id]->info;
	f->sbdf = sbdf;
	f->domid = domid;
	f->ts = now;
	f->status = judge(c->m, since, now);
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	pt_model_note_finding(rs->m, sbdf, true,
			      f->status == PT_FINDING_INCOMPLETE);
	return f;
}

void rule_report_since(struct rule_ctx *c, struct pt_finding *f, __u64 since)
{
	f->status = judge(c->m, since, f->ts);
	if (f->status == PT_FINDING_INCOMPLETE)
		pt_model_note_finding(c->rs->m, f->sbdf, false, true);
}

struct pt_finding *rule_finding(struct rule_ctx *c, size_t i)
{
	return i < c->rs->nfindings ? &c->rs->findings[i] : NULL;
}

void pt_proof_add(struct pt_finding *f, const struct pt_evref *r)
{
	if (f->nproof < PT_PROOF_MAX)
		f->proof[f->nproof++] = *r;
}

void pt_proof_add_ev(struct pt_finding *f, const struct pt_event *ev,
		     unsigned long line)
{
	struct pt_evref r = { .line = line, .ev = *ev };

	pt_proof_add(f, &r);
}

int rule_mapped_pirqs(struct rule_ctx *c, int domid, __u32 sbdf,
		      struct pt_finding *f, char *list, size_t len)
{
	const struct pt_pirq_state *p;
	size_t pos = 0, used = 0;
	int n = 0;

	if (len)
		list[0] = '\0';
	while ((p = pt_model_next_mapped(c->m, domid, sbdf, &pos))) {
		n++;
		if (f)
			pt_proof_add(f, &p->bind);
		if (used + 12 < len)
			used += snprintf(list + used, len - used, "%s%d",
					 used ? "," : "", p->pirq);
	}
	return n;
}

size_t rules_finding_count(const struct rules *rs)
{
	return rs->nfindings;
}

const struct pt_finding *rules_finding_at(const struct rules *rs, size_t i)
{
	return i < rs->nfindings ? &rs->findings[i] : NULL;
}

/* ---------------------------------------------------------------- waits */

static bool wait_before(const struct rules *rs, size_t a, size_t b)
{
	const struct wait_rec *x = &rs->waits[a], *y = &rs->waits[b];

	if (x->w.deadline != y->w.deadline)
		return x->w.deadline < y->w.deadline;
	return x->seq < y->seq;
}

static void heap_push(struct rules *rs, size_t idx)
{
	size_t i;

	GROW(rs->heap, rs->nheap, rs->capheap);
	for (i = rs->nheap++; i; i = (i - 1) / 2) {
		size_t parent = (i - 1) / 2;

		if (!wait_before(rs, idx, rs->heap[parent]))
			break;
		rs->heap[i] = rs->heap[parent];
	}
	rs->heap[i] = idx;
}

static size_t heap_pop(struct rules *rs)
{
	size_t top = rs->heap[0], last = rs->heap[--rs->nheap], i = 0;

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= rs->nheap)
			break;
		if (child + 1 < rs->nheap &&
		    wait_before(rs, rs->heap[child + 1], rs->heap[child]))
			child++;
		if (!wait_before(rs, rs->heap[child], last))
			break;
		rs->heap[i] = rs->heap[child];
		i = child;
	}
	if (rs->nheap)
		rs->heap[i] = last;
	return top;
}

static uint64_t wait_key(size_t rule, __u32 sbdf)
{
	return ((uint64_t)rule << 32) | sbdf;
}

void rule_wait(struct rule_ctx *c, __u32 sbdf, int domid,
	       const struct pt_event *ev, unsigned long line)
{
	struct rules *rs = c->rs;
	struct wait_rec *w;
	size_t idx, *head;

	if (rs->free_wait != NO_WAIT) {
		idx = rs->free_wait;
		rs->free_wait = rs->waits[idx].next;
	} else {
		GROW(rs->waits, rs->nwaits, rs->capwaits);
		idx = rs->nwaits++;
	}
	w = &rs->waits[idx];
	memset(w, 0, sizeof(*w));
	w->w.sbdf = sbdf;
	w->w.domid = domid;
	w->w.since = ev->hdr.ts_ns;
	w->w.deadline = ev->hdr.ts_ns + pt_model_window(c->m);
	w->w.cause.line = line;
	w->w.cause.ev = *ev;
	w->rule = c->id;
	w->seq = rs->seq++;
	w->key = wait_key(c->id, sbdf);
	w->prev = NO_WAIT;
	head = idmap_slot(&rs->open_by_key, w->key, false);
	w->next = head ? *head : NO_WAIT;
	if (w->next != NO_WAIT)
		rs->waits[w->next].prev = idx;
	*idmap_slot(&rs->open_by_key, w->key, true) = idx;
	w->linked = true;
	heap_push(rs, idx);
}

static void wait_unlink(struct rules *rs, size_t idx)
{
	struct wait_rec *w = &rs->waits[idx];

	if (!w->linked)
		return;
	if (w->prev != NO_WAIT)
		rs->waits[w->prev].next = w->next;
	else
		*idmap_slot(&rs->open_by_key, w->key, false) = w->next;
	if (w->next != NO_WAIT)
		rs->waits[w->next].prev = w->prev;
	w->linked = false;
}

void rule_resolve(struct rule_ctx *c, __u32 sbdf)
{
	struct rules *rs = c->rs;
	size_t *head = idmap_slot(&rs->open_by_key, wait_key(c->id, sbdf), false);

	if (!head)
		return;
	for (size_t i = *head; i != NO_WAIT; i = rs->waits[i].next) {
		rs->waits[i].done = true;
		rs->waits[i].linked = false;
	}
	*head = NO_WAIT;
}

struct due {
	unsigned long long seq;
	size_t idx;
};

static int by_seq(const void *a, const void *b)
{
	unsigned long long x = ((const struct due *)a)->seq;
	unsigned long long y = ((const struct due *)b)->seq;

	return x < y ? -1 : x > y;
}

/* Conclude waits with deadline < now (all at the end of a log). */
static void conclude(struct rules *rs, __u64 now, bool all)
{
	struct due *batch = NULL;
	size_t n = 0, cap = 0;

	while (rs->nheap) {
		size_t top = rs->heap[0];

		if (!all && rs->waits[top].w.deadline >= now)
			break;
		heap_pop(rs);
		GROW(batch, n, cap);
		batch[n].seq = rs->waits[top].seq;
		batch[n++].idx = top;
	}
	if (!n)
		return;
	/* waits due at once fire in the order they were opened */
	qsort(batch, n, sizeof(*batch), by_seq);
	for (size_t i = 0; i < n; i++) {
		struct wait_rec *w = &rs->waits[batch[i].idx];
		const struct rule_def *def = pt_rule_table[w->rule];
		struct rule_wait copy;
		__u64 at = now;

		if (w->done)
			continue;
		wait_unlink(rs, batch[i].idx);
		w->done = true;
		copy = w->w;
		if (all && copy.deadline > now)
			at = copy.deadline;
		if (def->on_deadline)
			def->on_deadline(&rs->ctx[w->rule], &copy, at);
	}
	for (size_t i = 0; i < n; i++) {
		rs->waits[batch[i].idx].next = rs->free_wait;
		rs->free_wait = batch[i].idx;
	}
	free(batch);
}

void rules_expire(struct rules *rs, __u64 now)
{
	if (rs->nheap && rs->waits[rs->heap[0]].w.deadline < now)
		conclude(rs, now, false);
}

void rules_finish(struct rules *rs, __u64 now)
{
	conclude(rs, now, true);
}

/* ---------------------------------------------------------------- engine */

struct rules *rules_new(struct pt_model *m)
{
	struct rules *rs = calloc(1, sizeof(*rs));

	if (!rs)
		abort();
	rs->m = m;
	rs->free_wait = NO_WAIT;
	rs->ctx = calloc(pt_rule_table_len, sizeof(*rs->ctx));
	if (!rs->ctx)
		abort();
	for (size_t i = 0; i < pt_rule_table_len; i++) {
		struct rule_ctx *c = &rs->ctx[i];

		c->m = m;
		c->rs = rs;
		c->id = i;
		if (pt_rule_table[i]->priv_size) {
			c->priv = calloc(1, pt_rule_table[i]->priv_size);
			if (!c->priv)
				abort();
		}
	}
	return rs;
}

void rules_free(struct rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < pt_rule_table_len; i++) {
		if (pt_rule_table[i]->fini && rs->ctx[i].priv)
			pt_rule_table[i]->fini(rs->ctx[i].priv);
		free(rs->ctx[i].priv);
	}
	free(rs->ctx);
	free(rs->waits);
	free(rs->heap);
	idmap_free(&rs->open_by_key);
	free(rs->findings);
	free(rs);
}

void rules_event(struct rules *rs, const struct pt_event *ev,
		 unsigned long line, const struct pt_device *d)
{
	unsigned int bit;

	if (ev->hdr.type >= PT_EV_MAX)
		return;
	bit = RULE_EV(ev->hdr.type);
	for (size_t i = 0; i < pt_rule_table_len; i++) {
		const struct rule_def *def = pt_rule_table[i];

		if ((def->events & bit) && def->on_event)
			def->on_event(&rs->ctx[i], ev, line, d);
	}
}
