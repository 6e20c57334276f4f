// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Trace logs in JSON Lines, read and written with jansson.
 *
 * One table (fields[]) says how each event type maps to JSON members, so
 * the writer and the reader cannot drift apart.  Signed fields equal to
 * PT_NONE are left out when writing and default to PT_NONE when reading,
 * which keeps logs short and hand-written test logs readable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pt_log.h"
#include "pt_names.h"
#include "pt_outfile.h"
#include "pt_xenhc.h"

enum field_kind {
	F_S32, F_U8, F_U16, F_U32, F_U64, F_VIEW,
	F_S64,		/* left out when PT_NONE, like F_S32 */
	F_SBDF,		/* "0000:03:00.0", left out when PT_SBDF_NONE */
	F_PCIOP,	/* a pciback op: its name (or a number), left out when PT_NONE */
};

struct field {
	const char *name;
	unsigned short off;
	unsigned char kind;
};

#define EVF(member, name, kind) { name, offsetof(struct pt_event, member), kind }

static const struct field pciback_fields[] = {
	EVF(pciback.domid, "domid", F_S32),
	/* kind op, schema 1.3 */
	EVF(pciback.op, "op", F_PCIOP),
	EVF(pciback.vsbdf, "vsbdf", F_SBDF),
	EVF(pciback.offset, "offset", F_S32),
	EVF(pciback.size, "size", F_S32),
	EVF(pciback.value, "value", F_S64),
	EVF(pciback.cap, "cap", F_S32),
	EVF(pciback.capoff, "capoff", F_S32),
	EVF(pciback.dropped, "dropped", F_S32),
	EVF(pciback.nvec, "nvec", F_S32),
	EVF(pciback.pirq, "pirq", F_S32),
};
static const struct field gsi_fields[] = {
	EVF(gsi.gsi, "gsi", F_S32),
	EVF(gsi.trigger, "trigger", F_S32),
	EVF(gsi.polarity, "polarity", F_S32),
	EVF(gsi.irq, "irq", F_S32),
};
static const struct field pirq_fields[] = {
	EVF(pirq.gsi, "gsi", F_S32),
	EVF(pirq.pirq, "pirq", F_S32),
	EVF(pirq.irq, "irq", F_S32),
	EVF(pirq.domid, "domid", F_S32),
	EVF(pirq.entry, "entry", F_S32),
	EVF(pirq.nvec, "nvec", F_S32),
};
static const struct field evtchn_fields[] = {
	EVF(evtchn.evtchn, "evtchn", F_S32),
	EVF(evtchn.irq, "irq", F_S32),
	EVF(evtchn.pirq, "pirq", F_S32),
	EVF(evtchn.domid, "domid", F_S32),
};
static const struct field msi_fields[] = {
	EVF(msi.msix, "msix", F_U8),
	EVF(msi.nvec, "nvec", F_S32),
};
static const struct field msix_ctrl_fields[] = {
	EVF(msix_ctrl.value, "value", F_U16),
	EVF(msix_ctrl.old, "old", F_U16),
	EVF(msix_ctrl.enable, "enable", F_U8),
	EVF(msix_ctrl.maskall, "maskall", F_U8),
	EVF(msix_ctrl.view, "view", F_VIEW),
	EVF(msix_ctrl.domid, "domid", F_S32),
};
static const struct field vmask_fields[] = {
	EVF(vmask.entry, "entry", F_S32),
	EVF(vmask.irq, "irq", F_S32),
	EVF(vmask.pirq, "pirq", F_S32),
	EVF(vmask.masked, "masked", F_U8),
	EVF(vmask.view, "view", F_VIEW),
	EVF(vmask.domid, "domid", F_S32),
};
static const struct field lost_fields[] = {
	EVF(lost.count, "count", F_U64),
	EVF(lost.lost_cpu, "lost_cpu", F_U32),
	EVF(lost.since_ns, "since", F_U64),
};
/* A blind window (module reload): read like a loss, see docs/trace-format.md. */
static const struct field blind_fields[] = {
	EVF(blind.since_ns, "since", F_U64),
	EVF(blind.probes, "probes", F_U32),
};

#define ARGF(member, name) \
	{ name, offsetof(struct pt_hc_args, member), F_S32 }
static const struct field hc_arg_fields[] = {
	ARGF(domid, "domid"), ARGF(pirq, "pirq"), ARGF(index, "index"),
	ARGF(gsi, "gsi"), ARGF(entry_nr, "entry_nr"),
	ARGF(machine_irq, "machine_irq"), ARGF(gvec, "gvec"),
	ARGF(port, "port"), ARGF(allow, "allow"), ARGF(flags, "flags"),
	ARGF(trigger, "trigger"), ARGF(polarity, "polarity"),
	ARGF(ioservid, "ioservid"),
};

#define FIELDS(a) { a, sizeof(a) / sizeof((a)[0]) }
static const struct {
	const struct field *f;
	size_t n;
} fields[PT_EV_MAX] = {
	[PT_EV_PCIBACK]		= FIELDS(pciback_fields),
	[PT_EV_GSI]		= FIELDS(gsi_fields),
	[PT_EV_PIRQ]		= FIELDS(pirq_fields),
	[PT_EV_EVTCHN]		= FIELDS(evtchn_fields),
	[PT_EV_MSI]		= FIELDS(msi_fields),
	[PT_EV_MSIX_CTRL]	= FIELDS(msix_ctrl_fields),
	[PT_EV_VECTOR_MASK]	= FIELDS(vmask_fields),
	[PT_EV_LOST]		= FIELDS(lost_fields),
	[PT_EV_BLIND]		= FIELDS(blind_fields),
};

/* ------------------------------------------------------------ writing */

static int put_field(json_t *obj, const void *base, const struct field *f)
{
	const char *p = (const char *)base + f->off;
	json_int_t v;

	switch (f->kind) {
	case F_S32: {
		int32_t s;

		memcpy(&s, p, sizeof(s));
		if (s == PT_NONE)
			return 0;
		v = s;
		break;
	}
	case F_U8:
		v = *(const uint8_t *)p;
		break;
	case F_U16: {
		uint16_t u;

		memcpy(&u, p, sizeof(u));
		v = u;
		break;
	}
	case F_U32: {
		uint32_t u;

		memcpy(&u, p, sizeof(u));
		v = u;
		break;
	}
	case F_U64: {
		uint64_t u;

		memcpy(&u, p, sizeof(u));
		v = (json_int_t)u;
		break;
	}
	case F_VIEW:
		return json_object_set_new(obj, f->name,
			json_string(pt_view_name(*(const uint8_t *)p)));
	case F_S64: {
		int64_t s;

		memcpy(&s, p, sizeof(s));
		if (s == PT_NONE)
			return 0;
		v = s;
		break;
	}
	case F_SBDF: {
		char b[PT_SBDF_STRLEN];
		uint32_t u;

		memcpy(&u, p, sizeof(u));
		if (u == PT_SBDF_NONE)
			return 0;
		return json_object_set_new(obj, f->name,
			json_string(pt_sbdf_format(u, b, sizeof(b))));
	}
	case F_PCIOP: {
		const char *n;
		int32_t s;

		memcpy(&s, p, sizeof(s));
		if (s == PT_NONE)
			return 0;
		n = pt_pciop_name(s);
		return json_object_set_new(obj, f->name,
			n ? json_string(n) : json_integer(s));
	}
	default:
		return -1;
	}
	return json_object_set_new(obj, f->name, json_integer(v));
}

/* An args member named where the table knows it, a number otherwise. */
static void put_named(json_t *args, const char *key, int v,
		      const char *(*name)(int))
{
	const char *n;

	if (v == PT_NONE)
		return;
	n = name(v);
	json_object_set_new(args, key, n ? json_string(n) : json_integer(v));
}

