// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pciback ops in words: the requests of Xen's PCI frontend protocol
 * (xen/interface/io/pciif.h), the errors pciback answers them with, and
 * the config registers a conf_read/conf_write names (PCI Local Bus 3.0
 * section 6, PCIe base 6.1 section 7.5.3).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pt_names.h"

static const char *const pciop_names[PT_PCIOP_MAX] = {
	[PT_PCIOP_CONF_READ]		= "conf_read",
	[PT_PCIOP_CONF_WRITE]		= "conf_write",
	[PT_PCIOP_ENABLE_MSI]		= "enable_msi",
	[PT_PCIOP_DISABLE_MSI]		= "disable_msi",
	[PT_PCIOP_ENABLE_MSIX]		= "enable_msix",
	[PT_PCIOP_DISABLE_MSIX]		= "disable_msix",
	[PT_PCIOP_AER_DETECTED]		= "aer_detected",
	[PT_PCIOP_AER_RESUME]		= "aer_resume",
	[PT_PCIOP_AER_MMIO]		= "aer_mmio",
	[PT_PCIOP_AER_SLOTRESET]	= "aer_slotreset",
	[PT_PCIOP_ENABLE_MULTI_MSI]	= "enable_multi_msi",
};

const char *pt_pciop_name(int op)
{
	return op >= 0 && op < PT_PCIOP_MAX ? pciop_names[op] : NULL;
}

int pt_pciop_from_name(const char *name)
{
	for (int i = 0; i < PT_PCIOP_MAX; i++)
		if (!strcmp(pciop_names[i], name))
			return i;
	return -1;
}

static const char *errno_word(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ENOSYS: return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EALREADY: return "EALREADY";
	case ETIMEDOUT: return "ETIMEDOUT";
	}
	return NULL;
}

static const char *pci_err_word(int err)
{
	switch (err) {
	case PT_XEN_PCI_ERR_DEV_NOT_FOUND: return "XEN_PCI_ERR_dev_not_found";
	case PT_XEN_PCI_ERR_INVALID_OFFSET: return "XEN_PCI_ERR_invalid_offset";
	case PT_XEN_PCI_ERR_ACCESS_DENIED: return "XEN_PCI_ERR_access_denied";
	case PT_XEN_PCI_ERR_NOT_IMPLEMENTED: return "XEN_PCI_ERR_not_implemented";
	case PT_XEN_PCI_ERR_OP_FAILED: return "XEN_PCI_ERR_op_failed";
	}
	return NULL;
}

/*
 * pciback answers with pciif.h's XEN_PCI_ERR_* (-1 to -5) for every op
 * but enable_msix, which returns the kernel's -errno as it is (-EINVAL,
 * -EALREADY, -ENXIO, or dom0's pci_enable_msix_exact() error), and
 * XEN_PCI_ERR_dev_not_found only when the slot is not the guest's.
 * Config writes may pass a handler's -errno on as well.
 */
const char *pt_pciop_err_name(int op, int err, char *buf, size_t len)
{
	const char *w;

	if (!err) {
		snprintf(buf, len, "0");
		return buf;
	}
	if (op == PT_PCIOP_ENABLE_MSIX && err == PT_XEN_PCI_ERR_DEV_NOT_FOUND) {
		snprintf(buf, len, "-EPERM/XEN_PCI_ERR_dev_not_found");
		return buf;
	}
	if (op != PT_PCIOP_ENABLE_MSIX && (w = pci_err_word(err))) {
		snprintf(buf, len, "%s", w);
		return buf;
	}
	w = err < 0 ? errno_word(-err) : NULL;
	if (w)
		snprintf(buf, len, "-%s", w);
	else
		snprintf(buf, len, "%d", err);
	return buf;
}

struct reg {
	unsigned char off, len;
	const char *name;
};

