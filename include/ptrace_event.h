/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ptrace event schema: the one definition of every event, shared by the
 * BPF programs (which fill it in the ring buffer) and userspace (which
 * decodes, records, replays and models it).
 *
 * Rules for this header:
 *  - fixed-size types only (__u32, __s32, ...), no pointers, no libc;
 *  - BPF code includes vmlinux.h first, userspace gets <linux/types.h>;
 *  - a change that breaks an existing field bumps PT_SCHEMA_MAJOR, an
 *    addition bumps PT_SCHEMA_MINOR (see docs/trace-format.md).
 */
#ifndef PTRACE_EVENT_H
#define PTRACE_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PT_SCHEMA_MAJOR		1
#define PT_SCHEMA_MINOR		5

#define PT_COMM_LEN		16
/* Largest hypercall argument copied: struct xen_domctl is 144 bytes. */
#define PT_HC_RAW_MAX		160

/* Device identity: segment << 16 | bus << 8 | devfn. */
#define PT_SBDF(seg, bus, devfn) \
	((((__u32)(seg) & 0xffff) << 16) | (((__u32)(bus) & 0xff) << 8) | \
	 ((__u32)(devfn) & 0xff))
#define PT_SBDF_NONE		0xffffffffu

/* "Not known" for the signed integer fields below (irq, pirq, gsi, ...). */
#define PT_NONE			(-1)

/* Xen's DOMID_SELF: dom0 acting on its own behalf. */
#define PT_DOMID_SELF		0x7ff0

enum pt_event_type {
	PT_EV_NONE = 0,
	PT_EV_PCIBACK,		/* xen-pciback lifecycle, kind: pt_pciback_kind */
	PT_EV_PCI_RESET,	/* PCI reset, kind: pt_reset_method */
	PT_EV_GSI,		/* GSI registration, kind: pt_gsi_kind */
	PT_EV_PIRQ,		/* pirq lifecycle, kind: pt_pirq_kind */
	PT_EV_EVTCHN,		/* event channel / pirq masking, kind: pt_evtchn_kind */
	PT_EV_MSI,		/* MSI/MSI-X enable/disable, kind: pt_msi_kind */
	PT_EV_MSIX_CTRL,	/* MSI-X control word write */
	PT_EV_VECTOR_MASK,	/* per-vector mask state change */
	PT_EV_HYPERCALL,	/* toolstack hypercall via privcmd */
	PT_EV_LOST,		/* events the kernel dropped */
	PT_EV_BLIND,		/* probes dead for a while: kind pt_blind_kind */
	PT_EV_MAX,
};

enum pt_pciback_kind {
	PT_PCIBACK_PROBE = 0,	/* pcistub_probe */
	PT_PCIBACK_SEIZE,	/* pcistub_seize */
	PT_PCIBACK_INIT,	/* pcistub_init_device */
	PT_PCIBACK_RESET,	/* xen_pcibk_reset_device */
	PT_PCIBACK_PUT,		/* pcistub_put_pci_dev: device back from a guest */
	PT_PCIBACK_RELEASE,	/* pcistub_device_release */
	PT_PCIBACK_REMOVE,	/* pcistub_remove */
	PT_PCIBACK_GET,		/* pcistub_get_pci_dev*: handed to a guest */
	PT_PCIBACK_OP,		/* xen_pcibk_do_op: a frontend request */
	PT_PCIBACK_GET_GSI,	/* pcistub_get_gsi_from_sbdf (6.12) */
	PT_PCIBACK_KIND_MAX,
};

enum pt_reset_method {
	PT_RESET_FUNCTION_LOCKED = 0,	/* __pci_reset_function_locked */
	PT_RESET_FUNCTION,		/* pci_reset_function */
	PT_RESET_FLR,			/* pcie_flr */
	PT_RESET_AF_FLR,		/* pci_af_flr */
	PT_RESET_PM,			/* pci_pm_reset */
	PT_RESET_BUS,			/* pci_reset_bus / secondary bus */
	PT_RESET_XEN_NOTIFY,		/* xen_reset_device: Xen told (6.12) */
	PT_RESET_METHOD_MAX,
};

