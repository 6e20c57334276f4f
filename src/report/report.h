/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ptrace report: what report.c (options, replay, JSON) shares with the
 * text story (report_text.c) and the terminal glue (report_term.c).
 */
#ifndef PT_REPORT_H
#define PT_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "pt_log.h"
#include "pt_model.h"

/* One event of a device's timeline, in time order. */
struct tl_entry {
	unsigned long line;
	__u64 ts;
	__u32 sbdf;
	__u32 pid;
	__u16 type;
	__u16 kind;
	int domid;		/* pciback: the guest, else PT_NONE */
	bool unowned;		/* pciback op naming a slot its guest does not own */
	bool op_decoded;	/* pciback op with its request and answer (schema 1.3) */
	bool late;		/* came out of the reorder window late */
	char text[160];
};

/*
 * A timeline keeps its first TL_HEAD events and a ring of its last
 * TL_TAIL, and only counts the ones in between: the report's memory does
 * not grow with the log.  --full keeps every event in v.
 */
#define TL_HEAD		512
#define TL_TAIL		512

struct timeline {
	const struct pt_device *dev;
	struct tl_entry *v;		/* the first events (--full: all) */
	size_t n, cap;
	struct tl_entry *ring;		/* the last TL_TAIL after those */
	size_t nring;			/* ever added to the ring */
	/* the events that left the ring: counted, not kept */
	unsigned long long left;
	unsigned long left_lo, left_hi;	/* their lines */
	__u64 left_t0, left_t1;		/* their times */
};

/* An event the reorder window could not put in place: [ts, released]. */
struct late_span {
	unsigned long line;
	__u64 ts;
	__u64 released;		/* newest timestamp already given to the model */
};

#define REPORT_LATE_MAX	64

struct report {
	struct timeline *tl;
	size_t ntl, captl;
	struct timeline global;		/* events no device could be joined to */
	__u64 t0;
	bool have_t0;
	bool want_timeline;
	bool full;			/* --full: nothing folded */
	bool color;
	__u64 newest;			/* newest event timestamp delivered */
	struct late_span late[REPORT_LATE_MAX];
	size_t nlate;
};

struct timeline *report_timeline_of(struct report *r, const struct pt_device *d);
/* Room for the next event of t (full: keep every event). */
struct tl_entry *timeline_push(struct timeline *t, bool full);
/* Ring entry i (0 = oldest kept) after the first events. */
const struct tl_entry *timeline_tail(const struct timeline *t, size_t i);
size_t timeline_tail_count(const struct timeline *t);
void timeline_free(struct timeline *t);

/* The human-readable story: summary, findings, timelines. */
void report_text(FILE *out, struct report *r, const char *path,
		 const struct pt_log_header *h, const struct pt_model *m,
		 const struct pt_replay *res, __u32 only);

/* --color=WHEN: "auto", "always", "never"; -1 if none of them. */
int report_color_parse(const char *when);
/* Decide colour for WHEN (0 never, 1 always, 2 auto) before any pager. */
bool report_color_wanted(int when);
/* Page stdout through $PTRACE_PAGER / $PAGER / less -FRX on a terminal. */
void report_pager_start(void);
/* Flush and wait for the pager, if one was started. */
void report_pager_end(void);

#endif /* PT_REPORT_H */
