// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ptrace dump: the snapshot as aligned text tables and as JSON. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dump.h"

/* ------------------------------------------------------------ table */

#define TBL_COLS	12
#define TBL_CELL	112

struct tbl {
	size_t ncol;
	const char *hdr[TBL_COLS];
	char (*rows)[TBL_COLS][TBL_CELL];
	size_t nrows, caprows;
};

static void tbl_init(struct tbl *t, size_t ncol, ...)
{
	va_list ap;
	size_t i;

	memset(t, 0, sizeof(*t));
	t->ncol = ncol;
	va_start(ap, ncol);
	for (i = 0; i < ncol; i++)
		t->hdr[i] = va_arg(ap, const char *);
	va_end(ap);
}

/* Add a row; cells are given as printf-formatted strings in order. */
static void tbl_row(struct tbl *t, ...)
{
	char (*row)[TBL_CELL] = *PT_PUSH(t->rows, t->nrows, t->caprows);
	va_list ap;
	size_t i;

	va_start(ap, t);
	for (i = 0; i < t->ncol; i++)
		snprintf(row[i], TBL_CELL, "%s",
			 va_arg(ap, const char *));
	va_end(ap);
}

/* Columns padded to their width; the last one is not padded. */
static void tbl_line(const struct tbl *t, const char *const *cells,
		     const size_t *w, FILE *f)
{
	size_t i;

	for (i = 0; i + 1 < t->ncol; i++)
		fprintf(f, "%-*s  ", (int)w[i], cells[i]);
	fprintf(f, "%s\n", cells[t->ncol - 1]);
}

static void tbl_print(struct tbl *t, FILE *f)
{
	size_t w[TBL_COLS], i, r;

	for (i = 0; i < t->ncol; i++) {
		w[i] = strlen(t->hdr[i]);
		for (r = 0; r < t->nrows; r++)
			if (strlen(t->rows[r][i]) > w[i])
				w[i] = strlen(t->rows[r][i]);
	}
	tbl_line(t, t->hdr, w, f);
	for (r = 0; r < t->nrows; r++) {
		const char *cells[TBL_COLS];

		for (i = 0; i < t->ncol; i++)
			cells[i] = t->rows[r][i];
		tbl_line(t, cells, w, f);
	}
	free(t->rows);
	t->rows = NULL;
	t->nrows = t->caprows = 0;
}

/* ------------------------------------------------------------ helpers */

static bool shown(const struct dump *d, const struct dump_dev *dev)
{
	return d->all || dev->matters;
}

/* Who has the device: a guest, pciback, dom0's (or a native host's) driver. */
static const char *owner_text(const struct dump *d, const struct dump_dev *dev,
			      char *buf, size_t len)
{
	if (dev->owner != PT_NONE)
		return pt_domid_format(dev->owner, buf, len);
	if (dev->pciback || dev->pciback_slot)
		return "pciback";
	if (!dev->driver[0])
		return "-";
	return d->xen.present ? "dom0" : "host";
}

static const char *fmt(char *buf, size_t len, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

static const char *fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, len, f, ap);
	va_end(ap);
	return buf;
}

static const char *cap_state(int rc)
{
	return rc == -ENOENT ? "absent" : rc == -ERANGE ? "unknown (needs root)" :
	       "unreadable";
}

static const char *msi_text(const struct dump_dev *dev, char *buf, size_t len)
{
	if (dev->msi_rc)
		return dev->msi_rc == -ENOENT ? "-" : "?";
	return fmt(buf, len, "%s %u/%u%s", dev->msi.enabled ? "on" : "off",
		   dev->msi.vectors_en, dev->msi.vectors_max,
		   dev->msi.maskable ? " maskable" : "");
}

static const char *msix_text(const struct dump_dev *dev, char *buf,
			     size_t len)
{
	if (dev->msix_rc)
		return dev->msix_rc == -ENOENT ? "-" : "?";
	return fmt(buf, len, "%s%s %u@bar%u+0x%x",
		   dev->msix.enabled ? "on" : "off",
		   dev->msix.maskall ? " MASKALL" : "", dev->msix.table_size,
		   dev->msix.table_bir, dev->msix.table_offset);
}

