// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The collectors: one body per kernel function, several ways in.
 *
 * Every hook of PT_HOOKS (collect.h) has typed programs: fe_<fn>/fx_<fn>
 * (fentry/fexit, BPF_PROG) and kp_<fn>/kr_<fn> (kprobe/kretprobe,
 * BPF_KPROBE/BPF_KRETPROBE), which call the same static inline body.
 * The same bodies are reached, by hook number (the BPF cookie), from
 * the shared programs: kp_cookie/kr_cookie (one kprobe and one kretprobe
 * program attached to many functions) and km_entry/km_exit (the same,
 * attached through kprobe_multi links).  The shared ones are verified
 * once however many functions they serve; that is what makes start-up
 * fast.  Everything is autoload-off ("?" sections): the recorder
 * (src/collect/probes.c) turns on what the plan uses.
 *
 * Entry/exit pairs: the entry keeps its time and CPU (and, for a
 * kprobe, which has no arguments at the return, the arguments) in the
 * calling task's slot for that hook (task-local storage, no hash
 * lookups); the exit builds the event in the ring buffer in place, from
 * its typed arguments (fexit) or the saved ones (kretprobe), and the
 * return value.  The hypercall hook, which must copy the argument
 * struct before Xen writes into it, builds its whole event at the entry
 * in a per-task buffer and copies it at the return.
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
#define XEN_PCI_OP_conf_read	0	/* xen/interface/io/pciif.h */
#define XEN_PCI_OP_conf_write	1
#define XEN_PCI_OP_enable_msi	2
#define XEN_PCI_OP_disable_msi	3
#define XEN_PCI_OP_enable_msix	4
#define XEN_PCI_OP_disable_msix	5
#define PCI_CAP_ID_PM		0x01
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_EXP		0x10
#define IRQT_PIRQ		1	/* events_base.c enum xen_irq_type */
#define ENODEV			19

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

/*
 * The sixth argument of a kprobed function (libbpf's BPF_KPROBE stops at
 * five before libbpf 1.3).
 */
#if defined(PT_REGS_PARM6)
#define PT_PARM6(ctx)	PT_REGS_PARM6(ctx)
#elif defined(__TARGET_ARCH_x86)
#define PT_PARM6(ctx)	(((const struct pt_regs *)(ctx))->r9)
#elif defined(__TARGET_ARCH_arm64)
#define PT_PARM6(ctx)	(((const struct user_pt_regs *)(ctx))->regs[5])
#else
#error "the sixth kprobe argument: add this architecture's register"
#endif

/* Slots: one per hook with a return hook. */
enum {
	P_PCISTUB_PROBE, P_PCISTUB_SEIZE, P_PCISTUB_INIT, P_PCISTUB_GET,
	P_PCISTUB_GSI, P_MSIX_FLAGS_WRITE, P_PCIBK_CONFIG_WRITE,
	P_RESET_LOCKED, P_RESET_FN, P_RESET_FN_LOCKED, P_FLR, P_AF_FLR,
	P_PM_RESET, P_RESET_BUS, P_XEN_RESET,
	P_ACPI_GSI, P_ACPI_GSI_XEN, P_XEN_REG_PIRQ, P_PVH_GSI,
	P_BIND_GSI, P_BIND_MSI, P_ALLOC_MSI, P_DESTROY,
	P_SETUP_MSI, P_ENABLE_MSIX, P_STARTUP, P___STARTUP,
	P_ENABLE_MSI,
	P_NSLOTS,
};

/* An entry waiting for its return: when, where, and (kprobes) the arguments. */
struct pt_slot {
	__u64 ts;
	__u32 cpu;
	__u32 live;
	__u64 arg[6];
};

struct pt_task {
	struct pt_slot slot[P_NSLOTS];
	__s32 op_domid;		/* guest a pciback worker serves (xen_pcibk_do_op) */
	__u32 in_op;
	__u32 disabling_sbdf;	/* device of the pci_disable_msi(x) under way */
	__u32 disabling;	/* its kind + 1: 1 MSI, 2 MSI-X; 0 none */
	__u64 op_pdev;		/* its struct xen_pcibk_device */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pt_task);
} tstate SEC(".maps");

/* A hypercall's event, built at the ioctl's entry. */
struct pt_hcstash {
	struct pt_event ev;
	__u32 live;
	__u32 pad;
	__u64 out_at;		/* user address of the sub-op's result, 0: none */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pt_hcstash);
} hcstate SEC(".maps");

/*
 * The host device behind the slot a guest names in its pciback ops
 * (pciback's virtual topology gives it another BDF), learned while an op
 * runs from the first call that takes the pci_dev: a config read (the
 * frontend reads config space before anything else), or dom0's MSI or
 * MSI-X enable.  Ops that touch no pci_dev (an enable refused at once)
 * are named through it.
 */
struct pt_vdev_key {
	__s32 domid;
	__u32 vsbdf;
};

struct pt_vdev {
	__u64 dev;		/* struct pci_dev *, read only through probes */
	__u32 sbdf;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, struct pt_vdev_key);
	__type(value, struct pt_vdev);
} pcibk_vdev SEC(".maps");

