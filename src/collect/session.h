/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One collector session: the BPF collectors from the environment to
 * decoded events, in one straight line.  `ptrace record`, live `ptrace
 * top` and `ptrace dump --trace` all run it.
 *
 *	pt_session_open()	root, environment, BTF, plan, load, Xen dom0,
 *				module watch, attach, --strict, ring buffer,
 *				lost-event reader, MSI-X table sampler
 *	pt_session_header()	the trace log header of this session
 *	pt_session_poll()	events, decoded (hypercall arguments too), and
 *				the lost and blind records the session makes
 *	pt_session_stop()	detach, then drain: nothing after, nothing lost
 *	pt_session_close()
 *
 * Each step that fails says why in one line and gives a defined exit
 * code (docs/ptrace.8, EXIT STATUS): 3 not permitted, 4 no Xen dom0,
 * 5 --strict and a required probe missing, 6 anything else.
 */
#ifndef PT_SESSION_H
#define PT_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "pt_log.h"

struct pt_env;
struct pt_session;

/* What a session refuses without root, and what record says then. */
#define PT_SESSION_NEEDS_ROOT \
	"needs root (loading BPF programs needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)"

struct pt_session_opts {
	/* each step as it is taken (environment, per-probe outcome); NULL: quiet */
	FILE *report;
	bool no_fentry;		/* kprobes only */
	bool pin_modules;	/* fentry on module functions too */
	bool allow_no_xen;	/* trace even where this is not a Xen dom0 */
	bool strict;		/* a required probe missing: exit 5 */
	size_t ringbuf;		/* bytes, a power of two; 0: the default */
	/*
	 * Only events of these devices (events without a device pass: the
	 * model joins them later); the sampler's devices.  Copied.
	 */
	const __u32 *devices;
	size_t ndevices;
	/*
	 * MSI-X table sampler period: 0 the default, PT_SAMPLE_MSIX_MS;
	 * negative: off.  Only devices bound to pciback are read.
	 */
	long sample_msix_ms;
	/*
	 * Xen mask sampler period (collect/xen_sampler.h); 0 or negative:
	 * off, the default, since every pass prints into Xen's console ring.
	 */
	long sample_xen_ms;
	/* the header lists the sampler (running or off) among the probes */
	bool sampler_row;
};

/*
 * The sampler's default period.  Its cost is measured by
 * tests/bench/msix-sampler (docs/performance.md): CPU per second per
 * device falls with the period.
 */
#define PT_SAMPLE_MSIX_MS	100

typedef void (*pt_session_cb)(const struct pt_event *ev, void *ctx);

struct pt_session_stats {
	unsigned long long lost;	/* events the collectors dropped */
	unsigned long long filtered;	/* events of other devices (--device) */
	unsigned long long xen_misses;	/* Xen mask view passes that read nothing */
};

/*
 * Every step up to the first event.  Returns PT_EXIT_OK and *out, or an
 * exit code with the reason in err (no prefix, one line).
 */
int pt_session_open(const struct pt_session_opts *o, struct pt_session **out,
		    char *err, size_t len);

/*
 * The log header: environment, start time, the PCI functions present,
 * every probe's outcome and the sampler.  0, or -ENOMEM (hdr freed).
 */
int pt_session_header(const struct pt_session *s, struct pt_log_header *hdr);

/*
 * Wait up to timeout_ms (0: do not wait) for events and hand each to cb:
 * ring buffer events of the wanted devices, hypercall arguments decoded,
 * the sampler's events, and lost (once a second) and blind records (a
 * module unloaded).  Returns 0, 1 when probes died or came back since
 * the last call (pt_session_dead()), or -errno of the ring buffer.
 */
int pt_session_poll(struct pt_session *s, int timeout_ms, pt_session_cb cb,
		    void *ctx);

/*
 * Detach every probe, then hand cb what is left: the ring buffer, a last
 * sample, the last lost records, a blind record for a module still gone.
 */
void pt_session_stop(struct pt_session *s, pt_session_cb cb, void *ctx);

void pt_session_close(struct pt_session *s);

const struct pt_session_stats *pt_session_stats(const struct pt_session *s);
/* "xen_pciback: 11 probes dead", "" if none; how many modules. */
size_t pt_session_dead(const struct pt_session *s, char *buf, size_t len);
/* The loaded BPF programs (their run time is ptrace's own). */
size_t pt_session_prog_fds(const struct pt_session *s, int *fds, size_t max);
/* --bpf-stats: run count and time per program (after pt_session_stop). */
void pt_session_print_stats(const struct pt_session *s, FILE *f);

/* "ptrace: kernel 6.1.0, Xen 4.17 dom0 pv, BTF yes, ..." */
void pt_session_env_summary(FILE *f, const struct pt_env *env);

/*
 * A session into a trace log: the header, every event, the end trailer.
 * Runs until *stop (a signal handler sets it), the duration or a write
 * error; says on stderr what it records and, at the end, how much.
 */
struct pt_session_log {
	const char *who;	/* prefix of messages: "ptrace record" */
	const char *path;	/* names the log in messages ("-": stdout) */
	int fd;			/* the log, from pt_outfile_open() or stdout */
	double duration;	/* seconds; 0: until *stop */
	volatile sig_atomic_t *stop;
	bool bpf_stats;		/* print pt_session_print_stats() at the end */
	bool created;		/* out: the log was written (header at least) */
};

/* PT_EXIT_OK, or PT_EXIT_FAIL with the reason on stderr. */
int pt_session_record(struct pt_session *s, struct pt_session_log *l);

#endif /* PT_SESSION_H */
