// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Every rule, replayed from scenario logs: each rule fires where the
 * events prove it and stays silent on the clean twin of that scenario.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "pt_model.h"
#include "pt_xenhc.h"

#define LOGS "tests/logs/"

struct expectation {
	const char *log;
	const char *rule;
	int count;		/* findings of that rule with status "bug" */
	int incomplete;		/* findings of that rule with status "incomplete" */
	int total;		/* all findings in the log */
};

static const struct expectation cases[] = {
	{ "pv-guest-destroy.jsonl", "reset-before-unbind", 1, 0, 1 },
	{ "pv-guest-clean.jsonl", "reset-before-unbind", 0, 0, 0 },
	{ "pv-assignable-add.jsonl", "reset-before-unbind", 0, 0, 0 },
	{ "lost-window.jsonl", "reset-before-unbind", 0, 1, 1 },
	/* the same with xen_pciback's probes dead (reloaded) instead of a loss */
	{ "blind-window.jsonl", "reset-before-unbind", 0, 1, 1 },
	{ "pvh-reset-not-reported.jsonl", "reset-not-reported", 1, 0, 1 },
	{ "pvh-reset-reported.jsonl", "reset-not-reported", 0, 0, 0 },
	/* Xen 4.17 answers a PVH dom0's reset notification -ENOSYS */
	{ "pvh-reset-refused.jsonl", "reset-not-reported", 1, 0, 1 },
	/*
	 * recorded: Xen 4.17 with a 6.12 PVH dom0 (two refused notifications,
	 * pciback's init and probe fail); its twin on Xen 4.20 is silent
	 */
	{ "lab/83-pvh-old-xen-seize.jsonl", "reset-not-reported", 2, 0, 4 },
	{ "lab/83-pvh-old-xen-seize.jsonl", "kernel-call-failed", 2, 0, 4 },
	/*
	 * the same scenario recorded with the MSI-X table sampler's events
	 * falling between the nested reset calls: still one reset each
	 */
	{ "lab/83-pvh-old-xen-seize-sampled.jsonl", "reset-not-reported", 2, 0, 4 },
	{ "lab-trixie/80-pvh-assignable.jsonl", "reset-not-reported", 0, 0, 0 },
	/*
	 * recorded: xen_pciback reloaded on a PVH dom0 (Xen 4.20) between two
	 * HVM guests; libxl's sysfs reset at each xl create is not told to
	 * Xen, and the sysfs reset made while pciback's probes were dead
	 * concludes inside that blind window: incomplete
	 */
	{ "lab-trixie/84-pvh-pciback-reload.jsonl", "reset-not-reported", 2, 1, 3 },
	{ "lab-trixie/80-pvh-assignable.jsonl", "kernel-call-failed", 0, 0, 0 },
	{ "pvh-gsi-not-registered.jsonl", "gsi-not-registered", 1, 0, 2 },
	{ "pvh-gsi-registered.jsonl", "gsi-not-registered", 0, 0, 0 },
	{ "irq-as-gsi.jsonl", "irq-as-gsi", 1, 0, 1 },
	{ "pvh-gsi-registered.jsonl", "irq-as-gsi", 0, 0, 0 },
	/* one finding: the refused assign is PT005's, not also PT009's */
	{ "maskall-assign.jsonl", "maskall-left-set", 1, 0, 1 },
	{ "pv-guest-clean.jsonl", "maskall-left-set", 0, 0, 0 },
	{ "msix-maskall-no-map.jsonl", "msix-maskall-no-map", 1, 0, 1 },
	{ "msix-maskall-mapped.jsonl", "msix-maskall-no-map", 0, 0, 0 },
	{ "evtchn-reuse-race.jsonl", "evtchn-reuse-race", 1, 0, 1 },
	{ "pv-assignable-add.jsonl", "evtchn-reuse-race", 0, 0, 0 },
	{ "pirq-after-domain-gone.jsonl", "pirq-after-domain-gone", 1, 0, 2 },
	{ "pv-guest-clean.jsonl", "pirq-after-domain-gone", 0, 0, 0 },
	{ "hypercall-failed.jsonl", "hypercall-failed", 4, 0, 4 },
	{ "pvh-gsi-registered.jsonl", "hypercall-failed", 0, 0, 0 },
	/* an HVM guest's MSI-X refused by Xen (the Debian 13 lab's ENODATA) */
	{ "hvm-dm-msix-refused.jsonl", "hypercall-failed", 2, 0, 2 },
	{ "hvm-dm-msix.jsonl", "hypercall-failed", 0, 0, 0 },
	/*
	 * libxl unmaps a guest's GSI pirq after QEMU did (EINVAL, which
	 * libxl itself calls spurious): silent; once mapped again, the
	 * same refusal is a failure
	 */
	{ "unmap-repeated.jsonl", "hypercall-failed", 1, 0, 1 },
	/* the Debian 13 lab: an HVM guest on a PV dom0, the repeat included */
	{ "lab-trixie/90-hvm-domu.jsonl", "hypercall-failed", 0, 0, 0 },
	/* its twin with a device model gone wrong: two MSI binds Xen refused */
	{ "lab-trixie/95-hvm-bad-bind.jsonl", "hypercall-failed", 2, 0, 2 },
	/* a device unbound from pciback while Xen holds it; handed back first */
	{ "pciback-unbind-seized.jsonl", "device-without-owner", 1, 0, 1 },
	{ "pciback-unbind-returned.jsonl", "device-without-owner", 0, 0, 0 },
	{ "lab-trixie/90-hvm-domu.jsonl", "device-without-owner", 0, 0, 0 },
	/* the Debian 13 lab: 00:02.0 unbound from pciback while quarantined */
	{ "lab-trixie/96-pciback-unbind-seized.jsonl", "device-without-owner", 1, 0, 1 },
	{ "deassign-before-unmap.jsonl", "deassign-before-unmap", 1, 0, 1 },
	{ "pv-guest-clean.jsonl", "deassign-before-unmap", 0, 0, 0 },
	{ "pciback-probe-einval.jsonl", "kernel-call-failed", 1, 0, 1 },
	{ "pv-guest-clean.jsonl", "kernel-call-failed", 0, 0, 0 },
	/* recorded in the Xen lab: Xen 4.17.5, Debian 6.1 PV dom0, e1000e */
	{ "lab/03-domu-msix-destroy.jsonl", "reset-before-unbind", 1, 0, 2 },
	{ "lab/03-domu-msix-destroy.jsonl", "deassign-before-unmap", 1, 0, 2 },
	{ "lab/01-dom0-msix-assignable.jsonl", "reset-before-unbind", 0, 0, 0 },
	/* Xen refused the e1000e with MASKALL set (real lab recording); its twin */
	{ "lab/08-assign-maskall.jsonl", "maskall-left-set", 1, 0, 2 },
	{ "lab/07-assign-clean.jsonl", "maskall-left-set", 0, 0, 0 },
	/* the failed create leaves its grants to Xen; xl destroy takes all back */
	{ "lab/08-assign-maskall.jsonl", "domain-ledger", 1, 0, 2 },
	{ "lab/03-domu-msix-destroy.jsonl", "domain-ledger", 0, 0, 2 },
	{ "lab/07-assign-clean.jsonl", "domain-ledger", 0, 0, 0 },
	{ "lab/02-pciback-sysfs.jsonl", "reset-before-unbind", 0, 0, 0 },
	{ "lab/04-intx-gsi.jsonl", "gsi-not-registered", 0, 0, 1 },
	/* reset quality: an INTx e1000 without a reset method, in the lab */
	{ "lab/04-intx-gsi.jsonl", "no-reset-method", 1, 0, 1 },
	{ "lab/03-domu-msix-destroy.jsonl", "no-reset-method", 0, 0, 2 },
	/*
	 * In time order the GSI registration of 04 falls inside pciback's
	 * probe: the trace never shows dom0's driver holding the device, so
	 * there is no previous owner to have reset it for.
	 */
	{ "lab/04-intx-gsi.jsonl", "owner-not-reset", 0, 0, 1 },
	{ "lab/03-domu-msix-destroy.jsonl", "owner-not-reset", 0, 0, 2 },
	{ "guest-handover-reset-failed.jsonl", "reset-failed", 1, 0, 2 },
	{ "guest-handover-reset-failed.jsonl", "owner-not-reset", 1, 0, 2 },
	{ "guest-handover-reset.jsonl", "reset-failed", 0, 0, 0 },
	{ "guest-handover-reset.jsonl", "owner-not-reset", 0, 0, 0 },
	/*
	 * pciback ops, recorded in the lab: dom0 refuses the guest's MSI-X
	 * and MSI (09, msi_bus 0); scenario 03 with its ops decoded, where
	 * the MSI-X enable is granted and pciback drops the guest's PCIe
	 * Device Control and AER status writes; 09 passes the device
	 * permissive, so nothing is dropped.
	 */
	{ "lab/09-domu-msi-refused.jsonl", "msi-enable-refused", 1, 0, 1 },
	{ "lab/03-domu-msix-ops.jsonl", "msi-enable-refused", 0, 0, 5 },
	{ "lab/03-domu-msix-ops.jsonl", "config-write-dropped", 3, 0, 5 },
	{ "lab/09-domu-msi-refused.jsonl", "config-write-dropped", 0, 0, 1 },
	/* -EALREADY, then MSI granted; a misaligned write refused */
	{ "pciback-msix-already.jsonl", "msi-enable-refused", 1, 0, 2 },
	{ "pciback-msix-already.jsonl", "config-write-dropped", 1, 0, 2 },
	/*
	 * An entry masked on the device while Xen's view holds it unmasked:
	 * 3.5 s is a finding; 0.9 s (Xen's view catching up within its
	 * period) is not, nor 3.5 s when Xen's view is read every 5 s, nor
	 * a view the sampler could not read (a blind record: forgotten).
	 */
	{ "msix-diverged-entry.jsonl", "msix-state-diverged", 1, 0, 1 },
	{ "msix-diverged-entry-clean.jsonl", "msix-state-diverged", 0, 0, 0 },
	{ "msix-diverged-entry-slow-xen.jsonl", "msix-state-diverged", 0, 0, 0 },
	{ "msix-diverged-entry-blind.jsonl", "msix-state-diverged", 0, 0, 0 },
	/* the same view unread only after the threshold passed: a finding */
	{ "msix-diverged-entry-blind-late.jsonl", "msix-state-diverged", 1, 0, 1 },
	/*
	 * The lab's Secondary Bus Reset by hand under a PV guest (86): MSI-X
	 * off on the device, the guest's three pirqs mapped; its twin (85)
	 * also has two passes of Xen's view that read nothing (blind)
	 */
	{ "lab/86-domu-bus-reset.jsonl", "msix-state-diverged", 1, 0, 6 },
	{ "lab/85-domu-port-clean.jsonl", "msix-state-diverged", 0, 0, 5 },
	{ "lab/85-domu-port-clean.jsonl", "reset-before-unbind", 1, 0, 5 },
	/* the clean lab scenarios with Xen's view: bounces, destroys */
	{ "lab/10-domu-nic-bounce-xen.jsonl", "msix-state-diverged", 0, 0, 5 },
	{ "lab/03-domu-msix-destroy-sampled.jsonl", "msix-state-diverged", 0, 0, 2 },
	{ "lab-trixie/90-hvm-domu.jsonl", "msix-state-diverged", 0, 0, 0 },
};

