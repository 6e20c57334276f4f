// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace report, the text story: first what the devices are now and what
 * went wrong (the findings with the events that prove them), then how it
 * happened (per-device timelines).  A guest scanning its bus sends
 * hundreds of identical pciback ops: runs like that are folded into one
 * line unless --full, so that the story fits a screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pt_probetally.h"
#include "pt_names.h"
#include "pt_grow.h"
#include "report.h"
#include "lib/pciname.h"

#define FOLD_MIN	4	/* a run this long of one event becomes a line */
#define FOLD_REPEAT	3	/* ... and this many repeats of 2 to 4 of them */
#define FOLD_PERIOD	4
#define NESTED_NS	100000000ull	/* one reset: the model's 100 ms too */
#define SCAN_MAX	16	/* guests whose bus scans are folded; more print as is */

static const char *paint(const struct report *r, const char *sgr)
{
	return r->color ? sgr : "";
}

#define BOLD(r)		paint(r, "\033[1m")
#define OFF(r)		paint(r, "\033[m")

static const char *sev_color(const struct report *r, enum pt_severity s,
			     bool incomplete)
{
	if (incomplete)
		return paint(r, "\033[35m");		/* magenta */
	switch (s) {
	case PT_SEV_ERROR:
		return paint(r, "\033[1;31m");	/* bold red */
	case PT_SEV_WARNING:
		return paint(r, "\033[33m");	/* yellow */
	default:
		return paint(r, "\033[36m");	/* cyan */
	}
}

static double rel(const struct report *r, __u64 ts)
{
	return ts >= r->t0 ? (ts - r->t0) / 1e9 : -((r->t0 - ts) / 1e9);
}

/* ------------------------------------------------------------ header */

static void print_header(FILE *out, const struct report *r, const char *path,
			 const struct pt_log_header *h,
			 const struct pt_model_stats *s,
			 const struct pt_replay *res)
{
	struct pt_probe_tally tally;
	char tbuf[96];
	size_t shown = 0;

	fprintf(out, "ptrace report: %s\n", path);
	fprintf(out, "  %s, kernel %s, host %s, started %s; xen %s, dom0 %s\n",
		h->tool, h->kernel[0] ? h->kernel : "?",
		h->host[0] ? h->host : "?",
		h->start_time[0] ? h->start_time : "?",
		h->xen_version[0] ? h->xen_version : "?",
		h->dom0_mode[0] ? h->dom0_mode : "?");
	fprintf(out, "  events: %llu over %.6f s, lost: %llu%s%s\n", s->events,
		s->events ? (s->last_ts - s->first_ts) / 1e9 : 0.0, s->lost,
		res->truncated ? ", last line truncated (recorder killed?)" : "",
		res->complete ? "" : ", no end record");
	if (res->reordered || res->late)
		fprintf(out, "  time order: %llu events put back in place (window %llu ms)\n",
			res->reordered,
			(unsigned long long)(res->order_window_ns / 1000000));
	if (res->late)
		fprintf(out, "  %swarning%s: %llu events were written after the reorder window "
			"(first at line %lu, up to %.6f s out of place): their order is not certain\n",
			sev_color(r, PT_SEV_WARNING, false), OFF(r), res->late,
			res->first_late_line, res->max_late_ns / 1e9);
	if (s->blind_records)
		fprintf(out, "  %swarning%s: %llu blind window%s: a module's probes were dead "
			"while it was reloaded (blind records); what they feed is incomplete there\n",
			sev_color(r, PT_SEV_WARNING, false), OFF(r), s->blind_records,
			s->blind_records == 1 ? "" : "s");
	if (s->xen_view_blind)
		fprintf(out, "  Xen's mask view: %llu pass%s not read (blind records): Xen's view unknown after each until read again\n",
			s->xen_view_blind, s->xen_view_blind == 1 ? "" : "es");
	/* the same count record printed when it started */
	pt_probe_tally(h->probes, h->nprobes, &tally);
	pt_probe_tally_format(&tally, tbuf, sizeof(tbuf));
	fprintf(out, "  probes: %s", tbuf);
	if (r->full) {
		fprintf(out, "\n");
		for (size_t i = 0; i < h->nprobes; i++)
			if (h->probes[i].state != PT_PROBE_ATTACHED)
				fprintf(out, "    %s (%s): %s\n", h->probes[i].name,
					h->probes[i].func, h->probes[i].reason);
		return;
	}
	for (size_t i = 0; i < h->nprobes; i++)
		if (h->probes[i].state != PT_PROBE_ATTACHED)
			fprintf(out, "%s%s", shown++ ? ", " : ": ", h->probes[i].name);
	fprintf(out, "\n");
}

