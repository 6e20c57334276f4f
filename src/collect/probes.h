/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The probe table: every kernel hook the recorder knows, one row each,
 * and the planner that decides per row what this kernel can attach.
 * docs/probes.md describes the rows.
 */
#ifndef PT_PROBES_H
#define PT_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "pt_attach.h"
#include "pt_log.h"

struct btf;
struct bpf_link;

#define PT_PROBE_MAX_ALTS	3

enum pt_module {
	PT_MOD_VMLINUX = 0,
	PT_MOD_PCIBACK,		/* xen_pciback */
	PT_MOD_PRIVCMD,		/* xen_privcmd */
};

#define PT_MOD_COUNT	3

/*
 * One kernel function a row may use.  hook is its number in PT_HOOKS
 * (bpf/collect.h): the BPF cookie of the shared programs, and the key
 * of its own programs fe_<prog>/fx_<prog>, kp_<prog>/kr_<prog>.
 */
struct pt_probe_alt {
	const char *func;	/* name in the source; .isra/.constprop ok */
	const char *prog;	/* fe_<prog>/fx_<prog>, kp_<prog>/kr_<prog> */
	unsigned int hook;	/* enum pt_hook */
};

struct pt_probe_def {
	const char *name;
	enum pt_module module;
	struct pt_probe_alt alt[PT_PROBE_MAX_ALTS];	/* in order of preference */
	unsigned int attach;	/* enum pt_attach bits, fentry preferred */
	bool exit;		/* has a return hook (fexit/kretprobe) */
	bool required;		/* --strict fails without it */
	bool xen;		/* exists only in a Xen-enabled kernel */
	const char *events;	/* what it feeds */
	const char *kernels;	/* where the function exists */
	const char *if_missing;	/* consequence, one line */
};

extern const struct pt_probe_def pt_probe_table[];
extern const size_t pt_probe_count;

const char *pt_module_name(enum pt_module m);

/* What the running kernel offers, found once. */
struct pt_env {
	bool root;
	bool btf;		/* /sys/kernel/btf/vmlinux */
	bool kprobes;		/* kprobe PMU present (CONFIG_KPROBES) */
	bool fentry;		/* a tracing program loads */
	int fentry_err;		/* errno of the fentry probe load */
	bool fentry_off;	/* turned off by the user */
	bool fentry_unprobed;	/* not probed: no row of the plan can take it */
	bool kprobe_cookie;	/* BPF cookies on kprobes (perf links): shared programs */
	bool kprobe_multi;	/* kprobe_multi links (CONFIG_FPROBE) */
	int kprobe_multi_err;	/* errno of the kprobe_multi probe */
	bool pin_modules;	/* fentry on module functions too (--pin-modules) */
	bool xen;		/* running on Xen */
	bool xen_dom0;		/* ... as the control domain */
	bool symbols;		/* a function list could be read */
	const char *symsrc;	/* BTF, else available_filter_functions or kallsyms */
	bool mod_loaded[3];	/* by enum pt_module */
	bool mod_btf[3];
	char kernel[128];
	char xen_version[32];
	char dom0_mode[8];
	/* signature variants, from BTF (see bpf/collect.bpf.c) */
	bool init_device_psdev;
	bool startup_pirq_info;
	bool unbind_info;
	/* sorted function names (private to probes.c) */
	char **syms;
	size_t nsyms;
	struct btf *vmlinux_btf;
	struct btf *mod_btfs[3];
};

/* What the plan will be asked for, known before the environment is probed. */
struct pt_env_wants {
	bool no_fentry;		/* plan as if fentry were unavailable (--no-fentry) */
	/*
	 * fentry on module functions too (--pin-modules): each such program
	 * holds a reference on its module while attached, so rmmod fails.
	 */
	bool pin_modules;
	/*
	 * Probe fentry even where no row can take it (ptrace probes, which
	 * reports the kernel's every answer); else a start-up skips it.
	 */
	bool every_feature;
};

int pt_env_probe(struct pt_env *env, const struct pt_env_wants *w);
void pt_env_free(struct pt_env *env);
/* Signature variants read from another kernel's BTF (--btf). */
int pt_env_variants_from(struct pt_env *env, const char *btf_path);

/* How a planned row's hooks reach their body (see bpf/collect.bpf.c). */
enum pt_probe_via {
	PT_VIA_OWN = 0,		/* its own programs: fe_/fx_ or kp_/kr_ <prog> */
	PT_VIA_COOKIE,		/* kp_cookie/kr_cookie, its hook as BPF cookie */
	PT_VIA_MULTI,		/* km_entry/km_exit in one kprobe_multi link */
	PT_VIA_MODULE,		/* kp_module/kr_module: a module row beside MULTI */
	PT_VIA_COUNT,
};

