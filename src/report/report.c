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
#include "report.h"
#include "lib/pciname.h"

/* Events come in time order; one older than the newest came out late. */
static void note_late(struct report *r, const struct pt_event *ev,
		      unsigned long line)
{
	if (ev->hdr.ts_ns >= r->newest) {
		r->newest = ev->hdr.ts_ns;
		return;
	}
	if (r->nlate < REPORT_LATE_MAX)
		r->late[r->nlate++] = (struct late_span){ line, ev->hdr.ts_ns, r->newest };
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
	note_late(r, ev, line);
	if (!r->want_timeline)
		return 0;
	t = report_timeline_of(r, d);
	e = timeline_push(t, r->full);
	e->line = line;
	e->ts = ev->hdr.ts_ns;
	e->sbdf = ev->hdr.sbdf;
	e->pid = ev->hdr.pid;
	e->type = ev->hdr.type;
	e->kind = ev->hdr.kind;
	e->domid = ev->hdr.type == PT_EV_PCIBACK ? ev->pciback.domid : PT_NONE;
	/*
	 * A frontend op names the guest's view of a slot: when that is not a
	 * device the guest owns, the guest is scanning its bus.
	 */
	e->unowned = ev->hdr.type == PT_EV_PCIBACK &&
		     ev->hdr.kind == PT_PCIBACK_OP && e->domid != PT_NONE &&
		     !(d && d->owner == PT_OWNER_DOMAIN && d->domid == e->domid);
	e->op_decoded = ev->hdr.type == PT_EV_PCIBACK &&
			ev->hdr.kind == PT_PCIBACK_OP && ev->pciback.op != PT_NONE;
	pt_event_format(ev, e->text, sizeof(e->text));
	return 0;
}

/*
 * A device and what the log's header says it is: the ids as the header
 * has them and their name, null when the log records none for it.
 */