static struct pt_model *replay(const char *log)
{
	struct pt_model *m = pt_model_new();
	struct pt_replay res;
	char path[256], err[600];
	int ret;

	snprintf(path, sizeof(path), LOGS "%s", log);
	ret = pt_replay_file(path, m, NULL, NULL, &res, err, sizeof(err));
	if (ret)
		print_error("%s\n", err);
	assert_int_equal(ret, 0);
	return m;
}

static void test_case(void **state)
{
	const struct expectation *e = *state;
	const struct pt_rule *rule = pt_rule_find(e->rule);
	struct pt_model *m;
	int bug = 0, inc = 0;

	assert_non_null(rule);
	m = replay(e->log);
	for (size_t i = 0; i < pt_model_finding_count(m); i++) {
		const struct pt_finding *f = pt_model_finding(m, i);

		if (f->rule != rule)
			continue;
		if (f->status == PT_FINDING_BUG)
			bug++;
		else
			inc++;
		/* a finding always carries the events that prove it */
		assert_true(f->nproof > 0);
		assert_true(f->proof[0].line > 1);
	}
	assert_int_equal(bug, e->count);
	assert_int_equal(inc, e->incomplete);
	assert_int_equal(pt_model_finding_count(m), e->total);
	pt_model_free(m);
}