static const char *intx_text(const struct dump_dev *dev, char *buf,
			     size_t len)
{
	if (!dev->has_intx)
		return "?";
	if (!dev->intx.pin)
		return "-";
	return fmt(buf, len, "%s%s", pt_intx_pin_name(dev->intx.pin),
		   dev->intx.disabled ? " DisINTx" : "");
}

static const char *int_or_dash(int v, char *buf, size_t len)
{
	return v == PT_NONE ? "-" : fmt(buf, len, "%d", v);
}

/* ------------------------------------------------------------ text */

static void text_header(const struct dump *d, FILE *f)
{
	fprintf(f, "ptrace dump %s  host %s  kernel %s  %s  %.1f ms%s\n",
		PT_VERSION, d->host, d->kernel, d->when, d->elapsed_ms,
		d->root ? "" : "  (not root)");
	fprintf(f, "Xen: %s\n", d->xen.why);
	if (d->xen.present && d->xen.dom0)
		fprintf(f, "xenstore: %s   GSI ioctl: %s\n",
			d->xen.xs_ok ? "read" : "not read",
			d->xen.privcmd_gsi ? "yes" : "no");
}

static void text_devices(const struct dump *d, FILE *f)
{
	char b[8][TBL_CELL];
	struct tbl t;
	size_t i;

	fprintf(f, "\nDEVICES\n");
	tbl_init(&t, 10, "BDF", "ID", "DRIVER", "OWNER", "INTX", "IRQ", "GSI",
		 "MSI", "MSI-X", "NAME");
	for (i = 0; i < d->ndevs; i++) {
		const struct dump_dev *dev = &d->devs[i];

		if (!shown(d, dev))
			continue;
		tbl_row(&t, dev->bdf,
			fmt(b[0], TBL_CELL, "%04x:%04x", dev->vendor, dev->device),
			dev->driver[0] ? dev->driver : "-",
			owner_text(d, dev, b[1], TBL_CELL),
			intx_text(dev, b[2], TBL_CELL),
			int_or_dash(dev->sysfs_irq, b[3], TBL_CELL),
			int_or_dash(dev->gsi, b[4], TBL_CELL),
			msi_text(dev, b[5], TBL_CELL),
			msix_text(dev, b[6], TBL_CELL),
			fmt(b[7], TBL_CELL, "%s %s", dev->vendor_name,
			    dev->device_name));
	}
	if (t.nrows)
		tbl_print(&t, f);
	else
		fprintf(f, "none with MSI/MSI-X in use or held by pciback (--all lists every device)\n");
	free(t.rows);
}

/* Remapped messages carry an IOMMU table index, not dest/vector. */
static const char *vec_dest(const struct dump_vec *v, char *buf, size_t len)
{
	if (pt_msi_x86_remappable(v->e.address))
		return "IR";
	return fmt(buf, len, "%u", pt_msi_x86_dest(v->e.address));
}

static const char *vec_vector(const struct dump_vec *v, char *buf, size_t len)
{
	if (pt_msi_x86_remappable(v->e.address))
		return fmt(buf, len, "ir#%u",
			   pt_msi_x86_ir_index(v->e.address, v->e.data));
	return fmt(buf, len, "0x%02x", pt_msi_x86_vector(v->e.data));
}

/*
 * Last entry of the run starting at k whose unused entries all read the
 * same: a 2048-entry table of masked, unused vectors is one text row.
 */
static size_t vec_run_end(const struct dump_dev *dev, size_t k)
{
	const struct dump_vec *a = &dev->vec[k];
	size_t j = k;

	if (a->irq >= 0)
		return k;
	while (j + 1 < dev->nvec) {
		const struct dump_vec *b = &dev->vec[j + 1];

		if (b->irq >= 0 || b->pending != a->pending ||
		    b->e.masked != a->e.masked || b->e.data != a->e.data ||
		    b->e.address != a->e.address)
			break;
		j++;
	}
	return j;
}

