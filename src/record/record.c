// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace record: the collector session (collect/session.h) into a trace
 * log until the duration ends or SIGINT/SIGTERM.
 */
#include <errno.h>
#include <getopt.h>	/* optind */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "pt_cli.h"
#include "pt_grow.h"
#include "pt_names.h"
#include "pt_outfile.h"
#include "collect/probes.h"
#include "collect/session.h"
#include "bpf/collect.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

/* --device, repeated or a comma list, appended to *out. */
static int parse_devices(const char *arg, __u32 **out, size_t *n, size_t *cap)
{
	char *copy = pt_xstrdup(arg), *tok, *save = NULL;
	int err = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		__u32 sbdf;

		if (pt_sbdf_parse(tok, &sbdf)) {
			err = -EINVAL;
			break;
		}
		*PT_PUSH(*out, *n, *cap) = sbdf;
	}
	free(copy);
	return err;
}

enum {
	OPT_STRICT = PT_OPT_LONG, OPT_SAMPLE_MSIX, OPT_RINGBUF, OPT_ALLOW_NO_XEN,
	OPT_NO_FENTRY, OPT_BPF_STATS, OPT_PIN_MODULES, OPT_NO_SAMPLE_MSIX,
	OPT_SAMPLE_XEN,
};

/* the help below names both */
_Static_assert(PT_RINGBUF_BYTES == 8u << 20, "--ringbuf help says default 8M");
_Static_assert(PT_EXIT_PROBES == 5, "--strict help says exit 5");
_Static_assert(PT_SAMPLE_MSIX_MS == 100, "--sample-msix help says default 100ms");

static const struct pt_opt record_opts[] = {
	{ "output", 'o', "LOG", PT_OPT_STRING,
	  "trace log to write (created 0600; symlinks, FIFOs and\n"
	  "devices refused; checked before anything is loaded)" },
	{ "force", 'f', NULL, PT_OPT_FLAG, "overwrite LOG if it exists" },
	{ "duration", 't', "S", PT_OPT_DURATION,
	  "stop after S seconds (default: until SIGINT/SIGTERM)",
	  .unit = 1000000000, .min = 1e6, .max = 30 * 86400e9 },
	{ "device", 'd', "BDF", PT_OPT_STRING,
	  "only events of these devices (repeat or comma list);\n"
	  "events without a device (irq-only) are kept" },
	{ "strict", OPT_STRICT, NULL, PT_OPT_FLAG,
	  "fail (exit 5) if a required probe is missing" },
	{ "sample-msix", OPT_SAMPLE_MSIX, "MS", PT_OPT_DURATION,
	  "read the MSI-X tables of the devices bound to\n"
	  "pciback (of --device's only) every MS, read-only\n"
	  "(default 100ms)",
	  .unit = 1000000, .min = 1e6, .max = 3600e9 },
	{ "no-sample-msix", OPT_NO_SAMPLE_MSIX, NULL, PT_OPT_FLAG,
	  "do not read the MSI-X tables (no device view)" },
	{ "sample-xen", OPT_SAMPLE_XEN, "MS", PT_OPT_DURATION,
	  "Xen's own mask of every vector (view xen): send\n"
	  "debug keys i, M, Q every MS and read them back\n"
	  "(off by default: each pass prints into Xen's\n"
	  "console ring, pushing older messages out)",
	  .unit = 1000000, .min = 100e6, .max = 3600e9 },
	{ "ringbuf", OPT_RINGBUF, "MB", PT_OPT_SIZE,
	  "ring buffer size (a power of two, default 8M)",
	  .unit = 1 << 20, .min = 1 << 20, .max = 1 << 30 },
	{ "allow-no-xen", OPT_ALLOW_NO_XEN, NULL, PT_OPT_FLAG,
	  "record even when this is not a Xen dom0" },
	{ "no-fentry", OPT_NO_FENTRY, NULL, PT_OPT_FLAG, "attach with kprobes only" },
	{ "pin-modules", OPT_PIN_MODULES, NULL, PT_OPT_FLAG,
	  "fentry on module functions too (xen_pciback,\n"
	  "xen_privcmd): cheaper, but each program holds its\n"
	  "module, so rmmod fails while recording" },
	{ "bpf-stats", OPT_BPF_STATS, NULL, PT_OPT_FLAG,
	  "at exit, print each program's run count and run time\n"
	  "(BPF_STATS_RUN_TIME: counted only while sysctl\n"
	  "kernel.bpf_stats_enabled is 1) with its program id" },
	{ "verbose", 'v', NULL, PT_OPT_FLAG, "libbpf messages and the start-up's steps, stamped with the seconds since exec" },
	{ NULL },
};

