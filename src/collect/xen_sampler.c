// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Xen mask sampler (xen_sampler.h): debug keys i, M, Q through
 * libxenctrl, parsed by the core's Xen view (pt_xenview.h), and only
 * the changes emitted.
 */
#define _GNU_SOURCE	/* sched_getcpu */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "pt_xenview.h"
#include "pt_grow.h"
#include "lib/xenconsole.h"
#include "xen_sampler.h"

/*
 * A vector as Xen names it (its irq, on a device), the domain and pirq
 * it was last seen bound to, and its mask at the last pass.  A guest
 * that frees its interrupt leaves the vector mapped but unbound: key i
 * then names no pirq, and the vector keeps the one it had.
 */
struct xen_vec {
	__u32 sbdf;
	int xen_irq;
	int domid;
	int pirq;
	int masked;
	bool seen;		/* in this pass */
};

struct pt_xen_sampler {
	struct pt_xen_console *con;	/* NULL: offline */
	struct xen_vec *vecs;
	size_t nvecs, cap;
	int misses;			/* failed passes in a row */
};

struct pt_xen_sampler *pt_xen_sampler_offline(void)
{
	return pt_xcalloc(1, sizeof(struct pt_xen_sampler));
}

struct pt_xen_sampler *pt_xen_sampler_new(char *why, size_t len)
{
	struct pt_xen_console *con = pt_xen_console_open(why, len);
	struct pt_xen_sampler *s;

	if (!con)
		return NULL;
	s = pt_xen_sampler_offline();
	s->con = con;
	return s;
}

bool pt_xen_sampler_missed(struct pt_xen_sampler *s)
{
	for (size_t i = 0; i < s->nvecs; i++)
		s->vecs[i].masked = -1;
	return ++s->misses >= PT_XEN_MISSES_MAX;
}

void pt_xen_sampler_free(struct pt_xen_sampler *s)
{
	if (!s)
		return;
	pt_xen_console_close(s->con);
	free(s->vecs);
	free(s);
}

static struct xen_vec *vec_find(struct pt_xen_sampler *s,
				const struct pt_xv_row *r)
{
	for (size_t i = 0; i < s->nvecs; i++)
		if (s->vecs[i].sbdf == r->sbdf &&
		    s->vecs[i].xen_irq == r->xen_irq)
			return &s->vecs[i];
	return NULL;
}

static struct xen_vec *vec_add(struct pt_xen_sampler *s,
			       const struct pt_xv_row *r)
{
	struct xen_vec *v = PT_PUSH(s->vecs, s->nvecs, s->cap);

	v->sbdf = r->sbdf;
	v->xen_irq = r->xen_irq;
	v->domid = v->pirq = PT_NONE;
	v->masked = -1;
	return v;
}

/* ts: when Xen printed the pass, the same for all its vectors */
static void emit_vec(const struct xen_vec *v, __u64 ts, pt_xen_emit_fn emit,
		     void *arg)
{
	struct pt_event ev;
	int cpu;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.ts_ns = ts;
	cpu = sched_getcpu();
	ev.hdr.cpu = cpu < 0 ? 0 : cpu;
	ev.hdr.pid = getpid();
	snprintf(ev.hdr.comm, sizeof(ev.hdr.comm), "ptrace");
	ev.hdr.sbdf = v->sbdf;
	ev.hdr.type = PT_EV_VECTOR_MASK;
	ev.vmask.entry = PT_NONE;	/* the model knows it from the pirq */
	ev.vmask.irq = PT_NONE;
	ev.vmask.pirq = v->pirq;
	ev.vmask.domid = v->domid;
	ev.vmask.masked = v->masked;
	ev.vmask.view = PT_VIEW_XEN;
	emit(&ev, arg);
}

int pt_xen_sampler_feed(struct pt_xen_sampler *s, const char *text,
			pt_xen_emit_fn emit, void *arg)
{
	struct pt_xv_view view = { 0 };
	struct pt_xv_row *rows = NULL;
	int n, out = 0;
	size_t keep = 0;
	struct timespec now;
	__u64 ts;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ts = (__u64)now.tv_sec * 1000000000ull + now.tv_nsec;

	if (pt_xv_parse_xen_irqs(text, &view.xen_irqs, &view.nxen_irqs) < 0 ||
	    pt_xv_parse_xen_msis(text, &view.xen_msis, &view.nxen_msis) < 0 ||
	    pt_xv_parse_xen_pdevs(text, &view.xen_pdevs, &view.nxen_pdevs) < 0) {
		pt_xv_view_free(&view);
		return -ENOMEM;
	}
	/* no key M at all: Xen printed nothing we can read, not "no vector" */
	if (!view.nxen_msis && !view.nxen_irqs) {
		pt_xv_view_free(&view);
		return -ENODATA;
	}
	n = pt_xv_rows(&view, &rows);
	pt_xv_view_free(&view);
	if (n < 0)
		return n;
	s->misses = 0;
	for (size_t i = 0; i < s->nvecs; i++)
		s->vecs[i].seen = false;
	for (int i = 0; i < n; i++) {
		const struct pt_xv_row *r = &rows[i];
		struct xen_vec *v;

		/* an MSI vector of a device, with its M line */
		if (r->xen_masked == PT_NONE || r->xen_irq == PT_NONE ||
		    r->sbdf == PT_SBDF_NONE)
			continue;
		v = vec_find(s, r);
		if (!v && r->pirq == PT_NONE)
			continue;	/* never seen bound: no name for it */
		if (!v)
			v = vec_add(s, r);
		v->seen = true;
		/* bound to another pirq or domain: another vector for the trace */
		if (r->pirq != PT_NONE && r->domid != PT_NONE &&
		    (r->pirq != v->pirq || r->domid != v->domid)) {
			v->domid = r->domid;
			v->pirq = r->pirq;
			v->masked = -1;
		}
		if (v->masked == r->xen_masked)
			continue;
		v->masked = r->xen_masked;
		emit_vec(v, ts, emit, arg);
		out++;
	}
	free(rows);
	/* a vector Xen no longer lists is forgotten: if it comes back, it is new */
	for (size_t i = 0; i < s->nvecs; i++)
		if (s->vecs[i].seen)
			s->vecs[keep++] = s->vecs[i];
	s->nvecs = keep;
	return out;
}

int pt_xen_sampler_run(struct pt_xen_sampler *s, pt_xen_emit_fn emit,
		       void *arg)
{
	char *text = NULL;
	int err;

	if (!s->con)
		return -ENODEV;
	err = pt_xen_console_dump(s->con, "iMQ", &text);
	if (!err)
		err = pt_xen_sampler_feed(s, text, emit, arg);
	free(text);
	return err;
}
