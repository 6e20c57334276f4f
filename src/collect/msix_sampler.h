/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * MSI-X table sampler: reads each watched device's MSI-X table from its
 * BAR, read-only, and reports per-vector mask-bit transitions (view
 * "table", the device's own view).  In a PV dom0 Linux never writes these bits (Xen does), so
 * this is the only dom0-side view of the real hardware mask state.
 */
#ifndef PT_MSIX_SAMPLER_H
#define PT_MSIX_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include "ptrace_event.h"

struct pt_msix_sampler;

typedef void (*pt_msix_emit_fn)(const struct pt_event *ev, void *arg);

/*
 * Watch every device bound to pciback at each pass (devices come and
 * go), only those in only[n] if n is not 0.  A device bound to any other
 * driver is never read, even if named.
 */
struct pt_msix_sampler *pt_msix_sampler_new(const __u32 *only, size_t n);
/*
 * One pass: emits a vector_mask event per entry whose mask bit changed
 * (every entry on a device's first pass) and an msix_ctrl event when the
 * Message Control word changed.  Returns the number of events emitted.
 */
int pt_msix_sampler_run(struct pt_msix_sampler *s, pt_msix_emit_fn emit,
			void *arg);
/* Devices currently sampled, and those that could not be. */
size_t pt_msix_sampler_devices(const struct pt_msix_sampler *s,
			       size_t *failed);
void pt_msix_sampler_free(struct pt_msix_sampler *s);

#endif /* PT_MSIX_SAMPLER_H */
