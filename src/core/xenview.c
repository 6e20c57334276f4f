// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Xen's and Linux's own views of PCI interrupts (debug keys i, M, Q,
 * /proc/interrupts, lspci -vv, msi_irqs), parsed from text into the
 * shape of ptrace's reconstructed table.  See include/pt_xenview.h.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "pt_xenview.h"

/* ------------------------------------------------------------ helpers */

/*
 * Call fn(line, arg) for each line of text; the line is a NUL-terminated
 * copy without its newline.  Stops and returns fn's value if negative.
 */
static int for_each_line(const char *text, int (*fn)(char *, void *),
			 void *arg)
{
	char buf[1024];
	const char *p = text;

	if (!text)
		return 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t cpy = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
		int err;

		memcpy(buf, p, cpy);
		buf[cpy] = '\0';
		if (cpy && buf[cpy - 1] == '\r')
			buf[cpy - 1] = '\0';
		err = fn(buf, arg);
		if (err < 0)
			return err;
		p += len;
		if (*p == '\n')
			p++;
	}
	return 0;
}

static char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return (char *)p;
}

/* Drop "(XEN) " and an optional "[timestamp] " after it. */
static char *xen_strip(char *line)
{
	char *p = skip_space(line);

	if (!strncmp(p, "(XEN)", 5)) {
		p = skip_space(p + 5);
		if (*p == '[') {
			char *e = strchr(p, ']');

			if (e)
				p = skip_space(e + 1);
		}
	}
	return p;
}

static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

