/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The state model: from events alone, the picture of every device
 * (owner over time, GSI, irqs, pirqs, event channels, MSI/MSI-X state,
 * per-vector mask state, resets) and the findings of the ordering rules,
 * which subscribe to the model's events (src/core/rules.h).  pt_model_apply()
 * (src/core/analysis.c) applies an event to the state, then to the rules.
 *
 * Feed events in log order with pt_model_apply(); query at any point
 * (the TUI does, after each batch); call pt_model_finish() at the end of
 * a log so rules waiting for a follow-up event can conclude.
 */
#ifndef PT_MODEL_H
#define PT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include "ptrace_event.h"

/* An event as it appeared in the log: the proof a finding points to. */
struct pt_evref {
	unsigned long line;	/* 1-based log line, 0 if live and unnumbered */
	struct pt_event ev;
};

enum pt_owner {
	PT_OWNER_UNKNOWN = 0,
	PT_OWNER_DOM0,		/* a dom0 driver */
	PT_OWNER_PCIBACK,	/* held by xen-pciback, assignable */
	PT_OWNER_DOMAIN,	/* passed through to a guest */
};

struct pt_owner_change {
	__u64 ts;
	unsigned long line;
	enum pt_owner owner;
	int domid;
};

struct pt_vector {
	int entry;		/* MSI-X table entry (or MSI index) */
	int irq;		/* dom0 Linux irq */
	int pirq;
	int evtchn;
	int domid;		/* domain the pirq belongs to (0 for dom0) */
	int masked;		/* -1 unknown, 0 unmasked, 1 masked */
	unsigned int mask_transitions;
	bool live;		/* pirq still mapped */
};

/*
 * A pirq bound to the device's GSI (INTx) in one domain: dom0's own
 * binding (bind_gsi, or an event channel bound to the GSI's irq) and each
 * guest's, which the toolstack maps with map_pirq(GSI).  Xen lists them
 * all on the GSI's irq ("d0: 20, d2: 20").
 */
struct pt_gsi_bind {
	int domid;
	int pirq;
	int irq;		/* dom0 Linux irq: PT_NONE for a guest's */
	int evtchn;		/* dom0's event channel, PT_NONE if unbound */
	bool live;		/* pirq still mapped */
};

struct pt_reset {
	__u64 ts;
	unsigned long line;
	int method;		/* enum pt_reset_method */
	bool xen_told;		/* followed by a notification Xen accepted */
};

/*
 * The views of an MSI-X entry's mask bit (docs/trace-format.md, "Mask
 * views").  A transition is a change of one view's bit for one entry;
 * the first observation of a view is none.
 */
enum pt_mask_view {
	PT_MV_DEVICE = 0,	/* the device's own table (the sampler) */
	PT_MV_DOM0,		/* dom0 Linux's own mask writes */
	PT_MV_XEN,		/* Xen's belief: not traced yet, unknown */
	PT_MV_DM,		/* the device model's (HVM): not traced yet */
	PT_MV_MAX,
};

struct pt_mask_state {
	int masked;		/* -1 unknown, 0 unmasked, 1 masked */
	unsigned int transitions;
	/* the last change, or the first observation: 0 if never seen */
	__u64 last_ts;
	unsigned long last_line;
	/* who changed it, where the view knows (dom0's writer); pid 0: not */
	__u32 last_pid;
	char last_comm[PT_COMM_LEN];
};

/* One MSI-X table entry's mask bit as each view has it. */
struct pt_entry_mask {
	int entry;
	struct pt_mask_state view[PT_MV_MAX];
};

#define PT_RECENT_MAX	64

struct pt_device {
	__u32 sbdf;
	enum pt_owner owner;
	int domid;		/* owner domain when owner == PT_OWNER_DOMAIN */
	/*
	 * The last PT_HISTORY_MAX owner changes and resets (oldest first),
	 * so that a long trace does not grow the model; *_dropped counts
	 * the older ones no longer kept (pt_device_owner_changes() and
	 * pt_device_resets() give the totals).
	 */
	struct pt_owner_change *history;
	size_t nhistory;
	size_t history_dropped;

