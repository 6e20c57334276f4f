// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * PCI config space and MSI-X table decoding over byte buffers.
 * Register layouts: PCI Local Bus 3.0 section 6 and PCIe base 6.1 section
 * 7.7 (MSI, MSI-X).  No I/O here: see pt_pcicfg.h.
 */
#include <errno.h>
#include "pt_pcicfg.h"

#define PCI_COMMAND		0x04
#define  PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS		0x06
#define  PCI_STATUS_INTERRUPT	0x08
#define  PCI_STATUS_CAP_LIST	0x10
#define PCI_HEADER_TYPE		0x0e
#define PCI_BASE_ADDRESS_0	0x10
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d

#define MSI_FLAGS		2
#define  MSI_FLAGS_ENABLE	0x0001
#define  MSI_FLAGS_QMASK	0x000e
#define  MSI_FLAGS_QSIZE	0x0070
#define  MSI_FLAGS_64BIT	0x0080
#define  MSI_FLAGS_MASKBIT	0x0100
#define MSI_ADDRESS_LO		4

#define MSIX_FLAGS		2
#define  MSIX_FLAGS_QSIZE	0x07ff
#define  MSIX_FLAGS_MASKALL	0x4000
#define  MSIX_FLAGS_ENABLE	0x8000
#define MSIX_TABLE		4
#define MSIX_PBA		8
#define  MSIX_BIR		0x7

/* The list can hold at most (256 - 64) / 4 entries: more means a loop. */
#define CAP_WALK_MAX		48

__u8 pt_cfg_r8(const __u8 *cfg, size_t len, size_t off)
{
	return off < len ? cfg[off] : 0;
}

__u16 pt_cfg_r16(const __u8 *cfg, size_t len, size_t off)
{
	return pt_cfg_r8(cfg, len, off) | pt_cfg_r8(cfg, len, off + 1) << 8;
}

__u32 pt_cfg_r32(const __u8 *cfg, size_t len, size_t off)
{
	return pt_cfg_r16(cfg, len, off) |
	       (__u32)pt_cfg_r16(cfg, len, off + 2) << 16;
}

