// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The collector session (session.h): one straight sequence of steps from
 * the environment to decoded events, as libbpf-bootstrap's bootstrap.c
 * runs its skeleton, shared by record, live top and dump --trace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "commands.h"
#include "pt_grow.h"
#include "pt_probetally.h"
#include "pt_xenhc.h"
#include "collect/msix_sampler.h"
#include "collect/xen_sampler.h"
#include "collect/probes.h"
#include "collect/session.h"
#include "lib/host.h"
#include "collect.skel.h"

/* How often the per-CPU drop counters become lost records. */
#define LOST_PERIOD_NS	1000000000ull

struct pt_session {
	struct pt_session_opts o;
	__u32 *devices;			/* o.devices, copied */
	struct pt_env env;
	bool env_ok;
	struct pt_probe_plan *plans;
	struct collect_bpf *skel;
	struct pt_modwatch mw;
	bool watching;
	struct ring_buffer *rb;
	struct pt_lost_reader lost;
	struct pt_msix_sampler *sampler;
	struct pt_xen_sampler *xen;	/* NULL: off, or Xen unreadable */
	char xen_why[128];		/* why the Xen sampler is not running */
	__u64 xen_good;			/* its last pass that read Xen */
	__u64 start_ns;			/* CLOCK_MONOTONIC: the events' clock */
	time_t start_wall;
	__u64 next_lost, next_sample, next_xen;
	struct pt_session_stats stats;
	/* the callback of the pt_session_poll() or _stop() under way */
	pt_session_cb cb;
	void *ctx;
};

void pt_session_env_summary(FILE *f, const struct pt_env *env)
{
	bool why = !env->fentry && !env->fentry_off && !env->fentry_unprobed;

	fprintf(f, "ptrace: kernel %s, %s%s%s%s, BTF %s, kprobes %s, fentry %s%s%s\n",
		env->kernel,
		env->xen ? "Xen " : "no Xen",
		env->xen ? env->xen_version : "",
		env->xen ? (env->xen_dom0 ? " dom0 " : " domU ") : "",
		env->xen ? env->dom0_mode : "",
		env->btf ? "yes" : "no", env->kprobes ? "yes" : "no",
		env->fentry ? "yes" : env->fentry_off ? "off" :
		env->fentry_unprobed ? "not probed (kprobes with cookies take every row)" : "no",
		why ? ": " : "", why ? strerror(env->fentry_err) : "");
}

/* ------------------------------------------------------------ events */

static bool wanted(const struct pt_session *s, __u32 sbdf)
{
	/* irq-only events pass: the model joins them to devices later */
	if (!s->o.ndevices || sbdf == PT_SBDF_NONE)
		return true;
	for (size_t i = 0; i < s->o.ndevices; i++)
		if (s->devices[i] == sbdf)
			return true;
	return false;
}

/* An event of the collectors or the sampler: filtered, then handed over. */
static void deliver(struct pt_session *s, const struct pt_event *ev)
{
	if (!wanted(s, ev->hdr.sbdf)) {
		s->stats.filtered++;
		return;
	}
	s->cb(ev, s->ctx);
}

static int on_ring_event(void *ctx, void *data, size_t len)
{
	struct pt_event ev;

	if (len < sizeof(ev))
		return 0;
	/* the ring buffer slot is not aligned for every consumer: copy */
	memcpy(&ev, data, sizeof(ev));
	/* the one place raw hypercall arguments are decoded, live or logged */
	if (ev.hdr.type == PT_EV_HYPERCALL)
		pt_hc_decode(&ev.hc);
	deliver(ctx, &ev);
	return 0;
}

static void on_sample(const struct pt_event *ev, void *arg)
{
	deliver(arg, ev);
}

/*
 * A blind record of Xen's view, from its last good pass to now: the
 * model forgets the view until the sampler reads it again.
 */
static void xen_blind(struct pt_session *s, __u64 now)
{
	struct pt_event ev;

	pt_blind_record(&ev, PT_BLIND_XEN_VIEW, s->xen_good, now, 1);
	s->cb(&ev, s->ctx);
}

