// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace-top screens: device list, findings pane, device and finding
 * details, help, status line.  Everything is drawn from the model on
 * every frame; only the view state (selection, scroll, filter, sort)
 * lives here.  ncurses windows and panels, no escape sequences.
 */
#define _GNU_SOURCE
#include <curses.h>
#include <panel.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pt_log.h"
#include "pt_model.h"
#include "pt_names.h"
#include "top.h"

#define MIN_COLS	40
#define MIN_LINES	10

enum view { V_MAIN, V_DEVICE, V_FINDING };
enum focus { F_DEV, F_FIND };
enum sortkey { S_BDF, S_OWNER, S_IRQS, S_RATE, S_RESETS, S_FINDINGS,
	       S_EVENTS, S_MAX };

static const char *const sort_names[S_MAX] = {
	"bdf", "owner", "irqs", "rate", "resets", "findings", "events",
};

enum { C_HEAD = 1, C_ERR, C_WARN, C_OK, C_TITLE };

struct row {
	const struct pt_device *d;
	const char *name;
	char owner[16];
	double rate;		/* interrupts/s, -1 unknown */
	unsigned int nlive, nmasked;
};

struct top_ui {
	WINDOW *title, *dev, *find, *msg, *status, *detail, *help;
	PANEL *p_title, *p_dev, *p_find, *p_msg, *p_status, *p_detail, *p_help;
	int lines, cols;
	bool small;

	enum view view;
	enum focus focus;
	bool help_on;

	struct row *rows;
	size_t nrows, cap;
	int *scratch;
	size_t scratch_cap;

	__u32 sel_sbdf;
	size_t dev_sel, dev_top;
	size_t find_sel, find_top;
	size_t finding;		/* shown in V_FINDING */
	size_t scroll;		/* first body line of a detail view */
	size_t body_lines;	/* body lines of the last detail frame */
	int body_height;

	int sort;
	char filter[64];
	char old_filter[64];
	bool editing;
};

/* ------------------------------------------------------------ helpers */

static attr_t at(const struct top *t, int c)
{
	if (!t->color) {
		switch (c) {
		case C_HEAD:
		case C_TITLE:
			return A_REVERSE;
		case C_ERR:
		case C_WARN:
			return A_BOLD;
		default:
			return A_NORMAL;
		}
	}
	return COLOR_PAIR(c) | (c == C_ERR || c == C_TITLE ? A_BOLD : 0);
}

static void __attribute__((format(printf, 5, 6)))
put(WINDOW *w, int y, int x, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	int maxy, maxx;
	va_list ap;

	getmaxyx(w, maxy, maxx);
	if (y < 0 || y >= maxy || x >= maxx)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	wattrset(w, a);
	mvwaddnstr(w, y, x, buf, maxx - x);
	wattrset(w, A_NORMAL);
}

/* A full-width bar, then text on it. */
static void bar(WINDOW *w, int y, attr_t a)
{
	int maxx = getmaxx(w);

	mvwhline(w, y, 0, ' ' | a, maxx);
}

static const char *num(int v, char *buf, size_t len)
{
	if (v < 0)
		return "-";
	snprintf(buf, len, "%d", v);
	return buf;
}

/* Event time relative to the start of the trace: "+12.345678". */
static const char *rel_ts(const struct top *t, __u64 ts, char *buf, size_t len)
{
	const struct pt_log_header *h = t->src->hdr;
	__u64 base = pt_model_stats(t->m)->first_ts;

	if (h && h->start_ns && ts >= h->start_ns)
		base = h->start_ns;
	if (ts < base)
		base = ts;
	ts -= base;
	snprintf(buf, len, "+%llu.%06llu", (unsigned long long)(ts / 1000000000ULL),
		 (unsigned long long)(ts % 1000000000ULL / 1000));
	return buf;
}

