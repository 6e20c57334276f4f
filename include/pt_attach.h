/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * How one probe-table row is attached: the decision alone, without the
 * kernel, so that it can be tested with any environment.
 */
#ifndef PT_ATTACH_H
#define PT_ATTACH_H

#include <stdbool.h>

/* Attach kinds, as bits of what a row allows. */
enum pt_attach {
	PT_ATTACH_NONE = 0,
	PT_ATTACH_FENTRY = 1 << 0,	/* fentry (+ fexit) */
	PT_ATTACH_KPROBE = 1 << 1,	/* kprobe (+ kretprobe) */
};

/* What the kernel offers for one function of one row. */
struct pt_attach_env {
	unsigned int allowed;	/* enum pt_attach bits of the row */
	bool in_module;		/* the function is in a loadable module */
	bool pin_modules;	/* the user accepts pinning modules (--pin-modules) */
	bool fentry;		/* tracing programs load on this kernel */
	bool exact_btf;		/* the exact name is in the (module's) BTF */
	bool kprobes;		/* the kernel has kprobes */
	bool kprobe_shared;	/* one kprobe program serves many functions (cookies) */
};

/*
 * The kind to use, PT_ATTACH_NONE when none works.
 *
 * A BPF trampoline (fentry/fexit) on a module function takes a reference
 * on the module for as long as the program is attached (kernel/bpf/
 * trampoline.c: register_fentry -> bpf_trampoline_module_get ->
 * try_module_get), so while recording the module cannot be unloaded
 * ("in use", one count per program).  A kprobe takes none:
 * it is disarmed when the module goes (kprobes_module_callback).  So a
 * module function gets a kprobe, and fentry only with pin_modules.  For
 * vmlinux functions a kprobe is preferred where one verified program can
 * serve every function (kprobe_shared: BPF cookies): a trampoline
 * program is bound to its one function when it is loaded, so fentry
 * costs one verification per hook at start-up; else fentry (cheaper per
 * call than a kprobe without a shared program to amortise).
 */
enum pt_attach pt_attach_choose(const struct pt_attach_env *e);

/* Would choosing fentry instead of kprobes pin the module?  For messages. */
bool pt_attach_would_pin(const struct pt_attach_env *e);

#endif /* PT_ATTACH_H */
