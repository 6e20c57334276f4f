// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Bounded reordering of events into time order (include/pt_order.h).
 * A binary min-heap keyed on (ts, line): equal timestamps keep log order,
 * so a log that is already in time order comes out unchanged.
 */
#include <stdlib.h>
#include "pt_order.h"

/*
 * The heap moves small keys; the events (about 300 bytes each) stay in a
 * pool of slots until they are released.
 */
struct key {
	__u64 ts;
	unsigned long line;
	size_t slot;
};

struct pt_order {
	__u64 window;
	size_t max;
	struct key *heap;
	struct pt_evref *pool;
	size_t *free;		/* free slots of the pool, a stack */
	size_t n, cap, nfree;
	__u64 newest;		/* newest timestamp pushed */
	__u64 released;		/* newest timestamp released */
	bool have_newest, have_released;
	struct pt_order_stats st;
};

struct pt_order *pt_order_new(__u64 window_ns, size_t max_events)
{
	struct pt_order *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->window = window_ns;
	o->max = max_events ? max_events : PT_ORDER_MAX_EVENTS;
	if (o->max < 2)
		o->max = 2;
	return o;
}

void pt_order_free(struct pt_order *o)
{
	if (!o)
		return;
	free(o->heap);
	free(o->pool);
	free(o->free);
	free(o);
}

static bool before(const struct key *a, const struct key *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	return a->line < b->line;
}

static void swap(struct key *a, struct key *b)
{
	struct key t = *a;

	*a = *b;
	*b = t;
}

static void sift_up(struct pt_order *o, size_t i)
{
	while (i && before(&o->heap[i], &o->heap[(i - 1) / 2])) {
		swap(&o->heap[i], &o->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct pt_order *o, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, min = i;

		if (l < o->n && before(&o->heap[l], &o->heap[min]))
			min = l;
		if (r < o->n && before(&o->heap[r], &o->heap[min]))
			min = r;
		if (min == i)
			return;
		swap(&o->heap[i], &o->heap[min]);
		i = min;
	}
}

/* Room for one more event: grow heap, pool and free list together. */
static int reserve(struct pt_order *o)
{
	size_t cap = o->cap ? 2 * o->cap : 256;
	struct key *h;
	struct pt_evref *p;
	size_t *f;

	if (o->nfree)
		return 0;
	if (cap > o->max)
		cap = o->max;
	if (cap <= o->cap)
		return -1;
	h = realloc(o->heap, cap * sizeof(*h));
	if (h)
		o->heap = h;
	p = realloc(o->pool, cap * sizeof(*p));
	if (p)
		o->pool = p;
	f = realloc(o->free, cap * sizeof(*f));
	if (f)
		o->free = f;
	if (!h || !p || !f)
		return -1;
	/* the new slots are free, lowest on top */
	for (size_t i = cap; i-- > o->cap;)
		o->free[o->nfree++] = i;
	o->cap = cap;
	return 0;
}

int pt_order_push(struct pt_order *o, const struct pt_evref *e)
{
	__u64 ts = e->ev.hdr.ts_ns;
	size_t slot;

	if (o->n >= o->max)
		return -1;	/* the caller pops what is due after every push */
	if (reserve(o))
		return -1;
	o->st.events++;
	if (o->have_newest && ts < o->newest) {
		o->st.reordered++;
		if (o->newest - ts > o->st.max_lag_ns)
			o->st.max_lag_ns = o->newest - ts;
	}
	if (!o->have_newest || ts > o->newest)
		o->newest = ts;
	o->have_newest = true;
	/* its place was already given away: it can only come out late */
	if (o->have_released && ts < o->released) {
		o->st.late++;
		if (o->released - ts > o->st.max_late_ns)
			o->st.max_late_ns = o->released - ts;
		if (!o->st.first_late_line)
			o->st.first_late_line = e->line;
	}
	slot = o->free[--o->nfree];
	o->pool[slot] = *e;
	o->heap[o->n] = (struct key){ ts, e->line, slot };
	sift_up(o, o->n++);
	if (o->n > o->st.peak)
		o->st.peak = o->n;
	return 0;
}

bool pt_order_pop(struct pt_order *o, struct pt_evref *out, bool flush)
{
	struct key top;

	if (!o->n)
		return false;
	top = o->heap[0];
	/*
	 * Due: past the window behind the newest, or the buffer is full
	 * (one slot is kept free so that the next push always has room).
	 */
	if (!flush && o->newest - top.ts <= o->window) {
		if (o->n + 1 < o->max)
			return false;
		o->st.forced++;
	}
	*out = o->pool[top.slot];
	o->free[o->nfree++] = top.slot;
	if (!o->have_released || top.ts > o->released)
		o->released = top.ts;
	o->have_released = true;
	o->heap[0] = o->heap[--o->n];
	if (o->n)
		sift_down(o, 0);
	return true;
}

size_t pt_order_held(const struct pt_order *o)
{
	return o->n;
}

__u64 pt_order_window(const struct pt_order *o)
{
	return o->window;
}

const struct pt_order_stats *pt_order_stats(const struct pt_order *o)
{
	return &o->st;
}
