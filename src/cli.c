// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One option table per subcommand (include/pt_cli.h): getopt_long's
 * arrays, value checking, --help and the man page's option lists all come
 * from it.
 */
#include <ctype.h>
#include <getopt.h>
#include <math.h>	/* isfinite: a macro, no libm */
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "pt_cli.h"

#define MAX_OPTS	48

/* Every command has these two, after its own. */
static const struct pt_opt common_opts[] = {
	{ "help", 'h', NULL, PT_OPT_FLAG, "print this help" },
	{ "version", 'V', NULL, PT_OPT_FLAG, "print the version" },
	{ NULL },
};

static const struct pt_cli *cur;
static struct option longopts[MAX_OPTS + 1];
static const struct pt_opt *byindex[MAX_OPTS];
static char shortopts[2 * MAX_OPTS + 2];

/* ------------------------------------------------------------ numbers */

static const struct {
	const char *name;
	unsigned long long ns;
} time_units[] = {
	{ "ns", 1ull }, { "us", 1000ull }, { "ms", 1000000ull },
	{ "s", 1000000000ull }, { "m", 60000000000ull },
	{ "min", 60000000000ull }, { "h", 3600000000000ull },
};

/*
 * Digits with an optional fraction, nothing else: strtod() would also
 * take signs, spaces, hex, exponents, "inf" and "nan".
 */
static const char *decimal(const char *s, long double *out)
{
	const char *p = s;
	long double v = 0, scale = 1;
	bool digits = false;

	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p++ - '0');
		digits = true;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			scale /= 10;
			v += (*p++ - '0') * scale;
			digits = true;
		}
	}
	if (!digits)
		return NULL;
	*out = v;
	return p;
}

int pt_parse_duration(const char *s, unsigned long long unit_ns,
		      unsigned long long *ns)
{
	long double v;
	const char *p = decimal(s, &v);

	if (!p)
		return -1;
	if (*p) {
		size_t i;

		for (i = 0; i < sizeof(time_units) / sizeof(time_units[0]); i++)
			if (!strcmp(p, time_units[i].name))
				break;
		if (i == sizeof(time_units) / sizeof(time_units[0]))
			return -1;
		unit_ns = time_units[i].ns;
	}
	v = v * unit_ns + 0.5L;
	if (v >= 18446744073709551615.0L)
		return -1;
	*ns = (unsigned long long)v;
	return 0;
}

