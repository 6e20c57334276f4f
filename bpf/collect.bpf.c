// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The collectors: one program per kernel function and attach kind.
 *
 * Every hook exists twice, as kprobe/kretprobe (kp_/kr_) and as
 * fentry/fexit (fe_/fx_), with one shared body.  All of them are
 * autoload-off ("?" sections): the recorder (src/collect/probes.c) turns on,
 * per row of the probe table, the one variant that this kernel can load
 * and attach, and leaves the rest off.  That way a kernel without Xen,
 * without a module, or without fentry still loads this object.
 *
 * The layouts come from Debian's 6.1 Xen dom0 kernel (vmlinux/x86); CO-RE
 * relocates them against the running kernel.  Signature differences
 * between 6.1 and 6.12 are told apart in userspace from the running
 * kernel's BTF and handed in through the pt_* switches in .rodata.
 */
#include "vmlinux.h"
#include "xen_modules.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ptrace_event.h"
#include "collect.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PCI_MSIX_FLAGS		2
#define PCI_MSIX_FLAGS_MASKALL	0x4000
#define PCI_MSIX_FLAGS_ENABLE	0x8000
#define PCI_CAP_ID_MSIX		0x11
#define XEN_PCI_OP_enable_msi	2	/* xen/interface/io/pciif.h */
#define IRQT_PIRQ		1	/* events_base.c enum xen_irq_type */

/* Set by the recorder from the running kernel's BTF before load. */
const volatile __u8 pt_init_device_psdev = 0;	/* pcistub_init_device(pcistub_device *) (6.12) */
const volatile __u8 pt_startup_pirq_info = 0;	/* __startup_pirq(struct irq_info *) (6.12) */
const volatile __u8 pt_unbind_info = 1;		/* __unbind_from_irq(struct irq_info *, irq) */

#include "xen_irq_info.bpf.h"

/* Architectures with CONFIG_PCI_DOMAINS_GENERIC keep the segment here. */
struct pci_bus___dom {
	int domain_nr;
} __attribute__((preserve_access_index));

/* Before 6.0 the MSI-X entry was msi_attrib.entry_nr. */
struct msi_desc___old {
	struct {
		unsigned short entry_nr;
	} msi_attrib;
} __attribute__((preserve_access_index));

#include "ringbuf.bpf.h"

struct stash_key {
	__u64 pid_tgid;
	__u32 probe;
	__u32 pad;
};

struct stash_val {
	struct pt_event ev;
	__u64 aux;		/* a kernel pointer the exit needs */
};

/* Entry arguments waiting for their function's return. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct stash_key);
	__type(value, struct stash_val);
} stash SEC(".maps");

/* Too big for the BPF stack: entries are built here, then copied. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stash_val);
} scratch SEC(".maps");

/* Guest a pciback worker is serving (set across xen_pcibk_do_op). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __s32);
} pcibk_dom SEC(".maps");

/* MSI (0) or MSI-X (1) last set up per device, for the teardown. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} msi_kind SEC(".maps");

/* Stash keys: one per function that has an exit hook. */
enum {
	P_PCISTUB_PROBE = 1, P_PCISTUB_SEIZE, P_PCISTUB_INIT, P_PCISTUB_GET,
	P_PCISTUB_GSI, P_MSIX_FLAGS_WRITE, P_PCIBK_CONFIG_WRITE,
	P_RESET_LOCKED, P_RESET_FN, P_RESET_FN_LOCKED, P_FLR, P_AF_FLR,
	P_PM_RESET, P_RESET_BUS, P_XEN_RESET,
	P_ACPI_GSI, P_ACPI_GSI_XEN, P_XEN_REG_PIRQ, P_PVH_GSI,
	P_BIND_GSI, P_BIND_MSI, P_ALLOC_MSI, P_DESTROY,
	P_SETUP_MSI, P_ENABLE_MSIX,
	P_STARTUP, P___STARTUP, P_PRIVCMD,
};

struct pt_args {
	__u64 a[6];
};

static __always_inline void hdr_init(struct pt_event *e, __u16 type, __u16 kind)
{
	__u64 id = bpf_get_current_pid_tgid();

	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.cpu = bpf_get_smp_processor_id();
	e->hdr.pid = id >> 32;
	bpf_get_current_comm(e->hdr.comm, sizeof(e->hdr.comm));
	e->hdr.sbdf = PT_SBDF_NONE;
	e->hdr.ret = 0;
	e->hdr.type = type;
	e->hdr.kind = kind;
	e->hdr.flags = 0;
	__builtin_memset(&e->hc, 0, sizeof(e->hc));
}

static __always_inline struct pt_event *ev_new(__u16 type, __u16 kind)
{
	struct pt_event *e = ev_reserve();

	if (!e)
		return NULL;
	hdr_init(e, type, kind);
	return e;
}

static __always_inline void ev_send(struct pt_event *e)
{
	bpf_ringbuf_submit(e, 0);
}

/* Start an entry/exit pair: the returned event lives in the stash map. */
static __always_inline struct stash_val *stash_new(__u32 probe, __u16 type,
						   __u16 kind)
{
	struct stash_key k = { .pid_tgid = bpf_get_current_pid_tgid(),
			       .probe = probe };
	struct stash_val *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return NULL;
	hdr_init(&s->ev, type, kind);
	s->aux = 0;
	if (bpf_map_update_elem(&stash, &k, s, BPF_ANY)) {
		count_lost();
		return NULL;
	}
	return bpf_map_lookup_elem(&stash, &k);
}

static __always_inline struct stash_val *stash_get(__u32 probe)
{
	struct stash_key k = { .pid_tgid = bpf_get_current_pid_tgid(),
			       .probe = probe };

	return bpf_map_lookup_elem(&stash, &k);
}

static __always_inline void stash_drop(__u32 probe)
{
	struct stash_key k = { .pid_tgid = bpf_get_current_pid_tgid(),
			       .probe = probe };

	bpf_map_delete_elem(&stash, &k);
}

/*
 * Finish a pair: copy the stashed entry into the ring buffer with the
 * return value.  The caller may still fill fields, then ev_send().
 */
static __always_inline struct pt_event *stash_take(__u32 probe, long ret)
{
	struct stash_val *s = stash_get(probe);
	struct pt_event *e;

	if (!s)
		return NULL;	/* entry not seen (attached mid-call) */
	e = ev_reserve();
	if (!e) {
		stash_drop(probe);
		return NULL;
	}
	bpf_probe_read_kernel(e, sizeof(*e), &s->ev);
	stash_drop(probe);
	e->hdr.ret = ret;
	e->hdr.flags |= PT_EVF_HAS_RET;
	return e;
}