static void put_sbdf(json_t *args, const char *key, __u32 sbdf)
{
	char b[PT_SBDF_STRLEN];

	if (sbdf != PT_SBDF_NONE)
		json_object_set_new(args, key,
				    json_string(pt_sbdf_format(sbdf, b, sizeof(b))));
}

static json_t *hc_to_json(json_t *obj, const struct pt_ev_hypercall *hc)
{
	const char *op = pt_hc_op_name(hc->op);
	const char *cmd = pt_hc_cmd_name(hc->op, hc->cmd);
	const struct pt_hc_args *a = &hc->args;
	json_t *args = json_object();

	json_object_set_new(obj, "op", op ? json_string(op) : json_integer(hc->op));
	json_object_set_new(obj, "cmd", cmd ? json_string(cmd) : json_integer(hc->cmd));
	for (size_t i = 0; i < sizeof(hc_arg_fields) / sizeof(hc_arg_fields[0]); i++)
		put_field(args, a, &hc_arg_fields[i]);
	put_named(args, "type", a->map_type, pt_map_type_name);
	put_named(args, "irq_type", a->irq_type, pt_irq_type_name);
	put_sbdf(args, "sbdf", a->sbdf);
	put_named(args, "range", a->range, pt_io_range_name);
	put_sbdf(args, "vsbdf", a->vsbdf);
	if (a->iface)
		json_object_set_new(args, "iface", json_integer(a->iface));
	json_object_set_new(obj, "args", args);

	if (hc->raw_len && hc->raw_len <= PT_HC_RAW_MAX) {
		char hex[2 * PT_HC_RAW_MAX + 1];

		for (unsigned int i = 0; i < hc->raw_len; i++)
			sprintf(hex + 2 * i, "%02x", hc->raw[i]);
		json_object_set_new(obj, "raw", json_string(hex));
	}
	return obj;
}

json_t *pt_event_to_json(const struct pt_event *ev)
{
	const struct pt_event_hdr *h = &ev->hdr;
	json_t *obj = json_object();
	char comm[PT_COMM_LEN + 1];
	char b[PT_SBDF_STRLEN];

	if (!obj)
		return NULL;
	memcpy(comm, h->comm, PT_COMM_LEN);
	comm[PT_COMM_LEN] = '\0';
	json_object_set_new(obj, "ts", json_integer((json_int_t)h->ts_ns));
	json_object_set_new(obj, "cpu", json_integer(h->cpu));
	json_object_set_new(obj, "pid", json_integer(h->pid));
	json_object_set_new(obj, "comm", json_string(comm));
	json_object_set_new(obj, "type", json_string(pt_type_name(h->type)));
	json_object_set_new(obj, "kind", json_string(pt_kind_name(h->type, h->kind)));
	if (h->sbdf != PT_SBDF_NONE)
		json_object_set_new(obj, "sbdf",
				    json_string(pt_sbdf_format(h->sbdf, b, sizeof(b))));
	if (h->flags & PT_EVF_HAS_RET)
		json_object_set_new(obj, "ret", json_integer(h->ret));
	if (h->flags & PT_EVF_TRUNCATED)
		json_object_set_new(obj, "truncated", json_true());

	if (h->type == PT_EV_HYPERCALL) {
		/* the sub-op's result Xen wrote back (trace-format.md) */
		if (h->flags & PT_EVF_HC_OUT)
			json_object_set_new(obj, "out", json_integer(ev->hc.out));
		return hc_to_json(obj, &ev->hc);
	}
	if (h->type < PT_EV_MAX)
		for (size_t i = 0; i < fields[h->type].n; i++)
			put_field(obj, ev, &fields[h->type].f[i]);
	return obj;
}

struct pt_log_writer {
	FILE *f;
	unsigned long long events;
	bool is_stdout;
};

static const char *probe_state_names[] = {
	[PT_PROBE_ATTACHED] = "attached",
	[PT_PROBE_MISSING] = "missing",
	[PT_PROBE_FAILED] = "failed",
	[PT_PROBE_DISABLED] = "disabled",
};

static json_t *header_to_json(const struct pt_log_header *hdr)
{
	json_t *h = json_object();
	json_t *probes = json_array();
	char schema[16];

	snprintf(schema, sizeof(schema), "%d.%d", hdr->schema_major,
		 hdr->schema_minor);
	json_object_set_new(h, "format", json_string(PT_LOG_FORMAT));
	json_object_set_new(h, "schema", json_string(schema));
	json_object_set_new(h, "tool", json_string(hdr->tool));
	json_object_set_new(h, "kernel", json_string(hdr->kernel));
	json_object_set_new(h, "host", json_string(hdr->host));
	json_object_set_new(h, "start_time", json_string(hdr->start_time));
	json_object_set_new(h, "start_ns", json_integer((json_int_t)hdr->start_ns));
	if (hdr->xen_version[0] || hdr->dom0_mode[0]) {
		json_t *xen = json_object();

		json_object_set_new(xen, "version", json_string(hdr->xen_version));
		json_object_set_new(xen, "dom0", json_string(hdr->dom0_mode));
		json_object_set_new(h, "xen", xen);
	} else {
		json_object_set_new(h, "xen", json_null());
	}
	if (hdr->sample_msix_ms >= 0 || hdr->sample_xen_ms >= 0) {
		json_t *smp = json_object();

		if (hdr->sample_msix_ms >= 0)
			json_object_set_new(smp, "msix_ms",
					    json_integer(hdr->sample_msix_ms));
		if (hdr->sample_xen_ms >= 0)
			json_object_set_new(smp, "xen_ms",
					    json_integer(hdr->sample_xen_ms));
		json_object_set_new(h, "sampling", smp);
	}
	for (size_t i = 0; i < hdr->nprobes; i++) {
		const struct pt_probe_status *p = &hdr->probes[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(p->name));
		json_object_set_new(o, "func", json_string(p->func));
		json_object_set_new(o, "attach", json_string(p->attach));
		json_object_set_new(o, "state",
				    json_string(probe_state_names[p->state]));
		json_object_set_new(o, "required", json_boolean(p->required));
		if (p->reason[0])
			json_object_set_new(o, "reason", json_string(p->reason));
		json_array_append_new(probes, o);
	}
	json_object_set_new(h, "probes", probes);
	if (hdr->ndevices) {
		json_t *devs = json_array();

		for (size_t i = 0; i < hdr->ndevices; i++) {
			const struct pt_pci_ident *d = &hdr->devices[i];
			json_t *o = json_object();
			char b[PT_SBDF_STRLEN], x[16];

			json_object_set_new(o, "sbdf",
					    json_string(pt_sbdf_format(d->sbdf, b, sizeof(b))));
			snprintf(x, sizeof(x), "0x%04x", d->vendor);
			json_object_set_new(o, "vendor", json_string(x));
			snprintf(x, sizeof(x), "0x%04x", d->device);
			json_object_set_new(o, "device", json_string(x));
			snprintf(x, sizeof(x), "0x%06x", d->class);
			json_object_set_new(o, "class", json_string(x));
			if (d->driver[0])
				json_object_set_new(o, "driver", json_string(d->driver));
			json_array_append_new(devs, o);
		}
		json_object_set_new(h, "devices", devs);
	}
	return h;
}

