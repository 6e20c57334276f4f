// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Decoding of toolstack hypercall arguments captured from privcmd.
 *
 * The struct layouts and numbers come from Xen's public headers
 * (libxen-dev); the decoder copies the captured bytes into those structs
 * rather than hard-coding offsets.  Domctl layouts are keyed on the
 * interface version the caller put in the struct: the sub-ops decoded
 * here have kept their layout from 0x15 (Xen 4.17) to 0x18 (Xen 4.22),
 * and an unknown version is refused rather than guessed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "pt_xenhc.h"
#include "xen_public.h"

/* The domctl interface versions whose decoded sub-ops share one layout. */
static const unsigned int known_domctl_iface[] = { 0x15, 0x16, 0x17, 0x18 };

struct name_num {
	unsigned int num;
	const char *name;
};

#define NN(prefix, x) { prefix##x, #x }

static const struct name_num ops[] = {
	NN(__HYPERVISOR_, event_channel_op),
	NN(__HYPERVISOR_, physdev_op),
	NN(__HYPERVISOR_, hvm_op),
	NN(__HYPERVISOR_, sysctl),
	NN(__HYPERVISOR_, domctl),
	NN(__HYPERVISOR_, dm_op),
	NN(__HYPERVISOR_, memory_op),
	NN(__HYPERVISOR_, xen_version),
	NN(__HYPERVISOR_, grant_table_op),
};

static const struct name_num physdev_cmds[] = {
	NN(PHYSDEVOP_, irq_status_query),
	NN(PHYSDEVOP_, set_iopl),
	NN(PHYSDEVOP_, set_iobitmap),
	NN(PHYSDEVOP_, apic_read),
	NN(PHYSDEVOP_, apic_write),
	NN(PHYSDEVOP_, alloc_irq_vector),
	NN(PHYSDEVOP_, free_irq_vector),
	NN(PHYSDEVOP_, eoi),
	NN(PHYSDEVOP_, map_pirq),
	NN(PHYSDEVOP_, unmap_pirq),
	NN(PHYSDEVOP_, manage_pci_add),
	NN(PHYSDEVOP_, manage_pci_remove),
	NN(PHYSDEVOP_, pirq_eoi_gmfn_v1),
	NN(PHYSDEVOP_, restore_msi),
	NN(PHYSDEVOP_, manage_pci_add_ext),
	NN(PHYSDEVOP_, setup_gsi),
	NN(PHYSDEVOP_, get_free_pirq),
	NN(PHYSDEVOP_, pci_mmcfg_reserved),
	NN(PHYSDEVOP_, pci_device_add),
	NN(PHYSDEVOP_, pci_device_remove),
	NN(PHYSDEVOP_, restore_msi_ext),
	NN(PHYSDEVOP_, pirq_eoi_gmfn_v2),
	NN(PHYSDEVOP_, dbgp_op),
	NN(PHYSDEVOP_, prepare_msix),
	NN(PHYSDEVOP_, release_msix),
	NN(PHYSDEVOP_, pci_device_reset),
};

/*
 * Every sub-op domctl.h defines.  Numbers are never reused across
 * interface versions (retired ones stay commented out in domctl.h), so
 * one table names the sub-ops of 0x15 to 0x18; later additions come
 * from xen_public.h.
 */