/* ------------------------------------------------------------ summary */

/* "50,51,52" into buf; "-" when none. */
static void add_num(char *buf, size_t len, int v)
{
	size_t n = strlen(buf);
	char num[16];

	if (v == PT_NONE)
		return;
	snprintf(num, sizeof(num), "%d", v);
	/* already listed? (a GSI's irq may also be a vector's) */
	for (const char *p = buf; (p = strstr(p, num)); p++)
		if ((p == buf || p[-1] == ',') && (p[strlen(num)] == ',' || !p[strlen(num)]))
			return;
	if (n + strlen(num) + 2 < len)
		snprintf(buf + n, len - n, "%s%s", n ? "," : "", num);
}

/* The pirqs of a device grouped by domain: "55,54,53 d1 (gone); 22 dom0". */
static void pirq_column(const struct pt_device *d, char *buf, size_t len)
{
	int doms[8];
	size_t ndoms = 0, n = 0;
	char dom[16];

	buf[0] = '\0';
	for (size_t i = 0; i < d->nvectors && ndoms < 8; i++) {
		size_t k;

		for (k = 0; k < ndoms; k++)
			if (doms[k] == d->vectors[i].domid)
				break;
		if (k == ndoms && d->vectors[i].pirq != PT_NONE)
			doms[ndoms++] = d->vectors[i].domid;
	}
	for (size_t k = 0; k < ndoms; k++) {
		char list[64] = "";
		bool live = false;

		for (size_t i = 0; i < d->nvectors; i++)
			if (d->vectors[i].domid == doms[k]) {
				add_num(list, sizeof(list), d->vectors[i].pirq);
				live |= d->vectors[i].live;
			}
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s %s%s",
			      n ? "; " : "", list,
			      pt_domid_format(doms[k], dom, sizeof(dom)),
			      live ? "" : " (gone)");
	}
	/* the GSI's pirqs, one per domain: "20 dom0 (gsi); 20 d2 (gsi)" */
	for (size_t i = 0; i < d->ngsi_binds; i++)
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%d %s (gsi%s)",
			      n ? "; " : "", d->gsi_binds[i].pirq,
			      pt_domid_format(d->gsi_binds[i].domid, dom, sizeof(dom)),
			      d->gsi_binds[i].live ? "" : ", gone");
	if (!buf[0])
		snprintf(buf, len, "-");
}

static void owner_column(const struct pt_device *d, char *buf, size_t len)
{
	char now[16], was[16];

	pt_device_owner_format(d, now, sizeof(now));
	/* the last guest it had, when it has gone back since */
	for (size_t i = d->nhistory; i-- > 0;)
		if (d->history[i].owner == PT_OWNER_DOMAIN && d->owner != PT_OWNER_DOMAIN) {
			snprintf(buf, len, "%s (was %s)", now,
				 pt_domid_format(d->history[i].domid, was, sizeof(was)));
			return;
		}
	snprintf(buf, len, "%s", now);
}

enum { C_DEV, C_OWNER, C_GSI, C_IRQS, C_PIRQS, C_MSIX, C_RESETS, C_FIND, C_NAME,
       NCOL };

