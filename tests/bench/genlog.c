// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Generate a large, realistic trace log for benchmarks: devices cycling
 * through dom0 probe, pciback, guest MSI-X setup, mask traffic and clean
 * teardown, written with the real log writer.
 *
 *   genlog EVENTS DEVICES VECTORS OUT [waits]
 *
 * With "waits": a PVH dom0 resetting DEVICES devices in turn, 1 us apart,
 * and never telling Xen, so every reset opens a reset-not-reported wait
 * and all of them overlap (the window is 1 s): the cost of many open
 * rule waits.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pt_log.h"
#include "pt_xenhc.h"

static struct pt_log_writer *w;
static unsigned long long ts = 1000000000ull, written, target;
static bool one_task_per_event;

static void emit(struct pt_event *ev, unsigned int type, unsigned int kind,
		 __u32 sbdf)
{
	ev->hdr.ts_ns = ts += 1000;
	ev->hdr.cpu = written & 1;
	/* a new task for each reset: nested-call folding must not merge them */
	ev->hdr.pid = one_task_per_event ? 1000 + written % 30000 :
					   100 + (written & 7);
	memcpy(ev->hdr.comm, "kworker/0:1", 12);
	ev->hdr.sbdf = sbdf;
	ev->hdr.type = type;
	ev->hdr.kind = kind;
	if (pt_log_write(w, ev)) {
		perror("write");
		exit(1);
	}
	written++;
	memset(ev, 0, sizeof(*ev));
}

static int overlapping_waits(int ndev)
{
	struct pt_event ev;

	memset(&ev, 0, sizeof(ev));
	while (written < target) {
		__u32 sbdf = PT_SBDF(0, 1 + written % ndev / 32,
				     (written % ndev % 32) << 3);

		ev.hdr.flags = PT_EVF_HAS_RET;
		emit(&ev, PT_EV_PCI_RESET, PT_RESET_FUNCTION_LOCKED, sbdf);
	}
	if (pt_log_finish(w, 0))
		return 1;
	fprintf(stderr, "genlog: %llu resets of %d devices, none told to Xen\n",
		written, ndev);
	return 0;
}

int main(int argc, char **argv)
{
	struct pt_log_header hdr;
	struct pt_event ev;
	char err[600];
	int ndev, nvec, round = 0;

	if (argc != 5 && !(argc == 6 && !strcmp(argv[5], "waits"))) {
		fprintf(stderr, "usage: genlog EVENTS DEVICES VECTORS OUT [waits]\n");
		return 2;
	}
	target = strtoull(argv[1], NULL, 10);
	ndev = atoi(argv[2]);
	nvec = atoi(argv[3]);
	one_task_per_event = argc == 6;
	pt_log_header_init(&hdr);
	snprintf(hdr.kernel, sizeof(hdr.kernel), "6.1.0-bench");
	snprintf(hdr.dom0_mode, sizeof(hdr.dom0_mode),
		 one_task_per_event ? "pvh" : "pv");
	w = pt_log_create(argv[4], &hdr, err, sizeof(err));
	if (!w) {
		fprintf(stderr, "genlog: %s\n", err);
		return 1;
	}
	memset(&ev, 0, sizeof(ev));
	if (one_task_per_event)
		return overlapping_waits(ndev);
	while (written < target) {
		for (int d = 0; d < ndev && written < target; d++) {
			__u32 sbdf = PT_SBDF(0, 1 + d / 32, (d % 32) << 3);
			int domid = 1 + d % 50, base = 1000 + d * nvec;

			emit(&ev, PT_EV_PCIBACK, PT_PCIBACK_INIT, sbdf);
			ev.hc.op = 36;
			ev.hc.cmd = 37;
			pt_hc_args_clear(&ev.hc.args);
			ev.hc.args.domid = domid;
			ev.hc.args.sbdf = sbdf;
			pt_hc_encode(&ev.hc, 0x15);
			ev.hdr.flags = PT_EVF_HAS_RET;
			emit(&ev, PT_EV_HYPERCALL, 0, PT_SBDF_NONE);
			ev.msi.msix = 1;
			ev.msi.nvec = nvec;
			emit(&ev, PT_EV_MSI, PT_MSI_ENABLE, sbdf);
			for (int v = 0; v < nvec; v++) {
				ev.pirq = (struct pt_ev_pirq){ PT_NONE, base + v,
					base + v, domid, v, 1 };
				emit(&ev, PT_EV_PIRQ, PT_PIRQ_BIND_MSI, sbdf);
				ev.evtchn = (struct pt_ev_evtchn){ 100 + base + v,
					base + v, PT_NONE, PT_NONE };
				emit(&ev, PT_EV_EVTCHN, PT_EVTCHN_BIND, PT_SBDF_NONE);
			}
			/* interrupt-time mask traffic dominates a long trace */
			for (int k = 0; k < 4 * nvec; k++) {
				ev.evtchn = (struct pt_ev_evtchn){ PT_NONE,
					base + k % nvec, PT_NONE, PT_NONE };
				emit(&ev, PT_EV_EVTCHN, k & 1 ? PT_EVTCHN_ENABLE :
				     PT_EVTCHN_DISABLE, PT_SBDF_NONE);
			}
			ev.msi.msix = 1;
			emit(&ev, PT_EV_MSI, PT_MSI_DISABLE, sbdf);
			for (int v = 0; v < nvec; v++) {
				ev.pirq = (struct pt_ev_pirq){ PT_NONE, PT_NONE,
					base + v, PT_NONE, PT_NONE, PT_NONE };
				emit(&ev, PT_EV_PIRQ, PT_PIRQ_DESTROY, PT_SBDF_NONE);
			}
			ev.hdr.flags = PT_EVF_HAS_RET;
			emit(&ev, PT_EV_PCI_RESET, PT_RESET_FUNCTION_LOCKED, sbdf);
			emit(&ev, PT_EV_PCIBACK, PT_PCIBACK_PUT, sbdf);
		}
		round++;
	}
	if (pt_log_finish(w, 0))
		return 1;
	fprintf(stderr, "genlog: %llu events, %d devices, %d vectors each, %d rounds\n",
		written, ndev, nvec, round);
	return 0;
}