static void text_vectors(const struct dump *d, FILE *f)
{
	char b[8][TBL_CELL];
	struct tbl t;
	size_t i, k;
	bool any = false, unknown = false;

	fprintf(f, "\nMSI-X TABLES (read from the BAR, read-only)\n");
	tbl_init(&t, 9, "BDF", "ENTRY", "MASKED", "PENDING", "DEST", "VEC",
		 "DATA", "ADDRESS", "IRQ");
	for (i = 0; i < d->ndevs; i++) {
		const struct dump_dev *dev = &d->devs[i];

		unknown |= shown(d, dev) && dev->msix_rc == -ERANGE;
		if (!shown(d, dev) || dev->msix_rc)
			continue;
		any = true;
		if (!dev->nvec) {
			fprintf(f, "%s: table not read: %s\n", dev->bdf,
				dev->table_note[0] ? dev->table_note : "unknown");
			continue;
		}
		if (dev->table_note[0])
			fprintf(f, "%s: %s\n", dev->bdf, dev->table_note);
		for (k = 0; k < dev->nvec; k = vec_run_end(dev, k) + 1) {
			const struct dump_vec *v = &dev->vec[k];
			size_t last = vec_run_end(dev, k);

			tbl_row(&t, dev->bdf,
				last == k ? fmt(b[0], TBL_CELL, "%u", v->entry) :
					fmt(b[0], TBL_CELL, "%u-%zu", v->entry, last),
				v->e.masked ? "yes" : "no",
				v->pending < 0 ? "?" : v->pending ? "yes" : "no",
				vec_dest(v, b[1], TBL_CELL),
				vec_vector(v, b[2], TBL_CELL),
				fmt(b[3], TBL_CELL, "0x%08x", v->e.data),
				fmt(b[4], TBL_CELL, "0x%016llx",
				    (unsigned long long)v->e.address),
				v->irq < 0 ? "-" : fmt(b[5], TBL_CELL, "%d", v->irq));
		}
	}
	if (t.nrows)
		tbl_print(&t, f);
	else if (!any && unknown)
		fprintf(f, "unknown: config space beyond %d bytes needs root\n",
			PT_PCICFG_STD_LEN);
	else if (!any)
		fprintf(f, "no MSI-X device shown\n");
	free(t.rows);
}

static void text_irqs(const struct dump *d, FILE *f)
{
	char b[6][TBL_CELL];
	struct tbl t;
	size_t i, k;

	fprintf(f, "\nLINUX IRQS\n");
	/* the last two columns only when joined to Xen's view */
	tbl_init(&t, d->xen.view_ok ? 10 : 8, "IRQ", "BDF", "MODE", "ENTRY",
		 "CHIP", "HWIRQ", "COUNT", "ACTIONS", "XEN-IRQ", "DOM:PIRQ");
	for (i = 0; i < d->ndevs; i++) {
		const struct dump_dev *dev = &d->devs[i];

		if (!shown(d, dev))
			continue;
		for (k = 0; k < dev->nirqs; k++) {
			const struct dump_irq *q = &dev->irqs[k];

			tbl_row(&t, fmt(b[0], TBL_CELL, "%d", q->irq), dev->bdf,
				q->mode,
				q->entry < 0 ? "-" : fmt(b[1], TBL_CELL, "%d", q->entry),
				q->chip[0] ? q->chip : "-",
				q->hwirq < 0 ? "-" : fmt(b[2], TBL_CELL, "%ld", q->hwirq),
				fmt(b[3], TBL_CELL, "%llu", q->count),
				q->actions[0] ? q->actions : "-",
				int_or_dash(q->xen_irq, b[4], TBL_CELL),
				q->domid == PT_NONE ? "-" :
					fmt(b[5], TBL_CELL, "d%d:%d", q->domid, q->pirq));
		}
	}
	if (t.nrows)
		tbl_print(&t, f);
	else
		fprintf(f, "none\n");
	free(t.rows);
}