static void copy_str(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Grow *arr by one element of size sz; returns the new slot or NULL. */
static void *grow(void *arr_p, size_t *n, size_t sz)
{
	void **arr = arr_p;
	char *na = realloc(*arr, (*n + 1) * sz);

	if (!na)
		return NULL;
	*arr = na;
	memset(na + *n * sz, 0, sz);
	return na + (*n)++ * sz;
}

int pt_xv_parse_sbdf(const char *s, __u32 *sbdf)
{
	unsigned int seg = 0, bus, dev, fn;
	int used = 0;

	if (sscanf(s, "%x:%x:%x.%x%n", &seg, &bus, &dev, &fn, &used) == 4 &&
	    used > 0) {
		/* seg:bus:dev.fn */
	} else if (sscanf(s, "%x:%x.%x%n", &bus, &dev, &fn, &used) == 3 &&
		   used > 0) {
		seg = 0;
	} else {
		return -EINVAL;
	}
	if (seg > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	*sbdf = PT_SBDF(seg, bus, (dev << 3) | fn);
	return 0;
}

/* ------------------------------------------------------ debug key i */

struct irqs_ctx {
	struct pt_xv_xen_irq **out;
	size_t *n;
	int added;
};

/* "d1: 55(PMM),d0:  7(---)" */
static void parse_guests(const char *p, struct pt_xv_xen_irq *x)
{
	while (*p && x->nguests < PT_XV_GUESTS_MAX) {
		struct pt_xv_guest *g = &x->guests[x->nguests];
		int dom, pirq, used = 0;
		const char *f;

		p = skip_space(p);
		if (sscanf(p, "d%d:%d%n", &dom, &pirq, &used) != 2)
			break;
		p += used;
		g->domid = dom;
		g->pirq = pirq;
		f = strchr(p, '(');
		if (f && f[1] && f[2] && f[3] && f[4] == ')') {
			g->evtchn_pending = f[1] == 'P';
			g->evtchn_masked = f[2] == 'M';
			g->pirq_masked = f[3] == 'M';
			p = f + 5;
		}
		x->nguests++;
		p = skip_space(p);
		if (*p != ',')
			break;
		p++;
	}
}

static int irqs_line(char *line, void *arg)
{
	struct irqs_ctx *c = arg;
	struct pt_xv_xen_irq x = { .in_flight = PT_NONE };
	struct pt_xv_xen_irq *slot;
	char *p = xen_strip(line), *rest;
	int used = 0;

	if (strncmp(p, "IRQ:", 4))
		return 0;
	if (sscanf(p, "IRQ: %d vec:%x %23s status=%x%n", &x.irq, &x.vector,
		   x.chip, &x.status, &used) != 4)
		return 0;
	rest = skip_space(p + used);
	if (!strncmp(rest, "aff:", 4)) {
		while (*rest && *rest != ' ')
			rest++;
		rest = skip_space(rest);
	}
	rtrim(rest);
	if (!strncmp(rest, "in-flight=", 10)) {
		x.kind = PT_XV_IRQ_GUEST;
		x.in_flight = atoi(rest + 10);
		rest += 10;
		while (*rest && *rest != ' ')
			rest++;
		parse_guests(rest, &x);
	} else if (!strncmp(rest, "mapped, unbound", 15)) {
		x.kind = PT_XV_IRQ_UNBOUND;
	} else {
		x.kind = PT_XV_IRQ_XEN;
		copy_str(x.handler, sizeof(x.handler), rest, strlen(rest));
	}
	slot = grow(c->out, c->n, sizeof(x));
	if (!slot)
		return -ENOMEM;
	*slot = x;
	c->added++;
	return 0;
}

int pt_xv_parse_xen_irqs(const char *text, struct pt_xv_xen_irq **out,
			 size_t *n)
{
	struct irqs_ctx c = { out, n, 0 };
	int err = for_each_line(text, irqs_line, &c);

	return err < 0 ? err : c.added;
}

/* ------------------------------------------------------ debug key M */

struct msis_ctx {
	struct pt_xv_xen_msi **out;
	size_t *n;
	int added;
};

static int msis_line(char *line, void *arg)
{
	struct msis_ctx *c = arg;
	struct pt_xv_xen_msi x = { .hw_masked = PT_NONE };
	struct pt_xv_xen_msi *slot;
	char *p = xen_strip(line), *m;

	if (sscanf(p, "%7s %d vec=%x", x.type, &x.irq, &x.vector) != 3)
		return 0;
	m = strstr(p, " mask=");
	if (!m || strlen(m) < 11 || m[7] != '/' || m[10] != '/')
		return 0;
	m += 6;
	x.maskbit = isdigit((unsigned char)m[0]) ? m[0] - '0' : PT_NONE;
	x.host_masked = m[2] == 'H';
	x.guest_masked = m[3] == 'G';
	x.hw_masked = isdigit((unsigned char)m[5]) ? m[5] - '0' : PT_NONE;
	slot = grow(c->out, c->n, sizeof(x));
	if (!slot)
		return -ENOMEM;
	*slot = x;
	c->added++;
	return 0;
}

int pt_xv_parse_xen_msis(const char *text, struct pt_xv_xen_msi **out,
			 size_t *n)
{
	struct msis_ctx c = { out, n, 0 };
	int err = for_each_line(text, msis_line, &c);

	return err < 0 ? err : c.added;
}

/* ------------------------------------------------------ debug key Q */

struct pdevs_ctx {
	struct pt_xv_xen_pdev **out;
	size_t *n;
	int added;
};

/* "0000:00:03.0 - d0 - node -1  - MSIs < 30 31 32 >" */
static int pdevs_line(char *line, void *arg)
{
	struct pdevs_ctx *c = arg;
	struct pt_xv_xen_pdev x = { .domid = PT_NONE, .node = PT_NONE };
	struct pt_xv_xen_pdev *slot;
	char *p = xen_strip(line), *q;
	char bdf[32], owner[32];
	int dom, used = 0;

	if (sscanf(p, "%31s - %31s%n", bdf, owner, &used) != 2)
		return 0;
	if (pt_xv_parse_sbdf(bdf, &x.sbdf) || !strchr(bdf, '.'))
		return 0;
	copy_str(x.owner, sizeof(x.owner), owner, strlen(owner));
	if (sscanf(owner, "d%d", &dom) == 1 && owner[1] != '\0' &&
	    isdigit((unsigned char)owner[1]))
		x.domid = dom;
	else if (strstr(owner, "IO"))
		x.quarantined = true;
	p += used;
	q = strstr(p, "node ");
	if (q)
		x.node = atoi(q + 5);
	q = strstr(p, "MSIs <");
	if (q) {
		q += 6;
		while (x.nmsi < PT_XV_MSIS_MAX) {
			char *e;
			long v = strtol(q, &e, 10);

			if (e == q)
				break;
			x.msi_irqs[x.nmsi++] = (int)v;
			q = e;
		}
	}
	slot = grow(c->out, c->n, sizeof(x));
	if (!slot)
		return -ENOMEM;
	*slot = x;
	c->added++;
	return 0;
}

int pt_xv_parse_xen_pdevs(const char *text, struct pt_xv_xen_pdev **out,
			  size_t *n)
{
	struct pdevs_ctx c = { out, n, 0 };
	int err = for_each_line(text, pdevs_line, &c);

	return err < 0 ? err : c.added;
}

/* ------------------------------------------------- /proc/interrupts */

struct procirq_ctx {
	struct pt_xv_linux_irq **out;
	size_t *n;
	int ncpu;
	int added;
};

/* "-msi-x" or "2-edge" or "0-edge": a flow column; returns its word. */
static const char *flow_word(const char *tok)
{
	const char *d = strchr(tok, '-');

	if (tok[0] == '-')
		return tok + 1;
	if (!d)
		return NULL;
	for (const char *t = tok; t < d; t++)
		if (!isdigit((unsigned char)*t))
			return NULL;
	return d + 1;
}

static int procirq_line(char *line, void *arg)
{
	struct procirq_ctx *c = arg;
	struct pt_xv_linux_irq x = { 0 };
	struct pt_xv_linux_irq *slot;
	char *p = skip_space(line), *e, *tok;
	const char *fw;
	size_t len;
	long irq;

	if (!strncmp(p, "CPU", 3)) {
		c->ncpu = 0;
		for (char *t = p; (t = strstr(t, "CPU")); t += 3)
			c->ncpu++;
		return 0;
	}
	irq = strtol(p, &e, 10);
	if (e == p || *e != ':')
		return 0;
	x.irq = (int)irq;
	p = e + 1;
	for (int i = 0; i < c->ncpu; i++) {
		unsigned long long v;

		p = skip_space(p);
		v = strtoull(p, &e, 10);
		if (e == p)
			break;
		x.count += v;
		p = e;
	}
	p = skip_space(p);
	/* chip */
	tok = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	copy_str(x.chip, sizeof(x.chip), tok, (size_t)(p - tok));
	p = skip_space(p);
	/* optional flow column, e.g. "-msi-x" or "2-edge" */
	tok = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	len = (size_t)(p - tok);
	if (len) {
		char word[64];

		copy_str(word, sizeof(word), tok, len);
		fw = flow_word(word);
		if (fw) {
			copy_str(x.flow, sizeof(x.flow), fw, strlen(fw));
			tok = skip_space(p);
		}
	}
	rtrim(tok);
	copy_str(x.actions, sizeof(x.actions), tok, strlen(tok));
	slot = grow(c->out, c->n, sizeof(x));
	if (!slot)
		return -ENOMEM;
	*slot = x;
	c->added++;
	return 0;
}

int pt_xv_parse_proc_interrupts(const char *text,
				struct pt_xv_linux_irq **out, size_t *n)
{
	struct procirq_ctx c = { out, n, 1, 0 };
	int err = for_each_line(text, procirq_line, &c);

	return err < 0 ? err : c.added;
}

/* --------------------------------------------------------- lspci -vv */

struct lspci_ctx {
	struct pt_xv_pci **out;
	size_t *n;
	struct pt_xv_pci *cur;	/* index-stable: re-fetched after grow */
	size_t cur_idx;
	bool have;
	int added;
};

static int lspci_line(char *line, void *arg)
{
	struct lspci_ctx *c = arg;
	struct pt_xv_pci *d;
	char *p;

	if (line[0] && line[0] != '\t' && line[0] != ' ') {
		char bdf[32];
		__u32 sbdf;

		c->have = false;
		if (sscanf(line, "%31s", bdf) != 1 ||
		    pt_xv_parse_sbdf(bdf, &sbdf))
			return 0;
		d = grow(c->out, c->n, sizeof(*d));
		if (!d)
			return -ENOMEM;
		d->sbdf = sbdf;
		d->intx_irq = PT_NONE;
		d->msi_enabled = PT_NONE;
		d->msix_enabled = PT_NONE;
		d->msix_maskall = PT_NONE;
		d->msix_count = PT_NONE;
		c->cur_idx = *c->n - 1;
		c->have = true;
		c->added++;
		return 0;
	}
	if (!c->have)
		return 0;
	d = &(*c->out)[c->cur_idx];
	p = skip_space(line);
	if (!strncmp(p, "Interrupt: pin ", 15)) {
		char *r = strstr(p, "routed to IRQ ");

		if (r)
			d->intx_irq = atoi(r + 14);
	} else if (!strncmp(p, "Capabilities: ", 14)) {
		char *m;

		if ((m = strstr(p, "] MSI-X: "))) {
			m += 9;
			d->has_msix = 1;
			d->msix_enabled = strstr(m, "Enable+") ? 1 :
					  strstr(m, "Enable-") ? 0 : PT_NONE;
			d->msix_maskall = strstr(m, "Masked+") ? 1 :
					  strstr(m, "Masked-") ? 0 : PT_NONE;
			if ((m = strstr(m, "Count=")))
				d->msix_count = atoi(m + 6);
		} else if ((m = strstr(p, "] MSI: "))) {
			m += 7;
			d->has_msi = 1;
			d->msi_enabled = strstr(m, "Enable+") ? 1 :
					 strstr(m, "Enable-") ? 0 : PT_NONE;
		}
	}
	return 0;
}

int pt_xv_parse_lspci(const char *text, struct pt_xv_pci **out, size_t *n)
{
	struct lspci_ctx c = { .out = out, .n = n };
	int err = for_each_line(text, lspci_line, &c);

	return err < 0 ? err : c.added;
}

/* ---------------------------------------------------------- msi_irqs */

struct msiirq_ctx {
	struct pt_xv_msi_irq **out;
	size_t *n;
	int added;
};

/* ".../0000:00:02.0/msi_irqs/44:msix" */
static int msiirq_line(char *line, void *arg)
{
	struct msiirq_ctx *c = arg;
	struct pt_xv_msi_irq x = { 0 };
	struct pt_xv_msi_irq *slot;
	char *m = strstr(line, "/msi_irqs/"), *b, *e;
	long irq;

	if (!m)
		return 0;
	*m = '\0';
	b = strrchr(line, '/');
	b = b ? b + 1 : line;
	if (pt_xv_parse_sbdf(b, &x.sbdf))
		return 0;
	irq = strtol(m + 10, &e, 10);
	if (e == m + 10)
		return 0;
	x.irq = (int)irq;
	x.msix = !strncmp(e, ":msix", 5);
	slot = grow(c->out, c->n, sizeof(x));
	if (!slot)
		return -ENOMEM;
	*slot = x;
	c->added++;
	return 0;
}

int pt_xv_parse_msi_irqs(const char *text, struct pt_xv_msi_irq **out,
			 size_t *n)
{
	struct msiirq_ctx c = { out, n, 0 };
	int err = for_each_line(text, msiirq_line, &c);

	return err < 0 ? err : c.added;
}

/* ------------------------------------------------------------ lookups */

const struct pt_xv_xen_irq *pt_xv_xen_irq(const struct pt_xv_view *v,
					  int irq)
{
	for (size_t i = 0; i < v->nxen_irqs; i++)
		if (v->xen_irqs[i].irq == irq)
			return &v->xen_irqs[i];
	return NULL;
}

const struct pt_xv_xen_msi *pt_xv_xen_msi(const struct pt_xv_view *v,
					  int irq)
{
	for (size_t i = 0; i < v->nxen_msis; i++)
		if (v->xen_msis[i].irq == irq)
			return &v->xen_msis[i];
	return NULL;
}

const struct pt_xv_pci *pt_xv_pci(const struct pt_xv_view *v, __u32 sbdf)
{
	for (size_t i = 0; i < v->npcis; i++)
		if (v->pcis[i].sbdf == sbdf)
			return &v->pcis[i];
	return NULL;
}

/* ------------------------------------------------------------ loading */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

int pt_xv_load_dir(struct pt_xv_view *v, const char *dir)
{
	static const char *const files[] = {
		"xen-i.txt", "xen-M.txt", "xen-Q.txt", "proc-interrupts.txt",
		"lspci-vv.txt", "msi-irqs.txt",
	};
	int err = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && !err;
	     i++) {
		char path[PATH_MAX];
		char *text;
		int r = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		text = slurp(path);
		if (!text)
			continue;
		switch (i) {
		case 0:
			r = pt_xv_parse_xen_irqs(text, &v->xen_irqs,
						 &v->nxen_irqs);
			break;
		case 1:
			r = pt_xv_parse_xen_msis(text, &v->xen_msis,
						 &v->nxen_msis);
			break;
		case 2:
			r = pt_xv_parse_xen_pdevs(text, &v->xen_pdevs,
						  &v->nxen_pdevs);
			break;
		case 3:
			r = pt_xv_parse_proc_interrupts(text, &v->linux_irqs,
							&v->nlinux_irqs);
			break;
		case 4:
			r = pt_xv_parse_lspci(text, &v->pcis, &v->npcis);
			break;
		case 5:
			r = pt_xv_parse_msi_irqs(text, &v->msi_irqs,
						 &v->nmsi_irqs);
			break;
		}
		free(text);
		if (r < 0)
			err = r;
	}
	return err;
}

void pt_xv_view_free(struct pt_xv_view *v)
{
	free(v->xen_irqs);
	free(v->xen_msis);
	free(v->xen_pdevs);
	free(v->linux_irqs);
	free(v->pcis);
	free(v->msi_irqs);
	memset(v, 0, sizeof(*v));
}

/* --------------------------------------------------------------- rows */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_row(const void *a, const void *b)
{
	const struct pt_xv_row *x = a, *y = b;

	if (x->sbdf != y->sbdf)
		return x->sbdf < y->sbdf ? -1 : 1;
	if (x->domid != y->domid)
		return x->domid < y->domid ? -1 : 1;
	return (x->xen_irq > y->xen_irq) - (x->xen_irq < y->xen_irq);
}

static struct pt_xv_row blank_row(__u32 sbdf, const struct pt_xv_pci *pci)
{
	struct pt_xv_row r = {
		.sbdf = sbdf, .gsi = PT_NONE, .irq = PT_NONE,
		.pirq = PT_NONE, .evtchn = PT_NONE, .domid = PT_NONE,
		.msix_enabled = PT_NONE, .maskall = PT_NONE,
		.entry = PT_NONE, .masked = PT_NONE, .xen_irq = PT_NONE,
		.bound = PT_NONE, .xen_masked = PT_NONE,
	};

	if (pci) {
		r.msix_enabled = pci->msix_enabled;
		r.maskall = pci->msix_maskall;
	}
	return r;
}

static int add_row(struct pt_xv_row **rows, size_t *n,
		   const struct pt_xv_row *r)
{
	struct pt_xv_row *slot = grow(rows, n, sizeof(*r));

	if (!slot)
		return -ENOMEM;
	*slot = *r;
	return 0;
}

/* dom0 Linux irqs of a device's MSI(-X) vectors, ascending. */
static int linux_msi_irqs(const struct pt_xv_view *v, __u32 sbdf, int *out,
			  int max)
{
	int n = 0;

	for (size_t i = 0; i < v->nmsi_irqs && n < max; i++)
		if (v->msi_irqs[i].sbdf == sbdf)
			out[n++] = v->msi_irqs[i].irq;
	qsort(out, (size_t)n, sizeof(int), cmp_int);
	return n;
}

static int msi_rows(const struct pt_xv_view *v,
		    const struct pt_xv_xen_pdev *pd, struct pt_xv_row **rows,
		    size_t *n)
{
	const struct pt_xv_pci *pci = pt_xv_pci(v, pd->sbdf);
	int xirqs[PT_XV_MSIS_MAX], lirqs[PT_XV_MSIS_MAX];
	int nx = pd->nmsi, nl;
	bool joined;

	memcpy(xirqs, pd->msi_irqs, sizeof(int) * (size_t)nx);
	qsort(xirqs, (size_t)nx, sizeof(int), cmp_int);
	nl = linux_msi_irqs(v, pd->sbdf, lirqs, PT_XV_MSIS_MAX);
	joined = nl == nx && nl > 0;

	for (int k = 0; k < nx; k++) {
		const struct pt_xv_xen_irq *xi = pt_xv_xen_irq(v, xirqs[k]);
		const struct pt_xv_xen_msi *m = pt_xv_xen_msi(v, xirqs[k]);
		struct pt_xv_row r = blank_row(pd->sbdf, pci);
		int ng = xi && xi->kind == PT_XV_IRQ_GUEST ? xi->nguests : 0;

		r.xen_irq = xirqs[k];
		r.domid = pd->domid;
		if (xi)
			r.bound = xi->kind == PT_XV_IRQ_GUEST;
		if (m) {
			r.masked = m->hw_masked != PT_NONE ? m->hw_masked :
				   (m->host_masked || m->guest_masked);
			r.xen_masked = m->host_masked || m->guest_masked;
		}
		if (joined) {
			r.irq = lirqs[k];
			r.entry = k;
		}
		if (!ng) {
			if (add_row(rows, n, &r))
				return -ENOMEM;
			continue;
		}
		for (int g = 0; g < ng; g++) {
			struct pt_xv_row rg = r;

			rg.domid = xi->guests[g].domid;
			rg.pirq = xi->guests[g].pirq;
			if (rg.domid != pd->domid)
				rg.irq = PT_NONE;
			if (add_row(rows, n, &rg))
				return -ENOMEM;
		}
	}
	return 0;
}

static int intx_rows(const struct pt_xv_view *v, const struct pt_xv_pci *pci,
		     struct pt_xv_row **rows, size_t *n)
{
	const struct pt_xv_xen_irq *xi;

	if (pci->intx_irq == PT_NONE || pci->intx_irq <= 0)
		return 0;
	/* A PV dom0's GSI irqs are identity-mapped: Linux irq == GSI ==
	 * Xen irq of the IO-APIC pin. */
	xi = pt_xv_xen_irq(v, pci->intx_irq);
	if (!xi || strncmp(xi->chip, "IO-APIC", 7) ||
	    xi->kind != PT_XV_IRQ_GUEST)
		return 0;
	for (int g = 0; g < xi->nguests; g++) {
		struct pt_xv_row r = blank_row(pci->sbdf, pci);

		r.gsi = pci->intx_irq;
		r.xen_irq = xi->irq;
		r.bound = 1;
		r.domid = xi->guests[g].domid;
		r.pirq = xi->guests[g].pirq;
		r.masked = xi->guests[g].pirq_masked;
		if (r.domid == 0)
			r.irq = pci->intx_irq;
		if (add_row(rows, n, &r))
			return -ENOMEM;
	}
	return 0;
}

int pt_xv_rows(const struct pt_xv_view *v, struct pt_xv_row **rows)
{
	size_t n = 0;

	*rows = NULL;
	for (size_t i = 0; i < v->nxen_pdevs; i++) {
		const struct pt_xv_xen_pdev *pd = &v->xen_pdevs[i];

		if (pd->nmsi && msi_rows(v, pd, rows, &n))
			goto oom;
	}
	for (size_t i = 0; i < v->npcis; i++) {
		const struct pt_xv_pci *pci = &v->pcis[i];
		bool has_msis = false;

		for (size_t j = 0; j < v->nxen_pdevs; j++)
			if (v->xen_pdevs[j].sbdf == pci->sbdf &&
			    v->xen_pdevs[j].nmsi)
				has_msis = true;
		if (!has_msis && intx_rows(v, pci, rows, &n))
			goto oom;
	}
	if (n)
		qsort(*rows, n, sizeof(**rows), cmp_row);
	return (int)n;
oom:
	free(*rows);
	*rows = NULL;
	return -ENOMEM;
}

/* --------------------------------------------------------------- JSON */

static json_t *jint(int v)
{
	return v == PT_NONE ? json_null() : json_integer(v);
}

static json_t *jbool(int v)
{
	return v == PT_NONE ? json_null() : json_boolean(v);
}

char *pt_xv_rows_json(const struct pt_xv_row *rows, size_t n)
{
	json_t *arr = json_array();
	char *s;

	if (!arr)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const struct pt_xv_row *r = &rows[i];
		json_t *o = json_object();
		char sbdf[16];

		if (!o)
			goto fail;
		snprintf(sbdf, sizeof(sbdf), "%04x:%02x:%02x.%x",
			 r->sbdf >> 16, (r->sbdf >> 8) & 0xff,
			 (r->sbdf >> 3) & 0x1f, r->sbdf & 7);
		json_object_set_new(o, "sbdf", r->sbdf == PT_SBDF_NONE ?
				    json_null() : json_string(sbdf));
		json_object_set_new(o, "gsi", jint(r->gsi));
		json_object_set_new(o, "irq", jint(r->irq));
		json_object_set_new(o, "pirq", jint(r->pirq));
		json_object_set_new(o, "evtchn", jint(r->evtchn));
		json_object_set_new(o, "domid", jint(r->domid));
		json_object_set_new(o, "msix_enabled", jbool(r->msix_enabled));
		json_object_set_new(o, "maskall", jbool(r->maskall));
		json_object_set_new(o, "entry", jint(r->entry));
		json_object_set_new(o, "masked", jbool(r->masked));
		json_object_set_new(o, "xen_irq", jint(r->xen_irq));
		json_object_set_new(o, "bound", jbool(r->bound));
		json_object_set_new(o, "xen_masked", jbool(r->xen_masked));
		if (json_array_append_new(arr, o))
			goto fail;
	}
	s = json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(arr);
	return s;
fail:
	json_decref(arr);
	return NULL;
}
