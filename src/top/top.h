/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ptrace-top: the live TUI.
 *
 * The screen only ever looks at a struct pt_model.  Events reach the
 * model through a struct top_source, so a recorded log (replay) and the
 * BPF ring buffer (live) are interchangeable: top asks a source for the
 * next batch of events due by some point of the event clock and applies
 * them in order.
 */
#ifndef PT_TOP_H
#define PT_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "pt_log.h"
#include "pt_model.h"

enum top_src_status {
	TOP_SRC_MORE = 0,	/* more events may follow, now or later */
	TOP_SRC_END,		/* the source is exhausted */
	TOP_SRC_ERROR,		/* stopped on a bad record: see err */
};

/* "Everything available": live sources and replay at --speed 0. */
#define TOP_UNTIL_ALL	(~0ULL)

struct top_source;

struct top_source_ops {
	const char *name;	/* "replay", "live" */
	/*
	 * Copy up to max events with ts <= until (event clock, ns) into
	 * out[] and set *n.  Returns enum top_src_status; the events
	 * delivered before an END or ERROR are valid.
	 */
	int (*next_batch)(struct top_source *s, __u64 until,
			  struct pt_evref *out, size_t max, size_t *n);
	/* Timestamp of the next pending event; false if none is known. */
	bool (*peek_ts)(struct top_source *s, __u64 *ts);
	/* BPF programs whose run time is ptrace's own overhead. */
	size_t (*prog_fds)(struct top_source *s, int *fds, size_t max);
	void (*close)(struct top_source *s);
};

struct top_source {
	const struct top_source_ops *ops;
	const struct pt_log_header *hdr;	/* probes and dom0 mode */
	bool live;
	const char *label;	/* shown in the title bar */
	char err[512];		/* why TOP_SRC_ERROR, or a note at END */
	char dead[160];		/* live: probes dead now (module unloaded), "" if none */
	void *priv;
};

/*
 * A recorded log.  Returns NULL with the reader's message (file:line)
 * in err when the file cannot be opened or its header is bad.
 */
struct top_source *top_replay_open(const char *path, char *err, size_t len);

/*
 * The running system.  Returns PT_EXIT_OK and *out, or a PT_EXIT_* code
 * with a message for the user in err (no root, no Xen, ...).
 * allow_no_xen runs on a kernel without Xen too (the generic PCI probes
 * only), as 'ptrace record --allow-no-xen' does: for testing.
 */
int top_live_open(struct top_source **out, bool allow_no_xen,
		  long sample_msix_ms, long sample_xen_ms, char *err,
		  size_t len);

static inline void top_source_close(struct top_source *s)
{
	if (s)
		s->ops->close(s);
}

/* ------------------------------------------------------------ host data */

/*
 * Names of the PCI devices present on this host, from pci.ids through
 * libpci.  The model knows no vendor/device ids, so devices that are not
 * on this host (a log recorded elsewhere) have no name.
 */
struct top_pci_names;
struct top_pci_names *top_pci_names_load(void);
/* From the ids a replayed log recorded in its header: no bus access. */
struct top_pci_names *top_pci_names_from_log(const struct pt_log_header *hdr);
const char *top_pci_name(const struct top_pci_names *n, __u32 sbdf);
void top_pci_names_free(struct top_pci_names *n);

/* Interrupt counts per Linux irq, from /proc/interrupts. */
struct top_irq_rates;
struct top_irq_rates *top_irq_rates_new(void);
/* Take a sample; rates are the deltas since the previous one. */
void top_irq_rates_sample(struct top_irq_rates *r);
/* Interrupts per second of one irq; -1 when unknown. */
double top_irq_rate(const struct top_irq_rates *r, int irq);
void top_irq_rates_free(struct top_irq_rates *r);

/*
 * BPF run time of ptrace's programs, as bpftop shows it: the sum of
 * run_time_ns.  Returns false when kernel.bpf_stats_enabled is off or
 * there is nothing to measure.
 */
bool top_bpf_run_time(const int *fds, size_t n, unsigned long long *ns);

/* ------------------------------------------------------------ the screen */

struct top_ui;

struct top {
	/* options */
	const char *replay;
	double speed;
	int interval_ms;
	long bench_frames;
	bool allow_no_xen;
	long sample_msix_ms;	/* live: the session's, 0 default, < 0 off */
	long sample_xen_ms;	/* live: Xen's mask view, 0 off */
	bool batch;		/* --batch: text frames, no curses */
	unsigned long long iterations;	/* --batch: frames to print, 0 no end */

	struct top_source *src;
	int src_status;		/* enum top_src_status of the last batch */
	struct pt_model *m;
	struct top_pci_names *names;
	struct top_irq_rates *rates;

	double started;		/* top_now() when the source opened */

	/* replay clock (top.c) */
	bool clock_started;
	__u64 ts_base;
	double wall_base;
	bool paused;
	double paused_at, paused_total;
	struct pt_evref *held;	/* live events read while paused */
	size_t nheld, capheld;

	/* once-a-second figures */
	double rate_at;
	unsigned long long ev_prev;
	double ev_rate;
	bool bpf_known;
	unsigned long long bpf_prev;
	double bpf_ns_per_s;

	bool color;		/* colours on: a terminal that has them, no NO_COLOR */
	bool quit;
	struct top_ui *ui;	/* windows and view state (top_ui.c) */
};

double top_now(void);
void top_set_paused(struct top *t, bool paused);

void top_ui_init(struct top *t);
void top_ui_draw(struct top *t);
void top_ui_key(struct top *t, int ch);
void top_ui_free(struct top *t);
/* --batch: one frame as text, no curses. */
void top_ui_print(struct top *t, FILE *f);

#endif /* PT_TOP_H */