static void summary_row(const struct pt_log_header *h, const struct pt_device *d,
			char col[NCOL][96])
{
	char name[256];

	/* a long name is cut rather than widening every row past it */
	if (pt_pci_log_name(h, d->sbdf, name, sizeof(name)))
		snprintf(col[C_NAME], 96, "%.95s", name);
	else
		snprintf(col[C_NAME], 96, "-");
	col[C_DEV][0] = col[C_IRQS][0] = '\0';
	pt_sbdf_format(d->sbdf, col[C_DEV], 96);
	owner_column(d, col[C_OWNER], 96);
	if (d->gsi == PT_NONE)
		snprintf(col[C_GSI], 96, "-");
	else
		snprintf(col[C_GSI], 96, "%d", d->gsi);
	add_num(col[C_IRQS], 96, d->gsi_irq);
	for (size_t i = 0; i < d->nvectors; i++)
		add_num(col[C_IRQS], 96, d->vectors[i].irq);
	if (!col[C_IRQS][0])
		snprintf(col[C_IRQS], 96, "-");
	pirq_column(d, col[C_PIRQS], 96);
	if (d->msix_ctrl < 0 && !d->msix_enabled)
		snprintf(col[C_MSIX], 96, d->msi_enabled ? "off (msi on)" : "-");
	else
		snprintf(col[C_MSIX], 96, "%s%s%s", d->msix_enabled ? "on" : "off",
			 d->maskall == 1 ? ", maskall" : "",
			 d->msi_enabled ? " (msi on)" : "");
	snprintf(col[C_RESETS], 96, "%zu", pt_device_resets(d));
	snprintf(col[C_FIND], 96, "%u%s", d->nfindings,
		 d->incomplete ? " (incomplete)" : "");
}

static void print_summary(FILE *out, const struct report *r,
			  const struct pt_log_header *h,
			  const struct pt_model *m, __u32 only)
{
	static const char *const head[NCOL] = {
		"DEVICE", "OWNER", "GSI", "IRQS", "PIRQS (DOMAIN)", "MSI-X",
		"RESETS", "FINDINGS", "NAME",
	};
	/* the NAME column only for logs that record ids: older ones keep BDFs */
	int ncol = h && h->ndevices ? NCOL : C_NAME;
	size_t n = pt_model_device_count(m), w[NCOL];
	char (*rows)[NCOL][96] = calloc(n ? n : 1, sizeof(*rows));

	if (!rows)
		abort();
	for (int c = 0; c < ncol; c++)
		w[c] = strlen(head[c]);
	for (size_t i = 0; i < n; i++) {
		summary_row(h, pt_model_device_at(m, i), rows[i]);
		for (int c = 0; c < ncol; c++)
			if (strlen(rows[i][c]) > w[c])
				w[c] = strlen(rows[i][c]);
	}
	fprintf(out, "\n%sDevices: %zu%s\n", BOLD(r), n, OFF(r));
	if (n) {
		fprintf(out, " ");
		for (int c = 0; c < ncol; c++)
			fprintf(out, " %-*s", c == ncol - 1 ? 0 : (int)w[c] + 1, head[c]);
		fprintf(out, "\n");
	}
	for (size_t i = 0; i < n; i++) {
		if (only != PT_SBDF_NONE && pt_model_device_at(m, i)->sbdf != only)
			continue;
		fprintf(out, " ");
		for (int c = 0; c < ncol; c++)
			fprintf(out, " %-*s", c == ncol - 1 ? 0 : (int)w[c] + 1, rows[i][c]);
		fprintf(out, "\n");
	}
	free(rows);
}

/* ------------------------------------------------------------ findings */

/* A late event inside the finding's proof span: its order is not known. */
static const struct late_span *late_in(const struct report *r,
				       const struct pt_finding *f)
{
	__u64 from = f->ts, to = f->ts;

	for (int p = 0; p < f->nproof; p++) {
		if (f->proof[p].ev.hdr.ts_ns < from)
			from = f->proof[p].ev.hdr.ts_ns;
		if (f->proof[p].ev.hdr.ts_ns > to)
			to = f->proof[p].ev.hdr.ts_ns;
	}
	for (size_t i = 0; i < r->nlate; i++)
		if (r->late[i].ts <= to && r->late[i].released >= from)
			return &r->late[i];
	return NULL;
}