int pt_pcicfg_find_cap(const __u8 *cfg, size_t len, unsigned int cap_id)
{
	unsigned int pos;
	int n;

	if (len < PT_PCICFG_STD_LEN)
		return -ERANGE;
	if (!(pt_cfg_r16(cfg, len, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;

	pos = pt_cfg_r8(cfg, len, PCI_CAPABILITY_LIST) & ~3u;
	for (n = 0; pos && n < CAP_WALK_MAX; n++) {
		if (pos < PT_PCICFG_STD_LEN)
			return -EINVAL;
		if (pos + 2 > len)
			return -ERANGE;
		if (cfg[pos] == cap_id)
			return (int)pos;
		pos = cfg[pos + 1] & ~3u;
	}
	return pos ? -EINVAL : 0;
}

/* Capability found and its fixed part (need bytes) inside the buffer. */
static int cap_locate(const __u8 *cfg, size_t len, unsigned int id,
		      size_t need)
{
	int pos = pt_pcicfg_find_cap(cfg, len, id);

	if (pos == 0)
		return -ENOENT;
	if (pos > 0 && (size_t)pos + need > len)
		return -ERANGE;
	return pos;
}

int pt_pcicfg_msi(const __u8 *cfg, size_t len, struct pt_msi_cap *out)
{
	size_t data_off, mask_off;
	int pos;

	pos = cap_locate(cfg, len, PT_PCI_CAP_MSI, 10);
	if (pos < 0)
		return pos;

	*out = (struct pt_msi_cap){ .pos = (unsigned int)pos };
	out->ctrl = pt_cfg_r16(cfg, len, pos + MSI_FLAGS);
	out->enabled = out->ctrl & MSI_FLAGS_ENABLE;
	out->is64 = out->ctrl & MSI_FLAGS_64BIT;
	out->maskable = out->ctrl & MSI_FLAGS_MASKBIT;
	out->vectors_max = 1u << ((out->ctrl & MSI_FLAGS_QMASK) >> 1);
	out->vectors_en = 1u << ((out->ctrl & MSI_FLAGS_QSIZE) >> 4);

	out->address = pt_cfg_r32(cfg, len, pos + MSI_ADDRESS_LO);
	if (out->is64) {
		out->address |= (__u64)pt_cfg_r32(cfg, len, pos + 8) << 32;
		data_off = pos + 12;
	} else {
		data_off = pos + 8;
	}
	/* The mask and pending registers follow the (padded) data word. */
	mask_off = data_off + 4;
	if (data_off + 2 > len)
		return -ERANGE;
	out->data = pt_cfg_r16(cfg, len, data_off);
	if (out->maskable) {
		if (mask_off + 8 > len)
			return -ERANGE;
		out->mask = pt_cfg_r32(cfg, len, mask_off);
		out->pending = pt_cfg_r32(cfg, len, mask_off + 4);
	}
	return 0;
}

int pt_pcicfg_msix(const __u8 *cfg, size_t len, struct pt_msix_cap *out)
{
	__u32 table, pba;
	int pos;

	pos = cap_locate(cfg, len, PT_PCI_CAP_MSIX, 12);
	if (pos < 0)
		return pos;

	*out = (struct pt_msix_cap){ .pos = (unsigned int)pos };
	out->ctrl = pt_cfg_r16(cfg, len, pos + MSIX_FLAGS);
	out->enabled = out->ctrl & MSIX_FLAGS_ENABLE;
	out->maskall = out->ctrl & MSIX_FLAGS_MASKALL;
	out->table_size = (out->ctrl & MSIX_FLAGS_QSIZE) + 1;

	table = pt_cfg_r32(cfg, len, pos + MSIX_TABLE);
	pba = pt_cfg_r32(cfg, len, pos + MSIX_PBA);
	out->table_bir = table & MSIX_BIR;
	out->table_offset = table & ~(__u32)MSIX_BIR;
	out->pba_bir = pba & MSIX_BIR;
	out->pba_offset = pba & ~(__u32)MSIX_BIR;
	return 0;
}

int pt_pcicfg_intx(const __u8 *cfg, size_t len, struct pt_intx *out)
{
	if (len < PT_PCICFG_STD_LEN)
		return -ERANGE;
	out->pin = pt_cfg_r8(cfg, len, PCI_INTERRUPT_PIN);
	out->line = pt_cfg_r8(cfg, len, PCI_INTERRUPT_LINE);
	out->disabled = pt_cfg_r16(cfg, len, PCI_COMMAND) &
			PCI_COMMAND_INTX_DISABLE;
	out->asserted = pt_cfg_r16(cfg, len, PCI_STATUS) & PCI_STATUS_INTERRUPT;
	return 0;
}

const char *pt_intx_pin_name(unsigned int pin)
{
	static const char *const names[] = { "-", "INTA", "INTB", "INTC", "INTD" };

	return pin < sizeof(names) / sizeof(names[0]) ? names[pin] : "-";
}

int pt_pcicfg_bar(const __u8 *cfg, size_t len, unsigned int bir,
		  struct pt_bar *out)
{
	size_t off = PCI_BASE_ADDRESS_0 + 4 * bir;
	__u32 lo;

	if (len < PT_PCICFG_STD_LEN)
		return -ERANGE;
	/* Only type 0 headers have six BARs; bridges have two. */
	if (bir > 5 || ((pt_cfg_r8(cfg, len, PCI_HEADER_TYPE) & 0x7f) != 0 &&
			bir > 1))
		return -ENOENT;

	lo = pt_cfg_r32(cfg, len, off);
	*out = (struct pt_bar){ 0 };
	if (lo & 1) {
		out->io = true;
		out->base = lo & ~3u;
		return 0;
	}
	out->is64 = ((lo >> 1) & 3) == 2;
	out->prefetch = lo & 8;
	out->base = lo & ~0xfu;
	if (out->is64 && bir < 5)
		out->base |= (__u64)pt_cfg_r32(cfg, len, off + 4) << 32;
	return 0;
}

int pt_msix_entry_decode(const __u8 *tbl, size_t len, unsigned int i,
			 struct pt_msix_entry *out)
{
	size_t off = (size_t)i * PT_MSIX_ENTRY_SIZE;

	if (i >= PT_MSIX_MAX_ENTRIES || off + PT_MSIX_ENTRY_SIZE > len)
		return -ERANGE;
	out->address = pt_cfg_r32(tbl, len, off) |
		       (__u64)pt_cfg_r32(tbl, len, off + 4) << 32;
	out->data = pt_cfg_r32(tbl, len, off + 8);
	out->ctrl = pt_cfg_r32(tbl, len, off + 12);
	out->masked = out->ctrl & 1;
	return 0;
}

size_t pt_msix_pba_len(unsigned int n)
{
	return (size_t)((n + 63) / 64) * 8;
}

int pt_msix_pba_bit(const __u8 *pba, size_t len, unsigned int i)
{
	if (i / 8 >= len)
		return -ERANGE;
	return (pba[i / 8] >> (i % 8)) & 1;
}
