// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The probe table and the planner: which kernel function each row uses,
 * with which attach kind, on the running kernel, and why not when it
 * cannot.  One row never stops another: the planner and the loader only
 * ever mark a row missing or failed.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "pt_grow.h"
#include "core_btf.h"
#include "kprobe_arm.h"
#include "probes.h"
#include "collect.skel.h"
#include "bpf/collect.h"

#define FK	(PT_ATTACH_FENTRY | PT_ATTACH_KPROBE)
/*
 * Alternatives name their hook in PT_HOOKS (bpf/collect.h): a function
 * without programs in bpf/collect.bpf.c does not compile here, and
 * tests/bpf/run checks the object holds each row's programs.
 */
#define ALT(f)		{ #f, #f, PT_H_##f }
#define ALT1(f)		{ ALT(f) }
#define ALT2(f, g)	{ ALT(f), ALT(g) }

/*
 * The rows.  Order matters only for printing: pciback, resets, GSI,
 * pirqs, MSI, event channels and masking, hypercalls.
 */
const struct pt_probe_def pt_probe_table[] = {
	{ "pciback_probe", PT_MOD_PCIBACK, ALT1(pcistub_probe), FK, true, false, true,
	  "pciback probe (ret)", "6.1, 6.12",
	  "devices bound to pciback are not seen when they arrive" },
	{ "pciback_seize", PT_MOD_PCIBACK, ALT1(pcistub_seize), FK, true, false, true,
	  "pciback seize (ret)", "6.1, 6.12",
	  "seizing a device for passthrough is not seen" },
	{ "pciback_init_device", PT_MOD_PCIBACK, ALT1(pcistub_init_device), FK, true, false, true,
	  "pciback init (ret)", "6.1 (pci_dev *), 6.12 (pcistub_device *)",
	  "pciback's first reset and config-space setup of a device is not seen" },
	{ "pciback_get", PT_MOD_PCIBACK,
	  ALT2(pcistub_get_pci_dev_by_slot, pcistub_get_pci_dev), FK, true, false, true,
	  "pciback get (domid, ret)", "6.1, 6.12",
	  "handing a device to a PV guest is seen only through hypercalls" },
	{ "pciback_put", PT_MOD_PCIBACK, ALT1(pcistub_put_pci_dev), FK, false, true, true,
	  "pciback put", "6.1, 6.12",
	  "a device coming back from a guest is not seen: reset-before-unbind cannot be detected" },
	{ "pciback_release", PT_MOD_PCIBACK, ALT1(pcistub_device_release), FK, false, false, true,
	  "pciback release", "6.1, 6.12",
	  "the end of pciback's hold on a device is not seen" },
	{ "pciback_remove", PT_MOD_PCIBACK, ALT1(pcistub_remove), FK, false, false, true,
	  "pciback remove", "6.1, 6.12",
	  "unbinding a device from pciback is not seen" },
	{ "pciback_reset", PT_MOD_PCIBACK, ALT1(xen_pcibk_reset_device), FK, false, true, true,
	  "pciback reset", "6.1, 6.12",
	  "pciback's own device reset is not seen: reset ordering rules are blind" },
	{ "pciback_op", PT_MOD_PCIBACK, ALT1(xen_pcibk_do_op), FK, true, false, true,
	  "the guest (domid) a pciback op serves, for the op and MSI-X control writes", "6.1, 6.12",
	  "PV frontend requests are not seen and pciback MSI-X control writes lose their domid" },
	{ "pciback_op_done", PT_MOD_VMLINUX, ALT1(notify_remote_via_irq), FK, false, false, true,
	  "pciback op (op, args, ret = err pciback answered)", "6.1, 6.12",
	  "pciback ops are not decoded: a refused MSI/MSI-X enable or a dropped config write is not seen" },
	{ "pciback_conf_read", PT_MOD_PCIBACK, ALT1(xen_pcibk_config_read), FK, false, false, true,
	  "the host device of the slot a pciback op names", "6.1, 6.12",
	  "pciback ops that touch no device keep the guest's slot only (no sbdf)" },
	{ "pciback_get_gsi", PT_MOD_PCIBACK, ALT1(pcistub_get_gsi_from_sbdf), FK, true, false, true,
	  "pciback get_gsi (sbdf, ret = gsi)", "6.12+",
	  "the PVH dom0 GSI lookup for passthrough (privcmd PCIDEV_GET_GSI) is not seen" },
	{ "pciback_msix_ctrl", PT_MOD_PCIBACK,
	  ALT2(msi_msix_flags_write, xen_pcibk_config_write), FK, true, false, true,
	  "msix_ctrl, view pciback (ret: refused or not)", "6.1, 6.12",
	  "a guest's writes of MSI-X enable/function mask through pciback are not seen" },
	{ "linux_msix_ctrl", PT_MOD_VMLINUX, ALT1(pci_write_config_word), FK, false, false, false,
	  "msix_ctrl, view linux", "all",
	  "dom0 Linux's own MSI-X enable/function-mask writes are not seen" },

	{ "reset_function_locked", PT_MOD_VMLINUX, ALT1(__pci_reset_function_locked), FK, true, true, false,
	  "pci_reset function_locked (ret)", "all",
	  "function resets (pciback, sysfs, VFIO) are not seen: reset rules are blind" },
	{ "reset_function", PT_MOD_VMLINUX, ALT1(pci_reset_function), FK, true, false, false,
	  "pci_reset function (ret)", "all", "pci_reset_function callers are not told apart" },
	{ "reset_function_locked_api", PT_MOD_VMLINUX, ALT1(pci_reset_function_locked), FK, true, false, false,
	  "pci_reset function (ret)", "all", "pci_reset_function_locked callers are not told apart" },
	{ "reset_flr", PT_MOD_VMLINUX, ALT1(pcie_flr), FK, true, false, false,
	  "pci_reset flr (ret)", "all", "the reset method (FLR) is not known" },
	{ "reset_af_flr", PT_MOD_VMLINUX, ALT1(pci_af_flr), FK, true, false, false,
	  "pci_reset af_flr (ret)", "all", "the reset method (AF FLR) is not known" },
	{ "reset_pm", PT_MOD_VMLINUX, ALT1(pci_pm_reset), FK, true, false, false,
	  "pci_reset pm (ret)", "all", "the reset method (D3hot) is not known" },
	{ "reset_bus", PT_MOD_VMLINUX, ALT1(pci_reset_bus), FK, true, false, false,
	  "pci_reset bus (ret)", "all", "secondary bus resets are not seen" },
	{ "reset_xen_notify", PT_MOD_VMLINUX, ALT1(xen_reset_device), FK, true, false, true,
	  "pci_reset xen_notify (ret)", "6.12+",
	  "whether Xen (vPCI) was told about a reset is only seen as a hypercall" },

	{ "gsi_acpi", PT_MOD_VMLINUX, ALT1(acpi_register_gsi), FK, true, true, false,
	  "gsi acpi (sbdf, gsi, ret = irq)", "all",
	  "GSI registration is not seen: 'Linux irq used as GSI' cannot be detected" },
	{ "gsi_xen", PT_MOD_VMLINUX, ALT1(acpi_register_gsi_xen), FK, true, false, true,
	  "gsi xen (sbdf, gsi, ret = irq)", "6.1, 6.12 (PV dom0)",
	  "the PV dom0 GSI path is only seen through acpi_register_gsi" },
	{ "gsi_xen_pirq", PT_MOD_VMLINUX, ALT1(xen_register_pirq), FK, true, false, true,
	  "gsi xen (gsi, ret = irq)", "6.1, 6.12",
	  "GSI pirq mapping by dom0 is only seen through the bind" },
	{ "gsi_pvh_setup", PT_MOD_VMLINUX, ALT1(xen_pvh_setup_gsi), FK, true, false, true,
	  "gsi pvh_setup (gsi, ret)", "6.12+",
	  "PVH dom0 GSI setup is not seen: 'GSI never registered' rests on hypercalls only" },

	{ "pirq_bind_gsi", PT_MOD_VMLINUX, ALT1(xen_bind_pirq_gsi_to_irq), FK, true, true, true,
	  "pirq bind_gsi (gsi, pirq, ret = irq)", "6.1, 6.12",
	  "GSI pirq to irq bindings are unknown: irq-only events cannot be joined" },
	{ "pirq_bind_msi", PT_MOD_VMLINUX, ALT1(xen_bind_pirq_msi_to_irq), FK, true, true, true,
	  "pirq bind_msi (sbdf, entry, pirq, domid, ret = irq)", "6.1, 6.12",
	  "MSI pirq bindings and their owning domain are unknown" },
	{ "pirq_alloc_msi", PT_MOD_VMLINUX, ALT1(xen_allocate_pirq_msi), FK, true, false, true,
	  "pirq alloc (sbdf, entry, ret = pirq)", "6.1, 6.12",
	  "dom0's own MSI pirq allocations are seen only at bind" },
	{ "pirq_destroy", PT_MOD_VMLINUX, ALT1(xen_destroy_irq), FK, true, true, true,
	  "pirq destroy (irq, ret)", "6.1, 6.12",
	  "pirq unmapping is not seen: stale-pirq and teardown-order rules are blind" },

	{ "msi_setup", PT_MOD_VMLINUX, ALT1(xen_initdom_setup_msi_irqs), FK, true, true, true,
	  "msi setup (sbdf, nvec, msix, ret)", "6.1, 6.12 (PV dom0)",
	  "dom0 mapping MSI for itself or a PV guest is seen only per vector" },
	{ "msi_teardown", PT_MOD_VMLINUX, ALT1(xen_pv_teardown_msi_irqs), FK, false, false, true,
	  "msi teardown (sbdf)", "6.1, 6.12 (PV dom0)",
	  "MSI teardown is seen only as pirq destroys" },
	{ "msix_enable", PT_MOD_VMLINUX, ALT1(__pci_enable_msix_range), FK, true, false, false,
	  "msi enable (sbdf, nvec, ret)", "all",
	  "driver MSI-X enables are seen only through Xen's setup" },
	{ "msi_enable", PT_MOD_VMLINUX, ALT1(pci_enable_msi), FK, true, false, false,
	  "msi enable msi (sbdf, ret)", "all",
	  "driver (and pciback) MSI enables, and dom0 refusing them, are not seen" },
	{ "msix_disable", PT_MOD_VMLINUX, ALT1(pci_disable_msix), FK, false, false, false,
	  "msi disable msix (sbdf)", "all", "driver MSI-X disables are not seen" },
	{ "msi_disable", PT_MOD_VMLINUX, ALT1(pci_disable_msi), FK, false, false, false,
	  "msi disable msi (sbdf)", "all", "driver MSI disables are not seen" },

	{ "evtchn_bind", PT_MOD_VMLINUX, ALT2(startup_pirq, __startup_pirq), FK, true, true, true,
	  "evtchn bind (irq, pirq, port after the call, domid)", "6.1, 6.12",
	  "pirq to event-channel bindings are unknown: the port reuse race cannot be detected" },
	{ "evtchn_shutdown", PT_MOD_VMLINUX, ALT1(shutdown_pirq), FK, false, false, true,
	  "evtchn close (irq, pirq, port)", "6.1, 6.12",
	  "closing a pirq's event channel is seen only at unbind" },
	{ "evtchn_unbind", PT_MOD_VMLINUX, ALT1(__unbind_from_irq), FK, false, false, true,
	  "evtchn close (irq, pirq, port)", "6.1 (irq_info *, irq), 6.12",
	  "event-channel unbinds are seen only through shutdown_pirq" },
	{ "pirq_enable", PT_MOD_VMLINUX, ALT1(enable_pirq), FK, false, false, true,
	  "evtchn enable: pirq unmasked (view pirq)", "6.1, 6.12",
	  "pirq unmasking in a PV dom0 is not seen" },
	{ "pirq_disable", PT_MOD_VMLINUX, ALT1(disable_pirq), FK, false, false, true,
	  "evtchn disable: pirq masked (view pirq)", "6.1, 6.12",
	  "pirq masking in a PV dom0 is not seen" },
	{ "pirq_mask_ack", PT_MOD_VMLINUX, ALT1(mask_ack_pirq), FK, false, false, true,
	  "evtchn mask_ack: pirq masked (view pirq)", "6.1, 6.12",
	  "mask-and-ack of a pirq is not seen" },
	{ "msi_mask", PT_MOD_VMLINUX, ALT1(pci_msi_mask_irq), FK, false, false, false,
	  "vector_mask masked (view linux)", "all (native, PVH dom0)",
	  "per-vector masking by Linux is not seen (never happens in a PV dom0)" },
	{ "msi_unmask", PT_MOD_VMLINUX, ALT1(pci_msi_unmask_irq), FK, false, false, false,
	  "vector_mask unmasked (view linux)", "all (native, PVH dom0)",
	  "per-vector unmasking by Linux is not seen (never happens in a PV dom0)" },
	{ "msi_update_mask", PT_MOD_VMLINUX, ALT1(pci_msi_update_mask), FK, false, false, false,
	  "vector_mask for plain MSI (view linux)", "6.1 (static noinline), 6.12",
	  "plain MSI mask-bit writes are not seen" },

	{ "hypercall", PT_MOD_PRIVCMD, ALT1(privcmd_ioctl), FK, true, true, true,
	  "hypercall physdev_op/domctl/event_channel_op, the device model's dm_op (raw args, ret)", "6.1, 6.12",
	  "toolstack hypercalls (map_pirq, bind_pt_irq, assign_device, ...) are not seen: most rules are blind" },
};

