// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Names of event types and kinds: the words used in trace logs and output. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pt_names.h"

static const char *const pciback_kinds[PT_PCIBACK_KIND_MAX] = {
	"probe", "seize", "init", "reset", "put", "release", "remove",
	"get", "op", "get_gsi",
};

static const char *const reset_kinds[PT_RESET_METHOD_MAX] = {
	"function_locked", "function", "flr", "af_flr", "pm", "bus",
	"xen_notify",
};

static const char *const gsi_kinds[PT_GSI_KIND_MAX] = {
	"acpi", "xen", "pvh_setup",
};

static const char *const pirq_kinds[PT_PIRQ_KIND_MAX] = {
	"alloc", "map", "bind_gsi", "bind_msi", "unmap", "destroy",
};

static const char *const evtchn_kinds[PT_EVTCHN_KIND_MAX] = {
	"bind", "close", "enable", "disable", "mask_ack",
};

static const char *const msi_kinds[PT_MSI_KIND_MAX] = {
	"enable", "disable", "setup", "teardown",
};

static const char *const single_write[] = { "write" };
static const char *const single_set[] = { "set" };
static const char *const single_call[] = { "call" };
static const char *const single_lost[] = { "lost" };
/* enum pt_blind_kind: the module whose probes were dead */
static const char *const blind_kinds[PT_BLIND_KIND_MAX] = {
	"vmlinux", "xen_pciback", "xen_privcmd", "xen_mask_view",
};

#define KINDS(a) { a, sizeof(a) / sizeof((a)[0]) }

static const struct {
	const char *name;
	struct {
		const char *const *names;
		unsigned int count;
	} kinds;
} types[PT_EV_MAX] = {
	[PT_EV_NONE]		= { "none", { NULL, 0 } },
	[PT_EV_PCIBACK]		= { "pciback", KINDS(pciback_kinds) },
	[PT_EV_PCI_RESET]	= { "pci_reset", KINDS(reset_kinds) },
	[PT_EV_GSI]		= { "gsi", KINDS(gsi_kinds) },
	[PT_EV_PIRQ]		= { "pirq", KINDS(pirq_kinds) },
	[PT_EV_EVTCHN]		= { "evtchn", KINDS(evtchn_kinds) },
	[PT_EV_MSI]		= { "msi", KINDS(msi_kinds) },
	[PT_EV_MSIX_CTRL]	= { "msix_ctrl", KINDS(single_write) },
	[PT_EV_VECTOR_MASK]	= { "vector_mask", KINDS(single_set) },
	[PT_EV_HYPERCALL]	= { "hypercall", KINDS(single_call) },
	[PT_EV_LOST]		= { "lost", KINDS(single_lost) },
	[PT_EV_BLIND]		= { "blind", KINDS(blind_kinds) },
};

static const char *const view_names[PT_VIEW_MAX] = {
	"linux", "pciback", "pirq", "table", "xen",
};

const char *pt_type_name(unsigned int type)
{
	return type < PT_EV_MAX ? types[type].name : "unknown";
}

int pt_type_from_name(const char *name)
{
	for (unsigned int t = 1; t < PT_EV_MAX; t++)
		if (!strcmp(types[t].name, name))
			return t;
	return -1;
}

unsigned int pt_kind_count(unsigned int type)
{
	return type < PT_EV_MAX ? types[type].kinds.count : 0;
}

const char *pt_kind_name(unsigned int type, unsigned int kind)
{
	if (kind >= pt_kind_count(type))
		return "unknown";
	return types[type].kinds.names[kind];
}

int pt_kind_from_name(unsigned int type, const char *name)
{
	for (unsigned int k = 0; k < pt_kind_count(type); k++)
		if (!strcmp(types[type].kinds.names[k], name))
			return k;
	return -1;
}

const char *pt_view_name(unsigned int view)
{
	return view < PT_VIEW_MAX ? view_names[view] : "unknown";
}

int pt_view_from_name(const char *name)
{
	for (unsigned int v = 0; v < PT_VIEW_MAX; v++)
		if (!strcmp(view_names[v], name))
			return v;
	return -1;
}

char *pt_sbdf_format(__u32 sbdf, char *buf, size_t len)
{
	if (sbdf == PT_SBDF_NONE)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%04x:%02x:%02x.%x", sbdf >> 16,
			 (sbdf >> 8) & 0xff, (sbdf >> 3) & 0x1f, sbdf & 7);
	return buf;
}

int pt_sbdf_parse(const char *s, __u32 *sbdf)
{
	unsigned int seg = 0, bus, dev, fn;
	const char *c = strchr(s, ':');
	int used = -1;

	/* "SSSS:BB:DD.F" or "BB:DD.F"; the whole string must be consumed */
	if (c && strchr(c + 1, ':'))
		sscanf(s, "%4x:%2x:%2x.%1x%n", &seg, &bus, &dev, &fn, &used);
	else
		sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &used);
	if (used < 0 || s[used] || dev > 0x1f || fn > 7)
		return -1;
	*sbdf = PT_SBDF(seg, bus, (dev << 3) | fn);
	return 0;
}

char *pt_domid_format(int domid, char *buf, size_t len)
{
	if (domid == PT_NONE)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "d%d", pt_domid_norm(domid));
	return buf;
}

const char *pt_errno_name(int err, char *buf, size_t len)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
		{ ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ ENOTTY, "ENOTTY" }, { ENODATA, "ENODATA" },
		{ EALREADY, "EALREADY" },
	};
	int e = err < 0 ? -err : err;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == e) {
			snprintf(buf, len, "-%s", names[i].name);
			return buf;
		}
	snprintf(buf, len, "%d", err);
	return buf;
}