/* Domain column: dom0 acts as DOMID_SELF in many calls. */
static const char *domain(int domid, char *buf, size_t len)
{
	if (domid < 0)
		return "-";
	if (pt_domid_norm(domid) == 0)
		return "dom0";
	snprintf(buf, len, "d%d", domid);
	return buf;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/*
 * "47-50,60": sorted, duplicates dropped, runs of three or more as a
 * range; cut with a '+' when it does not fit in width.
 */
static void fmt_list(int *v, size_t n, char *buf, size_t width)
{
	size_t len = 0, i = 0;
	char tmp[256];

	qsort(v, n, sizeof(*v), cmp_int);
	tmp[0] = 0;
	while (i < n && len < sizeof(tmp) - 24) {
		size_t j = i;

		while (j + 1 < n && (v[j + 1] == v[j] || v[j + 1] == v[j] + 1))
			j++;
		if (len)
			tmp[len++] = ',';
		if (v[j] - v[i] >= 2)
			len += snprintf(tmp + len, sizeof(tmp) - len, "%d-%d",
					v[i], v[j]);
		else if (v[j] != v[i])
			len += snprintf(tmp + len, sizeof(tmp) - len, "%d,%d",
					v[i], v[j]);
		else
			len += snprintf(tmp + len, sizeof(tmp) - len, "%d", v[i]);
		i = j + 1;
	}
	if (!len)
		snprintf(tmp, sizeof(tmp), "-");
	else if (i < n)
		snprintf(tmp + len, sizeof(tmp) - len, "+");
	if (strlen(tmp) > width && width > 1)
		snprintf(buf, width + 1, "%.*s+", (int)width - 1, tmp);
	else
		snprintf(buf, width + 1, "%s", tmp);
}

static int *scratch(struct top_ui *ui, size_t n)
{
	if (n > ui->scratch_cap) {
		int *s = realloc(ui->scratch, n * sizeof(*s));

		if (!s)
			return NULL;
		ui->scratch = s;
		ui->scratch_cap = n;
	}
	return ui->scratch;
}

enum vfield { VF_IRQ, VF_PIRQ, VF_EVTCHN };

/* The device's irqs, pirqs or event channels now mapped, as a list. */
static void dev_list(struct top_ui *ui, const struct pt_device *d,
		     enum vfield f, char *buf, size_t width)
{
	int *v = scratch(ui, d->nvectors + 1);
	size_t n = 0;

	if (!v) {
		snprintf(buf, width + 1, "?");
		return;
	}
	for (size_t i = 0; i < d->nvectors; i++) {
		const struct pt_vector *vec = &d->vectors[i];
		int x = f == VF_IRQ ? vec->irq : f == VF_PIRQ ? vec->pirq :
			vec->evtchn;

		if (vec->live && x >= 0)
			v[n++] = x;
	}
	if (f == VF_IRQ && d->gsi_irq >= 0)
		v[n++] = d->gsi_irq;
	if (f == VF_PIRQ && d->gsi_pirq >= 0)
		v[n++] = d->gsi_pirq;
	fmt_list(v, n, buf, width);
}

/* "MSI-X+ F- 1/4": enabled, function mask (MASKALL), masked/total. */
static void msi_state(const struct row *r, char *buf, size_t len)
{
	const struct pt_device *d = r->d;
	const char *f = d->maskall < 0 ? "?" : d->maskall ? "+" : "-";

	if (d->msix_enabled || d->msix_ctrl >= 0)
		snprintf(buf, len, "MSI-X%c F%s %u/%u",
			 d->msix_enabled ? '+' : '-', f, r->nmasked, r->nlive);
	else if (d->msi_enabled)
		snprintf(buf, len, "MSI+ %u/%u", r->nmasked, r->nlive);
	else if (r->nlive)
		snprintf(buf, len, "MSI- %u/%u", r->nmasked, r->nlive);
	else
		snprintf(buf, len, "-");
}

/* ------------------------------------------------------------ rows */

static bool contains(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle);
}

static bool row_matches(const struct top_ui *ui, const struct row *r)
{
	char bdf[PT_SBDF_STRLEN];

	if (!ui->filter[0])
		return true;
	pt_sbdf_format(r->d->sbdf, bdf, sizeof(bdf));
	return contains(bdf, ui->filter) || contains(r->owner, ui->filter) ||
	       contains(r->name, ui->filter);
}

static void fill_row(struct top *t, struct row *r, const struct pt_device *d)
{
	double rate = -1;

	r->d = d;
	r->name = top_pci_name(t->names, d->sbdf);
	pt_device_owner_format(d, r->owner, sizeof(r->owner));
	r->nlive = r->nmasked = 0;
	for (size_t i = 0; i < d->nvectors; i++) {
		const struct pt_vector *v = &d->vectors[i];
		double x;

		if (!v->live)
			continue;
		r->nlive++;
		r->nmasked += v->masked == 1;
		x = t->src->live ? top_irq_rate(t->rates, v->irq) : -1;
		if (x >= 0)
			rate = (rate < 0 ? 0 : rate) + x;
	}
	if (t->src->live && top_irq_rate(t->rates, d->gsi_irq) >= 0)
		rate = (rate < 0 ? 0 : rate) + top_irq_rate(t->rates, d->gsi_irq);
	r->rate = rate;
}

static int sort_key;

static int cmp_desc_u(unsigned long a, unsigned long b)
{
	return a > b ? -1 : a < b;
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = 0;

	switch (sort_key) {
	case S_OWNER:
		c = strcmp(x->owner, y->owner);
		break;
	case S_IRQS:
		c = cmp_desc_u(x->nlive, y->nlive);
		break;
	case S_RATE:
		c = x->rate > y->rate ? -1 : x->rate < y->rate;
		break;
	case S_RESETS:
		c = cmp_desc_u(pt_device_resets(x->d), pt_device_resets(y->d));
		break;
	case S_FINDINGS:
		c = cmp_desc_u(x->d->nfindings, y->d->nfindings);
		break;
	case S_EVENTS:
		c = cmp_desc_u(x->d->nevents, y->d->nevents);
		break;
	}
	if (c)
		return c;
	return x->d->sbdf < y->d->sbdf ? -1 : x->d->sbdf > y->d->sbdf;
}

/* Keep the selection on the same device across sorting and filtering. */
static void keep_selection(struct top_ui *ui)
{
	size_t i;

	for (i = 0; i < ui->nrows; i++)
		if (ui->rows[i].d->sbdf == ui->sel_sbdf)
			break;
	if (i < ui->nrows)
		ui->dev_sel = i;
	else if (ui->dev_sel >= ui->nrows)
		ui->dev_sel = ui->nrows ? ui->nrows - 1 : 0;
	if (ui->nrows)
		ui->sel_sbdf = ui->rows[ui->dev_sel].d->sbdf;
}

static void build_rows(struct top *t)
{
	struct top_ui *ui = t->ui;
	size_t n = pt_model_device_count(t->m);

	if (n > ui->cap) {
		struct row *r = realloc(ui->rows, n * sizeof(*r));

		if (!r)
			return;
		ui->rows = r;
		ui->cap = n;
	}
	ui->nrows = 0;
	for (size_t i = 0; i < n; i++) {
		struct row *r = &ui->rows[ui->nrows];

		fill_row(t, r, pt_model_device_at(t->m, i));
		if (row_matches(ui, r))
			ui->nrows++;
	}
	sort_key = ui->sort;
	qsort(ui->rows, ui->nrows, sizeof(*ui->rows), cmp_row);
	keep_selection(ui);
}