enum pt_gsi_kind {
	PT_GSI_ACPI = 0,	/* acpi_register_gsi */
	PT_GSI_XEN,		/* acpi_register_gsi_xen / xen_register_pirq */
	PT_GSI_PVH_SETUP,	/* xen_pvh_setup_gsi (6.12) */
	PT_GSI_KIND_MAX,
};

enum pt_pirq_kind {
	PT_PIRQ_ALLOC = 0,	/* pirq allocated (xen_allocate_pirq_msi) */
	PT_PIRQ_MAP,		/* PHYSDEVOP_map_pirq issued by dom0 kernel */
	PT_PIRQ_BIND_GSI,	/* xen_bind_pirq_gsi_to_irq */
	PT_PIRQ_BIND_MSI,	/* xen_bind_pirq_msi_to_irq */
	PT_PIRQ_UNMAP,		/* PHYSDEVOP_unmap_pirq issued by dom0 kernel */
	PT_PIRQ_DESTROY,	/* xen_destroy_irq */
	PT_PIRQ_KIND_MAX,
};

enum pt_evtchn_kind {
	PT_EVTCHN_BIND = 0,	/* __startup_pirq: EVTCHNOP_bind_pirq */
	PT_EVTCHN_CLOSE,	/* shutdown_pirq / __unbind_from_irq: EVTCHNOP_close */
	PT_EVTCHN_ENABLE,	/* enable_pirq */
	PT_EVTCHN_DISABLE,	/* disable_pirq */
	PT_EVTCHN_MASK_ACK,	/* mask_ack_pirq */
	PT_EVTCHN_KIND_MAX,
};

enum pt_msi_kind {
	PT_MSI_ENABLE = 0,	/* __pci_enable_msix_range / pci_enable_msi */
	PT_MSI_DISABLE,		/* pci_disable_msix / pci_disable_msi */
	PT_MSI_SETUP,		/* xen_initdom_setup_msi_irqs */
	PT_MSI_TEARDOWN,	/* xen_pv_teardown_msi_irqs / xen_teardown_msi_irqs */
	PT_MSI_KIND_MAX,
};

/* Where a mask or control-word observation came from (docs/trace-format.md). */
enum pt_view {
	PT_VIEW_LINUX = 0,	/* dom0 Linux wrote it (native or PVH dom0) */
	PT_VIEW_PCIBACK,	/* pciback's emulated config space, for a guest */
	PT_VIEW_PIRQ,		/* pirq/event-channel mask in dom0 (PV dom0) */
	PT_VIEW_TABLE,		/* sampled from the MSI-X table in the BAR */
	PT_VIEW_XEN,		/* Xen's own mask of the vector (debug key M) */
	PT_VIEW_MAX,
};

/* PHYSDEVOP / DOMCTL numbers Xen 4.17's public headers do not yet have. */
#define PT_PHYSDEVOP_pci_device_reset	32	/* Xen 4.20+ */
#define PT_XEN_DOMCTL_gsi_permission	88	/* Xen 4.20+ */

/* Common header of every event. */
struct pt_event_hdr {
	__u64 ts_ns;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u32 cpu;
	__u32 pid;		/* tgid */
	char comm[PT_COMM_LEN];
	__u32 sbdf;		/* device, PT_SBDF_NONE if unknown */
	__s32 ret;		/* return value where the hook has one */
	__u16 type;		/* enum pt_event_type */
	__u16 kind;		/* per-type kind enum */
	__u32 flags;		/* PT_EVF_* */
};

#define PT_EVF_HAS_RET		(1u << 0)	/* ret is meaningful */
#define PT_EVF_TRUNCATED	(1u << 1)	/* raw bytes could not all be read */
#define PT_EVF_HC_OUT		(1u << 2)	/* hc.out holds the sub-op's result */

/*
 * pcifront's requests (xen/interface/io/pciif.h XEN_PCI_OP_*): the op
 * member of a pciback op event.
 */
