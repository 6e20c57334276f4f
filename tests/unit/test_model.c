// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The reconstructed picture, queried in the middle of a replay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "pt_model.h"
#include "../../src/core/model_query.h"	/* the queries rules read the model with */
#include "../../src/core/xen_public.h"

#define DEV PT_SBDF(0, 0, 0x18)		/* 0000:00:03.0 */

struct checkpoint {
	unsigned long line;
	void (*check)(const struct pt_model *m);
	bool seen;
};

struct ctx {
	struct pt_model *m;
	struct checkpoint *cp;
	size_t n;
};

static int on_event(void *p, const struct pt_event *ev, unsigned long line,
		    const struct pt_device *d)
{
	struct ctx *c = p;

	for (size_t i = 0; i < c->n; i++)
		if (c->cp[i].line == line) {
			c->cp[i].check(c->m);
			c->cp[i].seen = true;
		}
	return 0;
}

/* dom0's e1000e: GSI 22, three MSI-X vectors of dom0, event channels bound */
static void dom0_driver(const struct pt_model *m)
{
	const struct pt_device *d = pt_model_device(m, DEV);

	assert_non_null(d);
	assert_int_equal(d->owner, PT_OWNER_DOM0);
	assert_int_equal(d->gsi, 22);
	assert_int_equal(d->gsi_irq, 22);
	assert_int_equal(d->gsi_pirq, 22);
	assert_int_equal(d->nvectors, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(d->vectors[i].entry, i);
		assert_int_equal(d->vectors[i].irq, 44 + i);
		assert_int_equal(d->vectors[i].pirq, 413 - i);
		assert_int_equal(d->vectors[i].evtchn, 10 + i);
		assert_int_equal(d->vectors[i].domid, 0);
		assert_true(d->vectors[i].live);
	}
}

/* after assignable-add: pciback holds it, dom0's vectors are gone */
static void pciback_holds(const struct pt_model *m)
{
	const struct pt_device *d = pt_model_device(m, DEV);

	assert_int_equal(d->owner, PT_OWNER_PCIBACK);
	for (size_t i = 0; i < d->nvectors; i++)
		assert_false(d->vectors[i].live);
	assert_int_equal(d->nresets, 1);
}

/* guest d1 enabled MSI-X: its pirqs 55/54/53 on irqs 47-49 */
static void guest_owns(const struct pt_model *m)
{
	const struct pt_device *d = pt_model_device(m, DEV);
	int live = 0;

	assert_int_equal(d->owner, PT_OWNER_DOMAIN);
	assert_int_equal(d->domid, 1);
	assert_true(d->msix_enabled);
	for (size_t i = 0; i < d->nvectors; i++) {
		const struct pt_vector *v = &d->vectors[i];

		if (!v->live)
			continue;
		live++;
		assert_int_equal(v->domid, 1);
		assert_int_equal(v->pirq, 55 - v->entry);
		assert_int_equal(v->irq, 47 + v->entry);
	}
	assert_int_equal(live, 3);
	assert_int_equal(pt_model_finding_count(m), 0);
}

static void test_pv_guest_timeline(void **state)
{
	struct checkpoint cp[] = {
		{ 10, dom0_driver }, { 20, pciback_holds }, { 27, guest_owns },
	};
	struct ctx c = { pt_model_new(), cp, 3 };
	struct pt_replay res;
	const struct pt_device *d;
	char err[600], own[16];

	assert_int_equal(pt_replay_file("tests/logs/pv-guest-destroy.jsonl", c.m,
					on_event, &c, &res, err, sizeof(err)), 0);
	for (int i = 0; i < 3; i++)
		assert_true(cp[i].seen);
	assert_true(res.complete);
	assert_false(res.truncated);
	d = pt_model_device(c.m, DEV);
	/* owner history: dom0 -> pciback -> d1 -> pciback */
	assert_int_equal(d->nhistory, 4);
	assert_int_equal(d->history[2].owner, PT_OWNER_DOMAIN);
	assert_int_equal(d->history[2].domid, 1);
	assert_string_equal(pt_device_owner_format(d, own, sizeof(own)), "pciback");
	/* two resets on destroy (sysfs reset, then pciback's put) plus the add */
	assert_int_equal(d->nresets, 3);
	assert_false(d->msix_enabled);
	pt_model_free(c.m);
}

