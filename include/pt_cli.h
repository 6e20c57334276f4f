/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Command-line options, declared once per subcommand.
 *
 * Each subcommand describes its options in one table (struct pt_opt, as
 * bpftool's command tables or libbpf-tools' argp option arrays do).  The
 * same table gives getopt_long its long options and short letters,
 * checks every numeric value, prints --help (with an EXAMPLES block) and
 * prints the man page's option list ('ptrace help --man CMD'), so the
 * three cannot drift apart.  -h/--help and -V/--version are added to
 * every table.
 */
#ifndef PT_CLI_H
#define PT_CLI_H

#include <stdio.h>

enum pt_opt_type {
	PT_OPT_FLAG,		/* no argument */
	PT_OPT_STRING,		/* any text: the command checks it */
	PT_OPT_UINT,		/* a decimal integer */
	PT_OPT_NUMBER,		/* a decimal number, e.g. 0.5 */
	PT_OPT_DURATION,	/* a number with an optional time unit */
	PT_OPT_SIZE,		/* an integer with an optional K, M or G */
};

/* Keys at or above this have no short letter. */
#define PT_OPT_LONG	256

/* Parsed but left out of --help and the man page (benchmarks, tests). */
#define PT_OPT_HIDDEN	0x1

struct pt_opt {
	const char *name;	/* long name, without "--" */
	int key;		/* short letter, or PT_OPT_LONG + n */
	const char *arg;	/* argument name shown in help; NULL: a flag */
	enum pt_opt_type type;
	const char *help;	/* lines separated by '\n' */
	/* DURATION: ns of a bare number; SIZE: bytes of a bare number */
	unsigned long long unit;
	/*
	 * Accepted range, min to max (no upper bound when max is 0): the
	 * value for UINT and NUMBER, ns for DURATION, bytes for SIZE.
	 */
	double min, max;
	unsigned int flags;
};

struct pt_cli {
	const char *name;	/* "report" */
	const char *args;	/* what follows "ptrace report" in usage */
	const char *summary;	/* one line for 'ptrace help' */
	const char *doc;	/* paragraph under the usage line, or NULL */
	const struct pt_opt *opts;	/* ends with an entry whose name is NULL */
	const char *examples;	/* "command   # what it does" lines */
	const char *more;	/* --help only: after the examples, or NULL */
};

/* A parsed option value. */
struct pt_optval {
	const char *str;		/* the text given, for every type */
	unsigned long long u;		/* UINT; DURATION in ns; SIZE in bytes */
	double num;			/* NUMBER; DURATION in seconds */
};

/* pt_cli_getopt() results besides an option's key */
#define PT_CLI_END	(-1)	/* no more options: operands from optind */
#define PT_CLI_DONE	(-2)	/* --help or --version printed: exit 0 */
#define PT_CLI_ERROR	(-3)	/* usage error printed: exit 2 */

/*
 * The next option of argv, as getopt_long() would return it, with its
 * argument parsed and range-checked into *v.  Handles --help and
 * --version itself, and prints "ptrace CMD: ..." with the usage line for
 * every usage error.  Starts over when called with another table.
 */
int pt_cli_getopt(const struct pt_cli *cli, int argc, char **argv,
		  struct pt_optval *v);

/* The exit code for PT_CLI_DONE or PT_CLI_ERROR (0 or 2). */
int pt_cli_exit(int c);

/*
 * A usage error found after parsing (a missing operand, options that
 * exclude each other): "ptrace CMD: <message>", the usage line, and a
 * pointer to --help on stderr.  Returns PT_EXIT_USAGE.
 */
int pt_cli_usage_error(const struct pt_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* --help text, to f. */
void pt_cli_help(const struct pt_cli *cli, FILE *f);

/* The man page's section for the command (usage, options, examples). */
void pt_cli_man(const struct pt_cli *cli, FILE *f);

/* After every command's section: units and the map of short letters. */
void pt_cli_man_footer(const struct pt_cli *const *clis, size_t n, FILE *f);

/*
 * Durations: a decimal number with an optional unit ns, us, ms, s, m
 * (or min), h; a bare number is in unit_ns.  Sizes: an integer with an
 * optional K, M or G (powers of 1024); a bare number is in unit bytes.
 * 0 on success, -1 on bad text or overflow.
 */
int pt_parse_duration(const char *s, unsigned long long unit_ns,
		      unsigned long long *ns);
int pt_parse_size(const char *s, unsigned long long unit,
		  unsigned long long *bytes);

#endif /* PT_CLI_H */
