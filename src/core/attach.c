// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The attach-kind decision of the probe planner (src/collect/probes.c), kept
 * free of libbpf so the unit tests can drive it (tests/unit/test_attach.c).
 */
#include "pt_attach.h"

static bool fentry_ok(const struct pt_attach_env *e)
{
	return (e->allowed & PT_ATTACH_FENTRY) && e->fentry && e->exact_btf;
}

static bool kprobe_ok(const struct pt_attach_env *e)
{
	return (e->allowed & PT_ATTACH_KPROBE) && e->kprobes;
}

bool pt_attach_would_pin(const struct pt_attach_env *e)
{
	return e->in_module && !e->pin_modules && fentry_ok(e);
}

enum pt_attach pt_attach_choose(const struct pt_attach_env *e)
{
	/* never hold a module unless told to: the observer must not change it */
	if (e->in_module && !e->pin_modules)
		return kprobe_ok(e) ? PT_ATTACH_KPROBE : PT_ATTACH_NONE;
	/* one shared program for every vmlinux function: the fastest start */
	if (!e->in_module && e->kprobe_shared && kprobe_ok(e))
		return PT_ATTACH_KPROBE;
	if (fentry_ok(e))
		return PT_ATTACH_FENTRY;
	if (kprobe_ok(e))
		return PT_ATTACH_KPROBE;
	return PT_ATTACH_NONE;
}
