/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Xen's own tables, as its debug keys print them into the console ring
 * (i: IRQs, M: MSIs, Q: PCI devices), sent and read back through
 * libxenctrl, which exists only on Xen hosts and is loaded with dlopen.
 * `ptrace dump --xen` and the sessions' Xen mask view both read it here.
 *
 * Each dump writes its lines into Xen's console ring (`xl dmesg`), where
 * they push the oldest messages out: callers say so to their users.
 */
#ifndef PT_XENCONSOLE_H
#define PT_XENCONSOLE_H

#include <stddef.h>

struct pt_xen_console;

/* NULL, with the reason in why, where libxenctrl is missing or refuses. */
struct pt_xen_console *pt_xen_console_open(char *why, size_t len);

/*
 * Send each key of keys in turn and return, in *text (malloc'ed, the
 * caller frees it), what Xen printed for them and nothing older.  0 or
 * -errno; *text may hold a part on error.
 */
int pt_xen_console_dump(struct pt_xen_console *c, const char *keys,
			char **text);

void pt_xen_console_close(struct pt_xen_console *c);

#endif /* PT_XENCONSOLE_H */
