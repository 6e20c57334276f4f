// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace probes: the probe plan for the running kernel, as the collector
 * session would make it (collect/session.h), without tracing; with
 * --load or --verify-all the collectors also go through the verifier.
 */
#include <errno.h>
#include <getopt.h>	/* optind */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <bpf/libbpf.h>

#include "commands.h"
#include "pt_cli.h"
#include "pt_grow.h"
#include "collect/probes.h"
#include "collect/session.h"
#include "collect.skel.h"

static json_t *unresolved_json(void)
{
	json_t *o = json_object();
	const char *spec;
	int n;

	for (size_t i = 0; (n = pt_probes_unresolved(i, &spec)) >= 0; i++)
		json_object_set_new(o, spec, json_integer(n));
	return o;
}

static json_t *probes_json(const struct pt_env *env,
			   const struct pt_probe_plan *plans,
			   struct collect_bpf *skel, const char *mode)
{
	json_t *root = json_object(), *rows = json_array(), *progs;
	char fe[64];

	snprintf(fe, sizeof(fe), "%s", env->fentry ? "" : strerror(env->fentry_err));
	/* versioned as dump's is (docs/report-json.md) */
	json_object_set_new(root, "schema", json_integer(1));
	json_object_set_new(root, "tool", json_string("ptrace probes"));
	json_object_set_new(root, "version", json_string(PT_VERSION));
	json_object_set_new(root, "kernel", json_string(env->kernel));
	json_object_set_new(root, "xen", json_boolean(env->xen));
	json_object_set_new(root, "xen_dom0", json_boolean(env->xen_dom0));
	json_object_set_new(root, "xen_version", json_string(env->xen_version));
	json_object_set_new(root, "dom0_mode", json_string(env->dom0_mode));
	json_object_set_new(root, "btf", json_boolean(env->btf));
	json_object_set_new(root, "kprobes", json_boolean(env->kprobes));
	json_object_set_new(root, "fentry", json_boolean(env->fentry));
	json_object_set_new(root, "fentry_error", json_string(fe));
	json_object_set_new(root, "kprobe_cookie", json_boolean(env->kprobe_cookie));
	json_object_set_new(root, "kprobe_multi", json_boolean(env->kprobe_multi));
	json_object_set_new(root, "kprobe_multi_error",
			    env->kprobe_multi ? json_string("") :
			    json_string(strerror(env->kprobe_multi_err)));
	json_object_set_new(root, "pin_modules", json_boolean(env->pin_modules));
	json_object_set_new(root, "symbols", json_string(env->symsrc ? env->symsrc : ""));
	json_object_set_new(root, "load", json_string(mode));

	for (size_t i = 0; i < pt_probe_count; i++) {
		const struct pt_probe_plan *p = &plans[i];
		const struct pt_probe_def *d = p->def;
		json_t *r = json_object(), *fn = json_array(), *kinds = json_array();

		for (int a = 0; a < PT_PROBE_MAX_ALTS && d->alt[a].func; a++)
			json_array_append_new(fn, json_string(d->alt[a].func));
		if (d->attach & PT_ATTACH_FENTRY)
			json_array_append_new(kinds, json_string("fentry"));
		if (d->attach & PT_ATTACH_KPROBE)
			json_array_append_new(kinds, json_string("kprobe"));
		json_object_set_new(r, "name", json_string(d->name));
		json_object_set_new(r, "module", json_string(pt_module_name(d->module)));
		json_object_set_new(r, "functions", fn);
		json_object_set_new(r, "attach", kinds);
		json_object_set_new(r, "exit", json_boolean(d->exit));
		json_object_set_new(r, "required", json_boolean(d->required));
		json_object_set_new(r, "xen_only", json_boolean(d->xen));
		json_object_set_new(r, "events", json_string(d->events));
		json_object_set_new(r, "kernels", json_string(d->kernels));
		json_object_set_new(r, "if_missing", json_string(d->if_missing));
		json_object_set_new(r, "state", json_string(
			p->state == PT_PROBE_ATTACHED ?
			(skel ? "loaded" : "usable") : pt_probe_state_name(p->state)));
		json_object_set_new(r, "func", json_string(p->func));
		json_object_set_new(r, "kind", json_string(
			p->state == PT_PROBE_ATTACHED ? pt_attach_name(p->kind, false) : ""));
		json_object_set_new(r, "reason", json_string(p->reason));
		json_array_append_new(rows, r);
	}
	json_object_set_new(root, "probes", rows);

