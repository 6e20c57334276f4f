// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace record: load the collectors, attach what this kernel allows,
 * and write every event into a trace log until the duration ends or
 * SIGINT/SIGTERM.  ptrace probes: the same planning, without tracing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>	/* optind */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pt_probetally.h"
#include "commands.h"
#include "pt_cli.h"
#include "collect/msix_sampler.h"
#include "collect/probes.h"
#include "pt_log.h"
#include "pt_names.h"
#include "pt_outfile.h"
#include "bpf/collect.h"
#include "collect.skel.h"

#define MAX_FILTER	64
#define LOST_PERIOD_NS	1000000000ull

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

struct recorder {
	struct pt_log_writer *w;
	__u32 filter[MAX_FILTER];
	size_t nfilter;
	struct pt_lost_reader lost;
	unsigned long long lost_total;
	unsigned long long written;
	unsigned long long filtered;
	int write_err;
};

static bool wanted(const struct recorder *r, __u32 sbdf)
{
	/* irq-only events pass: the model joins them to devices later */
	if (!r->nfilter || sbdf == PT_SBDF_NONE)
		return true;
	for (size_t i = 0; i < r->nfilter; i++)
		if (r->filter[i] == sbdf)
			return true;
	return false;
}

static void write_event(struct recorder *r, const struct pt_event *ev)
{
	if (!wanted(r, ev->hdr.sbdf)) {
		r->filtered++;
		return;
	}
	if (pt_log_write(r->w, ev)) {
		if (!r->write_err)
			r->write_err = errno ? errno : EIO;
		return;
	}
	r->written++;
}

static int on_ring_event(void *ctx, void *data, size_t len)
{
	struct pt_event ev;

	if (len < sizeof(ev))
		return 0;
	/* the ring buffer slot is not aligned for every consumer: copy */
	memcpy(&ev, data, sizeof(ev));
	write_event(ctx, &ev);
	return 0;
}

static void on_sample_event(const struct pt_event *ev, void *arg)
{
	write_event(arg, ev);
}

/* A loss is never filtered: it concerns every device. */
static void write_lost(const struct pt_event *ev, void *arg)
{
	struct recorder *r = arg;

	if (pt_log_write(r->w, ev) && !r->write_err)
		r->write_err = errno ? errno : EIO;
}

/* Module reloads: one line each on stderr, as they happen. */
static void say_stderr(void *arg, const char *line)
{
	fprintf(stderr, "%s\n", line);
}

static void flush_lost(struct recorder *r)
{
	r->lost_total += pt_lost_reader_flush(&r->lost, pt_mono_ns(), write_lost, r);
}

static int parse_devices(const char *arg, __u32 *out, size_t *n)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_FILTER || pt_sbdf_parse(tok, &out[*n])) {
			err = -EINVAL;
			break;
		}
		(*n)++;
	}
	free(copy);
	return err;
}

static void env_summary(FILE *f, const struct pt_env *env)
{
	fprintf(f, "ptrace: kernel %s, %s%s%s%s, BTF %s, kprobes %s, fentry %s%s%s\n",
		env->kernel,
		env->xen ? "Xen " : "no Xen",
		env->xen ? env->xen_version : "",
		env->xen ? (env->xen_dom0 ? " dom0 " : " domU ") : "",
		env->xen ? env->dom0_mode : "",
		env->btf ? "yes" : "no", env->kprobes ? "yes" : "no",
		env->fentry ? "yes" : env->fentry_off ? "off" : "no",
		env->fentry || env->fentry_off ? "" : ": ",
		env->fentry || env->fentry_off ? "" : strerror(env->fentry_err));
}

static int ident_cmp(const void *a, const void *b)
{
	const struct pt_pci_ident *x = a, *y = b;

	return x->sbdf < y->sbdf ? -1 : x->sbdf > y->sbdf;
}

/* One sysfs attribute holding a hex number ("0x8086\n"), -1 when unreadable. */
static long sysfs_hex(const char *dev, const char *attr)
{
	char path[PATH_MAX], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", dev, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 16);
}

/*
 * The PCI identity of every device present at start, so that a replay
 * elsewhere names devices from this machine's bus, not its own.  Only
 * sysfs reads; a device that cannot be read is left out, never fatal.
 */
