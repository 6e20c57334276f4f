// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace report LOG: per-device timeline and findings, human-readable or
 * --json.  perf's record/report split: report never needs root or BPF.
 */
#include <getopt.h>	/* optind */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "pt_cli.h"
#include "pt_log.h"
#include "pt_model.h"
#include "pt_names.h"

/* One line of a device's timeline. */
struct tl_entry {
	unsigned long line;
	__u64 ts;
	char text[160];
};

struct timeline {
	const struct pt_device *dev;
	struct tl_entry *v;
	size_t n, cap;
};

struct report {
	struct timeline *tl;
	size_t ntl, captl;
	struct timeline global;		/* events no device could be joined to */
	__u64 t0;
	bool have_t0;
	bool want_timeline;
};

static struct timeline *timeline_of(struct report *r, const struct pt_device *d)
{
	if (!d)
		return &r->global;
	for (size_t i = 0; i < r->ntl; i++)
		if (r->tl[i].dev == d)
			return &r->tl[i];
	if (r->ntl == r->captl) {
		r->captl = r->captl ? 2 * r->captl : 16;
		r->tl = realloc(r->tl, r->captl * sizeof(*r->tl));
		if (!r->tl)
			abort();
	}
	memset(&r->tl[r->ntl], 0, sizeof(r->tl[0]));
	r->tl[r->ntl].dev = d;
	return &r->tl[r->ntl++];
}

static int on_event(void *ctx, const struct pt_event *ev, unsigned long line,
		    const struct pt_device *d)
{
	struct report *r = ctx;
	struct timeline *t;
	struct tl_entry *e;

	if (!r->have_t0) {
		r->t0 = ev->hdr.ts_ns;
		r->have_t0 = true;
	}
	if (!r->want_timeline)
		return 0;
	t = timeline_of(r, d);
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 32;
		t->v = realloc(t->v, t->cap * sizeof(*t->v));
		if (!t->v)
			abort();
	}
	e = &t->v[t->n++];
	e->line = line;
	e->ts = ev->hdr.ts_ns;
	pt_event_format(ev, e->text, sizeof(e->text));
	return 0;
}

static double rel(const struct report *r, __u64 ts)
{
	return ts >= r->t0 ? (ts - r->t0) / 1e9 : -((r->t0 - ts) / 1e9);
}

static void print_vectors(const struct pt_device *d)
{
	char dom[16];

	if (!d->nvectors)
		return;
	printf("  %-6s %-6s %-6s %-7s %-7s %-7s %-11s %s\n", "ENTRY", "IRQ",
	       "PIRQ", "EVTCHN", "DOMAIN", "MASKED", "TRANSITIONS", "STATE");
	for (size_t i = 0; i < d->nvectors; i++) {
		const struct pt_vector *v = &d->vectors[i];

		char e[12], q[12], p[12], c[12];

		snprintf(e, sizeof(e), v->entry == PT_NONE ? "-" : "%d", v->entry);
		snprintf(q, sizeof(q), v->irq == PT_NONE ? "-" : "%d", v->irq);
		snprintf(p, sizeof(p), v->pirq == PT_NONE ? "-" : "%d", v->pirq);
		snprintf(c, sizeof(c), v->evtchn == PT_NONE ? "-" : "%d", v->evtchn);
		printf("  %-6s %-6s %-6s %-7s %-7s %-7s %-11u %s\n", e, q, p, c,
		       pt_domid_format(v->domid, dom, sizeof(dom)),
		       v->masked < 0 ? "?" : v->masked ? "yes" : "no",
		       v->mask_transitions, v->live ? "mapped" : "gone");
	}
}

static void print_device(const struct report *r, const struct pt_device *d,
			 const struct timeline *t)
{
	char b[PT_SBDF_STRLEN], dom[16];

	printf("\n%s\n", pt_sbdf_format(d->sbdf, b, sizeof(b)));
	printf("  owner:");
	if (!d->nhistory)
		printf(" unknown");
	for (size_t i = 0; i < d->nhistory; i++) {
		const struct pt_owner_change *c = &d->history[i];

		printf("%s %s (%+.6f)", i ? " ->" : "",
		       c->owner == PT_OWNER_DOMAIN ?
		       pt_domid_format(c->domid, dom, sizeof(dom)) :
		       pt_owner_name(c->owner), rel(r, c->ts));
	}
	printf("\n");
	if (d->gsi != PT_NONE)
		printf("  gsi %d (%s, active %s) irq %s pirq %s\n", d->gsi,
		       d->gsi_trigger == 1 ? "edge" : d->gsi_trigger == 0 ? "level" : "?",
		       d->gsi_polarity == 1 ? "low" : d->gsi_polarity == 0 ? "high" : "?",
		       d->gsi_irq == PT_NONE ? "-" : (snprintf(b, sizeof(b), "%d", d->gsi_irq), b),
		       d->gsi_pirq == PT_NONE ? "-" : (snprintf(dom, sizeof(dom), "%d", d->gsi_pirq), dom));
	printf("  msi %s, msi-x %s", d->msi_enabled ? "on" : "off",
	       d->msix_enabled ? "on" : "off");
	if (d->msix_ctrl >= 0)
		printf(" (control %#06x, maskall %s)", d->msix_ctrl,
		       d->maskall ? "set" : "clear");
	printf("%s\n", d->incomplete ? "  [events lost while active: incomplete]" : "");
	print_vectors(d);
	for (size_t i = 0; i < d->nresets; i++)
		printf("  reset %+.6f line %lu %s, Xen told: %s\n",
		       rel(r, d->resets[i].ts), d->resets[i].line,
		       pt_kind_name(PT_EV_PCI_RESET, d->resets[i].method),
		       d->resets[i].xen_told ? "yes" : "no");
	if (t && t->n) {
		printf("  timeline:\n");
		for (size_t i = 0; i < t->n; i++)
			printf("    %+12.6f  line %-6lu %s\n", rel(r, t->v[i].ts),
			       t->v[i].line, t->v[i].text);
	}
}

