// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: the Xen and Linux text parsers (src/core/xenview.c).
 * The same text goes to every parser (a dump of debug key i, M or Q,
 * /proc/interrupts, lspci -vv, msi_irqs), then the parsed view is joined
 * into rows and JSON as `ptrace dump --xen-text` does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pt_xenview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_xv_view v;
	struct pt_xv_row *rows = NULL;
	char *text = malloc(size + 1);
	__u32 sbdf;
	int n;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&v, 0, sizeof(v));
	pt_xv_parse_xen_irqs(text, &v.xen_irqs, &v.nxen_irqs);
	pt_xv_parse_xen_msis(text, &v.xen_msis, &v.nxen_msis);
	pt_xv_parse_xen_pdevs(text, &v.xen_pdevs, &v.nxen_pdevs);
	pt_xv_parse_proc_interrupts(text, &v.linux_irqs, &v.nlinux_irqs);
	pt_xv_parse_lspci(text, &v.pcis, &v.npcis);
	pt_xv_parse_msi_irqs(text, &v.msi_irqs, &v.nmsi_irqs);
	pt_xv_parse_sbdf(text, &sbdf);

	n = pt_xv_rows(&v, &rows);
	if (n >= 0) {
		free(pt_xv_rows_json(rows, n));
		free(rows);
	}
	pt_xv_view_free(&v);
	free(text);
	return 0;
}