static const struct name_num domctl_cmds[] = {
	NN(XEN_DOMCTL_, createdomain),
	NN(XEN_DOMCTL_, destroydomain),
	NN(XEN_DOMCTL_, pausedomain),
	NN(XEN_DOMCTL_, unpausedomain),
	NN(XEN_DOMCTL_, getdomaininfo),
	NN(XEN_DOMCTL_, setvcpuaffinity),
	NN(XEN_DOMCTL_, shadow_op),
	NN(XEN_DOMCTL_, max_mem),
	NN(XEN_DOMCTL_, setvcpucontext),
	NN(XEN_DOMCTL_, getvcpucontext),
	NN(XEN_DOMCTL_, getvcpuinfo),
	NN(XEN_DOMCTL_, max_vcpus),
	NN(XEN_DOMCTL_, scheduler_op),
	NN(XEN_DOMCTL_, setdomainhandle),
	NN(XEN_DOMCTL_, setdebugging),
	NN(XEN_DOMCTL_, irq_permission),
	NN(XEN_DOMCTL_, iomem_permission),
	NN(XEN_DOMCTL_, ioport_permission),
	NN(XEN_DOMCTL_, hypercall_init),
	NN(XEN_DOMCTL_, settimeoffset),
	NN(XEN_DOMCTL_, getvcpuaffinity),
	NN(XEN_DOMCTL_, real_mode_area),
	NN(XEN_DOMCTL_, resumedomain),
	NN(XEN_DOMCTL_, sendtrigger),
	NN(XEN_DOMCTL_, subscribe),
	NN(XEN_DOMCTL_, gethvmcontext),
	NN(XEN_DOMCTL_, sethvmcontext),
	NN(XEN_DOMCTL_, set_address_size),
	NN(XEN_DOMCTL_, get_address_size),
	NN(XEN_DOMCTL_, assign_device),
	NN(XEN_DOMCTL_, bind_pt_irq),
	NN(XEN_DOMCTL_, memory_mapping),
	NN(XEN_DOMCTL_, ioport_mapping),
	NN(XEN_DOMCTL_, set_ext_vcpucontext),
	NN(XEN_DOMCTL_, get_ext_vcpucontext),
	NN(XEN_DOMCTL_, set_opt_feature),
	NN(XEN_DOMCTL_, test_assign_device),
	NN(XEN_DOMCTL_, set_target),
	NN(XEN_DOMCTL_, deassign_device),
	NN(XEN_DOMCTL_, unbind_pt_irq),
	NN(XEN_DOMCTL_, get_device_group),
	NN(XEN_DOMCTL_, debug_op),
	NN(XEN_DOMCTL_, gethvmcontext_partial),
	NN(XEN_DOMCTL_, vm_event_op),
	NN(XEN_DOMCTL_, mem_sharing_op),
	NN(XEN_DOMCTL_, gettscinfo),
	NN(XEN_DOMCTL_, settscinfo),
	NN(XEN_DOMCTL_, getpageframeinfo3),
	NN(XEN_DOMCTL_, setvcpuextstate),
	NN(XEN_DOMCTL_, getvcpuextstate),
	NN(XEN_DOMCTL_, set_access_required),
	NN(XEN_DOMCTL_, audit_p2m),
	NN(XEN_DOMCTL_, set_virq_handler),
	NN(XEN_DOMCTL_, set_broken_page_p2m),
	NN(XEN_DOMCTL_, setnodeaffinity),
	NN(XEN_DOMCTL_, getnodeaffinity),
	NN(XEN_DOMCTL_, cacheflush),
	NN(XEN_DOMCTL_, get_vcpu_msrs),
	NN(XEN_DOMCTL_, set_vcpu_msrs),
	NN(XEN_DOMCTL_, setvnumainfo),
	NN(XEN_DOMCTL_, psr_cmt_op),
	NN(XEN_DOMCTL_, monitor_op),
	NN(XEN_DOMCTL_, psr_alloc),
	NN(XEN_DOMCTL_, soft_reset),
	NN(XEN_DOMCTL_, vuart_op),
	NN(XEN_DOMCTL_, get_cpu_policy),
	NN(XEN_DOMCTL_, set_cpu_policy),
	NN(XEN_DOMCTL_, vmtrace_op),
	NN(XEN_DOMCTL_, get_paging_mempool_size),
	NN(XEN_DOMCTL_, set_paging_mempool_size),
	NN(XEN_DOMCTL_, gdbsx_guestmemio),
	NN(XEN_DOMCTL_, gdbsx_pausevcpu),
	NN(XEN_DOMCTL_, gdbsx_unpausevcpu),
	NN(XEN_DOMCTL_, gdbsx_domstatus),
	NN(XEN_DOMCTL_, gsi_permission),
	/* after Xen 4.17's headers: numbers from later domctl.h */
	{ 87, "dt_overlay" },
	{ 89, "set_llc_colors" },
	{ 90, "get_domain_state" },
};