static void print_findings(const struct report *r, const struct pt_model *m)
{
	size_t n = pt_model_finding_count(m);
	char buf[512], ev[200];

	printf("\nFindings: %zu\n", n);
	for (size_t i = 0; i < n; i++) {
		const struct pt_finding *f = pt_model_finding(m, i);

		pt_finding_format(f, buf, sizeof(buf));
		printf("  %s\n", buf);
		for (int p = 0; p < f->nproof; p++) {
			pt_event_format(&f->proof[p].ev, ev, sizeof(ev));
			printf("      line %-6lu %+.6f  %s\n", f->proof[p].line,
			       rel(r, f->proof[p].ev.hdr.ts_ns), ev);
		}
	}
}

static void print_header(const char *path, const struct pt_log_header *h,
			 const struct pt_model_stats *s,
			 const struct pt_replay *res)
{
	size_t attached = 0, missing = 0;

	printf("ptrace report: %s\n", path);
	printf("  %s, kernel %s, host %s, started %s\n", h->tool,
	       h->kernel[0] ? h->kernel : "?", h->host[0] ? h->host : "?",
	       h->start_time[0] ? h->start_time : "?");
	printf("  xen %s, dom0 %s\n", h->xen_version[0] ? h->xen_version : "?",
	       h->dom0_mode[0] ? h->dom0_mode : "?");
	for (size_t i = 0; i < h->nprobes; i++)
		h->probes[i].state == PT_PROBE_ATTACHED ? attached++ : missing++;
	printf("  probes: %zu attached, %zu not attached\n", attached, missing);
	for (size_t i = 0; i < h->nprobes; i++)
		if (h->probes[i].state != PT_PROBE_ATTACHED)
			printf("    %s (%s): %s\n", h->probes[i].name,
			       h->probes[i].func, h->probes[i].reason);
	printf("  events: %llu over %.6f s, lost: %llu%s%s\n", s->events,
	       s->events ? (s->last_ts - s->first_ts) / 1e9 : 0.0, s->lost,
	       res->truncated ? ", last line truncated (recorder killed?)" : "",
	       res->complete ? "" : ", no end record");
}

static json_t *header_json(const struct pt_log_header *h)
{
	json_t *o = json_object();

	json_object_set_new(o, "tool", json_string(h->tool));
	json_object_set_new(o, "kernel", json_string(h->kernel));
	json_object_set_new(o, "host", json_string(h->host));
	json_object_set_new(o, "start_time", json_string(h->start_time));
	json_object_set_new(o, "xen_version", json_string(h->xen_version));
	json_object_set_new(o, "dom0", json_string(h->dom0_mode));
	return o;
}

enum { OPT_NO_TIMELINE = PT_OPT_LONG };

static const struct pt_opt report_opts[] = {
	{ "device", 'd', "BDF", PT_OPT_STRING,
	  "only this device (findings still all listed)" },
	{ "json", 'j', NULL, PT_OPT_FLAG,
	  "machine-readable output (docs/report-json.md)" },
	{ "no-timeline", OPT_NO_TIMELINE, NULL, PT_OPT_FLAG,
	  "devices and findings only" },
	{ "until", 'u', "NS", PT_OPT_UINT,
	  "the state as of event time NS (ns, the log's clock)",
	  .min = 1 },
	{ "window", 'w', "MS", PT_OPT_DURATION,
	  "how long a rule waits for a follow-up event (default 1s)",
	  .unit = 1000000, .min = 1e6, .max = 3600e9 },
	{ NULL },
};

