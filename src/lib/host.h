/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the front-ends read from the host they run on: is this a Xen
 * dom0, and sysfs/procfs attributes (strings, numbers, a PCI function's
 * ids and driver).  One reader each, so every front-end answers the same
 * way.
 *
 * Every path goes through the host root, "" unless a front-end sets one:
 * `ptrace dump`'s tests point it at a fake tree (PTRACE_DUMP_SYSROOT).
 */
#ifndef PT_HOST_H
#define PT_HOST_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include "pt_log.h"

#define PT_HOST_PCI	"/sys/bus/pci/devices"

/* root is kept, not copied; NULL or "" is the real root. */
void pt_host_set_root(const char *root);
const char *pt_host_root(void);

/* open(2), opendir(3) of path under the root; O_CLOEXEC is added. */
int pt_host_open(const char *path, int flags);
DIR *pt_host_opendir(const char *path);
bool pt_host_exists(const char *path);

/*
 * The whole (first len - 1 bytes of the) file as a string, trailing
 * newlines and blanks removed.  0, or -errno.
 */
int pt_host_read_str(const char *path, char *buf, size_t len);
/* A number (strtol with base: 0 takes "0x" prefixes).  0, or -errno. */
int pt_host_read_long(const char *path, int base, long *val);

/*
 * An attribute of a PCI function, /sys/bus/pci/devices/<bdf>/<attr>,
 * holding a hex number ("0x8086\n").  0, or -errno.
 */
int pt_host_pci_hex(const char *bdf, const char *attr, long *val);
/* The name of the driver bound to bdf; "" and -errno when none. */
int pt_host_pci_driver(const char *bdf, char *buf, size_t len);
/*
 * The identity (ids, class, driver) of every PCI function present, sorted
 * by sbdf, at most PT_LOG_DEVICES_MAX: what a trace log's header records.
 * A function that cannot be read is left out.  Caller frees *list.
 */
void pt_host_pci_idents(struct pt_pci_ident **list, size_t *n);

/*
 * Xen, and the domain we run in.  Xen: /sys/hypervisor/type is "xen" (or
 * xenfs is mounted on /proc/xen).  dom0: /proc/xen/capabilities says
 * control_d, or without xenfs, the privileged interfaces exist
 * (/dev/xen/privcmd, the xen-backend bus).
 */
struct pt_host_xen {
	bool xen;
	bool dom0;
	char mode[8];		/* "pv", "pvh", "" unknown (guest_type) */
	char why[160];		/* one line: "Xen dom0, pv", or why not */
};

void pt_host_xen_detect(struct pt_host_xen *x);

#endif /* PT_HOST_H */