const size_t pt_probe_count = sizeof(pt_probe_table) / sizeof(pt_probe_table[0]);

static const char *const mod_names[] = {
	[PT_MOD_VMLINUX] = "vmlinux",
	[PT_MOD_PCIBACK] = "xen_pciback",
	[PT_MOD_PRIVCMD] = "xen_privcmd",
};

const char *pt_module_name(enum pt_module m)
{
	return m <= PT_MOD_PRIVCMD ? mod_names[m] : "?";
}

const char *pt_attach_name(enum pt_attach kind, bool exit)
{
	switch (kind) {
	case PT_ATTACH_FENTRY:
		return exit ? "fexit" : "fentry";
	case PT_ATTACH_KPROBE:
		return exit ? "kretprobe" : "kprobe";
	default:
		return "-";
	}
}

const char *pt_probe_state_name(enum pt_probe_state s)
{
	switch (s) {
	case PT_PROBE_ATTACHED:
		return "attached";
	case PT_PROBE_MISSING:
		return "missing";
	case PT_PROBE_FAILED:
		return "failed";
	case PT_PROBE_DISABLED:
		return "disabled";
	}
	return "?";
}

/* ------------------------------------------------------------ libbpf log */

static bool libbpf_verbose;
static const char *custom_btf;

/*
 * CO-RE relocations libbpf could not resolve (it replaces the instruction
 * with an invalid one, fine in dead code).  Kept per spec so a test can
 * tell the guarded ones from a real miss.
 */
#define MAX_UNRESOLVED	64
static struct {
	char spec[96];
	int n;
} unresolved[MAX_UNRESOLVED];
static size_t nunresolved;
static bool note_relocs;	/* pt_libbpf_note_relocations() */
static char relo_key[96], relo_spec[96];

static void note_relo(const char *msg)
{
	const char *p = strstr(msg, "relo #"), *q;
	char key[96];
	size_t n;

	if (!p)
		return;
	q = strchr(p, ':');
	if (!q)
		return;
	n = q - msg < (long)sizeof(key) - 1 ? (size_t)(q - msg) : sizeof(key) - 1;
	memcpy(key, msg, n);
	key[n] = '\0';
	if (strstr(q, "substituting insn") && strstr(q, "invalid insn")) {
		if (strcmp(key, relo_key))
			return;
		for (size_t i = 0; i < nunresolved; i++)
			if (!strcmp(unresolved[i].spec, relo_spec)) {
				unresolved[i].n++;
				return;
			}
		if (nunresolved < MAX_UNRESOLVED) {
			snprintf(unresolved[nunresolved].spec,
				 sizeof(unresolved[0].spec), "%s", relo_spec);
			unresolved[nunresolved++].n = 1;
		}
		return;
	}
	/* the spec line: "relo #3: <byte_off> [284] struct a.b (0:0 @ offset 0)" */
	if (q[1] != ' ' || q[2] != '<' || strstr(q, "candidate"))
		return;
	q = strchr(q, '>');
	if (!q)
		return;
	q++;
	while (*q == ' ')
		q++;
	if (*q == '[')
		q = strchr(q, ']') ? strchr(q, ']') + 2 : q;
	n = strcspn(q, "(\n");
	while (n && q[n - 1] == ' ')
		n--;
	if (n >= sizeof(relo_spec))
		n = sizeof(relo_spec) - 1;
	memcpy(relo_spec, q, n);
	relo_spec[n] = '\0';
	snprintf(relo_key, sizeof(relo_key), "%s", key);
}

void pt_probes_set_btf(const char *path)
{
	custom_btf = path;
}

int pt_probes_unresolved(size_t i, const char **spec)
{
	if (i >= nunresolved)
		return -1;
	*spec = unresolved[i].spec;
	return unresolved[i].n;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap);

void pt_libbpf_log_begin(void)
{
	libbpf_set_print(libbpf_print);
	nunresolved = 0;
	relo_key[0] = '\0';
}

void pt_libbpf_verbose(bool on)
{
	libbpf_verbose = on;
}

void pt_libbpf_note_relocations(bool on)
{
	note_relocs = on;
}

double pt_since_exec(void)
{
	char buf[1024], *p;
	unsigned long long start = 0;
	struct timespec now;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/self/stat", "re");
	int field;

	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	/* the command name may hold spaces: count fields after its ')' */
	p = p ? strrchr(buf, ')') : NULL;
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, "%llu", &start) != 1 || hz <= 0 ||
	    clock_gettime(CLOCK_BOOTTIME, &now))
		return -1;
	return now.tv_sec + now.tv_nsec / 1e9 - (double)start / hz;
}

/*
 * Verbose stamps: seconds since exec, so that libbpf's messages and the
 * session's steps read against the start-up line.  The exec instant is
 * taken once, in monotonic time (before any suspend could part the two
 * clocks); 0 when /proc is not there.
 */
static double stamp_now(void)
{
	static __u64 origin;
	static bool known;
	__u64 now = pt_mono_ns();

	if (!known) {
		double since = pt_since_exec();

		origin = since > 0 && now > since * 1e9 ? now - (__u64)(since * 1e9) : now;
		known = true;
	}
	return (now - origin) / 1e9;
}

void pt_verbose_mark(const char *fmt, ...)
{
	va_list ap;

	if (!libbpf_verbose)
		return;
	fprintf(stderr, "[%8.3f] ptrace: ", stamp_now());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char small[512], *buf = small, *big = NULL;
	va_list again;
	int n;

	/*
	 * libbpf hands over thousands of debug messages per load (every
	 * CO-RE relocation); formatting them all cost a noticeable part of
	 * the start-up under emulation, for nothing unless someone reads them.
	 */
	if (level == LIBBPF_DEBUG && !libbpf_verbose && !note_relocs)
		return 0;
	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	/* a refused program's verifier log is one message: keep all of it */
	if (n >= (int)sizeof(small) && (big = malloc((size_t)n + 1))) {
		vsnprintf(big, (size_t)n + 1, fmt, again);
		buf = big;
	}
	va_end(again);
	if (level == LIBBPF_DEBUG && note_relocs)
		note_relo(buf);
	if (libbpf_verbose) {
		/* seconds since exec: where a load spends its time */
		fprintf(stderr, "[%8.3f] %s", stamp_now(), buf);
	} else if (level == LIBBPF_WARN && getenv("PT_LIBBPF_WARN")) {
		fputs(buf, stderr);
	}
	free(big);
	return 0;
}

/* ------------------------------------------------------------ environment */

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_sym(struct pt_env *env, size_t *cap, const char *name, size_t n)
{
	char *s;

	if (env->nsyms == *cap) {
		size_t nc = *cap ? *cap * 2 : 65536;
		char **ns = realloc(env->syms, nc * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		env->syms = ns;
		*cap = nc;
	}
	s = strndup(name, n);
	if (!s)
		return -ENOMEM;
	env->syms[env->nsyms++] = s;
	return 0;
}

static const char *tracefs_dir(bool root)
{
	static const char *const dirs[] = { "/sys/kernel/tracing",
					    "/sys/kernel/debug/tracing" };
	char p[128];

	for (size_t i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/available_filter_functions", dirs[i]);
		if (exists(p))
			return dirs[i];
	}
	/* Not mounted: mount it where the kernel expects it. */
	if (root && exists("/sys/kernel/tracing") &&
	    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0 &&
	    exists("/sys/kernel/tracing/available_filter_functions"))
		return dirs[0];
	return NULL;
}

/*
 * Traceable function names.  available_filter_functions lists exactly
 * what ftrace (and so fentry and kprobes on a function start) can use,
 * with compiler suffixes; kallsyms is the fallback.
 */
static void load_symbols(struct pt_env *env)
{
	const char *dir = tracefs_dir(env->root);
	char path[160], line[512];
	size_t cap = 0;
	bool kallsyms = false;
	FILE *f = NULL;

	if (dir) {
		snprintf(path, sizeof(path), "%s/available_filter_functions", dir);
		f = fopen(path, "re");
	}
	if (!f) {
		f = fopen("/proc/kallsyms", "re");
		kallsyms = true;
	}
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *name = line;

		if (kallsyms) {
			/* "addr type name [mod]": text symbols only */
			char *t = strchr(line, ' ');

			if (!t || !strchr("tTwW", t[1]) || t[2] != ' ')
				continue;
			name = t + 3;
		}
		if (push_sym(env, &cap, name, strcspn(name, " \t\n")))
			break;
	}
	fclose(f);
	if (!env->nsyms)
		return;
	qsort(env->syms, env->nsyms, sizeof(*env->syms), cmp_str);
	env->symbols = true;
	env->symsrc = kallsyms ? (env->vmlinux_btf ? "BTF, /proc/kallsyms" : "/proc/kallsyms") :
		(env->vmlinux_btf ? "BTF, available_filter_functions" :
		 "available_filter_functions");
}