const struct pt_cli report_cli = {
	.name = "report",
	.args = "[options] LOG",
	.summary = "per-device timeline and findings of a trace log",
	.doc = "Per-device owner history, GSI, vectors, resets, timeline and\n"
	       "findings of a trace log; needs neither root nor BPF.",
	.opts = report_opts,
	.examples =
		"ptrace report trace.jsonl              # devices, timelines, findings\n"
		"ptrace report --no-timeline trace.jsonl\n"
		"ptrace report -d 0000:03:00.0 trace.jsonl   # one device\n"
		"ptrace report -u 5000000000 trace.jsonl     # the state at that event time\n"
		"ptrace report --json trace.jsonl | jq .findings",
};

int cmd_report(int argc, char **argv)
{
	struct report r = { .want_timeline = true };
	struct pt_log_header hdr;
	struct pt_replay res;
	__u64 until_ns = 0;
	struct pt_model *m;
	__u32 only = PT_SBDF_NONE;
	__u64 window_ns = 0;
	bool json = false;
	struct pt_optval v;
	char err[600];
	int c, ret;

	while ((c = pt_cli_getopt(&report_cli, argc, argv, &v)) != PT_CLI_END) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case OPT_NO_TIMELINE:
			r.want_timeline = false;
			break;
		case 'd':
			if (pt_sbdf_parse(v.str, &only))
				return pt_cli_usage_error(&report_cli,
					"--device: bad device '%s' (want 0000:03:00.0)", v.str);
			break;
		case 'w':
			window_ns = v.u;
			break;
		case 'u':
			until_ns = v.u;
			break;
		default:
			return pt_cli_exit(c);
		}
	}
	if (optind != argc - 1)
		return pt_cli_usage_error(&report_cli, optind < argc ?
					  "one LOG at a time" : "no LOG given");
	m = pt_model_new();
	if (window_ns)
		pt_model_set_window(m, window_ns);

	/* the header is needed for printing: read it once more, cheaply */
	{
		struct pt_log_reader *lr = pt_log_open(argv[argc - 1], err, sizeof(err));

		if (!lr) {
			fprintf(stderr, "ptrace report: %s\n", err);
			pt_model_free(m);
			return PT_EXIT_USAGE;
		}
		hdr = *pt_log_header(lr);
		hdr.probes = NULL;
		if (hdr.nprobes) {
			hdr.probes = malloc(hdr.nprobes * sizeof(*hdr.probes));
			memcpy(hdr.probes, pt_log_header(lr)->probes,
			       hdr.nprobes * sizeof(*hdr.probes));
		}
		pt_log_close(lr);
	}
	ret = pt_replay_file_until(argv[argc - 1], m, until_ns, on_event, &r,
				   &res, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "ptrace report: %s\n", err);
		ret = PT_EXIT_USAGE;
		goto out;
	}
	if (res.truncated)
		fprintf(stderr, "ptrace report: warning: %s: last line is truncated; "
			"every whole event before it was used\n", argv[argc - 1]);
	if (json) {
		json_t *o = json_object(), *devs = json_array(), *st = json_object();
		const struct pt_model_stats *s = pt_model_stats(m);

		json_object_set_new(o, "log", json_string(argv[argc - 1]));
		json_object_set_new(o, "header", header_json(&hdr));
		json_object_set_new(st, "events", json_integer(s->events));
		json_object_set_new(st, "lost", json_integer(s->lost));
		json_object_set_new(st, "truncated", json_boolean(res.truncated));
		json_object_set_new(st, "complete", json_boolean(res.complete));
		json_object_set_new(st, "until", until_ns ? json_integer(until_ns) : json_null());
		json_object_set_new(o, "stats", st);
		for (size_t i = 0; i < pt_model_device_count(m); i++) {
			const struct pt_device *d = pt_model_device_at(m, i);

			if (only == PT_SBDF_NONE || d->sbdf == only)
				json_array_append_new(devs, pt_device_to_json(d));
		}
		json_object_set_new(o, "devices", devs);
		json_object_set_new(o, "findings", pt_model_findings_json(m));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		print_header(argv[argc - 1], &hdr, pt_model_stats(m), &res);
		printf("\nDevices: %zu\n", pt_model_device_count(m));
		for (size_t i = 0; i < pt_model_device_count(m); i++) {
			const struct pt_device *d = pt_model_device_at(m, i);

			if (only == PT_SBDF_NONE || d->sbdf == only)
				print_device(&r, d, r.want_timeline ? timeline_of(&r, d) : NULL);
		}
		if (r.global.n && only == PT_SBDF_NONE) {
			printf("\nnot joined to a device:\n");
			for (size_t i = 0; i < r.global.n; i++)
				printf("    %+12.6f  line %-6lu %s\n", rel(&r, r.global.v[i].ts),
				       r.global.v[i].line, r.global.v[i].text);
		}
		print_findings(&r, m);
	}
	ret = PT_EXIT_OK;
out:
	for (size_t i = 0; i < r.ntl; i++)
		free(r.tl[i].v);
	free(r.tl);
	free(r.global.v);
	free(hdr.probes);
	pt_model_free(m);
	return ret;
}