enum pt_pciop {
	PT_PCIOP_CONF_READ = 0,
	PT_PCIOP_CONF_WRITE,
	PT_PCIOP_ENABLE_MSI,
	PT_PCIOP_DISABLE_MSI,
	PT_PCIOP_ENABLE_MSIX,
	PT_PCIOP_DISABLE_MSIX,
	PT_PCIOP_AER_DETECTED,
	PT_PCIOP_AER_RESUME,
	PT_PCIOP_AER_MMIO,
	PT_PCIOP_AER_SLOTRESET,
	PT_PCIOP_ENABLE_MULTI_MSI,
	PT_PCIOP_MAX,
};

/* pciif.h XEN_PCI_ERR_*: what pciback answers besides -errno. */
#define PT_XEN_PCI_ERR_DEV_NOT_FOUND	(-1)
#define PT_XEN_PCI_ERR_INVALID_OFFSET	(-2)
#define PT_XEN_PCI_ERR_ACCESS_DENIED	(-3)
#define PT_XEN_PCI_ERR_NOT_IMPLEMENTED	(-4)
#define PT_XEN_PCI_ERR_OP_FAILED	(-5)

struct pt_ev_pciback {
	__s32 domid;		/* guest involved, PT_NONE if none/unknown */
	/*
	 * Kind op (schema 1.3): one frontend request as pciback answered
	 * it; hdr.ret is the err pciback wrote back.  PT_NONE where the
	 * op does not carry the member, and for every other kind.
	 */
	__s32 op;		/* enum pt_pciop */
	__u32 vsbdf;		/* the device as the guest names it */
	__s32 offset;		/* conf_read/conf_write */
	__s32 size;
	__s32 nvec;		/* enable_msi(x): vectors asked (refused) or granted */
	__s32 pirq;		/* enable_msi(x): (first) pirq granted */
	__s32 cap;		/* conf ops: PCI_CAP_ID_* the offset falls in, 0 header */
	__s32 capoff;		/* offset within that capability */
	__s32 dropped;		/* conf_write: 1 pciback dropped it (not emulated) */
	__s64 value;		/* conf ops: the value read or written */
};

struct pt_ev_gsi {
	__s32 gsi;
	__s32 trigger;		/* ACPI_EDGE_SENSITIVE 1, ACPI_LEVEL_SENSITIVE 0 */
	__s32 polarity;		/* ACPI_ACTIVE_HIGH 0, ACPI_ACTIVE_LOW 1 */
	__s32 irq;		/* Linux irq (the hook's return value) */
};

struct pt_ev_pirq {
	__s32 gsi;		/* GSI-type pirqs */
	__s32 pirq;
	__s32 irq;		/* Linux irq */
	__s32 domid;		/* owning domain; PT_DOMID_SELF for dom0 */
	__s32 entry;		/* MSI-X entry / MSI vector index, PT_NONE for GSI */
	__s32 nvec;		/* vectors bound in one call */
};

struct pt_ev_evtchn {
	__s32 evtchn;
	__s32 irq;
	__s32 pirq;
	__s32 domid;
};

struct pt_ev_msi {
	__u8 msix;		/* 1 MSI-X, 0 MSI */
	__u8 pad[3];
	__s32 nvec;		/* requested vectors (enable/setup) */
};

struct pt_ev_msix_ctrl {
	__u16 value;		/* new Message Control word */
	__u16 old;		/* previous value, if known */
	__u8 enable;		/* PCI_MSIX_FLAGS_ENABLE set */
	__u8 maskall;		/* PCI_MSIX_FLAGS_MASKALL set */
	__u8 view;		/* enum pt_view */
	__u8 pad;
	__s32 domid;		/* whose write (pciback: the guest) */
};

struct pt_ev_vector_mask {
	__s32 entry;		/* MSI-X table entry */
	__s32 irq;		/* Linux irq, if known */
	__s32 pirq;		/* pirq, if known */
	__u8 masked;
	__u8 view;		/* enum pt_view */
	__u8 pad[2];
	__s32 domid;		/* the pirq's domain (view xen), else PT_NONE */
};

