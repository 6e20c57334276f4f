// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace dump: print everything about passthrough interrupts on this
 * host right now, joined across layers (docs/dump.md).
 *
 * Read-only by design: nothing here writes config space, BARs, sysfs or
 * Xen state.  The one exception is --xen, which sends the debug keys
 * i, M and Q (they only print).
 */
#define _GNU_SOURCE	/* vasprintf */
#include <errno.h>
#include <getopt.h>	/* optind */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "commands.h"
#include "pt_cli.h"
#include "dump.h"
#include "lib/host.h"
#include "dump_xenparse.h"
#include "pt_outfile.h"

struct dump_opts {
	bool json;
	bool xen;
	bool fail_on_findings;
	const char *out;
	const char *xen_text;
	double trace_s;
	const char *trace_log;
	long sample_msix_ms;		/* --trace's sampler: 0 default, < 0 off */
	long sample_xen_ms;		/* --trace's Xen mask view: 0 off */
	bool verify_walker;
	const char *btf;
	__u32 *only;			/* -d filters */
	size_t nonly, caponly;
};


enum {
	OPT_XEN = PT_OPT_LONG, OPT_XEN_TEXT, OPT_FAIL, OPT_TRACE, OPT_VERIFY,
	OPT_BTF, OPT_TRACE_LOG, OPT_SAMPLE_MSIX, OPT_NO_SAMPLE_MSIX,
	OPT_SAMPLE_XEN,
};

static const struct pt_opt dump_cli_opts[] = {
	{ "all", 'a', NULL, PT_OPT_FLAG,
	  "every PCI device, not only those with\n"
	  "MSI/MSI-X in use or held by pciback" },
	{ "device", 'd', "BDF", PT_OPT_STRING, "only this device (repeatable)" },
	{ "json", 'j', NULL, PT_OPT_FLAG, "JSON (schema in docs/dump.md)" },
	{ "output", 'o', "FILE", PT_OPT_STRING, "write to FILE instead of stdout" },
	{ "xen", OPT_XEN, NULL, PT_OPT_FLAG,
	  "add Xen's view (debug keys i, M, Q) and\n"
	  "list where Linux and Xen disagree" },
	{ "xen-text", OPT_XEN_TEXT, "FILE", PT_OPT_STRING,
	  "Xen's view from saved `xl dmesg` text" },
	{ "fail-on-findings", OPT_FAIL, NULL, PT_OPT_FLAG,
	  "exit 1 if a finding is reported" },
	{ "trace", OPT_TRACE, "S", PT_OPT_DURATION,
	  "first record S seconds (at most 60) with the\n"
	  "collectors, then add the events, losses\n"
	  "and findings to the dump (Xen dom0, root)",
	  .unit = 1000000000, .min = 1e6, .max = 60e9 },
	{ "trace-log", OPT_TRACE_LOG, "FILE", PT_OPT_STRING,
	  "keep that recording in FILE" },
	{ "sample-msix", OPT_SAMPLE_MSIX, "MS", PT_OPT_DURATION,
	  "with --trace: read the MSI-X tables of the\n"
	  "devices bound to pciback every MS, read-only\n"
	  "(default 100ms)",
	  .unit = 1000000, .min = 1e6, .max = 3600e9 },
	{ "no-sample-msix", OPT_NO_SAMPLE_MSIX, NULL, PT_OPT_FLAG,
	  "with --trace: do not read the MSI-X tables" },
	{ "sample-xen", OPT_SAMPLE_XEN, "MS", PT_OPT_DURATION,
	  "with --trace: Xen's own mask of every vector\n"
	  "(view xen), debug keys i, M, Q every MS (off\n"
	  "by default: each pass prints into Xen's console)",
	  .unit = 1000000, .min = 100e6, .max = 3600e9 },
	{ "verify-walker", OPT_VERIFY, NULL, PT_OPT_FLAG,
	  "only load the irq-record walker (BPF\n"
	  "verifier), attach nothing, print its\n"
	  "unresolved CO-RE relocations" },
	{ "btf", OPT_BTF, "FILE", PT_OPT_STRING,
	  "with --verify-walker: relocate for the\n"
	  "kernel whose BTF this is" },
	{ NULL },
};

const struct pt_cli dump_cli = {
	.name = "dump",
	.args = "[options]",
	.summary = "one-shot snapshot of passthrough interrupt state",
	.doc = "One-shot snapshot of PCI passthrough interrupt state on this host\n"
	       "(docs/dump.md). Read-only; --xen only makes Xen print its tables.",
	.opts = dump_cli_opts,
	.examples =
		"ptrace dump                          # devices that matter, as text\n"
		"ptrace dump -a -d 0000:03:00.0       # that device, even if idle\n"
		"ptrace dump --json -o dump.json --xen   # for a bug report\n"
		"ptrace dump --trace 10 --trace-log t.jsonl\n"
		"ptrace dump --trace 5 --no-sample-msix   # no MSI-X table reads",
	.more = "exit: 0 ok, 1 findings (with --fail-on-findings), 2 usage,\n"
		"3 --xen/--trace without root, 4 --xen/--trace asked but no Xen\n"
		"dom0, 5/6 the --trace recording's own exit (dump still printed),\n"
		"6 failure.",
};

