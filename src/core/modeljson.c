// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The model as JSON (report --json, check --json); schema in docs/report-json.md. */
#include <jansson.h>
#include <stdio.h>
#include "pt_log.h"
#include "pt_model.h"
#include "pt_names.h"

static json_t *int_or_null(int v)
{
	return v == PT_NONE ? json_null() : json_integer(v);
}

static json_t *sbdf_json(__u32 sbdf)
{
	char b[PT_SBDF_STRLEN];

	return sbdf == PT_SBDF_NONE ? json_null() :
	       json_string(pt_sbdf_format(sbdf, b, sizeof(b)));
}

/* One view's state; null for a view that never saw the entry. */
static json_t *mask_state_json(const struct pt_mask_state *st)
{
	json_t *o;

	if (!st || st->masked < 0)
		return json_null();
	o = json_object();
	json_object_set_new(o, "masked", json_boolean(st->masked));
	json_object_set_new(o, "transitions", json_integer(st->transitions));
	json_object_set_new(o, "last_ts", json_integer(st->last_ts));
	json_object_set_new(o, "last_line", json_integer(st->last_line));
	if (st->last_pid) {
		char actor[PT_COMM_LEN + 16];

		snprintf(actor, sizeof(actor), "%s[%u]", st->last_comm, st->last_pid);
		json_object_set_new(o, "actor", json_string(actor));
	} else {
		json_object_set_new(o, "actor", json_null());
	}
	return o;
}

/* {"device": ..., "dom0": ..., "xen": ..., "dm": ...} of an entry. */
static json_t *mask_views_json(const struct pt_entry_mask *em)
{
	json_t *o = json_object();

	for (int k = 0; k < PT_MV_MAX; k++)
		json_object_set_new(o, pt_mask_view_name(k),
				    mask_state_json(em ? &em->view[k] : NULL));
	return o;
}

json_t *pt_device_entry_masks_json(const struct pt_device *d)
{
	json_t *a = json_array();

	for (size_t i = 0; i < d->nentry_masks; i++) {
		json_t *j = json_object();

		json_object_set_new(j, "entry", json_integer(d->entry_masks[i].entry));
		json_object_set_new(j, "views", mask_views_json(&d->entry_masks[i]));
		json_array_append_new(a, j);
	}
	return a;
}