static const struct name_num evtchn_cmds[] = {
	NN(EVTCHNOP_, bind_interdomain),
	NN(EVTCHNOP_, bind_virq),
	NN(EVTCHNOP_, bind_pirq),
	NN(EVTCHNOP_, close),
	NN(EVTCHNOP_, send),
	NN(EVTCHNOP_, status),
	NN(EVTCHNOP_, alloc_unbound),
	NN(EVTCHNOP_, bind_ipi),
	NN(EVTCHNOP_, bind_vcpu),
	NN(EVTCHNOP_, unmask),
	NN(EVTCHNOP_, reset),
	NN(EVTCHNOP_, init_control),
	NN(EVTCHNOP_, expand_array),
	NN(EVTCHNOP_, set_priority),
};

/* The device model's ops (hvm/dm_op.h), through privcmd's DM_OP ioctl. */
static const struct name_num dm_cmds[] = {
	NN(XEN_DMOP_, create_ioreq_server),
	NN(XEN_DMOP_, get_ioreq_server_info),
	NN(XEN_DMOP_, map_io_range_to_ioreq_server),
	NN(XEN_DMOP_, unmap_io_range_from_ioreq_server),
	NN(XEN_DMOP_, set_ioreq_server_state),
	NN(XEN_DMOP_, destroy_ioreq_server),
	NN(XEN_DMOP_, track_dirty_vram),
	NN(XEN_DMOP_, set_pci_intx_level),
	NN(XEN_DMOP_, set_isa_irq_level),
	NN(XEN_DMOP_, set_pci_link_route),
	NN(XEN_DMOP_, modified_memory),
	NN(XEN_DMOP_, set_mem_type),
	NN(XEN_DMOP_, inject_event),
	NN(XEN_DMOP_, inject_msi),
	NN(XEN_DMOP_, map_mem_type_to_ioreq_server),
	NN(XEN_DMOP_, remote_shutdown),
	NN(XEN_DMOP_, relocate_memory),
	NN(XEN_DMOP_, pin_memory_cacheattr),
};

static const struct name_num io_ranges[] = {
	{ XEN_DMOP_IO_RANGE_PORT, "port" },
	{ XEN_DMOP_IO_RANGE_MEMORY, "memory" },
	{ XEN_DMOP_IO_RANGE_PCI, "pci" },
};

static const struct name_num map_types[] = {
	{ MAP_PIRQ_TYPE_MSI, "msi" },
	{ MAP_PIRQ_TYPE_GSI, "gsi" },
	{ MAP_PIRQ_TYPE_UNKNOWN, "unknown" },
	{ MAP_PIRQ_TYPE_MSI_SEG, "msi_seg" },
	{ MAP_PIRQ_TYPE_MULTI_MSI, "multi_msi" },
};

static const struct name_num irq_types[] = {
	{ PT_IRQ_TYPE_PCI, "pci" },
	{ PT_IRQ_TYPE_ISA, "isa" },
	{ PT_IRQ_TYPE_MSI, "msi" },
	{ PT_IRQ_TYPE_MSI_TRANSLATE, "msi_translate" },
	{ PT_IRQ_TYPE_SPI, "spi" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *find_name(const struct name_num *t, size_t n,
			     unsigned int num)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].num == num)
			return t[i].name;
	return NULL;
}

static int find_num(const struct name_num *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].num;
	return -1;
}

static const struct name_num *cmd_table(unsigned int op, size_t *n)
{
	switch (op) {
	case __HYPERVISOR_physdev_op:
		*n = ARRAY_SIZE(physdev_cmds);
		return physdev_cmds;
	case __HYPERVISOR_domctl:
		*n = ARRAY_SIZE(domctl_cmds);
		return domctl_cmds;
	case __HYPERVISOR_event_channel_op:
		*n = ARRAY_SIZE(evtchn_cmds);
		return evtchn_cmds;
	case __HYPERVISOR_dm_op:
		*n = ARRAY_SIZE(dm_cmds);
		return dm_cmds;
	}
	*n = 0;
	return NULL;
}