/* "docs/rules.md#pt001-reset-before-unbind": the story and what to do. */
static void print_finding(FILE *out, const struct report *r,
			  const struct pt_finding *f)
{
	const struct late_span *l = late_in(r, f);
	bool inc = f->status == PT_FINDING_INCOMPLETE;
	char code[16], ev[200];
	size_t k;

	fprintf(out, "  %s%s %s [%s%s]%s: %s\n",
		sev_color(r, f->rule->severity, inc), f->rule->code,
		f->rule->name, pt_severity_name(f->rule->severity),
		inc ? ", incomplete" : "", OFF(r), f->msg);
	if (l)
		fprintf(out, "      %swarning%s: order not certain: line %lu belongs %.6f s "
			"before events the rules had already seen (written after the reorder window)\n",
			sev_color(r, PT_SEV_WARNING, false), OFF(r), l->line,
			(l->released - l->ts) / 1e9);
	for (int p = 0; p < f->nproof; p++) {
		pt_event_format(&f->proof[p].ev, ev, sizeof(ev));
		fprintf(out, "      %+12.6f  line %-6lu %s\n",
			rel(r, f->proof[p].ev.hdr.ts_ns), f->proof[p].line, ev);
	}
	for (k = 0; f->rule->code[k] && k + 1 < sizeof(code); k++)
		code[k] = f->rule->code[k] | 0x20;	/* GitHub-style anchor */
	code[k] = '\0';
	if (f->rule->remediation)
		fprintf(out, "      what to do: %s\n", f->rule->remediation);
	fprintf(out, "      the story: docs/rules.md#%s-%s\n", code,
		f->rule->name);
}

static void print_findings(FILE *out, const struct report *r,
			   const struct pt_model *m)
{
	size_t n = pt_model_finding_count(m);

	fprintf(out, "\n%sFindings: %zu%s\n", BOLD(r), n, OFF(r));
	for (size_t i = 0; i < n; i++)
		print_finding(out, r, pt_model_finding(m, i));
}

/* ------------------------------------------------------------ timelines */

/* One printed line: an event, a nested reset, or a folded run. */
struct item {
	size_t first, n;	/* entries v[first .. first+n) */
	bool scan;		/* every op of a guest to slots it does not own */
	char sig[160];
};

/* What is printed: one item, or a run of items folded (period > 0). */
struct row {
	size_t item, nitems;
	size_t period;		/* 1 to FOLD_PERIOD items repeated; 0: one item */
};

/* What makes two events "the same" for folding: the text without device. */
static void signature(const struct tl_entry *e, char *sig, size_t len)
{
	char b[PT_SBDF_STRLEN], dom[16];
	const char *at;

	/* a bare op (older recorders) says only who asked: fold them all */
	if (e->type == PT_EV_PCIBACK && e->kind == PT_PCIBACK_OP && !e->op_decoded) {
		snprintf(sig, len, "pciback op from %s%s",
			 pt_domid_format(e->domid, dom, sizeof(dom)),
			 e->unowned ? " to slots it does not own" : "");
		return;
	}
	/* a guest probing slots it was not given: one line per answer */
	if (e->type == PT_EV_PCIBACK && e->kind == PT_PCIBACK_OP && e->unowned &&
	    e->sbdf == PT_SBDF_NONE) {
		const char *err = strstr(e->text, " err=");

		snprintf(sig, len, "pciback op from %s to slots it does not own%s",
			 pt_domid_format(e->domid, dom, sizeof(dom)), err ? err : "");
		return;
	}
	snprintf(sig, len, "%s", e->text);
	if (e->sbdf == PT_SBDF_NONE)
		return;
	pt_sbdf_format(e->sbdf, b, sizeof(b));
	at = strstr(sig, b);
	if (at)
		memmove((char *)at, at + strlen(b) + (at[strlen(b)] == ' '),
			strlen(at + strlen(b) + (at[strlen(b)] == ' ')) + 1);
}

/* pci_reset_function > __pci_reset_function_locked > method: one reset. */
static size_t nested_reset(const struct timeline *t, size_t i)
{
	const struct tl_entry *a = &t->v[i];
	size_t n = 1;

	if (a->type != PT_EV_PCI_RESET || a->kind == PT_RESET_XEN_NOTIFY)
		return 1;
	while (i + n < t->n) {
		const struct tl_entry *b = &t->v[i + n];

		if (b->type != PT_EV_PCI_RESET || b->kind == PT_RESET_XEN_NOTIFY ||
		    b->pid != a->pid || b->sbdf != a->sbdf ||
		    b->ts - a->ts >= NESTED_NS)
			break;
		n++;
	}
	return n;
}

/* Items i and j (runs of p) carry the same events. */
static bool same_block(const struct item *it, size_t i, size_t j, size_t p)
{
	for (size_t q = 0; q < p; q++)
		if (it[i + q].n != 1 || it[j + q].n != 1 || it[i + q].scan ||
		    it[j + q].scan || strcmp(it[i + q].sig, it[j + q].sig))
			return false;
	return true;
}

