// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The rule API (rules.h): what a rule works with, whatever the rule.
 * Stores the findings and their proof, keeps the waits, and calls a rule
 * back when one of its waits is due.  Knows no rule by name: the table
 * (rules.c) is handed to rules_new().
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
#include "idmap.h"
#include "pt_grow.h"
#include "rules.h"

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
	size_t nctx;

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

/* ---------------------------------------------------------------- names */

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

	f = PT_PUSH(rs->findings, rs->nfindings, rs->capfindings);
	f->rule = &c->def->info;
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

size_t rule_finding_count(const struct rule_ctx *c)
{
	return c->rs->nfindings;
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

	PT_PUSH(rs->heap, rs->nheap, rs->capheap);
	for (i = rs->nheap - 1; i; i = (i - 1) / 2) {
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
	rule_wait_for(c, sbdf, domid, ev, line, pt_model_window(c->m));
}

void rule_wait_for(struct rule_ctx *c, __u32 sbdf, int domid,
		   const struct pt_event *ev, unsigned long line, __u64 len)
{
	struct rules *rs = c->rs;
	struct wait_rec *w;
	size_t idx, *head;

	if (rs->free_wait != NO_WAIT) {
		idx = rs->free_wait;
		rs->free_wait = rs->waits[idx].next;
	} else {
		PT_PUSH(rs->waits, rs->nwaits, rs->capwaits);
		idx = rs->nwaits - 1;
	}
	w = &rs->waits[idx];
	memset(w, 0, sizeof(*w));
	w->w.sbdf = sbdf;
	w->w.domid = domid;
	w->w.since = ev->hdr.ts_ns;
	w->w.deadline = ev->hdr.ts_ns + len;
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

const struct pt_evref *rule_waiting(struct rule_ctx *c, __u32 sbdf)
{
	struct rules *rs = c->rs;
	size_t *head = idmap_slot(&rs->open_by_key, wait_key(c->id, sbdf), false);

	/* the newest wait heads the list */
	return head && *head != NO_WAIT ? &rs->waits[*head].w.cause : NULL;
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
		struct due *due = PT_PUSH(batch, n, cap);

		due->seq = rs->waits[top].seq;
		due->idx = top;
	}
	if (!n)
		return;
	/* waits due at once fire in the order they were opened */
	qsort(batch, n, sizeof(*batch), by_seq);
	for (size_t i = 0; i < n; i++) {
		struct wait_rec *w = &rs->waits[batch[i].idx];
		const struct rule_def *def = rs->ctx[w->rule].def;
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

struct rules *rules_new(struct pt_model *m, const struct rule_def *const *table,
			size_t n)
{
	struct rules *rs = pt_xcalloc(1, sizeof(*rs));

	rs->m = m;
	rs->free_wait = NO_WAIT;
	rs->ctx = pt_xcalloc(n, sizeof(*rs->ctx));
	rs->nctx = n;
	for (size_t i = 0; i < n; i++) {
		struct rule_ctx *c = &rs->ctx[i];

		c->m = m;
		c->rs = rs;
		c->def = table[i];
		c->id = i;
		if (table[i]->priv_size)
			c->priv = pt_xcalloc(1, table[i]->priv_size);
	}
	return rs;
}

struct rule_ctx *rules_ctx(struct rules *rs, size_t i)
{
	return i < rs->nctx ? &rs->ctx[i] : NULL;
}

void rules_free(struct rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nctx; i++) {
		if (rs->ctx[i].def->fini && rs->ctx[i].priv)
			rs->ctx[i].def->fini(rs->ctx[i].priv);
		free(rs->ctx[i].priv);
	}
	free(rs->ctx);
	free(rs->waits);
	free(rs->heap);
	idmap_free(&rs->open_by_key);
	free(rs->findings);
	free(rs);
}