static int parse_args(int argc, char **argv, struct dump *d,
		      struct dump_opts *o)
{
	struct pt_optval v;
	__u32 sbdf, *p;
	int c;

	while ((c = pt_cli_getopt(&dump_cli, argc, argv, &v)) != PT_CLI_END) {
		switch (c) {
		case 'a':
			d->all = true;
			break;
		case 'd':
			if (pt_sbdf_parse(v.str, &sbdf))
				return pt_cli_usage_error(&dump_cli,
					"--device: bad device '%s' (want SSSS:BB:DD.F)", v.str);
			p = PT_PUSH(o->only, o->nonly, o->caponly);
			*p = sbdf;
			break;
		case 'j':
			o->json = true;
			break;
		case 'o':
			o->out = v.str;
			break;
		case OPT_XEN:
			o->xen = true;
			break;
		case OPT_XEN_TEXT:
			o->xen_text = v.str;
			break;
		case OPT_FAIL:
			o->fail_on_findings = true;
			break;
		case OPT_TRACE:
			o->trace_s = v.num;
			break;
		case OPT_TRACE_LOG:
			o->trace_log = v.str;
			break;
		case OPT_SAMPLE_MSIX:
			o->sample_msix_ms = v.u / 1000000;
			break;
		case OPT_NO_SAMPLE_MSIX:
			o->sample_msix_ms = -1;
			break;
		case OPT_SAMPLE_XEN:
			o->sample_xen_ms = v.u / 1000000;
			break;
		case OPT_VERIFY:
			o->verify_walker = true;
			break;
		case OPT_BTF:
			o->btf = v.str;
			break;
		default:
			/* --help and --version end here too, with exit 0 */
			return c == PT_CLI_DONE ? -1 : pt_cli_exit(c);
		}
	}
	if (optind < argc)
		return pt_cli_usage_error(&dump_cli, "unexpected argument '%s'",
					  argv[optind]);
	if (o->trace_log && o->trace_s <= 0) {
		return pt_cli_usage_error(&dump_cli, "--trace-log goes with --trace");
	}
	if (o->sample_msix_ms && o->trace_s <= 0) {
		return pt_cli_usage_error(&dump_cli, "--sample-msix and --no-sample-msix go with --trace");
	}
	if (o->sample_xen_ms && o->trace_s <= 0)
		return pt_cli_usage_error(&dump_cli, "--sample-xen goes with --trace");
	if (o->btf && !o->verify_walker) {
		return pt_cli_usage_error(&dump_cli, "--btf goes with --verify-walker");
	}
	if (o->xen && o->xen_text) {
		return pt_cli_usage_error(&dump_cli, "--xen and --xen-text exclude each other");
	}
	return 0;
}