/* How many times the block of p items at i repeats back to back. */
static size_t repeats(const struct item *it, size_t ni, size_t i, size_t p)
{
	size_t k = 1;

	if (i + p > ni || !same_block(it, i, i, p))
		return 0;
	/* a block of one event repeated is period 1's business */
	for (size_t q = 1; q < p; q++)
		if (!strcmp(it[i + q].sig, it[i].sig))
			return 0;
	while (i + (k + 1) * p <= ni && same_block(it, i, i + k * p, p))
		k++;
	return k;
}

static size_t build_items(const struct report *r, const struct timeline *t,
			  struct item *it)
{
	size_t ni = 0, scans[SCAN_MAX], nscans = 0;

	for (size_t i = 0; i < t->n;) {
		const struct tl_entry *e = &t->v[i];
		struct item *x;

		/*
		 * A guest scanning its bus: every op to a slot it does not
		 * own is one line, where the first was.  Noise, not story.
		 */
		if (e->unowned && !r->full) {
			size_t k;

			for (k = 0; k < nscans; k++)
				if (t->v[it[scans[k]].first].domid == e->domid)
					break;
			if (k < nscans) {
				it[scans[k]].n++;
				i++;
				continue;
			}
			if (nscans < SCAN_MAX)
				scans[nscans++] = ni;
		}
		x = &it[ni++];
		x->first = i;
		x->scan = e->unowned && !r->full && nscans && scans[nscans - 1] == ni - 1;
		x->n = x->scan || r->full ? 1 : nested_reset(t, i);
		signature(e, x->sig, sizeof(x->sig));
		i += x->n;
	}
	return ni;
}

/* Fold runs of one event, then blocks of 2 to 4 (gsi acpi / gsi xen). */
static size_t build_rows(const struct report *r, const struct item *it,
			 size_t ni, struct row *rows)
{
	size_t out = 0;

	for (size_t i = 0; i < ni;) {
		size_t p = FOLD_PERIOD + 1, k = 0;

		if (!r->full)
			for (p = 1; p <= FOLD_PERIOD; p++) {
				k = repeats(it, ni, i, p);
				if (k >= (p == 1 ? FOLD_MIN : FOLD_REPEAT))
					break;
			}
		rows[out].item = i;
		if (p <= FOLD_PERIOD) {
			rows[out].nitems = k * p;
			rows[out].period = p;
		} else {
			rows[out].nitems = 1;
			rows[out].period = 0;
		}
		i += rows[out++].nitems;
	}
	return out;
}

/* Lines, slots and end of what a row shows: "lines 226-790", 00:00.0..00:1f.7. */
struct span {
	unsigned long lo, hi;
	__u32 smin, smax;
	__u64 tmax;
};

static void span_add(struct span *sp, const struct tl_entry *e)
{
	if (e->line < sp->lo)
		sp->lo = e->line;
	if (e->line > sp->hi)
		sp->hi = e->line;
	if (e->sbdf != PT_SBDF_NONE && (sp->smin == PT_SBDF_NONE || e->sbdf < sp->smin))
		sp->smin = e->sbdf;
	if (e->sbdf != PT_SBDF_NONE && (sp->smax == PT_SBDF_NONE || e->sbdf > sp->smax))
		sp->smax = e->sbdf;
	if (e->ts > sp->tmax)
		sp->tmax = e->ts;
}

static void row_span(const struct timeline *t, const struct item *it,
		     const struct row *row, struct span *sp)
{
	const struct tl_entry *f = &t->v[it[row->item].first];

	*sp = (struct span){ f->line, f->line, f->sbdf, f->sbdf, f->ts };
	for (size_t k = row->item; k < row->item + row->nitems; k++) {
		const struct item *x = &it[k];

		if (!x->scan) {
			for (size_t i = x->first; i < x->first + x->n; i++)
				span_add(sp, &t->v[i]);
			continue;
		}
		for (size_t i = x->first; i < t->n; i++)
			if (t->v[i].unowned && t->v[i].domid == t->v[x->first].domid)
				span_add(sp, &t->v[i]);
	}
}