static void header_add_devices(struct pt_log_header *hdr)
{
	DIR *dir = opendir("/sys/bus/pci/devices");
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir)) && hdr->ndevices < PT_LOG_DEVICES_MAX) {
		struct pt_pci_ident id = { 0 }, *v;
		char path[PATH_MAX], link[PATH_MAX];
		long vendor, device, class;
		ssize_t n;

		if (de->d_name[0] == '.' || pt_sbdf_parse(de->d_name, &id.sbdf))
			continue;
		vendor = sysfs_hex(de->d_name, "vendor");
		device = sysfs_hex(de->d_name, "device");
		class = sysfs_hex(de->d_name, "class");
		if (vendor < 0 || vendor > 0xffff || device < 0 || device > 0xffff)
			continue;
		id.vendor = vendor;
		id.device = device;
		id.class = class < 0 ? 0 : class & 0xffffff;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver",
			 de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			const char *base;

			link[n] = '\0';
			base = strrchr(link, '/');
			snprintf(id.driver, sizeof(id.driver), "%.31s",
				 base ? base + 1 : link);
		}
		v = realloc(hdr->devices, (hdr->ndevices + 1) * sizeof(*v));
		if (!v)
			break;
		hdr->devices = v;
		hdr->devices[hdr->ndevices++] = id;
	}
	closedir(dir);
	/* readdir order is the directory's: sort so that logs compare */
	qsort(hdr->devices, hdr->ndevices, sizeof(*hdr->devices), ident_cmp);
}

static void header_fill(struct pt_log_header *hdr, const struct pt_env *env,
			__u64 start_ns)
{
	time_t t = time(NULL);
	struct tm tm;

	pt_log_header_init(hdr);
	snprintf(hdr->kernel, sizeof(hdr->kernel), "%s", env->kernel);
	gethostname(hdr->host, sizeof(hdr->host) - 1);
	gmtime_r(&t, &tm);
	strftime(hdr->start_time, sizeof(hdr->start_time), "%Y-%m-%dT%H:%M:%SZ", &tm);
	hdr->start_ns = start_ns;
	snprintf(hdr->xen_version, sizeof(hdr->xen_version), "%s", env->xen_version);
	snprintf(hdr->dom0_mode, sizeof(hdr->dom0_mode), "%s", env->dom0_mode);
	header_add_devices(hdr);
}

/* The sampler is not a kernel probe, but the header says whether it ran. */
static int header_add_sampler(struct pt_log_header *hdr, int period_ms)
{
	struct pt_probe_status *p = realloc(hdr->probes,
					    (hdr->nprobes + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	hdr->probes = p;
	p = &hdr->probes[hdr->nprobes++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "msix_table_sampler");
	snprintf(p->func, sizeof(p->func), "sysfs resource, every %d ms", period_ms);
	snprintf(p->attach, sizeof(p->attach), period_ms > 0 ? "sampler" : "");
	p->state = period_ms > 0 ? PT_PROBE_ATTACHED : PT_PROBE_DISABLED;
	if (period_ms <= 0)
		snprintf(p->reason, sizeof(p->reason), "off (--sample-msix MS)");
	return 0;
}

/*
 * The probe count, from the header just written: the list report counts
 * (the plan and the collectors such as the MSI-X table sampler).
 */
static void print_probe_tally(const struct pt_log_header *hdr,
			      const char *out, bool timed)
{
	struct pt_probe_tally t;
	char buf[96];

	pt_probe_tally(hdr->probes, hdr->nprobes, &t);
	pt_probe_tally_format(&t, buf, sizeof(buf));
	fprintf(stderr, "  %s\n", buf);
	fprintf(stderr, "ptrace: recording to %s (%zu of %zu probes attached)%s\n",
		out, t.attached, t.total,
		timed ? "" : "; SIGINT or SIGTERM stops");
}

enum {
	OPT_STRICT = PT_OPT_LONG, OPT_SAMPLE_MSIX, OPT_RINGBUF, OPT_ALLOW_NO_XEN,
	OPT_NO_FENTRY, OPT_BPF_STATS, OPT_PIN_MODULES,
};

/* the help below names both */
_Static_assert(PT_RINGBUF_BYTES == 8u << 20, "--ringbuf help says default 8M");
_Static_assert(PT_EXIT_PROBES == 5, "--strict help says exit 5");

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
	  "read the MSI-X tables every MS (the --device\n"
	  "devices, else those bound to pciback)",
	  .unit = 1000000, .min = 1e6, .max = 3600e9 },
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
	{ "verbose", 'v', NULL, PT_OPT_FLAG, "libbpf messages" },
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
		"ptrace record -o trace.jsonl --strict --bpf-stats",
};