/*
 * The symbol to use for func: the exact name, else a compiler clone
 * (func.isra.0, func.constprop.0, func.part.0; never .cold).
 */
static const char *find_symbol(const struct pt_env *env, const char *func,
			       bool *renamed)
{
	size_t lo = 0, hi = env->nsyms, n = strlen(func);

	*renamed = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(env->syms[mid], func) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < env->nsyms && !strcmp(env->syms[lo], func))
		return env->syms[lo];
	for (; lo < env->nsyms && !strncmp(env->syms[lo], func, n); lo++) {
		const char *s = env->syms[lo] + n;

		if (s[0] != '.')
			continue;
		if (!strncmp(s, ".isra", 5) || !strncmp(s, ".constprop", 10) ||
		    !strncmp(s, ".part", 5)) {
			*renamed = true;
			return env->syms[lo];
		}
	}
	return NULL;
}

static struct btf *btf_for(const struct pt_env *env, enum pt_module m)
{
	return m == PT_MOD_VMLINUX ? env->vmlinux_btf : env->mod_btfs[m];
}

/*
 * FUNC ids of the names the planner asks about (every hook, and the
 * fentry probe's targets), found in one pass over a BTF: a name lookup in
 * libbpf is a scan of every type, and the planner asks some fifty times.
 * One index per BTF object, dropped when pt_env_free() frees it.
 */
#define HOOK_NAME(fn, exit)	#fn,
static const char *const want_funcs[] = {
	PT_HOOKS(HOOK_NAME) "do_one_initcall", "vfs_read"
};
#define NWANT	(sizeof(want_funcs) / sizeof(want_funcs[0]))

static struct func_index {
	const struct btf *btf;
	int id[NWANT];
} func_idx[4];

static int find_want(const char *name)
{
	for (size_t i = 0; i < NWANT; i++)
		if (name[0] == want_funcs[i][0] && !strcmp(name, want_funcs[i]))
			return i;
	return -1;
}

static const struct func_index *index_of(const struct btf *btf)
{
	struct func_index *fi = NULL;
	const struct btf *base = btf__base_btf(btf);
	__u32 n = btf__type_cnt(btf), first = base ? btf__type_cnt(base) : 1;

	for (size_t i = 0; i < 4; i++) {
		if (func_idx[i].btf == btf)
			return &func_idx[i];
		if (!fi && !func_idx[i].btf)
			fi = &func_idx[i];
	}
	if (!fi)
		return NULL;
	fi->btf = btf;
	memset(fi->id, 0, sizeof(fi->id));
	for (__u32 id = first; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		int k;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (name && (k = find_want(name)) >= 0 && !fi->id[k])
			fi->id[k] = id;
	}
	return fi;
}

static void index_drop(const struct btf *btf)
{
	for (size_t i = 0; i < 4; i++)
		if (btf && func_idx[i].btf == btf)
			func_idx[i].btf = NULL;
}

/* The FUNC id of func in btf (a module's own types only), or -1. */
static int func_id(const struct btf *btf, const char *func)
{
	const struct func_index *fi;
	int k = find_want(func);

	if (k < 0 || !(fi = index_of(btf)))
		return btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	return fi->id[k] ? fi->id[k] : -1;
}

static const struct btf_type *btf_func_proto(const struct btf *btf,
					     const char *func)
{
	const struct btf_type *t;
	int id;

	if (!btf)
		return NULL;
	id = func_id(btf, func);
	if (id < 0)
		return NULL;
	t = btf__type_by_id(btf, id);
	return t ? btf__type_by_id(btf, t->type) : NULL;
}

/* Is the first parameter of func a pointer?  -1 when BTF cannot say. */
static int first_param_is_ptr(const struct btf *btf, const char *func)
{
	const struct btf_type *proto = btf_func_proto(btf, func);
	const struct btf_param *p;
	const struct btf_type *t;

	if (!proto || btf_vlen(proto) < 1)
		return -1;
	p = btf_params(proto);
	t = btf__type_by_id(btf, p[0].type);
	while (t && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_ptr(t);
}

/* Can a tracing (fentry) program be loaded at all here? */
static int load_fentry_probe(int btf_id)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = btf_id);

	return bpf_prog_load(BPF_PROG_TYPE_TRACING, "pt_fentry_probe", "GPL",
			     insns, 2, &opts);
}

static void probe_fentry(struct pt_env *env)
{
	int early, id, fd = -1;

	env->fentry = false;
	env->fentry_err = ENOENT;
	if (!env->vmlinux_btf)
		return;
	/*
	 * The kernel looks the target up by name at load, linearly in
	 * kallsyms' address order before 6.2: do_one_initcall (init/main.c,
	 * linked first) is found within the first few hundred symbols where
	 * it is in .text (with CONFIG_MODULES), vfs_read a third of the way.
	 */
	early = func_id(env->vmlinux_btf, "do_one_initcall");
	if (early >= 0)
		fd = load_fentry_probe(early);
	if (fd < 0) {
		id = func_id(env->vmlinux_btf, "vfs_read");
		if (id < 0)
			return;
		fd = load_fentry_probe(id);
	}
	if (fd < 0) {
		env->fentry_err = errno;
		return;
	}
	close(fd);
	env->fentry = true;
	env->fentry_err = 0;
}

/* A two-instruction kprobe program, for the feature probes below. */
static int trivial_kprobe(enum bpf_attach_type expected)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = expected);

	return bpf_prog_load(BPF_PROG_TYPE_KPROBE, "pt_kprobe_probe", "GPL",
			     insns, 2, &opts);
}

/*
 * Decided before anything is loaded, from the kernel's answers to
 * requests that attach nothing:
 *  - BPF cookies on kprobes come with perf-event links (5.15): a link to
 *    no perf event fails with EBADF where they exist, EINVAL before;
 *  - kprobe_multi links (CONFIG_FPROBE): an address that is no function
 *    entry gives ENOENT (ESRCH, EINVAL on some versions) where they
 *    exist, EOPNOTSUPP without fprobe; before them (5.18) the program
 *    does not even load.  An address, not a name: a name the kernel
 *    looks up by walking every symbol, which under emulation took a
 *    visible part of the start-up.
 */
static void probe_kprobe_links(struct pt_env *env)
{
	unsigned long nowhere = 1;
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	int fd, l, err;

	env->kprobe_multi_err = ENOENT;
	fd = trivial_kprobe(0);	/* a plain kprobe program */
	if (fd >= 0) {
		l = bpf_link_create(fd, -1, BPF_PERF_EVENT, NULL);
		err = errno;
		if (l >= 0)
			close(l);
		env->kprobe_cookie = l < 0 && err == EBADF;
		close(fd);
	}
	fd = trivial_kprobe(BPF_TRACE_KPROBE_MULTI);
	if (fd < 0) {
		env->kprobe_multi_err = errno;
		return;
	}
	lo.kprobe_multi.addrs = &nowhere;
	lo.kprobe_multi.cnt = 1;
	l = bpf_link_create(fd, 0, BPF_TRACE_KPROBE_MULTI, &lo);
	err = errno;
	if (l >= 0)
		close(l);
	close(fd);
	env->kprobe_multi = l < 0 &&
			    (err == ESRCH || err == ENOENT || err == EINVAL);
	env->kprobe_multi_err = env->kprobe_multi ? 0 : err;
}

/*
 * The kernel's BTF objects are numbered; their names say which is
 * vmlinux and which a module's.  The ids of mod_names[], 0 when absent.
 */
static void kernel_btf_ids(__u32 ids[PT_MOD_COUNT])
{
	__u32 id = 0;

	memset(ids, 0, sizeof(__u32) * PT_MOD_COUNT);
	while (!bpf_btf_get_next_id(id, &id)) {
		struct bpf_btf_info info;
		__u32 len = sizeof(info);
		char name[64] = "";
		int fd = bpf_btf_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info.name = (__u64)(unsigned long)name;
		info.name_len = sizeof(name);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.kernel_btf)
			for (int m = 0; m < PT_MOD_COUNT; m++)
				if (!ids[m] && !strcmp(name, mod_names[m]))
					ids[m] = id;
		close(fd);
	}
}

/*
 * vmlinux and module BTF.  By id where BPF syscalls are allowed: the
 * kernel hands the whole BTF over in one call, where its sysfs file
 * gives a page per read (over a thousand reads for vmlinux, which a PV
 * dom0 pays dearly for).  Else from sysfs.
 */
static void load_kernel_btfs(struct pt_env *env)
{
	__u32 ids[PT_MOD_COUNT] = { 0 };

	if (env->root)
		kernel_btf_ids(ids);
	env->vmlinux_btf = ids[PT_MOD_VMLINUX] ?
		btf__load_from_kernel_by_id(ids[PT_MOD_VMLINUX]) : NULL;
	if (libbpf_get_error(env->vmlinux_btf) || !env->vmlinux_btf)
		env->vmlinux_btf = btf__load_vmlinux_btf();
	if (libbpf_get_error(env->vmlinux_btf)) {
		env->vmlinux_btf = NULL;
		return;
	}
	for (int m = PT_MOD_PCIBACK; m <= PT_MOD_PRIVCMD; m++) {
		struct btf *b = NULL;

		if (!env->mod_btf[m] && !ids[m])
			continue;
		if (ids[m])
			b = btf__load_from_kernel_by_id_split(ids[m],
							      env->vmlinux_btf);
		if (!b || libbpf_get_error(b))
			b = btf__load_module_btf(mod_names[m], env->vmlinux_btf);
		env->mod_btfs[m] = libbpf_get_error(b) ? NULL : b;
	}
}

/*
 * Could any row of the table be given fentry, with the link features
 * found and the user's wishes?  Asked of the planner's own decision, on
 * a kernel where fentry loads and every name is in BTF: when no row
 * takes it even there (kprobes with cookies serve every vmlinux row,
 * and module rows never pin their module unasked), loading a probe
 * program for it is start-up time spent on nothing.
 */
static bool fentry_may_serve(const struct pt_env *env, const struct pt_env_wants *w)
{
	if (w->no_fentry)
		return false;
	for (size_t i = 0; i < pt_probe_count; i++) {
		const struct pt_probe_def *d = &pt_probe_table[i];
		struct pt_attach_env ae = {
			.allowed = d->attach,
			.in_module = d->module != PT_MOD_VMLINUX,
			.pin_modules = w->pin_modules,
			.fentry = true,
			.exact_btf = true,
			.kprobes = env->kprobes,
			.kprobe_shared = env->kprobe_cookie,
		};

		if (pt_attach_choose(&ae) == PT_ATTACH_FENTRY)
			return true;
	}
	return false;
}