static int write_line(FILE *f, json_t *obj)
{
	int ret = json_dumpf(obj, f, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(obj);
	if (ret || fputc('\n', f) == EOF)
		return -1;
	return 0;
}

struct pt_log_writer *pt_log_create_fd(int fd, const char *path,
				       const struct pt_log_header *hdr,
				       char *err, size_t errlen)
{
	struct pt_log_writer *w = calloc(1, sizeof(*w));
	int dfd;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/*
	 * An existing file opened with --force is only emptied now, once
	 * the recording really starts: a record that fails before keeps
	 * the old log.  A dup so that the caller's fd stays its own.
	 */
	dfd = fd == STDOUT_FILENO ? -1 : dup(fd);
	if (fd == STDOUT_FILENO) {
		w->f = stdout;
		w->is_stdout = true;
	} else if (dfd < 0 || ftruncate(dfd, 0) || !(w->f = fdopen(dfd, "w"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		free(w);
		return NULL;
	}
	if (write_line(w->f, header_to_json(hdr))) {
		snprintf(err, errlen, "%s: cannot write header", path);
		if (!w->is_stdout)
			fclose(w->f);
		free(w);
		return NULL;
	}
	return w;
}

struct pt_log_writer *pt_log_create(const char *path,
				    const struct pt_log_header *hdr,
				    char *err, size_t errlen)
{
	struct pt_log_writer *w;
	bool created;
	int fd;

	if (!strcmp(path, "-"))
		return pt_log_create_fd(STDOUT_FILENO, "-", hdr, err, errlen);
	fd = pt_outfile_open(path, PT_OUTFILE_REPLACE, &created, err, errlen);
	if (fd < 0)
		return NULL;
	w = pt_log_create_fd(fd, path, hdr, err, errlen);
	close(fd);
	if (!w && created)
		unlink(path);
	return w;
}

/* Hypercalls arrive decoded: the collector session decodes them, once. */
int pt_log_write(struct pt_log_writer *w, const struct pt_event *ev)
{
	w->events++;
	return write_line(w->f, pt_event_to_json(ev));
}

int pt_log_flush(struct pt_log_writer *w)
{
	return fflush(w->f) ? -1 : 0;
}

int pt_log_finish(struct pt_log_writer *w, unsigned long long lost)
{
	json_t *end = json_object();
	int ret;

	json_object_set_new(end, "type", json_string("end"));
	json_object_set_new(end, "events", json_integer((json_int_t)w->events));
	json_object_set_new(end, "lost", json_integer((json_int_t)lost));
	ret = write_line(w->f, end);
	if (w->is_stdout)
		ret |= fflush(w->f);
	else
		ret |= fclose(w->f);
	free(w);
	return ret ? -1 : 0;
}

/* ------------------------------------------------------------ reading */

/* Where a record is being parsed, for messages that name file and line. */
struct pctx {
	const char *path;
	unsigned long line;
	char err[512];
};

/* What one line turned out to be. */
enum line_kind { LINE_EVENT, LINE_SKIP, LINE_END, LINE_TRUNC };

struct slot {
	struct pt_event ev;
	unsigned long line;
	enum line_kind kind;
};

/*
 * Regular files are read in batches whose lines are parsed by several
 * threads at once (jansson dominates replay time); the model still sees
 * events strictly in log order.  Pipes are read a line at a time so a
 * live stream is never held back waiting for a full batch.
 */
#define BATCH_LINES	8192
#define MAX_THREADS	8
/*
 * A batch also ends once it holds this many bytes, so that a file of
 * maximum-length lines cannot make a batch hold BATCH_LINES of them.
 */
#define BATCH_BYTES	(16u << 20)
/* Reads are done in chunks of this size; lines are cut out of them. */
#define RBUF_SIZE	(64u << 10)

struct pt_log_reader {
	int fd;
	struct pctx pc;
	char *buf;		/* the current line, up to PT_LOG_LINE_MAX + 1 */
	size_t cap;
	char *rbuf;		/* raw bytes read, not yet cut into lines */
	size_t rpos, rlen;
	bool reof;		/* read() returned 0: no more bytes */
	bool truncated;
	bool complete;
	bool is_stdin;
	bool eof;
	struct pt_log_header hdr;

	/* batch mode */
	int nthreads;
	struct slot *slots;
	size_t nslots, pos;
	char *text;		/* the batch's lines, back to back */
	size_t textcap;
	size_t *off, *len;
	unsigned long *lineno;
	int pending;		/* error to return once slots before it are used */
	char pending_err[512];
};

static int fail(struct pctx *r, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->err, sizeof(r->err), "%s:%lu: ", r->path, r->line);
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
	va_end(ap);
	return code;
}

static void copy_str(char *dst, size_t len, json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : "";

	snprintf(dst, len, "%s", s);
}

/*
 * "MAJOR.MINOR", two decimal numbers and nothing else: "1.0junk" or
 * " 1.0" is not a version this reader can promise to understand.
 */
static int parse_schema(const char *s, int *major, int *minor)
{
	int *part[2] = { major, minor };

	for (int i = 0; i < 2; i++) {
		long v = 0;
		int digits = 0;

		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			v = v * 10 + (*s - '0');
			if (v > 9999)
				return -1;
		}
		if (!digits || (i == 0 && *s++ != '.'))
			return -1;
		*part[i] = v;
	}
	return *s ? -1 : 0;
}

/*
 * "0x10d3": a hex string as sysfs writes it, at most max.  Strings, not
 * numbers, so that the log reads like lspci and sysfs.
 */
static int parse_hex_id(json_t *v, unsigned long max, __u32 *out)
{
	const char *s = json_string_value(v);
	unsigned long x = 0;
	int digits = 0;

	if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	for (s += 2; *s; s++, digits++) {
		int c = *s;

		if (digits >= 8)
			return -1;
		if (c >= '0' && c <= '9')
			x = x * 16 + c - '0';
		else if (c >= 'a' && c <= 'f')
			x = x * 16 + c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			x = x * 16 + c - 'A' + 10;
		else
			return -1;
	}
	if (!digits || x > max)
		return -1;
	*out = x;
	return 0;
}

/* The optional "devices" member (schema 1.2): absent in older logs. */
static int parse_devices(struct pt_log_reader *r, json_t *devs)
{
	struct pt_log_header *hdr = &r->hdr;
	json_t *p, *v;
	size_t i;

	if (!devs)
		return PT_LOG_OK;
	if (!json_is_array(devs))
		return fail(&r->pc, PT_LOG_EHEADER, "header \"devices\" must be an array");
	if (json_array_size(devs) > PT_LOG_DEVICES_MAX)
		return fail(&r->pc, PT_LOG_EHEADER,
			    "header \"devices\" lists %zu devices (at most %d)",
			    json_array_size(devs), PT_LOG_DEVICES_MAX);
	if (!json_array_size(devs))
		return PT_LOG_OK;
	hdr->devices = calloc(json_array_size(devs), sizeof(*hdr->devices));
	if (!hdr->devices)
		return fail(&r->pc, PT_LOG_EIO, "out of memory");
	json_array_foreach(devs, i, p) {
		struct pt_pci_ident *d = &hdr->devices[i];
		__u32 vendor, device;

		if (!json_is_object(p))
			return fail(&r->pc, PT_LOG_EHEADER,
				    "header \"devices\"[%zu] is not an object", i);
		v = json_object_get(p, "sbdf");
		if (!json_is_string(v) || pt_sbdf_parse(json_string_value(v), &d->sbdf))
			return fail(&r->pc, PT_LOG_EHEADER,
				    "header \"devices\"[%zu]: \"sbdf\" must look like 0000:03:00.0", i);
		if (parse_hex_id(json_object_get(p, "vendor"), 0xffff, &vendor) ||
		    parse_hex_id(json_object_get(p, "device"), 0xffff, &device))
			return fail(&r->pc, PT_LOG_EHEADER,
				    "header \"devices\"[%zu]: \"vendor\" and \"device\" must be hex strings up to 0xffff", i);
		d->vendor = vendor;
		d->device = device;
		v = json_object_get(p, "class");
		if (v && parse_hex_id(v, 0xffffff, &d->class))
			return fail(&r->pc, PT_LOG_EHEADER,
				    "header \"devices\"[%zu]: \"class\" must be a hex string up to 0xffffff", i);
		v = json_object_get(p, "driver");
		if (v && (!json_is_string(v) ||
			  strlen(json_string_value(v)) >= sizeof(d->driver)))
			return fail(&r->pc, PT_LOG_EHEADER,
				    "header \"devices\"[%zu]: \"driver\" must be a string under %zu bytes",
				    i, sizeof(d->driver));
		copy_str(d->driver, sizeof(d->driver), v);
		for (size_t k = 0; k < i; k++)
			if (hdr->devices[k].sbdf == d->sbdf)
				return fail(&r->pc, PT_LOG_EHEADER,
					    "header \"devices\"[%zu]: %s listed twice", i,
					    json_string_value(json_object_get(p, "sbdf")));
		hdr->ndevices++;
	}
	return PT_LOG_OK;
}

/* "sampling" (schema 1.5): the samplers' periods in ms, 0 when off. */
static int read_sampling(struct pt_log_reader *r, json_t *smp,
			 struct pt_log_header *hdr)
{
	static const char *const names[] = { "msix_ms", "xen_ms" };
	long *dst[] = { &hdr->sample_msix_ms, &hdr->sample_xen_ms };

	if (!smp)
		return PT_LOG_OK;
	if (!json_is_object(smp))
		return fail(&r->pc, PT_LOG_EHEADER,
			    "header \"sampling\" must be an object");
	for (size_t i = 0; i < 2; i++) {
		json_t *v = json_object_get(smp, names[i]);

		if (!v)
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 86400000)
			return fail(&r->pc, PT_LOG_EHEADER,
				    "header \"sampling\": \"%s\" must be an integer from 0 to 86400000",
				    names[i]);
		*dst[i] = (long)json_integer_value(v);
	}
	return PT_LOG_OK;
}