static void print_row(FILE *out, const struct report *r,
		      const struct timeline *t, const struct item *it,
		      const struct row *row, size_t *folded)
{
	const struct item *x = &it[row->item];
	const struct tl_entry *e = &t->v[x->first];
	char lines[32], a[PT_SBDF_STRLEN], b[PT_SBDF_STRLEN];
	struct span sp;

	row_span(t, it, row, &sp);
	if (sp.lo == sp.hi)
		snprintf(lines, sizeof(lines), "line %-6lu", sp.lo);
	else
		snprintf(lines, sizeof(lines), "lines %lu-%lu", sp.lo, sp.hi);
	if (!row->period && x->scan && x->n > 1) {
		*folded += x->n;
		fprintf(out, "    %+12.6f  %-11s %s x%zu, %s..%s, %+.1f..%+.1f s\n",
			rel(r, e->ts), lines, x->sig, x->n,
			pt_sbdf_format(sp.smin, a, sizeof(a)),
			pt_sbdf_format(sp.smax, b, sizeof(b)),
			rel(r, e->ts), rel(r, sp.tmax));
		return;
	}
	if (!row->period && x->n == 1) {
		fprintf(out, "    %+12.6f  line %-6lu %s%s\n", rel(r, e->ts),
			e->line, e->text,
			e->unowned ? " (a slot its guest does not own)" : "");
		return;
	}
	if (!row->period) {
		/* a nested reset: the method is the innermost call, the last */
		const struct tl_entry *in = &t->v[x->first + x->n - 1];

		fprintf(out, "    %+12.6f  %-11s reset %s %s (one reset: ",
			rel(r, e->ts), lines,
			pt_kind_name(PT_EV_PCI_RESET, in->kind),
			pt_sbdf_format(e->sbdf, a, sizeof(a)));
		for (size_t i = 0; i < x->n; i++)
			fprintf(out, "%s%s", i ? " > " : "",
				pt_kind_name(PT_EV_PCI_RESET, t->v[x->first + i].kind));
		fprintf(out, ")\n");
		return;
	}
	*folded += row->nitems;
	fprintf(out, "    %+12.6f  %-11s ", rel(r, e->ts), lines);
	if (row->period == 1) {
		fprintf(out, "%s x%zu", x->sig, row->nitems);
	} else {
		fprintf(out, "x%zu {", row->nitems / row->period);
		for (size_t q = 0; q < row->period; q++)
			fprintf(out, "%s %s", q ? ";" : "", x[q].sig);
		fprintf(out, " }");
	}
	if (sp.smin != sp.smax)
		fprintf(out, ", %s..%s", pt_sbdf_format(sp.smin, a, sizeof(a)),
			pt_sbdf_format(sp.smax, b, sizeof(b)));
	else if (sp.smin != PT_SBDF_NONE && row->period == 1)
		fprintf(out, ", %s", pt_sbdf_format(sp.smin, a, sizeof(a)));
	fprintf(out, ", %+.1f..%+.1f s\n", rel(r, e->ts), rel(r, sp.tmax));
}

static void print_entries(FILE *out, const struct report *r,
			  const struct timeline *t, size_t *folded)
{
	struct item *it;
	struct row *rows;
	size_t ni, nr;

	if (!t->n)
		return;
	it = pt_xcalloc(t->n, sizeof(*it));
	rows = pt_xcalloc(t->n, sizeof(*rows));
	ni = build_items(r, t, it);
	nr = build_rows(r, it, ni, rows);
	for (size_t i = 0; i < nr; i++)
		print_row(out, r, t, it, &rows[i], folded);
	free(rows);
	free(it);
}

/*
 * The first events, then the last: a long timeline keeps only those
 * (report.h), and says how many it left out in between.
 */