int cmd_record(int argc, char **argv)
{
	bool no_fentry = false, bpf_stats = false, pin_modules = false;
	struct recorder rec = { .lost = { .fd = -1 } };
	struct pt_modwatch mw = { .fd = -1 };
	bool watching = false;
	struct pt_probe_plan *plans = NULL;
	struct pt_msix_sampler *sampler = NULL;
	struct pt_log_header hdr = { 0 };
	struct collect_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct pt_env env;
	struct sigaction sa;
	const char *out = NULL;
	double duration = 0;
	long sample_ms = 0, ringbuf_mb = 0;
	bool strict = false, allow_no_xen = false, force = false, out_created = false;
	int out_fd = -1;
	size_t attached, missing, req_missing;
	__u64 start, deadline = 0, next_lost, next_sample = 0;
	struct pt_optval v;
	char msg[256];
	int c, err, ret = PT_EXIT_FAIL;

	while ((c = pt_cli_getopt(&record_cli, argc, argv, &v)) != PT_CLI_END) {
		switch (c) {
		case 'o':
			out = v.str;
			break;
		case 't':
			duration = v.num;
			break;
		case 'f':
			force = true;
			break;
		case 'd':
			if (parse_devices(v.str, rec.filter, &rec.nfilter))
				return pt_cli_usage_error(&record_cli,
					"--device: bad device '%s' (want SSSS:BB:DD.F)", v.str);
			break;
		case OPT_STRICT:
			strict = true;
			break;
		case OPT_SAMPLE_MSIX:
			sample_ms = v.u / 1000000;
			break;
		case OPT_RINGBUF:
			ringbuf_mb = v.u >> 20;
			if (v.u & ((1 << 20) - 1) || (ringbuf_mb & (ringbuf_mb - 1)))
				return pt_cli_usage_error(&record_cli,
					"--ringbuf: '%s' is not a power of two MB", v.str);
			break;
		case OPT_ALLOW_NO_XEN:
			allow_no_xen = true;
			break;
		case OPT_NO_FENTRY:
			no_fentry = true;
			break;
		case OPT_BPF_STATS:
			bpf_stats = true;
			break;
		case OPT_PIN_MODULES:
			pin_modules = true;
			break;
		case 'v':
			pt_libbpf_verbose(true);
			break;
		default:
			return pt_cli_exit(c);
		}
	}
	if (!out)
		return pt_cli_usage_error(&record_cli, "no -o LOG given");
	if (optind != argc)
		return pt_cli_usage_error(&record_cli, "unexpected argument '%s'",
					  argv[optind]);
	if (geteuid() != 0) {
		fprintf(stderr, "ptrace record: needs root (loading BPF programs needs "
			"CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)\n");
		return PT_EXIT_NOPERM;
	}
	/*
	 * The output first: a path that cannot be written is reported
	 * before anything is loaded or attached (and whatever this machine
	 * is), not after.  An existing log is kept unless --force.
	 */
	if (strcmp(out, "-")) {
		out_fd = pt_outfile_open(out, force ? PT_OUTFILE_REPLACE : 0,
					 &out_created, msg, sizeof(msg));
		if (out_fd < 0) {
			fprintf(stderr, "ptrace record: %s%s\n", msg,
				out_fd == -EEXIST ? " (--force overwrites it)" : "");
			return PT_EXIT_USAGE;
		}
	} else {
		out_fd = STDOUT_FILENO;
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

	pt_env_probe(&env);
	if (no_fentry)
		pt_env_no_fentry(&env);
	if (pin_modules)
		pt_env_pin_modules(&env);
	env_summary(stderr, &env);
	if (!env.btf) {
		fprintf(stderr, "ptrace record: this kernel has no BTF "
			"(/sys/kernel/btf/vmlinux missing: CONFIG_DEBUG_INFO_BTF off), "
			"the CO-RE collectors cannot be loaded\n");
		goto out;
	}

	plans = calloc(pt_probe_count, sizeof(*plans));
	if (!plans)
		goto out;
	pt_probes_plan(&env, plans);
	skel = pt_probes_load(&env, plans, PT_LOAD_PLAN,
			      ringbuf_mb ? (size_t)ringbuf_mb << 20 : 0,
			      &err, msg, sizeof(msg));
	if (!skel) {
		fprintf(stderr, "ptrace record: %s\n", msg);
		ret = err == -EPERM ? PT_EXIT_NOPERM : PT_EXIT_FAIL;
		goto out;
	}

	if (!env.xen_dom0 && !allow_no_xen) {
		pt_probes_print(stderr, plans, false);
		fprintf(stderr,
			"ptrace record: not a Xen dom0 (%s): nothing to trace; "
			"the collectors loaded, the Xen probes above are missing\n",
			env.xen ? "Xen guest without privcmd/xen-backend" :
				  "no /sys/hypervisor/type \"xen\"");
		ret = PT_EXIT_NOXEN;
		goto out;
	}

	/* before the probes: an unload while they attach is not missed */
	pt_modwatch_start(&mw, skel, plans);
	watching = true;
	pt_probes_attach(skel, plans);
	pt_probes_print(stderr, plans, true);
	fprintf(stderr, "ptrace: module unload/reload watched through %s\n", mw.how);
	pt_probes_count(plans, &attached, &missing, &req_missing);
	/* the one way the recorder changes the system: say so */
	if (pt_probes_pinned(plans, msg, sizeof(msg)))
		fprintf(stderr, "ptrace: --pin-modules: fentry holds %s: "
			"rmmod fails until the recording ends\n", msg);
	if (strict && req_missing) {
		fprintf(stderr, "ptrace record: --strict: %zu required probe%s missing\n",
			req_missing, req_missing == 1 ? "" : "s");
		ret = PT_EXIT_PROBES;
		goto out;
	}

	start = pt_mono_ns();
	header_fill(&hdr, &env, start);
	if (pt_probes_to_header(plans, &hdr) || header_add_sampler(&hdr, sample_ms))
		goto out;
	rec.w = pt_log_create_fd(out_fd, out, &hdr, msg, sizeof(msg));
	if (!rec.w) {
		fprintf(stderr, "ptrace record: %s\n", msg);
		goto out;
	}

	err = pt_lost_reader_init(&rec.lost, bpf_map__fd(skel->maps.lost), start);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_ring_event, &rec, NULL);
	if (err || !rb) {
		fprintf(stderr, "ptrace record: cannot set up the ring buffer\n");
		goto finish;
	}
	if (sample_ms > 0) {
		sampler = pt_msix_sampler_new(rec.filter, rec.nfilter, rec.nfilter == 0);
		if (!sampler)
			goto finish;
		next_sample = start;
	}

	if (duration > 0)
		deadline = start + (__u64)(duration * 1e9);
	next_lost = start + LOST_PERIOD_NS;
	print_probe_tally(&hdr, out, duration > 0);

	while (!stop_requested) {
		__u64 now = pt_mono_ns();
		long timeout = 100;

		if (sampler && next_sample <= now) {
			pt_msix_sampler_run(sampler, on_sample_event, &rec);
			next_sample = now + sample_ms * 1000000ull;
		}
		if (pt_modwatch_poll(&mw, skel, plans, now, write_lost,
				     say_stderr, &rec))
			pt_log_flush(rec.w);
		if (next_lost <= now) {
			flush_lost(&rec);
			pt_log_flush(rec.w);
			next_lost = now + LOST_PERIOD_NS;
		}
		if (deadline && now >= deadline)
			break;
		if (sampler && (long)((next_sample - now) / 1000000) < timeout)
			timeout = (next_sample - now) / 1000000;
		if (deadline && (long)((deadline - now) / 1000000) < timeout)
			timeout = (deadline - now) / 1000000;
		err = ring_buffer__poll(rb, timeout);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "ptrace record: ring buffer: %s\n", strerror(-err));
			break;
		}
		if (rec.write_err) {
			fprintf(stderr, "ptrace record: writing %s: %s\n", out,
				strerror(rec.write_err));
			break;
		}
	}
	/* Stop the sources first, so the drain below is complete. */
	pt_probes_detach(plans);
	ring_buffer__consume(rb);
	if (sampler)
		pt_msix_sampler_run(sampler, on_sample_event, &rec);
	flush_lost(&rec);
	pt_modwatch_finish(&mw, plans, pt_mono_ns(), write_lost, &rec);
	/* detached, still loaded: the counts are final */
	if (bpf_stats)
		pt_probes_print_stats(stderr, skel, plans);
	ret = rec.write_err ? PT_EXIT_FAIL : PT_EXIT_OK;