static void text_xen_irq_table(const struct dump *d, FILE *f)
{
	char b[6][TBL_CELL];
	struct tbl t;
	size_t i;

	fprintf(f, "\nXEN IRQ RECORDS (Linux irq -> pirq -> evtchn -> domain)\n");
	fprintf(f, "%s\n", d->bpf_walk);
	if (!d->npirq_irqs)
		return;
	tbl_init(&t, 8, "IRQ", "CHIP", "PIRQ", "GSI", "EVTCHN", "DOMAIN",
		 "COUNT", "ACTIONS");
	for (i = 0; i < d->npirq_irqs; i++) {
		const struct dump_irq *q = &d->pirq_irqs[i];

		tbl_row(&t, fmt(b[0], TBL_CELL, "%d", q->irq),
			q->chip[0] ? q->chip : "-",
			int_or_dash(q->pirq, b[1], TBL_CELL),
			int_or_dash(q->gsi, b[5], TBL_CELL),
			int_or_dash(q->evtchn, b[2], TBL_CELL),
			q->domid == PT_NONE ? "-" :
				pt_domid_format(q->domid, b[3], TBL_CELL),
			fmt(b[4], TBL_CELL, "%llu", q->count),
			q->actions[0] ? q->actions : "-");
	}
	tbl_print(&t, f);
}

static void text_xen_view(const struct dump *d, FILE *f)
{
	const struct dump_xen *x = &d->xen;
	char b[4][TBL_CELL];
	struct tbl t;
	size_t i;

	if (!x->asked)
		return;
	fprintf(f, "\nXEN VIEW (debug keys i, M, Q)\n");
	if (x->view_note[0])
		fprintf(f, "%s\n", x->view_note);
	if (!x->view_ok)
		return;
	tbl_init(&t, 8, "XEN-IRQ", "VEC", "CHIP", "TYPE", "BDF", "HW-MASK",
		 "H/G", "GUESTS (dom:pirq(PMM))");
	for (i = 0; i < x->nirqs; i++) {
		const struct dump_xen_irq *q = &x->irqs[i];

		/* the view is about devices: skip Xen's own irqs */
		if (!q->sbdf[0] && !q->type[0] && q->domid == PT_NONE)
			continue;
		tbl_row(&t, fmt(b[0], TBL_CELL, "%d", q->irq),
			q->vector < 0 ? "-" : fmt(b[1], TBL_CELL, "0x%02x", q->vector),
			q->chip[0] ? q->chip : "-", q->type[0] ? q->type : "-",
			q->sbdf[0] ? q->sbdf : "-",
			q->maskbit < 0 ? "?" : q->maskbit ? "1" : "0",
			fmt(b[2], TBL_CELL, "%c%c", q->host_masked ? 'H' : '-',
			    q->guest_masked ? 'G' : '-'),
			q->unbound ? "mapped, unbound" :
				q->guests[0] ? q->guests : "-");
	}
	tbl_print(&t, f);
}

static void text_diffs(const struct dump *d, FILE *f)
{
	char b[TBL_CELL];
	struct tbl t;
	size_t i;

	if (!d->xen.view_ok)
		return;
	fprintf(f, "\nDISAGREEMENTS (Linux vs Xen)\n");
	if (!d->ndiffs) {
		fprintf(f, "none\n");
		return;
	}
	tbl_init(&t, 4, "BDF", "WHAT", "LINUX", "XEN");
	for (i = 0; i < d->ndiffs; i++)
		tbl_row(&t, pt_sbdf_format(d->diffs[i].sbdf, b, sizeof(b)),
			d->diffs[i].what, d->diffs[i].linux_says,
			d->diffs[i].xen_says);
	tbl_print(&t, f);
}

static void text_findings(const struct dump *d, FILE *f)
{
	size_t i;

	fprintf(f, "\nFINDINGS\n");
	if (!d->nfindings)
		fprintf(f, "none\n");
	for (i = 0; i < d->nfindings; i++) {
		const struct dump_finding *x = &d->findings[i];

		fprintf(f, "%s %s [%s]: %s\n", x->rule ? x->rule->code : "-",
			x->name,
			pt_severity_name(x->severity),
			x->msg);
	}
}

static void text_notes(const struct dump *d, FILE *f)
{
	size_t i;

	if (!d->nnotes)
		return;
	fprintf(f, "\nNOT READ\n");
	for (i = 0; i < d->nnotes; i++)
		fprintf(f, "- %s\n", d->notes[i]);
}

/*
 * --trace: each MSI-X entry's mask bit in every view at the end of the
 * recording, masked now / transitions ("?": the view never saw it).
 */
