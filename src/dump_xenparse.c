// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Minimal reader of Xen 4.17+ debug-key output, for the dump's --xen
 * view.  Formats (xen/arch/x86/irq.c dump_irqs, msi.c dump_msi,
 * drivers/passthrough/pci.c dump_pci_devices):
 *
 *   IRQ information:
 *      IRQ:  28 vec:c1 PCI-MSI/-X      status=030 aff:{0}/{0} in-flight=0 d1: 55(-M-)
 *   MSI information:
 *    MSI-X   28 vec=c1 lowest  edge   assert  log lowest dest=00000001 mask=1/H /1
 *   ==== PCI devices ====
 *   0000:03:00.0 - d1 - node -1  - MSIs < 28 29 >
 *
 * each line prefixed by "(XEN) " and, with console_timestamps, "[...] ".
 * A later dump of the same key replaces an earlier one.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dump_xenparse.h"

enum section { SEC_NONE, SEC_IRQ, SEC_MSI, SEC_PCI };

/* The message part of one console line. */
static const char *line_body(const char *p)
{
	if (!strncmp(p, "(XEN)", 5))
		p += 5;
	while (*p == ' ')
		p++;
	if (*p == '[') {
		const char *e = strchr(p, ']');

		if (e)
			p = e + 1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static struct dump_xen_irq *irq_get(struct dump_xen *x, int irq)
{
	struct dump_xen_irq *q;
	size_t i;

	for (i = 0; i < x->nirqs; i++)
		if (x->irqs[i].irq == irq)
			return &x->irqs[i];
	q = dump_grow(x->irqs, &x->nirqs, sizeof(*q));
	if (!q)
		return NULL;
	x->irqs = q;
	q = &q[x->nirqs - 1];
	memset(q, 0, sizeof(*q));
	q->irq = irq;
	q->vector = -1;
	q->maskbit = -1;
	q->domid = q->pirq = PT_NONE;
	return q;
}

/* "IRQ:  28 vec:c1 PCI-MSI/-X status=030 aff:{0}/{0} in-flight=0 d1: 55(-M-),d2: 56(---)" */
static void parse_irq(struct dump_xen *x, const char *p)
{
	struct dump_xen_irq *q;
	char chip[32];
	const char *g;
	int irq, vec;

	if (sscanf(p, "IRQ:%d vec:%x %31s", &irq, &vec, chip) != 3)
		return;
	q = irq_get(x, irq);
	if (!q)
		return;
	q->vector = vec;
	snprintf(q->chip, sizeof(q->chip), "%s", chip);
	q->unbound = strstr(p, "mapped, unbound") != NULL;

	g = strstr(p, "in-flight=");
	if (!g)
		return;
	g = strchr(g, ' ');
	if (!g)
		return;
	while (*g == ' ')
		g++;
	snprintf(q->guests, sizeof(q->guests), "%s", g);
	if (sscanf(g, "d%d:%d", &q->domid, &q->pirq) != 2)
		q->domid = q->pirq = PT_NONE;
}

/* " MSI-X   28 vec=c1 lowest edge assert log lowest dest=00000001 mask=1/H /1" */
static void parse_msi(struct dump_xen *x, const char *p)
{
	struct dump_xen_irq *q;
	char type[16], hg[3] = "  ", hw = '?';
	const char *m;
	int irq, vec, bit;

	if (sscanf(p, "%15s %d vec=%x", type, &irq, &vec) != 3 ||
	    strncmp(type, "MSI", 3))
		return;
	q = irq_get(x, irq);
	if (!q)
		return;
	snprintf(q->type, sizeof(q->type), "%s", type);
	if (q->vector < 0)
		q->vector = vec;
	m = strstr(p, "mask=");
	/* "%c%c" keeps the blanks Xen prints for "not masked" */
	if (m && sscanf(m, "mask=%d/%c%c/%c", &bit, &hg[0], &hg[1], &hw) == 4) {
		q->host_masked = hg[0] == 'H';
		q->guest_masked = hg[1] == 'G';
		q->maskbit = hw == '1' ? 1 : hw == '0' ? 0 : -1;
	}
}

/* "0000:03:00.0 - d1 - node -1  - MSIs < 28 29 >" */
static void parse_pdev(struct dump_xen *x, const char *p)
{
	struct dump_xen_pdev *d;
	unsigned int seg, bus, dev, fn;
	const char *o, *m;
	__u32 sbdf;

	if (sscanf(p, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4)
		return;
	o = strstr(p, " - ");
	if (!o)
		return;
	d = dump_grow(x->pdevs, &x->npdevs, sizeof(*d));
	if (!d)
		return;
	x->pdevs = d;
	d = &d[x->npdevs - 1];
	memset(d, 0, sizeof(*d));
	sbdf = PT_SBDF(seg, bus, (dev << 3) | fn);
	pt_sbdf_format(sbdf, d->sbdf, sizeof(d->sbdf));
	o += 3;
	d->domid = PT_NONE;
	if (!strncmp(o, "DomIO", 5) || !strncmp(o, "d[IO]", 5))
		d->quarantined = true;
	else if (sscanf(o, "d%d", &d->domid) != 1)
		d->domid = PT_NONE;

	m = strstr(o, "MSIs <");
	if (!m)
		return;
	for (m += 6; *m && *m != '>';) {
		char *end;
		long irq = strtol(m, &end, 10);
		struct dump_xen_irq *q;

		if (end == m)
			break;
		q = irq_get(x, (int)irq);
		if (q)
			snprintf(q->sbdf, sizeof(q->sbdf), "%s", d->sbdf);
		d->nmsi++;
		m = end;
		while (*m == ' ')
			m++;
	}
}

static enum section section_start(const char *p, enum section cur)
{
	if (!strncmp(p, "IRQ information:", 16))
		return SEC_IRQ;
	if (!strncmp(p, "MSI information:", 16))
		return SEC_MSI;
	if (!strncmp(p, "==== PCI devices ====", 21))
		return SEC_PCI;
	/* i continues with IO-APIC pins, which this view does not need */
	if (cur == SEC_IRQ && !strncmp(p, "IO-APIC", 7))
		return SEC_NONE;
	return cur;
}

/*
 * A dump seen again starts a newer capture in the same text (several
 * `xl debug-keys` runs in one `xl dmesg`): keep only the newest.
 */
static void capture_reset(struct dump_xen *x, bool *seen)
{
	x->nirqs = 0;
	x->npdevs = 0;
	memset(seen, 0, 4 * sizeof(*seen));
}

int dump_xenparse(const char *text, struct dump_xen *x)
{
	enum section sec = SEC_NONE;
	bool seen[4] = { false };
	const char *line = text;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[1024];
		const char *p;
		enum section next;

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		line = nl ? nl + 1 : NULL;
		p = line_body(buf);
		next = section_start(p, sec);
		if (next != sec) {
			sec = next;
			if (sec != SEC_NONE) {
				if (seen[sec])
					capture_reset(x, seen);
				seen[sec] = true;
			}
			continue;
		}
		switch (sec) {
		case SEC_IRQ:
			parse_irq(x, p);
			break;
		case SEC_MSI:
			parse_msi(x, p);
			break;
		case SEC_PCI:
			parse_pdev(x, p);
			break;
		default:
			break;
		}
	}
	if (!seen[SEC_IRQ] && !seen[SEC_MSI] && !seen[SEC_PCI]) {
		snprintf(x->view_note, sizeof(x->view_note),
			 "no IRQ, MSI or PCI dump found in Xen's console output");
		return -ENOENT;
	}
	snprintf(x->view_note, sizeof(x->view_note), "%s%s%s",
		 seen[SEC_IRQ] ? "" : "no IRQ dump (key i) found; ",
		 seen[SEC_MSI] ? "" : "no MSI dump (key M) found; ",
		 seen[SEC_PCI] ? "" : "no PCI dump (key Q) found; ");
	return 0;
}