static void test_mask_transitions(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_event ev;
	const struct pt_device *d;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_PIRQ;
	ev.hdr.kind = PT_PIRQ_BIND_MSI;
	ev.hdr.sbdf = DEV;
	ev.pirq = (struct pt_ev_pirq){ PT_NONE, 55, 47, 1, 0, 1 };
	pt_model_apply(m, &ev, 2);
	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_EVTCHN;
	ev.hdr.sbdf = PT_SBDF_NONE;
	ev.evtchn = (struct pt_ev_evtchn){ PT_NONE, 47, PT_NONE, PT_NONE };
	for (int i = 0; i < 4; i++) {
		ev.hdr.ts_ns = i + 1;
		ev.hdr.kind = i % 2 ? PT_EVTCHN_ENABLE : PT_EVTCHN_DISABLE;
		pt_model_apply(m, &ev, 3 + i);
	}
	/* a table sample that agrees changes nothing */
	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_VECTOR_MASK;
	ev.hdr.sbdf = DEV;
	ev.vmask = (struct pt_ev_vector_mask){ 0, PT_NONE, PT_NONE, 0, PT_VIEW_TABLE, .domid = PT_NONE };
	pt_model_apply(m, &ev, 7);
	d = pt_model_device(m, DEV);
	assert_int_equal(d->vectors[0].masked, 0);
	/* disable, enable, disable, enable: three changes after the first */
	assert_int_equal(d->vectors[0].mask_transitions, 3);
	assert_int_equal(pt_device_recent_count(d), 6);
	assert_int_equal(pt_device_recent(d, 0)->line, 2);
	pt_model_free(m);
}

static void apply_vmask(struct pt_model *m, int entry, int irq, int masked,
			int view, __u64 ts, unsigned long line)
{
	struct pt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_VECTOR_MASK;
	ev.hdr.sbdf = DEV;
	ev.hdr.ts_ns = ts;
	ev.hdr.pid = view == PT_VIEW_LINUX ? 77 : 4242;
	strcpy(ev.hdr.comm, view == PT_VIEW_LINUX ? "ip" : "ptrace");
	ev.vmask = (struct pt_ev_vector_mask){ entry, irq, PT_NONE, masked, view, .domid = PT_NONE };
	pt_model_apply(m, &ev, line);
}

/*
 * Each view of an entry's mask bit keeps its own state: the sampler's
 * bits are the device's, dom0's writes are dom0's; a transition is a
 * change of one view, the first observation none.
 */
static void test_mask_views(void **state)
{
	struct pt_model *m = pt_model_new();
	const struct pt_entry_mask *em;
	const struct pt_device *d;
	char buf[16];

	/* the device: masked, unmasked, unmasked again (no change), masked */
	apply_vmask(m, 1, PT_NONE, 1, PT_VIEW_TABLE, 10, 1);
	apply_vmask(m, 1, PT_NONE, 0, PT_VIEW_TABLE, 20, 2);
	apply_vmask(m, 1, PT_NONE, 0, PT_VIEW_TABLE, 30, 3);
	apply_vmask(m, 1, PT_NONE, 1, PT_VIEW_TABLE, 40, 4);
	/* dom0 unmasks entry 1 once: its first observation */
	apply_vmask(m, 1, 44, 0, PT_VIEW_LINUX, 50, 5);
	/* another entry, seen once; a pirq view is none of the four */
	apply_vmask(m, 3, PT_NONE, 0, PT_VIEW_TABLE, 60, 6);
	apply_vmask(m, 3, PT_NONE, 1, PT_VIEW_PIRQ, 70, 7);
	/* entries past what a capability can hold are refused */
	apply_vmask(m, 4096, PT_NONE, 1, PT_VIEW_TABLE, 80, 8);

	d = pt_model_device(m, DEV);
	assert_non_null(d);
	assert_int_equal(d->nentry_masks, 2);
	em = pt_device_entry_mask(d, 1);
	assert_non_null(em);
	assert_int_equal(em->view[PT_MV_DEVICE].masked, 1);
	assert_int_equal(em->view[PT_MV_DEVICE].transitions, 2);
	assert_int_equal(em->view[PT_MV_DEVICE].last_ts, 40);
	assert_int_equal(em->view[PT_MV_DEVICE].last_line, 4);
	/* who flipped the device's bit is not known to the sampler */
	assert_int_equal(em->view[PT_MV_DEVICE].last_pid, 0);
	assert_int_equal(em->view[PT_MV_DOM0].masked, 0);
	assert_int_equal(em->view[PT_MV_DOM0].transitions, 0);
	assert_int_equal(em->view[PT_MV_DOM0].last_pid, 77);
	assert_string_equal(em->view[PT_MV_DOM0].last_comm, "ip");
	assert_int_equal(em->view[PT_MV_XEN].masked, -1);
	assert_int_equal(em->view[PT_MV_DM].masked, -1);
	em = pt_device_entry_mask(d, 3);
	assert_non_null(em);
	assert_int_equal(em->view[PT_MV_DEVICE].masked, 0);
	assert_int_equal(em->view[PT_MV_DEVICE].transitions, 0);
	assert_null(pt_device_entry_mask(d, 4096));
	assert_null(pt_device_entry_mask(d, 0));
	assert_string_equal(pt_mask_state_format(&pt_device_entry_mask(d, 1)->view[PT_MV_DEVICE],
						 buf, sizeof(buf)), "yes/2");
	assert_string_equal(pt_mask_state_format(NULL, buf, sizeof(buf)), "?");
	assert_string_equal(pt_mask_view_name(PT_MV_DM), "dm");
	pt_model_free(m);
}