/*
 * One pass of Xen's mask view.  A pass that reads nothing (another
 * reader emptied Xen's console ring between our key and our read: "xl
 * dmesg -c") is a blind window, marked, and the next pass says every
 * vector again.  PT_XEN_MISSES_MAX failures in a row (libxenctrl
 * refusing, dumps we cannot parse) stop the sampler, said once.
 */
static void xen_sample(struct pt_session *s)
{
	int err = pt_xen_sampler_run(s->xen, on_sample, s);
	__u64 now = pt_mono_ns();

	if (err >= 0) {
		s->xen_good = now;
		return;
	}
	xen_blind(s, now);
	snprintf(s->xen_why, sizeof(s->xen_why), "reading Xen's dumps failed: %s",
		 strerror(-err));
	s->stats.xen_misses++;
	if (!pt_xen_sampler_missed(s->xen)) {
		if (s->o.report && s->stats.xen_misses == 1)
			fprintf(s->o.report, "ptrace: Xen's mask view missed a pass (%s): marked blind, retrying\n",
				s->xen_why);
		return;
	}
	if (s->o.report)
		fprintf(s->o.report, "ptrace: Xen's mask view stopped after %d failed passes: %s\n",
			PT_XEN_MISSES_MAX, s->xen_why);
	pt_xen_sampler_free(s->xen);
	s->xen = NULL;
}

/* Lost and blind records concern every device: never filtered. */
static void on_record(const struct pt_event *ev, void *arg)
{
	struct pt_session *s = arg;

	s->cb(ev, s->ctx);
}

/* Module reloads: one line each in the report, as they happen. */
static void say(void *arg, const char *line)
{
	struct pt_session *s = arg;

	if (s->o.report)
		fprintf(s->o.report, "%s\n", line);
}

static void flush_lost(struct pt_session *s, __u64 now)
{
	s->stats.lost += pt_lost_reader_flush(&s->lost, now, on_record, s);
}

/* ------------------------------------------------------------ open */

static double secs(__u64 from, __u64 to)
{
	return (to - from) / 1e9;
}

/*
 * Where the start-up went, one line (docs/performance.md): the time
 * before main (exec, dynamic loading), then each step of the session,
 * up to the ring buffer and samplers being ready: what a user waits for.
 */
static void report_startup(FILE *f, const __u64 *t, double exec_to_open,
			   size_t armed)
{
	double total = secs(t[0], t[5]);

	if (exec_to_open >= 0)
		fprintf(f, "ptrace: started in %.2f s: before the session %.2f s, ",
			exec_to_open + total, exec_to_open);
	else
		fprintf(f, "ptrace: started in %.2f s: ", total);
	fprintf(f, "environment %.2f s, plan %.2f s, load %.2f s, attach %.2f s, "
		"ring and samplers %.2f s",
		secs(t[0], t[1]), secs(t[1], t[2]), secs(t[2], t[3]),
		secs(t[3], t[4]), secs(t[4], t[5]));
	if (armed)
		fprintf(f, " (%zu kprobes registered during the load)", armed);
	fputc('\n', f);
}