/* ------------------------------------------------------------ windows */

static void destroy_windows(struct top_ui *ui)
{
	PANEL **p[] = { &ui->p_title, &ui->p_dev, &ui->p_find, &ui->p_msg,
			&ui->p_status, &ui->p_detail, &ui->p_help };
	WINDOW **w[] = { &ui->title, &ui->dev, &ui->find, &ui->msg,
			 &ui->status, &ui->detail, &ui->help };

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		if (*p[i])
			del_panel(*p[i]);
		if (*w[i])
			delwin(*w[i]);
		*p[i] = NULL;
		*w[i] = NULL;
	}
}

static void create_windows(struct top_ui *ui)
{
	int L = LINES, C = COLS, body = L - 3, findh, devh, hh, hw;

	destroy_windows(ui);
	ui->lines = L;
	ui->cols = C;
	ui->small = L < MIN_LINES || C < MIN_COLS;
	erase();
	wnoutrefresh(stdscr);
	if (ui->small)
		return;
	findh = body / 3 < 4 ? 4 : body / 3;
	devh = body - findh;
	hh = L - 2 < 24 ? L - 2 : 24;
	hw = C - 4 < 72 ? C - 4 : 72;
	ui->title = newwin(1, C, 0, 0);
	ui->dev = newwin(devh, C, 1, 0);
	ui->find = newwin(findh, C, 1 + devh, 0);
	ui->msg = newwin(1, C, L - 2, 0);
	ui->status = newwin(1, C, L - 1, 0);
	ui->detail = newwin(body, C, 1, 0);
	ui->help = newwin(hh, hw, (L - hh) / 2, (C - hw) / 2);
	ui->p_title = new_panel(ui->title);
	ui->p_dev = new_panel(ui->dev);
	ui->p_find = new_panel(ui->find);
	ui->p_msg = new_panel(ui->msg);
	ui->p_status = new_panel(ui->status);
	ui->p_detail = new_panel(ui->detail);
	ui->p_help = new_panel(ui->help);
}

void top_ui_init(struct top *t)
{
	struct top_ui *ui = calloc(1, sizeof(*ui));

	if (!ui) {
		endwin();
		fprintf(stderr, "ptrace top: out of memory\n");
		exit(6);
	}
	t->ui = ui;
	if (t->color) {
		init_pair(C_HEAD, COLOR_BLACK, COLOR_CYAN);
		init_pair(C_ERR, COLOR_RED, -1);
		init_pair(C_WARN, COLOR_YELLOW, -1);
		init_pair(C_OK, COLOR_GREEN, -1);
		init_pair(C_TITLE, COLOR_WHITE, COLOR_BLUE);
	}
	create_windows(ui);
}

void top_ui_free(struct top *t)
{
	struct top_ui *ui = t->ui;

	if (!ui)
		return;
	destroy_windows(ui);
	free(ui->rows);
	free(ui->scratch);
	free(ui);
	t->ui = NULL;
}

/* ------------------------------------------------------------ main view */

/* The title bar's text, for the screen and for --batch frames. */
static void title_text(struct top *t, char *buf, size_t len)
{
	struct top_ui *ui = t->ui;
	const struct pt_model_stats *st = pt_model_stats(t->m);
	char ts[32] = "+0.000000", speed[24] = "";
	const char *state = "";
	size_t ndev = pt_model_device_count(t->m);
	size_t nfind = pt_model_finding_count(t->m);

	/* live: time since start; replay: where the log has got to */
	if (t->src->live && t->src->hdr)
		rel_ts(t, t->src->hdr->start_ns + (__u64)((top_now() - t->started) * 1e9),
		       ts, sizeof(ts));
	else if (st->events)
		rel_ts(t, st->last_ts, ts, sizeof(ts));
	if (!t->src->live)
		snprintf(speed, sizeof(speed), t->speed ? " x%g" : " x max",
			 t->speed);
	if (t->src_status == TOP_SRC_END)
		state = " [end of log]";
	else if (t->src_status == TOP_SRC_ERROR)
		state = " [STOPPED: bad record]";
	snprintf(buf, len,
		 " ptrace-top | %s%s%s | t=%s | %zu device%s | %zu finding%s | sort %s%s%s%s | %s",
		 t->src->live ? "live" : "replay", speed, state, ts,
		 ndev, ndev == 1 ? "" : "s", nfind, nfind == 1 ? "" : "s",
		 sort_names[ui->sort], ui->filter[0] ? " | filter '" : "",
		 ui->filter, ui->filter[0] ? "'" : "", t->src->label);
}

static void draw_title(struct top *t)
{
	struct top_ui *ui = t->ui;
	char title[1024];

	title_text(t, title, sizeof(title));
	werase(ui->title);
	bar(ui->title, 0, at(t, C_TITLE));
	put(ui->title, 0, 0, at(t, C_TITLE), "%s", title);
	if (t->paused)
		put(ui->title, 0, getmaxx(ui->title) - 9, at(t, C_TITLE) | A_BOLD,
		    "[PAUSED]");
}

static void clamp_scroll(size_t *top, size_t sel, size_t n, int h)
{
	if (h < 1)
		h = 1;
	if (sel < *top)
		*top = sel;
	if (sel >= *top + h)
		*top = sel - h + 1;
	if (n <= (size_t)h)
		*top = 0;
	else if (*top > n - h)
		*top = n - h;
}

/* Column titles, aligned with the format of draw_dev_row(). */
#define DEV_HDR	"BDF           OWNER    GSI IRQS        PIRQS       " \
		"EVTCHNS     MSI/MSI-X        RATE/s RST FIND NAME"

