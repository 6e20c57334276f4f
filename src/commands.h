/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Subcommands of the ptrace binary: one function each, dispatched from
 * the command table in ptrace.c (bpftool style).
 */
#ifndef PT_COMMANDS_H
#define PT_COMMANDS_H

/* Exit codes shared by every subcommand (docs/ptrace.8). */
#define PT_EXIT_OK		0
#define PT_EXIT_FINDINGS	1	/* check: an assertion failed */
#define PT_EXIT_USAGE		2	/* bad input, bad usage, malformed log */
#define PT_EXIT_NOPERM		3	/* needs root / CAP_BPF */
#define PT_EXIT_NOXEN		4	/* no Xen dom0 here: nothing to trace */
#define PT_EXIT_PROBES		5	/* --strict and a required probe missing */
#define PT_EXIT_FAIL		6	/* internal or system failure */

/*
 * Each command's option table (include/pt_cli.h), next to its parser in
 * the command's own file; ptrace.c uses them for 'ptrace help'.
 */
struct pt_cli;
extern const struct pt_cli check_cli, report_cli, record_cli, probes_cli,
	top_cli, dump_cli;

int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_probes(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_dump(int argc, char **argv);

#endif /* PT_COMMANDS_H */