/* Every rule of the table has a log where it fires and one where it must not. */
static void test_every_rule_covered(void **state)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);

	for (size_t r = 0; r < pt_rule_count(); r++) {
		const char *name = pt_rule_at(r)->name;
		bool fires = false, clean = false;

		for (size_t i = 0; i < n; i++) {
			if (strcmp(cases[i].rule, name))
				continue;
			fires |= cases[i].count + cases[i].incomplete > 0;
			clean |= cases[i].count + cases[i].incomplete == 0;
		}
		if (!fires || !clean)
			print_error("rule %s lacks a %s log\n", name,
				    fires ? "clean" : "firing");
		assert_true(fires && clean);
	}
}

/* The proof of reset-before-unbind: the guest's bindings, then the reset. */
static void test_reset_before_unbind_proof(void **state)
{
	struct pt_model *m = replay("pv-guest-destroy.jsonl");
	const struct pt_finding *f = pt_model_finding(m, 0);

	assert_string_equal(f->rule->code, "PT001");
	assert_int_equal(f->domid, 1);
	assert_int_equal(f->nproof, 4);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(f->proof[i].ev.hdr.type, PT_EV_PIRQ);
		assert_int_equal(f->proof[i].ev.pirq.domid, 1);
	}
	assert_int_equal(f->proof[3].ev.hdr.type, PT_EV_PCI_RESET);
	assert_true(f->proof[3].line > f->proof[2].line);
	assert_non_null(strstr(f->msg, "55,54,53"));
	pt_model_free(m);
}