static void dev_row_text(struct top *t, const struct row *r, char *buf,
			 size_t len)
{
	struct top_ui *ui = t->ui;
	const struct pt_device *d = r->d;
	char bdf[PT_SBDF_STRLEN + 2], irqs[12], pirqs[12], evs[12], msi[24];
	char rate[16], g[12];

	pt_sbdf_format(d->sbdf, bdf, sizeof(bdf));
	/* '*': lost events touched this device, its picture may be partial */
	if (d->incomplete)
		strcat(bdf, "*");
	dev_list(ui, d, VF_IRQ, irqs, 11);
	dev_list(ui, d, VF_PIRQ, pirqs, 11);
	dev_list(ui, d, VF_EVTCHN, evs, 11);
	msi_state(r, msi, sizeof(msi));
	if (r->rate >= 0)
		snprintf(rate, sizeof(rate), "%.0f", r->rate);
	else
		snprintf(rate, sizeof(rate), "-");
	snprintf(buf, len, "%-13s %-8s %3s %-11s %-11s %-11s %-16s %6s %3zu %4u %s",
		 bdf, r->owner, num(d->gsi, g, sizeof(g)), irqs, pirqs, evs, msi,
		 rate, pt_device_resets(d), d->nfindings, r->name ? r->name : "-");
}

static void draw_dev_row(struct top *t, int y, const struct row *r, bool sel)
{
	struct top_ui *ui = t->ui;
	char line[1024];
	attr_t a = A_NORMAL;

	dev_row_text(t, r, line, sizeof(line));
	if (r->d->nfindings)
		a = at(t, C_ERR);
	if (sel)
		a = ui->focus == F_DEV && ui->view == V_MAIN ? A_REVERSE :
			A_UNDERLINE;
	if (sel)
		bar(ui->dev, y, a);
	put(ui->dev, y, 0, a, "%s", line);
}

static void draw_devices(struct top *t)
{
	struct top_ui *ui = t->ui;
	int h = getmaxy(ui->dev) - 1;
	attr_t ha = ui->focus == F_DEV ? at(t, C_HEAD) : A_BOLD | A_UNDERLINE;

	werase(ui->dev);
	bar(ui->dev, 0, ha);
	put(ui->dev, 0, 0, ha, DEV_HDR);
	clamp_scroll(&ui->dev_top, ui->dev_sel, ui->nrows, h);
	if (!ui->nrows)
		put(ui->dev, 2, 2, A_NORMAL, "%s",
		    ui->filter[0] ? "no device matches the filter" :
		    "no devices seen yet");
	for (int i = 0; i < h && ui->dev_top + i < ui->nrows; i++)
		draw_dev_row(t, 1 + i, &ui->rows[ui->dev_top + i],
			     ui->dev_top + i == ui->dev_sel);
}

static attr_t sev_attr(const struct top *t, const struct pt_finding *f)
{
	if (f->status == PT_FINDING_INCOMPLETE)
		return at(t, C_WARN);
	return f->rule->severity == PT_SEV_ERROR ? at(t, C_ERR) :
	       f->rule->severity == PT_SEV_WARNING ? at(t, C_WARN) : A_NORMAL;
}

#define FIND_HDR "SEVERITY   RULE   DEVICE        DOMAIN  WHEN          MESSAGE"

static void finding_row_text(struct top *t, const struct pt_finding *f,
			     char *buf, size_t len)
{
	char sev[24], bdf[PT_SBDF_STRLEN], dom[16], when[32];

	snprintf(sev, sizeof(sev), "%s%s", pt_severity_name(f->rule->severity),
		 f->status == PT_FINDING_INCOMPLETE ? "?" : "");
	snprintf(buf, len, "%-10s %-6s %-13s %-7s %-13s %s",
		 sev, f->rule->code, pt_sbdf_format(f->sbdf, bdf, sizeof(bdf)),
		 domain(f->domid, dom, sizeof(dom)),
		 rel_ts(t, f->ts, when, sizeof(when)), f->msg);
}

static void draw_findings(struct top *t)
{
	struct top_ui *ui = t->ui;
	size_t n = pt_model_finding_count(t->m);
	int h = getmaxy(ui->find) - 1;
	attr_t ha = ui->focus == F_FIND ? at(t, C_HEAD) : A_BOLD | A_UNDERLINE;

	werase(ui->find);
	bar(ui->find, 0, ha);
	put(ui->find, 0, 0, ha, FIND_HDR);
	put(ui->find, 0, getmaxx(ui->find) - 14, ha, "%4zu finding%s", n,
	    n == 1 ? " " : "s");
	if (ui->find_sel >= n)
		ui->find_sel = n ? n - 1 : 0;
	clamp_scroll(&ui->find_top, ui->find_sel, n, h);
	if (!n)
		put(ui->find, 1, 2, A_NORMAL, "no findings");
	for (int i = 0; i < h && ui->find_top + i < n; i++) {
		size_t k = ui->find_top + i;
		const struct pt_finding *f = pt_model_finding(t->m, k);
		bool sel = k == ui->find_sel;
		attr_t a = sev_attr(t, f);

		char line[1024];

		finding_row_text(t, f, line, sizeof(line));
		if (sel) {
			a = ui->focus == F_FIND ? A_REVERSE : A_UNDERLINE;
			bar(ui->find, 1 + i, a);
		}
		put(ui->find, 1 + i, 0, a, "%s", line);
	}
}

