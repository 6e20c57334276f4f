// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xenview-table CHECKPOINT_DIR...: for each lab checkpoint directory,
 * write table.json (the ground-truth rows, include/pt_xenview.h) and
 * print the rows as text.  Built and run on the host by
 * lab/run-scenarios after a lab boot.
 */
#include <stdio.h>
#include <stdlib.h>
#include "pt_xenview.h"

static void num(FILE *f, int v)
{
	if (v == PT_NONE)
		fprintf(f, " %6s", "-");
	else
		fprintf(f, " %6d", v);
}

static int one(const char *dir)
{
	struct pt_xv_view v = { 0 };
	struct pt_xv_row *rows;
	char path[4096];
	char *json;
	FILE *f;
	int n;

	if (pt_xv_load_dir(&v, dir) < 0) {
		fprintf(stderr, "xenview-table: %s: cannot parse\n", dir);
		return 1;
	}
	n = pt_xv_rows(&v, &rows);
	if (n < 0) {
		pt_xv_view_free(&v);
		return 1;
	}
	json = pt_xv_rows_json(rows, (size_t)n);
	snprintf(path, sizeof(path), "%s/table.json", dir);
	f = fopen(path, "w");
	if (!f || !json) {
		perror(path);
		free(json);
		free(rows);
		pt_xv_view_free(&v);
		if (f)
			fclose(f);
		return 1;
	}
	fprintf(f, "%s\n", json);
	fclose(f);
	printf("%s\n  %-12s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n",
	       dir, "sbdf", "gsi", "irq", "pirq", "evtchn", "domid", "msix",
	       "maskall", "entry", "masked", "xenirq", "bound");
	for (int i = 0; i < n; i++) {
		const struct pt_xv_row *r = &rows[i];

		printf("  %04x:%02x:%02x.%x", r->sbdf >> 16,
		       (r->sbdf >> 8) & 0xff, (r->sbdf >> 3) & 0x1f,
		       r->sbdf & 7);
		num(stdout, r->gsi);
		num(stdout, r->irq);
		num(stdout, r->pirq);
		num(stdout, r->evtchn);
		num(stdout, r->domid);
		num(stdout, r->msix_enabled);
		num(stdout, r->maskall);
		num(stdout, r->entry);
		num(stdout, r->masked);
		num(stdout, r->xen_irq);
		num(stdout, r->bound);
		printf("\n");
	}
	free(json);
	free(rows);
	pt_xv_view_free(&v);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	for (int i = 1; i < argc; i++)
		rc |= one(argv[i]);
	return rc;
}