const char *pt_hc_op_name(unsigned int op)
{
	return find_name(ops, ARRAY_SIZE(ops), op);
}

int pt_hc_op_from_name(const char *name)
{
	return find_num(ops, ARRAY_SIZE(ops), name);
}

const char *pt_hc_cmd_name(unsigned int op, unsigned int cmd)
{
	size_t n;
	const struct name_num *t = cmd_table(op, &n);

	return t ? find_name(t, n, cmd) : NULL;
}

int pt_hc_cmd_from_name(unsigned int op, const char *name)
{
	size_t n;
	const struct name_num *t = cmd_table(op, &n);

	return t ? find_num(t, n, name) : -1;
}

const char *pt_map_type_name(int map_type)
{
	return find_name(map_types, ARRAY_SIZE(map_types), map_type);
}

int pt_map_type_from_name(const char *name)
{
	return find_num(map_types, ARRAY_SIZE(map_types), name);
}

const char *pt_irq_type_name(int irq_type)
{
	return find_name(irq_types, ARRAY_SIZE(irq_types), irq_type);
}

int pt_irq_type_from_name(const char *name)
{
	return find_num(irq_types, ARRAY_SIZE(irq_types), name);
}

void pt_hc_args_clear(struct pt_hc_args *a)
{
	a->domid = a->pirq = a->index = a->gsi = a->map_type = PT_NONE;
	a->entry_nr = a->machine_irq = a->irq_type = a->gvec = PT_NONE;
	a->port = a->allow = a->flags = a->trigger = a->polarity = PT_NONE;
	a->sbdf = PT_SBDF_NONE;
	a->iface = 0;
	a->ioservid = a->range = PT_NONE;
	a->vsbdf = PT_SBDF_NONE;
}

const char *pt_io_range_name(int range)
{
	return find_name(io_ranges, ARRAY_SIZE(io_ranges), range);
}

int pt_io_range_from_name(const char *name)
{
	return find_num(io_ranges, ARRAY_SIZE(io_ranges), name);
}

bool pt_map_type_is_msi(int map_type)
{
	return map_type == MAP_PIRQ_TYPE_MSI || map_type == MAP_PIRQ_TYPE_MSI_SEG ||
	       map_type == MAP_PIRQ_TYPE_MULTI_MSI;
}

bool pt_map_type_is_multi_msi(int map_type)
{
	return map_type == MAP_PIRQ_TYPE_MULTI_MSI;
}

bool pt_irq_type_is_msi(int irq_type)
{
	return irq_type == PT_IRQ_TYPE_MSI;
}

int pt_msi_gflags_format(unsigned int gflags, char *buf, size_t len)
{
	/* the x86 MSI data register's delivery modes (Intel SDM 10.11.2) */
	static const char *const delivery[8] = {
		"fixed", "lowest-priority", "smi", "reserved-3",
		"nmi", "init", "reserved-6", "extint",
	};
	unsigned int mode = (gflags & XEN_DOMCTL_VMSI_X86_DELIV_MASK) /
			    (XEN_DOMCTL_VMSI_X86_DELIV_MASK & -XEN_DOMCTL_VMSI_X86_DELIV_MASK);

	return snprintf(buf, len, "dest=%#x%s %s %s %s %s",
			gflags & XEN_DOMCTL_VMSI_X86_DEST_ID_MASK,
			gflags & XEN_DOMCTL_VMSI_X86_RH_MASK ? " rh" : "",
			gflags & XEN_DOMCTL_VMSI_X86_DM_MASK ? "logical" : "physical",
			delivery[mode & 7],
			gflags & XEN_DOMCTL_VMSI_X86_TRIG_MASK ? "level" : "edge",
			gflags & XEN_DOMCTL_VMSI_X86_UNMASKED ? "unmasked" : "masked");
}

/* Copy raw bytes into a Xen struct; refuse when fewer were captured. */
#define LOAD(hc, var) \
	((hc)->raw_len >= sizeof(var) ? (memcpy(&(var), (hc)->raw, sizeof(var)), 0) : -1)