static int parse_header(struct pt_log_reader *r, json_t *h)
{
	struct pt_log_header *hdr = &r->hdr;
	json_t *probes, *p, *xen, *v;
	const char *schema;
	size_t i;
	int err;

	hdr->sample_msix_ms = -1;	/* not said, until "sampling" says */
	hdr->sample_xen_ms = -1;
	if (!json_is_object(h) ||
	    !json_is_string(json_object_get(h, "format")) ||
	    strcmp(json_string_value(json_object_get(h, "format")), PT_LOG_FORMAT))
		return fail(&r->pc, PT_LOG_EHEADER,
			    "not a ptrace trace log (first line must be a header with \"format\": \"%s\")",
			    PT_LOG_FORMAT);
	schema = json_string_value(json_object_get(h, "schema"));
	if (!schema || parse_schema(schema, &hdr->schema_major, &hdr->schema_minor))
		return fail(&r->pc, PT_LOG_EHEADER,
			    "header has no valid \"schema\" version (want \"MAJOR.MINOR\", e.g. \"%d.%d\")",
			    PT_SCHEMA_MAJOR, PT_SCHEMA_MINOR);
	if (hdr->schema_major != PT_SCHEMA_MAJOR)
		return fail(&r->pc, PT_LOG_EVERSION,
			    "schema version %s is not supported (this ptrace reads %d.x)",
			    schema, PT_SCHEMA_MAJOR);
	copy_str(hdr->tool, sizeof(hdr->tool), json_object_get(h, "tool"));
	copy_str(hdr->kernel, sizeof(hdr->kernel), json_object_get(h, "kernel"));
	copy_str(hdr->host, sizeof(hdr->host), json_object_get(h, "host"));
	copy_str(hdr->start_time, sizeof(hdr->start_time),
		 json_object_get(h, "start_time"));
	v = json_object_get(h, "start_ns");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0))
		return fail(&r->pc, PT_LOG_EHEADER,
			    "header \"start_ns\" must be a non-negative integer");
	hdr->start_ns = json_integer_value(v);
	xen = json_object_get(h, "xen");
	if (json_is_object(xen)) {
		copy_str(hdr->xen_version, sizeof(hdr->xen_version),
			 json_object_get(xen, "version"));
		copy_str(hdr->dom0_mode, sizeof(hdr->dom0_mode),
			 json_object_get(xen, "dom0"));
	}
	err = read_sampling(r, json_object_get(h, "sampling"), hdr);
	if (err)
		return err;
	probes = json_object_get(h, "probes");
	if (json_is_array(probes) && json_array_size(probes)) {
		hdr->probes = calloc(json_array_size(probes), sizeof(*hdr->probes));
		if (!hdr->probes)
			return fail(&r->pc, PT_LOG_EIO, "out of memory");
		json_array_foreach(probes, i, p) {
			struct pt_probe_status *ps = &hdr->probes[hdr->nprobes++];
			const char *state;

			copy_str(ps->name, sizeof(ps->name), json_object_get(p, "name"));
			copy_str(ps->func, sizeof(ps->func), json_object_get(p, "func"));
			copy_str(ps->attach, sizeof(ps->attach), json_object_get(p, "attach"));
			copy_str(ps->reason, sizeof(ps->reason), json_object_get(p, "reason"));
			ps->required = json_is_true(json_object_get(p, "required"));
			state = json_string_value(json_object_get(p, "state"));
			ps->state = PT_PROBE_MISSING;
			for (int s = 0; state && s <= PT_PROBE_DISABLED; s++)
				if (!strcmp(state, probe_state_names[s]))
					ps->state = s;
		}
	}
	return parse_devices(r, json_object_get(h, "devices"));
}

/*
 * Parsing one record allocates a dozen small jansson values that all die
 * before the next line.  A per-thread bump arena, handed to jansson
 * through its allocator hooks, turns those mallocs and frees into pointer
 * moves; anything outside a record parse still goes to malloc.
 */
#define ARENA_SIZE	(64 * 1024)
static _Thread_local struct {
	char buf[ARENA_SIZE] __attribute__((aligned(16)));
	size_t used;
	bool on;
} arena;

static void *arena_malloc(size_t n)
{
	if (arena.on) {
		n = (n + 15) & ~(size_t)15;
		if (arena.used + n <= ARENA_SIZE) {
			void *p = arena.buf + arena.used;

			arena.used += n;
			return p;
		}
	}
	return malloc(n);
}

static void arena_free(void *p)
{
	if ((char *)p >= arena.buf && (char *)p < arena.buf + ARENA_SIZE)
		return;
	free(p);
}

static void arena_begin(void)
{
	static bool hooked;

	if (!hooked) {
		json_set_alloc_funcs(arena_malloc, arena_free);
		hooked = true;
	}
	arena.used = 0;
	arena.on = true;
}

static void arena_end(void)
{
	arena.on = false;
	arena.used = 0;
}

/* What read_line() returns besides a length (>0) or 0 at end of input. */
enum { RL_EIO = -1, RL_ENOMEM = -2, RL_ELONG = -3 };