static void apply_pirq(struct pt_model *m, int kind, __u64 ts,
		       unsigned long line)
{
	struct pt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_PIRQ;
	ev.hdr.kind = kind;
	ev.hdr.sbdf = DEV;
	ev.hdr.ts_ns = ts;
	ev.pirq = (struct pt_ev_pirq){ PT_NONE, 55, 47, 1, 1, 1 };
	pt_model_apply(m, &ev, line);
}

/*
 * The sampler reads every entry of a table, set up or not: its bits go
 * to the entries' mask views, never into vector rows, which are the
 * interrupts someone mapped.  A vector whose pirq went away keeps its
 * history when the device's bit changes after it (a reset masks every
 * entry after the guest is gone).
 */
static void test_sampler_makes_no_vectors(void **state)
{
	struct pt_model *m = pt_model_new();
	const struct pt_device *d;

	apply_vmask(m, 0, PT_NONE, 1, PT_VIEW_TABLE, 10, 1);
	apply_vmask(m, 1, PT_NONE, 1, PT_VIEW_TABLE, 10, 2);
	d = pt_model_device(m, DEV);
	assert_non_null(d);
	assert_int_equal(d->nvectors, 0);
	assert_int_equal(d->nentry_masks, 2);

	apply_pirq(m, PT_PIRQ_BIND_MSI, 20, 3);
	apply_vmask(m, 1, PT_NONE, 0, PT_VIEW_TABLE, 30, 4);
	d = pt_model_device(m, DEV);
	assert_int_equal(d->nvectors, 1);
	assert_int_equal(d->vectors[0].entry, 1);
	assert_int_equal(d->vectors[0].pirq, 55);
	assert_int_equal(d->vectors[0].masked, 0);

	apply_pirq(m, PT_PIRQ_UNMAP, 40, 5);
	apply_vmask(m, 1, PT_NONE, 1, PT_VIEW_TABLE, 50, 6);
	apply_vmask(m, 2, PT_NONE, 1, PT_VIEW_TABLE, 50, 7);
	d = pt_model_device(m, DEV);
	assert_int_equal(d->nvectors, 1);
	assert_false(d->vectors[0].live);
	assert_int_equal(d->vectors[0].pirq, 55);
	assert_int_equal(d->vectors[0].domid, 1);
	assert_int_equal(pt_device_entry_mask(d, 1)->view[PT_MV_DEVICE].transitions, 2);
	assert_int_equal(d->nentry_masks, 3);
	pt_model_free(m);
}

/* A driver unbound and probed again gets the same pirqs: live again. */
static void test_rebind_same_pirq(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_event ev;
	const struct pt_device *d;

	for (int round = 0; round < 2; round++) {
		memset(&ev, 0, sizeof(ev));
		ev.hdr.type = PT_EV_PIRQ;
		ev.hdr.kind = PT_PIRQ_BIND_MSI;
		ev.hdr.sbdf = DEV;
		ev.pirq = (struct pt_ev_pirq){ PT_NONE, 413, 44, PT_DOMID_SELF, 0, 1 };
		pt_model_apply(m, &ev, 2 + 2 * round);
		d = pt_model_device(m, DEV);
		assert_int_equal(d->nvectors, 1);
		assert_true(d->vectors[0].live);
		ev.hdr.kind = PT_PIRQ_DESTROY;
		ev.hdr.sbdf = PT_SBDF_NONE;
		ev.pirq = (struct pt_ev_pirq){ PT_NONE, PT_NONE, 44, PT_NONE, PT_NONE, PT_NONE };
		pt_model_apply(m, &ev, 3 + 2 * round);
		assert_false(d->vectors[0].live);
	}
	pt_model_free(m);
}

/* guest d1's MSI-X pirqs as the rules see them, in mapping order */
static void guest_pirqs_queried(const struct pt_model *m)
{
	const struct pt_pirq_state *p;
	const struct pt_gsi_state *g;
	size_t pos = 0;
	int n = 0;

	while ((p = pt_model_next_mapped(m, 1, DEV, &pos))) {
		assert_int_equal(p->pirq, 55 - n);
		assert_int_equal(p->irq, 47 + n);
		assert_int_equal(p->bind.ev.hdr.type, PT_EV_PIRQ);
		n++;
	}
	assert_int_equal(n, 3);
	/* any guest: the same three; dom0's are not a guest's */
	pos = 0;
	assert_int_equal(pt_model_next_mapped(m, PT_NONE, DEV, &pos)->pirq, 55);
	pos = 0;
	assert_null(pt_model_next_mapped(m, 2, DEV, &pos));
	assert_int_equal(pt_model_pirq_by_irq(m, 48)->pirq, 54);
	assert_non_null(pt_model_pirq(m, 1, 53));
	g = pt_model_gsi(m, 22);
	assert_non_null(g);
	assert_int_equal(g->sbdf, DEV);
	assert_null(pt_model_gsi(m, 23));
	assert_false(pt_model_dom0_pvh(m));
}

