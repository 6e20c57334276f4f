/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Every file ptrace writes (trace logs, JUnit XML, dumps) is opened here,
 * so that one policy holds for all of them: created with mode 0600
 * (a trace shows what the toolstack did), never through a symlink, never
 * a FIFO, a device, a socket or a directory, and an existing file is
 * only overwritten when the caller says so.
 */
#ifndef PT_OUTFILE_H
#define PT_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

#define PT_OUTFILE_MODE		0600

/* An existing regular file may be overwritten (else -EEXIST). */
#define PT_OUTFILE_REPLACE	(1u << 0)
/* Truncate an existing file now; without it the writer truncates later. */
#define PT_OUTFILE_TRUNC	(1u << 1)

/*
 * Open path for writing.  Returns a file descriptor (O_CLOEXEC,
 * blocking), with *created telling whether this call created the file
 * (so that a caller that gives up before writing can unlink it), or a
 * negative errno with a message naming path in err: -EEXIST for an
 * existing file without PT_OUTFILE_REPLACE, -ELOOP for a symlink,
 * -EINVAL for anything that is not a regular file.  An existing file
 * that is reused gets mode 0600 too.
 */
int pt_outfile_open(const char *path, unsigned int flags, bool *created,
		    char *err, size_t errlen);

#endif /* PT_OUTFILE_H */