static int grow_buf(struct pt_log_reader *r, size_t need)
{
	size_t cap = r->cap ? r->cap : 4096;
	char *b;

	if (need <= r->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	b = realloc(r->buf, cap);
	if (!b)
		return -1;
	r->buf = b;
	r->cap = cap;
	return 0;
}

/*
 * Read one line into r->buf; returns its length with the newline, 0 at
 * the end of input, or an RL_* error.  *nl is set when the line ended in
 * '\n': a line without one can only be the last of the input.
 *
 * read(2) rather than stdio: a short read on a pipe hands over what is
 * there (a live stream is not held back), a read error is never confused
 * with the end of the input, and a line is refused once it passes
 * PT_LOG_LINE_MAX bytes, so a stream without newlines (/dev/zero) costs
 * a bounded amount of memory.
 */
static ssize_t read_line(struct pt_log_reader *r, bool *nl)
{
	size_t n = 0;

	*nl = false;
	for (;;) {
		const char *s, *e;
		size_t avail, take;

		if (r->rpos == r->rlen) {
			ssize_t k;

			if (r->reof)
				return n;
			if (!r->rbuf) {
				r->rbuf = malloc(RBUF_SIZE);
				if (!r->rbuf)
					return RL_ENOMEM;
			}
			k = read(r->fd, r->rbuf, RBUF_SIZE);
			if (k < 0) {
				if (errno == EINTR)
					continue;
				return RL_EIO;
			}
			if (k == 0) {
				r->reof = true;
				return n;
			}
			r->rpos = 0;
			r->rlen = k;
		}
		s = r->rbuf + r->rpos;
		avail = r->rlen - r->rpos;
		e = memchr(s, '\n', avail);
		take = e ? (size_t)(e - s) + 1 : avail;
		if (n + take - (e ? 1 : 0) > PT_LOG_LINE_MAX)
			return RL_ELONG;
		if (grow_buf(r, n + take + 1))
			return RL_ENOMEM;
		memcpy(r->buf + n, s, take);
		r->rpos += take;
		n += take;
		if (e) {
			*nl = true;
			return n;
		}
	}
}

/* The message for a failed read_line() of the next line. */
static int read_fail(struct pctx *pc, ssize_t rl)
{
	int e = errno;

	pc->line++;
	switch (rl) {
	case RL_ELONG:
		return fail(pc, PT_LOG_ELINE,
			    "line longer than %u bytes: not a trace log line",
			    PT_LOG_LINE_MAX);
	case RL_ENOMEM:
		return fail(pc, PT_LOG_EIO, "out of memory");
	default:
		return fail(pc, PT_LOG_EIO, "read error: %s", strerror(e));
	}
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

static int reader_threads(const struct pt_log_reader *r);

struct pt_log_reader *pt_log_open(const char *path, char *err, size_t errlen)
{
	struct pt_log_reader *r = calloc(1, sizeof(*r));
	json_error_t jerr;
	json_t *h;
	bool nl;
	ssize_t n;
	int ret;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->pc.path = path;
	if (!strcmp(path, "-")) {
		r->fd = STDIN_FILENO;
		r->is_stdin = true;
	} else {
		struct stat st;

		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			free(r);
			return NULL;
		}
		if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s: is a directory", path);
			close(r->fd);
			free(r);
			return NULL;
		}
	}
	do {
		n = read_line(r, &nl);
		if (n < 0) {
			read_fail(&r->pc, n);
			goto bad;
		}
		r->pc.line++;
	} while (n > 0 && blank(r->buf, n));
	if (n == 0) {
		fail(&r->pc, PT_LOG_EHEADER, "empty file: no ptrace-log header");
		goto bad;
	}
	h = json_loadb(r->buf, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!h) {
		if (json_error_code(&jerr) == json_error_duplicate_key)
			fail(&r->pc, PT_LOG_EHEADER, "header has a duplicate key: %s",
			     jerr.text);
		else
			fail(&r->pc, PT_LOG_EJSON, "not JSON: %s", jerr.text);
		goto bad;
	}
	ret = parse_header(r, h);
	json_decref(h);
	if (ret)
		goto bad;
	r->nthreads = reader_threads(r);
	return r;
bad:
	snprintf(err, errlen, "%s", r->pc.err);
	pt_log_close(r);
	return NULL;
}

const struct pt_log_header *pt_log_header(const struct pt_log_reader *r)
{
	return &r->hdr;
}

const char *pt_log_error(const struct pt_log_reader *r)
{
	return r->pc.err;
}

bool pt_log_truncated(const struct pt_log_reader *r)
{
	return r->truncated;
}

bool pt_log_complete(const struct pt_log_reader *r)
{
	return r->complete;
}

static int get_field(struct pctx *r, json_t *obj, void *base,
		     const struct field *f)
{
	json_t *v = json_object_get(obj, f->name);
	char *p = (char *)base + f->off;
	json_int_t i;

	if (!v) {
		if (f->kind == F_S32 || f->kind == F_PCIOP) {
			int32_t none = PT_NONE;

			memcpy(p, &none, sizeof(none));
		} else if (f->kind == F_S64) {
			int64_t none = PT_NONE;

			memcpy(p, &none, sizeof(none));
		} else if (f->kind == F_SBDF) {
			uint32_t none = PT_SBDF_NONE;

			memcpy(p, &none, sizeof(none));
		}
		return 0;
	}
	if (f->kind == F_SBDF) {
		uint32_t u;

		if (!json_is_string(v) || pt_sbdf_parse(json_string_value(v), &u))
			return fail(r, PT_LOG_ERECORD,
				    "\"%s\" must look like 0000:03:00.0", f->name);
		memcpy(p, &u, sizeof(u));
		return 0;
	}
	if (f->kind == F_PCIOP) {
		int32_t op = -1;

		if (json_is_string(v))
			op = pt_pciop_from_name(json_string_value(v));
		else if (json_is_integer(v) && json_integer_value(v) >= 0 &&
			 json_integer_value(v) <= INT32_MAX)
			op = json_integer_value(v);
		if (op < 0)
			return fail(r, PT_LOG_ERECORD, "\"%s\" is not a known pciback op",
				    f->name);
		memcpy(p, &op, sizeof(op));
		return 0;
	}
	if (f->kind == F_VIEW) {
		int view = json_is_string(v) ? pt_view_from_name(json_string_value(v)) : -1;

		if (view < 0)
			return fail(r, PT_LOG_ERECORD, "\"%s\" is not a known view",
				    f->name);
		*(uint8_t *)p = view;
		return 0;
	}
	if (json_is_boolean(v))
		i = json_is_true(v);
	else if (json_is_integer(v))
		i = json_integer_value(v);
	else
		return fail(r, PT_LOG_ERECORD, "\"%s\" must be an integer", f->name);

	switch (f->kind) {
	case F_S32: {
		int32_t s = i;

		if (i < INT32_MIN || i > INT32_MAX)
			return fail(r, PT_LOG_ERECORD, "\"%s\" out of range", f->name);
		memcpy(p, &s, sizeof(s));
		break;
	}
	case F_U8:
		if (i < 0 || i > UINT8_MAX)
			return fail(r, PT_LOG_ERECORD, "\"%s\" out of range", f->name);
		*(uint8_t *)p = i;
		break;
	case F_U16: {
		uint16_t u = i;

		if (i < 0 || i > UINT16_MAX)
			return fail(r, PT_LOG_ERECORD, "\"%s\" out of range", f->name);
		memcpy(p, &u, sizeof(u));
		break;
	}
	case F_U32: {
		uint32_t u = i;

		if (i < 0 || i > UINT32_MAX)
			return fail(r, PT_LOG_ERECORD, "\"%s\" out of range", f->name);
		memcpy(p, &u, sizeof(u));
		break;
	}
	case F_U64: {
		uint64_t u = i;

		if (i < 0)
			return fail(r, PT_LOG_ERECORD, "\"%s\" out of range", f->name);
		memcpy(p, &u, sizeof(u));
		break;
	}
	case F_S64: {
		int64_t s = i;

		memcpy(p, &s, sizeof(s));
		break;
	}
	}
	return 0;
}

/* An optional BDF member: true when present and not one (out untouched). */
static bool bad_sbdf(json_t *obj, const char *key, __u32 *out)
{
	json_t *v = json_object_get(obj, key);

	return v && (!json_is_string(v) || pt_sbdf_parse(json_string_value(v), out));
}

/* op/cmd/type names may be given as words or as numbers. */
static int name_or_num(json_t *v, int (*lookup)(const char *), int *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		*out = lookup(json_string_value(v));
		return *out < 0 ? -1 : 0;
	}
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex_decode(const char *s, __u8 *out, size_t max, __u32 *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	*len = n / 2;
	return 0;
}

static int parse_hypercall(struct pctx *r, json_t *obj,
			   struct pt_ev_hypercall *hc)
{
	json_t *args = json_object_get(obj, "args");
	json_t *raw = json_object_get(obj, "raw");
	json_t *v;
	int op, cmd;