int pt_env_probe(struct pt_env *env, const struct pt_env_wants *w)
{
	struct utsname u;
	char buf[64], maj[16] = "", min[16] = "", extra[32] = "";

	memset(env, 0, sizeof(*env));
	env->root = geteuid() == 0;
	env->unbind_info = true;
	if (uname(&u) == 0)
		snprintf(env->kernel, sizeof(env->kernel), "%s", u.release);
	env->btf = exists("/sys/kernel/btf/vmlinux");
	/* libbpf attaches kprobes through the kprobe PMU or kprobe_events */
	env->kprobes = exists("/sys/bus/event_source/devices/kprobe/type") ||
		       exists("/sys/kernel/tracing/kprobe_events") ||
		       exists("/sys/kernel/debug/tracing/kprobe_events");

	if (read_str("/sys/hypervisor/type", buf, sizeof(buf)) == 0 &&
	    !strcmp(buf, "xen")) {
		env->xen = true;
		read_str("/sys/hypervisor/version/major", maj, sizeof(maj));
		read_str("/sys/hypervisor/version/minor", min, sizeof(min));
		read_str("/sys/hypervisor/version/extra", extra, sizeof(extra));
		if (maj[0])
			snprintf(env->xen_version, sizeof(env->xen_version),
				 "%s.%s%s", maj, min, extra);
		if (read_str("/sys/hypervisor/guest_type", buf, sizeof(buf)) == 0) {
			for (char *c = buf; *c; c++)
				*c = *c >= 'A' && *c <= 'Z' ? *c + 32 : *c;
			buf[sizeof(env->dom0_mode) - 1] = '\0';
			memcpy(env->dom0_mode, buf, sizeof(env->dom0_mode));
		}
		/* the control domain has privcmd and the xen-backend bus */
		env->xen_dom0 = exists("/proc/xen/capabilities") ?
			(read_str("/proc/xen/capabilities", buf, sizeof(buf)) == 0 &&
			 strstr(buf, "control_d")) :
			exists("/sys/bus/xen-backend") || exists("/dev/xen/privcmd");
	}

	env->mod_loaded[PT_MOD_VMLINUX] = true;
	env->mod_loaded[PT_MOD_PCIBACK] = exists("/sys/module/xen_pciback");
	env->mod_loaded[PT_MOD_PRIVCMD] = exists("/sys/module/xen_privcmd");

	for (int m = PT_MOD_PCIBACK; m <= PT_MOD_PRIVCMD; m++) {
		char p[64];

		snprintf(p, sizeof(p), "/sys/kernel/btf/%s", mod_names[m]);
		env->mod_btf[m] = exists(p);
	}
	if (env->btf)
		load_kernel_btfs(env);
	pt_verbose_mark("environment: kernel BTF read");
	env->mod_btf[PT_MOD_VMLINUX] = env->vmlinux_btf != NULL;

	/* Signature variants between 6.1 and 6.12 (bpf/collect.bpf.c). */
	env->init_device_psdev = false;
	if (env->mod_btfs[PT_MOD_PCIBACK]) {
		const struct btf *b = env->mod_btfs[PT_MOD_PCIBACK];
		const struct btf_type *proto = btf_func_proto(b, "pcistub_init_device");

		if (proto && btf_vlen(proto) >= 1) {
			const struct btf_type *t = btf__type_by_id(b, btf_params(proto)[0].type);

			if (t && btf_is_ptr(t)) {
				t = btf__type_by_id(b, t->type);
				env->init_device_psdev = t && btf_is_composite(t) &&
					!strcmp(btf__name_by_offset(b, t->name_off),
						"pcistub_device");
			}
		}
	}
	if (first_param_is_ptr(env->vmlinux_btf, "__startup_pirq") == 1)
		env->startup_pirq_info = true;
	if (first_param_is_ptr(env->vmlinux_btf, "__unbind_from_irq") == 0)
		env->unbind_info = false;

	env->pin_modules = w->pin_modules;
	if (env->root) {
		probe_kprobe_links(env);
		pt_verbose_mark("environment: kprobe_multi and cookies probed");
		if (w->every_feature || fentry_may_serve(env, w)) {
			probe_fentry(env);
			pt_verbose_mark("environment: fentry probed");
		} else {
			env->fentry_unprobed = !w->no_fentry;
		}
	} else {
		env->fentry_err = EPERM;
		env->kprobe_multi_err = EPERM;
	}
	if (w->no_fentry) {
		env->fentry = false;
		env->fentry_off = true;
	}
	/*
	 * BTF answers which functions exist (fentry_can_attach() in bcc's
	 * libbpf-tools); the function list (kprobe_exists()) is only read
	 * for a loaded module without BTF, or without vmlinux BTF.  Reading
	 * it makes the kernel print every traceable function, which in the
	 * lab took a good part of the start-up.
	 */
	if (env->vmlinux_btf) {
		env->symbols = true;
		env->symsrc = "BTF";
	}
	for (int m = PT_MOD_VMLINUX; m <= PT_MOD_PRIVCMD; m++)
		if (env->mod_loaded[m] && !btf_for(env, m)) {
			load_symbols(env);
			break;
		}
	return 0;
}

int pt_env_variants_from(struct pt_env *env, const char *btf_path)
{
	struct btf *b = btf__parse(btf_path, NULL);

	if (libbpf_get_error(b))
		return -errno;
	env->startup_pirq_info = first_param_is_ptr(b, "__startup_pirq") == 1;
	env->unbind_info = first_param_is_ptr(b, "__unbind_from_irq") != 0;
	index_drop(b);
	btf__free(b);
	return 0;
}

void pt_env_free(struct pt_env *env)
{
	for (size_t i = 0; i < env->nsyms; i++)
		free(env->syms[i]);
	free(env->syms);
	env->syms = NULL;
	env->nsyms = 0;
	for (int m = PT_MOD_PCIBACK; m <= PT_MOD_PRIVCMD; m++) {
		index_drop(env->mod_btfs[m]);
		btf__free(env->mod_btfs[m]);
	}
	index_drop(env->vmlinux_btf);
	btf__free(env->vmlinux_btf);
	env->vmlinux_btf = NULL;
}

/* ------------------------------------------------------------- planning */

static bool btf_has_func(const struct pt_env *env, enum pt_module m,
			 const char *func)
{
	struct btf *b = btf_for(env, m);

	return b && func_id(b, func) >= 0;
}

/*
 * The symbol to attach func by, NULL if the kernel has none.  With BTF
 * for its module, the exact name there (as bcc's fentry_can_attach());
 * else the function list (kprobe_exists()), compiler clones included.
 */
static const char *locate(const struct pt_env *env, enum pt_module m,
			  const char *func, bool *renamed)
{
	*renamed = false;
	if (btf_for(env, m))
		return btf_has_func(env, m, func) ? func : NULL;
	return env->nsyms ? find_symbol(env, func, renamed) : NULL;
}

