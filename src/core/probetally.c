// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The one count of a recording's probes (include/pt_probetally.h). */
#include <stdio.h>
#include <string.h>
#include "pt_probetally.h"

void pt_probe_tally(const struct pt_probe_status *p, size_t n,
		    struct pt_probe_tally *t)
{
	memset(t, 0, sizeof(*t));
	t->total = n;
	for (size_t i = 0; i < n; i++) {
		switch (p[i].state) {
		case PT_PROBE_ATTACHED:
			t->attached++;
			continue;
		case PT_PROBE_DISABLED:
			t->off++;
			break;
		case PT_PROBE_FAILED:
			t->failed++;
			break;
		default:
			t->missing++;
			break;
		}
		if (p[i].required)
			t->required_missing++;
	}
}

int pt_probe_tally_format(const struct pt_probe_tally *t, char *buf,
			  size_t len)
{
	int n = snprintf(buf, len, "%zu of %zu probes attached", t->attached,
			 t->total);

	/* every probe not attached is in exactly one of these */
	if (t->missing)
		n += snprintf(buf + n, (size_t)n < len ? len - n : 0,
			      ", %zu missing", t->missing);
	if (t->failed)
		n += snprintf(buf + n, (size_t)n < len ? len - n : 0,
			      ", %zu failed", t->failed);
	if (t->off)
		n += snprintf(buf + n, (size_t)n < len ? len - n : 0,
			      ", %zu off", t->off);
	return n;
}
