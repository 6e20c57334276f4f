// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Xen's debug-key dumps (i: IRQs, M: MSIs, Q: PCI devices) into the
 * dump's Xen view, through the shared parsers of pt_xenview.h (the same
 * ones the lab's ground truth goes through).  This file only joins: a
 * Xen irq gets its MSI type and mask bits from M and its device from Q.
 *
 * Text may hold several captures (several `xl debug-keys` in one
 * `xl dmesg`); the parsers return them in order, so a later line for
 * the same irq or device replaces an earlier one: the newest wins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pt_xenview.h"
#include "dump_xenparse.h"

static struct dump_xen_irq *irq_get(struct dump_xen *x, int irq)
{
	struct dump_xen_irq *q;
	size_t i;

	for (i = 0; i < x->nirqs; i++)
		if (x->irqs[i].irq == irq)
			return &x->irqs[i];
	q = PT_PUSH(x->irqs, x->nirqs, x->capirqs);
	q->irq = irq;
	q->vector = -1;
	q->maskbit = -1;
	q->domid = q->pirq = PT_NONE;
	return q;
}

static struct dump_xen_pdev *pdev_get(struct dump_xen *x, __u32 sbdf)
{
	struct dump_xen_pdev *d;
	char b[PT_SBDF_STRLEN];
	size_t i;

	pt_sbdf_format(sbdf, b, sizeof(b));
	for (i = 0; i < x->npdevs; i++)
		if (!strcmp(x->pdevs[i].sbdf, b))
			return &x->pdevs[i];
	d = PT_PUSH(x->pdevs, x->npdevs, x->cappdevs);
	snprintf(d->sbdf, sizeof(d->sbdf), "%s", b);
	return d;
}

/* "d1: 55(-M-),d2: 56(---)" as Xen prints the guests of an irq */
static void guests_text(const struct pt_xv_xen_irq *v, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < v->nguests && off < len; i++) {
		const struct pt_xv_guest *g = &v->guests[i];

		off += snprintf(buf + off, len - off, "%sd%d:%d(%c%c%c)",
				i ? "," : "", g->domid, g->pirq,
				g->evtchn_pending ? 'P' : '-',
				g->evtchn_masked ? 'M' : '-',
				g->pirq_masked ? 'M' : '-');
	}
}

static void join_irqs(struct dump_xen *x, const struct pt_xv_xen_irq *v,
		      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct dump_xen_irq *q = irq_get(x, v[i].irq);

		if (!q)
			return;
		q->vector = v[i].vector;
		snprintf(q->chip, sizeof(q->chip), "%s", v[i].chip);
		q->unbound = v[i].kind == PT_XV_IRQ_UNBOUND;
		guests_text(&v[i], q->guests, sizeof(q->guests));
		q->domid = v[i].nguests ? v[i].guests[0].domid : PT_NONE;
		q->pirq = v[i].nguests ? v[i].guests[0].pirq : PT_NONE;
	}
}

static void join_msis(struct dump_xen *x, const struct pt_xv_xen_msi *v,
		      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct dump_xen_irq *q = irq_get(x, v[i].irq);

		if (!q)
			return;
		snprintf(q->type, sizeof(q->type), "%s", v[i].type);
		if (q->vector < 0)
			q->vector = v[i].vector;
		q->host_masked = v[i].host_masked;
		q->guest_masked = v[i].guest_masked;
		q->maskbit = v[i].hw_masked == PT_NONE ? -1 : v[i].hw_masked;
	}
}

static void join_pdevs(struct dump_xen *x, const struct pt_xv_xen_pdev *v,
		       size_t n)
{
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		struct dump_xen_pdev *d = pdev_get(x, v[i].sbdf);

		if (!d)
			return;
		d->domid = v[i].domid;
		d->quarantined = v[i].quarantined;
		d->nmsi = v[i].nmsi;
		for (k = 0; k < v[i].nmsi; k++) {
			struct dump_xen_irq *q = irq_get(x, v[i].msi_irqs[k]);

			if (q)
				snprintf(q->sbdf, sizeof(q->sbdf), "%s", d->sbdf);
		}
	}
}

int dump_xenparse(const char *text, struct dump_xen *x)
{
	struct pt_xv_xen_irq *irqs = NULL;
	struct pt_xv_xen_msi *msis = NULL;
	struct pt_xv_xen_pdev *pdevs = NULL;
	size_t ni = 0, nm = 0, np = 0;
	int err = 0;

	if (pt_xv_parse_xen_irqs(text, &irqs, &ni) < 0 ||
	    pt_xv_parse_xen_msis(text, &msis, &nm) < 0 ||
	    pt_xv_parse_xen_pdevs(text, &pdevs, &np) < 0) {
		err = -ENOMEM;
		snprintf(x->view_note, sizeof(x->view_note),
			 "parsing Xen's dumps: out of memory");
		goto out;
	}
	join_irqs(x, irqs, ni);
	join_msis(x, msis, nm);
	join_pdevs(x, pdevs, np);
	if (!ni && !nm && !np) {
		err = -ENOENT;
		snprintf(x->view_note, sizeof(x->view_note),
			 "no IRQ, MSI or PCI dump found in Xen's console output");
		goto out;
	}
	snprintf(x->view_note, sizeof(x->view_note), "%s%s%s",
		 ni ? "" : "no IRQ dump (key i) found; ",
		 nm ? "" : "no MSI dump (key M) found; ",
		 np ? "" : "no PCI dump (key Q) found; ");
out:
	free(irqs);
	free(msis);
	free(pdevs);
	return err;
}