	if (name_or_num(json_object_get(obj, "op"), pt_hc_op_from_name, &op))
		return fail(r, PT_LOG_ERECORD, "hypercall has no known \"op\"");
	hc->op = op;
	v = json_object_get(obj, "cmd");
	if (json_is_integer(v))
		cmd = json_integer_value(v);
	else if (json_is_string(v))
		cmd = pt_hc_cmd_from_name(op, json_string_value(v));
	else
		cmd = -1;
	if (cmd < 0)
		return fail(r, PT_LOG_ERECORD, "hypercall has no known \"cmd\"");
	hc->cmd = cmd;
	if (json_is_string(raw) &&
	    hex_decode(json_string_value(raw), hc->raw, PT_HC_RAW_MAX, &hc->raw_len))
		return fail(r, PT_LOG_ERECORD, "hypercall \"raw\" is not hex bytes");

	pt_hc_args_clear(&hc->args);
	if (!json_is_object(args)) {
		/* raw bytes only: decode them as the recorder would */
		if (hc->raw_len)
			pt_hc_decode(hc);
		hc->cmd = cmd;
		return 0;
	}
	for (size_t i = 0; i < sizeof(hc_arg_fields) / sizeof(hc_arg_fields[0]); i++)
		if (get_field(r, args, &hc->args, &hc_arg_fields[i]))
			return PT_LOG_ERECORD;
	v = json_object_get(args, "type");
	if (v && name_or_num(v, pt_map_type_from_name, &hc->args.map_type))
		return fail(r, PT_LOG_ERECORD, "unknown map_pirq \"type\"");
	v = json_object_get(args, "irq_type");
	if (v && name_or_num(v, pt_irq_type_from_name, &hc->args.irq_type))
		return fail(r, PT_LOG_ERECORD, "unknown \"irq_type\"");
	if (bad_sbdf(args, "sbdf", &hc->args.sbdf))
		return fail(r, PT_LOG_ERECORD, "\"sbdf\" must look like 0000:03:00.0");
	v = json_object_get(args, "range");
	if (v && name_or_num(v, pt_io_range_from_name, &hc->args.range))
		return fail(r, PT_LOG_ERECORD, "unknown dm_op \"range\"");
	if (bad_sbdf(args, "vsbdf", &hc->args.vsbdf))
		return fail(r, PT_LOG_ERECORD, "\"vsbdf\" must look like 0000:00:05.0");
	v = json_object_get(args, "iface");
	if (json_is_integer(v))
		hc->args.iface = json_integer_value(v);
	return 0;
}

/* An optional integer member within [lo, hi]; 0 when absent. */
static int get_ranged(struct pctx *r, json_t *obj, const char *name,
		      json_int_t lo, json_int_t hi, json_int_t *out)
{
	json_t *v = json_object_get(obj, name);

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return fail(r, PT_LOG_ERECORD, "\"%s\" must be an integer", name);
	*out = json_integer_value(v);
	if (*out < lo || *out > hi)
		return fail(r, PT_LOG_ERECORD, "\"%s\" %lld out of range (%lld to %lld)",
			    name, (long long)*out, (long long)lo, (long long)hi);
	return 0;
}

static int parse_event(struct pctx *r, json_t *obj, struct pt_event *ev)
{
	struct pt_event_hdr *h = &ev->hdr;
	json_int_t i;
	json_t *v;
	const char *s;
	int type, kind;

	memset(ev, 0, sizeof(*ev));
	v = json_object_get(obj, "type");
	if (!json_is_string(v))
		return fail(r, PT_LOG_ERECORD, "record has no \"type\"");
	s = json_string_value(v);
	type = pt_type_from_name(s);
	if (type < 0)
		return fail(r, PT_LOG_ERECORD, "unknown event type \"%s\"", s);
	h->type = type;
	v = json_object_get(obj, "kind");
	if (!v && pt_kind_count(type) == 1) {
		kind = 0;
	} else {
		s = json_is_string(v) ? json_string_value(v) : "";
		kind = pt_kind_from_name(type, s);
		if (kind < 0)
			return fail(r, PT_LOG_ERECORD, "unknown %s kind \"%s\"",
				    pt_type_name(type), s);
	}
	h->kind = kind;

	v = json_object_get(obj, "ts");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fail(r, PT_LOG_ERECORD, "record has no valid \"ts\"");
	h->ts_ns = json_integer_value(v);
	if (get_ranged(r, obj, "cpu", 0, PT_LOG_CPU_MAX, &i))
		return PT_LOG_ERECORD;
	h->cpu = i;
	if (get_ranged(r, obj, "pid", 0, PT_LOG_PID_MAX, &i))
		return PT_LOG_ERECORD;
	h->pid = i;
	v = json_object_get(obj, "comm");
	if (json_is_string(v))
		memcpy(h->comm, json_string_value(v),
		       strnlen(json_string_value(v), PT_COMM_LEN));
	h->sbdf = PT_SBDF_NONE;
	v = json_object_get(obj, "sbdf");
	if (v && (!json_is_string(v) ||
		  pt_sbdf_parse(json_string_value(v), &h->sbdf)))
		return fail(r, PT_LOG_ERECORD, "\"sbdf\" must look like 0000:03:00.0");
	v = json_object_get(obj, "ret");
	if (v) {
		if (get_ranged(r, obj, "ret", INT32_MIN, INT32_MAX, &i))
			return PT_LOG_ERECORD;
		h->ret = i;
		h->flags |= PT_EVF_HAS_RET;
	}
	if (json_is_true(json_object_get(obj, "truncated")))
		h->flags |= PT_EVF_TRUNCATED;

	if (type == PT_EV_HYPERCALL) {
		json_int_t out;
		json_t *o = json_object_get(obj, "out");

		if (o && get_ranged(r, obj, "out", INT32_MIN, INT32_MAX, &out))
			return PT_LOG_ERECORD;
		if (o) {
			ev->hc.out = out;
			h->flags |= PT_EVF_HC_OUT;
		}
		return parse_hypercall(r, obj, &ev->hc);
	}
	for (size_t i = 0; i < fields[type].n; i++)
		if (get_field(r, obj, ev, &fields[type].f[i]))
			return PT_LOG_ERECORD;
	return PT_LOG_OK;
}

/* Parse one line (the caller set pc->line). */
static int parse_line(struct pctx *pc, const char *buf, size_t n, bool partial,
		      struct pt_event *ev, enum line_kind *kind)
{
	json_error_t jerr;
	json_t *obj, *type;
	int ret;

	*kind = LINE_SKIP;
	if (blank(buf, n))
		return PT_LOG_OK;
	arena_begin();
	/* with duplicate keys, which one counts would be a guess: refuse */
	obj = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		arena_end();
		if (json_error_code(&jerr) == json_error_duplicate_key)
			return fail(pc, PT_LOG_ERECORD, "duplicate key in record: %s",
				    jerr.text);
		/* a recorder killed mid-write leaves a partial last line */
		if (partial) {
			*kind = LINE_TRUNC;
			return PT_LOG_OK;
		}
		return fail(pc, PT_LOG_EJSON, "not JSON: %s", jerr.text);
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		arena_end();
		return fail(pc, PT_LOG_ERECORD, "record is not a JSON object");
	}
	type = json_object_get(obj, "type");
	if (json_is_string(type) && !strcmp(json_string_value(type), "end")) {
		*kind = LINE_END;
		ret = PT_LOG_OK;
	} else {
		*kind = LINE_EVENT;
		ret = parse_event(pc, obj, ev);
	}
	json_decref(obj);
	arena_end();
	return ret;
}

static int reader_threads(const struct pt_log_reader *r)
{
	const char *env = getenv("PTRACE_THREADS");
	struct stat st;
	long n;

	if (r->is_stdin || fstat(r->fd, &st) || !S_ISREG(st.st_mode))
		return 0;
	/* PTRACE_THREADS=0 reads a line at a time, as for a pipe */
	n = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 0)
		n = 1;
	return n > MAX_THREADS ? MAX_THREADS : n;
}

struct worker {
	pthread_t tid;
	bool threaded;
	struct pt_log_reader *r;
	size_t from, to;
	size_t err_at;		/* index of the first bad line, or SIZE_MAX */
	int err;
	struct pctx pc;
};