finish:
	if (pt_log_finish(rec.w, rec.lost_total))
		ret = PT_EXIT_FAIL;
	fprintf(stderr, "ptrace: %llu events written, %llu lost, %llu filtered out\n",
		rec.written, rec.lost_total, rec.filtered);
out:
	if (watching)
		pt_modwatch_stop(&mw);
	ring_buffer__free(rb);
	pt_msix_sampler_free(sampler);
	if (plans)
		pt_probes_detach(plans);
	collect_bpf__destroy(skel);
	pt_lost_reader_free(&rec.lost);
	free(plans);
	pt_log_header_free(&hdr);
	pt_env_free(&env);
	if (out_fd > STDOUT_FILENO) {
		close(out_fd);
		/* nothing recorded: leave no empty file behind */
		if (!rec.w && out_created)
			unlink(out);
	}
	return ret;
}

/* ------------------------------------------------------------- probes */

static json_t *unresolved_json(void)
{
	json_t *o = json_object();
	const char *spec;
	int n;

	for (size_t i = 0; (n = pt_probes_unresolved(i, &spec)) >= 0; i++)
		json_object_set_new(o, spec, json_integer(n));
	return o;
}

static json_t *probes_json(const struct pt_env *env,
			   const struct pt_probe_plan *plans,
			   struct collect_bpf *skel, const char *mode)
{
	json_t *root = json_object(), *rows = json_array(), *progs;
	char fe[64];

