// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace dump --trace S: a short live capture before the snapshot.
 *
 * The capture is the recorder's collector session (collect/session.h:
 * same probes, same loss accounting, same log format), run for S seconds
 * into a log, then replayed through the model like `ptrace check`: the dump
 * gains the events' count, the lost count and the findings the events
 * prove, and the snapshot that follows shows the state they led to.
 * With --trace-log FILE the recording is kept; otherwise it lives in a
 * private temporary directory removed afterwards.
 *
 * A capture only sees what happens inside its window, but the rules
 * need some state from before it: a reset is only "before unbind" if the
 * model knows the guest's pirqs are mapped.  So the model starts from
 * the kernel's own irq records, read just before recording: each
 * guest's MSI/MSI-X pirq bound in dom0 becomes a pirq bind_msi event at
 * the capture's start, attributed to "[irq records]" (pid 0, line 0),
 * so a finding that cites one says where it came from.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "dump.h"
#include "lib/host.h"
#include "pt_outfile.h"
#include "collect/probes.h"
#include "collect/session.h"
#include "bpf/irqwalk.h"

/* The device whose msi_irqs/ lists irq, PT_SBDF_NONE if none. */
static __u32 msi_irq_owner(int irq)
{
	struct dirent *de;
	char path[512];
	__u32 sbdf = PT_SBDF_NONE;
	DIR *dir = pt_host_opendir(PT_HOST_PCI);

	if (!dir)
		return sbdf;
	while ((de = readdir(dir)) && sbdf == PT_SBDF_NONE) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), PT_HOST_PCI "/%s/msi_irqs/%d",
			 de->d_name, irq);
		if (pt_host_exists(path) && pt_sbdf_parse(de->d_name, &sbdf))
			sbdf = PT_SBDF_NONE;
	}
	closedir(dir);
	return sbdf;
}

/* Guest MSI/MSI-X pirqs bound in dom0 now, as bind_msi events at ts. */
static size_t seed_events(struct dump_trace *t, struct pt_event **out, __u64 ts)
{
	struct dump tmp = { .root = true };
	struct pt_irq_rec *recs = NULL;
	struct pt_event *ev = NULL;
	size_t nrecs = 0, n = 0, cap = 0, i;

	dump_xen_detect(&tmp);
	if (dump_irq_records(&tmp, &recs, &nrecs)) {
		snprintf(t->seed_note, sizeof(t->seed_note), "%s", tmp.bpf_walk);
		goto out;
	}
	for (i = 0; i < nrecs; i++) {
		const struct pt_irq_rec *r = &recs[i];
		struct pt_event *e;
		__u32 sbdf;

		/* an MSI pirq has no GSI; msi_irqs/ names its device */
		if (r->type != PT_IRQT_PIRQ || r->gsi ||
		    pt_domid_norm(r->domid) == 0)
			continue;
		sbdf = msi_irq_owner(r->irq);
		if (sbdf == PT_SBDF_NONE)
			continue;
		e = PT_PUSH(ev, n, cap);
		e->hdr.ts_ns = ts;
		e->hdr.sbdf = sbdf;
		e->hdr.type = PT_EV_PIRQ;
		e->hdr.kind = PT_PIRQ_BIND_MSI;
		e->hdr.ret = r->irq;
		e->hdr.flags = PT_EVF_HAS_RET;
		snprintf(e->hdr.comm, sizeof(e->hdr.comm), "[irq records]");
		e->pirq.gsi = PT_NONE;
		e->pirq.pirq = r->pirq;
		e->pirq.irq = r->irq;
		e->pirq.domid = r->domid;
		e->pirq.entry = PT_NONE;
		e->pirq.nvec = 1;
	}
out:
	for (i = 0; i < tmp.nnotes; i++)
		free(tmp.notes[i]);
	free(tmp.notes);
	dump_xen_free(&tmp.xen);
	free(recs);
	*out = ev;
	return n;
}

static volatile sig_atomic_t capture_stop;

static void on_signal(int sig)
{
	capture_stop = 1;
}

/*
 * S seconds of the collector session into t->log, as `ptrace record
 * --duration S` writes it; SIGINT or SIGTERM ends the capture early and
 * the dump goes on.  PT_EXIT_*, the reason on stderr.
 */
static int capture(struct dump_trace *t, double seconds)
{
	struct pt_session_opts so = {
		.report = stderr, .sampler_row = true,
		.sample_msix_ms = t->sample_msix_ms,
		.sample_xen_ms = t->sample_xen_ms,
	};
	struct pt_session_log log = {
		.who = "ptrace dump", .path = t->log, .duration = seconds,
		.stop = &capture_stop,
	};
	struct sigaction sa, old_int, old_term;
	struct pt_session *s = NULL;
	bool created = false;
	char msg[256];
	int rc;

	/* an existing --trace-log is kept: the dump has no --force */
	log.fd = pt_outfile_open(t->log, 0, &created, msg, sizeof(msg));
	if (log.fd < 0) {
		fprintf(stderr, "ptrace dump: %s\n", msg);
		return PT_EXIT_USAGE;
	}
	capture_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = pt_session_open(&so, &s, msg, sizeof(msg));
	if (rc)
		fprintf(stderr, "ptrace dump: %s\n", msg);
	else
		rc = pt_session_record(s, &log);
	pt_session_close(s);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	close(log.fd);
	/* nothing recorded: leave no empty file behind */
	if (!log.created && created)
		unlink(t->log);
	return rc;
}

int dump_trace(struct dump *d, double seconds, const char *keep)
{
	struct dump_trace *t = &d->trace;
	char dir[] = "/tmp/ptrace-dump-XXXXXX", err[200];
	struct pt_replay res = { 0 };
	struct pt_event *seeds = NULL;
	size_t i;
	int rc;

	t->asked = true;
	t->seconds = seconds;
	t->exit = PT_EXIT_FAIL;
	if (keep) {
		snprintf(t->log, sizeof(t->log), "%s", keep);
		t->kept = true;
	} else {
		if (!mkdtemp(dir)) {
			snprintf(t->note, sizeof(t->note), "temporary directory: %s",
				 strerror(errno));
			return t->exit;
		}
		snprintf(t->log, sizeof(t->log), "%s/trace.jsonl", dir);
	}
	t->seeded = seed_events(t, &seeds, pt_mono_ns());
	t->exit = capture(t, seconds);
	if (t->exit != PT_EXIT_OK) {
		snprintf(t->note, sizeof(t->note),
			 "the recording exited %d (its message is above)", t->exit);
		goto out;
	}
	t->model = pt_model_new();
	if (!t->model) {
		t->exit = PT_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < t->seeded; i++)
		pt_model_apply(t->model, &seeds[i], 0);
	rc = pt_replay_file(t->log, t->model, NULL, NULL, &res, err, sizeof(err));
	if (rc) {
		snprintf(t->note, sizeof(t->note), "replaying the capture: %s", err);
		t->exit = PT_EXIT_FAIL;
		goto out;
	}
	t->ok = true;
	/* the recording's own events, not the seeded bindings */
	t->events = res.events;
	t->lost = pt_model_stats(t->model)->lost;
	t->complete = res.complete;
out:
	free(seeds);
	if (!keep) {
		unlink(t->log);
		rmdir(dir);
		t->log[0] = '\0';
	}
	return t->exit;
}

void dump_trace_free(struct dump_trace *t)
{
	if (t->model)
		pt_model_free(t->model);
	t->model = NULL;
}
