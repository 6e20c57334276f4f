// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What ptrace-top reads from the host itself rather than from events:
 * PCI device names, interrupt counts, BPF run time, all through the host
 * helpers (src/lib/host.c), so a test's fake root serves them too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf_version.h>
#include <linux/bpf.h>
#include "ptrace_event.h"
#include "collect/probes.h"
#include "top.h"
#include "lib/host.h"
#include "lib/pciname.h"

/* ------------------------------------------------------------ PCI names */

struct top_pci_name {
	__u32 sbdf;
	char *name;
};

struct top_pci_names {
	struct top_pci_name *v;
	size_t n;
};

static int name_cmp(const void *a, const void *b)
{
	const struct top_pci_name *x = a, *y = b;

	return x->sbdf < y->sbdf ? -1 : x->sbdf > y->sbdf;
}

/* This host's devices, named as a trace log's header names them. */
struct top_pci_names *top_pci_names_load(void)
{
	struct pt_log_header hdr = { 0 };
	struct top_pci_names *n;

	pt_host_pci_idents(&hdr.devices, &hdr.ndevices);
	n = top_pci_names_from_log(&hdr);
	free(hdr.devices);
	return n;
}

struct top_pci_names *top_pci_names_from_log(const struct pt_log_header *hdr)
{
	struct top_pci_names *n = calloc(1, sizeof(*n));
	char buf[256];

	if (!n || !hdr || !hdr->ndevices)
		return n;
	n->v = calloc(hdr->ndevices, sizeof(*n->v));
	if (!n->v)
		return n;
	for (size_t i = 0; i < hdr->ndevices; i++) {
		__u32 sbdf = hdr->devices[i].sbdf;
		const char *s = pt_pci_log_name(hdr, sbdf, buf, sizeof(buf));

		n->v[n->n].sbdf = sbdf;
		n->v[n->n].name = strdup(s);
		if (n->v[n->n].name)
			n->n++;
	}
	qsort(n->v, n->n, sizeof(*n->v), name_cmp);
	return n;
}

const char *top_pci_name(const struct top_pci_names *n, __u32 sbdf)
{
	struct top_pci_name key = { .sbdf = sbdf }, *hit;

	if (!n || !n->n)
		return NULL;
	hit = bsearch(&key, n->v, n->n, sizeof(*n->v), name_cmp);
	return hit ? hit->name : NULL;
}

void top_pci_names_free(struct top_pci_names *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i].name);
	free(n->v);
	free(n);
}

/* ------------------------------------------------------------ irq rates */

struct top_irq_rates {
	unsigned long long *cur, *prev;	/* indexed by irq */
	double *rate;
	size_t cap;
	double t_prev;
	bool have_prev;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct top_irq_rates *top_irq_rates_new(void)
{
	return calloc(1, sizeof(struct top_irq_rates));
}

static bool grow(struct top_irq_rates *r, size_t irq)
{
	size_t cap = r->cap ? r->cap : 256;
	unsigned long long *c, *p;
	double *rt;

	if (irq < r->cap)
		return true;
	while (cap <= irq)
		cap *= 2;
	c = realloc(r->cur, cap * sizeof(*c));
	if (c)
		r->cur = c;
	p = realloc(r->prev, cap * sizeof(*p));
	if (p)
		r->prev = p;
	rt = realloc(r->rate, cap * sizeof(*rt));
	if (rt)
		r->rate = rt;
	if (!c || !p || !rt)
		return false;
	memset(c + r->cap, 0, (cap - r->cap) * sizeof(*c));
	memset(p + r->cap, 0, (cap - r->cap) * sizeof(*p));
	for (size_t i = r->cap; i < cap; i++)
		rt[i] = -1;
	r->cap = cap;
	return true;
}

/* "  47:   12   0   xen-pirq-msi-x  eth0": sum the per-CPU columns. */
static void parse_line(struct top_irq_rates *r, char *line, int ncpu)
{
	char *p = line, *end;
	unsigned long long sum = 0, v;
	long irq;

	irq = strtol(p, &end, 10);
	if (end == p || *end != ':' || irq < 0 || !grow(r, irq))
		return;
	p = end + 1;
	for (int c = 0; c < ncpu; c++) {
		v = strtoull(p, &end, 10);
		if (end == p)
			break;
		sum += v;
		p = end;
	}
	r->cur[irq] = sum;
}

void top_irq_rates_sample(struct top_irq_rates *r)
{
	int fd = pt_host_open("/proc/interrupts", O_RDONLY | O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	char *line = NULL;
	size_t cap = 0;
	int ncpu = 0;
	double t = now_s();

	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (getline(&line, &cap, f) > 0)
		for (char *p = strstr(line, "CPU"); p; p = strstr(p + 3, "CPU"))
			ncpu++;
	memcpy(r->prev, r->cur, r->cap * sizeof(*r->cur));
	memset(r->cur, 0, r->cap * sizeof(*r->cur));
	while (getline(&line, &cap, f) > 0)
		parse_line(r, line, ncpu);
	free(line);
	fclose(f);
	if (r->have_prev && t > r->t_prev)
		for (size_t i = 0; i < r->cap; i++)
			r->rate[i] = r->cur[i] >= r->prev[i] ?
				(r->cur[i] - r->prev[i]) / (t - r->t_prev) : -1;
	r->t_prev = t;
	r->have_prev = true;
}

double top_irq_rate(const struct top_irq_rates *r, int irq)
{
	if (!r || irq < 0 || (size_t)irq >= r->cap || !r->have_prev)
		return -1;
	return r->rate[irq];
}

void top_irq_rates_free(struct top_irq_rates *r)
{
	if (!r)
		return;
	free(r->cur);
	free(r->prev);
	free(r->rate);
	free(r);
}

/* ------------------------------------------------------------ BPF stats */

static bool bpf_stats_enabled(void)
{
	long on;

	return pt_host_read_long("/proc/sys/kernel/bpf_stats_enabled", 10,
				 &on) == 0 && on;
}

bool top_bpf_run_time(const int *fds, size_t n, unsigned long long *ns)
{
	*ns = 0;
	if (!n || !bpf_stats_enabled())
		return false;
	for (size_t i = 0; i < n; i++) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (pt_bpf_prog_info(fds[i], &info, &len) == 0)
			*ns += info.run_time_ns;
	}
	return true;
}