static int decode_physdev(struct pt_ev_hypercall *hc, struct pt_hc_args *a)
{
	switch (hc->cmd) {
	case PHYSDEVOP_map_pirq: {
		struct physdev_map_pirq m;

		if (LOAD(hc, m))
			return -1;
		a->domid = m.domid;
		a->map_type = m.type;
		a->index = m.index;
		a->pirq = m.pirq;
		a->entry_nr = m.entry_nr;
		if (m.type == MAP_PIRQ_TYPE_GSI) {
			a->gsi = m.index;
		} else {
			unsigned int seg = 0;

			if (m.type == MAP_PIRQ_TYPE_MSI_SEG ||
			    m.type == MAP_PIRQ_TYPE_MULTI_MSI)
				seg = (unsigned int)m.bus >> 16;
			a->sbdf = PT_SBDF(seg, m.bus & 0xff, m.devfn);
		}
		return 0;
	}
	case PHYSDEVOP_unmap_pirq: {
		struct physdev_unmap_pirq u;

		if (LOAD(hc, u))
			return -1;
		a->domid = u.domid;
		a->pirq = u.pirq;
		return 0;
	}
	case PHYSDEVOP_setup_gsi: {
		struct physdev_setup_gsi g;

		if (LOAD(hc, g))
			return -1;
		a->gsi = g.gsi;
		a->trigger = g.triggering;
		a->polarity = g.polarity;
		return 0;
	}
	case PHYSDEVOP_prepare_msix:
	case PHYSDEVOP_release_msix: {
		struct physdev_pci_device d;

		if (LOAD(hc, d))
			return -1;
		a->sbdf = PT_SBDF(d.seg, d.bus, d.devfn);
		return 0;
	}
	case PHYSDEVOP_pci_device_reset: {
		/* Xen 4.20: struct pci_device_reset { physdev_pci_device dev; u32 flags; } */
		struct {
			struct physdev_pci_device dev;
			uint32_t flags;
		} r;

		if (LOAD(hc, r.dev))
			return -1;
		a->sbdf = PT_SBDF(r.dev.seg, r.dev.bus, r.dev.devfn);
		if (hc->raw_len >= sizeof(r)) {
			memcpy(&r, hc->raw, sizeof(r));
			a->flags = r.flags;
		}
		return 0;
	}
	}
	return 1;
}

static int decode_domctl(struct pt_ev_hypercall *hc, struct pt_hc_args *a)
{
	struct xen_domctl d;
	bool known = false;

	/* cmd, interface_version and domain come first in every version. */
	if (hc->raw_len < offsetof(struct xen_domctl, u))
		return -1;
	memset(&d, 0, sizeof(d));
	memcpy(&d, hc->raw, hc->raw_len < sizeof(d) ? hc->raw_len : sizeof(d));
	a->iface = d.interface_version;
	a->domid = d.domain;
	for (size_t i = 0; i < ARRAY_SIZE(known_domctl_iface); i++)
		known |= d.interface_version == known_domctl_iface[i];
	if (!known)
		return -1;

	switch (d.cmd) {
	case XEN_DOMCTL_irq_permission:
		a->pirq = d.u.irq_permission.pirq;
		a->allow = d.u.irq_permission.allow_access;
		return 0;
	case XEN_DOMCTL_gsi_permission: {
		struct xen_domctl_gsi_permission g;

		memcpy(&g, &d.u, sizeof(g));
		a->gsi = g.gsi;
		a->allow = g.flags & 1;
		return 0;
	}
	case XEN_DOMCTL_bind_pt_irq:
	case XEN_DOMCTL_unbind_pt_irq: {
		const struct xen_domctl_bind_pt_irq *b = &d.u.bind_pt_irq;

		a->machine_irq = b->machine_irq;
		a->irq_type = b->irq_type;
		if (b->irq_type == PT_IRQ_TYPE_MSI) {
			a->gvec = b->u.msi.gvec;
			a->flags = b->u.msi.gflags;
		} else if (b->irq_type == PT_IRQ_TYPE_PCI) {
			/* guest-side bus/device/intx: not a host SBDF */
			a->index = b->u.pci.intx;
		}
		return 0;
	}
	case XEN_DOMCTL_assign_device:
	case XEN_DOMCTL_test_assign_device:
	case XEN_DOMCTL_deassign_device:
		if (d.u.assign_device.dev == XEN_DOMCTL_DEV_PCI)
			a->sbdf = d.u.assign_device.u.pci.machine_sbdf;
		a->flags = d.u.assign_device.flags;
		return 0;
	case XEN_DOMCTL_destroydomain:
	case XEN_DOMCTL_createdomain:
	case XEN_DOMCTL_pausedomain:
	case XEN_DOMCTL_unpausedomain:
		return 0;
	}
	return 1;
}