int pt_session_open(const struct pt_session_opts *o, struct pt_session **out,
		    char *err, size_t len)
{
	struct pt_session *s;
	struct pt_host_xen host;
	struct pt_probes_arm *arm;
	size_t armed;
	FILE *rep = o->report;
	size_t attached, missing, req_missing;
	double exec_to_open = pt_since_exec();
	__u64 t[6];	/* open; environment, plan, load, attach, setup done */
	char msg[256];
	int e;

	t[0] = pt_mono_ns();
	*out = NULL;
	err[0] = '\0';
	if (geteuid() != 0) {
		snprintf(err, len, "%s", PT_SESSION_NEEDS_ROOT);
		return PT_EXIT_NOPERM;
	}
	s = pt_xcalloc(1, sizeof(*s));
	s->o = *o;
	if (!s->o.sample_msix_ms)
		s->o.sample_msix_ms = PT_SAMPLE_MSIX_MS;
	s->lost.fd = -1;
	s->mw.fd = -1;
	if (o->ndevices) {
		s->devices = pt_xcalloc(o->ndevices, sizeof(*s->devices));
		memcpy(s->devices, o->devices, o->ndevices * sizeof(*s->devices));
	}

	/* 1. the environment: what this kernel offers */
	pt_verbose_mark("session: the environment");
	pt_env_probe(&s->env, &(struct pt_env_wants){
			     .no_fentry = o->no_fentry,
			     .pin_modules = o->pin_modules });
	s->env_ok = true;
	t[1] = pt_mono_ns();
	pt_verbose_mark("session: the plan");
	if (rep)
		pt_session_env_summary(rep, &s->env);
	if (!s->env.btf) {
		snprintf(err, len, "this kernel has no BTF "
			 "(/sys/kernel/btf/vmlinux missing: CONFIG_DEBUG_INFO_BTF off), "
			 "the CO-RE collectors cannot be loaded");
		goto fail_exit;
	}

	/* 2. the plan, 3. the collectors loaded (and verified) */
	s->plans = pt_xcalloc(pt_probe_count, sizeof(*s->plans));
	pt_probes_plan(&s->env, s->plans);
	t[2] = pt_mono_ns();
	pt_verbose_mark("session: the load");
	/* the kernel registers kprobes while it verifies (kprobe_arm.h) */
	arm = pt_probes_arm(&s->env, s->plans);
	s->skel = pt_probes_load(&s->env, s->plans, PT_LOAD_PLAN, o->ringbuf,
				 &e, msg, sizeof(msg));
	if (!s->skel) {
		snprintf(err, len, "%s", msg);
		pt_probes_arm_free(arm);
		pt_session_close(s);
		return e == -EPERM ? PT_EXIT_NOPERM : PT_EXIT_FAIL;
	}
	t[3] = pt_mono_ns();
	pt_verbose_mark("session: loaded; attaching");

	/* 4. a Xen dom0, after loading: even exit 4 proves the collectors load */
	pt_host_xen_detect(&host);
	if (!host.dom0 && !o->allow_no_xen) {
		if (rep)
			pt_probes_print(rep, s->plans, false);
		snprintf(err, len, "not a Xen dom0 (%s): nothing to trace; "
			 "the collectors loaded, the Xen probes above are missing",
			 host.xen ? "Xen guest without privcmd/xen-backend" :
				    "no /sys/hypervisor/type \"xen\"");
		pt_probes_arm_free(arm);
		pt_session_close(s);
		return PT_EXIT_NOXEN;
	}

	/* 5. the module watch, before the probes: no unload is missed */
	pt_modwatch_start(&s->mw, s->skel, s->plans);
	s->watching = true;

	/* 6. attach: a row that cannot never stops the others */
	pt_probes_attach(s->skel, s->plans, arm);
	t[4] = pt_mono_ns();
	pt_verbose_mark("session: attached; ring buffer and samplers");
	armed = pt_probes_arm_free(arm);
	if (rep) {
		pt_probes_print(rep, s->plans, true);
		fprintf(rep, "ptrace: module unload/reload watched through %s\n",
			s->mw.how);
	}
	/* the one way the collectors change the system: say so */
	if (rep && pt_probes_pinned(s->plans, msg, sizeof(msg)))
		fprintf(rep, "ptrace: --pin-modules: fentry holds %s: "
			"rmmod fails until the recording ends\n", msg);
	pt_probes_count(s->plans, &attached, &missing, &req_missing);
	if (o->strict && req_missing) {
		snprintf(err, len, "--strict: %zu required probe%s missing",
			 req_missing, req_missing == 1 ? "" : "s");
		pt_session_close(s);
		return PT_EXIT_PROBES;
	}

	/* 7. the event clock starts; ring buffer, lost reader, sampler */
	s->start_ns = pt_mono_ns();
	s->start_wall = time(NULL);
	s->next_lost = s->start_ns + LOST_PERIOD_NS;
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events),
				 on_ring_event, s, NULL);
	if (!s->rb || pt_lost_reader_init(&s->lost,
					  bpf_map__fd(s->skel->maps.lost),
					  s->start_ns)) {
		snprintf(err, len, "cannot set up the ring buffer");
		goto fail_exit;
	}
	if (s->o.sample_msix_ms > 0) {
		s->sampler = pt_msix_sampler_new(s->devices, o->ndevices);
		if (!s->sampler) {
			snprintf(err, len, "cannot start the MSI-X table sampler");
			goto fail_exit;
		}
		s->next_sample = s->start_ns;
	}
	if (s->o.sample_xen_ms > 0) {
		s->xen = pt_xen_sampler_new(s->xen_why, sizeof(s->xen_why));
		if (!s->xen && rep)
			fprintf(rep, "ptrace: Xen's mask view is off: %s\n",
				s->xen_why);
		if (s->xen && rep)
			fprintf(rep, "ptrace: Xen's mask view: debug keys i, M, Q "
				"every %ld ms (each pass prints into Xen's console ring)\n",
				s->o.sample_xen_ms);
		s->next_xen = s->start_ns;
		s->xen_good = s->start_ns;
	}
	t[5] = pt_mono_ns();
	if (rep)
		report_startup(rep, t, exec_to_open, armed);
	*out = s;
	return PT_EXIT_OK;