static void test_rule_queries(void **state)
{
	struct checkpoint cp[] = { { 27, guest_pirqs_queried } };
	struct ctx c = { pt_model_new(), cp, 1 };
	struct pt_replay res;
	char err[600];

	assert_int_equal(pt_replay_file("tests/logs/pv-guest-destroy.jsonl", c.m,
					on_event, &c, &res, err, sizeof(err)), 0);
	assert_true(cp[0].seen);
	pt_model_free(c.m);
}

struct reset_count {
	int events;
	int added;
};

static int count_resets(void *p, const struct pt_event *ev,
			unsigned long line, const struct pt_device *d)
{
	struct reset_count *c = p;

	if (ev->hdr.type != PT_EV_PCI_RESET)
		return 0;
	c->events++;
	c->added += pt_model_reset_is_new(d, ev, line);
	return 0;
}

/*
 * One reset shows as nested calls (pci_reset_function, the locked one,
 * pm): rules are told which event added a reset, once per reset.
 */
static const struct {
	const char *log;
	__u32 sbdf;
	int events, resets;
} reset_logs[] = {
	/*
	 * Three resets: assignable-add, destroy (pci_reset_function around
	 * two MSI-X writes, written after them), release.  In time order
	 * the destroy's outer call comes first and folds its inner calls.
	 */
	{ "tests/logs/lab/03-domu-msix-destroy.jsonl", PT_SBDF(0, 0, 0x10), 8, 3 },
	/*
	 * Another task's event on the device between the nested calls (the
	 * MSI-X table sampler's, on a PVH dom0) does not split a reset.
	 */
	{ "tests/logs/lab/83-pvh-old-xen-seize-sampled.jsonl", PT_SBDF(0, 0, 0x18), 6, 2 },
};

static void test_reset_is_new(void **state)
{
	for (size_t i = 0; i < sizeof(reset_logs) / sizeof(reset_logs[0]); i++) {
		struct pt_model *m = pt_model_new();
		struct reset_count c = { 0 };
		struct pt_replay res;
		char err[600];

		assert_int_equal(pt_replay_file(reset_logs[i].log, m, count_resets,
						&c, &res, err, sizeof(err)), 0);
		assert_int_equal(c.events, reset_logs[i].events);
		assert_int_equal(c.added, reset_logs[i].resets);
		assert_int_equal(pt_model_device(m, reset_logs[i].sbdf)->nresets,
				 reset_logs[i].resets);
		pt_model_free(m);
	}
}

static const struct pt_gsi_bind *gsi_bind(const struct pt_device *d, int domid)
{
	for (size_t i = 0; i < d->ngsi_binds; i++)
		if (d->gsi_binds[i].domid == domid)
			return &d->gsi_binds[i];
	return NULL;
}

static void apply_gsi_reg(struct pt_model *m, __u32 sbdf, unsigned long line)
{
	struct pt_event ev = { 0 };

	ev.hdr.type = PT_EV_GSI;
	ev.hdr.kind = PT_GSI_ACPI;
	ev.hdr.ts_ns = line;
	ev.hdr.sbdf = sbdf;
	ev.gsi = (struct pt_ev_gsi){ 23, 0, 1, 23 };
	pt_model_apply(m, &ev, line);
}

/* A toolstack's or device model's privcmd hypercall for domid (ts = line). */
static struct pt_event dm_hc(unsigned int op, unsigned int cmd, int domid,
			     unsigned long line)
{
	struct pt_event ev = { 0 };

	ev.hdr.type = PT_EV_HYPERCALL;
	ev.hdr.flags = PT_EVF_HAS_RET;
	ev.hdr.ts_ns = line;
	ev.hdr.sbdf = PT_SBDF_NONE;
	ev.hc.op = op;
	ev.hc.cmd = cmd;
	memset(&ev.hc.args, 0xff, sizeof(ev.hc.args));	/* PT_NONE */
	ev.hc.args.sbdf = PT_SBDF_NONE;
	ev.hc.args.vsbdf = PT_SBDF_NONE;
	ev.hc.args.domid = domid;
	return ev;
}

static void apply_map_gsi(struct pt_model *m, int cmd, int domid,
			  unsigned long line)
{
	struct pt_event ev = dm_hc(__HYPERVISOR_physdev_op, cmd, domid, line);

	ev.hc.args.pirq = 23;
	ev.hc.args.index = 23;
	ev.hc.args.map_type = MAP_PIRQ_TYPE_GSI;
	pt_model_apply(m, &ev, line);
}

/*
 * An INTx device's GSI bindings: dom0's bind_gsi (which names no device
 * and may come before the registration that does) and the toolstack's
 * map_pirq of the GSI for a guest are the device's, one per domain, until
 * unmapped.
 */