static void print_timeline(FILE *out, const struct report *r,
			   const struct timeline *t, size_t *folded,
			   unsigned long long *left)
{
	struct timeline part = { .dev = t ? t->dev : NULL };
	size_t nt;

	if (!t || !(t->n + t->nring))
		return;
	nt = timeline_tail_count(t);
	if (!t->left) {
		/* nothing left out: one timeline, as if every event was kept */
		part.n = t->n + nt;
		part.v = pt_xcalloc(part.n, sizeof(*part.v));
		memcpy(part.v, t->v, t->n * sizeof(*t->v));
		for (size_t i = 0; i < nt; i++)
			part.v[t->n + i] = *timeline_tail(t, i);
		print_entries(out, r, &part, folded);
		free(part.v);
		return;
	}
	part.v = t->v;
	part.n = t->n;
	print_entries(out, r, &part, folded);
	*left += t->left;
	fprintf(out, "    %+12.6f  lines %lu-%lu %llu events not kept, %+.1f..%+.1f s "
		"(the first %d and the last %d are)\n",
		rel(r, t->left_t0), t->left_lo, t->left_hi, t->left,
		rel(r, t->left_t0), rel(r, t->left_t1), TL_HEAD, TL_TAIL);
	part.v = pt_xcalloc(nt, sizeof(*part.v));
	part.n = nt;
	for (size_t i = 0; i < nt; i++)
		part.v[i] = *timeline_tail(t, i);
	print_entries(out, r, &part, folded);
	free(part.v);
}

#define VEC_FMT "  %-6s %-6s %-6s %-7s %-7s %-8s %-8s %-8s %-8s %s\n"

static void print_vectors(FILE *out, const struct pt_device *d)
{
	char dom[16], mv[PT_MV_MAX][16], e[12];

	if (!d->nvectors && !d->nentry_masks)
		return;
	/* a column per mask view: masked now / transitions (MASKED/N) */
	fprintf(out, VEC_FMT, "ENTRY", "IRQ", "PIRQ", "EVTCHN", "DOMAIN",
		"DEVICE", "DOM0", "XEN", "DM", "STATE");
	for (size_t i = 0; i < d->nvectors; i++) {
		const struct pt_vector *v = &d->vectors[i];
		const struct pt_entry_mask *em = v->entry == PT_NONE ? NULL :
			pt_device_entry_mask(d, v->entry);
		char q[12], p[12], c[12];

		snprintf(e, sizeof(e), v->entry == PT_NONE ? "-" : "%d", v->entry);
		snprintf(q, sizeof(q), v->irq == PT_NONE ? "-" : "%d", v->irq);
		snprintf(p, sizeof(p), v->pirq == PT_NONE ? "-" : "%d", v->pirq);
		snprintf(c, sizeof(c), v->evtchn == PT_NONE ? "-" : "%d", v->evtchn);
		for (int k = 0; k < PT_MV_MAX; k++)
			pt_mask_state_format(em ? &em->view[k] : NULL, mv[k],
					     sizeof(mv[k]));
		fprintf(out, VEC_FMT, e, q, p, c,
			pt_domid_format(v->domid, dom, sizeof(dom)),
			mv[PT_MV_DEVICE], mv[PT_MV_DOM0], mv[PT_MV_XEN],
			mv[PT_MV_DM], v->live ? "mapped" : "gone");
	}
	/* entries whose bits were seen but no interrupt was set up for */
	for (size_t i = 0; i < d->nentry_masks; i++) {
		const struct pt_entry_mask *em = &d->entry_masks[i];

		if (pt_device_entry_has_vector(d, em->entry))
			continue;
		snprintf(e, sizeof(e), "%d", em->entry);
		for (int k = 0; k < PT_MV_MAX; k++)
			pt_mask_state_format(&em->view[k], mv[k], sizeof(mv[k]));
		fprintf(out, VEC_FMT, e, "-", "-", "-", "-", mv[PT_MV_DEVICE],
			mv[PT_MV_DOM0], mv[PT_MV_XEN], mv[PT_MV_DM],
			"not set up");
	}
}

