/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Device names from the PCI ids a trace recorded (header "devices"),
 * looked up in libpci's id database: never this host's bus, which for a
 * replayed log may be another machine's.
 */
#ifndef PT_PCINAME_H
#define PT_PCINAME_H

#include <stddef.h>
#include "pt_log.h"

/*
 * "Intel Corporation 82574L Gigabit Network Connection" for the recorded
 * identity of sbdf, in buf; NULL when the log records none for it.
 */
const char *pt_pci_log_name(const struct pt_log_header *hdr, __u32 sbdf,
			    char *buf, size_t len);

#endif /* PT_PCINAME_H */