static __always_inline __u32 dev_sbdf(struct pci_dev *dev)
{
	struct pci_bus *bus;
	__u32 seg = 0;

	if (!dev)
		return PT_SBDF_NONE;
	bus = BPF_CORE_READ(dev, bus);
	if (!bus)
		return PT_SBDF_NONE;
	if (bpf_core_field_exists(((struct pci_bus___dom *)0)->domain_nr)) {
		seg = BPF_CORE_READ((struct pci_bus___dom *)bus, domain_nr);
	} else {
		/* x86: the segment is in the host bridge's pci_sysdata */
		struct pci_sysdata *sd = BPF_CORE_READ(bus, sysdata);

		if (sd)
			seg = BPF_CORE_READ(sd, domain);
	}
	return PT_SBDF(seg, BPF_CORE_READ(bus, number),
		       BPF_CORE_READ(dev, devfn));
}

static __always_inline struct pci_dev *to_pci_dev(struct device *d)
{
	return (void *)d - bpf_core_field_offset(struct pci_dev, dev);
}

/* A struct device that is a PCI function (its bus is named "pci"). */
static __always_inline __u32 device_sbdf(struct device *d)
{
	char name[4] = {};
	const char *bn;

	if (!d)
		return PT_SBDF_NONE;
	bn = BPF_CORE_READ(d, bus, name);
	if (!bn || bpf_probe_read_kernel_str(name, sizeof(name), bn) != 4 ||
	    name[0] != 'p' || name[1] != 'c' || name[2] != 'i')
		return PT_SBDF_NONE;
	return dev_sbdf(to_pci_dev(d));
}

static __always_inline __s32 msi_entry(struct msi_desc *desc)
{
	if (!desc)
		return PT_NONE;
	if (bpf_core_field_exists(desc->msi_index))
		return BPF_CORE_READ(desc, msi_index);
	if (bpf_core_field_exists(((struct msi_desc___old *)0)->msi_attrib))
		return BPF_CORE_READ((struct msi_desc___old *)desc,
				     msi_attrib.entry_nr);
	return PT_NONE;
}

/*
 * events_base.c keeps its irq_info in irq_data->chip_data for every
 * non-legacy irq; the irq back-pointer tells us the pointer is one.
 */
static __always_inline struct irq_info___xen *xen_info(struct irq_data *d)
{
	struct irq_info___xen *info;

	if (!pt_xen_irq_info_exists())
		return NULL;
	info = BPF_CORE_READ(d, chip_data);
	if (!info || BPF_CORE_READ(info, irq) != BPF_CORE_READ(d, irq))
		return NULL;
	return info;
}

static __always_inline void fill_evtchn(struct pt_event *e,
					struct irq_info___xen *info,
					__s32 irq)
{
	e->evtchn.irq = irq;
	e->evtchn.evtchn = PT_NONE;
	e->evtchn.pirq = PT_NONE;
	e->evtchn.domid = PT_NONE;
	if (!info || !pt_xen_irq_info_exists())
		return;
	e->evtchn.evtchn = BPF_CORE_READ(info, evtchn);
	e->evtchn.pirq = BPF_CORE_READ(info, u.pirq.pirq);
	e->evtchn.domid = BPF_CORE_READ(info, u.pirq.domid);
}

/* The MSI descriptor and device behind an irq_data (msi_desc may be NULL). */
static __always_inline struct msi_desc *irqd_msi(struct irq_data *d)
{
	return BPF_CORE_READ(d, common, msi_desc);
}

static __always_inline __u32 msi_sbdf(struct msi_desc *desc)
{
	if (!desc)
		return PT_SBDF_NONE;
	return device_sbdf(BPF_CORE_READ(desc, dev));
}

/* ---------------------------------------------------------------- glue */

#define KP_ARGS(ctx, a) do {						\
	(a).a[0] = PT_REGS_PARM1(ctx); (a).a[1] = PT_REGS_PARM2(ctx);	\
	(a).a[2] = PT_REGS_PARM3(ctx); (a).a[3] = PT_REGS_PARM4(ctx);	\
	(a).a[4] = PT_REGS_PARM5(ctx); (a).a[5] = (ctx)->r9;		\
} while (0)

/* fentry: only the function's own arguments may be read from ctx. */
#define FE_ARGS(ctx, a, n) do {						\
	if ((n) > 0) (a).a[0] = (ctx)[0];				\
	if ((n) > 1) (a).a[1] = (ctx)[1];				\
	if ((n) > 2) (a).a[2] = (ctx)[2];				\
	if ((n) > 3) (a).a[3] = (ctx)[3];				\
	if ((n) > 4) (a).a[4] = (ctx)[4];				\
	if ((n) > 5) (a).a[5] = (ctx)[5];				\
} while (0)