/* A switch in the environment: set, and not "0". */
static bool env_switch(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

bool pt_probes_per_hook(void)
{
	return env_switch("PTRACE_PER_HOOK");
}

static void plan_row(const struct pt_env *env, const struct pt_probe_def *d,
		     struct pt_probe_plan *p)
{
	struct pt_attach_env ae;
	enum pt_attach kind;
	char absent[160] = "";

	memset(p, 0, sizeof(*p));
	p->def = d;
	p->alt = -1;
	p->state = PT_PROBE_MISSING;

	if (!env->mod_loaded[d->module]) {
		snprintf(p->reason, sizeof(p->reason), "module %s not loaded%s",
			 mod_names[d->module],
			 env->xen ? "" : " (no Xen in this kernel)");
		return;
	}
	if (!btf_for(env, d->module) && !env->nsyms) {
		snprintf(p->reason, sizeof(p->reason),
			 "cannot read the kernel's function list%s",
			 env->root ? "" : " (not root)");
		return;
	}
	for (int i = 0; i < PT_PROBE_MAX_ALTS && d->alt[i].func; i++) {
		const char *func = d->alt[i].func;
		bool renamed;
		const char *sym = locate(env, d->module, func, &renamed);

		if (!sym) {
			size_t n = strlen(absent);

			snprintf(absent + n, sizeof(absent) - n, "%s%s", n ? ", " : "",
				 func);
			continue;
		}
		/* fentry needs the exact name in BTF; clones only take kprobes */
		ae.allowed = d->attach;
		ae.in_module = d->module != PT_MOD_VMLINUX;
		ae.pin_modules = env->pin_modules;
		ae.fentry = env->fentry;
		ae.exact_btf = !renamed && btf_has_func(env, d->module, func);
		ae.kprobes = env->kprobes;
		ae.kprobe_shared = env->kprobe_cookie;
		kind = pt_attach_choose(&ae);
		if (kind != PT_ATTACH_NONE) {
			p->alt = i;
			p->kind = kind;
		} else {
			char fe[96];

			if (pt_attach_would_pin(&ae))
				snprintf(fe, sizeof(fe),
					 "would pin %s (--pin-modules allows it)",
					 mod_names[d->module]);
			else if (env->fentry_off)
				snprintf(fe, sizeof(fe), "turned off (--no-fentry)");
			else if (!env->fentry)
				snprintf(fe, sizeof(fe), "refused by the kernel (%s)",
					 strerror(env->fentry_err));
			else if (renamed)
				snprintf(fe, sizeof(fe),
					 "needs the exact name, the compiler renamed it");
			else
				snprintf(fe, sizeof(fe), "impossible: not in BTF");
			snprintf(p->reason, sizeof(p->reason),
				 "%s: no kprobes in this kernel; fentry %s", sym, fe);
			continue;
		}
		if (!strcmp(func, "__unbind_from_irq") && !env->unbind_info) {
			snprintf(p->reason, sizeof(p->reason),
				 "%s(unsigned irq) cannot tell pirqs from other event channels "
				 "(shutdown_pirq covers pirq closes)", func);
			p->alt = -1;
			continue;
		}
		snprintf(p->func, sizeof(p->func), "%s", sym);
		p->state = PT_PROBE_ATTACHED;	/* planned; attach confirms */
		p->reason[0] = '\0';
		return;
	}
	if (!p->reason[0])
		snprintf(p->reason, sizeof(p->reason), "absent from this kernel (%s): %s",
			 d->xen && !env->xen ? "not built: no Xen" : "inlined or not built",
			 absent);
}

void pt_probes_plan(const struct pt_env *env, struct pt_probe_plan *plans)
{
	for (size_t i = 0; i < pt_probe_count; i++)
		plan_row(env, &pt_probe_table[i], &plans[i]);
}

/* --------------------------------------------------------------- loading */

/*
 * A hook's own programs, from the skeleton by hook number: the binding
 * of rows to programs is checked by the compiler (PT_HOOKS), not looked
 * up by name.  Exit programs exist only for hooks with a return hook.
 */
struct hook_progs {
	struct bpf_program *fe, *fx, *kp, *kr;
};

#define HOOK_EXIT_0(pfx, fn)	NULL
#define HOOK_EXIT_1(pfx, fn)	skel->progs.pfx##_##fn
#define HOOK_CASE(fn, exit)						\
	case PT_H_##fn:							\
		hp->fe = skel->progs.fe_##fn;				\
		hp->fx = HOOK_EXIT_##exit(fx, fn);			\
		hp->kp = skel->progs.kp_##fn;				\
		hp->kr = HOOK_EXIT_##exit(kr, fn);			\
		return;

static void hook_progs(struct collect_bpf *skel, unsigned int hook,
		       struct hook_progs *hp)
{
	memset(hp, 0, sizeof(*hp));
	switch (hook) {
	PT_HOOKS(HOOK_CASE)
	}
}

static bool row_planned(const struct pt_probe_plan *p)
{
	return p->alt >= 0 && p->state == PT_PROBE_ATTACHED;
}

/* The entry and exit programs of a planned row (exit NULL if none). */
static void row_progs(struct collect_bpf *skel, const struct pt_probe_plan *p,
		      struct bpf_program **e, struct bpf_program **x)
{
	struct hook_progs hp;

	*x = NULL;
	switch (p->via) {
	case PT_VIA_MULTI:
		*e = skel->progs.km_entry;
		if (p->def->exit)
			*x = skel->progs.km_exit;
		return;
	case PT_VIA_COOKIE:
		*e = skel->progs.kp_cookie;
		if (p->def->exit)
			*x = skel->progs.kr_cookie;
		return;
	case PT_VIA_MODULE:
		*e = skel->progs.kp_module;
		if (p->def->exit)
			*x = skel->progs.kr_module;
		return;
	case PT_VIA_OWN:
	case PT_VIA_COUNT:
		break;
	}
	hook_progs(skel, p->def->alt[p->alt].hook, &hp);
	*e = p->kind == PT_ATTACH_FENTRY ? hp.fe : hp.kp;
	if (p->def->exit)
		*x = p->kind == PT_ATTACH_FENTRY ? hp.fx : hp.kr;
}

#define HOOK_TRUE(fn, exit)	[PT_H_##fn] = true,
static const bool hook_in_vmlinux[PT_H_COUNT] = { PT_HOOKS_VMLINUX(HOOK_TRUE) };
static const bool hook_in_modules[PT_H_COUNT] = { PT_HOOKS_MODULES(HOOK_TRUE) };
#undef HOOK_TRUE

/*
 * Kprobe rows share kp_cookie/kr_cookie unless shared is off; where
 * kprobe_multi exists, the vmlinux rows share km_entry/km_exit and the
 * module rows kp_module/kr_module, which carry only their own bodies.
 */
static bool choose_via(const struct pt_env *env, struct pt_probe_plan *plans,
		       bool shared)
{
	bool any = false;

	for (size_t i = 0; i < pt_probe_count; i++) {
		struct pt_probe_plan *p = &plans[i];

		p->via = PT_VIA_OWN;
		if (!row_planned(p) || p->kind != PT_ATTACH_KPROBE || !shared)
			continue;
		/*
		 * By the hook's list in bpf/collect.h, which decides the
		 * switch that reaches its body; a row whose module and list
		 * disagree falls back to kp_cookie, which reaches every body.
		 */
		if (p->def->module == PT_MOD_VMLINUX && env->kprobe_multi &&
		    hook_in_vmlinux[p->def->alt[p->alt].hook])
			p->via = PT_VIA_MULTI;
		else if (p->def->module != PT_MOD_VMLINUX && env->kprobe_multi &&
			 env->kprobe_cookie &&
			 hook_in_modules[p->def->alt[p->alt].hook])
			p->via = PT_VIA_MODULE;
		else if (env->kprobe_cookie)
			p->via = PT_VIA_COOKIE;
		any |= p->via != PT_VIA_OWN;
	}
	return any;
}

/* The kernel refused mw_load/mw_free: load without, poll /sys/module. */
static bool modwatch_refused;

/* What one load attempt turns on. */
struct load_set {
	bool shared;		/* verify-all: the shared programs */
	bool mw;		/* the module watch */
	const bool *rows;	/* NULL: every planned row; else these */
};

/*
 * The kernel BTF libbpf relocates against: the cut (core_btf.h) of the
 * kernel's BTF the environment parsed (or of --btf's file), in a memfd
 * named by btf_custom_path.  libbpf reads that path at load, so the
 * object is opened first and the cut, which needs the object's types,
 * written before its load.  One per pt_probes_load(), for every
 * attempt; fd -1: libbpf reads the kernel's BTF itself.
 */
static struct {
	int fd;
	bool written;
	const struct btf *kernel;
	struct btf *parsed;		/* --btf's file */
	struct btf *const *mods;
	size_t nmods;
	char path[32];
} core_btf = { .fd = -1 };

static void core_btf_begin(const struct pt_env *env)
{
	core_btf.written = false;
	if (env_switch("PTRACE_WHOLE_BTF"))
		return;
	if (custom_btf) {
		core_btf.parsed = btf__parse(custom_btf, NULL);
		if (libbpf_get_error(core_btf.parsed)) {
			core_btf.parsed = NULL;
			return;	/* libbpf says why, at its own parse */
		}
		core_btf.kernel = core_btf.parsed;
		core_btf.nmods = 0;	/* as libbpf: no module BTF with --btf */
	} else {
		if (!env->vmlinux_btf)
			return;
		core_btf.kernel = env->vmlinux_btf;
		core_btf.mods = env->mod_btfs + PT_MOD_VMLINUX + 1;
		core_btf.nmods = PT_MOD_COUNT - 1;
	}
	core_btf.fd = memfd_create("ptrace-core-btf", MFD_CLOEXEC);
	if (core_btf.fd >= 0)
		snprintf(core_btf.path, sizeof(core_btf.path), "/proc/self/fd/%d",
			 core_btf.fd);
}

static void core_btf_end(void)
{
	if (core_btf.fd >= 0)
		close(core_btf.fd);
	core_btf.fd = -1;
	btf__free(core_btf.parsed);
	core_btf.parsed = NULL;
	core_btf.kernel = NULL;
	core_btf.mods = NULL;
	core_btf.nmods = 0;
}

static int core_btf_write(const struct btf *local)
{
	struct btf *cut = pt_core_btf_cut(local, core_btf.kernel, core_btf.mods,
					  core_btf.nmods);
	const void *data;
	__u32 size;
	int err = 0;

	if (!cut)
		return -errno;
	data = btf__raw_data(cut, &size);
	if (!data || write(core_btf.fd, data, size) != (ssize_t)size)
		err = data ? -EIO : -ENOMEM;
	else
		pt_verbose_mark("load: kernel BTF cut for CO-RE: %u types, %u bytes",
				btf__type_cnt(cut) - 1, size);
	btf__free(cut);
	return err;
}

static struct collect_bpf *open_for(const struct pt_env *env,
				    struct pt_probe_plan *plans,
				    enum pt_load_mode mode, size_t ringbuf,
				    const struct load_set *ls)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = custom_btf);
	struct collect_bpf *skel;

	if (core_btf.fd >= 0)
		oo.btf_custom_path = core_btf.path;
	skel = collect_bpf__open_opts(&oo);
	if (!skel)
		return NULL;
	if (core_btf.fd >= 0 && !core_btf.written) {
		int err = core_btf_write(bpf_object__btf(skel->obj));

		if (err) {
			/* slower, not worse: libbpf reads the whole BTF itself */
			pt_verbose_mark("load: no kernel BTF cut (%s)", strerror(-err));
			collect_bpf__destroy(skel);
			close(core_btf.fd);
			core_btf.fd = -1;
			return open_for(env, plans, mode, ringbuf, ls);
		}
		core_btf.written = true;
	}
	skel->rodata->pt_init_device_psdev = env->init_device_psdev;
	skel->rodata->pt_startup_pirq_info = env->startup_pirq_info;
	skel->rodata->pt_unbind_info = env->unbind_info;
	if (ringbuf)
		bpf_map__set_max_entries(skel->maps.events, ringbuf);
	/* the module watch: raw tracepoints, loadable wherever BPF is */
	bpf_program__set_autoload(skel->progs.mw_load, ls->mw);
	bpf_program__set_autoload(skel->progs.mw_free, ls->mw);

	if (mode == PT_LOAD_ALL_KPROBES) {
		/* every kprobe program of every row not refused, any alternative */
		for (size_t i = 0; i < pt_probe_count; i++) {
			const struct pt_probe_def *d = &pt_probe_table[i];

			if ((ls->rows && !ls->rows[i]) ||
			    plans[i].state == PT_PROBE_FAILED)
				continue;
			for (int a = 0; a < PT_PROBE_MAX_ALTS && d->alt[a].prog; a++) {
				struct hook_progs hp;

				hook_progs(skel, d->alt[a].hook, &hp);
				if (hp.kp)
					bpf_program__set_autoload(hp.kp, true);
				if (hp.kr && d->exit)
					bpf_program__set_autoload(hp.kr, true);
			}
		}
		bpf_program__set_autoload(skel->progs.kp_cookie, ls->shared);
		bpf_program__set_autoload(skel->progs.kr_cookie, ls->shared);
		bpf_program__set_autoload(skel->progs.km_entry, ls->shared);
		bpf_program__set_autoload(skel->progs.km_exit, ls->shared);
		bpf_program__set_autoload(skel->progs.kp_module, ls->shared);
		bpf_program__set_autoload(skel->progs.kr_module, ls->shared);
		return skel;
	}
	for (size_t i = 0; i < pt_probe_count; i++) {
		struct pt_probe_plan *p = &plans[i];
		struct bpf_program *e, *x;

		if (!row_planned(p) || (ls->rows && !ls->rows[i]))
			continue;
		row_progs(skel, p, &e, &x);
		if (!e || (p->def->exit && !x)) {
			/* cannot happen: PT_HOOKS and the table are checked at build */
			p->state = PT_PROBE_FAILED;
			snprintf(p->reason, sizeof(p->reason),
				 "no BPF program for %s", p->def->alt[p->alt].prog);
			p->alt = -1;
			continue;
		}
		bpf_program__set_autoload(e, true);
		if (x)
			bpf_program__set_autoload(x, true);
	}
	return skel;
}

/* Does the object load with this set?  (For finding what the kernel refuses.) */
static bool loads(const struct pt_env *env, struct pt_probe_plan *plans,
		  enum pt_load_mode mode, size_t ringbuf, const struct load_set *ls)
{
	struct collect_bpf *skel = open_for(env, plans, mode, ringbuf, ls);
	int e;

	if (!skel)
		return false;
	pt_libbpf_log_begin();
	e = collect_bpf__load(skel);
	collect_bpf__destroy(skel);
	return e == 0;
}

static bool row_in_load(const struct pt_probe_plan *p, enum pt_load_mode mode)
{
	return mode == PT_LOAD_ALL_KPROBES ? p->state != PT_PROBE_FAILED :
					     row_planned(p);
}

/*
 * The row whose programs the kernel refuses, found by loading halves
 * of the rows (a refusal is a bug or a kernel quirk: this is the slow
 * path).  -1 if no single row fails alone.
 */