int pt_hc_io_range(const struct pt_ev_hypercall *hc, uint64_t *first,
		   uint64_t *count, bool *allow)
{
	struct xen_domctl d;

	if (hc->op != __HYPERVISOR_domctl ||
	    hc->raw_len < offsetof(struct xen_domctl, u) + 24)
		return -1;
	memset(&d, 0, sizeof(d));
	memcpy(&d, hc->raw, hc->raw_len < sizeof(d) ? hc->raw_len : sizeof(d));
	switch (hc->cmd) {
	case XEN_DOMCTL_iomem_permission:
		*first = d.u.iomem_permission.first_mfn;
		*count = d.u.iomem_permission.nr_mfns;
		*allow = d.u.iomem_permission.allow_access;
		return 0;
	case XEN_DOMCTL_ioport_permission:
		*first = d.u.ioport_permission.first_port;
		*count = d.u.ioport_permission.nr_ports;
		*allow = d.u.ioport_permission.allow_access;
		return 0;
	}
	return -1;
}

static int decode_evtchn(struct pt_ev_hypercall *hc, struct pt_hc_args *a)
{
	switch (hc->cmd) {
	case EVTCHNOP_bind_pirq: {
		struct evtchn_bind_pirq b;

		if (LOAD(hc, b))
			return -1;
		a->pirq = b.pirq;
		a->flags = b.flags;
		a->port = b.port;
		return 0;
	}
	case EVTCHNOP_close: {
		struct evtchn_close c;

		if (LOAD(hc, c))
			return -1;
		a->port = c.port;
		return 0;
	}
	}
	return 1;
}

/*
 * A dm_op as the recorder captures it: privcmd_dm_op's domain and buffer
 * count (struct pt_dm_op_head), then the first buffer, which holds the
 * struct xen_dm_op every op starts with.
 */
static int decode_dm_op(struct pt_ev_hypercall *hc, struct pt_hc_args *a)
{
	struct pt_dm_op_head head;
	struct xen_dm_op op;
	size_t have;

	if (hc->raw_len < sizeof(head) + offsetof(struct xen_dm_op, u))
		return -1;
	memcpy(&head, hc->raw, sizeof(head));
	have = hc->raw_len - sizeof(head);
	memset(&op, 0, sizeof(op));
	memcpy(&op, hc->raw + sizeof(head), have < sizeof(op) ? have : sizeof(op));
	a->domid = head.dom;
	switch (op.op) {
	case XEN_DMOP_map_io_range_to_ioreq_server:
	case XEN_DMOP_unmap_io_range_from_ioreq_server: {
		const struct xen_dm_op_ioreq_server_range *r =
			&op.u.map_io_range_to_ioreq_server;

		if (have < offsetof(struct xen_dm_op, u) + sizeof(*r))
			return -1;
		a->ioservid = r->id;
		a->range = r->type;
		if (r->type == XEN_DMOP_IO_RANGE_PCI && r->start == r->end)
			a->vsbdf = (uint32_t)r->start;
		return 0;
	}
	case XEN_DMOP_create_ioreq_server:
		return 0;
	case XEN_DMOP_set_ioreq_server_state:
		a->ioservid = op.u.set_ioreq_server_state.id;
		a->allow = op.u.set_ioreq_server_state.enabled;
		return 0;
	case XEN_DMOP_destroy_ioreq_server:
		a->ioservid = op.u.destroy_ioreq_server.id;
		return 0;
	case XEN_DMOP_set_pci_link_route:
		a->index = op.u.set_pci_link_route.link;
		a->machine_irq = op.u.set_pci_link_route.isa_irq;
		return 0;
	}
	return 1;
}

