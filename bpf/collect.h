/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by bpf/collect.bpf.c and the recorder (src/record/record.c): names of
 * the maps and the load-time switches the recorder sets in .rodata.
 */
#ifndef PT_COLLECT_H
#define PT_COLLECT_H

/* Default ring buffer size; the recorder may resize before load. */
#define PT_RINGBUF_BYTES	(8u << 20)

/* IOCTL_PRIVCMD_HYPERCALL: _IOC(_IOC_NONE, 'P', 0, sizeof(privcmd_hypercall)) */
#define PT_IOCTL_PRIVCMD_HYPERCALL	0x00305000u

/* Hypercall numbers the collector copies arguments for. */
#define PT_HC_EVENT_CHANNEL_OP	32
#define PT_HC_PHYSDEV_OP	33
#define PT_HC_DOMCTL		36

/* Bytes of struct xen_domctl (Xen 4.17 - 4.22). */
#define PT_XEN_DOMCTL_SIZE	144

/*
 * Module loads and unloads seen by mw_load/mw_free, one slot per module
 * of the probe table (index: the recorder's enum pt_module; 0 unused).
 * gen counts both, so a reload faster than the recorder's poll is still
 * seen; the times say when the module's probes died and came back.
 */
#define PT_MODW_PCIBACK		1
#define PT_MODW_PRIVCMD		2
#define PT_MODW_SLOTS		3

struct pt_modstate {
	__u64 gen;		/* loads + unloads seen */
	__u64 free_ns;		/* last module_free */
	__u64 load_ns;		/* last module_load */
	__u32 loaded;		/* 1 after a load, 0 after a free */
	__u32 pad;
};

#endif /* PT_COLLECT_H */