int pt_parse_size(const char *s, unsigned long long unit,
		  unsigned long long *bytes)
{
	unsigned long long v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (~0ull - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	switch (toupper((unsigned char)*p)) {
	case '\0':
		break;
	case 'K':
		unit = 1ull << 10;
		break;
	case 'M':
		unit = 1ull << 20;
		break;
	case 'G':
		unit = 1ull << 30;
		break;
	default:
		return -1;
	}
	if (*p && p[1])
		return -1;
	if (v && unit > ~0ull / v)
		return -1;
	*bytes = v * unit;
	return 0;
}

/* The shortest exact text of a duration: "10ms", "600s", "1.5s". */
static void fmt_duration(unsigned long long ns, char *buf, size_t len)
{
	static const struct { const char *name; unsigned long long ns; } u[] = {
		{ "h", 3600000000000ull }, { "m", 60000000000ull },
		{ "s", 1000000000ull }, { "ms", 1000000ull }, { "us", 1000ull },
	};

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (ns >= u[i].ns && ns % u[i].ns == 0) {
			snprintf(buf, len, "%llu%s", ns / u[i].ns, u[i].name);
			return;
		}
	snprintf(buf, len, "%lluns", ns);
}

static void fmt_value(const struct pt_opt *o, double v, char *buf, size_t len)
{
	if (o->type == PT_OPT_DURATION)
		fmt_duration((unsigned long long)v, buf, len);
	else if (o->type == PT_OPT_SIZE && v >= (1 << 20) &&
		 (unsigned long long)v % (1 << 20) == 0)
		snprintf(buf, len, "%.0fM", v / (1 << 20));
	else
		snprintf(buf, len, "%.15g", v);
}

static const char *const type_hint[] = {
	[PT_OPT_UINT] = "a whole number",
	[PT_OPT_NUMBER] = "a number such as 0.5",
	[PT_OPT_DURATION] = "a duration such as 250ms or 1.5s",
	[PT_OPT_SIZE] = "a size such as 64 or 64M",
};

/* Parse and range-check the argument of o; 0 or -1 (message printed). */
static int parse_value(const struct pt_opt *o, const char *s,
		       struct pt_optval *v)
{
	long double ld;
	const char *end;
	double x = 0;
	int bad = 0;

	memset(v, 0, sizeof(*v));
	v->str = s;
	switch (o->type) {
	case PT_OPT_FLAG:
	case PT_OPT_STRING:
		return 0;
	case PT_OPT_UINT:
		/* digits only: no sign, no K/M/G, no fraction */
		bad = !isdigit((unsigned char)*s) ||
		      s[strspn(s, "0123456789")] ||
		      pt_parse_size(s, 1, &v->u);
		x = v->u;
		break;
	case PT_OPT_NUMBER:
		end = decimal(s, &ld);
		bad = !end || *end || !isfinite((double)ld);
		if (!bad)
			v->num = (double)ld;
		x = v->num;
		break;
	case PT_OPT_DURATION:
		bad = pt_parse_duration(s, o->unit, &v->u);
		v->num = v->u / 1e9;
		x = v->u;
		break;
	case PT_OPT_SIZE:
		bad = pt_parse_size(s, o->unit, &v->u);
		x = v->u;
		break;
	}
	if (bad) {
		pt_cli_usage_error(cur, "--%s: '%s' is not %s", o->name, s,
				   type_hint[o->type]);
		return -1;
	}
	if (x < o->min || (o->max > 0 && x > o->max)) {
		char lo[32], hi[32];

		fmt_value(o, o->min, lo, sizeof(lo));
		fmt_value(o, o->max, hi, sizeof(hi));
		if (o->max > 0)
			pt_cli_usage_error(cur, "--%s: '%s' is out of range (%s to %s)",
					   o->name, s, lo, hi);
		else
			pt_cli_usage_error(cur, "--%s: '%s' is below %s",
					   o->name, s, lo);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ parsing */

static void build(const struct pt_cli *cli)
{
	const struct pt_opt *tables[] = { cli->opts, common_opts };
	size_t n = 0, k = 0;

	memset(shortopts, 0, sizeof(shortopts));
	shortopts[k++] = ':';	/* ':' for a missing argument, not '?' */
	for (size_t t = 0; t < 2; t++)
		for (const struct pt_opt *o = tables[t]; o->name; o++) {
			if (n == MAX_OPTS)
				abort();	/* a table too big: a build-time bug */
			longopts[n] = (struct option) {
				o->name, o->arg ? required_argument : no_argument,
				NULL, o->key,
			};
			byindex[n++] = o;
			if (o->key < PT_OPT_LONG) {
				/* one letter, one option: a clash is a table bug */
				if (strchr(shortopts + 1, o->key))
					abort();
				shortopts[k++] = o->key;
				if (o->arg)
					shortopts[k++] = ':';
			}
		}
	memset(&longopts[n], 0, sizeof(longopts[n]));
	shortopts[k] = '\0';
	cur = cli;
}

static const struct pt_opt *find_key(int key)
{
	for (size_t i = 0; i < MAX_OPTS && longopts[i].name; i++)
		if (byindex[i]->key == key)
			return byindex[i];
	return NULL;
}

static void usage_line(const struct pt_cli *cli, FILE *f)
{
	fprintf(f, "usage: ptrace %s %s\n", cli->name, cli->args);
}

int pt_cli_usage_error(const struct pt_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ptrace %s: ", cli->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage_line(cli, stderr);
	fprintf(stderr, "'ptrace %s --help' lists the options.\n", cli->name);
	return PT_EXIT_USAGE;
}

int pt_cli_getopt(const struct pt_cli *cli, int argc, char **argv,
		  struct pt_optval *v)
{
	const struct pt_opt *o;
	int c;

	if (cur != cli) {
		build(cli);
		optind = 0;	/* glibc: start over, whatever ran before */
	}
	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == -1)
		return PT_CLI_END;
	if (c == '?' || c == ':') {
		const char *arg = argv[optind - 1];
		char shortopt[3] = { '-', (char)optopt, 0 };
		bool islong = !strncmp(arg, "--", 2);

		if (c == ':')
			pt_cli_usage_error(cli, "option '%s' needs an argument",
					   islong ? arg : shortopt);
		else if (islong && optopt)
			pt_cli_usage_error(cli, "option '%.*s' takes no argument",
					   (int)strcspn(arg, "="), arg);
		else
			pt_cli_usage_error(cli, "unknown option '%s'",
					   islong ? arg : shortopt);
		return PT_CLI_ERROR;
	}
	if (c == 'h') {
		pt_cli_help(cli, stdout);
		return PT_CLI_DONE;
	}
	if (c == 'V') {
		printf("ptrace %s\n", PT_VERSION);
		return PT_CLI_DONE;
	}
	o = find_key(c);
	if (!o)
		abort();	/* getopt returned a key the table lacks */
	if (parse_value(o, o->arg ? optarg : NULL, v))
		return PT_CLI_ERROR;
	return c;
}

int pt_cli_exit(int c)
{
	return c == PT_CLI_DONE ? PT_EXIT_OK : PT_EXIT_USAGE;
}

/* ------------------------------------------------------------ help */

#define HELP_COL	26

/* Text with its continuation lines indented to col. */
static void put_lines(FILE *f, const char *s, int col)
{
	for (const char *p = s; *p; p++) {
		fputc(*p, f);
		if (*p == '\n' && p[1])
			fprintf(f, "%*s", col, "");
	}
	fputc('\n', f);
}

static bool has_type(const struct pt_cli *cli, enum pt_opt_type t)
{
	for (const struct pt_opt *o = cli->opts; o->name; o++)
		if (o->type == t && !(o->flags & PT_OPT_HIDDEN))
			return true;
	return false;
}

static void help_opts(const struct pt_opt *o, FILE *f)
{
	for (; o->name; o++) {
		char head[64];
		int n;

		if (o->flags & PT_OPT_HIDDEN)
			continue;
		if (o->key < PT_OPT_LONG)
			n = snprintf(head, sizeof(head), "  -%c, --%s", o->key, o->name);
		else
			n = snprintf(head, sizeof(head), "      --%s", o->name);
		if (o->arg)
			snprintf(head + n, sizeof(head) - n, " %s", o->arg);
		if (strlen(head) + 1 >= HELP_COL)
			fprintf(f, "%s\n%*s", head, HELP_COL, "");
		else
			fprintf(f, "%-*s", HELP_COL, head);
		put_lines(f, o->help, HELP_COL);
	}
}

static const char units_text[] =
	"Durations are a number with an optional unit: ns, us, ms, s, m, h\n"
	"(250ms, 1.5s); a bare number is in the unit the argument names\n"
	"(MS milliseconds, S seconds).";
static const char sizes_text[] =
	"Sizes are a whole number with an optional K, M or G (powers of 1024);\n"
	"without one, the unit the argument names.";

void pt_cli_help(const struct pt_cli *cli, FILE *f)
{
	usage_line(cli, f);
	if (cli->doc)
		fprintf(f, "%s\n", cli->doc);
	fprintf(f, "\noptions:\n");
	help_opts(cli->opts, f);
	help_opts(common_opts, f);
	if (has_type(cli, PT_OPT_DURATION))
		fprintf(f, "\n%s\n", units_text);
	if (has_type(cli, PT_OPT_SIZE))
		fprintf(f, "\n%s\n", sizes_text);
	if (cli->examples) {
		fprintf(f, "\nEXAMPLES:\n    ");
		put_lines(f, cli->examples, 4);
	}
	if (cli->more)
		fprintf(f, "\n%s\n", cli->more);
}

/* ------------------------------------------------------------ man */

/* roff text: '-' and '\' escaped, no line starting with a control char. */
static void man_text(FILE *f, const char *s)
{
	bool bol = true;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		bol = *s == '\n';
		if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\\')
			fputs("\\e", f);
		else
			fputc(*s, f);
	}
}

static void man_opts(const struct pt_opt *o, FILE *f)
{
	for (; o->name; o++) {
		if (o->flags & PT_OPT_HIDDEN)
			continue;
		fputs(".TP\n", f);
		if (o->key < PT_OPT_LONG)
			fprintf(f, "\\fB\\-%c\\fR, ", o->key);
		fputs("\\fB\\-\\-", f);
		man_text(f, o->name);
		fputs("\\fR", f);
		if (o->arg) {
			fputs(" \\fI", f);
			man_text(f, o->arg);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		man_text(f, o->help);
		fputc('\n', f);
	}
}

void pt_cli_man(const struct pt_cli *cli, FILE *f)
{
	fputs(".SS \"ptrace ", f);
	man_text(f, cli->name);
	fputs("\"\n.B ptrace ", f);
	man_text(f, cli->name);
	fputc('\n', f);
	man_text(f, cli->args);
	fputs("\n.PP\n", f);
	man_text(f, cli->summary);
	fputc('\n', f);
	man_opts(cli->opts, f);
	man_opts(common_opts, f);
	if (cli->examples) {
		fputs(".PP\nExamples:\n.PP\n.nf\n.RS 4\n", f);
		man_text(f, cli->examples);
		fputs("\n.RE\n.fi\n", f);
	}
}

/*
 * After the commands' sections: the units of durations and sizes, and
 * which long option each short letter stands for.  The letter map is
 * built from the tables, so a letter given two meanings shows up here
 * (and fails tests/cli/options) instead of going unnoticed.
 */
void pt_cli_man_footer(const struct pt_cli *const *clis, size_t n, FILE *f)
{
	fputs(".SS \"Durations and sizes\"\n", f);
	man_text(f, units_text);
	fputs("\n.PP\n", f);
	man_text(f, sizes_text);
	fputs("\n.SS \"Short options\"\n"
	      "A letter means the same option in every command that has it.\n", f);
	for (int c = 1; c < 128; c++) {
		const char *names[8];
		size_t nn = 0;

		if (!isalnum(c))
			continue;
		for (size_t i = 0; i < n; i++)
			for (const struct pt_opt *o = clis[i]->opts; o->name; o++) {
				size_t k;

				if (o->key != c || (o->flags & PT_OPT_HIDDEN))
					continue;
				for (k = 0; k < nn; k++)
					if (!strcmp(names[k], o->name))
						break;
				if (k == nn && nn < 8)
					names[nn++] = o->name;
			}
		for (const struct pt_opt *o = common_opts; o->name; o++)
			if (o->key == c && nn < 8)
				names[nn++] = o->name;
		if (!nn)
			continue;
		fprintf(f, ".TP\n\\fB\\-%c\\fR\n", c);
		for (size_t k = 0; k < nn; k++) {
			bool first = true;

			fprintf(f, "%s\\fB\\-\\-", k ? "; " : "");
			man_text(f, names[k]);
			fputs("\\fR (", f);
			for (size_t i = 0; i < n; i++)
				for (const struct pt_opt *o = clis[i]->opts; o->name; o++)
					if (o->key == c && !strcmp(o->name, names[k])) {
						fprintf(f, "%s%s", first ? "" : ", ", clis[i]->name);
						first = false;
					}
			fprintf(f, "%s)", first ? "every command" : "");
		}
		fputc('\n', f);
	}
}