/* The follow-up window: a notification arriving late does not count. */
static void test_window(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_replay res;
	char err[600];

	/* pvh-reset-reported has its Xen notification 3 s after a reset */
	pt_model_set_window(m, 5000000000ull);
	assert_int_equal(pt_replay_file(LOGS "pvh-reset-reported.jsonl", m, NULL,
					NULL, &res, err, sizeof(err)), 0);
	assert_int_equal(pt_model_finding_count(m), 0);
	pt_model_free(m);
}

/*
 * A refused notification is named, and proves the finding with the reset
 * it follows (pciback's), not with an older one waiting (a sysfs reset).
 */
static void test_reset_refused_proof(void **state)
{
	struct pt_model *m = replay("pvh-reset-refused.jsonl");
	const struct pt_finding *f = pt_model_finding(m, 0);

	assert_string_equal(f->rule->name, "reset-not-reported");
	assert_non_null(strstr(f->msg, "refused to be told"));
	assert_non_null(strstr(f->msg, "ENOSYS"));
	assert_int_equal(f->nproof, 2);
	assert_int_equal(f->proof[0].ev.hdr.kind, PT_RESET_FUNCTION_LOCKED);
	assert_int_equal(f->proof[1].ev.hdr.kind, PT_RESET_XEN_NOTIFY);
	assert_int_equal(f->proof[1].ev.hdr.ret, -38);
	pt_model_free(m);
}

/*
 * Each refused notification is proven by the reset it follows, the outer
 * call (function_locked), even where the MSI-X table sampler (another
 * task) wrote an event between the outer call and the method inside it.
 */
static void test_reset_refused_sampler_between(void **state)
{
	struct pt_model *m = replay("lab/83-pvh-old-xen-seize-sampled.jsonl");
	int n = 0;

	for (size_t i = 0; i < pt_model_finding_count(m); i++) {
		const struct pt_finding *f = pt_model_finding(m, i);

		if (strcmp(f->rule->name, "reset-not-reported"))
			continue;
		n++;
		assert_int_equal(f->nproof, 2);
		assert_int_equal(f->proof[0].ev.hdr.kind, PT_RESET_FUNCTION_LOCKED);
		assert_int_equal(f->proof[1].ev.hdr.kind, PT_RESET_XEN_NOTIFY);
	}
	assert_int_equal(n, 2);
	pt_model_free(m);
}

