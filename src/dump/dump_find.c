// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace dump: findings from one snapshot, with no history.  They use
 * the model's rule names (docs/rules.md) where a snapshot can show the
 * same bug the event rules prove from a trace; each check runs only
 * when the facts it needs were read, so a missing source never turns
 * into a false finding.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "dump.h"

static void __attribute__((format(printf, 5, 6)))
finding(struct dump *d, const char *rule, const struct dump_dev *dev,
	int domid, const char *fmt, ...)
{
	struct dump_finding *f = PT_PUSH(d->findings, d->nfindings,
					 d->capfindings);
	va_list ap;

	f->rule = pt_rule_find(rule);
	snprintf(f->name, sizeof(f->name), "%s", rule);
	f->severity = f->rule ? f->rule->severity : PT_SEV_ERROR;
	f->sbdf = dev ? dev->sbdf : PT_SBDF_NONE;
	f->domid = domid;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

static bool domain_live(const struct dump *d, int domid)
{
	size_t i;

	if (domid == 0)
		return true;
	for (i = 0; i < d->xen.ndomains; i++)
		if (d->xen.domains[i] == domid)
			return true;
	return false;
}

static size_t msix_irqs(const struct dump_dev *dev)
{
	size_t i, n = 0;

	for (i = 0; i < dev->nirqs; i++)
		n += !strcmp(dev->irqs[i].mode, "msix");
	return n;
}

static size_t xen_irqs_of(const struct dump *d, const struct dump_dev *dev)
{
	size_t i, n = 0;

	for (i = 0; i < d->xen.nirqs; i++)
		n += !strcmp(d->xen.irqs[i].sbdf, dev->bdf);
	return n;
}

/*
 * MASKALL still set on a device no domain owns: the next
 * XEN_DOMCTL_assign_device for it fails with -EBUSY.
 */
static void check_maskall(struct dump *d, const struct dump_dev *dev)
{
	bool unowned = dev->owner == PT_NONE &&
		       (dev->pciback || !dev->driver[0]);

	if (dev->msix_rc || !dev->msix.maskall || !unowned)
		return;
	finding(d, "maskall-left-set", dev, PT_NONE,
		"MSI-X Function Mask set on %s, which %s and no domain owns: assigning it fails with -EBUSY",
		dev->bdf, dev->pciback ? "pciback holds" : "no driver holds");
}

/*
 * MSI-X enabled but no vector mapped anywhere: neither Linux irqs nor
 * (when we can see them) Xen irqs.  A device model enabled it and the
 * map_pirq never came, or was refused.
 */
static void check_msix_no_map(struct dump *d, const struct dump_dev *dev)
{
	if (dev->msix_rc || !dev->msix.enabled || msix_irqs(dev))
		return;
	if (d->xen.view_ok) {
		if (xen_irqs_of(d, dev))
			return;
	} else if (dev->owner != PT_NONE) {
		return;		/* a guest may map them: not visible from here */
	}
	finding(d, "msix-maskall-no-map", dev, dev->owner,
		"MSI-X enabled on %s (%s) with no vector mapped%s",
		dev->bdf, dev->msix.maskall ? "Function Mask set" :
						"Function Mask clear",
		d->xen.view_ok ? " in Linux or Xen" : " in Linux");
}

/*
 * A pciback device with an INTx pin whose GSI nobody set up: Xen has
 * no IRQ for it and Linux no pirq-backed irq, so a guest's INTx cannot
 * be bound (irq_permission -EPERM on a PVH dom0).
 */
static void check_gsi(struct dump *d, const struct dump_dev *dev)
{
	bool xen_has = false, linux_has = false;
	size_t i;

	if (!(dev->pciback || dev->pciback_slot) || !dev->has_intx ||
	    !dev->intx.pin || dev->gsi == PT_NONE)
		return;
	for (i = 0; i < d->xen.nirqs; i++)
		xen_has |= d->xen.irqs[i].irq == dev->gsi;
	for (i = 0; i < d->npirq_irqs; i++)
		linux_has |= d->pirq_irqs[i].irq == dev->sysfs_irq &&
			     strstr(d->pirq_irqs[i].chip, "ioapic");
	if (xen_has || linux_has || !d->xen.view_ok)
		return;
	finding(d, "gsi-not-registered", dev, dev->owner,
		"%s (pin %s) has GSI %d, which Xen has no IRQ for and Linux never mapped",
		dev->bdf, pt_intx_pin_name(dev->intx.pin), dev->gsi);
}

/* Xen still has a pirq bound for a domain xenstore no longer lists. */
static void check_stale_pirqs(struct dump *d)
{
	size_t i;

	if (!d->xen.view_ok || !d->xen.xs_ok)
		return;
	for (i = 0; i < d->xen.nirqs; i++) {
		const struct dump_xen_irq *q = &d->xen.irqs[i];
		const char *g = q->guests;
		int domid, pirq, n;

		while (sscanf(g, " d%d:%d%n", &domid, &pirq, &n) == 2) {
			if (!domain_live(d, domid))
				finding(d, "pirq-after-domain-gone", NULL, domid,
					"Xen irq %d%s%s still has pirq %d bound for d%d, which no longer exists",
					q->irq, q->sbdf[0] ? " of " : "",
					q->sbdf, pirq, domid);
			g += n;
			g = strchr(g, ',');
			if (!g)
				break;
			g++;
		}
	}
}

/*
 * A pci-backend entry in xenstore of a domain that no longer exists: the
 * toolstack did not clean up after the guest (or it rebooted under a new
 * domid), and tools that read owners from xenstore are misled.
 */
static void check_leftover_backend(struct dump *d, const struct dump_dev *dev)
{
	if (dev->leftover_backend == PT_NONE)
		return;
	finding(d, "leftover-backend", dev, dev->leftover_backend,
		"leftover backend of dead domain d%d: xenstore's pci-backend still lists %s for d%d, which no longer exists",
		dev->leftover_backend, dev->bdf, dev->leftover_backend);
	/* stale bookkeeping: misleading, but the device itself is fine */
	d->findings[d->nfindings - 1].severity = PT_SEV_WARNING;
}

/* The last finding's severity, for checks no model rule covers. */
static void last_severity(struct dump *d, enum pt_severity sev)
{
	if (d->nfindings)
		d->findings[d->nfindings - 1].severity = sev;
}

static bool passed_through(const struct dump_dev *dev)
{
	return dev->pciback || dev->pciback_slot || dev->owner != PT_NONE;
}

/*
 * No reset method (sysfs shows "reset" only when the kernel has one):
 * pciback's resets return ENOTTY, and whatever one guest leaves in the
 * device reaches the next owner.
 */
static void check_reset(struct dump *d, const struct dump_dev *dev)
{
	if (dev->reset != 0 || !passed_through(dev))
		return;
	finding(d, "no-reset-method", dev, dev->owner,
		"%s has no reset method (no sysfs reset%s): a reset returns ENOTTY, so what one owner leaves in the device reaches the next",
		dev->bdf, dev->reset_method[0] ? "" : ", reset_method empty");
}

/* pciback lets guests write config space it would otherwise filter. */
static void check_permissive(struct dump *d)
{
	size_t i;

	if (d->pciback_permissive == 'Y') {
		finding(d, "pciback-permissive", NULL, PT_NONE,
			"xen-pciback runs with permissive=Y: guests may write any config space register of every device it holds");
		last_severity(d, PT_SEV_WARNING);
	}
	for (i = 0; i < d->ndevs; i++) {
		const struct dump_dev *dev = &d->devs[i];

		if (!dev->permissive || d->pciback_permissive == 'Y')
			continue;
		finding(d, "pciback-permissive", dev, dev->owner,
			"%s is in xen-pciback's permissive list: its guest may write any of its config space registers",
			dev->bdf);
		last_severity(d, PT_SEV_WARNING);
	}
}

/*
 * Xen holds the device (quarantined or assigned) while dom0 has no
 * driver on it, not even pciback: dom0 cannot use it and the toolstack
 * cannot assign it.  Or the reverse: a guest has it while a dom0 driver
 * other than pciback still drives it.
 */
static void check_owner(struct dump *d, const struct dump_dev *dev)
{
	const struct dump_xen_pdev *p = NULL;
	char dom[16];
	size_t i;

	if (!d->xen.view_ok)
		return;
	for (i = 0; i < d->xen.npdevs && !p; i++)
		if (!strcmp(d->xen.pdevs[i].sbdf, dev->bdf))
			p = &d->xen.pdevs[i];
	if (!p)
		return;
	if (!dev->driver[0] && (p->quarantined || p->domid != 0)) {
		finding(d, "device-without-owner", dev, p->domid,
			"%s is %s in Xen but has no driver in dom0, not even pciback: dom0 cannot use it and the toolstack cannot assign it",
			dev->bdf, p->quarantined || p->domid == PT_NONE ? "quarantined" :
			pt_domid_format(p->domid, dom, sizeof(dom)));
		last_severity(d, PT_SEV_ERROR);
	} else if (dev->driver[0] && !dev->pciback && !p->quarantined &&
		   p->domid != PT_NONE && p->domid != 0) {
		finding(d, "device-without-owner", dev, p->domid,
			"%s is assigned to d%d in Xen while dom0's driver %s still holds it",
			dev->bdf, p->domid, dev->driver);
		last_severity(d, PT_SEV_ERROR);
	}
}

void dump_findings(struct dump *d)
{
	size_t i;

	for (i = 0; i < d->ndevs; i++) {
		const struct dump_dev *dev = &d->devs[i];

		check_maskall(d, dev);
		check_msix_no_map(d, dev);
		check_gsi(d, dev);
		check_leftover_backend(d, dev);
		check_reset(d, dev);
		check_owner(d, dev);
	}
	check_stale_pirqs(d);
	check_permissive(d);
}
