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

/* IOCTL_PRIVCMD_DM_OP: _IOC(_IOC_NONE, 'P', 5, sizeof(privcmd_dm_op)) */
#define PT_IOCTL_PRIVCMD_DM_OP		0x00105005u

/* Hypercall numbers the collector copies arguments for. */
#define PT_HC_EVENT_CHANNEL_OP	32
#define PT_HC_PHYSDEV_OP	33
#define PT_HC_DOMCTL		36
#define PT_HC_DM_OP		41

/*
 * The device model's ops recorded (hvm/dm_op.h XEN_DMOP_*): the ioreq
 * server's life and the ranges it claims (a PCI range is a guest's
 * device), and PCI link routes.  Not the per-interrupt and per-page ones
 * (set_*_irq_level, inject_*, modified_memory, track_dirty_vram...),
 * which an emulated device issues at its own rate.
 */
#define PT_DMOP_WANTED	((1u << 1) | (1u << 3) | (1u << 4) | (1u << 5) | \
			 (1u << 6) | (1u << 10))

/*
 * Where a sub-op's result lies in its argument struct (Xen's public
 * headers; tests/unit/test_xenhc.c checks them with offsetof): the pirq
 * Xen chose for map_pirq and get_free_pirq, the port of the bind and
 * alloc event-channel ops.  Read back at the return of the ioctl.
 */
#define PT_HC_OUT_MAP_PIRQ		12	/* physdev_map_pirq.pirq */
#define PT_HC_OUT_GET_FREE_PIRQ		4	/* physdev_get_free_pirq.pirq */
#define PT_HC_OUT_BIND_INTERDOMAIN	8	/* evtchn_bind_interdomain.local_port */
#define PT_HC_OUT_BIND_VIRQ		8	/* evtchn_bind_virq.port */
#define PT_HC_OUT_BIND_PIRQ		8	/* evtchn_bind_pirq.port */
#define PT_HC_OUT_ALLOC_UNBOUND		4	/* evtchn_alloc_unbound.port */
#define PT_HC_OUT_BIND_IPI		4	/* evtchn_bind_ipi.port */

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

/*
 * Every kernel function the collectors hook, once: X(fn, exit), exit 1
 * when the function has a return hook.  It gives the hook numbers
 * (PT_H_<fn>), which are the BPF cookies of the shared programs
 * (kp_cookie/kr_cookie, km_entry/km_exit, kp_module/kr_module) and
 * which the probe table (src/collect/probes.c) names its alternatives
 * by, so a row naming a function without programs does not compile.
 * Each hook's programs are fe_<fn>/fx_<fn> (fentry/fexit) and
 * kp_<fn>/kr_<fn> (kprobe/kretprobe) in bpf/collect.bpf.c.
 *
 * Module functions and vmlinux functions are listed apart: where
 * kprobe_multi links take the vmlinux functions (km_entry/km_exit), the
 * module functions keep one kprobe each (a kprobe_multi link would hold
 * their module), through kp_module/kr_module.  Each shared program then
 * carries, and the verifier walks, only the bodies it can reach.
 */
#define PT_HOOKS_MODULES(X)						\
	X(pcistub_probe, 1)						\
	X(pcistub_seize, 1)						\
	X(pcistub_init_device, 1)					\
	X(pcistub_get_pci_dev, 1)					\
	X(pcistub_get_pci_dev_by_slot, 1)				\
	X(pcistub_put_pci_dev, 0)					\
	X(pcistub_device_release, 0)					\
	X(pcistub_remove, 0)						\
	X(xen_pcibk_reset_device, 0)					\
	X(xen_pcibk_do_op, 1)						\
	X(pcistub_get_gsi_from_sbdf, 1)					\
	X(msi_msix_flags_write, 1)					\
	X(xen_pcibk_config_write, 1)					\
	X(xen_pcibk_config_read, 0)					\
	X(privcmd_ioctl, 1)

#define PT_HOOKS_VMLINUX(X)						\
	X(pci_write_config_word, 0)					\
	X(__pci_reset_function_locked, 1)				\
	X(pci_reset_function, 1)					\
	X(pci_reset_function_locked, 1)					\
	X(pcie_flr, 1)							\
	X(pci_af_flr, 1)						\
	X(pci_pm_reset, 1)						\
	X(pci_reset_bus, 1)						\
	X(xen_reset_device, 1)						\
	X(acpi_register_gsi, 1)						\
	X(acpi_register_gsi_xen, 1)					\
	X(xen_register_pirq, 1)						\
	X(xen_pvh_setup_gsi, 1)						\
	X(xen_bind_pirq_gsi_to_irq, 1)					\
	X(xen_bind_pirq_msi_to_irq, 1)					\
	X(xen_allocate_pirq_msi, 1)					\
	X(xen_destroy_irq, 1)						\
	X(xen_initdom_setup_msi_irqs, 1)				\
	X(xen_pv_teardown_msi_irqs, 0)					\
	X(__pci_enable_msix_range, 1)					\
	X(pci_disable_msix, 0)						\
	X(pci_disable_msi, 0)						\
	X(startup_pirq, 1)						\
	X(__startup_pirq, 1)						\
	X(shutdown_pirq, 0)						\
	X(enable_pirq, 0)						\
	X(disable_pirq, 0)						\
	X(mask_ack_pirq, 0)						\
	X(__unbind_from_irq, 0)						\
	X(pci_msi_mask_irq, 0)						\
	X(pci_msi_unmask_irq, 0)					\
	X(pci_msi_update_mask, 0)					\
	X(notify_remote_via_irq, 0)					\
	X(pci_enable_msi, 1)

#define PT_HOOKS(X)	PT_HOOKS_MODULES(X) PT_HOOKS_VMLINUX(X)

#define PT_HOOK_ENUM(fn, exit)	PT_H_##fn,
enum pt_hook {
	PT_H_NONE = 0,
	PT_HOOKS(PT_HOOK_ENUM)
	PT_H_COUNT,
};
#undef PT_HOOK_ENUM

#endif /* PT_COLLECT_H */