static void print_device(FILE *out, const struct report *r,
			 const struct pt_log_header *h,
			 const struct pt_device *d, const struct timeline *t,
			 size_t *folded, unsigned long long *left)
{
	char b[PT_SBDF_STRLEN], dom[16], irq[16], pirq[16], name[256];
	const char *nm = pt_pci_log_name(h, d->sbdf, name, sizeof(name));

	fprintf(out, "\n%s%s%s%s%s\n", BOLD(r), pt_sbdf_format(d->sbdf, b, sizeof(b)),
		nm ? "  " : "", nm ? nm : "", OFF(r));
	fprintf(out, "  owner:");
	if (!d->nhistory)
		fprintf(out, " unknown");
	if (d->history_dropped)
		fprintf(out, " (%zu earlier changes not kept) ...", d->history_dropped);
	for (size_t i = 0; i < d->nhistory; i++) {
		const struct pt_owner_change *c = &d->history[i];

		fprintf(out, "%s %s (%+.6f)", i ? " ->" : "",
			c->owner == PT_OWNER_DOMAIN ?
			pt_domid_format(c->domid, dom, sizeof(dom)) :
			pt_owner_name(c->owner), rel(r, c->ts));
	}
	fprintf(out, "\n");
	if (d->gsi != PT_NONE) {
		snprintf(irq, sizeof(irq), d->gsi_irq == PT_NONE ? "-" : "%d", d->gsi_irq);
		snprintf(pirq, sizeof(pirq), d->gsi_pirq == PT_NONE ? "-" : "%d", d->gsi_pirq);
		fprintf(out, "  gsi %d (%s, active %s) irq %s pirq %s", d->gsi,
			d->gsi_trigger == 1 ? "edge" : d->gsi_trigger == 0 ? "level" : "?",
			d->gsi_polarity == 1 ? "low" : d->gsi_polarity == 0 ? "high" : "?",
			irq, pirq);
		/* every domain's pirq of the GSI, as Xen lists them on its irq */
		for (size_t i = 0; i < d->ngsi_binds; i++) {
			const struct pt_gsi_bind *g = &d->gsi_binds[i];

			fprintf(out, "%s%s: %d%s", i ? ", " : "; pirqs ",
				pt_domid_format(g->domid, dom, sizeof(dom)), g->pirq,
				g->live ? "" : " (gone)");
		}
		fprintf(out, "\n");
	}
	fprintf(out, "  msi %s, msi-x %s", d->msi_enabled ? "on" : "off",
		d->msix_enabled ? "on" : "off");
	if (d->msix_ctrl >= 0)
		fprintf(out, " (control %#06x, maskall %s)", d->msix_ctrl,
			d->maskall ? "set" : "clear");
	fprintf(out, "%s\n", d->incomplete ? "  [events lost while active: incomplete]" : "");
	print_vectors(out, d);
	if (d->resets_dropped)
		fprintf(out, "  %zu earlier resets not kept\n", d->resets_dropped);
	for (size_t i = 0; i < d->nresets; i++)
		fprintf(out, "  reset %+.6f line %lu %s, Xen told: %s\n",
			rel(r, d->resets[i].ts), d->resets[i].line,
			pt_kind_name(PT_EV_PCI_RESET, d->resets[i].method),
			d->resets[i].xen_told ? "yes" : "no");
	if (t && t->n) {
		fprintf(out, "  timeline:\n");
		print_timeline(out, r, t, folded, left);
	}
}

void report_text(FILE *out, struct report *r, const char *path,
		 const struct pt_log_header *h, const struct pt_model *m,
		 const struct pt_replay *res, __u32 only)
{
	size_t folded = 0;
	unsigned long long left = 0;

	print_header(out, r, path, h, pt_model_stats(m), res);
	print_summary(out, r, h, m, only);
	print_findings(out, r, m);
	if (!r->want_timeline)
		return;
	fprintf(out, "\n%sTimelines%s (time order; %s)\n", BOLD(r), OFF(r),
		r->full ? "every event" : "repeated events folded");
	for (size_t i = 0; i < pt_model_device_count(m); i++) {
		const struct pt_device *d = pt_model_device_at(m, i);

		if (only == PT_SBDF_NONE || d->sbdf == only)
			print_device(out, r, h, d, report_timeline_of(r, d), &folded,
				     &left);
	}
	if (r->global.n && only == PT_SBDF_NONE) {
		fprintf(out, "\nnot joined to a device:\n");
		print_timeline(out, r, &r->global, &folded, &left);
	}
	if (left)
		fprintf(out, "\n%llu events in the middle of long timelines were not kept "
			"(the first %d and the last %d of each are).  Every event: "
			"ptrace report --full %s\n", left, TL_HEAD, TL_TAIL, path);
	if (folded)
		fprintf(out, "\n%zu repeated events were folded.  Every event: ptrace report --full %s\n"
			"Step through them: ptrace top --replay %s\n"
			"What each finding means and what to do: docs/rules.md\n",
			folded, path, path);
}