static void text_trace_masks(const struct pt_model *m, FILE *f)
{
	char b[PT_MV_MAX + 2][TBL_CELL], sbdf[PT_SBDF_STRLEN];
	struct tbl t;

	tbl_init(&t, 6, "BDF", "ENTRY", "DEVICE", "DOM0", "XEN", "DM");
	for (size_t i = 0; i < pt_model_device_count(m); i++) {
		const struct pt_device *dev = pt_model_device_at(m, i);

		for (size_t k = 0; k < dev->nentry_masks; k++) {
			const struct pt_entry_mask *em = &dev->entry_masks[k];

			for (int v = 0; v < PT_MV_MAX; v++)
				pt_mask_state_format(&em->view[v], b[v], TBL_CELL);
			tbl_row(&t, pt_sbdf_format(dev->sbdf, sbdf, sizeof(sbdf)),
				fmt(b[PT_MV_MAX], TBL_CELL, "%d", em->entry),
				b[PT_MV_DEVICE], b[PT_MV_DOM0], b[PT_MV_XEN],
				b[PT_MV_DM]);
		}
	}
	if (t.nrows) {
		fprintf(f, "mask views (masked/transitions while recording):\n");
		tbl_print(&t, f);
	}
}

/* --trace: what the live capture before the snapshot proved. */
static void text_trace(const struct dump *d, FILE *f)
{
	const struct dump_trace *t = &d->trace;
	char line[512];
	size_t i, n;

	if (!t->asked)
		return;
	fprintf(f, "\nTRACE (%g s recorded before the snapshot)\n", t->seconds);
	if (!t->ok) {
		fprintf(f, "not recorded: %s\n", t->note[0] ? t->note : "failed");
		return;
	}
	fprintf(f, "%llu events, %llu lost%s%s%s\n", t->events, t->lost,
		t->complete ? "" : ", log incomplete",
		t->kept ? ", kept in " : "", t->kept ? t->log : "");
	if (t->seed_note[0])
		fprintf(f, "model started empty: irq records %s\n", t->seed_note);
	else
		fprintf(f, "model started from %zu guest pirq binding(s) in the kernel's irq records\n",
			t->seeded);
	text_trace_masks(t->model, f);
	n = pt_model_finding_count(t->model);
	if (!n) {
		fprintf(f, "no findings\n");
		return;
	}
	for (i = 0; i < n; i++) {
		pt_finding_format(pt_model_finding(t->model, i), line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}

/* Every MSI-X entry's mask bit per view, as the recording left it. */
static json_t *jtrace_masks(const struct pt_model *m)
{
	json_t *a = json_array();
	char b[PT_SBDF_STRLEN];

	for (size_t i = 0; m && i < pt_model_device_count(m); i++) {
		const struct pt_device *dev = pt_model_device_at(m, i);

		if (!dev->nentry_masks)
			continue;
		json_array_append_new(a, json_pack("{s:s,s:o}",
			"sbdf", pt_sbdf_format(dev->sbdf, b, sizeof(b)),
			"entries", pt_device_entry_masks_json(dev)));
	}
	return a;
}

static json_t *jtrace(const struct dump *d)
{
	const struct dump_trace *t = &d->trace;

	if (!t->asked)
		return json_null();
	return json_pack("{s:f,s:b,s:i,s:o,s:I,s:I,s:b,s:I,s:o,s:o,s:o,s:o}",
			 "seconds", t->seconds, "ok", t->ok, "record_exit", t->exit,
			 "log", t->kept ? json_string(t->log) : json_null(),
			 "events", (json_int_t)t->events,
			 "lost", (json_int_t)t->lost, "complete", t->complete,
			 "seeded", (json_int_t)t->seeded,
			 "seed_note", t->seed_note[0] ? json_string(t->seed_note) :
							json_null(),
			 "findings", t->model ? pt_model_findings_json(t->model) :
						json_array(),
			 "note", t->note[0] ? json_string(t->note) : json_null(),
			 "mask_views", jtrace_masks(t->model));
}

void dump_print_text(const struct dump *d, FILE *f)
{
	text_header(d, f);
	text_devices(d, f);
	text_vectors(d, f);
	text_irqs(d, f);
	text_xen_irq_table(d, f);
	text_xen_view(d, f);
	text_diffs(d, f);
	text_findings(d, f);
	text_trace(d, f);
	text_notes(d, f);
}

/* ------------------------------------------------------------ JSON */

static json_t *jint_or_null(int v)
{
	return v == PT_NONE ? json_null() : json_integer(v);
}

static json_t *jstr_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *jhex(unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", v);
	return json_string(buf);
}

static json_t *jhex4(unsigned int v)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%04x", v & 0xffff);
	return json_string(buf);
}

/* "ENOENT" for an errno, as JSON consumers grep for it. */
static const char *errname(int err, char *buf, size_t len)
{
	const char *n = pt_errno_name(-err, buf, len);

	return n[0] == '-' && n[1] >= 'A' ? n + 1 : n;
}

/* Capability present / absent / unknown, the last with the reason. */
static json_t *jcap_missing(int rc)
{
	if (rc == -ENOENT)
		return json_pack("{s:b}", "present", 0);
	return json_pack("{s:n,s:s}", "present", "reason", cap_state(rc));
}

static json_t *jmsi(const struct dump_dev *dev)
{
	const struct pt_msi_cap *m = &dev->msi;

	if (dev->msi_rc)
		return jcap_missing(dev->msi_rc);
	return json_pack("{s:b,s:i,s:b,s:b,s:b,s:i,s:i,s:o,s:o,s:o,s:o}",
			 "present", 1, "offset", m->pos, "enabled", m->enabled,
			 "addr64", m->is64, "maskable", m->maskable,
			 "vectors_max", m->vectors_max,
			 "vectors_enabled", m->vectors_en,
			 "address", jhex(m->address), "data", jhex(m->data),
			 "mask", m->maskable ? jhex(m->mask) : json_null(),
			 "pending", m->maskable ? jhex(m->pending) : json_null());
}

static json_t *jvectors(const struct dump_dev *dev)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < dev->nvec; i++) {
		const struct dump_vec *v = &dev->vec[i];

		bool ir = pt_msi_x86_remappable(v->e.address);

		json_array_append_new(a, json_pack(
			"{s:i,s:b,s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:o}",
			"entry", v->entry, "masked", v->e.masked,
			"pending", v->pending < 0 ? json_null() :
						   json_boolean(v->pending),
			"address", jhex(v->e.address), "data", jhex(v->e.data),
			"remapped", ir,
			"ir_index", ir ? json_integer(pt_msi_x86_ir_index(
					v->e.address, v->e.data)) : json_null(),
			"dest", ir ? json_null() :
				json_integer(pt_msi_x86_dest(v->e.address)),
			"vector", ir ? json_null() :
				json_integer(pt_msi_x86_vector(v->e.data)),
			"irq", v->irq < 0 ? json_null() : json_integer(v->irq)));
	}
	return a;
}