int pt_hc_decode(struct pt_ev_hypercall *hc)
{
	struct pt_hc_args *a = &hc->args;

	pt_hc_args_clear(a);
	if (hc->raw_len > PT_HC_RAW_MAX)
		return -1;
	switch (hc->op) {
	case __HYPERVISOR_physdev_op:
		return decode_physdev(hc, a);
	case __HYPERVISOR_domctl: {
		int ret = decode_domctl(hc, a);

		if (ret == 0 || ret == 1) {
			/* the sub-op lives inside the struct for domctl */
			uint32_t cmd;

			memcpy(&cmd, hc->raw, sizeof(cmd));
			hc->cmd = cmd;
		}
		return ret;
	}
	case __HYPERVISOR_event_channel_op:
		return decode_evtchn(hc, a);
	case __HYPERVISOR_dm_op: {
		int ret = decode_dm_op(hc, a);

		if (ret == 0 || ret == 1) {
			/* the op lives inside the first buffer */
			uint32_t op;

			memcpy(&op, hc->raw + sizeof(struct pt_dm_op_head), sizeof(op));
			hc->cmd = op;
		}
		return ret;
	}
	}
	return 1;
}

/* Keep a field's raw value, or 0 for "not carried". */
static inline int32_t val(int32_t v)
{
	return v == PT_NONE ? 0 : v;
}

#define STORE(hc, var) \
	do { \
		memset((hc)->raw, 0, sizeof((hc)->raw)); \
		memcpy((hc)->raw, &(var), sizeof(var)); \
		(hc)->raw_len = sizeof(var); \
	} while (0)