static void probe_summary(const struct pt_log_header *h, char *buf, size_t len)
{
	size_t attached = 0, n = 0;

	if (!h || !h->nprobes) {
		snprintf(buf, len, "probes -");
		return;
	}
	for (size_t i = 0; i < h->nprobes; i++)
		attached += h->probes[i].state == PT_PROBE_ATTACHED;
	n = snprintf(buf, len, "probes %zu/%zu attached", attached, h->nprobes);
	if (attached == h->nprobes)
		return;
	for (size_t i = 0, k = 0; i < h->nprobes && n < len; i++) {
		if (h->probes[i].state == PT_PROBE_ATTACHED)
			continue;
		n += snprintf(buf + n, len - n, "%s%s", k++ ? ", " : "; missing: ",
			      h->probes[i].name);
	}
}

/* The status line after its "lost N" part. */
static void status_text(struct top *t, char *buf, size_t len)
{
	const struct pt_model_stats *st = pt_model_stats(t->m);
	char probes[512], bpf[48];

	if (t->bpf_known)
		snprintf(bpf, sizeof(bpf), "%.2f ms/s (%.2f%% CPU)",
			 t->bpf_ns_per_s / 1e6, t->bpf_ns_per_s / 1e7);
	else
		snprintf(bpf, sizeof(bpf), "-");
	probe_summary(t->src->hdr, probes, sizeof(probes));
	snprintf(buf, len, " | %.0f ev/s | events %llu | bpf %s | %s",
		 t->ev_rate, st->events, bpf, probes);
}

static void draw_status(struct top *t)
{
	struct top_ui *ui = t->ui;
	const struct pt_model_stats *st = pt_model_stats(t->m);
	char rest[1024];
	int x;

	werase(ui->status);
	bar(ui->status, 0, at(t, C_HEAD));
	/* lost events first: never hidden, whatever the width */
	put(ui->status, 0, 0, st->lost ? at(t, C_ERR) | A_REVERSE : at(t, C_HEAD),
	    " lost %llu%s", st->lost, st->lost ? " (counts are partial)" : "");
	x = getcurx(ui->status);
	/* dead probes next: blind right now, never hidden either */
	if (t->src->dead[0]) {
		put(ui->status, 0, x, at(t, C_ERR) | A_REVERSE, " | %s ",
		    t->src->dead);
		x = getcurx(ui->status);
	} else if (st->blind_records) {
		/* over now, but what is shown may lack what they would have fed */
		put(ui->status, 0, x, at(t, C_ERR), " | blind windows %llu",
		    st->blind_records);
		x = getcurx(ui->status);
	}
	status_text(t, rest, sizeof(rest));
	put(ui->status, 0, x, at(t, C_HEAD), "%s", rest);
}

static void draw_msg(struct top *t)
{
	struct top_ui *ui = t->ui;

	werase(ui->msg);
	if (ui->editing) {
		put(ui->msg, 0, 0, A_BOLD, "filter (BDF/owner/name, Enter apply, Esc cancel): %s_",
		    ui->filter);
	} else if (t->src_status == TOP_SRC_ERROR) {
		put(ui->msg, 0, 0, at(t, C_ERR),
		    "replay stopped: %s (state so far kept)", t->src->err);
	} else if (t->src_status == TOP_SRC_END) {
		put(ui->msg, 0, 0, A_NORMAL, "end of log: %llu events%s%s",
		    pt_model_stats(t->m)->events, t->src->err[0] ? "; " : "",
		    t->src->err);
	} else {
		put(ui->msg, 0, 0, A_NORMAL,
		    "q quit  ? help  / filter  s sort  p pause  Tab pane  Enter details  Esc back");
	}
}

/*
 * --batch: one frame as plain text, as top -b prints it: the title, every
 * device (sorted by BDF, no filter), every finding, the end-of-log or
 * stop message, the status line.  No curses: stdout may be a file.
 */