static json_t *jmsix(const struct dump_dev *dev)
{
	const struct pt_msix_cap *m = &dev->msix;
	json_t *table;
	char eb[32];

	if (dev->msix_rc)
		return jcap_missing(dev->msix_rc);
	table = json_pack("{s:b,s:o,s:o,s:o}", "read", dev->nvec > 0,
			  "how", jstr_or_null(dev->table_how),
			  "error", dev->table_err ?
				json_string(errname(dev->table_err, eb, sizeof(eb))) :
				json_null(),
			  "note", jstr_or_null(dev->table_note));
	return json_pack("{s:b,s:i,s:o,s:b,s:b,s:i,s:i,s:i,s:i,s:i,s:o,s:o}",
			 "present", 1, "offset", m->pos, "control", jhex(m->ctrl),
			 "enabled", m->enabled, "maskall", m->maskall,
			 "table_size", m->table_size, "table_bir", m->table_bir,
			 "table_offset", m->table_offset, "pba_bir", m->pba_bir,
			 "pba_offset", m->pba_offset, "table", table,
			 "vectors", jvectors(dev));
}

static json_t *jirq(const struct dump_irq *q)
{
	return json_pack("{s:i,s:s,s:o,s:o,s:o,s:I,s:o,s:b,s:o,s:o,s:o,s:o,s:o,s:b}",
			 "irq", q->irq, "mode", q->mode,
			 "entry", q->entry < 0 ? json_null() : json_integer(q->entry),
			 "chip", jstr_or_null(q->chip),
			 "hwirq", q->hwirq < 0 ? json_null() : json_integer(q->hwirq),
			 "count", (json_int_t)q->count,
			 "actions", jstr_or_null(q->actions),
			 "xen_pirq", q->xen_pirq,
			 "xen_irq", jint_or_null(q->xen_irq),
			 "pirq", jint_or_null(q->pirq),
			 "evtchn", jint_or_null(q->evtchn),
			 "domid", jint_or_null(q->domid),
			 "gsi", jint_or_null(q->gsi),
			 "from_record", q->from_record);
}