static void test_gsi_binds(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_event ev = { 0 };
	const struct pt_device *d;
	const struct pt_gsi_bind *b;

	/* dom0 binds pirq 23 to irq 23 before the device is named */
	ev.hdr.type = PT_EV_PIRQ;
	ev.hdr.kind = PT_PIRQ_BIND_GSI;
	ev.hdr.ts_ns = 1;
	ev.hdr.sbdf = PT_SBDF_NONE;
	ev.pirq = (struct pt_ev_pirq){ 23, 23, 23, PT_DOMID_SELF, PT_NONE, 1 };
	assert_null(pt_model_apply(m, &ev, 1));
	apply_gsi_reg(m, DEV, 2);
	d = pt_model_device(m, DEV);
	assert_non_null(d);
	assert_int_equal(d->gsi_pirq, 23);
	b = gsi_bind(d, 0);
	assert_non_null(b);
	assert_int_equal(b->pirq, 23);
	assert_int_equal(b->irq, 23);
	assert_true(b->live);

	/* the guest's pirq of the GSI, mapped by the toolstack */
	apply_map_gsi(m, PHYSDEVOP_map_pirq, 3, 3);
	assert_int_equal(d->ngsi_binds, 2);
	b = gsi_bind(d, 3);
	assert_non_null(b);
	assert_int_equal(b->pirq, 23);
	assert_true(b->live);
	/* dom0's event channel on the GSI's irq */
	ev.hdr.type = PT_EV_EVTCHN;
	ev.hdr.kind = PT_EVTCHN_BIND;
	ev.hdr.ts_ns = 4;
	ev.evtchn = (struct pt_ev_evtchn){ 28, 23, 23, PT_DOMID_SELF };
	assert_ptr_equal(pt_model_apply(m, &ev, 4), d);
	assert_int_equal(gsi_bind(d, 0)->evtchn, 28);

	/* unmapped for the guest: gone; dom0's stays */
	apply_map_gsi(m, PHYSDEVOP_unmap_pirq, 3, 5);
	assert_false(gsi_bind(d, 3)->live);
	assert_true(gsi_bind(d, 0)->live);
	assert_int_equal(d->ngsi_binds, 2);
	pt_model_free(m);
}

/*
 * The toolstack maps the GSI for the guest before dom0 registers it for
 * the device (lab 03: map_pirq at +4 s, the registration at +23 s): the
 * guest's binding joins the device once the GSI names it, and goes with
 * the guest's destruction.
 */
static void test_gsi_binds_late_device(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_event ev = { 0 };
	const struct pt_device *d;

	apply_map_gsi(m, PHYSDEVOP_map_pirq, 3, 1);
	assert_null(pt_model_device(m, DEV));
	apply_gsi_reg(m, DEV, 2);
	d = pt_model_device(m, DEV);
	assert_non_null(d);
	assert_non_null(gsi_bind(d, 3));
	assert_int_equal(gsi_bind(d, 3)->pirq, 23);
	assert_true(gsi_bind(d, 3)->live);
	/* registered again (a driver re-probed): still one binding */
	apply_gsi_reg(m, DEV, 3);
	assert_int_equal(d->ngsi_binds, 1);

	ev.hdr.type = PT_EV_HYPERCALL;
	ev.hdr.flags = PT_EVF_HAS_RET;
	ev.hdr.ts_ns = 4;
	ev.hdr.sbdf = PT_SBDF_NONE;
	ev.hc.op = __HYPERVISOR_domctl;
	ev.hc.cmd = XEN_DOMCTL_destroydomain;
	memset(&ev.hc.args, 0xff, sizeof(ev.hc.args));
	ev.hc.args.sbdf = PT_SBDF_NONE;
	ev.hc.args.domid = 3;
	pt_model_apply(m, &ev, 4);
	assert_false(gsi_bind(d, 3)->live);
	pt_model_free(m);
}

/* The lab's INTx guest: Xen showed "d0: 20, d2: 20" on GSI 20's irq. */
static void test_gsi_binds_lab(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_replay res;
	const struct pt_device *d;
	char err[600];

	assert_int_equal(pt_replay_file_until("tests/logs/lab/04-intx-gsi.jsonl",
					      m, 225000000000ull, NULL, NULL,
					      &res, err, sizeof(err)), 0);
	d = pt_model_device(m, PT_SBDF(0, 0, 0x20));
	assert_non_null(d);
	assert_non_null(gsi_bind(d, 0));
	assert_int_equal(gsi_bind(d, 0)->pirq, 20);
	assert_int_equal(gsi_bind(d, 0)->irq, 20);
	assert_true(gsi_bind(d, 0)->live);
	assert_non_null(gsi_bind(d, 2));
	assert_int_equal(gsi_bind(d, 2)->pirq, 20);
	assert_true(gsi_bind(d, 2)->live);
	pt_model_free(m);
}

/*
 * Guests come and go before the GSI's device is known: only the maps
 * still alive become the device's bindings, in the order they were made,
 * however many dead ones came before.
 */
static void test_gsi_binds_many_guests(void **state)
{
	struct pt_model *m = pt_model_new();
	const struct pt_device *d;
	unsigned long line = 1;

	for (int domid = 1; domid <= 100; domid++) {
		apply_map_gsi(m, PHYSDEVOP_map_pirq, domid, line++);
		/* every guest but 40 and 99 unmaps it again */
		if (domid != 40 && domid != 99)
			apply_map_gsi(m, PHYSDEVOP_unmap_pirq, domid, line++);
	}
	apply_gsi_reg(m, DEV, line++);
	d = pt_model_device(m, DEV);
	assert_non_null(d);
	assert_int_equal(d->ngsi_binds, 2);
	assert_int_equal(d->gsi_binds[0].domid, 40);
	assert_int_equal(d->gsi_binds[1].domid, 99);
	assert_true(d->gsi_binds[0].live && d->gsi_binds[1].live);
	pt_model_free(m);
}