json_t *pt_device_to_json(const struct pt_device *d)
{
	json_t *o = json_object(), *a;
	char own[24];

	json_object_set_new(o, "sbdf", sbdf_json(d->sbdf));
	json_object_set_new(o, "owner", json_string(pt_device_owner_format(d, own, sizeof(own))));
	json_object_set_new(o, "owner_kind", json_string(pt_owner_name(d->owner)));
	json_object_set_new(o, "domid", int_or_null(d->domid));
	a = json_array();
	for (size_t i = 0; i < d->nhistory; i++) {
		json_t *h = json_object();
		const struct pt_owner_change *c = &d->history[i];

		json_object_set_new(h, "ts", json_integer(c->ts));
		json_object_set_new(h, "line", json_integer(c->line));
		json_object_set_new(h, "owner", json_string(pt_owner_name(c->owner)));
		json_object_set_new(h, "domid", int_or_null(c->domid));
		json_array_append_new(a, h);
	}
	json_object_set_new(o, "owner_history", a);
	json_object_set_new(o, "gsi", int_or_null(d->gsi));
	json_object_set_new(o, "gsi_trigger", int_or_null(d->gsi_trigger));
	json_object_set_new(o, "gsi_polarity", int_or_null(d->gsi_polarity));
	json_object_set_new(o, "gsi_irq", int_or_null(d->gsi_irq));
	json_object_set_new(o, "gsi_pirq", int_or_null(d->gsi_pirq));
	a = json_array();
	for (size_t i = 0; i < d->ngsi_binds; i++) {
		const struct pt_gsi_bind *g = &d->gsi_binds[i];
		json_t *j = json_object();

		json_object_set_new(j, "domid", json_integer(g->domid));
		json_object_set_new(j, "pirq", int_or_null(g->pirq));
		json_object_set_new(j, "irq", int_or_null(g->irq));
		json_object_set_new(j, "evtchn", int_or_null(g->evtchn));
		json_object_set_new(j, "live", json_boolean(g->live));
		json_array_append_new(a, j);
	}
	json_object_set_new(o, "gsi_binds", a);
	json_object_set_new(o, "msi_enabled", json_boolean(d->msi_enabled));
	json_object_set_new(o, "msix_enabled", json_boolean(d->msix_enabled));
	json_object_set_new(o, "msix_ctrl", d->msix_ctrl < 0 ? json_null() :
			    json_integer(d->msix_ctrl));
	json_object_set_new(o, "maskall", d->maskall < 0 ? json_null() :
			    json_boolean(d->maskall));
	a = json_array();
	for (size_t i = 0; i < d->nvectors; i++) {
		const struct pt_vector *v = &d->vectors[i];
		json_t *j = json_object();

		json_object_set_new(j, "entry", int_or_null(v->entry));
		json_object_set_new(j, "irq", int_or_null(v->irq));
		json_object_set_new(j, "pirq", int_or_null(v->pirq));
		json_object_set_new(j, "evtchn", int_or_null(v->evtchn));
		json_object_set_new(j, "domid", int_or_null(v->domid));
		json_object_set_new(j, "masked", v->masked < 0 ? json_null() :
				    json_boolean(v->masked));
		json_object_set_new(j, "mask_transitions", json_integer(v->mask_transitions));
		json_object_set_new(j, "live", json_boolean(v->live));
		json_object_set_new(j, "views", mask_views_json(
			v->entry == PT_NONE ? NULL : pt_device_entry_mask(d, v->entry)));
		json_array_append_new(a, j);
	}
	json_object_set_new(o, "vectors", a);
	json_object_set_new(o, "msix_entries", pt_device_entry_masks_json(d));
	a = json_array();
	for (size_t i = 0; i < d->nresets; i++) {
		const struct pt_reset *r = &d->resets[i];
		json_t *j = json_object();

		json_object_set_new(j, "ts", json_integer(r->ts));
		json_object_set_new(j, "line", json_integer(r->line));
		json_object_set_new(j, "method", json_string(pt_kind_name(PT_EV_PCI_RESET, r->method)));
		json_object_set_new(j, "xen_told", json_boolean(r->xen_told));
		json_array_append_new(a, j);
	}
	json_object_set_new(o, "resets", a);
	/* only the last PT_HISTORY_MAX of each are kept: say how many went */
	if (d->history_dropped)
		json_object_set_new(o, "owner_history_dropped",
				    json_integer(d->history_dropped));
	if (d->resets_dropped)
		json_object_set_new(o, "resets_dropped",
				    json_integer(d->resets_dropped));
	json_object_set_new(o, "events", json_integer(d->nevents));
	json_object_set_new(o, "findings", json_integer(d->nfindings));
	json_object_set_new(o, "incomplete", json_boolean(d->incomplete));
	return o;
}

json_t *pt_finding_to_json(const struct pt_finding *f)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "code", json_string(f->rule->code));
	json_object_set_new(o, "rule", json_string(f->rule->name));
	json_object_set_new(o, "severity", json_string(pt_severity_name(f->rule->severity)));
	json_object_set_new(o, "remediation", f->rule->remediation ?
			    json_string(f->rule->remediation) : json_null());
	json_object_set_new(o, "status", json_string(pt_finding_status_name(f->status)));
	json_object_set_new(o, "sbdf", sbdf_json(f->sbdf));
	json_object_set_new(o, "domid", int_or_null(f->domid));
	json_object_set_new(o, "ts", json_integer(f->ts));
	json_object_set_new(o, "message", json_string(f->msg));
	for (int i = 0; i < f->nproof; i++) {
		json_t *p = json_object();

		json_object_set_new(p, "line", json_integer(f->proof[i].line));
		json_object_set_new(p, "event", pt_event_to_json(&f->proof[i].ev));
		json_array_append_new(a, p);
	}
	json_object_set_new(o, "proof", a);
	return o;
}

json_t *pt_model_findings_json(const struct pt_model *m)
{
	json_t *a = json_array();

	for (size_t i = 0; i < pt_model_finding_count(m); i++)
		json_array_append_new(a, pt_finding_to_json(pt_model_finding(m, i)));
	return a;
}

json_t *pt_model_devices_json(const struct pt_model *m)
{
	json_t *a = json_array();

	for (size_t i = 0; i < pt_model_device_count(m); i++)
		json_array_append_new(a, pt_device_to_json(pt_model_device_at(m, i)));
	return a;
}

int pt_finding_format(const struct pt_finding *f, char *buf, size_t len)
{
	return snprintf(buf, len, "%s %s [%s%s]: %s", f->rule->code,
			f->rule->name, pt_severity_name(f->rule->severity),
			f->status == PT_FINDING_INCOMPLETE ? ", incomplete" : "",
			f->msg);
}
