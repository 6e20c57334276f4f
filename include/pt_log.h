/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Trace logs: JSON Lines, one header record then one event per line
 * (docs/trace-format.md).  Written and read with jansson.
 */
#ifndef PT_LOG_H
#define PT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "ptrace_event.h"

#define PT_LOG_FORMAT		"ptrace-log"

/* What the recorder tried to attach, written into the header. */
enum pt_probe_state {
	PT_PROBE_ATTACHED = 0,
	PT_PROBE_MISSING,	/* function absent/inlined, module not loaded */
	PT_PROBE_FAILED,	/* present but attach failed */
	PT_PROBE_DISABLED,	/* turned off by the user */
};

struct pt_probe_status {
	char name[64];		/* probe name from the probe table */
	char func[128];		/* kernel function actually used (may be .isra) */
	char attach[16];	/* fentry, kprobe, kretprobe, tracepoint, ... */
	char reason[128];	/* why missing/failed, "" when attached */
	enum pt_probe_state state;
	bool required;
};

/*
 * A PCI function the recorder saw at start (header "devices"): what names
 * a device in a replay, which may run on another machine with another bus.
 */
struct pt_pci_ident {
	__u32 sbdf;
	__u16 vendor;
	__u16 device;
	__u32 class;		/* 24-bit class code, 0x020000 */
	char driver[32];	/* "" when no driver is bound */
};

/* More than any dom0 has (tens): a bigger list is refused, not held. */
#define PT_LOG_DEVICES_MAX	4096

struct pt_log_header {
	int schema_major;
	int schema_minor;
	char tool[32];		/* "ptrace 0.1.0" */
	char kernel[128];	/* uname -r */
	char host[64];
	char start_time[40];	/* RFC 3339 UTC wall clock at start */
	unsigned long long start_ns;	/* monotonic ns at start (event clock) */
	char xen_version[32];	/* "" when unknown / no Xen */
	char dom0_mode[8];	/* "pv", "pvh", "" when unknown */
	/* the samplers' periods (schema 1.5): 0 off, -1 not said (older logs) */
	long sample_msix_ms;
	long sample_xen_ms;
	struct pt_probe_status *probes;
	size_t nprobes;
	struct pt_pci_ident *devices;	/* NULL when the log has none */
	size_t ndevices;
};

/* Error codes of the reader: exit code 2 territory for front-ends. */
enum pt_log_err {
	PT_LOG_OK = 0,
	PT_LOG_EOF = 1,		/* no more events (not an error) */
	PT_LOG_EIO = -1,	/* cannot open / read */
	PT_LOG_EJSON = -2,	/* a line is not JSON */
	PT_LOG_ERECORD = -3,	/* JSON, but not a valid record */
	PT_LOG_EVERSION = -4,	/* unknown major schema version */
	PT_LOG_EHEADER = -5,	/* first line is not a ptrace-log header */
	PT_LOG_ELINE = -6,	/* a line longer than PT_LOG_LINE_MAX */
};

/*
 * Reader limits (docs/trace-format.md, "Reader limits").  A line is at
 * most PT_LOG_LINE_MAX bytes before its newline (the recorder's longest
 * is under 1 KiB); a longer one is an error, so a stream without
 * newlines is refused after reading 1 MiB, not held in memory.
 */
#define PT_LOG_LINE_MAX		(1u << 20)
/* Largest "cpu" (NR_CPUS is at most 8192) and "pid" (PID_MAX_LIMIT). */
#define PT_LOG_CPU_MAX		8191
#define PT_LOG_PID_MAX		4194304

struct pt_log_reader;

/*
 * Open a log.  "-" reads stdin.  On failure returns NULL and, when err is
 * non-NULL, a message naming file and line in err[errlen].
 */
struct pt_log_reader *pt_log_open(const char *path, char *err, size_t errlen);
const struct pt_log_header *pt_log_header(const struct pt_log_reader *r);

/*
 * Next event.  Returns PT_LOG_OK with *ev filled and *line set to the
 * event's 1-based line number, PT_LOG_EOF at the end, or a negative
 * pt_log_err with a message available from pt_log_error().  A truncated
 * last line (no trailing newline and not valid JSON) is reported as EOF
 * with pt_log_truncated() true: every whole event before it is kept,
 * whatever the input (file, pipe, stdin) and PTRACE_THREADS.  An error
 * is sticky: every later call returns it again.
 */
int pt_log_next(struct pt_log_reader *r, struct pt_event *ev,
		unsigned long *line);
const char *pt_log_error(const struct pt_log_reader *r);
bool pt_log_truncated(const struct pt_log_reader *r);
/*
 * True once an "end" trailer record was read: the recorder closed
 * cleanly.  A record after the trailer is an error (PT_LOG_ERECORD).
 */
bool pt_log_complete(const struct pt_log_reader *r);
void pt_log_close(struct pt_log_reader *r);

struct pt_log_writer;

/*
 * Create a log for writing through pt_outfile_open() (mode 0600, no
 * symlink, regular files only), overwriting an existing regular file.
 * "-" writes stdout.
 */
struct pt_log_writer *pt_log_create(const char *path,
				    const struct pt_log_header *hdr,
				    char *err, size_t errlen);
/*
 * The same on fd, opened earlier by pt_outfile_open() (STDOUT_FILENO for
 * stdout); path only names it in messages.  The file is emptied, then
 * the header written.  The writer uses its own copy of fd: the caller
 * still closes fd.
 */
struct pt_log_writer *pt_log_create_fd(int fd, const char *path,
				       const struct pt_log_header *hdr,
				       char *err, size_t errlen);
/* Decodes hypercall raw bytes (pt_hc_decode) before writing. */
int pt_log_write(struct pt_log_writer *w, const struct pt_event *ev);
/* Writes the "end" trailer (events written, events lost) and closes. */
int pt_log_finish(struct pt_log_writer *w, unsigned long long lost);
int pt_log_flush(struct pt_log_writer *w);

/* Event <-> JSON, for front-ends that print events (--json). */
struct json_t;
struct json_t *pt_event_to_json(const struct pt_event *ev);
/* One-line human summary of an event ("pirq bind_msi 0000:00:03.0 ..."). */
int pt_event_format(const struct pt_event *ev, char *buf, size_t len);

void pt_log_header_init(struct pt_log_header *hdr);
void pt_log_header_free(struct pt_log_header *hdr);
/* The recorded identity of sbdf, or NULL when the log has none. */
const struct pt_pci_ident *pt_log_device(const struct pt_log_header *hdr,
					 __u32 sbdf);
/*
 * Deep copy of src's lists into dst (a plain struct copy would share
 * them).  0, or -1 with dst's lists left empty when out of memory.
 */
int pt_log_header_copy(struct pt_log_header *dst,
		       const struct pt_log_header *src);

#endif /* PT_LOG_H */