static __always_inline struct pt_task *task_state(bool create)
{
	return bpf_task_storage_get(&tstate, bpf_get_current_task_btf(), 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* Entry of a pair: note the time and CPU in the task's slot. */
static __always_inline struct pt_slot *slot_open(__u32 idx)
{
	struct pt_task *t = task_state(true);
	struct pt_slot *s;

	if (!t) {
		count_lost();
		return NULL;
	}
	if (idx >= P_NSLOTS)
		return NULL;
	s = &t->slot[idx];
	s->ts = bpf_ktime_get_ns();
	s->cpu = bpf_get_smp_processor_id();
	s->live = 1;
	return s;
}

/* Return of a pair: the slot its entry filled, NULL if none (attached mid-call). */
static __always_inline struct pt_slot *slot_take(__u32 idx)
{
	struct pt_task *t = task_state(false);
	struct pt_slot *s;

	if (!t || idx >= P_NSLOTS)
		return NULL;
	s = &t->slot[idx];
	if (!s->live)
		return NULL;
	s->live = 0;
	return s;
}

/* Header of an event; the payload's first 32 bytes are zeroed. */
static __always_inline void hdr_fill(struct pt_event *e, __u64 ts, __u32 cpu,
				     __u16 type, __u16 kind)
{
	__u64 *p = (__u64 *)&e->pirq;

	e->hdr.ts_ns = ts;
	e->hdr.cpu = cpu;
	e->hdr.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->hdr.comm, sizeof(e->hdr.comm));
	e->hdr.sbdf = PT_SBDF_NONE;
	e->hdr.ret = 0;
	e->hdr.type = type;
	e->hdr.kind = kind;
	e->hdr.flags = 0;
	p[0] = 0;
	p[1] = 0;
	p[2] = 0;
	p[3] = 0;
}

/* An event of an entry-only hook, now. */
static __always_inline struct pt_event *ev_new(__u16 type, __u16 kind)
{
	struct pt_event *e = ev_reserve();

	if (!e)
		return NULL;
	hdr_fill(e, bpf_ktime_get_ns(), bpf_get_smp_processor_id(), type, kind);
	return e;
}

/* The event of a pair, at its return: time and CPU of the entry. */
static __always_inline struct pt_event *ev_exit(struct pt_slot *s, __u16 type,
						__u16 kind, long ret)
{
	struct pt_event *e = ev_reserve();

	if (!e)
		return NULL;
	hdr_fill(e, s->ts, s->cpu, type, kind);
	e->hdr.ret = ret;
	e->hdr.flags = PT_EVF_HAS_RET;
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

#define PT_UNPAREN(...)		__VA_ARGS__
#define PT_CAT(a, b)		PT_CAT_(a, b)
#define PT_CAT_(a, b)		a##b
#define PT_NARG(...)		PT_NARG_(__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define PT_NARG_(_1, _2, _3, _4, _5, _6, n, ...)	n

/* kprobe entry: the arguments into the slot, as 64-bit words */
#define PT_SAVE_1(s, x1)		(s)->arg[0] = (__u64)(x1)
#define PT_SAVE_2(s, x1, x2)		PT_SAVE_1(s, x1); (s)->arg[1] = (__u64)(x2)
#define PT_SAVE_3(s, x1, x2, x3)	PT_SAVE_2(s, x1, x2); (s)->arg[2] = (__u64)(x3)
#define PT_SAVE_4(s, x1, x2, x3, x4)	PT_SAVE_3(s, x1, x2, x3); (s)->arg[3] = (__u64)(x4)
#define PT_SAVE_5(s, x1, x2, x3, x4, x5) \
	PT_SAVE_4(s, x1, x2, x3, x4); (s)->arg[4] = (__u64)(x5)
#define PT_SAVE(s, ...)		PT_CAT(PT_SAVE_, PT_NARG(__VA_ARGS__))(s, __VA_ARGS__)

/* kretprobe: the saved words back as the body's typed parameters */
#define PT_LOAD_1(s)		(void *)(s)->arg[0]
#define PT_LOAD_2(s)		PT_LOAD_1(s), (void *)(s)->arg[1]
#define PT_LOAD_3(s)		PT_LOAD_2(s), (void *)(s)->arg[2]
#define PT_LOAD_4(s)		PT_LOAD_3(s), (void *)(s)->arg[3]
#define PT_LOAD_5(s)		PT_LOAD_4(s), (void *)(s)->arg[4]
#define PT_LOAD_6(s)		PT_LOAD_5(s), (void *)(s)->arg[5]
#define PT_LOAD(s, n)		PT_CAT(PT_LOAD_, n)(s)

/* the shared kprobe programs: a hook's arguments from the registers */
#define PT_KARGS_1		, (void *)PT_REGS_PARM1(ctx)
#define PT_KARGS_2		PT_KARGS_1, (void *)PT_REGS_PARM2(ctx)
#define PT_KARGS_3		PT_KARGS_2, (void *)PT_REGS_PARM3(ctx)
#define PT_KARGS_4		PT_KARGS_3, (void *)PT_REGS_PARM4(ctx)
#define PT_KARGS_5		PT_KARGS_4, (void *)PT_REGS_PARM5(ctx)

/* (void *) into an int parameter, as libbpf's own BPF_KPROBE does */
#define PT_INTCONV_OFF	_Pragma("GCC diagnostic push")			\
			_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")
#define PT_INTCONV_ON	_Pragma("GCC diagnostic pop")

/*
 * How the shared programs reach a hook: d_kp_<fn>(ctx) at the entry,
 * d_kr_<fn>(ctx) at the return (the inner functions of BPF_KPROBE and
 * BPF_KRETPROBE, so the typed body is the very same code).
 */
#define PT_KDISPATCH(fn, nargs)						\
static __always_inline int d_kp_##fn(struct pt_regs *ctx)		\
{									\
	PT_INTCONV_OFF							\
	return ____kp_##fn(ctx PT_CAT(PT_KARGS_, nargs));		\
	PT_INTCONV_ON							\
}

#define PT_KRDISPATCH(fn)						\
static __always_inline int d_kr_##fn(struct pt_regs *ctx)		\
{									\
	PT_INTCONV_OFF							\
	return ____kr_##fn(ctx, (void *)PT_REGS_RC(ctx));		\
	PT_INTCONV_ON							\
}

/*
 * An entry/exit pair.  e_<fn>(args) runs at the entry: false drops the
 * call (nothing is kept), and anything that must be seen before the
 * call happens there.  x_<fn>(slot, ret, args) builds the event at the
 * return.  targs: the typed parameters used (a prefix of the
 * function's); names: the same names; nargs: how many.
 */
#define PT_PAIR(fn, slot, nargs, targs, names)				\
SEC("?fentry/" #fn)							\
int BPF_PROG(fe_##fn, PT_UNPAREN targs)					\
{									\
	if (e_##fn names)						\
		slot_open(slot);					\
	return 0;							\
}									\
SEC("?fexit/" #fn)							\
int BPF_PROG(fx_##fn, PT_UNPAREN targs)					\
{									\
	struct pt_slot *s = slot_take(slot);				\
	__u64 ret = 0;							\
									\
	if (!s)								\
		return 0;						\
	bpf_get_func_ret(ctx, &ret);					\
	return x_##fn(s, (long)ret, PT_UNPAREN names);			\
}									\
SEC("?kprobe/" #fn)							\
int BPF_KPROBE(kp_##fn, PT_UNPAREN targs)				\
{									\
	struct pt_slot *s;						\
									\
	if (!e_##fn names)						\
		return 0;						\
	s = slot_open(slot);						\
	if (s) {							\
		PT_SAVE(s, PT_UNPAREN names);				\
	}								\
	return 0;							\
}									\
SEC("?kretprobe/" #fn)							\
int BPF_KRETPROBE(kr_##fn, long ret)					\
{									\
	struct pt_slot *s = slot_take(slot);				\
									\
	if (!s)								\
		return 0;						\
	PT_INTCONV_OFF							\
	return x_##fn(s, ret, PT_LOAD(s, nargs));			\
	PT_INTCONV_ON							\
}									\
PT_KDISPATCH(fn, nargs)							\
PT_KRDISPATCH(fn)

/* A hook without a return hook: h_<fn>(args) writes its event now. */
#define PT_ENTRY(fn, nargs, targs, names)				\
SEC("?fentry/" #fn)							\
int BPF_PROG(fe_##fn, PT_UNPAREN targs)					\
{									\
	return h_##fn names;						\
}									\
SEC("?kprobe/" #fn)							\
int BPF_KPROBE(kp_##fn, PT_UNPAREN targs)				\
{									\
	return h_##fn names;						\
}									\
PT_KDISPATCH(fn, nargs)

/* Entry filter of the pairs that keep every call. */
#define PT_ALWAYS(fn, targs)						\
static __always_inline bool e_##fn(PT_UNPAREN targs)			\
{									\
	return true;							\
}

/* ------------------------------------------------------- xen-pciback */

/* The op members are unknown in every pciback event but a decoded op. */
static __always_inline void pciback_fill(struct pt_event *e, __s32 domid)
{
	e->pciback.domid = domid;
	e->pciback.op = PT_NONE;
	e->pciback.vsbdf = PT_SBDF_NONE;
	e->pciback.offset = PT_NONE;
	e->pciback.size = PT_NONE;
	e->pciback.nvec = PT_NONE;
	e->pciback.pirq = PT_NONE;
	e->pciback.cap = PT_NONE;
	e->pciback.capoff = PT_NONE;
	e->pciback.dropped = PT_NONE;
	e->pciback.value = PT_NONE;
}

static __always_inline int pciback_done(struct pt_slot *s, long ret, __u16 kind,
					__u32 sbdf, __s32 domid)
{
	struct pt_event *e = ev_exit(s, PT_EV_PCIBACK, kind, ret);

	if (!e)
		return 0;
	e->hdr.sbdf = sbdf;
	pciback_fill(e, domid);
	ev_submit(e);
	return 0;
}

static __always_inline int pciback_now(__u16 kind, struct pci_dev *dev,
				       __s32 domid)
{
	struct pt_event *e = ev_new(PT_EV_PCIBACK, kind);

	if (!e)
		return 0;
	e->hdr.sbdf = dev_sbdf(dev);
	pciback_fill(e, domid);
	ev_submit(e);
	return 0;
}

/* pcistub_probe(dev, id) */
PT_ALWAYS(pcistub_probe, (struct pci_dev *dev))
static __always_inline int x_pcistub_probe(struct pt_slot *s, long ret,
					   struct pci_dev *dev)
{
	return pciback_done(s, ret, PT_PCIBACK_PROBE, dev_sbdf(dev), PT_NONE);
}
PT_PAIR(pcistub_probe, P_PCISTUB_PROBE, 1, (struct pci_dev *dev), (dev))

/* pcistub_seize(dev, ...) */
PT_ALWAYS(pcistub_seize, (struct pci_dev *dev))
static __always_inline int x_pcistub_seize(struct pt_slot *s, long ret,
					   struct pci_dev *dev)
{
	return pciback_done(s, ret, PT_PCIBACK_SEIZE, dev_sbdf(dev), PT_NONE);
}
PT_PAIR(pcistub_seize, P_PCISTUB_SEIZE, 1, (struct pci_dev *dev), (dev))

/* pcistub_init_device(struct pci_dev *) in 6.1, (struct pcistub_device *) in 6.12 */
PT_ALWAYS(pcistub_init_device, (void *arg))
static __always_inline int x_pcistub_init_device(struct pt_slot *s, long ret,
						 void *arg)
{
	struct pcistub_device *psdev = arg;
	struct pci_dev *dev = arg;

	if (pt_init_device_psdev && psdev &&
	    bpf_core_type_exists(struct pcistub_device))
		dev = BPF_CORE_READ(psdev, dev);
	return pciback_done(s, ret, PT_PCIBACK_INIT, dev_sbdf(dev), PT_NONE);
}
PT_PAIR(pcistub_init_device, P_PCISTUB_INIT, 1, (void *arg), (arg))

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
PT_ALWAYS(pcistub_get_pci_dev, (struct xen_pcibk_device *pdev, struct pci_dev *dev))
static __always_inline int x_pcistub_get_pci_dev(struct pt_slot *s, long ret,
						 struct xen_pcibk_device *pdev,
						 struct pci_dev *dev)
{
	/* returns the pci_dev or NULL: report 0 or -ENODEV */
	return pciback_done(s, ret ? 0 : -ENODEV, PT_PCIBACK_GET, dev_sbdf(dev),
			    pcibk_domid(pdev));
}
PT_PAIR(pcistub_get_pci_dev, P_PCISTUB_GET, 2,
	(struct xen_pcibk_device *pdev, struct pci_dev *dev), (pdev, dev))

/*
 * pcistub_get_pci_dev_by_slot(pdev, domain, bus, slot, func): the one the
 * backend uses when it exports a device to the guest's frontend.
 */
PT_ALWAYS(pcistub_get_pci_dev_by_slot,
	  (struct xen_pcibk_device *pdev, int domain, int bus, int slot, int func))
static __always_inline int x_pcistub_get_pci_dev_by_slot(struct pt_slot *s, long ret,
							 struct xen_pcibk_device *pdev,
							 int domain, int bus,
							 int slot, int func)
{
	return pciback_done(s, ret ? 0 : -ENODEV, PT_PCIBACK_GET,
			    PT_SBDF(domain, bus, ((slot & 0x1f) << 3) | (func & 0x7)),
			    pcibk_domid(pdev));
}
PT_PAIR(pcistub_get_pci_dev_by_slot, P_PCISTUB_GET, 5,
	(struct xen_pcibk_device *pdev, int domain, int bus, int slot, int func),
	(pdev, domain, bus, slot, func))

static __always_inline int h_pcistub_put_pci_dev(struct pci_dev *dev)
{
	return pciback_now(PT_PCIBACK_PUT, dev, PT_NONE);
}
PT_ENTRY(pcistub_put_pci_dev, 1, (struct pci_dev *dev), (dev))

static __always_inline int h_pcistub_device_release(struct kref *kref)
{
	struct pcistub_device *psdev;

	/* module types are only relocatable where xen-pciback has BTF */
	if (!bpf_core_type_exists(struct pcistub_device))
		return 0;
	psdev = (void *)kref - bpf_core_field_offset(struct pcistub_device, kref);
	return pciback_now(PT_PCIBACK_RELEASE, BPF_CORE_READ(psdev, dev),
			   PT_NONE);
}
PT_ENTRY(pcistub_device_release, 1, (struct kref *kref), (kref))

static __always_inline int h_pcistub_remove(struct pci_dev *dev)
{
	return pciback_now(PT_PCIBACK_REMOVE, dev, PT_NONE);
}
PT_ENTRY(pcistub_remove, 1, (struct pci_dev *dev), (dev))

static __always_inline int h_xen_pcibk_reset_device(struct pci_dev *dev)
{
	return pciback_now(PT_PCIBACK_RESET, dev, PT_NONE);
}
PT_ENTRY(xen_pcibk_reset_device, 1, (struct pci_dev *dev), (dev))

/*
 * xen_pcibk_do_op(work): pciback's worker for a frontend's requests.  It
 * serves every request pending on the shared page in one call (6.1 and
 * 6.12 loop over xen_pcibk_do_one_op, inlined), so the entry only notes
 * which backend (and guest) the task serves: the domid is kept for the
 * config writes the ops cause, and each op is decoded when it is done
 * (notify_remote_via_irq below), until the return.
 */
static __always_inline int h_xen_pcibk_do_op(struct work_struct *work)
{
	struct xen_pcibk_device *pdev;
	struct pt_task *t;

	if (!bpf_core_type_exists(struct xen_pcibk_device))
		return 0;
	pdev = (void *)work - bpf_core_field_offset(struct xen_pcibk_device,
						    op_work);
	t = task_state(true);
	if (!t)
		return 0;
	t->op_domid = pcibk_domid(pdev);
	t->op_pdev = (__u64)pdev;
	t->in_op = 1;
	return 0;
}

static __always_inline int x_xen_pcibk_do_op(void)
{
	struct pt_task *t = task_state(false);

	if (t) {
		t->in_op = 0;
		t->op_pdev = 0;
	}
	return 0;
}

SEC("?fentry/xen_pcibk_do_op")
int BPF_PROG(fe_xen_pcibk_do_op, struct work_struct *work)
{
	return h_xen_pcibk_do_op(work);
}
SEC("?fexit/xen_pcibk_do_op")
int BPF_PROG(fx_xen_pcibk_do_op)
{
	return x_xen_pcibk_do_op();
}
SEC("?kprobe/xen_pcibk_do_op")
int BPF_KPROBE(kp_xen_pcibk_do_op, struct work_struct *work)
{
	return h_xen_pcibk_do_op(work);
}
SEC("?kretprobe/xen_pcibk_do_op")
int BPF_KRETPROBE(kr_xen_pcibk_do_op)
{
	return x_xen_pcibk_do_op();
}
PT_KDISPATCH(xen_pcibk_do_op, 1)
static __always_inline int d_kr_xen_pcibk_do_op(struct pt_regs *ctx)
{
	return x_xen_pcibk_do_op();
}

/* The backend a pciback worker is serving now, NULL outside an op. */
static __always_inline struct xen_pcibk_device *op_backend(struct pt_task *t)
{
	if (!t || !t->in_op || !bpf_core_type_exists(struct xen_pcibk_device))
		return NULL;
	return (void *)t->op_pdev;
}

/* The op's device as the guest names it (pdev->op: pciback's own copy). */
static __always_inline struct pt_vdev_key op_vkey(struct pt_task *t,
						  struct xen_pcibk_device *pdev)
{
	struct pt_vdev_key k = {
		.domid = t->op_domid,
		.vsbdf = PT_SBDF(BPF_CORE_READ(pdev, op.domain),
				 BPF_CORE_READ(pdev, op.bus),
				 BPF_CORE_READ(pdev, op.devfn)),
	};

	return k;
}

/* In an op, dev is the host device of the slot the op names. */
static __always_inline void op_learn(struct pci_dev *dev)
{
	struct pt_task *t = task_state(false);
	struct xen_pcibk_device *pdev = op_backend(t);
	struct pt_vdev_key k;
	struct pt_vdev v = {};

	if (!pdev || !dev)
		return;
	k = op_vkey(t, pdev);
	v.dev = (__u64)dev;
	v.sbdf = dev_sbdf(dev);
	bpf_map_update_elem(&pcibk_vdev, &k, &v, BPF_ANY);
}

/* xen_pcibk_config_read(dev, offset, size, value): a conf_read op. */
static __always_inline int h_xen_pcibk_config_read(struct pci_dev *dev)
{
	op_learn(dev);
	return 0;
}
PT_ENTRY(xen_pcibk_config_read, 1, (struct pci_dev *dev), (dev))

/* Longest list of emulated fields looked through (a device has ~30). */
#define PT_CFG_FIELDS_MAX	96

/*
 * Whether pciback emulates none of the bytes [off, off + size): its
 * xen_pcibk_config_write() then passes the write to the device only
 * with permissive set, and otherwise drops it and still answers 0.  The
 * device's emulated fields are the list in its xen_pcibk_dev_data, as
 * xen_pcibk_config_write() walks it.
 */
static __always_inline bool cfg_unhandled(struct xen_pcibk_dev_data *dd,
					  int off, int size)
{
	struct list_head *head, *pos;

	if (!bpf_core_type_exists(struct config_field_entry))
		return false;
	head = (void *)dd + bpf_core_field_offset(struct xen_pcibk_dev_data,
						  config_fields);
	pos = BPF_CORE_READ(dd, config_fields.next);
	for (int i = 0; i < PT_CFG_FIELDS_MAX; i++) {
		struct config_field_entry *ce;
		const struct config_field *f;
		int start, end;

		if (!pos)
			return false;
		if (pos == head)
			return true;
		ce = (void *)pos - bpf_core_field_offset(struct config_field_entry,
							 list);
		f = BPF_CORE_READ(ce, field);
		start = BPF_CORE_READ(ce, base_offset) + BPF_CORE_READ(f, offset);
		end = start + BPF_CORE_READ(f, size);
		if (off + size > start && end > off)
			return false;
		pos = BPF_CORE_READ(pos, next);
	}
	return false;	/* longer than looked through: claim nothing */
}

/*
 * A conf_write pciback answered with 0 but did not make: nothing
 * emulates the bytes, the device is not permissive, and pciback has
 * warned ("Driver tried to write to a read-only configuration space
 * field", once per device: warned_on_write).  With the module's global
 * permissive set, pciback writes instead and never warns, so a device
 * that has not warned is not claimed.
 */
static __always_inline __s32 cfg_dropped(struct pci_dev *dev, int off, int size)
{
	struct xen_pcibk_dev_data *dd;

	if (!dev || !bpf_core_type_exists(struct xen_pcibk_dev_data))
		return PT_NONE;
	dd = BPF_CORE_READ(dev, dev.driver_data);
	if (!dd)
		return PT_NONE;
	if (!cfg_unhandled(dd, off, size))
		return 0;
	return !BPF_CORE_READ_BITFIELD_PROBED(dd, permissive) &&
	       BPF_CORE_READ_BITFIELD_PROBED(dd, warned_on_write);
}

/* Which capability a config offset falls in (the ones Linux keeps). */
static __always_inline void cfg_where(struct pt_event *e, struct pci_dev *dev,
				      int off)
{
	int at;

	if (off >= 0 && off < 0x40) {
		e->pciback.cap = 0;
		e->pciback.capoff = off;
		return;
	}
	/* capabilities live below 0x100; beyond is extended config space */
	if (!dev || off >= 0x100)
		return;
	at = BPF_CORE_READ(dev, pm_cap);
	if (at && off >= at && off < at + 8)
		goto found_pm;
	at = BPF_CORE_READ(dev, msi_cap);
	if (at && off >= at && off < at + 24)
		goto found_msi;
	at = BPF_CORE_READ(dev, msix_cap);
	if (at && off >= at && off < at + 12)
		goto found_msix;
	at = BPF_CORE_READ(dev, pcie_cap);
	if (at && off >= at && off < at + 60)
		goto found_exp;
	return;
found_pm:
	e->pciback.cap = PCI_CAP_ID_PM;
	goto found;
found_msi:
	e->pciback.cap = PCI_CAP_ID_MSI;
	goto found;
found_msix:
	e->pciback.cap = PCI_CAP_ID_MSIX;
	goto found;
found_exp:
	e->pciback.cap = PCI_CAP_ID_EXP;
found:
	e->pciback.capoff = off - at;
}

/* Granted MSI-X vectors: leading entries pciback gave a pirq. */
#define PT_OP_VEC_MAX		64

static __always_inline void op_msix_granted(struct pt_event *e,
					    struct xen_pcibk_device *pdev)
{
	void *ents = (void *)pdev +
		bpf_core_field_offset(struct xen_pcibk_device, op) +
		bpf_core_field_offset(struct xen_pci_op, msix_entries);
	int n = 0;

	for (int i = 0; i < PT_OP_VEC_MAX; i++) {
		struct xen_msix_entry me;

		if (bpf_probe_read_kernel(&me, sizeof(me), ents + i * sizeof(me)) ||
		    !me.vector)
			break;
		if (!i)
			e->pciback.pirq = me.vector;
		n++;
	}
	e->pciback.nvec = n;
}

/*
 * One frontend op, done: pciback has written err and value back to the
 * shared page and notifies the frontend (xen_pcibk_do_one_op), so its
 * own copy (pdev->op) holds the request and the answer.
 *
 * Volume: conf_read is most of the traffic (the frontend's bus scan,
 * every driver's probe and capability walks, drivers that poll), and a
 * successful read changes nothing: it is only recorded when refused.
 * Every other op is: conf_writes change state and are few (tens per
 * guest boot: command, BAR sizing, power state, control words), and
 * MSI/MSI-X and AER ops are rarer still.
 */
static __always_inline int op_done(struct pt_task *t,
				   struct xen_pcibk_device *pdev)
{
	struct pt_vdev_key k = op_vkey(t, pdev);
	__u32 cmd = BPF_CORE_READ(pdev, op.cmd);
	__s32 err = BPF_CORE_READ(pdev, op.err);
	__s32 value = BPF_CORE_READ(pdev, op.value);
	struct pci_dev *dev = NULL;
	struct pt_event *e;
	struct pt_vdev *v;

	if (cmd == XEN_PCI_OP_conf_read && !err)
		return 0;
	v = bpf_map_lookup_elem(&pcibk_vdev, &k);
	e = ev_new(PT_EV_PCIBACK, PT_PCIBACK_OP);
	if (!e)
		return 0;
	e->hdr.ret = err;
	e->hdr.flags = PT_EVF_HAS_RET;
	pciback_fill(e, t->op_domid);
	e->pciback.op = cmd;
	e->pciback.vsbdf = k.vsbdf;
	if (v) {
		e->hdr.sbdf = v->sbdf;
		dev = (void *)v->dev;
	}
	switch (cmd) {
	case XEN_PCI_OP_conf_read:
	case XEN_PCI_OP_conf_write: {
		int off = BPF_CORE_READ(pdev, op.offset);
		int size = BPF_CORE_READ(pdev, op.size);

		e->pciback.offset = off;
		e->pciback.size = size;
		e->pciback.value = (__u32)value;
		cfg_where(e, dev, off);
		if (cmd == XEN_PCI_OP_conf_write && !err)
			e->pciback.dropped = cfg_dropped(dev, off, size);
		break;
	}
	case XEN_PCI_OP_enable_msi:
		if (!err) {
			e->pciback.nvec = 1;
			e->pciback.pirq = value;
		}
		break;
	case XEN_PCI_OP_enable_msix:
		/*
		 * Refused before dom0 tried (too many vectors, already
		 * enabled, memory decoding off), value still holds the
		 * vectors asked; a failed pci_enable_msix_exact() put its
		 * error there instead.
		 */
		if (!err)
			op_msix_granted(e, pdev);
		else if (value != err)
			e->pciback.nvec = value;
		break;
	case XEN_PCI_OP_disable_msi:
	case XEN_PCI_OP_disable_msix:
		/* the pirq of the device's INTx, which the guest uses again */
		if (!err && value)
			e->pciback.pirq = value;
		break;
	}
	ev_submit(e);
	return 0;
}

/*
 * notify_remote_via_irq(irq), called by xen_pcibk_do_one_op() when an op
 * is done, on the backend's event channel irq.  Everything else that
 * calls it (netback, blkback, ...) is not in a pciback op, or names
 * another irq, and costs one task-storage lookup.
 */
static __always_inline int h_notify_remote_via_irq(int irq)
{
	struct pt_task *t = task_state(false);
	struct xen_pcibk_device *pdev = op_backend(t);

	if (!pdev || BPF_CORE_READ(pdev, evtchn_irq) != irq)
		return 0;
	return op_done(t, pdev);
}
PT_ENTRY(notify_remote_via_irq, 1, (int irq), (irq))

/* 6.12 PVH dom0: pcistub_get_gsi_from_sbdf(unsigned int sbdf) */
PT_ALWAYS(pcistub_get_gsi_from_sbdf, (unsigned int sbdf))
static __always_inline int x_pcistub_get_gsi_from_sbdf(struct pt_slot *s, long ret,
						       unsigned int sbdf)
{
	return pciback_done(s, ret, PT_PCIBACK_GET_GSI, sbdf, PT_NONE);
}
PT_PAIR(pcistub_get_gsi_from_sbdf, P_PCISTUB_GSI, 1, (unsigned int sbdf), (sbdf))

/* ------------------------------------------- MSI-X control word writes */

static __always_inline __s32 worker_domid(void)
{
	struct pt_task *t = task_state(false);

	return t && t->in_op ? t->op_domid : PT_NONE;
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

static __always_inline int ctrl_done(struct pt_slot *s, long ret,
				     struct pci_dev *dev, __u16 value)
{
	struct pt_event *e = ev_exit(s, PT_EV_MSIX_CTRL, 0, ret);

	if (!e)
		return 0;
	e->hdr.sbdf = dev_sbdf(dev);
	fill_ctrl(e, value, PT_VIEW_PCIBACK, worker_domid());
	ev_submit(e);
	return 0;
}

/*
 * pciback's handler for a guest's write to the MSI or MSI-X flags word:
 * msi_msix_flags_write(dev, offset, new_value, data).  Only the MSI-X
 * one is reported; the return says whether pciback let it through.
 */
static __always_inline bool e_msi_msix_flags_write(struct pci_dev *dev,
						   int offset, __u16 value)
{
	__u8 cap = BPF_CORE_READ(dev, msix_cap);

	return cap && offset == cap + PCI_MSIX_FLAGS;
}
static __always_inline int x_msi_msix_flags_write(struct pt_slot *s, long ret,
						  struct pci_dev *dev,
						  int offset, __u16 value)
{
	return ctrl_done(s, ret, dev, value);
}
PT_PAIR(msi_msix_flags_write, P_MSIX_FLAGS_WRITE, 3,
	(struct pci_dev *dev, int offset, __u16 value), (dev, offset, value))

/*
 * Fallback when the flags handler is not traceable: every emulated
 * config write, xen_pcibk_config_write(dev, offset, size, value),
 * filtered to the ones that cover the MSI-X flags word.
 */
static __always_inline bool e_xen_pcibk_config_write(struct pci_dev *dev,
						     int offset, int size,
						     __u32 value)
{
	__u8 cap = BPF_CORE_READ(dev, msix_cap);
	int at = cap + PCI_MSIX_FLAGS;

	return cap && offset <= at && offset + size >= at + 2 && size <= 4;
}
static __always_inline int x_xen_pcibk_config_write(struct pt_slot *s, long ret,
						    struct pci_dev *dev,
						    int offset, int size,
						    __u32 value)
{
	int at = BPF_CORE_READ(dev, msix_cap) + PCI_MSIX_FLAGS;

	return ctrl_done(s, ret, dev,
			 (__u16)(value >> (((at - offset) & 3) * 8)));
}
PT_PAIR(xen_pcibk_config_write, P_PCIBK_CONFIG_WRITE, 4,
	(struct pci_dev *dev, int offset, int size, __u32 value),
	(dev, offset, size, value))

/*
 * dom0 Linux's own writes of the MSI-X flags word (enable, function
 * mask), which in a PV dom0 are the only MSI-X state Linux touches.
 */
static __always_inline int h_pci_write_config_word(struct pci_dev *dev,
						   int where, __u16 val)
{
	struct pt_event *e;
	__u8 cap;

	if (!dev)
		return 0;
	cap = BPF_CORE_READ(dev, msix_cap);
	if (!cap || where != cap + PCI_MSIX_FLAGS)
		return 0;
	e = ev_new(PT_EV_MSIX_CTRL, 0);
	if (!e)
		return 0;
	e->hdr.sbdf = dev_sbdf(dev);
	fill_ctrl(e, val, PT_VIEW_LINUX, PT_NONE);
	ev_submit(e);
	return 0;
}
PT_ENTRY(pci_write_config_word, 3,
	 (struct pci_dev *dev, int where, __u16 val), (dev, where, val))

/* ------------------------------------------------------------ resets */

static __always_inline int reset_done(struct pt_slot *s, long ret,
				      __u16 method, struct pci_dev *dev)
{
	struct pt_event *e = ev_exit(s, PT_EV_PCI_RESET, method, ret);

	if (!e)
		return 0;
	e->hdr.sbdf = dev_sbdf(dev);
	ev_submit(e);
	return 0;
}

/* fn(struct pci_dev *dev) */
#define RESET_HOOK(fn, slot, method)					\
PT_ALWAYS(fn, (struct pci_dev *dev))					\
static __always_inline int x_##fn(struct pt_slot *s, long ret,		\
				  struct pci_dev *dev)			\
{									\
	return reset_done(s, ret, method, dev);				\
}									\
PT_PAIR(fn, slot, 1, (struct pci_dev *dev), (dev))

/* fn(struct pci_dev *dev, bool probe): a probe call only asks whether the method exists */
#define RESET_HOOK_PROBE(fn, slot, method)				\
static __always_inline bool e_##fn(struct pci_dev *dev, __u8 probe)	\
{									\
	return !probe;							\
}									\
static __always_inline int x_##fn(struct pt_slot *s, long ret,		\
				  struct pci_dev *dev, __u8 probe)	\
{									\
	return reset_done(s, ret, method, dev);				\
}									\
PT_PAIR(fn, slot, 2, (struct pci_dev *dev, __u8 probe), (dev, probe))

RESET_HOOK(__pci_reset_function_locked, P_RESET_LOCKED, PT_RESET_FUNCTION_LOCKED)
RESET_HOOK(pci_reset_function, P_RESET_FN, PT_RESET_FUNCTION)
RESET_HOOK(pci_reset_function_locked, P_RESET_FN_LOCKED, PT_RESET_FUNCTION)
RESET_HOOK(pcie_flr, P_FLR, PT_RESET_FLR)
RESET_HOOK_PROBE(pci_af_flr, P_AF_FLR, PT_RESET_AF_FLR)
RESET_HOOK_PROBE(pci_pm_reset, P_PM_RESET, PT_RESET_PM)
RESET_HOOK(pci_reset_bus, P_RESET_BUS, PT_RESET_BUS)
/* 6.12: xen_reset_device(const struct pci_dev *) tells Xen (vPCI) */
RESET_HOOK(xen_reset_device, P_XEN_RESET, PT_RESET_XEN_NOTIFY)

/* --------------------------------------------------------------- GSI */

/* ret_irq: the return value is the Linux irq (else 0 or an error) */
static __always_inline int gsi_done(struct pt_slot *s, long ret, __u16 kind,
				    __u32 sbdf, __s32 gsi, __s32 trigger,
				    __s32 polarity, bool ret_irq)
{
	struct pt_event *e = ev_exit(s, PT_EV_GSI, kind, ret);

	if (!e)
		return 0;
	e->hdr.sbdf = sbdf;
	e->gsi.gsi = gsi;
	e->gsi.trigger = trigger;
	e->gsi.polarity = polarity;
	e->gsi.irq = ret_irq && ret >= 0 ? ret : PT_NONE;
	ev_submit(e);
	return 0;
}

/* acpi_register_gsi(dev, gsi, trigger, polarity): returns the irq */
PT_ALWAYS(acpi_register_gsi,
	  (struct device *dev, __u32 gsi, int trigger, int polarity))
static __always_inline int x_acpi_register_gsi(struct pt_slot *s, long ret,
					       struct device *dev, __u32 gsi,
					       int trigger, int polarity)
{
	return gsi_done(s, ret, PT_GSI_ACPI, device_sbdf(dev), gsi, trigger,
			polarity, true);
}
PT_PAIR(acpi_register_gsi, P_ACPI_GSI, 4,
	(struct device *dev, __u32 gsi, int trigger, int polarity),
	(dev, gsi, trigger, polarity))

PT_ALWAYS(acpi_register_gsi_xen,
	  (struct device *dev, __u32 gsi, int trigger, int polarity))
static __always_inline int x_acpi_register_gsi_xen(struct pt_slot *s, long ret,
						   struct device *dev, __u32 gsi,
						   int trigger, int polarity)
{
	return gsi_done(s, ret, PT_GSI_XEN, device_sbdf(dev), gsi, trigger,
			polarity, true);
}
PT_PAIR(acpi_register_gsi_xen, P_ACPI_GSI_XEN, 4,
	(struct device *dev, __u32 gsi, int trigger, int polarity),
	(dev, gsi, trigger, polarity))

/* xen_register_pirq(u32 gsi, int triggering, bool set_pirq) */
PT_ALWAYS(xen_register_pirq, (__u32 gsi, int triggering))
static __always_inline int x_xen_register_pirq(struct pt_slot *s, long ret,
					       __u32 gsi, int triggering)
{
	return gsi_done(s, ret, PT_GSI_XEN, PT_SBDF_NONE, gsi, triggering,
			PT_NONE, true);
}
PT_PAIR(xen_register_pirq, P_XEN_REG_PIRQ, 2, (__u32 gsi, int triggering),
	(gsi, triggering))

/* 6.12: xen_pvh_setup_gsi(int gsi, int trigger, int polarity): 0 or an error */
PT_ALWAYS(xen_pvh_setup_gsi, (int gsi, int trigger, int polarity))
static __always_inline int x_xen_pvh_setup_gsi(struct pt_slot *s, long ret,
					       int gsi, int trigger, int polarity)
{
	return gsi_done(s, ret, PT_GSI_PVH_SETUP, PT_SBDF_NONE, gsi, trigger,
			polarity, false);
}
PT_PAIR(xen_pvh_setup_gsi, P_PVH_GSI, 3, (int gsi, int trigger, int polarity),
	(gsi, trigger, polarity))

/* -------------------------------------------------------------- pirqs */

static __always_inline struct pt_event *pirq_exit(struct pt_slot *s, __u16 kind,
						  long ret)
{
	struct pt_event *e = ev_exit(s, PT_EV_PIRQ, kind, ret);

	if (!e)
		return NULL;
	e->pirq.gsi = PT_NONE;
	e->pirq.pirq = PT_NONE;
	e->pirq.irq = PT_NONE;
	e->pirq.domid = PT_NONE;
	e->pirq.entry = PT_NONE;
	e->pirq.nvec = PT_NONE;
	return e;
}

/* xen_bind_pirq_gsi_to_irq(unsigned gsi, unsigned pirq, int shareable, char *): the irq */
PT_ALWAYS(xen_bind_pirq_gsi_to_irq, (__u32 gsi, __u32 pirq))
static __always_inline int x_xen_bind_pirq_gsi_to_irq(struct pt_slot *s, long ret,
						      __u32 gsi, __u32 pirq)
{
	struct pt_event *e = pirq_exit(s, PT_PIRQ_BIND_GSI, ret);

	if (!e)
		return 0;
	e->pirq.gsi = gsi;
	e->pirq.pirq = pirq;
	e->pirq.domid = PT_DOMID_SELF;
	e->pirq.nvec = 1;
	if (ret >= 0)
		e->pirq.irq = ret;
	ev_submit(e);
	return 0;
}
PT_PAIR(xen_bind_pirq_gsi_to_irq, P_BIND_GSI, 2, (__u32 gsi, __u32 pirq),
	(gsi, pirq))

/*
 * xen_bind_pirq_msi_to_irq(dev, msidesc, pirq, nvec, name, domid): the
 * domid is the guest when dom0 maps a PV guest's MSI on its behalf.  Six
 * arguments: the kprobe reads the sixth itself (PT_PARM6).
 */
static __always_inline int x_xen_bind_pirq_msi_to_irq(struct pt_slot *s, long ret,
						      struct pci_dev *dev,
						      struct msi_desc *desc,
						      int pirq, int nvec,
						      __u16 domid)
{
	struct pt_event *e = pirq_exit(s, PT_PIRQ_BIND_MSI, ret);

	if (!e)
		return 0;
	e->hdr.sbdf = dev_sbdf(dev);
	e->pirq.entry = msi_entry(desc);
	e->pirq.pirq = pirq;
	e->pirq.nvec = nvec;
	e->pirq.domid = domid;
	if (ret >= 0)
		e->pirq.irq = ret;
	ev_submit(e);
	return 0;
}

SEC("?fentry/xen_bind_pirq_msi_to_irq")
int BPF_PROG(fe_xen_bind_pirq_msi_to_irq)
{
	slot_open(P_BIND_MSI);
	return 0;
}
SEC("?fexit/xen_bind_pirq_msi_to_irq")
int BPF_PROG(fx_xen_bind_pirq_msi_to_irq, struct pci_dev *dev,
	     struct msi_desc *desc, int pirq, int nvec, const char *name,
	     __u16 domid)
{
	struct pt_slot *s = slot_take(P_BIND_MSI);
	__u64 ret = 0;

	if (!s)
		return 0;
	bpf_get_func_ret(ctx, &ret);
	return x_xen_bind_pirq_msi_to_irq(s, (long)ret, dev, desc, pirq, nvec,
					  domid);
}
SEC("?kprobe/xen_bind_pirq_msi_to_irq")
int BPF_KPROBE(kp_xen_bind_pirq_msi_to_irq, struct pci_dev *dev,
	       struct msi_desc *desc, int pirq, int nvec)
{
	struct pt_slot *s = slot_open(P_BIND_MSI);

	if (s) {
		PT_SAVE(s, dev, desc, pirq, nvec);
		s->arg[5] = PT_PARM6(ctx);
	}
	return 0;
}
SEC("?kretprobe/xen_bind_pirq_msi_to_irq")
int BPF_KRETPROBE(kr_xen_bind_pirq_msi_to_irq, long ret)
{
	struct pt_slot *s = slot_take(P_BIND_MSI);

	if (!s)
		return 0;
	return x_xen_bind_pirq_msi_to_irq(s, ret, (void *)s->arg[0],
					  (void *)s->arg[1], (int)s->arg[2],
					  (int)s->arg[3], (__u16)s->arg[5]);
}
PT_KDISPATCH(xen_bind_pirq_msi_to_irq, 4)
PT_KRDISPATCH(xen_bind_pirq_msi_to_irq)

/* xen_allocate_pirq_msi(dev, msidesc): returns the pirq */
PT_ALWAYS(xen_allocate_pirq_msi, (struct pci_dev *dev, struct msi_desc *desc))
static __always_inline int x_xen_allocate_pirq_msi(struct pt_slot *s, long ret,
						   struct pci_dev *dev,
						   struct msi_desc *desc)
{
	struct pt_event *e = pirq_exit(s, PT_PIRQ_ALLOC, ret);

	if (!e)
		return 0;
	e->hdr.sbdf = dev_sbdf(dev);
	e->pirq.entry = msi_entry(desc);
	e->pirq.domid = PT_DOMID_SELF;
	if (ret >= 0)
		e->pirq.pirq = ret;
	ev_submit(e);
	return 0;
}
PT_PAIR(xen_allocate_pirq_msi, P_ALLOC_MSI, 2,
	(struct pci_dev *dev, struct msi_desc *desc), (dev, desc))

/* xen_destroy_irq(int irq): PHYSDEVOP_unmap_pirq for the irq's pirq */
PT_ALWAYS(xen_destroy_irq, (int irq))
static __always_inline int x_xen_destroy_irq(struct pt_slot *s, long ret, int irq)
{
	struct pt_event *e = pirq_exit(s, PT_PIRQ_DESTROY, ret);

	if (!e)
		return 0;
	e->pirq.irq = irq;
	ev_submit(e);
	return 0;
}
PT_PAIR(xen_destroy_irq, P_DESTROY, 1, (int irq), (irq))

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
	ev_submit(e);
	return 0;
}

static __always_inline int msi_done(struct pt_slot *s, long ret, __u16 kind,
				    struct pci_dev *dev, __u8 msix, __s32 nvec)
{
	struct pt_event *e = ev_exit(s, PT_EV_MSI, kind, ret);

	if (!e)
		return 0;
	e->hdr.sbdf = dev_sbdf(dev);
	e->msi.msix = msix;
	e->msi.nvec = nvec;
	ev_submit(e);
	return 0;
}

static __always_inline __u8 dev_msix_enabled(struct pci_dev *dev)
{
	if (!dev)
		return 0;
	return BPF_CORE_READ_BITFIELD_PROBED(dev, msix_enabled);
}

/* xen_initdom_setup_msi_irqs(dev, nvec, type) */
PT_ALWAYS(xen_initdom_setup_msi_irqs, (struct pci_dev *dev, int nvec, int type))
static __always_inline int x_xen_initdom_setup_msi_irqs(struct pt_slot *s, long ret,
							struct pci_dev *dev,
							int nvec, int type)
{
	return msi_done(s, ret, PT_MSI_SETUP, dev, type == PCI_CAP_ID_MSIX, nvec);
}
PT_PAIR(xen_initdom_setup_msi_irqs, P_SETUP_MSI, 3,
	(struct pci_dev *dev, int nvec, int type), (dev, nvec, type))

/*
 * By teardown, pci_disable_msix() has already cleared msix_enabled.  The
 * teardown runs inside the call that decided it, in the same task: the
 * pci_disable_msi(x) whose entry noted the kind (below), or a failed
 * __pci_enable_msix_range (its slot is open).  Outside both, the flags.
 * (A per-device map kept from the setup cost four times bpftrace's
 * per-call time in the lab, for the hash update and delete.)
 */
static __always_inline int h_xen_pv_teardown_msi_irqs(struct pci_dev *dev)
{
	struct pt_task *t = task_state(false);
	__u32 sbdf = dev_sbdf(dev);
	__u8 msix;

	if (t && t->disabling && t->disabling_sbdf == sbdf)
		msix = t->disabling == 2;
	else if (t && t->slot[P_ENABLE_MSIX].live)
		msix = 1;
	else
		msix = dev_msix_enabled(dev);
	if (t)
		t->disabling = 0;
	return msi_now(PT_MSI_TEARDOWN, dev, msix, PT_NONE);
}
PT_ENTRY(xen_pv_teardown_msi_irqs, 1, (struct pci_dev *dev), (dev))

/* __pci_enable_msix_range(dev, entries, minvec, maxvec, affd, flags) */
PT_ALWAYS(__pci_enable_msix_range,
	  (struct pci_dev *dev, void *entries, int minvec, int maxvec))
static __always_inline int x___pci_enable_msix_range(struct pt_slot *s, long ret,
						     struct pci_dev *dev,
						     void *entries, int minvec,
						     int maxvec)
{
	op_learn(dev);
	return msi_done(s, ret, PT_MSI_ENABLE, dev, 1, maxvec);
}
PT_PAIR(__pci_enable_msix_range, P_ENABLE_MSIX, 4,
	(struct pci_dev *dev, void *entries, int minvec, int maxvec),
	(dev, entries, minvec, maxvec))

/* The kind of the teardown this disable may run (xen_pv_teardown_msi_irqs). */
static __always_inline void note_disabling(struct pci_dev *dev, __u8 msix)
{
	struct pt_task *t = task_state(true);

	if (!t)
		return;
	t->disabling_sbdf = dev_sbdf(dev);
	t->disabling = msix + 1;
}

/* pci_enable_msi(dev): one MSI vector (pciback's enable_msi calls it). */
PT_ALWAYS(pci_enable_msi, (struct pci_dev *dev))
static __always_inline int x_pci_enable_msi(struct pt_slot *s, long ret,
					    struct pci_dev *dev)
{
	op_learn(dev);
	return msi_done(s, ret, PT_MSI_ENABLE, dev, 0, 1);
}
PT_PAIR(pci_enable_msi, P_ENABLE_MSI, 1, (struct pci_dev *dev), (dev))

static __always_inline int h_pci_disable_msix(struct pci_dev *dev)
{
	note_disabling(dev, 1);
	return msi_now(PT_MSI_DISABLE, dev, 1, PT_NONE);
}
PT_ENTRY(pci_disable_msix, 1, (struct pci_dev *dev), (dev))

static __always_inline int h_pci_disable_msi(struct pci_dev *dev)
{
	note_disabling(dev, 0);
	return msi_now(PT_MSI_DISABLE, dev, 0, PT_NONE);
}
PT_ENTRY(pci_disable_msi, 1, (struct pci_dev *dev), (dev))

/* ---------------------------------------- event channels, pirq masking */

static __always_inline int evtchn_done(struct pt_slot *s, long ret, __u32 sbdf,
				       struct irq_info___xen *info, __s32 irq)
{
	struct pt_event *e = ev_exit(s, PT_EV_EVTCHN, PT_EVTCHN_BIND, ret);

	if (!e)
		return 0;
	e->hdr.sbdf = sbdf;
	fill_evtchn(e, info, irq);
	ev_submit(e);
	return 0;
}

/*
 * startup_pirq(struct irq_data *): EVTCHNOP_bind_pirq.  The port is only
 * known after the call: the event is built at the return.
 */
PT_ALWAYS(startup_pirq, (struct irq_data *d))
static __always_inline int x_startup_pirq(struct pt_slot *s, long ret,
					  struct irq_data *d)
{
	return evtchn_done(s, ret, msi_sbdf(irqd_msi(d)), xen_info(d),
			   BPF_CORE_READ(d, irq));
}
PT_PAIR(startup_pirq, P_STARTUP, 1, (struct irq_data *d), (d))

/* __startup_pirq(unsigned irq) in 6.1, (struct irq_info *) in 6.12 */
PT_ALWAYS(__startup_pirq, (__u64 arg))
static __always_inline int x___startup_pirq(struct pt_slot *s, long ret,
					    __u64 arg)
{
	struct irq_info___xen *info = NULL;
	__s32 irq = (__s32)arg;

	if (pt_startup_pirq_info) {
		info = (void *)arg;
		irq = info ? BPF_CORE_READ(info, irq) : PT_NONE;
	}
	return evtchn_done(s, ret, PT_SBDF_NONE, info, irq);
}
PT_PAIR(__startup_pirq, P___STARTUP, 1, (__u64 arg), (arg))

static __always_inline int irqd_evtchn(struct irq_data *d, __u16 kind)
{
	struct pt_event *e = ev_new(PT_EV_EVTCHN, kind);

	if (!e)
		return 0;
	e->hdr.sbdf = msi_sbdf(irqd_msi(d));
	fill_evtchn(e, xen_info(d), BPF_CORE_READ(d, irq));
	ev_submit(e);
	return 0;
}

static __always_inline int h_shutdown_pirq(struct irq_data *d)
{
	return irqd_evtchn(d, PT_EVTCHN_CLOSE);
}
PT_ENTRY(shutdown_pirq, 1, (struct irq_data *d), (d))

static __always_inline int h_enable_pirq(struct irq_data *d)
{
	return irqd_evtchn(d, PT_EVTCHN_ENABLE);
}
PT_ENTRY(enable_pirq, 1, (struct irq_data *d), (d))

static __always_inline int h_disable_pirq(struct irq_data *d)
{
	return irqd_evtchn(d, PT_EVTCHN_DISABLE);
}
PT_ENTRY(disable_pirq, 1, (struct irq_data *d), (d))

static __always_inline int h_mask_ack_pirq(struct irq_data *d)
{
	return irqd_evtchn(d, PT_EVTCHN_MASK_ACK);
}
PT_ENTRY(mask_ack_pirq, 1, (struct irq_data *d), (d))

/* __unbind_from_irq(struct irq_info *, unsigned irq); older: (unsigned irq) */
static __always_inline int h___unbind_from_irq(void *arg, __u32 irq)
{
	struct irq_info___xen *info = arg;
	struct pt_event *e;

	/*
	 * Every kind of Xen irq is unbound here; only irq_info says which
	 * are pirqs.  The older (unsigned irq) form cannot tell, and the
	 * planner leaves the row off there (shutdown_pirq covers pirqs).
	 */
	if (!pt_unbind_info || !bpf_core_type_exists(struct irq_info___xen) ||
	    !bpf_core_field_exists(((struct irq_info___xen *)0)->type))
		return 0;
	if (!info || BPF_CORE_READ(info, type) != IRQT_PIRQ)
		return 0;
	e = ev_new(PT_EV_EVTCHN, PT_EVTCHN_CLOSE);
	if (!e)
		return 0;
	fill_evtchn(e, info, irq);
	ev_submit(e);
	return 0;
}
PT_ENTRY(__unbind_from_irq, 2, (void *arg, __u32 irq), (arg, irq))

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
	e->vmask.domid = PT_NONE;
	e->vmask.masked = masked;
	e->vmask.view = PT_VIEW_LINUX;
	ev_submit(e);
	return 0;
}

static __always_inline int h_pci_msi_mask_irq(struct irq_data *d)
{
	return vmask_irqd(d, 1);
}
PT_ENTRY(pci_msi_mask_irq, 1, (struct irq_data *d), (d))

static __always_inline int h_pci_msi_unmask_irq(struct irq_data *d)
{
	return vmask_irqd(d, 0);
}
PT_ENTRY(pci_msi_unmask_irq, 1, (struct irq_data *d), (d))

/* pci_msi_update_mask(desc, clear, set): MSI (not MSI-X) mask bits */
static __always_inline int h_pci_msi_update_mask(struct msi_desc *desc,
						 __u32 clear, __u32 set)
{
	struct pt_event *e = ev_new(PT_EV_VECTOR_MASK, 0);

	if (!e)
		return 0;
	e->hdr.sbdf = msi_sbdf(desc);
	e->vmask.entry = msi_entry(desc);
	e->vmask.irq = desc ? BPF_CORE_READ(desc, irq) : PT_NONE;
	e->vmask.pirq = PT_NONE;
	e->vmask.domid = PT_NONE;
	e->vmask.masked = set != 0;
	e->vmask.view = PT_VIEW_LINUX;
	ev_submit(e);
	return 0;
}
PT_ENTRY(pci_msi_update_mask, 3,
	 (struct msi_desc *desc, __u32 clear, __u32 set), (desc, clear, set))

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

/* Offset of the sub-op's result in its argument struct, -1: none kept. */
static __always_inline int hc_out_offset(__u32 op, __u32 sub)
{
	if (op == PT_HC_PHYSDEV_OP)
		switch (sub) {
		case 13: return PT_HC_OUT_MAP_PIRQ;	/* PHYSDEVOP_map_pirq */
		case 23: return PT_HC_OUT_GET_FREE_PIRQ; /* PHYSDEVOP_get_free_pirq */
		}
	if (op == PT_HC_EVENT_CHANNEL_OP)
		switch (sub) {
		case 0: return PT_HC_OUT_BIND_INTERDOMAIN;
		case 1: return PT_HC_OUT_BIND_VIRQ;
		case 2: return PT_HC_OUT_BIND_PIRQ;
		case 6: return PT_HC_OUT_ALLOC_UNBOUND;
		case 7: return PT_HC_OUT_BIND_IPI;
		}
	return -1;
}

/*
 * The task's hypercall slot, its event started (header, op, sub-op, args
 * cleared: userspace decodes them from raw); NULL when no slot (counted
 * as lost).
 */
static __always_inline struct pt_hcstash *hc_begin(__u32 op, __u32 cmd)
{
	struct pt_hcstash *st;
	struct pt_event *e;
	__u64 *p;

	st = bpf_task_storage_get(&hcstate, bpf_get_current_task_btf(), 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st) {
		count_lost();
		return NULL;
	}
	e = &st->ev;
	hdr_fill(e, bpf_ktime_get_ns(), bpf_get_smp_processor_id(),
		 PT_EV_HYPERCALL, 0);
	p = (__u64 *)&e->hc.args;
	for (int i = 0; i < sizeof(e->hc.args) / 8; i++)
		p[i] = 0;
	e->hc.op = op;
	e->hc.cmd = cmd;
	return st;
}

/*
 * privcmd's DM_OP ioctl: the device model's op is in the first of the
 * caller's buffers (struct privcmd_dm_op -> privcmd_dm_op_buf -> struct
 * xen_dm_op).  raw[] gets the domain and buffer count, then that buffer.
 */
static __always_inline int h_privcmd_dm_op(void *arg)
{
	struct { __u16 dom; __u16 num; __u32 pad; __u64 ubufs; } d;
	struct { __u64 uptr; __u64 size; } buf;
	struct pt_dm_op_head head = {};
	struct pt_hcstash *st;
	struct pt_event *e;
	__u32 op, len;
	__u64 size;

	if (bpf_probe_read_user(&d, sizeof(d), arg) || !d.num ||
	    bpf_probe_read_user(&buf, sizeof(buf), (void *)d.ubufs) ||
	    bpf_probe_read_user(&op, sizeof(op), (void *)buf.uptr))
		return 0;
	if (op >= 32 || !(PT_DMOP_WANTED & (1u << op)))
		return 0;
	st = hc_begin(PT_HC_DM_OP, op);
	if (!st)
		return 0;
	e = &st->ev;
	head.dom = d.dom;
	head.nbufs = d.num;
	__builtin_memcpy(e->hc.raw, &head, sizeof(head));
	/* compared and passed as one 64-bit value: the verifier sees the bound */
	size = buf.size;
	if (size > PT_HC_RAW_MAX - sizeof(head))
		size = PT_HC_RAW_MAX - sizeof(head);
	len = size;
	if (bpf_probe_read_user(e->hc.raw + sizeof(head), size,
				(void *)buf.uptr)) {
		e->hdr.flags |= PT_EVF_TRUNCATED;
		len = 0;
	}
	e->hc.raw_len = sizeof(head) + len;
	e->hc.out = 0;
	st->out_at = 0;
	st->live = 1;
	return 0;
}

/*
 * privcmd_ioctl(file, cmd, arg): privcmd_ioctl_hypercall is inlined, so
 * the hypercall is taken from the ioctl's user argument.  The sub-op's
 * argument struct is copied now, before Xen writes results into it,
 * into the task's hypercall buffer; the return copies the event out.
 */
static __always_inline int h_privcmd_ioctl(struct file *file, __u32 cmd,
					   void *arg)
{
	struct pt_privcmd_hypercall hc;
	struct pt_hcstash *st;
	struct pt_event *e;
	__u32 sub = 0, len;
	const void *ptr;

	if (cmd == PT_IOCTL_PRIVCMD_DM_OP)
		return h_privcmd_dm_op(arg);
	if (cmd != PT_IOCTL_PRIVCMD_HYPERCALL)
		return 0;
	if (bpf_probe_read_user(&hc, sizeof(hc), arg))
		return 0;
	switch (hc.op) {
	case PT_HC_PHYSDEV_OP:
		sub = hc.arg[0];
		ptr = (void *)hc.arg[1];
		len = physdev_size(sub);
		break;
	case PT_HC_EVENT_CHANNEL_OP:
		sub = hc.arg[0];
		ptr = (void *)hc.arg[1];
		len = evtchn_size(sub);
		break;
	case PT_HC_DOMCTL:
		ptr = (void *)hc.arg[0];
		len = PT_XEN_DOMCTL_SIZE;
		if (bpf_probe_read_user(&sub, sizeof(sub), ptr))
			sub = 0xffffffff;
		break;
	default:
		return 0;
	}
	st = hc_begin(hc.op, sub);
	if (!st)
		return 0;
	e = &st->ev;
	if (len > PT_HC_RAW_MAX)
		len = PT_HC_RAW_MAX;
	if (bpf_probe_read_user(e->hc.raw, len, ptr)) {
		e->hdr.flags |= PT_EVF_TRUNCATED;
		len = 0;
	}
	e->hc.raw_len = len;
	e->hc.out = 0;
	sub = hc_out_offset(hc.op, sub);
	st->out_at = (int)sub >= 0 ? (__u64)ptr + sub : 0;
	st->live = 1;
	return 0;
}

static __always_inline int x_privcmd_ioctl(long ret)
{
	struct pt_hcstash *st;
	struct pt_event *e;

	st = bpf_task_storage_get(&hcstate, bpf_get_current_task_btf(), 0, 0);
	if (!st || !st->live)
		return 0;
	st->live = 0;
	e = ev_reserve();
	if (!e)
		return 0;
	bpf_probe_read_kernel(e, sizeof(*e), &st->ev);
	e->hdr.ret = ret;
	e->hdr.flags |= PT_EVF_HAS_RET;
	/* what Xen wrote back: only a call that succeeded wrote it */
	if (ret == 0 && st->out_at &&
	    !bpf_probe_read_user(&e->hc.out, sizeof(e->hc.out),
				 (void *)st->out_at))
		e->hdr.flags |= PT_EVF_HC_OUT;
	ev_submit(e);
	return 0;
}

SEC("?fentry/privcmd_ioctl")
int BPF_PROG(fe_privcmd_ioctl, struct file *file, __u32 cmd, void *arg)
{
	return h_privcmd_ioctl(file, cmd, arg);
}
SEC("?fexit/privcmd_ioctl")
int BPF_PROG(fx_privcmd_ioctl)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	return x_privcmd_ioctl((long)ret);
}
SEC("?kprobe/privcmd_ioctl")
int BPF_KPROBE(kp_privcmd_ioctl, struct file *file, __u32 cmd, void *arg)
{
	return h_privcmd_ioctl(file, cmd, arg);
}
SEC("?kretprobe/privcmd_ioctl")
int BPF_KRETPROBE(kr_privcmd_ioctl, long ret)
{
	return x_privcmd_ioctl(ret);
}
PT_KDISPATCH(privcmd_ioctl, 3)
PT_KRDISPATCH(privcmd_ioctl)

/* ---------------------------------------------------- shared programs */

#define PT_KP_CASE(fn, exit)	case PT_H_##fn: return d_kp_##fn(ctx);
#define PT_KR_CASE(fn, exit)	PT_KR_CASE_##exit(fn)
#define PT_KR_CASE_0(fn)
#define PT_KR_CASE_1(fn)	case PT_H_##fn: return d_kr_##fn(ctx);

/* The cookie is the hook number (enum pt_hook): one program, many functions. */
#define PT_DISPATCH(name, hooks)					\
static __always_inline int kp_dispatch_##name(struct pt_regs *ctx)	\
{									\
	switch (bpf_get_attach_cookie(ctx)) {				\
	hooks(PT_KP_CASE)						\
	}								\
	return 0;							\
}									\
static __always_inline int kr_dispatch_##name(struct pt_regs *ctx)	\
{									\
	switch (bpf_get_attach_cookie(ctx)) {				\
	hooks(PT_KR_CASE)						\
	}								\
	return 0;							\
}

PT_DISPATCH(all, PT_HOOKS)
PT_DISPATCH(vmlinux, PT_HOOKS_VMLINUX)
PT_DISPATCH(modules, PT_HOOKS_MODULES)

/* one kprobe (kretprobe) per function, each with its hook as cookie */
SEC("?kprobe")
int kp_cookie(struct pt_regs *ctx)
{
	return kp_dispatch_all(ctx);
}

SEC("?kretprobe")
int kr_cookie(struct pt_regs *ctx)
{
	return kr_dispatch_all(ctx);
}

/* all vmlinux functions in one kprobe_multi link (fprobe), a cookie each */
SEC("?kprobe.multi")
int km_entry(struct pt_regs *ctx)
{
	return kp_dispatch_vmlinux(ctx);
}

SEC("?kretprobe.multi")
int km_exit(struct pt_regs *ctx)
{
	return kr_dispatch_vmlinux(ctx);
}

/* beside km_entry/km_exit: the module functions, one kprobe each */
SEC("?kprobe")
int kp_module(struct pt_regs *ctx)
{
	return kp_dispatch_modules(ctx);
}

SEC("?kretprobe")
int kr_module(struct pt_regs *ctx)
{
	return kr_dispatch_modules(ctx);
}

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

