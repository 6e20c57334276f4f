/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Xen's debug-key dumps as text (i: IRQs, M: MSIs, Q: PCI devices), as
 * read from the console ring or saved from `xl dmesg`, into the dump's
 * Xen view, using the parsers of pt_xenview.h.  Only the fields the dump
 * joins on are kept.
 */
#ifndef PT_DUMP_XENPARSE_H
#define PT_DUMP_XENPARSE_H

#include "dump.h"

/* 0 if at least one of the three dumps was found; -ENOENT otherwise. */
int dump_xenparse(const char *text, struct dump_xen *x);

#endif /* PT_DUMP_XENPARSE_H */