fail_exit:
	pt_session_close(s);
	return PT_EXIT_FAIL;
}

/* ------------------------------------------------------------ header */

/* The sampler is not a kernel probe, but the header says whether it ran. */
static void header_add_sampler(struct pt_log_header *hdr, long period_ms)
{
	size_t cap = hdr->nprobes;
	struct pt_probe_status *p = PT_PUSH(hdr->probes, hdr->nprobes, cap);

	snprintf(p->name, sizeof(p->name), "msix_table_sampler");
	snprintf(p->func, sizeof(p->func), "pciback devices' sysfs resource, every %ld ms",
		 period_ms > 0 ? period_ms : 0);
	snprintf(p->attach, sizeof(p->attach), period_ms > 0 ? "sampler" : "");
	p->state = period_ms > 0 ? PT_PROBE_ATTACHED : PT_PROBE_DISABLED;
	if (period_ms <= 0)
		snprintf(p->reason, sizeof(p->reason), "off (--no-sample-msix)");
}

/* Asked for only (it writes into Xen's console): a row when it was. */
static void header_add_xen_sampler(struct pt_log_header *hdr,
				   const struct pt_session *s)
{
	size_t cap = hdr->nprobes;
	struct pt_probe_status *p = PT_PUSH(hdr->probes, hdr->nprobes, cap);

	snprintf(p->name, sizeof(p->name), "xen_mask_sampler");
	snprintf(p->func, sizeof(p->func), "Xen debug keys i, M, Q, every %ld ms",
		 s->o.sample_xen_ms);
	snprintf(p->attach, sizeof(p->attach), s->xen ? "sampler" : "");
	p->state = s->xen ? PT_PROBE_ATTACHED : PT_PROBE_FAILED;
	if (!s->xen)
		snprintf(p->reason, sizeof(p->reason), "%s", s->xen_why);
}

