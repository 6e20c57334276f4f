// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The probe table and the planner: which kernel function each row uses,
 * with which attach kind, on the running kernel, and why not when it
 * cannot.  One row never stops another: the planner and the loader only
 * ever mark a row missing or failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "probes.h"
#include "collect.skel.h"
#include "bpf/collect.h"

#define FK	(PT_ATTACH_FENTRY | PT_ATTACH_KPROBE)
#define ALT1(f)		{ { #f, #f } }
#define ALT2(f, g)	{ { #f, #f }, { #g, #g } }

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
	  "pciback op (domid); guest domid for MSI-X control writes", "6.1, 6.12",
	  "PV frontend requests are not seen and pciback MSI-X control writes lose their domid" },
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
	  "hypercall physdev_op/domctl/event_channel_op (raw args, ret)", "6.1, 6.12",
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
static char failed_prog[64];
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
	failed_prog[0] = '\0';
	nunresolved = 0;
	relo_key[0] = '\0';
}

void pt_libbpf_verbose(bool on)
{
	libbpf_verbose = on;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char buf[512];
	const char *p;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (level == LIBBPF_DEBUG)
		note_relo(buf);
	/* remember which program the kernel refused, to disable its row */
	p = strstr(buf, "prog '");
	if (p && strstr(buf, "failed to load")) {
		p += 6;
		size_t n = strcspn(p, "'");

		if (n < sizeof(failed_prog)) {
			memcpy(failed_prog, p, n);
			failed_prog[n] = '\0';
		}
	}
	if (libbpf_verbose || (level == LIBBPF_WARN && getenv("PT_LIBBPF_WARN")))
		fputs(buf, stderr);
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
	env->symsrc = kallsyms ? "/proc/kallsyms" : "available_filter_functions";
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

static const struct btf_type *btf_func_proto(const struct btf *btf,
					     const char *func)
{
	const struct btf_type *t;
	int id;

	if (!btf)
		return NULL;
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
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
static void probe_fentry(struct pt_env *env)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_FENTRY);
	int id, fd;

	env->fentry = false;
	env->fentry_err = ENOENT;
	if (!env->vmlinux_btf)
		return;
	id = btf__find_by_name_kind(env->vmlinux_btf, "vfs_read", BTF_KIND_FUNC);
	if (id < 0)
		return;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "pt_fentry_probe", "GPL",
			   insns, 2, &opts);
	if (fd < 0) {
		env->fentry_err = errno;
		return;
	}
	close(fd);
	env->fentry = true;
	env->fentry_err = 0;
}

int pt_env_probe(struct pt_env *env)
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

	if (env->btf) {
		env->vmlinux_btf = btf__load_vmlinux_btf();
		if (libbpf_get_error(env->vmlinux_btf))
			env->vmlinux_btf = NULL;
	}
	for (int m = PT_MOD_PCIBACK; m <= PT_MOD_PRIVCMD; m++) {
		char p[64];

		snprintf(p, sizeof(p), "/sys/kernel/btf/%s", mod_names[m]);
		env->mod_btf[m] = exists(p);
		if (env->mod_btf[m] && env->vmlinux_btf) {
			env->mod_btfs[m] = btf__load_module_btf(mod_names[m],
								env->vmlinux_btf);
			if (libbpf_get_error(env->mod_btfs[m]))
				env->mod_btfs[m] = NULL;
		}
	}
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

	if (env->root)
		probe_fentry(env);
	else
		env->fentry_err = EPERM;
	load_symbols(env);
	return 0;
}

int pt_env_variants_from(struct pt_env *env, const char *btf_path)
{
	struct btf *b = btf__parse(btf_path, NULL);

	if (libbpf_get_error(b))
		return -errno;
	env->startup_pirq_info = first_param_is_ptr(b, "__startup_pirq") == 1;
	env->unbind_info = first_param_is_ptr(b, "__unbind_from_irq") != 0;
	btf__free(b);
	return 0;
}

void pt_env_no_fentry(struct pt_env *env)
{
	env->fentry = false;
	env->fentry_off = true;
}

void pt_env_pin_modules(struct pt_env *env)
{
	env->pin_modules = true;
}

void pt_env_free(struct pt_env *env)
{
	for (size_t i = 0; i < env->nsyms; i++)
		free(env->syms[i]);
	free(env->syms);
	env->syms = NULL;
	env->nsyms = 0;
	for (int m = PT_MOD_PCIBACK; m <= PT_MOD_PRIVCMD; m++)
		btf__free(env->mod_btfs[m]);
	btf__free(env->vmlinux_btf);
	env->vmlinux_btf = NULL;
}

/* ------------------------------------------------------------- planning */