static int find_refused(const struct pt_env *env, struct pt_probe_plan *plans,
			enum pt_load_mode mode, size_t ringbuf,
			const struct load_set *base)
{
	size_t idx[pt_probe_count], n = 0, lo = 0, hi;
	bool mask[pt_probe_count];
	struct load_set ls = *base;

	for (size_t i = 0; i < pt_probe_count; i++)
		if (row_in_load(&plans[i], mode))
			idx[n++] = i;
	if (!n)
		return -1;
	ls.rows = mask;
	ls.mw = false;
	for (hi = n; hi - lo > 1;) {
		size_t mid = lo + (hi - lo) / 2;

		memset(mask, 0, sizeof(mask));
		for (size_t k = lo; k < mid; k++)
			mask[idx[k]] = true;
		if (loads(env, plans, mode, ringbuf, &ls))
			lo = mid;	/* the first half loads: look in the second */
		else
			hi = mid;
	}
	memset(mask, 0, sizeof(mask));
	mask[idx[lo]] = true;
	return loads(env, plans, mode, ringbuf, &ls) ? -1 : (int)idx[lo];
}

static struct collect_bpf *probes_load(const struct pt_env *env,
				       struct pt_probe_plan *plans,
				       enum pt_load_mode mode, size_t ringbuf,
				       int *err, char *msg, size_t msglen)
{
	bool shared = !pt_probes_per_hook();

	core_btf_begin(env);
	for (size_t attempt = 0; attempt <= pt_probe_count + 2; attempt++) {
		struct load_set ls = { .mw = !modwatch_refused };
		struct collect_bpf *skel;
		struct pt_probe_plan *p;
		int r, i;

		if (mode == PT_LOAD_PLAN)
			ls.shared = choose_via(env, plans, shared);
		else
			ls.shared = shared;
		skel = open_for(env, plans, mode, ringbuf, &ls);
		pt_verbose_mark("load: BPF object opened (%s programs)",
				ls.shared ? "shared" : "each row's own");
		if (!skel) {
			*err = -errno;
			snprintf(msg, msglen, "cannot open the BPF object: %s",
				 strerror(errno));
			return NULL;
		}
		pt_libbpf_log_begin();
		r = collect_bpf__load(skel);
		if (!r) {
			*err = 0;
			return skel;
		}
		collect_bpf__destroy(skel);
		/* Refused: find what, from the kernel's answers to smaller sets. */
		if (ls.shared) {
			/* the shared programs hold every body: try each row's own */
			shared = false;
			continue;
		}
		if (ls.mw) {
			ls.mw = false;
			if (loads(env, plans, mode, ringbuf, &ls)) {
				/* the module watch is not a row: reloads are polled */
				modwatch_refused = true;
				continue;
			}
		}
		i = find_refused(env, plans, mode, ringbuf, &ls);
		if (i < 0) {
			*err = r;
			snprintf(msg, msglen, "loading the BPF object failed: %s",
				 strerror(-r));
			return NULL;
		}
		p = &plans[i];
		if (mode == PT_LOAD_PLAN && p->kind == PT_ATTACH_FENTRY &&
		    (p->def->attach & PT_ATTACH_KPROBE) && env->kprobes) {
			p->kind = PT_ATTACH_KPROBE;
			continue;
		}
		/* (the shared programs are off by now: the row's own ones) */
		p->state = PT_PROBE_FAILED;
		snprintf(p->reason, sizeof(p->reason), "%s_%s refused by the kernel: %s",
			 mode == PT_LOAD_PLAN && p->kind == PT_ATTACH_FENTRY ? "fe" : "kp",
			 p->def->alt[mode == PT_LOAD_PLAN ? p->alt : 0].prog,
			 strerror(-r));
		p->alt = -1;
	}
	*err = -ELOOP;
	snprintf(msg, msglen, "loading the BPF object did not converge");
	return NULL;
}

struct collect_bpf *pt_probes_load(const struct pt_env *env,
				   struct pt_probe_plan *plans,
				   enum pt_load_mode mode, size_t ringbuf,
				   int *err, char *msg, size_t msglen)
{
	struct collect_bpf *skel = probes_load(env, plans, mode, ringbuf, err,
					       msg, msglen);

	core_btf_end();
	return skel;
}

/* -------------------------------------------------------------- attaching */

/*
 * The function list, read only when an attach by a BTF name fails: the
 * kernel may know the function only as a compiler clone (.isra.0).
 */
static struct pt_env clone_syms;
static bool clone_syms_read;

static bool find_clone(const char *func, char *out, size_t len)
{
	const char *sym = NULL;
	bool renamed = false;

	if (!clone_syms_read) {
		clone_syms.root = geteuid() == 0;
		load_symbols(&clone_syms);
		clone_syms_read = true;
	}
	if (clone_syms.nsyms)
		sym = find_symbol(&clone_syms, func, &renamed);
	if (sym && renamed)
		snprintf(out, len, "%s", sym);
	return sym && renamed;
}

/*
 * The per-function kprobes of the plan, opened while the programs load
 * (kprobe_arm.h).  A module row's kprobe is opened before the module
 * watch starts: the module's text address, read when it is opened and
 * again at attach (after the watch has started), tells that it is still
 * the same module.  A module unloaded in between leaves a kprobe that
 * would never fire; its rows are then attached the usual way, and fail
 * or find the new module, as when nothing was opened ahead.
 */
struct pt_probes_arm {
	struct pt_kprobe_arm *arm;
	char text[PT_MOD_COUNT][32];	/* a module's .text address, "" none */
	size_t n;
	struct {
		size_t row;
		int k;		/* 0 entry, 1 exit */
		int module;
		char func[128];
	} job[];
};

/* The module's text address (root only: 0 for others), or false. */
static bool module_text(int m, char *buf, size_t len)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/module/%s/sections/.text",
		 mod_names[m]);
	return !read_str(path, buf, len) && strtoull(buf, NULL, 16) != 0;
}

struct pt_probes_arm *pt_probes_arm(const struct pt_env *env,
				    const struct pt_probe_plan *plans)
{
	struct pt_probes_arm *pa;
	const char **funcs;
	bool *ret;

	/* PTRACE_NO_ARM: the benchmark's "before", in the same boot */
	if (!env->kprobes || env_switch("PTRACE_NO_ARM"))
		return NULL;
	pa = pt_xcalloc(1, sizeof(*pa) + 2 * pt_probe_count * sizeof(pa->job[0]));
	for (int m = PT_MOD_PCIBACK; m < PT_MOD_COUNT; m++)
		if (!module_text(m, pa->text[m], sizeof(pa->text[m])))
			pa->text[m][0] = '\0';
	for (size_t i = 0; i < pt_probe_count; i++) {
		const struct pt_probe_plan *p = &plans[i];
		int m = p->def->module;

		if (!row_planned(p) || p->kind != PT_ATTACH_KPROBE)
			continue;
		/* kprobe_multi takes the vmlinux rows in two links */
		if (m == PT_MOD_VMLINUX ? env->kprobe_multi : !pa->text[m][0])
			continue;
		for (int k = 0; k < (p->def->exit ? 2 : 1); k++) {
			pa->job[pa->n].row = i;
			pa->job[pa->n].k = k;
			pa->job[pa->n].module = m;
			snprintf(pa->job[pa->n].func, sizeof(pa->job[0].func),
				 "%s", p->func);
			pa->n++;
		}
	}
	funcs = pt_xcalloc(pa->n + 1, sizeof(*funcs));
	ret = pt_xcalloc(pa->n + 1, sizeof(*ret));
	for (size_t j = 0; j < pa->n; j++) {
		funcs[j] = pa->job[j].func;
		ret[j] = pa->job[j].k == 1;
	}
	pa->arm = pt_kprobe_arm_start(funcs, ret, pa->n);
	free(funcs);
	free(ret);
	if (!pa->arm) {
		free(pa);
		return NULL;
	}
	return pa;
}

/*
 * After the module watch has started: a module whose text moved or
 * went since its kprobes were opened is not the one they are on.
 */
static void arm_check_modules(struct pt_probes_arm *pa)
{
	for (int m = PT_MOD_PCIBACK; pa && m < PT_MOD_COUNT; m++) {
		char now[sizeof(pa->text[m])];

		if (!pa->text[m][0] ||
		    (module_text(m, now, sizeof(now)) && !strcmp(now, pa->text[m])))
			continue;
		for (size_t j = 0; j < pa->n; j++) {
			int fd;

			if (pa->job[j].module != m)
				continue;
			fd = pt_kprobe_arm_take(pa->arm, j);
			if (fd >= 0)
				close(fd);
		}
		pa->text[m][0] = '\0';
	}
}

size_t pt_probes_arm_free(struct pt_probes_arm *pa)
{
	size_t opened;

	if (!pa)
		return 0;
	opened = pt_kprobe_arm_opened(pa->arm);
	pt_kprobe_arm_free(pa->arm);
	free(pa);
	return opened;
}

/* The event opened for a row's hook, if the row still wants it, or -1. */
static int armed_event(struct pt_probes_arm *pa,
		       const struct pt_probe_plan *plans,
		       const struct pt_probe_plan *p, int k)
{
	size_t row = (size_t)(p - plans);

	if (!pa || p->kind != PT_ATTACH_KPROBE || p->via == PT_VIA_MULTI)
		return -1;
	for (size_t j = 0; j < pa->n; j++)
		if (pa->job[j].row == row && pa->job[j].k == k)
			return strcmp(pa->job[j].func, p->func) ? -1 :
			       pt_kprobe_arm_take(pa->arm, j);
	return -1;
}

static struct bpf_link *attach_one(struct bpf_program *prog,
				   const struct pt_probe_plan *p, bool exit,
				   int armed)
{
	LIBBPF_OPTS(bpf_kprobe_opts, ko, .retprobe = exit);
	LIBBPF_OPTS(bpf_perf_event_opts, po);
	struct bpf_link *l;

	if (p->kind == PT_ATTACH_FENTRY)
		return bpf_program__attach_trace(prog);
	if (p->via == PT_VIA_COOKIE || p->via == PT_VIA_MODULE)
		ko.bpf_cookie = po.bpf_cookie = p->def->alt[p->alt].hook;
	if (armed < 0)
		return bpf_program__attach_kprobe_opts(prog, p->func, &ko);
	/* the link owns the event from here on; on failure it is ours */
	l = bpf_program__attach_perf_event_opts(prog, armed, &po);
	if (libbpf_get_error(l))
		close(armed);
	return l;
}

/* Attach one planned row (both hooks) into p->link[]; 0 or -errno. */
static int attach_row(struct collect_bpf *skel, struct pt_probe_plan *plans,
		      struct pt_probe_plan *p, struct pt_probes_arm *pa)
{
	struct bpf_program *e, *x;
	bool retried = false;
	int armed[2], err = 0;