	snprintf(fe, sizeof(fe), "%s", env->fentry ? "" : strerror(env->fentry_err));
	/* versioned as dump's is (docs/report-json.md) */
	json_object_set_new(root, "schema", json_integer(1));
	json_object_set_new(root, "tool", json_string("ptrace probes"));
	json_object_set_new(root, "version", json_string(PT_VERSION));
	json_object_set_new(root, "kernel", json_string(env->kernel));
	json_object_set_new(root, "xen", json_boolean(env->xen));
	json_object_set_new(root, "xen_dom0", json_boolean(env->xen_dom0));
	json_object_set_new(root, "xen_version", json_string(env->xen_version));
	json_object_set_new(root, "dom0_mode", json_string(env->dom0_mode));
	json_object_set_new(root, "btf", json_boolean(env->btf));
	json_object_set_new(root, "kprobes", json_boolean(env->kprobes));
	json_object_set_new(root, "fentry", json_boolean(env->fentry));
	json_object_set_new(root, "fentry_error", json_string(fe));
	json_object_set_new(root, "pin_modules", json_boolean(env->pin_modules));
	json_object_set_new(root, "symbols", json_string(env->symsrc ? env->symsrc : ""));
	json_object_set_new(root, "load", json_string(mode));

	for (size_t i = 0; i < pt_probe_count; i++) {
		const struct pt_probe_plan *p = &plans[i];
		const struct pt_probe_def *d = p->def;
		json_t *r = json_object(), *fn = json_array(), *kinds = json_array();

		for (int a = 0; a < PT_PROBE_MAX_ALTS && d->alt[a].func; a++)
			json_array_append_new(fn, json_string(d->alt[a].func));
		if (d->attach & PT_ATTACH_FENTRY)
			json_array_append_new(kinds, json_string("fentry"));
		if (d->attach & PT_ATTACH_KPROBE)
			json_array_append_new(kinds, json_string("kprobe"));
		json_object_set_new(r, "name", json_string(d->name));
		json_object_set_new(r, "module", json_string(pt_module_name(d->module)));
		json_object_set_new(r, "functions", fn);
		json_object_set_new(r, "attach", kinds);
		json_object_set_new(r, "exit", json_boolean(d->exit));
		json_object_set_new(r, "required", json_boolean(d->required));
		json_object_set_new(r, "xen_only", json_boolean(d->xen));
		json_object_set_new(r, "events", json_string(d->events));
		json_object_set_new(r, "kernels", json_string(d->kernels));
		json_object_set_new(r, "if_missing", json_string(d->if_missing));
		json_object_set_new(r, "state", json_string(
			p->state == PT_PROBE_ATTACHED ?
			(skel ? "loaded" : "usable") : pt_probe_state_name(p->state)));
		json_object_set_new(r, "func", json_string(p->func));
		json_object_set_new(r, "kind", json_string(
			p->state == PT_PROBE_ATTACHED ? pt_attach_name(p->kind, false) : ""));
		json_object_set_new(r, "reason", json_string(p->reason));
		json_array_append_new(rows, r);
	}
	json_object_set_new(root, "probes", rows);

