// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace: PCI passthrough trace.  One binary, perf-style subcommands,
 * dispatched from one table (bpftool style).  Installed as ptrace-top too,
 * which runs "ptrace top".
 */
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "record", cmd_record, "trace a Xen dom0 into a trace log (BPF)" },
	{ "report", cmd_report, "per-device timeline and findings of a trace log" },
	{ "check",  cmd_check,  "assert on the findings of trace logs (for CI)" },
	{ "top",    cmd_top,    "live view of devices, vectors and findings" },
	{ "dump",   cmd_dump,   "one-shot snapshot of passthrough interrupt state" },
	{ "probes", cmd_probes, "what the tracer can attach on this kernel" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: ptrace <command> [options]\n\n"
		   "PCI passthrough trace: what happens to a device's interrupts\n"
		   "while Xen passes it through to a guest.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'ptrace <command> --help' for a command's options; "
		   "man 8 ptrace for exit codes.\n");
}

int main(int argc, char **argv)
{
	const char *self = basename(argv[0]);

	/* ptrace-top is ptrace top */
	if (!strcmp(self, "ptrace-top")) {
		argv[0] = "top";
		return cmd_top(argc, argv);
	}
	if (argc < 2) {
		usage(stderr);
		return PT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return PT_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("ptrace %s\n", PT_VERSION);
		return PT_EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "ptrace: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return PT_EXIT_USAGE;
}