	if (skel) {
		struct bpf_program *prog;
		int n = 0;

		progs = json_array();
		bpf_object__for_each_program(prog, skel->obj) {
			json_t *o = json_object();
			bool on = bpf_program__autoload(prog);

			json_object_set_new(o, "name", json_string(bpf_program__name(prog)));
			json_object_set_new(o, "loaded", json_boolean(on && bpf_program__fd(prog) >= 0));
			json_array_append_new(progs, o);
			n += on;
		}
		json_object_set_new(root, "programs_loaded", json_integer(n));
		json_object_set_new(root, "programs", progs);
		json_object_set_new(root, "unresolved_relocations", unresolved_json());
	}
	return root;
}

enum {
	OPT_LOAD = PT_OPT_LONG, OPT_VERIFY_ALL, OPT_BTF, OPT_NO_FENTRY,
	OPT_PIN_MODULES,
};

static const struct pt_opt probes_opts[] = {
	{ "json", 'j', NULL, PT_OPT_FLAG, "machine-readable output" },
	{ "load", OPT_LOAD, NULL, PT_OPT_FLAG,
	  "also load the BPF programs the plan selects (the\n"
	  "verifier runs; needs root)" },
	{ "verify-all", OPT_VERIFY_ALL, NULL, PT_OPT_FLAG,
	  "load every kprobe program, attachable here or not\n"
	  "(verifier coverage on any kernel; needs root)" },
	{ "btf", OPT_BTF, "FILE", PT_OPT_STRING,
	  "with --verify-all: relocate against this BTF (another\n"
	  "kernel's vmlinux or raw .BTF) instead of the running one" },
	{ "no-fentry", OPT_NO_FENTRY, NULL, PT_OPT_FLAG, "plan with kprobes only" },
	{ "pin-modules", OPT_PIN_MODULES, NULL, PT_OPT_FLAG,
	  "plan fentry for module functions too (as record\n"
	  "--pin-modules)" },
	{ "verbose", 'v', NULL, PT_OPT_FLAG, "libbpf messages and the start-up's steps, stamped with the seconds since exec" },
	{ NULL },
};

const struct pt_cli probes_cli = {
	.name = "probes",
	.args = "[options]",
	.summary = "what the tracer can attach on this kernel",
	.doc = "The probe table for the running kernel: what would attach, with\n"
	       "which kind, and why the rest cannot; nothing is traced.",
	.opts = probes_opts,
	.examples =
		"ptrace probes                     # the plan for this kernel\n"
		"ptrace probes --load              # and load it through the verifier\n"
		"ptrace probes --verify-all --btf /boot/vmlinux-6.1.0-xen",
};