int pt_session_header(const struct pt_session *s, struct pt_log_header *hdr)
{
	struct tm tm;

	pt_log_header_init(hdr);
	snprintf(hdr->kernel, sizeof(hdr->kernel), "%s", s->env.kernel);
	gethostname(hdr->host, sizeof(hdr->host) - 1);
	gmtime_r(&s->start_wall, &tm);
	strftime(hdr->start_time, sizeof(hdr->start_time),
		 "%Y-%m-%dT%H:%M:%SZ", &tm);
	hdr->start_ns = s->start_ns;
	snprintf(hdr->xen_version, sizeof(hdr->xen_version), "%s",
		 s->env.xen_version);
	snprintf(hdr->dom0_mode, sizeof(hdr->dom0_mode), "%s",
		 s->env.dom0_mode);
	/* a replay elsewhere names devices from this machine's bus */
	pt_host_pci_idents(&hdr->devices, &hdr->ndevices);
	if (pt_probes_to_header(s->plans, hdr)) {
		pt_log_header_free(hdr);
		return -ENOMEM;
	}
	hdr->sample_msix_ms = s->o.sample_msix_ms > 0 ? s->o.sample_msix_ms : 0;
	hdr->sample_xen_ms = s->o.sample_xen_ms > 0 && s->xen ? s->o.sample_xen_ms : 0;
	if (s->o.sampler_row)
		header_add_sampler(hdr, s->o.sample_msix_ms);
	if (s->o.sample_xen_ms > 0)
		header_add_xen_sampler(hdr, s);
	return 0;
}

/* ------------------------------------------------------------ events */

int pt_session_poll(struct pt_session *s, int timeout_ms, pt_session_cb cb,
		    void *ctx)
{
	__u64 now = pt_mono_ns();
	int changed, err;

	s->cb = cb;
	s->ctx = ctx;
	/*
	 * The collectors submit without waking the reader (ev_submit(),
	 * BPF_RB_NO_WAKEUP), so epoll never reports the ring ready: it is
	 * read here, every call, and again after the wait below.  Before the
	 * sampler: its events are newer than what the ring holds, and the
	 * log stays in time order.
	 */
	err = ring_buffer__consume(s->rb);
	if (err < 0)
		return err;
	if (s->sampler && s->next_sample <= now) {
		pt_msix_sampler_run(s->sampler, on_sample, s);
		s->next_sample = now + s->o.sample_msix_ms * 1000000ull;
	}
	if (s->xen && s->next_xen <= now) {
		xen_sample(s);
		s->next_xen = now + s->o.sample_xen_ms * 1000000ull;
	}
	/* a module reload: probes dead or back, a blind record */
	changed = pt_modwatch_poll(&s->mw, s->skel, s->plans, now, on_record,
				   say, s);
	if (s->next_lost <= now) {
		flush_lost(s, now);
		s->next_lost = now + LOST_PERIOD_NS;
	}
	if (s->sampler && (long)((s->next_sample - now) / 1000000) < timeout_ms)
		timeout_ms = (s->next_sample - now) / 1000000;
	if (s->xen && (long)((s->next_xen - now) / 1000000) < timeout_ms)
		timeout_ms = (s->next_xen - now) / 1000000;
	/* a wait: only a forced wakeup ends it early */
	if (timeout_ms > 0) {
		err = ring_buffer__poll(s->rb, timeout_ms);
		if (err < 0)
			return err;
	}
	err = ring_buffer__consume(s->rb);
	if (err < 0)
		return err;
	return changed ? 1 : 0;
}

void pt_session_stop(struct pt_session *s, pt_session_cb cb, void *ctx)
{
	s->cb = cb;
	s->ctx = ctx;
	/* the sources first, so that the drain is complete */
	pt_probes_detach(s->plans);
	ring_buffer__consume(s->rb);
	if (s->sampler)
		pt_msix_sampler_run(s->sampler, on_sample, s);
	if (s->xen)
		xen_sample(s);
	flush_lost(s, pt_mono_ns());
	pt_modwatch_finish(&s->mw, s->plans, pt_mono_ns(), on_record, s);
}

void pt_session_close(struct pt_session *s)
{
	if (!s)
		return;
	if (s->watching)
		pt_modwatch_stop(&s->mw);
	ring_buffer__free(s->rb);
	pt_msix_sampler_free(s->sampler);
	pt_xen_sampler_free(s->xen);
	if (s->plans)
		pt_probes_detach(s->plans);
	collect_bpf__destroy(s->skel);
	pt_lost_reader_free(&s->lost);
	free(s->plans);
	if (s->env_ok)
		pt_env_free(&s->env);
	free(s->devices);
	free(s);
}

const struct pt_session_stats *pt_session_stats(const struct pt_session *s)
{
	return &s->stats;
}