static void identify(struct dump *d)
{
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	if (!uname(&u)) {
		snprintf(d->host, sizeof(d->host), "%s", u.nodename);
		snprintf(d->kernel, sizeof(d->kernel), "%s", u.release);
	}
	gmtime_r(&now, &tm);
	strftime(d->when, sizeof(d->when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	d->root = geteuid() == 0;
}

/* -d: a device outside the filter is neither shown nor judged. */
static void apply_filter(struct dump *d, const struct dump_opts *o)
{
	size_t i, k, out = 0;

	if (!o->nonly)
		return;
	for (k = 0; k < o->nonly; k++) {
		bool found = false;
		char b[PT_SBDF_STRLEN];

		for (i = 0; i < d->ndevs; i++)
			found |= d->devs[i].sbdf == o->only[k];
		if (!found)
			dump_note(d, "%s: no such PCI device",
				  pt_sbdf_format(o->only[k], b, sizeof(b)));
	}
	for (i = 0; i < d->ndevs; i++) {
		bool keep = false;

		for (k = 0; k < o->nonly; k++)
			keep |= d->devs[i].sbdf == o->only[k];
		if (keep) {
			d->devs[i].matters = true;
			d->devs[out++] = d->devs[i];
		} else {
			free(d->devs[i].vec);
			free(d->devs[i].irqs);
		}
	}
	d->ndevs = out;
	d->all = false;
	d->filtered = true;
}

static int xen_from_file(struct dump *d, const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0, len = 0, n;
	int err;

	if (!f) {
		fprintf(stderr, "ptrace dump: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	do {
		char *p = realloc(text, cap + 65536 + 1);

		if (!p) {
			fclose(f);
			free(text);
			return -ENOMEM;
		}
		text = p;
		cap += 65536;
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	text[len] = '\0';

	d->xen.asked = true;
	d->xen.raw = text;
	err = dump_xenparse(text, &d->xen);
	d->xen.view_ok = err == 0;
	return err;
}

static int note_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 +
	       (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int gather(struct dump *d, const struct dump_opts *o)
{
	struct timespec t0;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	identify(d);
	dump_xen_detect(d);

	err = dump_gather_pci(d);
	if (err)
		return err;
	apply_filter(d, o);
	if (d->xen.dom0) {
		dump_gather_pirq_irqs(d);
		dump_xen_owners(d);
		dump_xen_gsi(d);
	}
	dump_read_msix_tables(d);
	dump_xen_irq_records(d);

	if (o->xen)
		dump_xen_view(d);
	else if (o->xen_text && xen_from_file(d, o->xen_text) == -ENOMEM)
		return -ENOMEM;
	dump_xen_join(d);
	dump_xen_diff(d);
	dump_findings(d);
	if (!d->root)
		dump_note(d, "not root: MSI-X tables (resource files), xenstore and privcmd were not read");
	if (d->nnotes)
		qsort(d->notes, d->nnotes, sizeof(*d->notes), note_cmp);
	d->elapsed_ms = ms_since(&t0);
	return 0;
}

static int emit(const struct dump *d, const struct dump_opts *o)
{
	FILE *f = stdout;
	int err = 0;

	if (o->out) {
		char msg[300];
		bool created;
		int fd = pt_outfile_open(o->out, PT_OUTFILE_REPLACE | PT_OUTFILE_TRUNC,
					 &created, msg, sizeof(msg));

		f = fd < 0 ? NULL : fdopen(fd, "w");
		if (!f) {
			fprintf(stderr, "ptrace dump: %s\n",
				fd < 0 ? msg : strerror(errno));
			if (fd >= 0)
				close(fd);
			return PT_EXIT_FAIL;
		}
	}
	if (o->json) {
		json_t *j = dump_to_json(d);

		if (!j || json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
			err = -EIO;
		else
			fputc('\n', f);
		json_decref(j);
	} else {
		dump_print_text(d, f);
	}
	if (fflush(f) || ferror(f))
		err = -EIO;
	if (o->out && fclose(f))
		err = -EIO;
	if (err) {
		fprintf(stderr, "ptrace dump: writing output failed\n");
		return PT_EXIT_FAIL;
	}
	return PT_EXIT_OK;
}

static void dump_free(struct dump *d)
{
	size_t i;

	dump_free_devs(d);
	for (i = 0; i < d->nnotes; i++)
		free(d->notes[i]);
	free(d->notes);
	free(d->findings);
	free(d->diffs);
	dump_xen_free(&d->xen);
	dump_trace_free(&d->trace);
}

/* --trace records with the collectors: a Xen dom0 and root first. */
static int trace_refused(void)
{
	struct dump probe = { 0 };
	int rc = 0;

	dump_xen_detect(&probe);
	if (!probe.xen.dom0) {
		fprintf(stderr, "ptrace dump: --trace needs a Xen dom0 (%s)\n",
			probe.xen.why);
		rc = PT_EXIT_NOXEN;
	} else if (geteuid() != 0) {
		fprintf(stderr, "ptrace dump: --trace needs root (it loads BPF programs)\n");
		rc = PT_EXIT_NOPERM;
	}
	dump_xen_free(&probe.xen);
	return rc;
}

int cmd_dump(int argc, char **argv)
{
	struct dump_opts o = { 0 };
	struct dump d = { 0 };
	int rc;

	/* tests point the dump at a fake host tree */
	pt_host_set_root(getenv("PTRACE_DUMP_SYSROOT"));
	rc = parse_args(argc, argv, &d, &o);
	if (rc) {
		free(o.only);
		return rc < 0 ? PT_EXIT_OK : rc;
	}
	if (o.verify_walker) {
		free(o.only);
		return dump_irqwalk_verify(o.btf);
	}
	if (o.trace_s > 0) {
		rc = trace_refused();
		if (rc) {
			free(o.only);
			return rc;
		}
		d.trace.sample_msix_ms = o.sample_msix_ms;
		d.trace.sample_xen_ms = o.sample_xen_ms;
		dump_trace(&d, o.trace_s, o.trace_log);
	}

	rc = gather(&d, &o);
	if (rc) {
		fprintf(stderr, "ptrace dump: %s\n", strerror(-rc));
		rc = PT_EXIT_FAIL;
	} else {
		rc = emit(&d, &o);
	}
	if (rc == PT_EXIT_OK && o.xen && !d.xen.view_ok) {
		fprintf(stderr, "ptrace dump: no Xen view: %s\n", d.xen.view_note);
		rc = !d.xen.dom0 ? PT_EXIT_NOXEN :
		     !d.root ? PT_EXIT_NOPERM : PT_EXIT_FAIL;
	}
	if (rc == PT_EXIT_OK && o.xen_text && !d.xen.view_ok) {
		fprintf(stderr, "ptrace dump: %s: %s\n", o.xen_text,
			d.xen.view_note[0] ? d.xen.view_note : "unreadable");
		rc = PT_EXIT_USAGE;
	}
	if (rc == PT_EXIT_OK && d.trace.asked && d.trace.exit != PT_EXIT_OK)
		rc = d.trace.exit;
	if (rc == PT_EXIT_OK && o.fail_on_findings &&
	    (d.nfindings || (d.trace.model && pt_model_finding_count(d.trace.model))))
		rc = PT_EXIT_FINDINGS;
	dump_free(&d);
	free(o.only);
	return rc;
}