/* Entry hook: kp_<fn> and fe_<fn> call h_<fn>(struct pt_args *). */
#define PT_ENTRY(fn, nargs)						\
SEC("?kprobe/" #fn)							\
int kp_##fn(struct pt_regs *ctx)					\
{									\
	struct pt_args a = {};						\
	KP_ARGS(ctx, a);						\
	return h_##fn(&a);						\
}									\
SEC("?fentry/" #fn)							\
int fe_##fn(unsigned long long *ctx)					\
{									\
	struct pt_args a = {};						\
	FE_ARGS(ctx, a, nargs);						\
	return h_##fn(&a);						\
}

/* Exit hook with a return value: kr_<fn> and fx_<fn> call x_<fn>(ret). */
#define PT_EXIT(fn)							\
SEC("?kretprobe/" #fn)							\
int kr_##fn(struct pt_regs *ctx)					\
{									\
	return x_##fn((long)PT_REGS_RC(ctx));				\
}									\
SEC("?fexit/" #fn)							\
int fx_##fn(unsigned long long *ctx)					\
{									\
	__u64 ret = 0;							\
	bpf_get_func_ret(ctx, &ret);					\
	return x_##fn((long)ret);					\
}

/* Exit hook of a void function. */
#define PT_EXIT_VOID(fn)						\
SEC("?kretprobe/" #fn)							\
int kr_##fn(struct pt_regs *ctx)					\
{									\
	return x_##fn(0);						\
}									\
SEC("?fexit/" #fn)							\
int fx_##fn(unsigned long long *ctx)					\
{									\
	return x_##fn(0);						\
}

/* Generic finishing of a pair whose event needs nothing from the return. */
static __always_inline int pair_done(__u32 probe, long ret)
{
	struct pt_event *e = stash_take(probe, ret);

	if (e)
		ev_send(e);
	return 0;
}

/* ------------------------------------------------------- xen-pciback */

static __always_inline int pciback_pair(__u32 probe, __u16 kind,
					struct pci_dev *dev)
{
	struct stash_val *s = stash_new(probe, PT_EV_PCIBACK, kind);

	if (!s)
		return 0;
	s->ev.hdr.sbdf = dev_sbdf(dev);
	s->ev.pciback.domid = PT_NONE;
	return 0;
}

static __always_inline int pciback_now(__u16 kind, struct pci_dev *dev,
				       __s32 domid)
{
	struct pt_event *e = ev_new(PT_EV_PCIBACK, kind);

	if (!e)
		return 0;
	e->hdr.sbdf = dev_sbdf(dev);
	e->pciback.domid = domid;
	ev_send(e);
	return 0;
}

static __always_inline int h_pcistub_probe(struct pt_args *a)
{
	return pciback_pair(P_PCISTUB_PROBE, PT_PCIBACK_PROBE,
			    (struct pci_dev *)a->a[0]);
}
static __always_inline int x_pcistub_probe(long ret)
{
	return pair_done(P_PCISTUB_PROBE, ret);
}
PT_ENTRY(pcistub_probe, 2)
PT_EXIT(pcistub_probe)

static __always_inline int h_pcistub_seize(struct pt_args *a)
{
	return pciback_pair(P_PCISTUB_SEIZE, PT_PCIBACK_SEIZE,
			    (struct pci_dev *)a->a[0]);
}
static __always_inline int x_pcistub_seize(long ret)
{
	return pair_done(P_PCISTUB_SEIZE, ret);
}
PT_ENTRY(pcistub_seize, 2)
PT_EXIT(pcistub_seize)

static __always_inline int h_pcistub_init_device(struct pt_args *a)
{
	struct pci_dev *dev = (struct pci_dev *)a->a[0];
	struct pcistub_device *psdev = (struct pcistub_device *)a->a[0];

	/*
	 * 6.12 passes the pcistub_device instead of the pci_dev.  (The
	 * pointer is taken outside BPF_CORE_READ: inside it, a->a[0] would
	 * become a relocation against our own struct pt_args.)
	 */
	if (pt_init_device_psdev && psdev &&
	    bpf_core_type_exists(struct pcistub_device))
		dev = BPF_CORE_READ(psdev, dev);
	return pciback_pair(P_PCISTUB_INIT, PT_PCIBACK_INIT, dev);
}
static __always_inline int x_pcistub_init_device(long ret)
{
	return pair_done(P_PCISTUB_INIT, ret);
}
PT_ENTRY(pcistub_init_device, 1)
PT_EXIT(pcistub_init_device)

static __always_inline __s32 pcibk_domid(struct xen_pcibk_device *pdev)
{
	struct xenbus_device *xdev;

	if (!pdev || !bpf_core_type_exists(struct xen_pcibk_device))
		return PT_NONE;
	xdev = BPF_CORE_READ(pdev, xdev);
	if (!xdev)
		return PT_NONE;
	return BPF_CORE_READ(xdev, otherend_id);
}

/* pcistub_get_pci_dev(pdev, dev): the device is handed to a guest. */
static __always_inline int h_pcistub_get_pci_dev(struct pt_args *a)
{
	struct stash_val *s = stash_new(P_PCISTUB_GET, PT_EV_PCIBACK,
					PT_PCIBACK_GET);

	if (!s)
		return 0;
	s->ev.hdr.sbdf = dev_sbdf((struct pci_dev *)a->a[1]);
	s->ev.pciback.domid = pcibk_domid((struct xen_pcibk_device *)a->a[0]);
	return 0;
}
static __always_inline int x_pcistub_get_pci_dev(long ret)
{
	/* returns the pci_dev or NULL: report 0 or -ENODEV */
	return pair_done(P_PCISTUB_GET, ret ? 0 : -19);
}
PT_ENTRY(pcistub_get_pci_dev, 2)
PT_EXIT(pcistub_get_pci_dev)

/*
 * pcistub_get_pci_dev_by_slot(pdev, domain, bus, slot, func): the one the
 * backend uses when it exports a device to the guest's frontend.
 */
static __always_inline int h_pcistub_get_pci_dev_by_slot(struct pt_args *a)
{
	struct stash_val *s = stash_new(P_PCISTUB_GET, PT_EV_PCIBACK,
					PT_PCIBACK_GET);

	if (!s)
		return 0;
	s->ev.hdr.sbdf = PT_SBDF(a->a[1], a->a[2],
				 ((a->a[3] & 0x1f) << 3) | (a->a[4] & 0x7));
	s->ev.pciback.domid = pcibk_domid((struct xen_pcibk_device *)a->a[0]);
	return 0;
}
static __always_inline int x_pcistub_get_pci_dev_by_slot(long ret)
{
	return pair_done(P_PCISTUB_GET, ret ? 0 : -19);
}
PT_ENTRY(pcistub_get_pci_dev_by_slot, 5)
PT_EXIT(pcistub_get_pci_dev_by_slot)

static __always_inline int h_pcistub_put_pci_dev(struct pt_args *a)
{
	return pciback_now(PT_PCIBACK_PUT, (struct pci_dev *)a->a[0], PT_NONE);
}
PT_ENTRY(pcistub_put_pci_dev, 1)

static __always_inline int h_pcistub_device_release(struct pt_args *a)
{
	struct pcistub_device *psdev;

	/* module types are only relocatable where xen-pciback has BTF */
	if (!bpf_core_type_exists(struct pcistub_device))
		return 0;
	psdev = (void *)a->a[0] - bpf_core_field_offset(struct pcistub_device, kref);
	return pciback_now(PT_PCIBACK_RELEASE, BPF_CORE_READ(psdev, dev),
			   PT_NONE);
}
PT_ENTRY(pcistub_device_release, 1)

static __always_inline int h_pcistub_remove(struct pt_args *a)
{
	return pciback_now(PT_PCIBACK_REMOVE, (struct pci_dev *)a->a[0],
			   PT_NONE);
}
PT_ENTRY(pcistub_remove, 1)

static __always_inline int h_xen_pcibk_reset_device(struct pt_args *a)
{
	return pciback_now(PT_PCIBACK_RESET, (struct pci_dev *)a->a[0],
			   PT_NONE);
}
PT_ENTRY(xen_pcibk_reset_device, 1)

/*
 * A frontend request.  The op is read from the shared page as the worker
 * will; the guest's domid is kept for the config writes the op causes.
 */
static __always_inline int h_xen_pcibk_do_op(struct pt_args *a)
{
	struct xen_pcibk_device *pdev;
	struct xen_pci_sharedinfo *sh;
	__u64 id = bpf_get_current_pid_tgid();
	struct pt_event *e;
	__s32 domid;

	if (!bpf_core_type_exists(struct xen_pcibk_device))
		return 0;
	pdev = (void *)a->a[0] - bpf_core_field_offset(struct xen_pcibk_device,
						       op_work);
	domid = pcibk_domid(pdev);
	bpf_map_update_elem(&pcibk_dom, &id, &domid, BPF_ANY);

	/*
	 * Config reads and writes are most of the traffic and show up
	 * through their effects; only the interrupt requests (enable or
	 * disable MSI/MSI-X, AER) are worth an event.  The op names the
	 * device in the guest's virtual topology, not the host's, so the
	 * event carries no sbdf.
	 */
	sh = BPF_CORE_READ(pdev, sh_info);
	if (!sh || BPF_CORE_READ(sh, op.cmd) < XEN_PCI_OP_enable_msi)
		return 0;
	e = ev_new(PT_EV_PCIBACK, PT_PCIBACK_OP);
	if (!e)
		return 0;
	e->pciback.domid = domid;
	ev_send(e);
	return 0;
}
static __always_inline int x_xen_pcibk_do_op(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&pcibk_dom, &id);
	return 0;
}
PT_ENTRY(xen_pcibk_do_op, 1)
PT_EXIT_VOID(xen_pcibk_do_op)

/* 6.12 PVH dom0: pcistub_get_gsi_from_sbdf(unsigned int sbdf) */
static __always_inline int h_pcistub_get_gsi_from_sbdf(struct pt_args *a)
{
	struct stash_val *s = stash_new(P_PCISTUB_GSI, PT_EV_PCIBACK,
					PT_PCIBACK_GET_GSI);

	if (!s)
		return 0;
	s->ev.hdr.sbdf = (__u32)a->a[0];
	s->ev.pciback.domid = PT_NONE;
	return 0;
}
static __always_inline int x_pcistub_get_gsi_from_sbdf(long ret)
{
	return pair_done(P_PCISTUB_GSI, ret);
}
PT_ENTRY(pcistub_get_gsi_from_sbdf, 1)
PT_EXIT(pcistub_get_gsi_from_sbdf)

/* ------------------------------------------- MSI-X control word writes */

static __always_inline __s32 worker_domid(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	__s32 *d = bpf_map_lookup_elem(&pcibk_dom, &id);

	return d ? *d : PT_NONE;
}

static __always_inline void fill_ctrl(struct pt_event *e, __u16 value,
				      __u8 view, __s32 domid)
{
	e->msix_ctrl.value = value;
	e->msix_ctrl.old = 0;
	e->msix_ctrl.enable = !!(value & PCI_MSIX_FLAGS_ENABLE);
	e->msix_ctrl.maskall = !!(value & PCI_MSIX_FLAGS_MASKALL);
	e->msix_ctrl.view = view;
	e->msix_ctrl.domid = domid;
}

/*
 * pciback's handler for a guest's write to the MSI or MSI-X flags word:
 * msi_msix_flags_write(dev, offset, new_value, data).  Only the MSI-X
 * one is reported; the return says whether pciback let it through.
 */
static __always_inline int h_msi_msix_flags_write(struct pt_args *a)
{
	struct pci_dev *dev = (struct pci_dev *)a->a[0];
	struct stash_val *s;
	__u8 cap;

	cap = BPF_CORE_READ(dev, msix_cap);
	if (!cap || (int)a->a[1] != cap + PCI_MSIX_FLAGS)
		return 0;
	s = stash_new(P_MSIX_FLAGS_WRITE, PT_EV_MSIX_CTRL, 0);
	if (!s)
		return 0;
	s->ev.hdr.sbdf = dev_sbdf(dev);
	fill_ctrl(&s->ev, (__u16)a->a[2], PT_VIEW_PCIBACK, worker_domid());
	return 0;
}
static __always_inline int x_msi_msix_flags_write(long ret)
{
	return pair_done(P_MSIX_FLAGS_WRITE, ret);
}
PT_ENTRY(msi_msix_flags_write, 4)
PT_EXIT(msi_msix_flags_write)

/*
 * Fallback when the flags handler is not traceable: every emulated
 * config write, xen_pcibk_config_write(dev, offset, size, value),
 * filtered to the ones that cover the MSI-X flags word.
 */
static __always_inline int h_xen_pcibk_config_write(struct pt_args *a)
{
	struct pci_dev *dev = (struct pci_dev *)a->a[0];
	int off = a->a[1], size = a->a[2];
	__u32 value = a->a[3];
	struct stash_val *s;
	int at;
	__u8 cap;

	cap = BPF_CORE_READ(dev, msix_cap);
	if (!cap)
		return 0;
	at = cap + PCI_MSIX_FLAGS;
	if (off > at || off + size < at + 2 || size > 4)
		return 0;
	s = stash_new(P_PCIBK_CONFIG_WRITE, PT_EV_MSIX_CTRL, 0);
	if (!s)
		return 0;
	s->ev.hdr.sbdf = dev_sbdf(dev);
	fill_ctrl(&s->ev, (__u16)(value >> (((at - off) & 3) * 8)),
		  PT_VIEW_PCIBACK, worker_domid());
	return 0;
}
static __always_inline int x_xen_pcibk_config_write(long ret)
{
	return pair_done(P_PCIBK_CONFIG_WRITE, ret);
}
PT_ENTRY(xen_pcibk_config_write, 4)
PT_EXIT(xen_pcibk_config_write)

/*
 * dom0 Linux's own writes of the MSI-X flags word (enable, function
 * mask), which in a PV dom0 are the only MSI-X state Linux touches.
 */
static __always_inline int h_pci_write_config_word(struct pt_args *a)
{
	struct pci_dev *dev = (struct pci_dev *)a->a[0];
	struct pt_event *e;
	__u8 cap;

	if (!dev)
		return 0;
	cap = BPF_CORE_READ(dev, msix_cap);
	if (!cap || (int)a->a[1] != cap + PCI_MSIX_FLAGS)
		return 0;
	e = ev_new(PT_EV_MSIX_CTRL, 0);
	if (!e)
		return 0;
	e->hdr.sbdf = dev_sbdf(dev);
	fill_ctrl(e, (__u16)a->a[2], PT_VIEW_LINUX, PT_NONE);
	ev_send(e);
	return 0;
}
PT_ENTRY(pci_write_config_word, 3)

/* ------------------------------------------------------------ resets */

static __always_inline int reset_pair(__u32 probe, __u16 method,
				      struct pci_dev *dev)
{
	struct stash_val *s = stash_new(probe, PT_EV_PCI_RESET, method);

	if (s)
		s->ev.hdr.sbdf = dev_sbdf(dev);
	return 0;
}

#define RESET_HOOK(fn, nargs, probe, method, skip)			\
static __always_inline int h_##fn(struct pt_args *a)			\
{									\
	if (skip)							\
		return 0;						\
	return reset_pair(probe, method, (struct pci_dev *)a->a[0]);	\
}									\
static __always_inline int x_##fn(long ret)				\
{									\
	return pair_done(probe, ret);					\
}									\
PT_ENTRY(fn, nargs)							\
PT_EXIT(fn)

RESET_HOOK(__pci_reset_function_locked, 1, P_RESET_LOCKED,
	   PT_RESET_FUNCTION_LOCKED, 0)
RESET_HOOK(pci_reset_function, 1, P_RESET_FN, PT_RESET_FUNCTION, 0)
RESET_HOOK(pci_reset_function_locked, 1, P_RESET_FN_LOCKED,
	   PT_RESET_FUNCTION, 0)
RESET_HOOK(pcie_flr, 1, P_FLR, PT_RESET_FLR, 0)
/* (dev, bool probe): a probe call only asks whether the method exists */
RESET_HOOK(pci_af_flr, 2, P_AF_FLR, PT_RESET_AF_FLR, (__u8)a->a[1])
RESET_HOOK(pci_pm_reset, 2, P_PM_RESET, PT_RESET_PM, (__u8)a->a[1])
RESET_HOOK(pci_reset_bus, 1, P_RESET_BUS, PT_RESET_BUS, 0)
/* 6.12: xen_reset_device(const struct pci_dev *) tells Xen (vPCI) */
RESET_HOOK(xen_reset_device, 1, P_XEN_RESET, PT_RESET_XEN_NOTIFY, 0)

/* --------------------------------------------------------------- GSI */

static __always_inline int gsi_pair(__u32 probe, __u16 kind, __u32 sbdf,
				    __s32 gsi, __s32 trigger, __s32 polarity)
{
	struct stash_val *s = stash_new(probe, PT_EV_GSI, kind);

	if (!s)
		return 0;
	s->ev.hdr.sbdf = sbdf;
	s->ev.gsi.gsi = gsi;
	s->ev.gsi.trigger = trigger;
	s->ev.gsi.polarity = polarity;
	s->ev.gsi.irq = PT_NONE;
	return 0;
}

static __always_inline int gsi_done(__u32 probe, long ret)
{
	struct pt_event *e = stash_take(probe, ret);

	if (!e)
		return 0;
	e->gsi.irq = ret < 0 ? PT_NONE : ret;
	ev_send(e);
	return 0;
}

static __always_inline int h_acpi_register_gsi(struct pt_args *a)
{
	return gsi_pair(P_ACPI_GSI, PT_GSI_ACPI,
			device_sbdf((struct device *)a->a[0]),
			a->a[1], a->a[2], a->a[3]);
}
static __always_inline int x_acpi_register_gsi(long ret)
{
	return gsi_done(P_ACPI_GSI, ret);
}
PT_ENTRY(acpi_register_gsi, 4)
PT_EXIT(acpi_register_gsi)

static __always_inline int h_acpi_register_gsi_xen(struct pt_args *a)
{
	return gsi_pair(P_ACPI_GSI_XEN, PT_GSI_XEN,
			device_sbdf((struct device *)a->a[0]),
			a->a[1], a->a[2], a->a[3]);
}
static __always_inline int x_acpi_register_gsi_xen(long ret)
{
	return gsi_done(P_ACPI_GSI_XEN, ret);
}
PT_ENTRY(acpi_register_gsi_xen, 4)
PT_EXIT(acpi_register_gsi_xen)

/* xen_register_pirq(u32 gsi, int triggering, bool set_pirq) */
static __always_inline int h_xen_register_pirq(struct pt_args *a)
{
	return gsi_pair(P_XEN_REG_PIRQ, PT_GSI_XEN, PT_SBDF_NONE,
			a->a[0], a->a[1], PT_NONE);
}
static __always_inline int x_xen_register_pirq(long ret)
{
	return gsi_done(P_XEN_REG_PIRQ, ret);
}
PT_ENTRY(xen_register_pirq, 3)
PT_EXIT(xen_register_pirq)

/* 6.12: xen_pvh_setup_gsi(int gsi, int trigger, int polarity) */
static __always_inline int h_xen_pvh_setup_gsi(struct pt_args *a)
{
	return gsi_pair(P_PVH_GSI, PT_GSI_PVH_SETUP, PT_SBDF_NONE,
			a->a[0], a->a[1], a->a[2]);
}
static __always_inline int x_xen_pvh_setup_gsi(long ret)
{
	/* returns 0 or an error, not an irq */
	struct pt_event *e = stash_take(P_PVH_GSI, ret);

	if (e)
		ev_send(e);
	return 0;
}
PT_ENTRY(xen_pvh_setup_gsi, 3)
PT_EXIT(xen_pvh_setup_gsi)

/* -------------------------------------------------------------- pirqs */

static __always_inline struct stash_val *pirq_pair(__u32 probe, __u16 kind)
{
	struct stash_val *s = stash_new(probe, PT_EV_PIRQ, kind);

	if (!s)
		return NULL;
	s->ev.pirq.gsi = PT_NONE;
	s->ev.pirq.pirq = PT_NONE;
	s->ev.pirq.irq = PT_NONE;
	s->ev.pirq.domid = PT_NONE;
	s->ev.pirq.entry = PT_NONE;
	s->ev.pirq.nvec = PT_NONE;
	return s;
}

/* Binds return the Linux irq. */
static __always_inline int pirq_irq_done(__u32 probe, long ret)
{
	struct pt_event *e = stash_take(probe, ret);

	if (!e)
		return 0;
	if (ret >= 0)
		e->pirq.irq = ret;
	ev_send(e);
	return 0;
}

/* xen_bind_pirq_gsi_to_irq(unsigned gsi, unsigned pirq, int shareable, char *) */
static __always_inline int h_xen_bind_pirq_gsi_to_irq(struct pt_args *a)
{
	struct stash_val *s = pirq_pair(P_BIND_GSI, PT_PIRQ_BIND_GSI);

	if (!s)
		return 0;
	s->ev.pirq.gsi = a->a[0];
	s->ev.pirq.pirq = a->a[1];
	s->ev.pirq.domid = PT_DOMID_SELF;
	s->ev.pirq.nvec = 1;
	return 0;
}
static __always_inline int x_xen_bind_pirq_gsi_to_irq(long ret)
{
	return pirq_irq_done(P_BIND_GSI, ret);
}
PT_ENTRY(xen_bind_pirq_gsi_to_irq, 4)
PT_EXIT(xen_bind_pirq_gsi_to_irq)

/*
 * xen_bind_pirq_msi_to_irq(dev, msidesc, pirq, nvec, name, domid): the
 * domid is the guest when dom0 maps a PV guest's MSI on its behalf.
 */
static __always_inline int h_xen_bind_pirq_msi_to_irq(struct pt_args *a)
{
	struct stash_val *s = pirq_pair(P_BIND_MSI, PT_PIRQ_BIND_MSI);

	if (!s)
		return 0;
	s->ev.hdr.sbdf = dev_sbdf((struct pci_dev *)a->a[0]);
	s->ev.pirq.entry = msi_entry((struct msi_desc *)a->a[1]);
	s->ev.pirq.pirq = a->a[2];
	s->ev.pirq.nvec = a->a[3];
	s->ev.pirq.domid = (__u16)a->a[5];
	return 0;
}
static __always_inline int x_xen_bind_pirq_msi_to_irq(long ret)
{
	return pirq_irq_done(P_BIND_MSI, ret);
}
PT_ENTRY(xen_bind_pirq_msi_to_irq, 6)
PT_EXIT(xen_bind_pirq_msi_to_irq)

/* xen_allocate_pirq_msi(dev, msidesc): returns the pirq */
static __always_inline int h_xen_allocate_pirq_msi(struct pt_args *a)
{
	struct stash_val *s = pirq_pair(P_ALLOC_MSI, PT_PIRQ_ALLOC);

	if (!s)
		return 0;
	s->ev.hdr.sbdf = dev_sbdf((struct pci_dev *)a->a[0]);
	s->ev.pirq.entry = msi_entry((struct msi_desc *)a->a[1]);
	s->ev.pirq.domid = PT_DOMID_SELF;
	return 0;
}
static __always_inline int x_xen_allocate_pirq_msi(long ret)
{
	struct pt_event *e = stash_take(P_ALLOC_MSI, ret);

	if (!e)
		return 0;
	if (ret >= 0)
		e->pirq.pirq = ret;
	ev_send(e);
	return 0;
}
PT_ENTRY(xen_allocate_pirq_msi, 2)
PT_EXIT(xen_allocate_pirq_msi)

/* xen_destroy_irq(int irq): PHYSDEVOP_unmap_pirq for the irq's pirq */
static __always_inline int h_xen_destroy_irq(struct pt_args *a)
{
	struct stash_val *s = pirq_pair(P_DESTROY, PT_PIRQ_DESTROY);

	if (s)
		s->ev.pirq.irq = a->a[0];
	return 0;
}
static __always_inline int x_xen_destroy_irq(long ret)
{
	return pair_done(P_DESTROY, ret);
}
PT_ENTRY(xen_destroy_irq, 1)
PT_EXIT(xen_destroy_irq)

/* --------------------------------------------------------------- MSI */

static __always_inline int msi_now(__u16 kind, struct pci_dev *dev,
				   __u8 msix, __s32 nvec)
{
	struct pt_event *e = ev_new(PT_EV_MSI, kind);

	if (!e)
		return 0;
	e->hdr.sbdf = dev_sbdf(dev);
	e->msi.msix = msix;
	e->msi.nvec = nvec;
	ev_send(e);
	return 0;
}

static __always_inline struct stash_val *msi_pair(__u32 probe, __u16 kind,
						  struct pci_dev *dev,
						  __u8 msix, __s32 nvec)
{
	struct stash_val *s = stash_new(probe, PT_EV_MSI, kind);

	if (!s)
		return NULL;
	s->ev.hdr.sbdf = dev_sbdf(dev);
	s->ev.msi.msix = msix;
	s->ev.msi.nvec = nvec;
	return s;
}

static __always_inline __u8 dev_msix_enabled(struct pci_dev *dev)
{
	if (!dev)
		return 0;
	return BPF_CORE_READ_BITFIELD_PROBED(dev, msix_enabled);
}

/* xen_initdom_setup_msi_irqs(dev, nvec, type) */
static __always_inline int h_xen_initdom_setup_msi_irqs(struct pt_args *a)
{
	struct pci_dev *dev = (struct pci_dev *)a->a[0];
	__u8 msix = (int)a->a[2] == PCI_CAP_ID_MSIX;
	__u32 sbdf = dev_sbdf(dev);

	bpf_map_update_elem(&msi_kind, &sbdf, &msix, BPF_ANY);
	msi_pair(P_SETUP_MSI, PT_MSI_SETUP, dev, msix, a->a[1]);
	return 0;
}
static __always_inline int x_xen_initdom_setup_msi_irqs(long ret)
{
	return pair_done(P_SETUP_MSI, ret);
}
PT_ENTRY(xen_initdom_setup_msi_irqs, 3)
PT_EXIT(xen_initdom_setup_msi_irqs)

/*
 * By teardown, pci_disable_msix() has already cleared msix_enabled: the
 * kind comes from the setup, else from the flags for a device set up
 * before recording started.
 */
static __always_inline int h_xen_pv_teardown_msi_irqs(struct pt_args *a)
{
	struct pci_dev *dev = (struct pci_dev *)a->a[0];
	__u32 sbdf = dev_sbdf(dev);
	__u8 *k = bpf_map_lookup_elem(&msi_kind, &sbdf);
	__u8 msix = k ? *k : dev_msix_enabled(dev);

	if (k)
		bpf_map_delete_elem(&msi_kind, &sbdf);
	return msi_now(PT_MSI_TEARDOWN, dev, msix, PT_NONE);
}
PT_ENTRY(xen_pv_teardown_msi_irqs, 1)

/* __pci_enable_msix_range(dev, entries, minvec, maxvec, affd, flags) */
static __always_inline int h___pci_enable_msix_range(struct pt_args *a)
{
	msi_pair(P_ENABLE_MSIX, PT_MSI_ENABLE, (struct pci_dev *)a->a[0], 1,
		 a->a[3]);
	return 0;
}
static __always_inline int x___pci_enable_msix_range(long ret)
{
	return pair_done(P_ENABLE_MSIX, ret);
}
PT_ENTRY(__pci_enable_msix_range, 4)
PT_EXIT(__pci_enable_msix_range)

static __always_inline int h_pci_disable_msix(struct pt_args *a)
{
	return msi_now(PT_MSI_DISABLE, (struct pci_dev *)a->a[0], 1, PT_NONE);
}
PT_ENTRY(pci_disable_msix, 1)

static __always_inline int h_pci_disable_msi(struct pt_args *a)
{
	return msi_now(PT_MSI_DISABLE, (struct pci_dev *)a->a[0], 0, PT_NONE);
}
PT_ENTRY(pci_disable_msi, 1)

/* ---------------------------------------- event channels, pirq masking */

/*
 * startup_pirq(struct irq_data *): EVTCHNOP_bind_pirq.  The port is only
 * known after the call, so the exit reads it from irq_info.
 */
static __always_inline int h_startup_pirq(struct pt_args *a)
{
	struct irq_data *d = (struct irq_data *)a->a[0];
	struct irq_info___xen *info = xen_info(d);
	struct stash_val *s;

	s = stash_new(P_STARTUP, PT_EV_EVTCHN, PT_EVTCHN_BIND);
	if (!s)
		return 0;
	s->ev.hdr.sbdf = msi_sbdf(irqd_msi(d));
	fill_evtchn(&s->ev, info, BPF_CORE_READ(d, irq));
	s->aux = (__u64)info;
	return 0;
}

static __always_inline int bind_done(__u32 probe, long ret)
{
	struct stash_val *s = stash_get(probe);
	struct irq_info___xen *info;
	struct pt_event *e;

	if (!s)
		return 0;
	info = (void *)s->aux;
	e = stash_take(probe, ret);
	if (!e)
		return 0;
	if (info && bpf_core_type_exists(struct irq_info___xen) &&
	    bpf_core_field_exists(((struct irq_info___xen *)0)->evtchn))
		e->evtchn.evtchn = BPF_CORE_READ(info, evtchn);
	ev_send(e);
	return 0;
}

static __always_inline int x_startup_pirq(long ret)
{
	return bind_done(P_STARTUP, ret);
}
PT_ENTRY(startup_pirq, 1)
PT_EXIT(startup_pirq)

/* __startup_pirq(unsigned irq) in 6.1, (struct irq_info *) in 6.12 */
static __always_inline int h___startup_pirq(struct pt_args *a)
{
	struct irq_info___xen *info = NULL;
	struct stash_val *s;
	__s32 irq;

	s = stash_new(P___STARTUP, PT_EV_EVTCHN, PT_EVTCHN_BIND);
	if (!s)
		return 0;
	if (pt_startup_pirq_info) {
		info = (void *)a->a[0];
		irq = info ? BPF_CORE_READ(info, irq) : PT_NONE;
	} else {
		irq = a->a[0];
	}
	fill_evtchn(&s->ev, info, irq);
	s->aux = (__u64)info;
	return 0;
}
static __always_inline int x___startup_pirq(long ret)
{
	return bind_done(P___STARTUP, ret);
}
PT_ENTRY(__startup_pirq, 1)
PT_EXIT(__startup_pirq)

static __always_inline int irqd_evtchn(struct irq_data *d, __u16 kind)
{
	struct pt_event *e = ev_new(PT_EV_EVTCHN, kind);

	if (!e)
		return 0;
	e->hdr.sbdf = msi_sbdf(irqd_msi(d));
	fill_evtchn(e, xen_info(d), BPF_CORE_READ(d, irq));
	ev_send(e);
	return 0;
}

static __always_inline int h_shutdown_pirq(struct pt_args *a)
{
	return irqd_evtchn((struct irq_data *)a->a[0], PT_EVTCHN_CLOSE);
}
PT_ENTRY(shutdown_pirq, 1)

static __always_inline int h_enable_pirq(struct pt_args *a)
{
	return irqd_evtchn((struct irq_data *)a->a[0], PT_EVTCHN_ENABLE);
}
PT_ENTRY(enable_pirq, 1)

static __always_inline int h_disable_pirq(struct pt_args *a)
{
	return irqd_evtchn((struct irq_data *)a->a[0], PT_EVTCHN_DISABLE);
}
PT_ENTRY(disable_pirq, 1)

static __always_inline int h_mask_ack_pirq(struct pt_args *a)
{
	return irqd_evtchn((struct irq_data *)a->a[0], PT_EVTCHN_MASK_ACK);
}
PT_ENTRY(mask_ack_pirq, 1)

/* __unbind_from_irq(struct irq_info *, unsigned irq); older: (unsigned irq) */
static __always_inline int h___unbind_from_irq(struct pt_args *a)
{
	struct irq_info___xen *info = NULL;
	struct pt_event *e;
	__s32 irq;

	/*
	 * Every kind of Xen irq is unbound here; only irq_info says which
	 * are pirqs.  The older (unsigned irq) form cannot tell, and the
	 * planner leaves the row off there (shutdown_pirq covers pirqs).
	 */
	if (!pt_unbind_info || !bpf_core_type_exists(struct irq_info___xen) ||
	    !bpf_core_field_exists(((struct irq_info___xen *)0)->type))
		return 0;
	info = (void *)a->a[0];
	irq = a->a[1];
	if (!info || BPF_CORE_READ(info, type) != IRQT_PIRQ)
		return 0;
	e = ev_new(PT_EV_EVTCHN, PT_EVTCHN_CLOSE);
	if (!e)
		return 0;
	fill_evtchn(e, info, irq);
	ev_send(e);
	return 0;
}
PT_ENTRY(__unbind_from_irq, 2)

/* ------------------------------------------ native / PVH dom0 masking */

static __always_inline int vmask_irqd(struct irq_data *d, __u8 masked)
{
	struct msi_desc *desc = irqd_msi(d);
	struct pt_event *e = ev_new(PT_EV_VECTOR_MASK, 0);

	if (!e)
		return 0;
	e->hdr.sbdf = msi_sbdf(desc);
	e->vmask.entry = msi_entry(desc);
	e->vmask.irq = BPF_CORE_READ(d, irq);
	e->vmask.pirq = PT_NONE;
	e->vmask.masked = masked;
	e->vmask.view = PT_VIEW_LINUX;
	ev_send(e);
	return 0;
}

static __always_inline int h_pci_msi_mask_irq(struct pt_args *a)
{
	return vmask_irqd((struct irq_data *)a->a[0], 1);
}
PT_ENTRY(pci_msi_mask_irq, 1)

static __always_inline int h_pci_msi_unmask_irq(struct pt_args *a)
{
	return vmask_irqd((struct irq_data *)a->a[0], 0);
}
PT_ENTRY(pci_msi_unmask_irq, 1)

/* pci_msi_update_mask(desc, clear, set): MSI (not MSI-X) mask bits */
static __always_inline int h_pci_msi_update_mask(struct pt_args *a)
{
	struct msi_desc *desc = (struct msi_desc *)a->a[0];
	struct pt_event *e = ev_new(PT_EV_VECTOR_MASK, 0);

	if (!e)
		return 0;
	e->hdr.sbdf = msi_sbdf(desc);
	e->vmask.entry = msi_entry(desc);
	e->vmask.irq = desc ? BPF_CORE_READ(desc, irq) : PT_NONE;
	e->vmask.pirq = PT_NONE;
	e->vmask.masked = (__u32)a->a[2] != 0;
	e->vmask.view = PT_VIEW_LINUX;
	ev_send(e);
	return 0;
}
PT_ENTRY(pci_msi_update_mask, 3)

/* ------------------------------------------------ toolstack hypercalls */

struct pt_privcmd_hypercall {
	__u64 op;
	__u64 arg[5];
};

static __always_inline __u32 physdev_size(__u32 cmd)
{
	switch (cmd) {
	case 13: return 40;	/* map_pirq */
	case 14: return 8;	/* unmap_pirq */
	case 21: return 8;	/* setup_gsi */
	case 23: return 8;	/* get_free_pirq */
	case 5: case 10: case 11: return 8;
	case 12: return 4;	/* eoi */
	case 15: case 16: case 19: return 2;
	case 20: return 6;	/* manage_pci_add_ext */
	case 24: return 16;	/* pci_mmcfg_reserved */
	case 25: return 12;	/* pci_device_add */
	case 26: case 27: case 30: case 31: return 4;
	case 32: return 8;	/* pci_device_reset */
	default: return 8;
	}
}

static __always_inline __u32 evtchn_size(__u32 cmd)
{
	switch (cmd) {
	case 0: case 1: case 2: return 12;	/* bind_interdomain/virq/pirq */
	case 3: case 4: case 9: case 10: return 4;	/* close, send, unmask, reset */
	case 5: return 24;	/* status */
	default: return 8;
	}
}

/*
 * privcmd_ioctl(file, cmd, arg): privcmd_ioctl_hypercall is inlined, so
 * the hypercall is taken from the ioctl's user argument.  The sub-op's
 * argument struct is copied now, before Xen writes results into it.
 */
static __always_inline int h_privcmd_ioctl(struct pt_args *a)
{
	struct pt_privcmd_hypercall hc;
	struct stash_val *s;
	__u32 cmd = 0, len;
	const void *ptr;

	if ((__u32)a->a[1] != PT_IOCTL_PRIVCMD_HYPERCALL)
		return 0;
	if (bpf_probe_read_user(&hc, sizeof(hc), (void *)a->a[2]))
		return 0;
	switch (hc.op) {
	case PT_HC_PHYSDEV_OP:
		cmd = hc.arg[0];
		ptr = (void *)hc.arg[1];
		len = physdev_size(cmd);
		break;
	case PT_HC_EVENT_CHANNEL_OP:
		cmd = hc.arg[0];
		ptr = (void *)hc.arg[1];
		len = evtchn_size(cmd);
		break;
	case PT_HC_DOMCTL:
		ptr = (void *)hc.arg[0];
		len = PT_XEN_DOMCTL_SIZE;
		if (bpf_probe_read_user(&cmd, sizeof(cmd), ptr))
			cmd = 0xffffffff;
		break;
	default:
		return 0;
	}
	s = stash_new(P_PRIVCMD, PT_EV_HYPERCALL, 0);
	if (!s)
		return 0;
	s->ev.hc.op = hc.op;
	s->ev.hc.cmd = cmd;
	if (len > PT_HC_RAW_MAX)
		len = PT_HC_RAW_MAX;
	if (bpf_probe_read_user(s->ev.hc.raw, len, ptr)) {
		s->ev.hdr.flags |= PT_EVF_TRUNCATED;
		len = 0;
	}
	s->ev.hc.raw_len = len;
	return 0;
}
static __always_inline int x_privcmd_ioctl(long ret)
{
	return pair_done(P_PRIVCMD, ret);
}
PT_ENTRY(privcmd_ioctl, 3)
PT_EXIT(privcmd_ioctl)

/* ------------------------------------------------------- module watch */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PT_MODW_SLOTS);
	__type(key, __u32);
	__type(value, struct pt_modstate);
} modstate SEC(".maps");

/* Exact match of a module name against a literal, NUL included. */
static __always_inline bool mod_is(const char *name, const char *want, int n)
{
	for (int i = 0; i < n; i++)
		if (name[i] != want[i])
			return false;
	return true;
}

static __always_inline __u32 mod_slot(struct module *mod)
{
	char name[16] = {};

	/* both names fit: a longer one is none of ours */
	if (bpf_core_read_str(name, sizeof(name), &mod->name) < 0)
		return 0;
	if (mod_is(name, "xen_pciback", sizeof("xen_pciback")))
		return PT_MODW_PCIBACK;
	if (mod_is(name, "xen_privcmd", sizeof("xen_privcmd")))
		return PT_MODW_PRIVCMD;
	return 0;
}

/*
 * The probes of a module die with it (kprobes are disarmed when it
 * goes) and are not revived by the next load: the recorder must hear of
 * both to detach, re-attach and write the gap.  Raw tracepoints work on
 * every kernel the recorder supports, with or without fentry.
 */
static __always_inline int mod_changed(struct module *mod, bool loaded)
{
	__u32 slot = mod_slot(mod);
	struct pt_modstate *st;

	if (!slot)
		return 0;
	st = bpf_map_lookup_elem(&modstate, &slot);
	if (!st)
		return 0;
	if (loaded)
		st->load_ns = bpf_ktime_get_ns();
	else
		st->free_ns = bpf_ktime_get_ns();
	st->loaded = loaded;
	/* times before gen: the reader trusts them once gen moved */
	__sync_fetch_and_add(&st->gen, 1);
	return 0;
}

SEC("?raw_tp/module_load")
int BPF_PROG(mw_load, struct module *mod)
{
	return mod_changed(mod, true);
}

SEC("?raw_tp/module_free")
int BPF_PROG(mw_free, struct module *mod)
{
	return mod_changed(mod, false);
}