static json_t *jirqs(const struct dump_irq *irqs, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, jirq(&irqs[i]));
	return a;
}

static json_t *jintx(const struct dump_dev *dev)
{
	if (!dev->has_intx)
		return json_null();
	return json_pack("{s:o,s:i,s:b,s:b,s:o,s:o,s:o}",
			 "pin", dev->intx.pin ? json_string(pt_intx_pin_name(dev->intx.pin)) :
						json_null(),
			 "line", dev->intx.line, "disabled", dev->intx.disabled,
			 "asserted", dev->intx.asserted,
			 "linux_irq", jint_or_null(dev->sysfs_irq),
			 "gsi", jint_or_null(dev->gsi),
			 "gsi_source", jstr_or_null(dev->gsi_src));
}

static json_t *jdev(const struct dump *d, const struct dump_dev *dev)
{
	char own[16];
	json_t *o;

	o = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o}",
		      "sbdf", dev->bdf, "vendor_id", jhex4(dev->vendor),
		      "device_id", jhex4(dev->device), "class", jhex4(dev->class),
		      "vendor", jstr_or_null(dev->vendor_name),
		      "device", jstr_or_null(dev->device_name),
		      "driver", jstr_or_null(dev->driver));
	json_object_set_new(o, "pciback", json_pack("{s:b,s:b,s:b,s:b}",
			    "bound", dev->pciback, "seized", dev->pciback_slot,
			    "permissive", dev->permissive,
			    "interrupt_control", dev->irq_control));
	json_object_set_new(o, "reset", dev->reset < 0 ? json_null() :
			    json_pack("{s:b,s:o}", "present", dev->reset == 1,
				      "methods", jstr_or_null(dev->reset_method)));
	json_object_set_new(o, "owner", json_string(owner_text(d, dev, own, sizeof(own))));
	json_object_set_new(o, "owner_domid", jint_or_null(dev->owner));
	json_object_set_new(o, "backend_state", jint_or_null(dev->xs_state));
	json_object_set_new(o, "leftover_backend_domid", jint_or_null(dev->leftover_backend));
	json_object_set_new(o, "config_bytes", json_integer(dev->cfglen));
	json_object_set_new(o, "intx", jintx(dev));
	json_object_set_new(o, "msi", jmsi(dev));
	json_object_set_new(o, "msix", jmsix(dev));
	json_object_set_new(o, "irqs", jirqs(dev->irqs, dev->nirqs));
	return o;
}

static json_t *jxen_view(const struct dump_xen *x)
{
	json_t *irqs = json_array(), *devs = json_array();
	size_t i;

	for (i = 0; i < x->nirqs; i++) {
		const struct dump_xen_irq *q = &x->irqs[i];

		json_array_append_new(irqs, json_pack(
			"{s:i,s:o,s:o,s:o,s:o,s:o,s:b,s:b,s:o,s:o,s:o,s:b}",
			"irq", q->irq,
			"vector", q->vector < 0 ? json_null() : json_integer(q->vector),
			"chip", jstr_or_null(q->chip), "type", jstr_or_null(q->type),
			"sbdf", jstr_or_null(q->sbdf),
			"hw_masked", q->maskbit < 0 ? json_null() : json_boolean(q->maskbit),
			"host_masked", q->host_masked, "guest_masked", q->guest_masked,
			"guests", jstr_or_null(q->guests),
			"domid", jint_or_null(q->domid), "pirq", jint_or_null(q->pirq),
			"unbound", q->unbound));
	}
	for (i = 0; i < x->npdevs; i++)
		json_array_append_new(devs, json_pack("{s:s,s:o,s:b,s:i}",
			"sbdf", x->pdevs[i].sbdf,
			"domid", jint_or_null(x->pdevs[i].domid),
			"quarantined", x->pdevs[i].quarantined,
			"msi_irqs", x->pdevs[i].nmsi));
	return json_pack("{s:b,s:o,s:o,s:o}", "ok", x->view_ok,
			 "note", jstr_or_null(x->view_note), "irqs", irqs,
			 "devices", devs);
}

