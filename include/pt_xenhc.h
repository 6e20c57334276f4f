/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Toolstack hypercalls seen through privcmd: names and decoding of the
 * raw argument bytes into struct pt_hc_args, with Xen's public headers.
 */
#ifndef PT_XENHC_H
#define PT_XENHC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ptrace_event.h"

/* Hypercall numbers (xen.h __HYPERVISOR_*) the decoder understands. */
const char *pt_hc_op_name(unsigned int op);
int pt_hc_op_from_name(const char *name);		/* -1 if unknown */
/* Sub-op name within an op: "map_pirq", "irq_permission", ... */
const char *pt_hc_cmd_name(unsigned int op, unsigned int cmd);
int pt_hc_cmd_from_name(unsigned int op, const char *name);
const char *pt_map_type_name(int map_type);
int pt_map_type_from_name(const char *name);
/* map_pirq of an MSI or MSI-X vector (MSI, MSI_SEG, MULTI_MSI) */
bool pt_map_type_is_msi(int map_type);
/* MULTI_MSI: its entry_nr is the number of vectors, not an entry */
bool pt_map_type_is_multi_msi(int map_type);
const char *pt_irq_type_name(int irq_type);
/* bind_pt_irq of an MSI (its gvec and gflags are set) */
bool pt_irq_type_is_msi(int irq_type);
int pt_irq_type_from_name(const char *name);
/* dm_op io ranges: "port", "memory", "pci" (XEN_DMOP_IO_RANGE_*) */
const char *pt_io_range_name(int range);
int pt_io_range_from_name(const char *name);

/*
 * bind_pt_irq's MSI gflags as the guest programmed them: destination,
 * redirection hint, destination and delivery modes, trigger, and the
 * mask state the device model asks Xen for ("dest=0x1 physical fixed
 * edge unmasked").  Returns what snprintf returns.
 */
int pt_msi_gflags_format(unsigned int gflags, char *buf, size_t len);

/* Set every decoded field to "not carried" (PT_NONE / PT_SBDF_NONE). */
void pt_hc_args_clear(struct pt_hc_args *a);

/*
 * Fill hc->args from hc->raw.  Returns 0 when the sub-op was decoded, 1
 * when it is not one the decoder knows (args stay cleared), -1 when raw
 * is too short or the domctl interface version is unknown.
 */
int pt_hc_decode(struct pt_ev_hypercall *hc);

/*
 * The pirq a successful map_pirq left mapped: the one Xen wrote back
 * (PT_EVF_HC_OUT), else the one the caller asked for.  -1 when neither
 * is known (a request for any pirq, recorded before results were read
 * back) or for another call.
 */
int pt_hc_mapped_pirq(const struct pt_event *ev);

/*
 * iomem_permission / ioport_permission: the range (first mfn or port,
 * count) and whether it is granted or revoked, read from hc->raw with
 * Xen's struct.  0, or -1 for another call or too few bytes.  (Kept out
 * of pt_hc_args: the trace log's args stay as they are.)
 */
int pt_hc_io_range(const struct pt_ev_hypercall *hc, uint64_t *first,
		   uint64_t *count, bool *allow);

/* Convenience for tests and synthetic logs: encode args back to raw. */
int pt_hc_encode(struct pt_ev_hypercall *hc, unsigned int iface);

#endif /* PT_XENHC_H */
