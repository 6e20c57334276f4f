// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace: PCI passthrough trace.  One binary, perf-style subcommands,
 * dispatched from one table (bpftool style).  Installed as ptrace-top too,
 * which runs "ptrace top".
 */
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "pt_cli.h"

struct command {
	const struct pt_cli *cli;	/* name, summary, options */
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{ &record_cli, cmd_record },
	{ &report_cli, cmd_report },
	{ &check_cli,  cmd_check },
	{ &top_cli,    cmd_top },
	{ &dump_cli,   cmd_dump },
	{ &probes_cli, cmd_probes },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: ptrace <command> [options]\n\n"
		   "PCI passthrough trace: what happens to a device's interrupts\n"
		   "while Xen passes it through to a guest.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].cli->name,
			commands[i].cli->summary);
	fprintf(f, "\n'ptrace help <command>' or 'ptrace <command> --help' for a "
		   "command's options;\nman 8 ptrace for exit codes.\n");
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].cli->name))
			return &commands[i];
	return NULL;
}

/*
 * ptrace help [CMD]: the same text as 'ptrace CMD --help'.
 * ptrace help --man [CMD]: the man page's option sections, which
 * docs/ptrace.8 carries verbatim (tests/cli/options compares them).
 */
static int help(int argc, char **argv)
{
	const struct command *c = NULL;
	bool man = argc > 1 && !strcmp(argv[1], "--man");
	int first = man ? 2 : 1;

	if (argc > first + 1) {
		fprintf(stderr, "ptrace help: one command at most\n"
			"usage: ptrace help [--man] [<command>]\n");
		return PT_EXIT_USAGE;
	}
	if (argc == first + 1 && !(c = find(argv[first]))) {
		fprintf(stderr, "ptrace help: unknown command '%s'\n\n", argv[first]);
		usage(stderr);
		return PT_EXIT_USAGE;
	}
	if (man) {
		const struct pt_cli *clis[NCOMMANDS];

		for (size_t i = 0; i < NCOMMANDS; i++) {
			clis[i] = commands[i].cli;
			if (!c || c == &commands[i])
				pt_cli_man(clis[i], stdout);
		}
		if (!c)
			pt_cli_man_footer(clis, NCOMMANDS, stdout);
	} else if (c) {
		pt_cli_help(c->cli, stdout);
	} else {
		usage(stdout);
	}
	return PT_EXIT_OK;
}

int main(int argc, char **argv)
{
	const char *self = basename(argv[0]);
	const struct command *c;

	/* ptrace-top is ptrace top */
	if (!strcmp(self, "ptrace-top")) {
		argv[0] = "top";
		return cmd_top(argc, argv);
	}
	if (argc < 2) {
		usage(stderr);
		return PT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return help(1, argv + 1);
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("ptrace %s\n", PT_VERSION);
		return PT_EXIT_OK;
	}
	c = find(argv[1]);
	if (c)
		return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "ptrace: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return PT_EXIT_USAGE;
}