static bool btf_has_func(const struct pt_env *env, enum pt_module m,
			 const char *func)
{
	struct btf *b = btf_for(env, m);

	return b && btf__find_by_name_kind(b, func, BTF_KIND_FUNC) >= 0;
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
	if (!env->symbols) {
		snprintf(p->reason, sizeof(p->reason),
			 "cannot read the kernel's function list%s",
			 env->root ? "" : " (not root)");
		return;
	}
	for (int i = 0; i < PT_PROBE_MAX_ALTS && d->alt[i].func; i++) {
		const char *func = d->alt[i].func;
		bool renamed;
		const char *sym = find_symbol(env, func, &renamed);

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

static struct bpf_program *prog_of(struct collect_bpf *skel, const char *pfx,
				   const char *base)
{
	char name[128];

	snprintf(name, sizeof(name), "%s_%s", pfx, base);
	return bpf_object__find_program_by_name(skel->obj, name);
}

static const char *entry_pfx(enum pt_attach k)
{
	return k == PT_ATTACH_FENTRY ? "fe" : "kp";
}

static const char *exit_pfx(enum pt_attach k)
{
	return k == PT_ATTACH_FENTRY ? "fx" : "kr";
}

static int enable_row(struct collect_bpf *skel, struct pt_probe_plan *p,
		      enum pt_attach kind, int alt)
{
	const char *base = p->def->alt[alt].prog;
	struct bpf_program *e = prog_of(skel, entry_pfx(kind), base);
	struct bpf_program *x = p->def->exit ? prog_of(skel, exit_pfx(kind), base)
					     : NULL;

	if (!e || (p->def->exit && !x))
		return -ENOENT;
	bpf_program__set_autoload(e, true);
	if (x)
		bpf_program__set_autoload(x, true);
	return 0;
}

/* Which row (and alternative) a BPF program name belongs to. */
static struct pt_probe_plan *row_of_prog(struct pt_probe_plan *plans,
					 const char *prog)
{
	if (strlen(prog) < 4 || prog[2] != '_')
		return NULL;
	for (size_t i = 0; i < pt_probe_count; i++)
		for (int a = 0; a < PT_PROBE_MAX_ALTS; a++)
			if (plans[i].def->alt[a].prog &&
			    !strcmp(plans[i].def->alt[a].prog, prog + 3))
				return &plans[i];
	return NULL;
}

/* The kernel refused mw_load/mw_free: load without, poll /sys/module. */
static bool modwatch_refused;

static struct collect_bpf *open_for(const struct pt_env *env,
				    struct pt_probe_plan *plans,
				    enum pt_load_mode mode, size_t ringbuf)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = custom_btf);
	struct collect_bpf *skel = collect_bpf__open_opts(&oo);
	struct bpf_program *prog;

	if (!skel)
		return NULL;
	skel->rodata->pt_init_device_psdev = env->init_device_psdev;
	skel->rodata->pt_startup_pirq_info = env->startup_pirq_info;
	skel->rodata->pt_unbind_info = env->unbind_info;
	if (ringbuf)
		bpf_map__set_max_entries(skel->maps.events, ringbuf);

	if (mode == PT_LOAD_ALL_KPROBES) {
		bpf_object__for_each_program(prog, skel->obj) {
			const char *n = bpf_program__name(prog);
			struct pt_probe_plan *p = row_of_prog(plans, n);

			bpf_program__set_autoload(prog,
				(!strncmp(n, "kp_", 3) || !strncmp(n, "kr_", 3) ||
				 (!strncmp(n, "mw_", 3) && !modwatch_refused)) &&
				!(p && p->state == PT_PROBE_FAILED));
		}
		return skel;
	}
	/* the module watch: raw tracepoints, loadable wherever BPF is */
	bpf_program__set_autoload(skel->progs.mw_load, !modwatch_refused);
	bpf_program__set_autoload(skel->progs.mw_free, !modwatch_refused);
	for (size_t i = 0; i < pt_probe_count; i++) {
		struct pt_probe_plan *p = &plans[i];

		if (p->alt < 0 || p->state != PT_PROBE_ATTACHED)
			continue;
		if (enable_row(skel, p, p->kind, p->alt)) {
			p->state = PT_PROBE_FAILED;
			snprintf(p->reason, sizeof(p->reason),
				 "no BPF program for %s", p->def->alt[p->alt].prog);
			p->alt = -1;
		}
	}
	return skel;
}