static void apply_at(struct pt_model *m, struct pt_event *ev, __u64 ts,
		     unsigned long line)
{
	ev->hdr.ts_ns = ts;
	pt_model_apply(m, ev, line);
}

/* QEMU's map_pirq of MSI-X entry for d1; Xen chose pirq. */
static void apply_map_msi(struct pt_model *m, int entry, int pirq,
			  unsigned long line)
{
	struct pt_event ev = dm_hc(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq,
				   1, line);

	ev.hc.args.map_type = MAP_PIRQ_TYPE_MSI_SEG;
	ev.hc.args.sbdf = DEV;
	ev.hc.args.entry_nr = entry;
	ev.hdr.flags |= PT_EVF_HC_OUT;
	ev.hc.out = pirq;
	pt_model_apply(m, &ev, line);
}

/* QEMU's bind_pt_irq of pirq for d1, with the mask bit it saw. */
static void apply_bind_msi(struct pt_model *m, int pirq, bool unmasked,
			   unsigned long line)
{
	struct pt_event ev = dm_hc(__HYPERVISOR_domctl, XEN_DOMCTL_bind_pt_irq,
				   1, line);

	ev.hc.args.machine_irq = pirq;
	ev.hc.args.irq_type = PT_IRQ_TYPE_MSI;
	ev.hc.args.gvec = 0x30;
	ev.hc.args.flags = unmasked ? XEN_DOMCTL_VMSI_X86_UNMASKED : 0;
	pt_model_apply(m, &ev, line);
}

/*
 * An HVM guest's MSI-X vectors are mapped by its device model (QEMU's
 * xen_pt, through privcmd), not by dom0 Linux: each map_pirq makes the
 * guest's vector row, each bind_pt_irq gives the device model's view of
 * the entry's mask (gflags UNMASKED), and the row dies with the unmap or
 * with the domain.
 */
static void test_hvm_guest_msix(void **state)
{
	struct pt_model *m = pt_model_new();
	const struct pt_entry_mask *em;
	const struct pt_device *d;
	struct pt_event ev;

	apply_map_msi(m, 0, 55, 1);
	apply_map_msi(m, 1, 54, 2);
	d = pt_model_device(m, DEV);
	assert_non_null(d);
	assert_int_equal(d->owner, PT_OWNER_DOMAIN);
	assert_int_equal(d->domid, 1);
	assert_int_equal(d->nvectors, 2);
	assert_int_equal(d->vectors[1].entry, 1);
	assert_int_equal(d->vectors[1].pirq, 54);
	assert_int_equal(d->vectors[1].domid, 1);
	assert_int_equal(d->vectors[1].irq, PT_NONE);
	assert_true(d->vectors[1].live);
	/* no mapped pirq of dom0's: a guest's, by the device model */
	assert_true(pt_model_pirq(m, 1, 54)->by_toolstack);

	/* bound masked (the guest had not unmasked it yet), then unmasked */
	apply_bind_msi(m, 54, false, 3);
	em = pt_device_entry_mask(d, 1);
	assert_non_null(em);
	assert_int_equal(em->view[PT_MV_DM].masked, 1);
	assert_int_equal(em->view[PT_MV_DM].transitions, 0);
	apply_bind_msi(m, 54, true, 4);
	assert_int_equal(em->view[PT_MV_DM].masked, 0);
	assert_int_equal(em->view[PT_MV_DM].transitions, 1);
	assert_int_equal(em->view[PT_MV_DM].last_line, 4);
	/* the same bit again is no transition; the device's view is apart */
	apply_bind_msi(m, 54, true, 5);
	assert_int_equal(em->view[PT_MV_DM].transitions, 1);
	assert_int_equal(em->view[PT_MV_DEVICE].masked, -1);
	/* a bind of a pirq nobody mapped names no entry */
	apply_bind_msi(m, 99, true, 6);
	assert_null(pt_device_entry_mask(d, 2));
	/* a bind whose gflags the log lacks observes nothing */
	ev = dm_hc(__HYPERVISOR_domctl, XEN_DOMCTL_bind_pt_irq, 1, 6);
	ev.hc.args.machine_irq = 54;
	ev.hc.args.irq_type = PT_IRQ_TYPE_MSI;
	ev.hc.args.gvec = 0x31;
	pt_model_apply(m, &ev, 6);
	assert_int_equal(em->view[PT_MV_DM].masked, 0);
	assert_int_equal(em->view[PT_MV_DM].last_line, 4);
	/* MULTI_MSI's entry_nr is a vector count: no row at "entry" 4 */
	ev = dm_hc(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, 1, 6);
	ev.hc.args.map_type = MAP_PIRQ_TYPE_MULTI_MSI;
	ev.hc.args.sbdf = DEV;
	ev.hc.args.entry_nr = 4;
	ev.hdr.flags |= PT_EVF_HC_OUT;
	ev.hc.out = 60;
	pt_model_apply(m, &ev, 6);
	assert_int_equal(d->nvectors, 2);

	/* the device model unmaps entry 1's pirq; Xen frees entry 0's */
	ev = dm_hc(__HYPERVISOR_physdev_op, PHYSDEVOP_unmap_pirq, 1, 7);
	ev.hc.args.pirq = 54;
	pt_model_apply(m, &ev, 7);
	assert_false(d->vectors[1].live);
	assert_true(d->vectors[0].live);
	/* pirq 55 mapped again, for entry 3, with no unmap seen: one live row */
	apply_map_msi(m, 3, 55, 8);
	assert_false(d->vectors[0].live);
	assert_int_equal(d->vectors[2].entry, 3);
	assert_true(d->vectors[2].live);
	ev = dm_hc(__HYPERVISOR_domctl, XEN_DOMCTL_destroydomain, 1, 9);
	ev.hdr.ret = 0;
	pt_model_apply(m, &ev, 9);
	assert_false(d->vectors[2].live);
	assert_false(pt_model_pirq(m, 1, 55)->mapped);
	pt_model_free(m);
}