const struct pt_cli record_cli = {
	.name = "record",
	.args = "-o LOG [options]",
	.summary = "trace a Xen dom0 into a trace log (BPF)",
	.doc = "Attach the BPF probes and write every event into a trace log until\n"
	       "the duration ends or SIGINT/SIGTERM. Needs root on a Xen dom0.",
	.opts = record_opts,
	.examples =
		"ptrace record -o trace.jsonl              # until Ctrl-C\n"
		"ptrace record -f -o trace.jsonl           # overwrite an earlier log\n"
		"ptrace record -o trace.jsonl -t 30s       # thirty seconds\n"
		"ptrace record -o trace.jsonl -d 0000:03:00.0 --sample-msix 500\n"
		"ptrace record -o trace.jsonl --no-sample-msix  # no MSI-X table reads\n"
		"ptrace record -o trace.jsonl --sample-xen 1s   # Xen's mask of each vector too\n"
		"ptrace record -o trace.jsonl --strict --bpf-stats",
};

int cmd_record(int argc, char **argv)
{
	struct pt_session_opts so = { .report = stderr, .sampler_row = true };
	struct pt_session_log log = { .who = "ptrace record", .stop = &stop_requested };
	struct pt_session *s = NULL;
	__u32 *devices = NULL;
	size_t ndevices = 0, capdevices = 0;
	struct sigaction sa;
	const char *out = NULL;
	bool force = false, out_created = false;
	long ringbuf_mb;
	struct pt_optval v;
	char msg[256];
	int c, ret;

	while ((c = pt_cli_getopt(&record_cli, argc, argv, &v)) != PT_CLI_END) {
		switch (c) {
		case 'o':
			out = v.str;
			break;
		case 't':
			log.duration = v.num;
			break;
		case 'f':
			force = true;
			break;
		case 'd':
			if (parse_devices(v.str, &devices, &ndevices, &capdevices)) {
				free(devices);
				return pt_cli_usage_error(&record_cli,
					"--device: bad device '%s' (want SSSS:BB:DD.F)", v.str);
			}
			break;
		case OPT_STRICT:
			so.strict = true;
			break;
		case OPT_SAMPLE_MSIX:
			so.sample_msix_ms = v.u / 1000000;
			break;
		case OPT_NO_SAMPLE_MSIX:
			so.sample_msix_ms = -1;
			break;
		case OPT_SAMPLE_XEN:
			so.sample_xen_ms = v.u / 1000000;
			break;
		case OPT_RINGBUF:
			ringbuf_mb = v.u >> 20;
			if (v.u & ((1 << 20) - 1) || (ringbuf_mb & (ringbuf_mb - 1))) {
				free(devices);
				return pt_cli_usage_error(&record_cli,
					"--ringbuf: '%s' is not a power of two MB", v.str);
			}
			so.ringbuf = (size_t)ringbuf_mb << 20;
			break;
		case OPT_ALLOW_NO_XEN:
			so.allow_no_xen = true;
			break;
		case OPT_NO_FENTRY:
			so.no_fentry = true;
			break;
		case OPT_BPF_STATS:
			log.bpf_stats = true;
			break;
		case OPT_PIN_MODULES:
			so.pin_modules = true;
			break;
		case 'v':
			pt_libbpf_verbose(true);
			break;
		default:
			free(devices);
			return pt_cli_exit(c);
		}
	}
	ret = PT_EXIT_USAGE;
	if (!out) {
		ret = pt_cli_usage_error(&record_cli, "no -o LOG given");
		goto out;
	}
	if (optind != argc) {
		ret = pt_cli_usage_error(&record_cli, "unexpected argument '%s'",
					 argv[optind]);
		goto out;
	}
	/* before the output is opened: the session checks it again */
	if (geteuid() != 0) {
		fprintf(stderr, "ptrace record: %s\n", PT_SESSION_NEEDS_ROOT);
		ret = PT_EXIT_NOPERM;
		goto out;
	}
	/*
	 * The output first: a path that cannot be written is reported
	 * before anything is loaded or attached (and whatever this machine
	 * is), not after.  An existing log is kept unless --force.
	 */
	log.path = out;
	if (strcmp(out, "-")) {
		log.fd = pt_outfile_open(out, force ? PT_OUTFILE_REPLACE : 0,
					 &out_created, msg, sizeof(msg));
		if (log.fd < 0) {
			fprintf(stderr, "ptrace record: %s%s\n", msg,
				log.fd == -EEXIST ? " (--force overwrites it)" : "");
			goto out;
		}
	} else {
		log.fd = STDOUT_FILENO;
	}

	/*
	 * From here on SIGINT/SIGTERM stop the recording; one that arrives
	 * while the probes load still ends with a complete (empty) log.
	 * Installing the handler also undoes the SIG_IGN a non-interactive
	 * shell gives background jobs for SIGINT.
	 */
	stop_requested = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	so.devices = devices;
	so.ndevices = ndevices;
	ret = pt_session_open(&so, &s, msg, sizeof(msg));
	if (ret)
		fprintf(stderr, "ptrace record: %s\n", msg);
	else
		ret = pt_session_record(s, &log);
	pt_session_close(s);
	if (log.fd > STDOUT_FILENO) {
		close(log.fd);
		/* nothing recorded: leave no empty file behind */
		if (!log.created && out_created)
			unlink(out);
	}
out:
	free(devices);
	return ret;
}
