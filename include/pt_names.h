/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Names of event types, kinds and views, and device (SBDF) text forms. */
#ifndef PT_NAMES_H
#define PT_NAMES_H

#include <stddef.h>
#include "ptrace_event.h"

const char *pt_type_name(unsigned int type);
int pt_type_from_name(const char *name);		/* -1 if unknown */
const char *pt_kind_name(unsigned int type, unsigned int kind);
int pt_kind_from_name(unsigned int type, const char *name);	/* -1 if unknown */
unsigned int pt_kind_count(unsigned int type);
const char *pt_view_name(unsigned int view);
int pt_view_from_name(const char *name);

/* "0000:03:00.0"; "-" for PT_SBDF_NONE.  buf holds at least 16 bytes. */
#define PT_SBDF_STRLEN	16
char *pt_sbdf_format(__u32 sbdf, char *buf, size_t len);
/* Accepts "SSSS:BB:DD.F" and "BB:DD.F" (segment 0). 0 on success. */
int pt_sbdf_parse(const char *s, __u32 *sbdf);

/* Domain id as text: "dom0" for 0 and DOMID_SELF, "d<N>", "-" if none. */
char *pt_domid_format(int domid, char *buf, size_t len);
/* DOMID_SELF means dom0 from dom0's point of view. */
static inline int pt_domid_norm(int domid)
{
	return domid == PT_DOMID_SELF ? 0 : domid;
}

/* "EPERM" for -1, "ret=N" style fallback.  Accepts negative errnos. */
const char *pt_errno_name(int err, char *buf, size_t len);

/* pciback ops (src/core/pciop.c): XEN_PCI_OP_* names, NULL if unknown. */
const char *pt_pciop_name(int op);
int pt_pciop_from_name(const char *name);	/* -1 if unknown */
/*
 * The err pciback answered for op: "0", a pciif.h XEN_PCI_ERR_* name, or
 * -errno where pciback passes the kernel's error on (enable_msix).
 */
const char *pt_pciop_err_name(int op, int err, char *buf, size_t len);
/* The config register at cap/capoff (an op event's), "" if not known. */
const char *pt_pcicfg_field_name(int cap, int capoff);
/* The register an op event's offset names, "" if not known. */
const char *pt_pciop_field(const struct pt_event *ev);
/* An op event's request and answer in words, without its err. */
char *pt_pciop_format(const struct pt_event *ev, char *buf, size_t len);

#endif /* PT_NAMES_H */