/* Xen's mask of d1's pirq, as the Xen mask sampler reports it. */
static void apply_xen_mask(struct pt_model *m, int pirq, int masked,
			   unsigned long line)
{
	struct pt_event ev = { 0 };

	ev.hdr.type = PT_EV_VECTOR_MASK;
	ev.hdr.sbdf = DEV;
	ev.hdr.ts_ns = line * 1000;
	ev.vmask = (struct pt_ev_vector_mask){ .entry = PT_NONE, .irq = PT_NONE,
		.pirq = pirq, .masked = masked, .view = PT_VIEW_XEN, .domid = 1 };
	ev.hdr.pid = 4242;	/* the sampler's, not the actor */
	snprintf(ev.hdr.comm, sizeof(ev.hdr.comm), "ptrace");
	pt_model_apply(m, &ev, line);
}

/*
 * Xen's view names a vector by domain and pirq: the model shows it on
 * the entry that pirq was mapped for, counts its changes, leaves the
 * row's own mask bit alone, and forgets it when the pirq is unmapped.
 */
static void test_xen_view(void **state)
{
	struct pt_model *m = pt_model_new();
	const struct pt_entry_mask *em;
	const struct pt_device *d;
	struct pt_event ev;

	apply_map_msi(m, 0, 55, 1);
	apply_map_msi(m, 2, 53, 2);
	d = pt_model_device(m, DEV);
	assert_non_null(d);
	apply_xen_mask(m, 53, 1, 3);
	em = pt_device_entry_mask(d, 2);
	assert_non_null(em);
	assert_int_equal(em->view[PT_MV_XEN].masked, 1);
	assert_int_equal(em->view[PT_MV_XEN].transitions, 0);
	assert_null(pt_device_entry_mask(d, 0));
	apply_xen_mask(m, 53, 0, 4);
	apply_xen_mask(m, 55, 0, 5);
	em = pt_device_entry_mask(d, 2);	/* the list grew */
	assert_int_equal(em->view[PT_MV_XEN].masked, 0);
	assert_int_equal(em->view[PT_MV_XEN].transitions, 1);
	assert_int_equal(em->view[PT_MV_XEN].last_line, 4);
	assert_string_equal(em->view[PT_MV_XEN].last_comm, "");
	assert_int_equal(em->view[PT_MV_XEN].last_pid, 0);
	/* the other views and the row's hardware bit are not Xen's */
	assert_int_equal(em->view[PT_MV_DEVICE].masked, -1);
	assert_int_equal(em->view[PT_MV_DM].masked, -1);
	assert_int_equal(d->vectors[1].masked, -1);
	assert_int_equal(pt_device_entry_mask(d, 0)->view[PT_MV_XEN].masked, 0);
	/* a pirq the trace never saw mapped names no entry */
	apply_xen_mask(m, 99, 1, 6);
	assert_int_equal(d->nentry_masks, 2);
	/* unmapped: the entry may serve another domain next */
	ev = dm_hc(__HYPERVISOR_physdev_op, PHYSDEVOP_unmap_pirq, 1, 7);
	ev.hc.args.pirq = 53;
	pt_model_apply(m, &ev, 7);
	em = pt_device_entry_mask(d, 2);
	assert_int_equal(em->view[PT_MV_XEN].masked, -1);
	assert_int_equal(em->view[PT_MV_XEN].transitions, 0);
	assert_string_equal(pt_mask_view_name(PT_MV_XEN), "xen");
	pt_model_free(m);
}

/*
 * A blind record (a module's probes dead across its reload) is a window
 * like a loss: the devices active in it are incomplete, the waits of
 * rules across it too, and nothing is counted as lost.
 */