static void *parse_range(void *arg)
{
	struct worker *w = arg;
	struct pt_log_reader *r = w->r;

	w->err_at = SIZE_MAX;
	w->pc.path = r->pc.path;
	for (size_t i = w->from; i < w->to; i++) {
		/*
		 * Only the last line of the input lacks a newline, wherever
		 * it falls in a batch: judged by the line alone, so that the
		 * batch layout cannot change the answer.
		 */
		bool partial = r->text[r->off[i] + r->len[i] - 1] != '\n';
		int ret;

		w->pc.line = r->lineno[i];
		r->slots[i].line = r->lineno[i];
		ret = parse_line(&w->pc, r->text + r->off[i], r->len[i], partial,
				 &r->slots[i].ev, &r->slots[i].kind);
		if (ret) {
			w->err_at = i;
			w->err = ret;
			break;
		}
	}
	return NULL;
}

static int fill_batch(struct pt_log_reader *r)
{
	struct worker w[MAX_THREADS];
	size_t used = 0, first_err = SIZE_MAX;
	int nt = r->nthreads;
	bool nl;
	ssize_t n;

	if (!r->slots) {
		r->slots = malloc(BATCH_LINES * sizeof(*r->slots));
		r->off = malloc(BATCH_LINES * sizeof(*r->off));
		r->len = malloc(BATCH_LINES * sizeof(*r->len));
		r->lineno = malloc(BATCH_LINES * sizeof(*r->lineno));
		if (!r->slots || !r->off || !r->len || !r->lineno)
			return fail(&r->pc, PT_LOG_EIO, "out of memory");
	}
	r->nslots = r->pos = 0;
	while (r->nslots < BATCH_LINES && used < BATCH_BYTES) {
		n = read_line(r, &nl);
		if (n < 0) {
			/* serve the lines read so far, then the error */
			struct pctx pc = r->pc;

			r->pending = read_fail(&pc, n);
			memcpy(r->pending_err, pc.err, sizeof(r->pending_err));
			r->eof = true;
			break;
		}
		if (n == 0) {
			r->eof = true;
			break;
		}
		r->pc.line++;
		if (used + n > r->textcap) {
			size_t cap = r->textcap ? r->textcap * 2 : 1 << 20;
			char *t;

			while (cap < used + n)
				cap *= 2;
			t = realloc(r->text, cap);
			if (!t)
				return fail(&r->pc, PT_LOG_EIO, "out of memory");
			r->text = t;
			r->textcap = cap;
		}
		memcpy(r->text + used, r->buf, n);
		r->off[r->nslots] = used;
		r->len[r->nslots] = n;
		r->lineno[r->nslots++] = r->pc.line;
		used += n;
		if (!nl) {
			r->eof = true;
			break;
		}
	}
	if (!r->nslots)
		return PT_LOG_OK;
	/* small batches are not worth a thread */
	if (r->nslots < 256)
		nt = 1;
	for (int t = 0; t < nt; t++) {
		w[t].r = r;
		w[t].from = r->nslots * t / nt;
		w[t].to = r->nslots * (t + 1) / nt;
		w[t].threaded = false;
	}
	for (int t = 1; t < nt; t++)
		w[t].threaded = !pthread_create(&w[t].tid, NULL, parse_range, &w[t]);
	parse_range(&w[0]);
	for (int t = 1; t < nt; t++) {
		if (w[t].threaded)
			pthread_join(w[t].tid, NULL);
		else
			parse_range(&w[t]);	/* no thread to be had: do it here */
	}
	for (int t = 0; t < nt; t++)
		if (w[t].err_at < first_err) {
			first_err = w[t].err_at;
			r->pending = w[t].err;
			memcpy(r->pending_err, w[t].pc.err, sizeof(r->pending_err));
		}
	if (first_err != SIZE_MAX) {
		/* serve what came before the bad line, then the error */
		r->nslots = first_err;
		r->eof = true;
	}
	return PT_LOG_OK;
}

/*
 * The recorder writes nothing after its "end" trailer: a record there
 * means logs were concatenated or edited, and the trailer's counts no
 * longer describe what precedes it.  Refused rather than guessed at.
 */
static int after_end(struct pt_log_reader *r, unsigned long line)
{
	struct pctx pc = r->pc;

	pc.line = line;
	fail(&pc, PT_LOG_ERECORD, "record after the \"end\" trailer");
	memcpy(r->pc.err, pc.err, sizeof(r->pc.err));
	r->pending = PT_LOG_ERECORD;
	memcpy(r->pending_err, pc.err, sizeof(r->pending_err));
	r->nslots = r->pos;
	r->eof = true;
	return PT_LOG_ERECORD;
}

static int next_batched(struct pt_log_reader *r, struct pt_event *ev,
			unsigned long *line)
{
	int ret;

	for (;;) {
		while (r->pos < r->nslots) {
			struct slot *s = &r->slots[r->pos++];

			switch (s->kind) {
			case LINE_EVENT:
				if (r->complete)
					return after_end(r, s->line);
				*ev = s->ev;
				*line = s->line;
				return PT_LOG_OK;
			case LINE_END:
				if (r->complete)
					return after_end(r, s->line);
				r->complete = true;
				break;
			case LINE_TRUNC:
				/* even cut short, nothing may follow the trailer */
				if (r->complete)
					return after_end(r, s->line);
				r->truncated = true;
				break;
			case LINE_SKIP:
				break;
			}
		}
		if (r->pending) {
			memcpy(r->pc.err, r->pending_err, sizeof(r->pc.err));
			return r->pending;
		}
		if (r->eof)
			return PT_LOG_EOF;
		ret = fill_batch(r);
		if (ret)
			return ret;
	}
}

int pt_log_next(struct pt_log_reader *r, struct pt_event *ev,
		unsigned long *line)
{
	enum line_kind kind;
	ssize_t n;
	bool nl;
	int ret;

	if (r->nthreads)
		return next_batched(r, ev, line);
	if (r->pending)
		return r->pending;
	for (;;) {
		n = read_line(r, &nl);
		if (n < 0)
			return r->pending = read_fail(&r->pc, n);
		if (n == 0)
			return PT_LOG_EOF;
		r->pc.line++;
		/* only the input's last line lacks a newline */
		ret = parse_line(&r->pc, r->buf, n, !nl, ev, &kind);
		if (ret)
			return r->pending = ret;
		if (r->complete && kind != LINE_SKIP)
			return r->pending = fail(&r->pc, PT_LOG_ERECORD,
						 "record after the \"end\" trailer");
		switch (kind) {
		case LINE_EVENT:
			*line = r->pc.line;
			return PT_LOG_OK;
		case LINE_END:
			r->complete = true;
			break;
		case LINE_TRUNC:
			r->truncated = true;
			return PT_LOG_EOF;
		case LINE_SKIP:
			break;
		}
	}
}

void pt_log_close(struct pt_log_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0 && !r->is_stdin)
		close(r->fd);
	free(r->buf);
	free(r->rbuf);
	free(r->slots);
	free(r->off);
	free(r->len);
	free(r->lineno);
	free(r->text);
	pt_log_header_free(&r->hdr);
	free(r);
}

void pt_log_header_init(struct pt_log_header *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->schema_major = PT_SCHEMA_MAJOR;
	hdr->schema_minor = PT_SCHEMA_MINOR;
	snprintf(hdr->tool, sizeof(hdr->tool), "ptrace %s", PT_VERSION);
	hdr->sample_msix_ms = -1;
	hdr->sample_xen_ms = -1;
}

void pt_log_header_free(struct pt_log_header *hdr)
{
	free(hdr->probes);
	hdr->probes = NULL;
	hdr->nprobes = 0;
	free(hdr->devices);
	hdr->devices = NULL;
	hdr->ndevices = 0;
}

