// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Names for the PCI ids a trace recorded, through libpci's id database.
 * No pci_init(): that would open this host's bus, which a replay must
 * not describe; pci_lookup_name() only needs the id tables.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <pci/pci.h>
#include "pciname.h"

/* libpci calls its error hook for fatal errors and expects it not to return. */
static jmp_buf name_jmp;

static void __attribute__((noreturn, format(printf, 1, 2)))
name_fatal(char *msg, ...)
{
	longjmp(name_jmp, 1);
}

static void __attribute__((format(printf, 1, 2))) name_quiet(char *msg, ...)
{
}

const char *pt_pci_log_name(const struct pt_log_header *hdr, __u32 sbdf,
			    char *buf, size_t len)
{
	/* kept: the id database is loaded once, not once per device */
	static struct pci_access *pacc;
	static bool broken;
	const struct pt_pci_ident *id = pt_log_device(hdr, sbdf);
	const char *volatile s = NULL;

	if (!id || !len)
		return NULL;
	if (!pacc && !broken) {
		pacc = pci_alloc();
		broken = !pacc;
		if (pacc) {
			pacc->error = name_fatal;
			pacc->warning = name_quiet;
			/* pci_init() would set it; a miss in the ids calls it */
			pacc->debug = name_quiet;
		}
	}
	if (pacc && setjmp(name_jmp) == 0)
		s = pci_lookup_name(pacc, buf, len,
				    PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
				    id->vendor, id->device);
	else if (pacc) {
		/* a fatal error leaves libpci's state unknown: stop asking */
		broken = true;
		pacc = NULL;
	}
	/* the ids alone when there is no database to name them */
	if (!s)
		snprintf(buf, len, "%04x:%04x", id->vendor, id->device);
	return buf;
}