	row_progs(skel, p, &e, &x);
	/* taken even for a hook without program, so the event is closed */
	for (int k = 0; k < 2; k++)
		armed[k] = armed_event(pa, plans, p, k);
again:
	/*
	 * The exit first: an entry without its exit would leave its slot
	 * filled for nothing.
	 */
	for (int k = 1; k >= 0; k--) {
		struct bpf_program *prog = k ? x : e;
		struct bpf_link *l;

		if (!prog)
			continue;
		l = attach_one(prog, p, k == 1, armed[k]);
		armed[k] = -1;
		err = libbpf_get_error(l);
		if (err) {
			p->link[k] = NULL;
			break;
		}
		p->link[k] = l;
	}
	for (int k = 0; k < 2; k++)
		if (armed[k] >= 0)
			close(armed[k]);
	if (err) {
		bpf_link__destroy(p->link[0]);
		bpf_link__destroy(p->link[1]);
		p->link[0] = p->link[1] = NULL;
		if (err == -ENOENT && p->kind == PT_ATTACH_KPROBE && !retried &&
		    find_clone(p->def->alt[p->alt].func, p->func, sizeof(p->func))) {
			retried = true;
			goto again;
		}
	}
	return err;
}

static void mark_attach_failed(struct pt_probe_plan *p, int err)
{
	p->state = PT_PROBE_FAILED;
	snprintf(p->reason, sizeof(p->reason), "%s %s: %s",
		 pt_attach_name(p->kind, false), p->func, strerror(-err));
}

/*
 * The kprobe_multi rows: all entries in one link, all exits in another
 * (one ftrace update each instead of one per function).  The links are
 * kept by the first such row.
 */
static void attach_multi(struct collect_bpf *skel, struct pt_probe_plan *plans)
{
	const char *syms[2][pt_probe_count];
	__u64 cookies[2][pt_probe_count];
	size_t n[2] = { 0, 0 };
	struct pt_probe_plan *first = NULL;
	struct bpf_link *l[2] = { NULL, NULL };
	int err = 0;

	for (size_t i = 0; i < pt_probe_count; i++) {
		struct pt_probe_plan *p = &plans[i];

		if (!row_planned(p) || p->via != PT_VIA_MULTI)
			continue;
		if (!first)
			first = p;
		for (int k = 0; k < (p->def->exit ? 2 : 1); k++) {
			syms[k][n[k]] = p->func;
			cookies[k][n[k]++] = p->def->alt[p->alt].hook;
		}
	}
	if (!first)
		return;
	for (int k = 1; k >= 0 && !err; k--) {
		LIBBPF_OPTS(bpf_kprobe_multi_opts, mo, .syms = syms[k],
			    .cookies = cookies[k], .cnt = n[k], .retprobe = k == 1);

		if (!n[k])
			continue;
		l[k] = bpf_program__attach_kprobe_multi_opts(
			k ? skel->progs.km_exit : skel->progs.km_entry, NULL, &mo);
		err = libbpf_get_error(l[k]);
		if (err)
			l[k] = NULL;
	}
	if (!err) {
		first->link[0] = l[0];
		first->link[1] = l[1];
		return;
	}
	bpf_link__destroy(l[1]);
	for (size_t i = 0; i < pt_probe_count; i++)
		if (row_planned(&plans[i]) && plans[i].via == PT_VIA_MULTI)
			mark_attach_failed(&plans[i], err);
}

/*
 * The kprobe_multi rows in their two links, then every other row, one
 * by one.  (Several attach threads were tried in the lab: the kernel
 * serialises kprobe registration and text patching, and under QEMU the
 * threads made start-up no faster, if anything slower.)
 */
void pt_probes_attach(struct collect_bpf *skel, struct pt_probe_plan *plans,
		      struct pt_probes_arm *pa)
{
	arm_check_modules(pa);
	attach_multi(skel, plans);
	for (size_t i = 0; i < pt_probe_count; i++) {
		struct pt_probe_plan *p = &plans[i];
		int err;

		if (!row_planned(p) || p->via == PT_VIA_MULTI)
			continue;
		err = attach_row(skel, plans, p, pa);
		if (err)
			mark_attach_failed(p, err);
	}
}

void pt_probes_detach(struct pt_probe_plan *plans)
{
	for (size_t i = 0; i < pt_probe_count; i++) {
		bpf_link__destroy(plans[i].link[0]);
		bpf_link__destroy(plans[i].link[1]);
		plans[i].link[0] = plans[i].link[1] = NULL;
	}
}

void pt_probes_count(const struct pt_probe_plan *plans, size_t *attached,
		     size_t *missing, size_t *required_missing)
{
	size_t a = 0, m = 0, r = 0;

	for (size_t i = 0; i < pt_probe_count; i++) {
		if (plans[i].state == PT_PROBE_ATTACHED) {
			a++;
			continue;
		}
		m++;
		if (plans[i].def->required)
			r++;
	}
	if (attached)
		*attached = a;
	if (missing)
		*missing = m;
	if (required_missing)
		*required_missing = r;
}

int pt_probes_to_header(const struct pt_probe_plan *plans,
			struct pt_log_header *hdr)
{
	struct pt_probe_status *s = calloc(pt_probe_count + 1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < pt_probe_count; i++) {
		const struct pt_probe_plan *p = &plans[i];

		snprintf(s[i].name, sizeof(s[i].name), "%s", p->def->name);
		snprintf(s[i].func, sizeof(s[i].func), "%s",
			 p->func[0] ? p->func : p->def->alt[0].func);
		snprintf(s[i].attach, sizeof(s[i].attach), "%s",
			 p->state == PT_PROBE_ATTACHED ?
			 pt_attach_name(p->kind, false) : "");
		snprintf(s[i].reason, sizeof(s[i].reason), "%s", p->reason);
		s[i].state = p->state;
		s[i].required = p->def->required;
	}
	free(hdr->probes);
	hdr->probes = s;
	hdr->nprobes = pt_probe_count;
	return 0;
}

size_t pt_probes_pinned(const struct pt_probe_plan *plans, char *buf, size_t len)
{
	unsigned int progs[PT_MOD_COUNT] = { 0 };
	size_t n = 0, off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < pt_probe_count; i++) {
		const struct pt_probe_plan *p = &plans[i];

		if (p->state == PT_PROBE_ATTACHED && p->kind == PT_ATTACH_FENTRY &&
		    p->def->module != PT_MOD_VMLINUX)
			progs[p->def->module] += p->def->exit ? 2 : 1;
	}
	for (int m = PT_MOD_PCIBACK; m < PT_MOD_COUNT; m++) {
		if (!progs[m])
			continue;
		n++;
		if (off < len)
			off += snprintf(buf + off, len - off, "%s%s (%u program%s)",
					off ? ", " : "", mod_names[m], progs[m],
					progs[m] == 1 ? "" : "s");
	}
	return n;
}

void pt_probes_print(FILE *f, const struct pt_probe_plan *plans, bool loaded)
{
	size_t a, m, r;

	for (size_t i = 0; i < pt_probe_count; i++) {
		const struct pt_probe_plan *p = &plans[i];

		if (p->state == PT_PROBE_ATTACHED)
			fprintf(f, "  %-26s %-8s %s %s%s\n", p->def->name,
				loaded ? "attached" : "ok",
				pt_attach_name(p->kind, false), p->func,
				p->def->exit ? " (+exit)" : "");
		else
			fprintf(f, "  %-26s %-8s %s%s\n", p->def->name,
				pt_probe_state_name(p->state), p->reason,
				p->def->required ? " [required]" : "");
	}
	/* record prints the count of the log header's list once it is built */
	if (loaded)
		return;
	pt_probes_count(plans, &a, &m, &r);
	fprintf(f, "  %zu of %zu probes usable, %zu missing (%zu required)\n",
		a, pt_probe_count, m, r);
}

/* libbpf 1.2 renamed the call and deprecated the old name. */
int pt_bpf_prog_info(int fd, struct bpf_prog_info *info, __u32 *len)
{
#if LIBBPF_MAJOR_VERSION > 1 || \
	(LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION >= 2)
	return bpf_prog_get_info_by_fd(fd, info, len);
#else
	return bpf_obj_get_info_by_fd(fd, info, len);
#endif
}

static void print_prog_stats(FILE *f, const struct pt_probe_plan *p,
			     struct bpf_program *prog, bool exit,
			     unsigned long long *cnt, unsigned long long *ns)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = prog ? bpf_program__fd(prog) : -1;

	memset(&info, 0, sizeof(info));
	if (fd < 0 || pt_bpf_prog_info(fd, &info, &len))
		return;
	fprintf(f, "  %-26s %-9s %-30s %6u %9llu %12llu %8.0f\n",
		p->def->name, pt_attach_name(p->kind, exit), p->func, info.id,
		(unsigned long long)info.run_cnt,
		(unsigned long long)info.run_time_ns,
		info.run_cnt ? (double)info.run_time_ns / info.run_cnt : 0.0);
	*cnt += info.run_cnt;
	*ns += info.run_time_ns;
}

void pt_probes_print_stats(FILE *f, struct collect_bpf *skel,
			   const struct pt_probe_plan *plans)
{
	unsigned long long cnt = 0, ns = 0;
	bool shared_done[PT_VIA_COUNT] = { false };
	char on[8] = "";

	read_str("/proc/sys/kernel/bpf_stats_enabled", on, sizeof(on));
	fprintf(f, "ptrace: BPF run time per program (kernel.bpf_stats_enabled=%s%s)\n",
		on[0] ? on : "?",
		strcmp(on, "1") ? ": nothing is counted while it is 0" : "");
	fprintf(f, "  %-26s %-9s %-30s %6s %9s %12s %8s\n", "probe", "kind",
		"function", "id", "run_cnt", "run_time_ns", "ns/run");
	for (size_t i = 0; i < pt_probe_count; i++) {
		const struct pt_probe_plan *p = &plans[i];
		struct bpf_program *e, *x;

		if (!row_planned(p))
			continue;
		row_progs(skel, p, &e, &x);
		if (p->via != PT_VIA_OWN) {
			/* one program for many functions: its line once, as "*" */
			static const struct pt_probe_def shared = { .name = "(shared)" };
			struct pt_probe_plan sp = { .def = &shared, .kind = p->kind };

			if (shared_done[p->via])
				continue;
			shared_done[p->via] = true;
			snprintf(sp.func, sizeof(sp.func), "*");
			print_prog_stats(f, &sp, e, false, &cnt, &ns);
			if (x)
				print_prog_stats(f, &sp, x, true, &cnt, &ns);
			continue;
		}
		print_prog_stats(f, p, e, false, &cnt, &ns);
		if (x)
			print_prog_stats(f, p, x, true, &cnt, &ns);
	}
	fprintf(f, "  %-26s %-9s %-30s %6s %9llu %12llu %8.0f\n", "total", "", "",
		"", cnt, ns, cnt ? (double)ns / cnt : 0.0);
}