	if (skel) {
		struct bpf_program *prog;
		int n = 0;

		progs = json_array();
		bpf_object__for_each_program(prog, skel->obj) {
			json_t *o = json_object();
			bool on = bpf_program__autoload(prog);

			json_object_set_new(o, "name", json_string(bpf_program__name(prog)));
			json_object_set_new(o, "loaded", json_boolean(on && bpf_program__fd(prog) >= 0));
			json_array_append_new(progs, o);
			n += on;
		}
		json_object_set_new(root, "programs_loaded", json_integer(n));
		json_object_set_new(root, "programs", progs);
		json_object_set_new(root, "unresolved_relocations", unresolved_json());
	}
	return root;
}

enum { OPT_LOAD = PT_OPT_LONG, OPT_VERIFY_ALL, OPT_BTF };

static const struct pt_opt probes_opts[] = {
	{ "json", 'j', NULL, PT_OPT_FLAG, "machine-readable output" },
	{ "load", OPT_LOAD, NULL, PT_OPT_FLAG,
	  "also load the BPF programs the plan selects (the\n"
	  "verifier runs; needs root)" },
	{ "verify-all", OPT_VERIFY_ALL, NULL, PT_OPT_FLAG,
	  "load every kprobe program, attachable here or not\n"
	  "(verifier coverage on any kernel; needs root)" },
	{ "btf", OPT_BTF, "FILE", PT_OPT_STRING,
	  "with --verify-all: relocate against this BTF (another\n"
	  "kernel's vmlinux or raw .BTF) instead of the running one" },
	{ "no-fentry", OPT_NO_FENTRY, NULL, PT_OPT_FLAG, "plan with kprobes only" },
	{ "pin-modules", OPT_PIN_MODULES, NULL, PT_OPT_FLAG,
	  "plan fentry for module functions too (as record\n"
	  "--pin-modules)" },
	{ "verbose", 'v', NULL, PT_OPT_FLAG, "libbpf messages" },
	{ NULL },
};

const struct pt_cli probes_cli = {
	.name = "probes",
	.args = "[options]",
	.summary = "what the tracer can attach on this kernel",
	.doc = "The probe table for the running kernel: what would attach, with\n"
	       "which kind, and why the rest cannot; nothing is traced.",
	.opts = probes_opts,
	.examples =
		"ptrace probes                     # the plan for this kernel\n"
		"ptrace probes --load              # and load it through the verifier\n"
		"ptrace probes --verify-all --btf /boot/vmlinux-6.1.0-xen",
};

