// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: the PCI config space decoder (src/core/pcicfg.c).
 * Input: config space bytes as read from sysfs (any length: a read may
 * be short), then the same bytes taken as an MSI-X table and PBA.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pt_pcicfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *cfg, size_t len)
{
	struct pt_msi_cap msi;
	struct pt_msix_cap msix;
	struct pt_msix_entry e;
	struct pt_intx intx;
	struct pt_bar bar;
	unsigned int n;

	for (unsigned int id = 0; id < 0x16; id++)
		(void)pt_pcicfg_find_cap(cfg, len, id);
	(void)pt_pcicfg_msi(cfg, len, &msi);
	if (pt_pcicfg_msix(cfg, len, &msix) == 0) {
		n = msix.table_size;
		for (unsigned int i = 0; i < n && i < 64; i++) {
			(void)pt_msix_entry_decode(cfg, len, i, &e);
			(void)pt_msix_pba_bit(cfg, len, i);
		}
		(void)pt_msix_pba_len(n);
	}
	if (pt_pcicfg_intx(cfg, len, &intx) == 0)
		(void)pt_intx_pin_name(intx.pin);
	for (unsigned int bir = 0; bir < 7; bir++)
		(void)pt_pcicfg_bar(cfg, len, bir, &bar);
	for (unsigned int i = 0; i < 4 && len; i++) {
		(void)pt_msix_entry_decode(cfg, len, cfg[0] + i, &e);
		(void)pt_msix_pba_bit(cfg, len, cfg[len - 1] * 8 + i);
	}
	(void)pt_cfg_r16(cfg, len, len ? cfg[0] : 0);
	(void)pt_cfg_r32(cfg, len, len > 1 ? cfg[1] : 0);
	return 0;
}
