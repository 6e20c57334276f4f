/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one count of a recording's probes: the log header's probe list
 * (record's plan plus its collectors, such as the MSI-X table sampler),
 * as record prints it when it starts and report prints it afterwards.
 */
#ifndef PT_PROBETALLY_H
#define PT_PROBETALLY_H

#include <stddef.h>
#include "pt_log.h"

struct pt_probe_tally {
	size_t total;
	size_t attached;
	size_t missing;		/* absent from the kernel */
	size_t failed;		/* present, attach failed */
	size_t off;		/* turned off by the user */
	size_t required_missing;	/* required and not attached */
};

void pt_probe_tally(const struct pt_probe_status *p, size_t n,
		    struct pt_probe_tally *t);
/* "38 of 44 probes attached, 5 missing, 1 off"; returns snprintf's count. */
int pt_probe_tally_format(const struct pt_probe_tally *t, char *buf,
			  size_t len);

#endif /* PT_PROBETALLY_H */