int cmd_probes(int argc, char **argv)
{
	const char *btf_path = NULL;
	struct pt_probe_plan *plans;
	struct collect_bpf *skel = NULL;
	struct pt_env env;
	bool json = false, load = false, all = false, no_fentry = false;
	bool pin_modules = false;
	struct pt_optval v;
	char msg[256];
	int c, err, ret = PT_EXIT_OK;

	while ((c = pt_cli_getopt(&probes_cli, argc, argv, &v)) != PT_CLI_END) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case OPT_LOAD:
			load = true;
			break;
		case OPT_VERIFY_ALL:
			all = true;
			break;
		case OPT_NO_FENTRY:
			no_fentry = true;
			break;
		case OPT_PIN_MODULES:
			pin_modules = true;
			break;
		case OPT_BTF:
			btf_path = v.str;
			break;
		case 'v':
			pt_libbpf_verbose(true);
			break;
		default:
			return pt_cli_exit(c);
		}
	}
	if (optind != argc)
		return pt_cli_usage_error(&probes_cli, "unexpected argument '%s'",
					  argv[optind]);
	if (btf_path && !all)
		return pt_cli_usage_error(&probes_cli, "--btf goes with --verify-all");
	if ((load || all) && geteuid() != 0) {
		fprintf(stderr, "ptrace probes: --load and --verify-all need root "
			"(loading BPF programs needs CAP_BPF and CAP_PERFMON)\n");
		return PT_EXIT_NOPERM;
	}

	pt_env_probe(&env);
	if (no_fentry)
		pt_env_no_fentry(&env);
	if (pin_modules)
		pt_env_pin_modules(&env);
	plans = calloc(pt_probe_count, sizeof(*plans));
	if (!plans) {
		pt_env_free(&env);
		return PT_EXIT_FAIL;
	}
	pt_probes_plan(&env, plans);
	if (btf_path) {
		if (pt_env_variants_from(&env, btf_path)) {
			fprintf(stderr, "ptrace probes: cannot read BTF from %s\n", btf_path);
			ret = PT_EXIT_USAGE;
			goto out;
		}
		pt_probes_set_btf(btf_path);
	}
	if (load || all) {
		if (!env.btf) {
			fprintf(stderr, "ptrace probes: this kernel has no BTF "
				"(/sys/kernel/btf/vmlinux missing): nothing can be loaded\n");
			ret = PT_EXIT_FAIL;
			goto out;
		}
		skel = pt_probes_load(&env, plans,
				      all ? PT_LOAD_ALL_KPROBES : PT_LOAD_PLAN,
				      0, &err, msg, sizeof(msg));
		if (!skel) {
			fprintf(stderr, "ptrace probes: %s\n", msg);
			ret = err == -EPERM ? PT_EXIT_NOPERM : PT_EXIT_FAIL;
		}
	}

	if (json) {
		json_t *j = probes_json(&env, plans, skel,
					all ? "all-kprobes" : load ? "plan" : "none");

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		size_t a, m, r;

		env_summary(stdout, &env);
		printf("ptrace: functions from %s\n",
		       env.symsrc ? env.symsrc : "(none readable)");
		for (size_t i = 0; i < pt_probe_count; i++) {
			const struct pt_probe_plan *p = &plans[i];
			const struct pt_probe_def *d = p->def;

			printf("%-26s %-11s %-30s %s%s\n", d->name,
			       pt_module_name(d->module), d->alt[0].func,
			       d->required ? "required" : "optional",
			       d->exit ? ", entry+exit" : "");
			if (p->state == PT_PROBE_ATTACHED)
				printf("    -> %s %s%s\n", pt_attach_name(p->kind, false),
				       p->func, skel ? " (loaded)" : "");
			else
				printf("    -> %s: %s\n", pt_probe_state_name(p->state),
				       p->reason);
			printf("    feeds: %s; kernels: %s\n", d->events, d->kernels);
			if (p->state != PT_PROBE_ATTACHED)
				printf("    if missing: %s\n", d->if_missing);
		}
		if (skel) {
			const char *spec;
			int k;

			for (size_t i = 0; (k = pt_probes_unresolved(i, &spec)) >= 0; i++)
				printf("unresolved CO-RE relocation (dead code if guarded): %s x%d\n",
				       spec, k);
		}
		pt_probes_count(plans, &a, &m, &r);
		printf("%zu of %zu probes usable, %zu missing (%zu required)%s\n",
		       a, pt_probe_count, m, r,
		       skel ? (all ? "; every kprobe program loaded and verified" :
			       "; selected programs loaded and verified") : "");
	}
out:
	collect_bpf__destroy(skel);
	free(plans);
	pt_env_free(&env);
	return ret;
}