/* One no-reset-method finding for the device, each failed reset its proof. */
static void test_no_reset_method_proof(void **state)
{
	struct pt_model *m = replay("lab/04-intx-gsi.jsonl");
	const struct pt_finding *f = pt_model_finding(m, 0);

	assert_string_equal(f->rule->name, "no-reset-method");
	assert_int_equal(f->rule->severity, PT_SEV_WARNING);
	assert_int_equal(f->nproof, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(f->proof[i].ev.hdr.type, PT_EV_PCI_RESET);
		assert_int_equal(f->proof[i].ev.hdr.ret, -25);
	}
	assert_int_equal(pt_model_finding_count(m), 1);
	pt_model_free(m);
}

static void reset_event(struct pt_event *ev, __u64 ts, __u32 sbdf, int kind,
			int pid)
{
	memset(ev, 0, sizeof(*ev));
	ev->hdr.ts_ns = ts;
	ev->hdr.pid = pid;
	ev->hdr.sbdf = sbdf;
	ev->hdr.type = PT_EV_PCI_RESET;
	ev->hdr.kind = kind;
	ev->hdr.flags = PT_EVF_HAS_RET;
}

/*
 * Tens of thousands of overlapping waits (resets on a PVH dom0, none told
 * to Xen) conclude in linear-logarithmic time, the ones resolved stay
 * silent, and the findings come in the order the waits were opened.
 */
static void test_many_overlapping_waits(void **state)
{
	const int n = 40000, ndev = 64;
	struct pt_model *m = pt_model_new();
	struct pt_event ev;
	clock_t start = clock();
	__u64 prev = 0;
	int notified;

	pt_model_set_dom0_mode(m, "pvh");
	for (int i = 0; i < n; i++) {
		reset_event(&ev, 1000000000ull + 1000ull * i, PT_SBDF(0, 1, i % ndev),
			    PT_RESET_FUNCTION_LOCKED, 1000 + i);
		pt_model_apply(m, &ev, i + 2);
	}
	/* Xen is told about device 0's resets: its waits end silently */
	reset_event(&ev, 1000000000ull + 1000ull * n, PT_SBDF(0, 1, 0),
		    PT_RESET_XEN_NOTIFY, 1);
	pt_model_apply(m, &ev, n + 2);
	notified = (n + ndev - 1) / ndev;
	pt_model_finish(m);
	assert_int_equal(pt_model_finding_count(m), n - notified);
	for (size_t i = 0; i < pt_model_finding_count(m); i++) {
		const struct pt_finding *f = pt_model_finding(m, i);

		assert_string_equal(f->rule->name, "reset-not-reported");
		assert_int_not_equal(f->sbdf, PT_SBDF(0, 1, 0));
		assert_true(f->proof[0].ev.hdr.ts_ns > prev);
		prev = f->proof[0].ev.hdr.ts_ns;
	}
	/* a scan of every open wait per event took 20 s here */
	assert_true(clock() - start < 5 * CLOCKS_PER_SEC);
	pt_model_free(m);
}

/* Waits due at the same event fire in opening order, not deadline order. */
static void test_waits_fire_in_opening_order(void **state)
{
	struct pt_model *m = pt_model_new();
	struct pt_event ev;

	pt_model_set_dom0_mode(m, "pvh");
	/* written in this order, stamped the other way (exit-time events) */
	reset_event(&ev, 2000000000ull, PT_SBDF(0, 2, 0), PT_RESET_FUNCTION_LOCKED, 1);
	pt_model_apply(m, &ev, 2);
	reset_event(&ev, 1999000000ull, PT_SBDF(0, 3, 0), PT_RESET_FUNCTION_LOCKED, 2);
	pt_model_apply(m, &ev, 3);
	reset_event(&ev, 9000000000ull, PT_SBDF(0, 4, 0), PT_RESET_XEN_NOTIFY, 3);
	pt_model_apply(m, &ev, 4);
	assert_int_equal(pt_model_finding_count(m), 2);
	assert_int_equal(pt_model_finding(m, 0)->sbdf, PT_SBDF(0, 2, 0));
	assert_int_equal(pt_model_finding(m, 1)->sbdf, PT_SBDF(0, 3, 0));
	assert_int_equal(pt_model_finding(m, 0)->ts, 9000000000ull);
	pt_model_free(m);
}