/*
 * Hypercall arguments decoded in userspace from raw[] with Xen's public
 * headers.  Fields a sub-op does not carry stay PT_NONE.
 */
struct pt_hc_args {
	__s32 domid;		/* target domain */
	__s32 pirq;
	__s32 index;		/* map_pirq: GSI (type GSI) or MSI index */
	__s32 gsi;		/* setup_gsi, gsi_permission */
	__s32 map_type;		/* MAP_PIRQ_TYPE_* */
	__s32 entry_nr;		/* map_pirq MSI-X entry */
	__s32 machine_irq;	/* bind_pt_irq / unbind_pt_irq */
	__s32 irq_type;		/* PT_IRQ_TYPE_* */
	__s32 gvec;		/* bind_pt_irq MSI: guest vector */
	__s32 port;		/* event channel */
	__s32 allow;		/* irq/gsi_permission */
	__s32 flags;		/* reset type, bind_pirq flags, ... */
	__s32 trigger;		/* setup_gsi */
	__s32 polarity;		/* setup_gsi */
	__u32 sbdf;		/* device the sub-op names, PT_SBDF_NONE if none */
	__u32 iface;		/* domctl interface_version */
	__s32 ioservid;		/* dm_op: the device model's ioreq server */
	__s32 range;		/* dm_op io range: XEN_DMOP_IO_RANGE_* */
	__u32 vsbdf;		/* dm_op PCI range: the device as the guest sees it */
};

/*
 * A dm_op's raw[] starts with this (privcmd_dm_op's domain and buffer
 * count), then holds the first buffer: the struct xen_dm_op every device
 * model op starts with.
 */
struct pt_dm_op_head {
	__u16 dom;
	__u16 nbufs;
	__u32 pad;
};

struct pt_ev_hypercall {
	__u32 op;		/* __HYPERVISOR_* (physdev_op 33, domctl 36, ...) */
	__u32 cmd;		/* sub-op: PHYSDEVOP_*, XEN_DOMCTL_*, EVTCHNOP_* */
	__u32 raw_len;		/* bytes valid in raw[] */
	/*
	 * The sub-op's result, read from its struct at the return (flag
	 * PT_EVF_HC_OUT): the pirq Xen chose (map_pirq, get_free_pirq),
	 * the port of an event-channel bind or alloc_unbound.
	 */
	__s32 out;
	struct pt_hc_args args;	/* userspace only: decoded from raw[] */
	__u8 raw[PT_HC_RAW_MAX];	/* argument bytes at entry */
};

struct pt_ev_lost {
	__u64 count;		/* events dropped */
	__u32 lost_cpu;		/* CPU they were dropped on */
	__u32 pad;
	__u64 since_ns;		/* window start: no loss before this */
};

/*
 * A blind window: the probes in one module were dead (module unloaded,
 * then loaded again and the probes re-attached, or still dead when the
 * recording ended).  The kind names the module; its values are the
 * recorder's enum pt_module.  Or (schema 1.5) the Xen mask sampler could
 * not read Xen's view: from its last good pass to the failed one.
 */
enum pt_blind_kind {
	PT_BLIND_VMLINUX = 0,
	PT_BLIND_XEN_PCIBACK,
	PT_BLIND_XEN_PRIVCMD,
	PT_BLIND_XEN_VIEW,
	PT_BLIND_KIND_MAX,
};

struct pt_ev_blind {
	__u64 since_ns;		/* window start: the probes died */
	__u32 probes;		/* probe-table rows that were dead */
	__u32 pad;
};

struct pt_event {
	struct pt_event_hdr hdr;
	union {
		struct pt_ev_pciback pciback;
		struct pt_ev_gsi gsi;
		struct pt_ev_pirq pirq;
		struct pt_ev_evtchn evtchn;
		struct pt_ev_msi msi;
		struct pt_ev_msix_ctrl msix_ctrl;
		struct pt_ev_vector_mask vmask;
		struct pt_ev_hypercall hc;
		struct pt_ev_lost lost;
		struct pt_ev_blind blind;
	};
};

#endif /* PTRACE_EVENT_H */