int cmd_probes(int argc, char **argv)
{
	const char *btf_path = NULL;
	struct pt_probe_plan *plans;
	struct collect_bpf *skel = NULL;
	struct pt_env env;
	bool json = false, load = false, all = false, no_fentry = false;
	bool pin_modules = false;
	struct pt_optval v;
	char msg[256];
	int c, err, ret = PT_EXIT_OK;

	while ((c = pt_cli_getopt(&probes_cli, argc, argv, &v)) != PT_CLI_END) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case OPT_LOAD:
			load = true;
			break;
		case OPT_VERIFY_ALL:
			all = true;
			break;
		case OPT_NO_FENTRY:
			no_fentry = true;
			break;
		case OPT_PIN_MODULES:
			pin_modules = true;
			break;
		case OPT_BTF:
			btf_path = v.str;
			break;
		case 'v':
			pt_libbpf_verbose(true);
			break;
		default:
			return pt_cli_exit(c);
		}
	}
	if (optind != argc)
		return pt_cli_usage_error(&probes_cli, "unexpected argument '%s'",
					  argv[optind]);
	if (btf_path && !all)
		return pt_cli_usage_error(&probes_cli, "--btf goes with --verify-all");
	if ((load || all) && geteuid() != 0) {
		fprintf(stderr, "ptrace probes: --load and --verify-all need root "
			"(loading BPF programs needs CAP_BPF and CAP_PERFMON)\n");
		return PT_EXIT_NOPERM;
	}

	/* every answer of the kernel, fentry's too: this command reports them */
	pt_env_probe(&env, &(struct pt_env_wants){ .no_fentry = no_fentry,
						   .pin_modules = pin_modules,
						   .every_feature = true });
	plans = pt_xcalloc(pt_probe_count, sizeof(*plans));
	pt_probes_plan(&env, plans);
	if (btf_path) {
		if (pt_env_variants_from(&env, btf_path)) {
			fprintf(stderr, "ptrace probes: cannot read BTF from %s\n", btf_path);
			ret = PT_EXIT_USAGE;
			goto out;
		}
		pt_probes_set_btf(btf_path);
	}
	if (load || all) {
		if (!env.btf) {
			fprintf(stderr, "ptrace probes: this kernel has no BTF "
				"(/sys/kernel/btf/vmlinux missing): nothing can be loaded\n");
			ret = PT_EXIT_FAIL;
			goto out;
		}
		/* the unresolved relocations: what --verify-all is for */
		pt_libbpf_note_relocations(all);
		skel = pt_probes_load(&env, plans,
				      all ? PT_LOAD_ALL_KPROBES : PT_LOAD_PLAN,
				      0, &err, msg, sizeof(msg));
		if (!skel) {
			fprintf(stderr, "ptrace probes: %s\n", msg);
			ret = err == -EPERM ? PT_EXIT_NOPERM : PT_EXIT_FAIL;
		}
	}

	if (json) {
		json_t *j = probes_json(&env, plans, skel,
					all ? "all-kprobes" : load ? "plan" : "none");

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		size_t a, m, r;

		pt_session_env_summary(stdout, &env);
		printf("ptrace: functions from %s\n",
		       env.symsrc ? env.symsrc : "(none readable)");
		for (size_t i = 0; i < pt_probe_count; i++) {
			const struct pt_probe_plan *p = &plans[i];
			const struct pt_probe_def *d = p->def;

			printf("%-26s %-11s %-30s %s%s\n", d->name,
			       pt_module_name(d->module), d->alt[0].func,
			       d->required ? "required" : "optional",
			       d->exit ? ", entry+exit" : "");
			if (p->state == PT_PROBE_ATTACHED)
				printf("    -> %s %s%s\n", pt_attach_name(p->kind, false),
				       p->func, skel ? " (loaded)" : "");
			else
				printf("    -> %s: %s\n", pt_probe_state_name(p->state),
				       p->reason);
			printf("    feeds: %s; kernels: %s\n", d->events, d->kernels);
			if (p->state != PT_PROBE_ATTACHED)
				printf("    if missing: %s\n", d->if_missing);
		}
		if (skel) {
			const char *spec;
			int k;

			for (size_t i = 0; (k = pt_probes_unresolved(i, &spec)) >= 0; i++)
				printf("unresolved CO-RE relocation (dead code if guarded): %s x%d\n",
				       spec, k);
		}
		pt_probes_count(plans, &a, &m, &r);
		printf("%zu of %zu probes usable, %zu missing (%zu required)%s\n",
		       a, pt_probe_count, m, r,
		       skel ? (all ? "; every kprobe program loaded and verified" :
			       "; selected programs loaded and verified") : "");
	}
out:
	collect_bpf__destroy(skel);
	free(plans);
	pt_env_free(&env);
	return ret;
}
