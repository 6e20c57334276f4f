// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: the hypercall argument decoder (src/core/xenhc.c).
 * Input: op (4 bytes, little endian), cmd (4 bytes), then the raw
 * argument bytes as the recorder captures them (up to PT_HC_RAW_MAX).
 * A decoded call is encoded back and decoded again, as synthetic logs do.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pt_xenhc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_ev_hypercall hc;
	unsigned int iface;

	if (size < 8)
		return 0;
	memset(&hc, 0, sizeof(hc));
	memcpy(&hc.op, data, 4);
	memcpy(&hc.cmd, data + 4, 4);
	data += 8;
	size -= 8;
	hc.raw_len = size > PT_HC_RAW_MAX ? PT_HC_RAW_MAX : size;
	memcpy(hc.raw, data, hc.raw_len);

	(void)pt_hc_op_name(hc.op);
	(void)pt_hc_cmd_name(hc.op, hc.cmd);
	if (pt_hc_decode(&hc) == 0) {
		(void)pt_map_type_name(hc.args.map_type);
		(void)pt_irq_type_name(hc.args.irq_type);
		iface = hc.args.iface ? hc.args.iface : 0x15;
		if (pt_hc_encode(&hc, iface) == 0)
			(void)pt_hc_decode(&hc);
	}
	return 0;
}