	int gsi;		/* PT_NONE if not known */
	int gsi_trigger;
	int gsi_polarity;
	int gsi_irq;		/* Linux irq of the GSI */
	int gsi_pirq;		/* dom0's pirq of the GSI */
	struct pt_gsi_bind *gsi_binds;	/* every domain's, in bind order */
	size_t ngsi_binds;

	bool msi_enabled;
	bool msix_enabled;
	int msix_ctrl;		/* last MSI-X Message Control seen, -1 unknown */
	int maskall;		/* -1 unknown, 0, 1 */

	struct pt_vector *vectors;
	size_t nvectors;

	struct pt_reset *resets;
	size_t nresets;
	size_t resets_dropped;

	unsigned long nevents;
	unsigned int nfindings;
	bool incomplete;	/* a lost-event window touched this device */

	/* the last PT_RECENT_MAX events attributed to this device, for
	 * display: the model and the rules never read it */
	struct pt_evref recent[PT_RECENT_MAX];
	size_t nrecent;		/* total ever added; ring index = n % MAX */

	/* per MSI-X entry, the mask bit in each view, sorted by entry */
	struct pt_entry_mask *entry_masks;
	size_t nentry_masks;
};

#define PT_HISTORY_MAX	256

/* Every owner change and reset of d since the trace began, kept or not. */
static inline size_t pt_device_owner_changes(const struct pt_device *d)
{
	return d->nhistory + d->history_dropped;
}

static inline size_t pt_device_resets(const struct pt_device *d)
{
	return d->nresets + d->resets_dropped;
}

enum pt_severity {
	PT_SEV_INFO = 0,
	PT_SEV_WARNING,
	PT_SEV_ERROR,
};

struct pt_rule {
	const char *code;	/* stable ID: "PT001" */
	const char *name;	/* stable slug: "reset-before-unbind" */
	enum pt_severity severity;
	const char *title;	/* one line */
	const char *remediation;	/* what to do about it, one line */
};

enum pt_finding_status {
	PT_FINDING_BUG = 0,		/* the events prove it */
	PT_FINDING_INCOMPLETE,		/* lost events: cannot be proven either way */
};

#define PT_PROOF_MAX	6

struct pt_finding {
	const struct pt_rule *rule;
	enum pt_finding_status status;
	__u32 sbdf;		/* PT_SBDF_NONE when no device is known */
	int domid;		/* PT_NONE when no domain is involved */
	__u64 ts;		/* when the rule concluded */
	char msg[256];
	struct pt_evref proof[PT_PROOF_MAX];
	int nproof;
};

struct pt_model_stats {
	unsigned long long events;
	unsigned long long per_type[PT_EV_MAX];
	unsigned long long lost;	/* sum of lost-record counts */
	unsigned long long lost_records;
	unsigned long long blind_records;	/* probes dead for a while */
	unsigned long long xen_view_blind;	/* Xen mask view passes not read */
	__u64 first_ts;
	__u64 last_ts;
};

struct pt_model;

struct pt_model *pt_model_new(void);
void pt_model_free(struct pt_model *m);

/* "pv", "pvh" or "" (unknown): some rules only apply to a PVH dom0. */
void pt_model_set_dom0_mode(struct pt_model *m, const char *mode);
/*
 * The samplers' periods in ms, from the log header (0 off, -1 not said):
 * how stale a sampled view may be.
 */
void pt_model_set_sampling(struct pt_model *m, long msix_ms, long xen_ms);
/* How long a rule waits for an expected follow-up event (default 1 s). */
void pt_model_set_window(struct pt_model *m, __u64 ns);

/* Returns the device the event was attributed to, or NULL. */
const struct pt_device *pt_model_apply(struct pt_model *m,
				       const struct pt_event *ev,
				       unsigned long line);
void pt_model_finish(struct pt_model *m);

size_t pt_model_device_count(const struct pt_model *m);
const struct pt_device *pt_model_device_at(const struct pt_model *m, size_t i);
const struct pt_device *pt_model_device(const struct pt_model *m, __u32 sbdf);