int pt_hc_encode(struct pt_ev_hypercall *hc, unsigned int iface)
{
	const struct pt_hc_args *a = &hc->args;

	if (hc->op == __HYPERVISOR_physdev_op) {
		switch (hc->cmd) {
		case PHYSDEVOP_map_pirq: {
			struct physdev_map_pirq m = {
				.domid = val(a->domid), .type = val(a->map_type),
				.index = val(a->index), .pirq = val(a->pirq),
				.entry_nr = val(a->entry_nr),
			};

			if (a->sbdf != PT_SBDF_NONE) {
				m.bus = (a->sbdf >> 8) & 0xff;
				m.devfn = a->sbdf & 0xff;
				if (m.type == MAP_PIRQ_TYPE_MSI_SEG ||
				    m.type == MAP_PIRQ_TYPE_MULTI_MSI)
					m.bus |= (a->sbdf >> 16) << 16;
			}
			STORE(hc, m);
			return 0;
		}
		case PHYSDEVOP_unmap_pirq: {
			struct physdev_unmap_pirq u = {
				.domid = val(a->domid), .pirq = val(a->pirq),
			};

			STORE(hc, u);
			return 0;
		}
		case PHYSDEVOP_setup_gsi: {
			struct physdev_setup_gsi g = {
				.gsi = val(a->gsi), .triggering = val(a->trigger),
				.polarity = val(a->polarity),
			};

			STORE(hc, g);
			return 0;
		}
		case PHYSDEVOP_prepare_msix:
		case PHYSDEVOP_release_msix:
		case PHYSDEVOP_pci_device_reset: {
			struct {
				struct physdev_pci_device dev;
				uint32_t flags;
			} r = {
				.dev = { .seg = a->sbdf >> 16,
					 .bus = (a->sbdf >> 8) & 0xff,
					 .devfn = a->sbdf & 0xff },
				.flags = val(a->flags),
			};

			STORE(hc, r);
			if (hc->cmd != PHYSDEVOP_pci_device_reset)
				hc->raw_len = sizeof(r.dev);
			return 0;
		}
		}
		return 1;
	}
	if (hc->op == __HYPERVISOR_domctl) {
		struct xen_domctl d;

		memset(&d, 0, sizeof(d));
		d.cmd = hc->cmd;
		d.interface_version = iface;
		d.domain = val(a->domid);
		switch (hc->cmd) {
		case XEN_DOMCTL_irq_permission:
			d.u.irq_permission.pirq = val(a->pirq);
			d.u.irq_permission.allow_access = val(a->allow);
			break;
		case XEN_DOMCTL_gsi_permission: {
			struct xen_domctl_gsi_permission g = {
				.gsi = val(a->gsi), .flags = val(a->allow) & 1,
			};

			memcpy(&d.u, &g, sizeof(g));
			break;
		}
		case XEN_DOMCTL_bind_pt_irq:
		case XEN_DOMCTL_unbind_pt_irq:
			d.u.bind_pt_irq.machine_irq = val(a->machine_irq);
			d.u.bind_pt_irq.irq_type = val(a->irq_type);
			if (a->irq_type == PT_IRQ_TYPE_MSI) {
				d.u.bind_pt_irq.u.msi.gvec = val(a->gvec);
				d.u.bind_pt_irq.u.msi.gflags = val(a->flags);
			}
			break;
		case XEN_DOMCTL_assign_device:
		case XEN_DOMCTL_test_assign_device:
		case XEN_DOMCTL_deassign_device:
			d.u.assign_device.dev = XEN_DOMCTL_DEV_PCI;
			d.u.assign_device.u.pci.machine_sbdf = a->sbdf;
			break;
		}
		STORE(hc, d);
		return 0;
	}
	if (hc->op == __HYPERVISOR_event_channel_op) {
		if (hc->cmd == EVTCHNOP_bind_pirq) {
			struct evtchn_bind_pirq b = {
				.pirq = val(a->pirq), .flags = val(a->flags),
				.port = val(a->port),
			};

			STORE(hc, b);
			return 0;
		}
		if (hc->cmd == EVTCHNOP_close) {
			struct evtchn_close c = { .port = val(a->port) };

			STORE(hc, c);
			return 0;
		}
	}
	if (hc->op == __HYPERVISOR_dm_op) {
		struct {
			struct pt_dm_op_head head;
			struct xen_dm_op op;
		} d = {
			.head = { .dom = val(a->domid), .nbufs = 1 },
			.op = { .op = hc->cmd },
		};

		switch (hc->cmd) {
		case XEN_DMOP_map_io_range_to_ioreq_server:
		case XEN_DMOP_unmap_io_range_from_ioreq_server: {
			struct xen_dm_op_ioreq_server_range *r =
				&d.op.u.map_io_range_to_ioreq_server;

			r->id = val(a->ioservid);
			r->type = val(a->range);
			if (a->vsbdf != PT_SBDF_NONE)
				r->start = r->end = a->vsbdf;
			break;
		}
		case XEN_DMOP_set_ioreq_server_state:
			d.op.u.set_ioreq_server_state.id = val(a->ioservid);
			d.op.u.set_ioreq_server_state.enabled = val(a->allow);
			break;
		case XEN_DMOP_destroy_ioreq_server:
			d.op.u.destroy_ioreq_server.id = val(a->ioservid);
			break;
		case XEN_DMOP_create_ioreq_server:
			break;
		default:
			return 1;
		}
		STORE(hc, d);
		return 0;
	}
	return 1;
}

int pt_hc_mapped_pirq(const struct pt_event *ev)
{
	const struct pt_ev_hypercall *hc = &ev->hc;
	const struct pt_hc_args *a = &hc->args;

	if (ev->hdr.type != PT_EV_HYPERCALL ||
	    hc->op != __HYPERVISOR_physdev_op || hc->cmd != PHYSDEVOP_map_pirq)
		return -1;
	if (ev->hdr.flags & PT_EVF_HC_OUT)
		return hc->out;
	return a->pirq >= 0 ? a->pirq : -1;
}