/*
 * The proof of maskall-left-set is the control word write that left
 * MASKALL, however many events of the device came between: rules read
 * state the model keeps, not its display ring of recent events.
 */
static void test_maskall_proof_beyond_recent(void **state)
{
	const __u32 dev = PT_SBDF(0, 0, 0x18);
	struct pt_model *m = pt_model_new();
	const struct pt_finding *f;
	unsigned long line = 2;
	struct pt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.ts_ns = 1000000000ull;
	ev.hdr.sbdf = dev;
	ev.hdr.type = PT_EV_MSIX_CTRL;
	ev.msix_ctrl = (struct pt_ev_msix_ctrl){ .value = 0x4002, .maskall = 1,
						 .view = PT_VIEW_LINUX };
	pt_model_apply(m, &ev, line++);
	for (int i = 0; i < 2 * PT_RECENT_MAX; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.hdr.ts_ns = 1000001000ull + i;
		ev.hdr.sbdf = dev;
		ev.hdr.type = PT_EV_VECTOR_MASK;
		ev.vmask = (struct pt_ev_vector_mask){ .entry = i % 4, .irq = PT_NONE,
						       .masked = i & 1 };
		pt_model_apply(m, &ev, line++);
	}
	memset(&ev, 0, sizeof(ev));
	ev.hdr.ts_ns = 2000000000ull;
	ev.hdr.type = PT_EV_HYPERCALL;
	ev.hc.op = pt_hc_op_from_name("domctl");
	ev.hc.cmd = pt_hc_cmd_from_name(ev.hc.op, "assign_device");
	pt_hc_args_clear(&ev.hc.args);
	ev.hc.args.domid = 2;
	ev.hc.args.sbdf = dev;
	pt_model_apply(m, &ev, line);
	pt_model_finish(m);
	assert_int_equal(pt_model_finding_count(m), 1);
	f = pt_model_finding(m, 0);
	assert_string_equal(f->rule->name, "maskall-left-set");
	assert_int_equal(f->nproof, 2);
	assert_int_equal(f->proof[0].line, 2);
	assert_int_equal(f->proof[0].ev.hdr.type, PT_EV_MSIX_CTRL);
	assert_int_equal(f->proof[1].line, line);
	pt_model_free(m);
}

/* Every rule of the table says what to do about its finding. */
static void test_rule_rows(void **state)
{
	for (size_t i = 0; i < pt_rule_count(); i++) {
		const struct pt_rule *r = pt_rule_at(i);
		char code[32];

		snprintf(code, sizeof(code), "PT%03zu", i + 1);
		assert_string_equal(r->code, code);
		assert_non_null(r->title);
		assert_non_null(r->remediation);
		assert_true(strlen(r->remediation) > 10);
	}
}

static void test_rule_lookup(void **state)
{
	assert_ptr_equal(pt_rule_find("PT001"), pt_rule_find("reset-before-unbind"));
	assert_ptr_equal(pt_rule_find("pt001"), pt_rule_find("PT001"));
	assert_null(pt_rule_find("no-such-rule"));
	for (size_t i = 0; i < pt_rule_count(); i++) {
		const struct pt_rule *r = pt_rule_at(i);

		assert_int_equal(strlen(r->code), 5);
		assert_ptr_equal(pt_rule_find(r->code), r);
	}
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	struct CMUnitTest tests[96];
	char names[96][96];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		snprintf(names[k], sizeof(names[k]), "%s: %s=%d", cases[i].log,
			 cases[i].rule, cases[i].count + cases[i].incomplete);
		tests[k] = (struct CMUnitTest){ names[k], test_case, NULL, NULL,
						(void *)&cases[i] };
		k++;
	}
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_every_rule_covered);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_reset_before_unbind_proof);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_window);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_rule_lookup);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_no_reset_method_proof);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_reset_refused_proof);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_reset_refused_sampler_between);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_many_overlapping_waits);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_waits_fire_in_opening_order);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_rule_rows);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_maskall_proof_beyond_recent);
	return _cmocka_run_group_tests("rules", tests, k, NULL, NULL);
}