struct collect_bpf *pt_probes_load(const struct pt_env *env,
				   struct pt_probe_plan *plans,
				   enum pt_load_mode mode, size_t ringbuf,
				   int *err, char *msg, size_t msglen)
{
	for (size_t attempt = 0; attempt <= pt_probe_count + 1; attempt++) {
		struct collect_bpf *skel = open_for(env, plans, mode, ringbuf);
		struct pt_probe_plan *p;
		int e;

		if (!skel) {
			*err = -errno;
			snprintf(msg, msglen, "cannot open the BPF object: %s",
				 strerror(errno));
			return NULL;
		}
		pt_libbpf_log_begin();
		e = collect_bpf__load(skel);
		if (!e) {
			*err = 0;
			return skel;
		}
		collect_bpf__destroy(skel);
		/* the module watch is not a row: without it, reloads are polled */
		if (!strncmp(failed_prog, "mw_", 3) && !modwatch_refused) {
			modwatch_refused = true;
			continue;
		}
		p = failed_prog[0] ? row_of_prog(plans, failed_prog) : NULL;
		if (!p) {
			*err = e;
			snprintf(msg, msglen, "loading the BPF object failed: %s",
				 strerror(-e));
			return NULL;
		}
		/* Refused by the kernel: fall back for this row only. */
		if (mode == PT_LOAD_PLAN && p->kind == PT_ATTACH_FENTRY &&
		    (p->def->attach & PT_ATTACH_KPROBE) && env->kprobes) {
			p->kind = PT_ATTACH_KPROBE;
			continue;
		}
		p->state = PT_PROBE_FAILED;
		snprintf(p->reason, sizeof(p->reason),
			 "%s refused by the kernel: %s", failed_prog, strerror(-e));
		p->alt = -1;
	}
	*err = -ELOOP;
	snprintf(msg, msglen, "loading the BPF object did not converge");
	return NULL;
}

/* Attach one planned row (both hooks) into p->link[]; 0 or -errno. */
static int attach_row(struct collect_bpf *skel, struct pt_probe_plan *p)
{
	const char *base = p->def->alt[p->alt].prog;
	struct bpf_program *e, *x = NULL;
	int err = 0;

	e = prog_of(skel, entry_pfx(p->kind), base);
	if (p->def->exit)
		x = prog_of(skel, exit_pfx(p->kind), base);
	/*
	 * The exit first: an entry without its exit would leave
	 * stashed arguments behind.
	 */
	for (int k = 1; k >= 0; k--) {
		struct bpf_program *prog = k ? x : e;
		struct bpf_link *l;

		if (!prog)
			continue;
		if (p->kind == PT_ATTACH_FENTRY)
			l = bpf_program__attach_trace(prog);
		else
			l = bpf_program__attach_kprobe(prog, k == 1, p->func);
		err = libbpf_get_error(l);
		if (err) {
			p->link[k] = NULL;
			break;
		}
		p->link[k] = l;
	}
	if (err) {
		bpf_link__destroy(p->link[0]);
		bpf_link__destroy(p->link[1]);
		p->link[0] = p->link[1] = NULL;
	}
	return err;
}

void pt_probes_attach(struct collect_bpf *skel, struct pt_probe_plan *plans)
{
	for (size_t i = 0; i < pt_probe_count; i++) {
		struct pt_probe_plan *p = &plans[i];
		int err;

		if (p->alt < 0 || p->state != PT_PROBE_ATTACHED)
			continue;
		err = attach_row(skel, p);
		if (err) {
			p->state = PT_PROBE_FAILED;
			snprintf(p->reason, sizeof(p->reason), "%s %s: %s",
				 pt_attach_name(p->kind, false), p->func,
				 strerror(-err));
		}
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
	char on[8] = "";

	read_str("/proc/sys/kernel/bpf_stats_enabled", on, sizeof(on));
	fprintf(f, "ptrace: BPF run time per program (kernel.bpf_stats_enabled=%s%s)\n",
		on[0] ? on : "?",
		strcmp(on, "1") ? ": nothing is counted while it is 0" : "");
	fprintf(f, "  %-26s %-9s %-30s %6s %9s %12s %8s\n", "probe", "kind",
		"function", "id", "run_cnt", "run_time_ns", "ns/run");
	for (size_t i = 0; i < pt_probe_count; i++) {
		const struct pt_probe_plan *p = &plans[i];
		const char *base;

		if (p->alt < 0 || p->state != PT_PROBE_ATTACHED)
			continue;
		base = p->def->alt[p->alt].prog;
		print_prog_stats(f, p, prog_of(skel, entry_pfx(p->kind), base),
				 false, &cnt, &ns);
		if (p->def->exit)
			print_prog_stats(f, p, prog_of(skel, exit_pfx(p->kind), base),
					 true, &cnt, &ns);
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

static void blind_record(struct pt_modwatch *mw, int m, __u64 now,
			 void (*emit)(const struct pt_event *ev, void *arg),
			 void *arg)
{
	struct pt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.ts_ns = now;
	ev.hdr.pid = getpid();
	snprintf(ev.hdr.comm, sizeof(ev.hdr.comm), "ptrace");
	ev.hdr.sbdf = PT_SBDF_NONE;
	ev.hdr.type = PT_EV_BLIND;
	ev.hdr.kind = m;
	ev.blind.since_ns = mw->dead_since[m];
	ev.blind.probes = mw->ndead[m];
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
		err = attach_row(skel, p);
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