int pt_lost_reader_init(struct pt_lost_reader *lr, int map_fd, __u64 start_ns)
{
	lr->fd = map_fd;
	lr->ncpus = libbpf_num_possible_cpus();
	lr->since = start_ns;
	if (lr->ncpus <= 0) {
		lr->prev = lr->buf = NULL;
		return -EINVAL;
	}
	lr->prev = calloc(lr->ncpus, sizeof(__u64));
	lr->buf = calloc(lr->ncpus, sizeof(__u64));
	return lr->prev && lr->buf ? 0 : -ENOMEM;
}

__u64 pt_lost_reader_flush(struct pt_lost_reader *lr, __u64 now,
			   void (*emit)(const struct pt_event *ev, void *arg),
			   void *arg)
{
	__u32 zero = 0;
	__u64 total = 0;

	if (bpf_map_lookup_elem(lr->fd, &zero, lr->buf))
		return 0;
	for (int cpu = 0; cpu < lr->ncpus; cpu++) {
		__u64 d = lr->buf[cpu] - lr->prev[cpu];
		struct pt_event ev;

		if (!d)
			continue;
		lr->prev[cpu] = lr->buf[cpu];
		total += d;
		memset(&ev, 0, sizeof(ev));
		ev.hdr.ts_ns = now;
		ev.hdr.cpu = cpu;
		ev.hdr.pid = getpid();
		snprintf(ev.hdr.comm, sizeof(ev.hdr.comm), "ptrace");
		ev.hdr.sbdf = PT_SBDF_NONE;
		ev.hdr.type = PT_EV_LOST;
		ev.lost.count = d;
		ev.lost.lost_cpu = cpu;
		ev.lost.since_ns = lr->since;
		emit(&ev, arg);
	}
	lr->since = now;
	return total;
}

void pt_lost_reader_free(struct pt_lost_reader *lr)
{
	free(lr->prev);
	free(lr->buf);
	lr->prev = lr->buf = NULL;
}

/* ---------------------------------------------------------- module watch */

_Static_assert(PT_MODW_PCIBACK == PT_MOD_PCIBACK && PT_MODW_PRIVCMD == PT_MOD_PRIVCMD &&
	       PT_MODW_SLOTS == PT_MOD_COUNT, "modstate slots are enum pt_module");
_Static_assert((int)PT_BLIND_XEN_PCIBACK == (int)PT_MOD_PCIBACK &&
	       (int)PT_BLIND_XEN_PRIVCMD == (int)PT_MOD_PRIVCMD,
	       "blind kinds are enum pt_module");

/* Rows that can die with module m: kprobes attached in it. */
static bool row_watched(const struct pt_probe_plan *p, int m)
{
	return (int)p->def->module == m && p->state == PT_PROBE_ATTACHED &&
	       p->kind == PT_ATTACH_KPROBE && p->alt >= 0;
}

static bool module_present(int m)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/module/%s", mod_names[m]);
	return exists(path);
}

static int modstate_read(const struct pt_modwatch *mw, int m,
			 struct pt_modstate *st)
{
	__u32 key = m;

	return bpf_map_lookup_elem(mw->fd, &key, st);
}

void pt_modwatch_start(struct pt_modwatch *mw, struct collect_bpf *skel,
		       const struct pt_probe_plan *plans)
{
	int err = 0;

	memset(mw, 0, sizeof(*mw));
	mw->fd = -1;
	for (int m = PT_MOD_PCIBACK; m < PT_MOD_COUNT; m++)
		mw->present[m] = module_present(m);
	if (bpf_program__fd(skel->progs.mw_load) >= 0 &&
	    bpf_program__fd(skel->progs.mw_free) >= 0) {
		mw->link[0] = bpf_program__attach(skel->progs.mw_load);
		err = libbpf_get_error(mw->link[0]);
		if (!err) {
			mw->link[1] = bpf_program__attach(skel->progs.mw_free);
			err = libbpf_get_error(mw->link[1]);
		}
	} else {
		err = -ENOENT;
	}
	if (err) {
		if (!libbpf_get_error(mw->link[0]))
			bpf_link__destroy(mw->link[0]);
		mw->link[0] = mw->link[1] = NULL;
		snprintf(mw->how, sizeof(mw->how),
			 "polling /sys/module (module tracepoints: %s)", strerror(-err));
		return;
	}
	mw->fd = bpf_map__fd(skel->maps.modstate);
	for (int m = PT_MOD_PCIBACK; m < PT_MOD_COUNT; m++) {
		struct pt_modstate st;

		if (!modstate_read(mw, m, &st))
			mw->gen[m] = st.gen;
	}
	snprintf(mw->how, sizeof(mw->how), "module_load/module_free tracepoints");
}

void pt_blind_record(struct pt_event *ev, unsigned int kind, __u64 since,
		     __u64 now, __u32 probes)
{
	memset(ev, 0, sizeof(*ev));
	ev->hdr.ts_ns = now;
	ev->hdr.pid = getpid();
	snprintf(ev->hdr.comm, sizeof(ev->hdr.comm), "ptrace");
	ev->hdr.sbdf = PT_SBDF_NONE;
	ev->hdr.type = PT_EV_BLIND;
	ev->hdr.kind = kind;
	ev->blind.since_ns = since;
	ev->blind.probes = probes;
}

static void blind_record(struct pt_modwatch *mw, int m, __u64 now,
			 void (*emit)(const struct pt_event *ev, void *arg),
			 void *arg)
{
	struct pt_event ev;

	pt_blind_record(&ev, m, mw->dead_since[m], now, mw->ndead[m]);
	emit(&ev, arg);
}

static void sayf(void (*say)(void *arg, const char *line), void *arg,
		 const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!say)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	say(arg, line);
}

/* The module went (or was replaced): its kprobes are gone for good. */
static bool mark_dead(struct pt_modwatch *mw, struct pt_probe_plan *plans,
		      int m, __u64 since,
		      void (*say)(void *arg, const char *line), void *arg)
{
	char names[384] = "";
	size_t off = 0;
	unsigned int n = 0;

	for (size_t i = 0; i < pt_probe_count; i++) {
		struct pt_probe_plan *p = &plans[i];

		if (!row_watched(p, m) || p->dead)
			continue;
		bpf_link__destroy(p->link[0]);
		bpf_link__destroy(p->link[1]);
		p->link[0] = p->link[1] = NULL;
		p->dead = true;
		n++;
		if (off < sizeof(names))
			off += snprintf(names + off, sizeof(names) - off, "%s%s",
					off ? " " : "", p->def->name);
	}
	if (!n)
		return false;
	if (!mw->dead_since[m])
		mw->dead_since[m] = since;
	mw->ndead[m] += n;
	mw->said_retry[m] = false;
	sayf(say, arg, "ptrace: %s unloaded: %u probe%s dead until it is loaded "
	     "again (%s)", mod_names[m], n, n == 1 ? "" : "s", names);
	return true;
}

/* The module is back: attach its dead rows again; all back -> blind record. */
static bool revive(struct pt_modwatch *mw, struct collect_bpf *skel,
		   struct pt_probe_plan *plans, int m, __u64 now,
		   void (*emit)(const struct pt_event *ev, void *arg),
		   void (*say)(void *arg, const char *line), void *arg)
{
	unsigned int back = 0, still = 0;
	int last_err = 0;

	for (size_t i = 0; i < pt_probe_count; i++) {
		struct pt_probe_plan *p = &plans[i];
		int err;

		if (!row_watched(p, m) || !p->dead)
			continue;
		err = attach_row(skel, plans, p, NULL);
		if (err) {
			still++;
			last_err = err;
			continue;
		}
		p->dead = false;
		back++;
	}
	if (still) {
		/* e.g. still initialising: tried again at the next poll */
		if (!mw->said_retry[m])
			sayf(say, arg, "ptrace: %s is back, %u probe%s not yet "
			     "re-attached (%s): retrying", mod_names[m], still,
			     still == 1 ? "" : "s", strerror(-last_err));
		mw->said_retry[m] = true;
		return back > 0;
	}
	if (!mw->dead_since[m])
		return back > 0;
	/* the attach above happened before now: the gap ends here */
	now = pt_mono_ns();
	blind_record(mw, m, now, emit, arg);
	sayf(say, arg, "ptrace: %s loaded again: %u probe%s re-attached; blind "
	     "for %.3f s (written to the trace)", mod_names[m], mw->ndead[m],
	     mw->ndead[m] == 1 ? "" : "s",
	     (now - mw->dead_since[m]) / 1e9);
	mw->dead_since[m] = 0;
	mw->ndead[m] = 0;
	return true;
}

bool pt_modwatch_poll(struct pt_modwatch *mw, struct collect_bpf *skel,
		      struct pt_probe_plan *plans, __u64 now,
		      void (*emit)(const struct pt_event *ev, void *arg),
		      void (*say)(void *arg, const char *line), void *arg)
{
	bool changed = false;

	for (int m = PT_MOD_PCIBACK; m < PT_MOD_COUNT; m++) {
		bool present;

		if (mw->fd >= 0) {
			struct pt_modstate st;

			if (modstate_read(mw, m, &st))
				continue;
			if (st.gen != mw->gen[m]) {
				/*
				 * Any load or unload since the last look:
				 * the kprobes attached before are dead even
				 * if the module is already back.
				 */
				mw->gen[m] = st.gen;
				changed |= mark_dead(mw, plans, m,
						     st.free_ns ? st.free_ns : now,
						     say, arg);
			}
			/* no event yet: as it was at the start */
			present = st.gen ? st.loaded : module_present(m);
		} else {
			present = module_present(m);
			if (mw->present[m] && !present)
				changed |= mark_dead(mw, plans, m, now, say, arg);
			mw->present[m] = present;
		}
		if (present && mw->ndead[m])
			changed |= revive(mw, skel, plans, m, now, emit, say, arg);
	}
	return changed;
}

void pt_modwatch_finish(struct pt_modwatch *mw, struct pt_probe_plan *plans,
			__u64 now,
			void (*emit)(const struct pt_event *ev, void *arg),
			void *arg)
{
	for (int m = PT_MOD_PCIBACK; m < PT_MOD_COUNT; m++) {
		if (!mw->ndead[m])
			continue;
		/* still dead at the end: the gap lasts until now */
		blind_record(mw, m, now, emit, arg);
		mw->dead_since[m] = 0;
		mw->ndead[m] = 0;
	}
}

size_t pt_modwatch_dead(const struct pt_modwatch *mw, char *buf, size_t len)
{
	size_t n = 0, off = 0;

	if (len)
		buf[0] = '\0';
	for (int m = PT_MOD_PCIBACK; m < PT_MOD_COUNT; m++) {
		if (!mw->ndead[m])
			continue;
		n += mw->ndead[m];
		if (off < len)
			off += snprintf(buf + off, len - off, "%s%s: %u probe%s dead",
					off ? ", " : "", mod_names[m], mw->ndead[m],
					mw->ndead[m] == 1 ? "" : "s");
	}
	return n;
}

void pt_modwatch_stop(struct pt_modwatch *mw)
{
	bpf_link__destroy(mw->link[0]);
	bpf_link__destroy(mw->link[1]);
	mw->link[0] = mw->link[1] = NULL;
}

