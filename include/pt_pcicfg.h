/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pure decoders for PCI configuration space and the MSI-X table.
 *
 * Everything here works on byte buffers the caller has already read (from
 * sysfs, libpci or a test vector): no I/O, no allocation, so it can be
 * unit-tested and reused on captured dumps.  A buffer may be shorter than
 * the full config space (an unprivileged read of sysfs "config" returns
 * only the first 64 bytes); the decoders then say -ERANGE rather than
 * guess.
 */
#ifndef PT_PCICFG_H
#define PT_PCICFG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define PT_PCICFG_STD_LEN	64	/* what an unprivileged reader gets */
#define PT_PCICFG_LEN		256	/* conventional config space */

#define PT_PCI_CAP_MSI		0x05
#define PT_PCI_CAP_MSIX		0x11

#define PT_MSIX_ENTRY_SIZE	16
#define PT_MSIX_MAX_ENTRIES	2048

/* Little-endian accessors; 0 past the end of the buffer. */
__u8 pt_cfg_r8(const __u8 *cfg, size_t len, size_t off);
__u16 pt_cfg_r16(const __u8 *cfg, size_t len, size_t off);
__u32 pt_cfg_r32(const __u8 *cfg, size_t len, size_t off);

/*
 * Offset of the first capability with this ID in the standard list;
 * 0 if the device has none, -ERANGE if the list leads beyond the bytes
 * we have (so absence cannot be proven), -EINVAL if the list is corrupt
 * (a loop or a pointer into the header).
 */
int pt_pcicfg_find_cap(const __u8 *cfg, size_t len, unsigned int cap_id);

struct pt_msi_cap {
	unsigned int pos;	/* capability offset */
	__u16 ctrl;		/* Message Control as read */
	bool enabled;
	bool is64;		/* 64-bit message address */
	bool maskable;		/* per-vector masking capable */
	unsigned int vectors_max;	/* Multiple Message Capable, as a count */
	unsigned int vectors_en;	/* Multiple Message Enable, as a count */
	__u64 address;
	__u16 data;
	__u32 mask;		/* mask bits, valid when maskable */
	__u32 pending;		/* pending bits, valid when maskable */
};

struct pt_msix_cap {
	unsigned int pos;
	__u16 ctrl;		/* Message Control as read */
	bool enabled;
	bool maskall;		/* Function Mask */
	unsigned int table_size;	/* entries, 1..2048 */
	unsigned int table_bir;
	__u32 table_offset;
	unsigned int pba_bir;
	__u32 pba_offset;
};

/* 0 and *out filled; -ENOENT if absent; -ERANGE / -EINVAL as above. */
int pt_pcicfg_msi(const __u8 *cfg, size_t len, struct pt_msi_cap *out);
int pt_pcicfg_msix(const __u8 *cfg, size_t len, struct pt_msix_cap *out);

struct pt_intx {
	unsigned int pin;	/* 0 none, 1..4 = INTA..INTD */
	unsigned int line;	/* Interrupt Line register (firmware's note) */
	bool disabled;		/* Command: Interrupt Disable */
	bool asserted;		/* Status: Interrupt Status */
};

/* -ERANGE if the buffer does not hold the standard header. */
int pt_pcicfg_intx(const __u8 *cfg, size_t len, struct pt_intx *out);
/* "INTA".."INTD", "-" for none or invalid. */
const char *pt_intx_pin_name(unsigned int pin);

struct pt_bar {
	bool io;		/* I/O space BAR */
	bool is64;
	bool prefetch;
	__u64 base;		/* address bits as programmed */
};

/* BAR bir (0..5) of a type 0 header; -ENOENT for a bad index/empty BAR. */
int pt_pcicfg_bar(const __u8 *cfg, size_t len, unsigned int bir,
		  struct pt_bar *out);

struct pt_msix_entry {
	__u64 address;
	__u32 data;
	__u32 ctrl;		/* Vector Control */
	bool masked;		/* Vector Control bit 0 */
};

/* Entry i of a table read into tbl (tbl[0] is entry 0). -ERANGE if short. */
int pt_msix_entry_decode(const __u8 *tbl, size_t len, unsigned int i,
			 struct pt_msix_entry *out);
/* Pending bit i of a PBA read into pba; -ERANGE if short, else 0 or 1. */
int pt_msix_pba_bit(const __u8 *pba, size_t len, unsigned int i);
/* Bytes of PBA needed for n entries (whole qwords, as the spec lays it). */
size_t pt_msix_pba_len(unsigned int n);

/*
 * x86 MSI message in remappable format (address bit 4, set when an
 * IOMMU remaps interrupts, as Xen does with intremap): the message
 * holds an interrupt-remapping table index, not a destination and
 * vector.
 */
static inline bool pt_msi_x86_remappable(__u64 address)
{
	return address & 0x10;
}

/* Interrupt-remapping table index of a remappable message (VT-d 5.1.2). */
static inline unsigned int pt_msi_x86_ir_index(__u64 address, __u32 data)
{
	unsigned int idx = ((address >> 5) & 0x7fff) |
			   (((address >> 2) & 1) << 15);

	/* SHV (bit 3): the subhandle in the data is added */
	return address & 0x8 ? idx + (data & 0xffff) : idx;
}

/* x86 MSI message: destination APIC ID and vector, for display. */
static inline unsigned int pt_msi_x86_dest(__u64 address)
{
	return (unsigned int)((address >> 12) & 0xff);
}

static inline unsigned int pt_msi_x86_vector(__u32 data)
{
	return data & 0xff;
}

#endif /* PT_PCICFG_H */