size_t pt_session_dead(const struct pt_session *s, char *buf, size_t len)
{
	return pt_modwatch_dead(&s->mw, buf, len);
}

size_t pt_session_prog_fds(const struct pt_session *s, int *fds, size_t max)
{
	struct bpf_program *p;
	size_t n = 0;

	bpf_object__for_each_program(p, s->skel->obj) {
		int fd = bpf_program__fd(p);

		if (fd >= 0 && n < max)
			fds[n++] = fd;
	}
	return n;
}

void pt_session_print_stats(const struct pt_session *s, FILE *f)
{
	pt_probes_print_stats(f, s->skel, s->plans);
}

/* ------------------------------------------------------------ into a log */

struct log_run {
	struct pt_log_writer *w;
	unsigned long long written;
	int write_err;
};

static void write_event(const struct pt_event *ev, void *arg)
{
	struct log_run *r = arg;

	if (pt_log_write(r->w, ev)) {
		if (!r->write_err)
			r->write_err = errno ? errno : EIO;
		return;
	}
	/* what the collectors saw, not the session's own records */
	if (ev->hdr.type != PT_EV_LOST && ev->hdr.type != PT_EV_BLIND)
		r->written++;
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

int pt_session_record(struct pt_session *s, struct pt_session_log *l)
{
	struct pt_log_header hdr;
	struct log_run r = { 0 };
	__u64 deadline = 0, next_flush;
	unsigned long long flushed = 0;	/* r.written at the last flush */
	char msg[256];
	int err, ret;

	l->created = false;
	if (pt_session_header(s, &hdr)) {
		fprintf(stderr, "%s: out of memory\n", l->who);
		return PT_EXIT_FAIL;
	}
	r.w = pt_log_create_fd(l->fd, l->path, &hdr, msg, sizeof(msg));
	if (!r.w) {
		fprintf(stderr, "%s: %s\n", l->who, msg);
		pt_log_header_free(&hdr);
		return PT_EXIT_FAIL;
	}
	l->created = true;
	print_probe_tally(&hdr, l->path, l->duration > 0);
	pt_log_header_free(&hdr);

	if (l->duration > 0)
		deadline = s->start_ns + (__u64)(l->duration * 1e9);
	next_flush = s->start_ns + LOST_PERIOD_NS;
	while (!*l->stop) {
		__u64 now = pt_mono_ns();
		long timeout = 100;

		if (deadline && now >= deadline)
			break;
		if (deadline && (long)((deadline - now) / 1000000) < timeout)
			timeout = (deadline - now) / 1000000;
		err = pt_session_poll(s, timeout, write_event, &r);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "%s: ring buffer: %s\n", l->who,
				strerror(-err));
			break;
		}
		/*
		 * After every batch that wrote events, so that a dom0 that
		 * dies leaves on disk all that the ring buffer had handed
		 * over (one write per batch: batches grow with the rate);
		 * and once a second for the lost-event records.
		 */
		if (r.written != flushed || err > 0 || now >= next_flush) {
			pt_log_flush(r.w);
			flushed = r.written;
			next_flush = now + LOST_PERIOD_NS;
		}
		if (r.write_err) {
			fprintf(stderr, "%s: writing %s: %s\n", l->who, l->path,
				strerror(r.write_err));
			break;
		}
	}
	pt_session_stop(s, write_event, &r);
	/* detached, still loaded: the counts are final */
	if (l->bpf_stats)
		pt_session_print_stats(s, stderr);
	ret = r.write_err ? PT_EXIT_FAIL : PT_EXIT_OK;
	if (pt_log_finish(r.w, s->stats.lost))
		ret = PT_EXIT_FAIL;
	fprintf(stderr, "ptrace: %llu events written, %llu lost, %llu filtered out\n",
		r.written, s->stats.lost, s->stats.filtered);
	if (s->stats.xen_misses)
		fprintf(stderr, "ptrace: Xen's mask view missed %llu passes, each a blind record in the log\n",
			s->stats.xen_misses);
	return ret;
}