/* Decision for one row. */
struct pt_probe_plan {
	const struct pt_probe_def *def;
	int alt;			/* chosen alternative, -1 none */
	enum pt_attach kind;		/* chosen kind */
	char func[128];			/* symbol used (may be .isra) */
	enum pt_probe_state state;
	char reason[160];
	struct bpf_link *link[2];	/* entry, exit */
	bool dead;			/* its module went away: links gone */
	enum pt_probe_via via;		/* set by pt_probes_load() */
};

struct collect_bpf;

/*
 * Choose, per row, function and attach kind for this kernel.  plans has
 * pt_probe_count entries.  Never fails: rows that cannot work are
 * PT_PROBE_MISSING with a reason.
 */
void pt_probes_plan(const struct pt_env *env, struct pt_probe_plan *plans);

enum pt_load_mode {
	PT_LOAD_PLAN = 0,	/* the planned variant of each row */
	PT_LOAD_ALL_KPROBES,	/* every kprobe program: verifier coverage */
};

/*
 * Open and load the collectors for the plan.  Kprobe rows share the
 * programs kp_cookie/kr_cookie (km_entry/km_exit with kprobe_multi)
 * where the kernel has BPF cookies, so one verification serves them
 * all; PTRACE_PER_HOOK=1 in the environment gives every row its own
 * programs instead (per-function BPF run-time counters, for
 * benchmarks).  If the kernel refuses the object, the refused row is
 * found by loading halves of the plan (no log text is read), falls
 * back (shared -> own programs, fentry -> kprobe), then is marked
 * FAILED; the others still load.  Returns the skeleton or NULL (err
 * set).
 */
/* PTRACE_PER_HOOK is set (not "0"): every row gets its own programs. */
bool pt_probes_per_hook(void);

struct collect_bpf *pt_probes_load(const struct pt_env *env,
				   struct pt_probe_plan *plans,
				   enum pt_load_mode mode, size_t ringbuf,
				   int *err, char *msg, size_t msglen);

/*
 * Open the planned rows' per-function kprobes in a thread, to run while
 * pt_probes_load() verifies the programs (kprobe_arm.h).  NULL when
 * there is nothing to gain (kprobe_multi, no kprobe PMU): attaching
 * then opens them itself.
 */
struct pt_probes_arm;
struct pt_probes_arm *pt_probes_arm(const struct pt_env *env,
				    const struct pt_probe_plan *plans);
/* Close what attaching did not take; returns how many were opened. */
size_t pt_probes_arm_free(struct pt_probes_arm *pa);

/* Attach every loaded row, with pa's events if any; failures only mark the row. */
void pt_probes_attach(struct collect_bpf *skel, struct pt_probe_plan *plans,
		      struct pt_probes_arm *pa);
void pt_probes_detach(struct pt_probe_plan *plans);

/* Counts by state; required_missing counts required rows not attached. */
void pt_probes_count(const struct pt_probe_plan *plans, size_t *attached,
		     size_t *missing, size_t *required_missing);

/* Copy into a log header (allocates hdr->probes). */
int pt_probes_to_header(const struct pt_probe_plan *plans,
			struct pt_log_header *hdr);

/*
 * Modules the plan pins (fentry rows in a module), as "xen_pciback (9
 * programs), ..." into buf; returns the number of modules.
 */
size_t pt_probes_pinned(const struct pt_probe_plan *plans, char *buf, size_t len);

/* Human report on f: one line per row. */
void pt_probes_print(FILE *f, const struct pt_probe_plan *plans, bool loaded);

/*
 * Per attached program: BPF run count and run time since load (counted
 * only while kernel.bpf_stats_enabled is 1), one line each, then the total.
 */
void pt_probes_print_stats(FILE *f, struct collect_bpf *skel,
			   const struct pt_probe_plan *plans);

const char *pt_attach_name(enum pt_attach kind, bool exit);
const char *pt_probe_state_name(enum pt_probe_state s);

/*
 * Relocate CO-RE against this BTF (a vmlinux ELF or raw BTF) instead of
 * the running kernel's: with PT_LOAD_ALL_KPROBES, verifies the
 * collectors for another kernel.  Module BTF is then not used.
 */
void pt_probes_set_btf(const char *path);
/* i-th CO-RE relocation the last load left unresolved: count, or -1. */
int pt_probes_unresolved(size_t i, const char **spec);