int pt_log_header_copy(struct pt_log_header *dst,
		       const struct pt_log_header *src)
{
	*dst = *src;
	dst->probes = NULL;
	dst->devices = NULL;
	if (src->nprobes)
		dst->probes = malloc(src->nprobes * sizeof(*dst->probes));
	if (src->ndevices)
		dst->devices = malloc(src->ndevices * sizeof(*dst->devices));
	if ((src->nprobes && !dst->probes) || (src->ndevices && !dst->devices)) {
		pt_log_header_free(dst);
		return -1;
	}
	if (src->nprobes)
		memcpy(dst->probes, src->probes, src->nprobes * sizeof(*dst->probes));
	if (src->ndevices)
		memcpy(dst->devices, src->devices,
		       src->ndevices * sizeof(*dst->devices));
	return 0;
}

const struct pt_pci_ident *pt_log_device(const struct pt_log_header *hdr,
					 __u32 sbdf)
{
	/* tens of entries, looked up once per device: a scan is enough */
	for (size_t i = 0; hdr && i < hdr->ndevices; i++)
		if (hdr->devices[i].sbdf == sbdf)
			return &hdr->devices[i];
	return NULL;
}

/* ------------------------------------------------------------ formatting */

int pt_event_format(const struct pt_event *ev, char *buf, size_t len)
{
	const struct pt_event_hdr *h = &ev->hdr;
	char sb[PT_SBDF_STRLEN], d[16], e[24];
	size_t n;

	n = snprintf(buf, len, "%s %s", pt_type_name(h->type),
		     pt_kind_name(h->type, h->kind));
	if (h->sbdf != PT_SBDF_NONE && n < len)
		n += snprintf(buf + n, len - n, " %s",
			      pt_sbdf_format(h->sbdf, sb, sizeof(sb)));
#define ADD(...) do { if (n < len) n += snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	switch (h->type) {
	case PT_EV_PCIBACK:
		if (ev->pciback.domid != PT_NONE)
			ADD(" %s", pt_domid_format(ev->pciback.domid, d, sizeof(d)));
		if (h->kind == PT_PCIBACK_OP && ev->pciback.op != PT_NONE) {
			char w[128], x[48];

			pt_pciop_format(ev, w, sizeof(w));
			ADD(" %s", w);
			/* the answer is pciback's err, named for the op */
			ADD(" err=%s", pt_pciop_err_name(ev->pciback.op, h->ret,
							 x, sizeof(x)));
			return n;
		}
		break;
	case PT_EV_GSI:
		ADD(" gsi=%d trigger=%s polarity=%s", ev->gsi.gsi,
		    ev->gsi.trigger == 1 ? "edge" : "level",
		    ev->gsi.polarity == 1 ? "low" : "high");
		if (ev->gsi.irq != PT_NONE)
			ADD(" irq=%d", ev->gsi.irq);
		break;
	case PT_EV_PIRQ:
		if (ev->pirq.gsi != PT_NONE)
			ADD(" gsi=%d", ev->pirq.gsi);
		if (ev->pirq.entry != PT_NONE)
			ADD(" entry=%d", ev->pirq.entry);
		if (ev->pirq.pirq != PT_NONE)
			ADD(" pirq=%d", ev->pirq.pirq);
		if (ev->pirq.irq != PT_NONE)
			ADD(" irq=%d", ev->pirq.irq);
		if (ev->pirq.domid != PT_NONE)
			ADD(" %s", pt_domid_format(ev->pirq.domid, d, sizeof(d)));
		break;
	case PT_EV_EVTCHN:
		if (ev->evtchn.evtchn != PT_NONE)
			ADD(" port=%d", ev->evtchn.evtchn);
		if (ev->evtchn.irq != PT_NONE)
			ADD(" irq=%d", ev->evtchn.irq);
		if (ev->evtchn.pirq != PT_NONE)
			ADD(" pirq=%d", ev->evtchn.pirq);
		break;
	case PT_EV_MSI:
		ADD(" %s", ev->msi.msix ? "msix" : "msi");
		if (ev->msi.nvec != PT_NONE)
			ADD(" nvec=%d", ev->msi.nvec);
		break;
	case PT_EV_MSIX_CTRL:
		ADD(" ctrl=%#06x enable=%u maskall=%u view=%s", ev->msix_ctrl.value,
		    ev->msix_ctrl.enable, ev->msix_ctrl.maskall,
		    pt_view_name(ev->msix_ctrl.view));
		break;
	case PT_EV_VECTOR_MASK:
		ADD(" entry=%d %s view=%s", ev->vmask.entry,
		    ev->vmask.masked ? "masked" : "unmasked",
		    pt_view_name(ev->vmask.view));
		if (ev->vmask.domid != PT_NONE)
			ADD(" d%d pirq=%d", ev->vmask.domid, ev->vmask.pirq);
		break;
	case PT_EV_HYPERCALL: {
		const struct pt_hc_args *a = &ev->hc.args;
		const char *op = pt_hc_op_name(ev->hc.op);
		const char *cmd = pt_hc_cmd_name(ev->hc.op, ev->hc.cmd);

		n = snprintf(buf, len, "hypercall %s", op ? op : "?");
		if (cmd)
			ADD(".%s", cmd);
		else
			ADD(".%u", ev->hc.cmd);
		if (a->domid != PT_NONE)
			ADD(" %s", pt_domid_format(a->domid, d, sizeof(d)));
		if (a->map_type != PT_NONE) {
			const char *t = pt_map_type_name(a->map_type);

			ADD(" type=%s", t ? t : "?");
		}
		if (a->index != PT_NONE)
			ADD(" index=%d", a->index);
		if (a->gsi != PT_NONE && a->map_type == PT_NONE)
			ADD(" gsi=%d", a->gsi);
		if (a->pirq != PT_NONE)
			ADD(" pirq=%d", a->pirq);
		/* MULTI_MSI's entry_nr is how many vectors */
		if (a->entry_nr != PT_NONE && pt_map_type_is_msi(a->map_type))
			ADD(" %s=%d", pt_map_type_is_multi_msi(a->map_type) ?
			    "nvec" : "entry", a->entry_nr);
		if (a->machine_irq != PT_NONE)
			ADD(" machine_irq=%d", a->machine_irq);
		if (pt_irq_type_is_msi(a->irq_type) && a->gvec != PT_NONE &&
		    a->flags != PT_NONE) {
			char g[96];

			pt_msi_gflags_format(a->flags, g, sizeof(g));
			ADD(" gvec=%#x %s", a->gvec, g);
		}
		if (a->port != PT_NONE)
			ADD(" port=%d", a->port);
		if (a->allow != PT_NONE)
			ADD(" allow=%d", a->allow);
		if (a->sbdf != PT_SBDF_NONE)
			ADD(" %s", pt_sbdf_format(a->sbdf, sb, sizeof(sb)));
		if (a->ioservid != PT_NONE)
			ADD(" ioservid=%d", a->ioservid);
		if (a->range != PT_NONE) {
			const char *t = pt_io_range_name(a->range);

			ADD(" range=%s", t ? t : "?");
		}
		if (a->vsbdf != PT_SBDF_NONE)
			ADD(" guest %s", pt_sbdf_format(a->vsbdf, sb, sizeof(sb)));
		if (h->flags & PT_EVF_HC_OUT)
			ADD(" -> %d", ev->hc.out);
		break;
	}
	case PT_EV_LOST:
		ADD(" count=%llu cpu=%u", (unsigned long long)ev->lost.count,
		    ev->lost.lost_cpu);
		break;
	case PT_EV_BLIND:
		ADD(" probes=%u for %.3f s", ev->blind.probes,
		    h->ts_ns > ev->blind.since_ns ?
		    (h->ts_ns - ev->blind.since_ns) / 1e9 : 0.0);
		break;
	}
	if (h->flags & PT_EVF_HAS_RET)
		ADD(" ret=%s", h->ret < 0 ? pt_errno_name(h->ret, e, sizeof(e)) :
		    (snprintf(e, sizeof(e), "%d", h->ret), e));
#undef ADD
	return n;
}