static json_t *jxen(const struct dump *d)
{
	const struct dump_xen *x = &d->xen;
	json_t *doms = json_array(), *o;
	size_t i;

	for (i = 0; i < x->ndomains; i++)
		json_array_append_new(doms, json_integer(x->domains[i]));
	o = json_pack("{s:b,s:b,s:o,s:s,s:b,s:o,s:b}",
		      "present", x->present, "dom0", x->dom0,
		      "mode", jstr_or_null(x->mode), "detail", x->why,
		      "xenstore", x->xs_ok,
		      "domains", x->xs_ok ? doms : (json_decref(doms), json_null()),
		      "gsi_ioctl", x->privcmd_gsi);
	json_object_set_new(o, "view", x->asked ? jxen_view(x) : json_null());
	return o;
}

static json_t *jfindings(const struct dump *d)
{
	json_t *a = json_array();
	char b[PT_SBDF_STRLEN];
	size_t i;

	for (i = 0; i < d->nfindings; i++) {
		const struct dump_finding *f = &d->findings[i];

		json_array_append_new(a, json_pack("{s:o,s:s,s:s,s:o,s:o,s:s}",
			"code", f->rule ? json_string(f->rule->code) : json_null(),
			"rule", f->name,
			"severity", pt_severity_name(f->severity),
			"sbdf", f->sbdf == PT_SBDF_NONE ? json_null() :
				json_string(pt_sbdf_format(f->sbdf, b, sizeof(b))),
			"domid", jint_or_null(f->domid), "message", f->msg));
	}
	return a;
}

static json_t *jdiffs(const struct dump *d)
{
	json_t *a = json_array();
	char b[PT_SBDF_STRLEN];
	size_t i;

	for (i = 0; i < d->ndiffs; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s}",
			"sbdf", pt_sbdf_format(d->diffs[i].sbdf, b, sizeof(b)),
			"what", d->diffs[i].what, "linux", d->diffs[i].linux_says,
			"xen", d->diffs[i].xen_says));
	return a;
}

json_t *dump_to_json(const struct dump *d)
{
	json_t *o, *devs = json_array(), *notes = json_array();
	size_t i;

	for (i = 0; i < d->ndevs; i++)
		if (shown(d, &d->devs[i]))
			json_array_append_new(devs, jdev(d, &d->devs[i]));
	for (i = 0; i < d->nnotes; i++)
		json_array_append_new(notes, json_string(d->notes[i]));

	o = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:f}",
		      "schema", DUMP_SCHEMA, "tool", "ptrace dump",
		      "version", PT_VERSION, "time", d->when, "host", d->host,
		      "kernel", d->kernel, "root", d->root, "all", d->all,
		      "elapsed_ms", d->elapsed_ms);
	json_object_set_new(o, "xen", jxen(d));
	json_object_set_new(o, "pciback_permissive", d->pciback_permissive ?
			    json_boolean(d->pciback_permissive == 'Y') : json_null());
	json_object_set_new(o, "devices", devs);
	json_object_set_new(o, "xen_irq_records", json_pack("{s:s,s:b,s:o}",
			    "status", d->bpf_walk,
			    "read", d->irq_records_read,
			    "rows", jirqs(d->pirq_irqs, d->npirq_irqs)));
	json_object_set_new(o, "findings", jfindings(d));
	json_object_set_new(o, "trace", jtrace(d));
	json_object_set_new(o, "disagreements",
			    d->xen.view_ok ? jdiffs(d) : json_null());
	json_object_set_new(o, "not_read", notes);
	return o;
}
