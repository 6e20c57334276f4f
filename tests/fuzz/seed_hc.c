// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Seeds for fuzz_xenhc: every hypercall with raw bytes in the trace logs
 * named on the command line, as op, cmd (4 bytes each, little endian)
 * and the raw bytes, one file each in the directory given first.  The
 * logs are read with the project's reader, so op and cmd names map to
 * numbers exactly as they do in ptrace.
 */
#include <stdio.h>
#include <string.h>
#include "pt_log.h"

int main(int argc, char **argv)
{
	unsigned long seq = 0, line;
	struct pt_event ev;
	char err[600], path[4096];

	if (argc < 2) {
		fprintf(stderr, "usage: seed_hc OUTDIR LOG...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		struct pt_log_reader *r = pt_log_open(argv[i], err, sizeof(err));

		if (!r)
			continue;
		while (pt_log_next(r, &ev, &line) == PT_LOG_OK) {
			const struct pt_ev_hypercall *hc = &ev.hc;
			unsigned char le[8];
			FILE *f;

			if (ev.hdr.type != PT_EV_HYPERCALL || !hc->raw_len)
				continue;
			for (int b = 0; b < 4; b++) {
				le[b] = hc->op >> (8 * b);
				le[4 + b] = hc->cmd >> (8 * b);
			}
			snprintf(path, sizeof(path), "%s/log-%04lu", argv[1], seq++);
			f = fopen(path, "w");
			if (!f)
				return 1;
			fwrite(le, 1, 8, f);
			fwrite(hc->raw, 1, hc->raw_len, f);
			fclose(f);
		}
		pt_log_close(r);
	}
	return 0;
}
