/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internal: Xen's public headers (libxen-dev, Xen 4.17) as the core uses
 * them, plus the few numbers and structs later Xen versions added.
 */
#ifndef PT_XEN_PUBLIC_H
#define PT_XEN_PUBLIC_H

/* the toolstack's view: domctl.h is only visible to tools */
#define __XEN_TOOLS__ 1
#include <stdint.h>
#include <xen/xen.h>
#include <xen/physdev.h>
#include <xen/event_channel.h>
#include <xen/domctl.h>
#include <xen/hvm/dm_op.h>
#include "ptrace_event.h"

#ifndef PHYSDEVOP_pci_device_reset
#define PHYSDEVOP_pci_device_reset	PT_PHYSDEVOP_pci_device_reset
#endif
#ifndef XEN_DOMCTL_gsi_permission
#define XEN_DOMCTL_gsi_permission	PT_XEN_DOMCTL_gsi_permission
/* Xen 4.20 struct xen_domctl_gsi_permission: same shape as irq_permission. */
struct xen_domctl_gsi_permission {
	uint32_t gsi;
	uint32_t flags;		/* bit 0: grant */
};
#endif

#endif /* PT_XEN_PUBLIC_H */