/*
 * The collectors' per-CPU drop counters, read as exact lost records: one
 * PT_EV_LOST event per CPU that dropped anything since the last read.
 * Shared by the recorder and the live TUI.
 */
struct pt_lost_reader {
	int fd;			/* the "lost" per-CPU array map */
	int ncpus;
	__u64 *prev;		/* per CPU, as last read */
	__u64 *buf;
	__u64 since;		/* end of the last loss window */
};

int pt_lost_reader_init(struct pt_lost_reader *lr, int map_fd, __u64 start_ns);
/* Emit the lost records due now; returns how many events they count. */
__u64 pt_lost_reader_flush(struct pt_lost_reader *lr, __u64 now,
			   void (*emit)(const struct pt_event *ev, void *arg),
			   void *arg);
void pt_lost_reader_free(struct pt_lost_reader *lr);

/*
 * Module unload and load while tracing.  A kprobe in a module dies with
 * it and does not come back when the module is loaded again; the
 * collectors' mw_load/mw_free programs (raw tracepoints module_load and
 * module_free) count each module's loads and unloads in the "modstate"
 * map, and pt_modwatch_poll() turns a change into: the module's rows
 * detached and marked dead, then re-attached once it is back, and one
 * PT_EV_BLIND record for the gap.  Without the tracepoints (attach
 * refused) it polls /sys/module instead, which misses a reload faster
 * than one poll.
 */
struct pt_modwatch {
	int fd;				/* the modstate map; -1: polling */
	struct bpf_link *link[2];	/* mw_load, mw_free */
	__u64 gen[PT_MOD_COUNT];	/* as last seen */
	bool present[PT_MOD_COUNT];	/* polling: /sys/module/<m> existed */
	__u64 dead_since[PT_MOD_COUNT];	/* 0: its rows are alive */
	unsigned int ndead[PT_MOD_COUNT];
	bool said_retry[PT_MOD_COUNT];
	char how[96];			/* "module tracepoints" or why polling */
};

/* Start watching; never fails (falls back to polling). */
void pt_modwatch_start(struct pt_modwatch *mw, struct collect_bpf *skel,
		       const struct pt_probe_plan *plans);
/*
 * Act on any load or unload since the last call.  emit gets the blind
 * records; say (may be NULL) one line per change for the user.
 * Returns true when some row changed state.
 */
/* A blind record (docs/trace-format.md): kind, from since to now. */
void pt_blind_record(struct pt_event *ev, unsigned int kind, __u64 since,
		     __u64 now, __u32 probes);

bool pt_modwatch_poll(struct pt_modwatch *mw, struct collect_bpf *skel,
		      struct pt_probe_plan *plans, __u64 now,
		      void (*emit)(const struct pt_event *ev, void *arg),
		      void (*say)(void *arg, const char *line), void *arg);
/* At the end: a blind record for every module still dead, up to now. */
void pt_modwatch_finish(struct pt_modwatch *mw, struct pt_probe_plan *plans,
			__u64 now,
			void (*emit)(const struct pt_event *ev, void *arg),
			void *arg);
/* "xen_pciback: 11 probes dead" for the dead modules, "" if none; count. */
size_t pt_modwatch_dead(const struct pt_modwatch *mw, char *buf, size_t len);
void pt_modwatch_stop(struct pt_modwatch *mw);

/* bpf_prog_get_info_by_fd(), under either of libbpf's names for it. */
struct bpf_prog_info;
int pt_bpf_prog_info(int fd, struct bpf_prog_info *info, __u32 *len);

/* CLOCK_MONOTONIC in ns: the clock of the collectors' events (bpf_ktime_get_ns). */
static inline __u64 pt_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* libbpf messages: quiet unless verbose. */
void pt_libbpf_verbose(bool on);
/*
 * Seconds since this process was exec'd (its start time in
 * /proc/self/stat), -1 if unknown: what the dynamic loader took before
 * main is part of the start-up a user waits for; the clock of the
 * start-up line and of verbose stamps.
 */
double pt_since_exec(void);
/*
 * With verbose on, one line "[  secs] ptrace: WHAT" on stderr, on the
 * clock of libbpf's stamped messages: the session's steps between them.
 */
void pt_verbose_mark(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/*
 * Route libbpf's messages through the quiet printer and forget the
 * unresolved relocations of any earlier load (for objects other than
 * the collectors, loaded with their own skeletons).
 */
void pt_libbpf_log_begin(void);
/*
 * Collect the CO-RE relocations left unresolved (pt_probes_unresolved())
 * from libbpf's debug messages: only a diagnostic asks for it.
 */
void pt_libbpf_note_relocations(bool on);

#endif /* PT_PROBES_H */