size_t pt_model_finding_count(const struct pt_model *m);
const struct pt_finding *pt_model_finding(const struct pt_model *m, size_t i);

const struct pt_model_stats *pt_model_stats(const struct pt_model *m);

/* Recent event i (0 = oldest kept) of a device; NULL past the end. */
const struct pt_evref *pt_device_recent(const struct pt_device *d, size_t i);
size_t pt_device_recent_count(const struct pt_device *d);

/* The mask views of MSI-X entry entry of d; NULL if no view saw it. */
const struct pt_entry_mask *pt_device_entry_mask(const struct pt_device *d,
						 int entry);
/* Whether a vector (live or gone) was ever set up for MSI-X entry entry. */
bool pt_device_entry_has_vector(const struct pt_device *d, int entry);
/* "device", "dom0", "xen", "dm": the views' names in text and JSON. */
const char *pt_mask_view_name(enum pt_mask_view v);
/*
 * A view's bit in a table cell: "yes/2" (masked, 2 transitions), "no/0",
 * "?" when the view never saw it (s NULL too).
 */
char *pt_mask_state_format(const struct pt_mask_state *s, char *buf,
			   size_t len);

const char *pt_owner_name(enum pt_owner owner);
/* "dom0", "pciback", "d3", "-": the owner column of tables. */
char *pt_device_owner_format(const struct pt_device *d, char *buf, size_t len);

/* The rule table (docs/rules.md has one page per rule). */
size_t pt_rule_count(void);
const struct pt_rule *pt_rule_at(size_t i);
/* By code ("PT001") or name ("reset-before-unbind"); NULL if unknown. */
const struct pt_rule *pt_rule_find(const char *code_or_name);
const char *pt_severity_name(enum pt_severity s);
const char *pt_finding_status_name(enum pt_finding_status s);

/* ---- replay and JSON (src/core/replay.c, src/core/modeljson.c) ---- */

struct pt_log_reader;

struct pt_replay {
	bool stopped;		/* stopped at until_ns: rules not concluded */
	unsigned long long events;
	bool truncated;		/* last line cut short: a killed recorder */
	bool complete;		/* "end" trailer seen */
	/* time order (include/pt_order.h, docs/trace-format.md) */
	__u64 order_window_ns;	/* the reorder window used */
	unsigned long long reordered;	/* events put back in time order */
	unsigned long long late;	/* beyond the window: order not restored */
	__u64 max_late_ns;	/* how far the worst of those was out */
	unsigned long first_late_line;	/* the first of them, 0 if none */
};

/*
 * Called for every event after the model applied it, with the device it
 * was attributed to (may be NULL), in time order.  Return non-zero to stop.
 */
typedef int (*pt_replay_cb)(void *ctx, const struct pt_event *ev,
			    unsigned long line, const struct pt_device *dev);

/*
 * Replay a whole log into m (which gets the header's dom0 mode) and
 * finish it.  Events reach the model in time order, put right within
 * PT_ORDER_WINDOW_NS (PTRACE_ORDER_WINDOW_MS overrides it).  Returns 0, or a negative pt_log_err with the message in err.
 */
int pt_replay_file(const char *path, struct pt_model *m, pt_replay_cb cb,
		   void *ctx, struct pt_replay *res, char *err, size_t errlen);
/* The same, stopping before the first event after until_ns (0: no limit). */
int pt_replay_file_until(const char *path, struct pt_model *m, __u64 until_ns,
			 pt_replay_cb cb, void *ctx, struct pt_replay *res,
			 char *err, size_t errlen);

struct json_t;
struct json_t *pt_device_to_json(const struct pt_device *d);
/* Every MSI-X entry a mask view saw: [{"entry", "views": {...}}]. */
struct json_t *pt_device_entry_masks_json(const struct pt_device *d);
struct json_t *pt_finding_to_json(const struct pt_finding *f);
struct json_t *pt_model_findings_json(const struct pt_model *m);
struct json_t *pt_model_devices_json(const struct pt_model *m);
/* "PT001 reset-before-unbind error" style one-line header of a finding. */
int pt_finding_format(const struct pt_finding *f, char *buf, size_t len);

#endif /* PT_MODEL_H */