static const struct reg header_regs[] = {
	{ 0x00, 2, "Vendor ID" }, { 0x02, 2, "Device ID" },
	{ 0x04, 2, "Command" }, { 0x06, 2, "Status" },
	{ 0x08, 4, "Revision/Class" }, { 0x0c, 1, "Cache Line Size" },
	{ 0x0d, 1, "Latency Timer" }, { 0x0e, 1, "Header Type" },
	{ 0x0f, 1, "BIST" }, { 0x10, 24, "BAR" },
	{ 0x28, 4, "CardBus CIS" }, { 0x2c, 4, "Subsystem ID" },
	{ 0x30, 4, "Expansion ROM" }, { 0x34, 1, "Capabilities Pointer" },
	{ 0x3c, 1, "Interrupt Line" }, { 0x3d, 1, "Interrupt Pin" },
	{ 0x3e, 2, "Min_Gnt/Max_Lat" },
};
static const struct reg pm_regs[] = {
	{ 0, 2, "PM capability header" }, { 2, 2, "PMC" },
	{ 4, 2, "PMCSR" }, { 6, 2, "PMCSR bridge/data" },
};
static const struct reg msi_regs[] = {
	{ 0, 2, "MSI capability header" }, { 2, 2, "MSI Message Control" },
	{ 4, 20, "MSI address/data/mask" },
};
static const struct reg msix_regs[] = {
	{ 0, 2, "MSI-X capability header" }, { 2, 2, "MSI-X Message Control" },
	{ 4, 4, "MSI-X Table Offset/BIR" }, { 8, 4, "MSI-X PBA Offset/BIR" },
};
static const struct reg exp_regs[] = {
	{ 0x00, 2, "PCIe capability header" }, { 0x02, 2, "PCIe Capabilities" },
	{ 0x04, 4, "PCIe Device Capabilities" }, { 0x08, 2, "PCIe Device Control" },
	{ 0x0a, 2, "PCIe Device Status" }, { 0x0c, 4, "PCIe Link Capabilities" },
	{ 0x10, 2, "PCIe Link Control" }, { 0x12, 2, "PCIe Link Status" },
	{ 0x14, 4, "PCIe Slot Capabilities" }, { 0x18, 2, "PCIe Slot Control" },
	{ 0x1a, 2, "PCIe Slot Status" }, { 0x1c, 2, "PCIe Root Control" },
	{ 0x1e, 2, "PCIe Root Capabilities" }, { 0x20, 4, "PCIe Root Status" },
	{ 0x24, 4, "PCIe Device Capabilities 2" }, { 0x28, 2, "PCIe Device Control 2" },
	{ 0x2a, 2, "PCIe Device Status 2" }, { 0x2c, 4, "PCIe Link Capabilities 2" },
	{ 0x30, 2, "PCIe Link Control 2" }, { 0x32, 2, "PCIe Link Status 2" },
	{ 0x34, 8, "PCIe Slot registers 2" },
};

#define REGS(a)	a, sizeof(a) / sizeof((a)[0])

static const char *reg_at(const struct reg *r, size_t n, int off)
{
	for (size_t i = 0; i < n; i++)
		if (off >= r[i].off && off < r[i].off + r[i].len)
			return r[i].name;
	return "";
}

const char *pt_pcicfg_field_name(int cap, int capoff)
{
	if (capoff < 0 || (cap > 0 && capoff >= 0x100 - 0x40))
		return "";
	switch (cap) {
	case 0: return reg_at(REGS(header_regs), capoff);
	case 0x01: return reg_at(REGS(pm_regs), capoff);
	case 0x05: return reg_at(REGS(msi_regs), capoff);
	case 0x10: return reg_at(REGS(exp_regs), capoff);
	case 0x11: return reg_at(REGS(msix_regs), capoff);
	}
	return "";
}

/*
 * An op's register.  Capabilities sit below 0x100: an offset beyond is
 * in extended config space (AER, ...), whatever a recorder that did not
 * know it put in cap.
 */
const char *pt_pciop_field(const struct pt_event *ev)
{
	const struct pt_ev_pciback *p = &ev->pciback;

	if (p->offset >= 0x100)
		return "extended config space";
	return pt_pcicfg_field_name(p->cap, p->capoff);
}

char *pt_pciop_format(const struct pt_event *ev, char *buf, size_t len)
{
	const struct pt_ev_pciback *p = &ev->pciback;
	const char *name = pt_pciop_name(p->op);
	char vb[PT_SBDF_STRLEN];
	size_t n;

#define ADD(...) do { if (n < len) n += snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	n = 0;
	if (name)
		ADD("%s", name);
	else
		ADD("op %d", p->op);
	if (p->offset != PT_NONE) {
		const char *f = pt_pciop_field(ev);

		ADD(" %#x/%d", p->offset, p->size);
		if (p->op == PT_PCIOP_CONF_WRITE && p->value != PT_NONE)
			ADD("=%#llx", (unsigned long long)p->value);
		if (*f)
			ADD(" (%s)", f);
	}
	if (p->nvec != PT_NONE)
		ADD(" nvec=%d", p->nvec);
	if (p->pirq != PT_NONE)
		ADD(" pirq=%d", p->pirq);
	if (p->dropped == 1)
		ADD(" dropped");
	if (p->vsbdf != PT_SBDF_NONE && p->vsbdf != ev->hdr.sbdf)
		ADD(" slot=%s", pt_sbdf_format(p->vsbdf, vb, sizeof(vb)));
#undef ADD
	return buf;
}