void top_ui_print(struct top *t, FILE *f)
{
	const struct pt_model_stats *st = pt_model_stats(t->m);
	size_t n = pt_model_finding_count(t->m);
	char line[1024];

	if (!t->ui) {
		t->ui = calloc(1, sizeof(*t->ui));
		if (!t->ui)
			return;
	}
	build_rows(t);
	title_text(t, line, sizeof(line));
	fprintf(f, "%s%s\n\n%s\n", line, t->paused ? " [PAUSED]" : "", DEV_HDR);
	if (!t->ui->nrows)
		fprintf(f, "  no devices seen yet\n");
	for (size_t i = 0; i < t->ui->nrows; i++) {
		dev_row_text(t, &t->ui->rows[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	fprintf(f, "\n%s  (%zu finding%s)\n", FIND_HDR, n, n == 1 ? "" : "s");
	if (!n)
		fprintf(f, "  no findings\n");
	for (size_t i = 0; i < n; i++) {
		finding_row_text(t, pt_model_finding(t->m, i), line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	fputc('\n', f);
	if (t->src_status == TOP_SRC_ERROR)
		fprintf(f, "replay stopped: %s (state so far kept)\n", t->src->err);
	else if (t->src_status == TOP_SRC_END)
		fprintf(f, "end of log: %llu events%s%s\n", st->events,
			t->src->err[0] ? "; " : "", t->src->err);
	status_text(t, line, sizeof(line));
	fprintf(f, " lost %llu%s%s%s", st->lost,
		st->lost ? " (counts are partial)" : "",
		t->src->dead[0] ? " | " : "", t->src->dead);
	if (st->blind_records)
		fprintf(f, " | blind windows %llu", st->blind_records);
	fprintf(f, "%s\n", line);
}

/* ------------------------------------------------------------ details */

/* Lines of a scrolling detail body; only the visible ones are drawn. */
struct body {
	WINDOW *w;
	int y0;			/* first window line of the body */
	size_t scroll, n;
	int h;
};

static void __attribute__((format(printf, 3, 4)))
bline(struct body *b, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	size_t k = b->n++;

	if (k < b->scroll || k >= b->scroll + b->h)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (a & A_REVERSE)
		bar(b->w, b->y0 + (int)(k - b->scroll), a);
	put(b->w, b->y0 + (int)(k - b->scroll), 0, a, "%s", buf);
}

static void owner_history(const struct pt_device *d, char *buf, size_t len)
{
	size_t n = 0, first = d->nhistory > 6 ? d->nhistory - 6 : 0;

	buf[0] = 0;
	if (first && n < len)
		n += snprintf(buf + n, len - n, "... -> ");
	for (size_t i = first; i < d->nhistory && n < len; i++) {
		const struct pt_owner_change *h = &d->history[i];
		char dom[16];

		n += snprintf(buf + n, len - n, "%s%s", i > first ? " -> " : "",
			      h->owner == PT_OWNER_DOMAIN ?
			      domain(h->domid, dom, sizeof(dom)) :
			      pt_owner_name(h->owner));
	}
}

static void draw_device_head(struct top *t, const struct pt_device *d,
			     const struct row *r)
{
	WINDOW *w = t->ui->detail;
	char bdf[PT_SBDF_STRLEN], hist[256], g[3][12], msi[24], ctrl[12] = "?";
	const char *name = top_pci_name(t->names, d->sbdf);

	bar(w, 0, at(t, C_HEAD));
	put(w, 0, 0, at(t, C_HEAD), " Device %s  %s",
	    pt_sbdf_format(d->sbdf, bdf, sizeof(bdf)),
	    name ? name : t->src->live ? "(not on this host)" :
	    "(the log records no vendor/device id)");
	owner_history(d, hist, sizeof(hist));
	put(w, 1, 1, A_NORMAL, "owner %s   history: %s", r->owner,
	    hist[0] ? hist : "-");
	put(w, 2, 1, A_NORMAL, "GSI %s  irq %s  pirq %s  %s",
	    num(d->gsi, g[0], 12), num(d->gsi_irq, g[1], 12),
	    num(d->gsi_pirq, g[2], 12),
	    d->gsi < 0 ? "" : d->gsi_trigger == 1 ? "edge" : "level");
	msi_state(r, msi, sizeof(msi));
	if (d->msix_ctrl >= 0)
		snprintf(ctrl, sizeof(ctrl), "%#06x", d->msix_ctrl);
	put(w, 3, 1, A_NORMAL,
	    "%s   MSI-X %s, function mask %s, control word %s   MSI %s",
	    msi, d->msix_enabled ? "enabled" : "disabled",
	    d->maskall < 0 ? "unknown" : d->maskall ? "ON" : "off", ctrl,
	    d->msi_enabled ? "enabled" : "disabled");
	if (d->nresets) {
		const struct pt_reset *rs = &d->resets[d->nresets - 1];

		put(w, 4, 1, A_NORMAL,
		    "resets %zu (last: %s, Xen told: %s)   events %lu   findings %u%s",
		    pt_device_resets(d), pt_kind_name(PT_EV_PCI_RESET, rs->method),
		    rs->xen_told ? "yes" : "no", d->nevents, d->nfindings,
		    d->incomplete ? "   LOST EVENTS touched this device" : "");
	} else {
		put(w, 4, 1, A_NORMAL, "resets 0   events %lu   findings %u%s",
		    d->nevents, d->nfindings,
		    d->incomplete ? "   LOST EVENTS touched this device" : "");
	}
}

static void draw_device_body(struct top *t, struct body *b,
			     const struct pt_device *d)
{
	size_t nrec = pt_device_recent_count(d);

	bline(b, A_BOLD, "Vectors (%zu)", d->nvectors);
	bline(b, at(t, C_HEAD) | A_REVERSE * !t->color,
	      " ENTRY    IRQ   PIRQ  EVTCHN  DOMAIN  DEVICE   DOM0     XEN      DM       STATE");
	for (size_t i = 0; i < d->nvectors; i++) {
		const struct pt_vector *v = &d->vectors[i];
		const struct pt_entry_mask *em = v->entry == PT_NONE ? NULL :
			pt_device_entry_mask(d, v->entry);
		char e[12], q[12], p[12], c[12], dom[16], mv[PT_MV_MAX][16];

		/* a column per mask view: masked now / transitions */
		for (int k = 0; k < PT_MV_MAX; k++)
			pt_mask_state_format(em ? &em->view[k] : NULL, mv[k],
					     sizeof(mv[k]));
		bline(b, v->masked == 1 ? at(t, C_WARN) : A_NORMAL,
		      " %5s  %5s  %5s  %6s  %-6s  %-7s  %-7s  %-7s  %-7s  %s",
		      num(v->entry, e, 12), num(v->irq, q, 12),
		      num(v->pirq, p, 12), num(v->evtchn, c, 12),
		      domain(v->domid, dom, sizeof(dom)),
		      mv[PT_MV_DEVICE], mv[PT_MV_DOM0], mv[PT_MV_XEN],
		      mv[PT_MV_DM], v->live ? "mapped" : "unmapped");
	}
	/* entries the sampler read that no interrupt was set up for */
	for (size_t i = 0; i < d->nentry_masks; i++) {
		const struct pt_entry_mask *em = &d->entry_masks[i];
		char e[12], mv[PT_MV_MAX][16];

		if (pt_device_entry_has_vector(d, em->entry))
			continue;
		for (int k = 0; k < PT_MV_MAX; k++)
			pt_mask_state_format(&em->view[k], mv[k], sizeof(mv[k]));
		bline(b, A_NORMAL,
		      " %5s  %5s  %5s  %6s  %-6s  %-7s  %-7s  %-7s  %-7s  %s",
		      num(em->entry, e, 12), "-", "-", "-", "-",
		      mv[PT_MV_DEVICE], mv[PT_MV_DOM0], mv[PT_MV_XEN],
		      mv[PT_MV_DM], "not set up");
	}
	if (!d->nvectors && !d->nentry_masks)
		bline(b, A_NORMAL, "  (no MSI/MSI-X vectors seen)");
	bline(b, A_NORMAL, "%s", "");
	bline(b, A_BOLD, "Recent events (%zu kept of %lu, newest last)", nrec,
	      d->nevents);
	bline(b, at(t, C_HEAD) | A_REVERSE * !t->color,
	      "   LINE  TIME            EVENT");
	for (size_t i = 0; i < nrec; i++) {
		const struct pt_evref *e = pt_device_recent(d, i);
		char line[512], ts[32];

		if (!e)
			break;
		pt_event_format(&e->ev, line, sizeof(line));
		bline(b, (e->ev.hdr.flags & PT_EVF_HAS_RET) && e->ev.hdr.ret < 0 ?
		      at(t, C_ERR) : A_NORMAL, " %6lu  %-14s  %s", e->line,
		      rel_ts(t, e->ev.hdr.ts_ns, ts, sizeof(ts)), line);
	}
}

static void draw_finding_body(struct top *t, struct body *b,
			      const struct pt_finding *f)
{
	char bdf[PT_SBDF_STRLEN], dom[16], ts[32];

	bline(b, sev_attr(t, f) | A_BOLD, "%s %s  %s  (%s)", f->rule->code,
	      f->rule->name, pt_severity_name(f->rule->severity),
	      pt_finding_status_name(f->status));
	bline(b, A_NORMAL, "%s", f->rule->title);
	bline(b, A_NORMAL, "device %s  domain %s  concluded at %s",
	      pt_sbdf_format(f->sbdf, bdf, sizeof(bdf)),
	      domain(f->domid, dom, sizeof(dom)),
	      rel_ts(t, f->ts, ts, sizeof(ts)));
	bline(b, A_NORMAL, "%s", f->msg);
	if (f->status == PT_FINDING_INCOMPLETE)
		bline(b, at(t, C_WARN),
		      "events were lost around this: it can be neither proven nor ruled out");
	bline(b, A_NORMAL, "%s", "");
	bline(b, A_BOLD, "Proving events (%d)", f->nproof);
	bline(b, at(t, C_HEAD) | A_REVERSE * !t->color,
	      "   LINE  TIME            EVENT");
	for (int i = 0; i < f->nproof; i++) {
		const struct pt_evref *e = &f->proof[i];
		char line[512];

		pt_event_format(&e->ev, line, sizeof(line));
		bline(b, A_NORMAL, " %6lu  %-14s  %s", e->line,
		      rel_ts(t, e->ev.hdr.ts_ns, ts, sizeof(ts)), line);
	}
}

static void draw_detail(struct top *t)
{
	struct top_ui *ui = t->ui;
	struct body b = { .w = ui->detail };
	int h = getmaxy(ui->detail);

	werase(ui->detail);
	if (ui->view == V_DEVICE) {
		const struct pt_device *d = pt_model_device(t->m, ui->sel_sbdf);
		struct row r;

		if (!d) {
			put(ui->detail, 0, 0, A_NORMAL, "device gone");
			return;
		}
		fill_row(t, &r, d);
		draw_device_head(t, d, &r);
		b.y0 = 6;
	} else {
		if (ui->finding >= pt_model_finding_count(t->m))
			return;
		bar(ui->detail, 0, at(t, C_HEAD));
		put(ui->detail, 0, 0, at(t, C_HEAD), " Finding %zu of %zu",
		    ui->finding + 1, pt_model_finding_count(t->m));
		b.y0 = 2;
	}
	b.h = h - b.y0;
	if (b.h < 1)
		b.h = 1;
	b.scroll = ui->scroll;
	if (ui->view == V_DEVICE)
		draw_device_body(t, &b, pt_model_device(t->m, ui->sel_sbdf));
	else
		draw_finding_body(t, &b, pt_model_finding(t->m, ui->finding));
	ui->body_lines = b.n;
	ui->body_height = b.h;
	if (b.n > (size_t)b.h)
		put(ui->detail, b.y0 - 1, getmaxx(ui->detail) - 24, A_BOLD,
		    "lines %zu-%zu of %zu", b.scroll + 1,
		    b.scroll + b.h < b.n ? b.scroll + b.h : b.n, b.n);
}

/* ------------------------------------------------------------ help */

static const char *const help_text[] = {
	"ptrace-top keys",
	"",
	"  q            quit",
	"  Up/Down j/k  move (PgUp/PgDn, Home/End g/G)",
	"  Enter        details of the device or finding",
	"  Esc          back (Esc in the list clears the filter)",
	"  Tab          switch between devices and findings",
	"  /            filter devices by BDF, owner or name",
	"  s / S        next / previous sort column",
	"  p            pause: the replay clock stops",
	"  ?            this help; any key closes it",
	"",
	"Columns: OWNER dom0 driver, pciback or dN;  IRQS/PIRQS/EVTCHNS",
	"mapped now;  MSI/MSI-X: X+/- enabled, F function mask,",
	"masked/total vectors;  RATE/s interrupts per second (live);",
	"RST resets;  FIND findings;  BDF* lost events touched it.",
	"Status line: lost events, events/s, BPF run time, probes.",
};

static void draw_help(struct top *t)
{
	WINDOW *w = t->ui->help;

	werase(w);
	box(w, 0, 0);
	for (size_t i = 0; i < sizeof(help_text) / sizeof(help_text[0]); i++)
		put(w, 1 + i, 2, i ? A_NORMAL : A_BOLD, "%s", help_text[i]);
}

/* ------------------------------------------------------------ frame */

static void draw_small(void)
{
	erase();
	mvaddnstr(0, 0, "terminal too small", COLS);
	mvprintw(1, 0, "%dx%d, need %dx%d", COLS, LINES, MIN_COLS, MIN_LINES);
	mvaddnstr(2, 0, "q quits", COLS);
	wnoutrefresh(stdscr);
	doupdate();
}

void top_ui_draw(struct top *t)
{
	struct top_ui *ui = t->ui;

	if (LINES != ui->lines || COLS != ui->cols)
		create_windows(ui);
	if (ui->small) {
		draw_small();
		return;
	}
	build_rows(t);
	draw_title(t);
	draw_msg(t);
	draw_status(t);
	if (ui->view == V_MAIN) {
		hide_panel(ui->p_detail);
		draw_devices(t);
		draw_findings(t);
	} else {
		show_panel(ui->p_detail);
		top_panel(ui->p_detail);
		draw_detail(t);
	}
	if (ui->help_on) {
		show_panel(ui->p_help);
		top_panel(ui->p_help);
		draw_help(t);
	} else {
		hide_panel(ui->p_help);
	}
	update_panels();
	doupdate();
}

/* ------------------------------------------------------------ keys */

static void move_sel(size_t *sel, size_t n, long delta)
{
	long v = (long)*sel + delta;

	if (v >= (long)n)
		v = (long)n - 1;
	if (v < 0)
		v = 0;
	*sel = v;
}

static long page(const struct top_ui *ui)
{
	WINDOW *w = ui->focus == F_DEV ? ui->dev : ui->find;

	return w ? getmaxy(w) - 2 : 10;
}

static void key_move(struct top *t, long delta)
{
	struct top_ui *ui = t->ui;

	if (ui->view != V_MAIN) {
		long max = (long)ui->body_lines - ui->body_height;
		long v = (long)ui->scroll + delta;

		if (v > max)
			v = max;
		if (v < 0)
			v = 0;
		ui->scroll = v;
		return;
	}
	if (ui->focus == F_DEV) {
		move_sel(&ui->dev_sel, ui->nrows, delta);
		if (ui->nrows)
			ui->sel_sbdf = ui->rows[ui->dev_sel].d->sbdf;
	} else {
		move_sel(&ui->find_sel, pt_model_finding_count(t->m), delta);
	}
}

static void key_filter(struct top_ui *ui, int ch)
{
	size_t n = strlen(ui->filter);

	switch (ch) {
	case 27:
		snprintf(ui->filter, sizeof(ui->filter), "%s", ui->old_filter);
		ui->editing = false;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		ui->editing = false;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (n)
			ui->filter[n - 1] = 0;
		break;
	default:
		if (ch >= 32 && ch < 127 && n + 1 < sizeof(ui->filter)) {
			ui->filter[n] = ch;
			ui->filter[n + 1] = 0;
		}
	}
	ui->dev_sel = 0;
	ui->dev_top = 0;
	ui->sel_sbdf = PT_SBDF_NONE;
}

static void key_enter(struct top *t)
{
	struct top_ui *ui = t->ui;

	if (ui->view != V_MAIN)
		return;
	if (ui->focus == F_DEV && ui->nrows) {
		ui->view = V_DEVICE;
	} else if (ui->focus == F_FIND && pt_model_finding_count(t->m)) {
		ui->view = V_FINDING;
		ui->finding = ui->find_sel;
	} else {
		return;
	}
	ui->scroll = 0;
}

static void key_back(struct top *t)
{
	struct top_ui *ui = t->ui;

	if (ui->view != V_MAIN)
		ui->view = V_MAIN;
	else if (ui->filter[0])
		ui->filter[0] = 0;
}

void top_ui_key(struct top *t, int ch)
{
	struct top_ui *ui = t->ui;

	if (ch == KEY_RESIZE) {
		create_windows(ui);
		return;
	}
	if (ui->small) {
		if (ch == 'q' || ch == 'Q')
			t->quit = true;
		return;
	}
	if (ui->editing) {
		key_filter(ui, ch);
		return;
	}
	if (ui->help_on) {
		ui->help_on = false;
		return;
	}
	switch (ch) {
	case 'q':
	case 'Q':
		t->quit = true;
		break;
	case '?':
	case 'h':
	case KEY_F(1):
		ui->help_on = true;
		break;
	case KEY_UP:
	case 'k':
		key_move(t, -1);
		break;
	case KEY_DOWN:
	case 'j':
		key_move(t, 1);
		break;
	case KEY_PPAGE:
		key_move(t, -page(ui));
		break;
	case KEY_NPAGE:
	case ' ':
		key_move(t, page(ui));
		break;
	case KEY_HOME:
	case 'g':
		key_move(t, -(1L << 30));
		break;
	case KEY_END:
	case 'G':
		key_move(t, 1L << 30);
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		key_enter(t);
		break;
	case 27:
	case KEY_BACKSPACE:
	case KEY_LEFT:
		key_back(t);
		break;
	case '\t':
		if (ui->view == V_MAIN)
			ui->focus = ui->focus == F_DEV ? F_FIND : F_DEV;
		break;
	case '/':
		if (ui->view != V_MAIN)
			ui->view = V_MAIN;
		ui->focus = F_DEV;
		snprintf(ui->old_filter, sizeof(ui->old_filter), "%s", ui->filter);
		ui->editing = true;
		break;
	case 's':
		ui->sort = (ui->sort + 1) % S_MAX;
		break;
	case 'S':
		ui->sort = (ui->sort + S_MAX - 1) % S_MAX;
		break;
	case 'p':
	case 'P':
		top_set_paused(t, !t->paused);
		break;
	}
}