static json_t *device_json(const struct pt_log_header *h,
			   const struct pt_device *d)
{
	const struct pt_pci_ident *id = pt_log_device(h, d->sbdf);
	json_t *o = pt_device_to_json(d);
	char name[256], x[8];

	if (!id) {
		json_object_set_new(o, "vendor", json_null());
		json_object_set_new(o, "device", json_null());
		json_object_set_new(o, "name", json_null());
		return o;
	}
	snprintf(x, sizeof(x), "0x%04x", id->vendor);
	json_object_set_new(o, "vendor", json_string(x));
	snprintf(x, sizeof(x), "0x%04x", id->device);
	json_object_set_new(o, "device", json_string(x));
	json_object_set_new(o, "name",
			    json_string(pt_pci_log_name(h, d->sbdf, name, sizeof(name))));
	return o;
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

/* report --json's own schema (docs/report-json.md): bumped on a change */
#define REPORT_JSON_SCHEMA	1

static json_t *order_json(const struct pt_replay *res)
{
	json_t *o = json_object();

	json_object_set_new(o, "window_ns", json_integer(res->order_window_ns));
	json_object_set_new(o, "reordered", json_integer(res->reordered));
	json_object_set_new(o, "late", json_integer(res->late));
	json_object_set_new(o, "max_late_ns", json_integer(res->max_late_ns));
	json_object_set_new(o, "first_late_line", res->first_late_line ?
			    json_integer(res->first_late_line) : json_null());
	return o;
}

#define JSON_FLAGS	(JSON_INDENT(2) | JSON_PRESERVE_ORDER)

/* One device, as an element of the top object's "devices" array. */
static int print_device_json(FILE *out, const struct pt_log_header *h,
			     const struct pt_device *d)
{
	json_t *o = device_json(h, d);
	char *s = json_dumps(o, JSON_FLAGS);

	json_decref(o);
	if (!s)
		return -1;
	fputs("\n    ", out);
	for (const char *p = s; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fputs("    ", out);
	}
	free(s);
	return 0;
}

/*
 * The report as one JSON object, o with an empty "devices" array, which
 * is filled as it is printed: one device's tree at a time is in memory,
 * not every device's owner history and resets at once.  The bytes are
 * those of json_dumpf() on the whole tree.
 */
static int print_json(FILE *out, json_t *o, const struct pt_log_header *h,
		      const struct pt_model *m, __u32 only)
{
	static const char mark[] = "\n  \"devices\": []";
	char *s = json_dumps(o, JSON_FLAGS), *at;
	size_t n = 0;

	if (!s)
		return -1;
	at = strstr(s, mark);
	if (!at) {
		free(s);
		return -1;
	}
	at += sizeof(mark) - 2;		/* at the ']' */
	fwrite(s, 1, at - s, out);
	for (size_t i = 0; i < pt_model_device_count(m); i++) {
		const struct pt_device *d = pt_model_device_at(m, i);

		if (only != PT_SBDF_NONE && d->sbdf != only)
			continue;
		if (n++)
			fputc(',', out);
		if (print_device_json(out, h, d)) {
			free(s);
			return -1;
		}
	}
	if (n)
		fputs("\n  ", out);
	fputs(at, out);
	fputc('\n', out);
	free(s);
	return 0;
}

enum {
	OPT_NO_TIMELINE = PT_OPT_LONG,
	OPT_FULL,
	OPT_COLOR,
	OPT_NO_PAGER,
};

static const struct pt_opt report_opts[] = {
	{ "device", 'd', "BDF", PT_OPT_STRING,
	  "only this device (findings still all listed)" },
	{ "json", 'j', NULL, PT_OPT_FLAG,
	  "machine-readable output (docs/report-json.md)" },
	{ "full", OPT_FULL, NULL, PT_OPT_FLAG,
	  "every event and probe: nothing folded or left out (memory grows with the log)" },
	{ "no-timeline", OPT_NO_TIMELINE, NULL, PT_OPT_FLAG,
	  "devices and findings only" },
	{ "color", OPT_COLOR, "WHEN", PT_OPT_STRING,
	  "colour severities: auto (a terminal, no NO_COLOR), always, never" },
	{ "no-pager", OPT_NO_PAGER, NULL, PT_OPT_FLAG,
	  "do not page through $PAGER (less -FRX) on a terminal" },
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
	       "findings of a trace log; needs neither root nor BPF.  A device's\n"
	       "timeline shows its first 512 and last 512 events and counts the\n"
	       "rest, so memory does not grow with the log; --full keeps and\n"
	       "shows every event.",
	.opts = report_opts,
	.examples =
		"ptrace report trace.jsonl              # summary, findings, folded timelines\n"
		"ptrace report --full trace.jsonl       # every event, nothing folded\n"
		"ptrace report --no-timeline trace.jsonl\n"
		"ptrace report -d 0000:03:00.0 trace.jsonl   # one device\n"
		"ptrace report -u 5000000000 trace.jsonl     # the state at that event time\n"
		"ptrace report --json trace.jsonl | jq .findings",
};

int cmd_report(int argc, char **argv)
{
	struct report r = { .want_timeline = true };
	bool pager = true;
	int color = 2;
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
		case OPT_FULL:
			r.full = true;
			break;
		case OPT_COLOR:
			color = report_color_parse(v.str);
			if (color < 0)
				return pt_cli_usage_error(&report_cli,
					"--color: bad value '%s' (auto, always, never)", v.str);
			break;
		case OPT_NO_PAGER:
			pager = false;
			break;
		default:
			return pt_cli_exit(c);
		}
	}
	if (optind != argc - 1)
		return pt_cli_usage_error(&report_cli, optind < argc ?
					  "one LOG at a time" : "no LOG given");
	/* --json has no timelines: keep none */
	if (json)
		r.want_timeline = false;
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
		if (pt_log_header_copy(&hdr, pt_log_header(lr))) {
			fprintf(stderr, "ptrace report: out of memory\n");
			pt_log_close(lr);
			pt_model_free(m);
			return PT_EXIT_FAIL;
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

		json_object_set_new(o, "schema", json_integer(REPORT_JSON_SCHEMA));
		json_object_set_new(o, "tool", json_string("ptrace report"));
		json_object_set_new(o, "version", json_string(PT_VERSION));
		json_object_set_new(o, "log", json_string(argv[argc - 1]));
		json_object_set_new(o, "header", header_json(&hdr));
		json_object_set_new(st, "events", json_integer(s->events));
		json_object_set_new(st, "lost", json_integer(s->lost));
		json_object_set_new(st, "blind", json_integer(s->blind_records));
		json_object_set_new(st, "xen_view_blind", json_integer(s->xen_view_blind));
		json_object_set_new(st, "truncated", json_boolean(res.truncated));
		json_object_set_new(st, "complete", json_boolean(res.complete));
		json_object_set_new(st, "until", until_ns ? json_integer(until_ns) : json_null());
		json_object_set_new(st, "order", order_json(&res));
		json_object_set_new(o, "stats", st);
		json_object_set_new(o, "devices", devs);
		json_object_set_new(o, "findings", pt_model_findings_json(m));
		if (print_json(stdout, o, &hdr, m, only)) {
			fprintf(stderr, "ptrace report: out of memory\n");
			ret = PT_EXIT_FAIL;
			json_decref(o);
			goto out;
		}
		json_decref(o);
	} else {
		r.color = report_color_wanted(color);
		if (pager)
			report_pager_start();
		report_text(stdout, &r, argv[argc - 1], &hdr, m, &res, only);
		report_pager_end();
	}
	ret = PT_EXIT_OK;
out:
	for (size_t i = 0; i < r.ntl; i++)
		timeline_free(&r.tl[i]);
	free(r.tl);
	timeline_free(&r.global);
	pt_log_header_free(&hdr);
	pt_model_free(m);
	return ret;
}