static void test_blind_window(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_event ev, other;
	const struct pt_model_stats *st;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_PCI_RESET;
	ev.hdr.kind = PT_RESET_FUNCTION;
	ev.hdr.sbdf = DEV;
	other = ev;
	other.hdr.sbdf = PT_SBDF(0, 0, 0x20);
	apply_at(m, &other, 1000, 2);	/* before the window */
	apply_at(m, &ev, 5000, 3);	/* inside it */
	assert_false(pt_model_device(m, DEV)->incomplete);

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_BLIND;
	ev.hdr.kind = PT_BLIND_XEN_PCIBACK;
	ev.hdr.sbdf = PT_SBDF_NONE;
	ev.blind.since_ns = 4000;
	ev.blind.probes = 11;
	apply_at(m, &ev, 6000, 4);

	assert_true(pt_model_device(m, DEV)->incomplete);
	assert_false(pt_model_device(m, PT_SBDF(0, 0, 0x20))->incomplete);
	assert_true(pt_model_lost_between(m, 3000, 4500));
	assert_true(pt_model_lost_between(m, 5500, 9000));
	assert_false(pt_model_lost_between(m, 100, 3999));
	assert_false(pt_model_lost_between(m, 6001, 9000));
	st = pt_model_stats(m);
	assert_int_equal(st->blind_records, 1);
	assert_int_equal(st->lost, 0);
	assert_int_equal(st->lost_records, 0);
	assert_int_equal(st->per_type[PT_EV_BLIND], 1);
	pt_model_free(m);
}

/*
 * Overlapping loss windows are kept as one: the overlap queries answer as
 * for each window, and a device is incomplete only for a window it was
 * active in, not for the earlier part of a window it extends.
 */
static void test_lost_windows_merge(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_event ev, lost;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = PT_EV_PCI_RESET;
	ev.hdr.kind = PT_RESET_FUNCTION;
	ev.hdr.sbdf = DEV;
	memset(&lost, 0, sizeof(lost));
	lost.hdr.type = PT_EV_LOST;
	lost.hdr.sbdf = PT_SBDF_NONE;
	lost.lost.count = 1;

	lost.lost.since_ns = 1000;
	apply_at(m, &lost, 3000, 1);		/* [1000, 3000] */
	apply_at(m, &ev, 3500, 2);		/* DEV active after it */
	lost.lost.since_ns = 2000;
	apply_at(m, &lost, 4000, 3);		/* [2000, 4000]: overlaps */
	assert_true(pt_model_device(m, DEV)->incomplete);
	pt_model_free(m);

	m = pt_model_new();
	apply_at(m, &ev, 2500, 1);		/* DEV active inside the first */
	lost.lost.since_ns = 1000;
	apply_at(m, &lost, 3000, 2);		/* [1000, 3000] */
	lost.lost.since_ns = 2800;
	apply_at(m, &lost, 5000, 3);		/* [2800, 5000]: extends it */
	lost.lost.since_ns = 8000;
	apply_at(m, &lost, 9000, 4);		/* [8000, 9000]: apart */
	assert_true(pt_model_device(m, DEV)->incomplete);	/* the first */
	assert_true(pt_model_lost_between(m, 900, 1000));
	assert_true(pt_model_lost_between(m, 4500, 4600));
	assert_true(pt_model_lost_between(m, 8500, 8500));
	assert_false(pt_model_lost_between(m, 5001, 7999));
	assert_false(pt_model_lost_between(m, 9001, 9999));
	assert_int_equal(pt_model_stats(m)->lost_records, 3);
	pt_model_free(m);

	/*
	 * A device whose last event lies in the older window but before the
	 * newer one, seen only after the older window was noted (late): the
	 * newer window, though it extends the older one, does not touch it.
	 */
	m = pt_model_new();
	lost.lost.since_ns = 1000;
	apply_at(m, &lost, 3000, 1);		/* [1000, 3000] */
	ev.hdr.sbdf = PT_SBDF(0, 0, 0x20);
	apply_at(m, &ev, 1500, 2);		/* late, inside it */
	lost.lost.since_ns = 2800;
	apply_at(m, &lost, 5000, 3);		/* [2800, 5000] */
	assert_false(pt_model_device(m, PT_SBDF(0, 0, 0x20))->incomplete);
	assert_true(pt_model_lost_between(m, 1200, 1300));
	pt_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pv_guest_timeline),
		cmocka_unit_test(test_mask_transitions),
		cmocka_unit_test(test_rebind_same_pirq),
		cmocka_unit_test(test_rule_queries),
		cmocka_unit_test(test_reset_is_new),
		cmocka_unit_test(test_gsi_binds),
		cmocka_unit_test(test_gsi_binds_late_device),
		cmocka_unit_test(test_gsi_binds_lab),
		cmocka_unit_test(test_gsi_binds_many_guests),
		cmocka_unit_test(test_blind_window),
		cmocka_unit_test(test_lost_windows_merge),
		cmocka_unit_test(test_mask_views),
		cmocka_unit_test(test_sampler_makes_no_vectors),
		cmocka_unit_test(test_hvm_guest_msix),
		cmocka_unit_test(test_xen_view),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
