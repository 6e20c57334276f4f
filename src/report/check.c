// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace check LOG...: assertions over recorded trace logs, for CI.
 *
 * Policy, per log: every --expect RULE[=N] must hold (N findings exactly,
 * or at least one), every --forbid RULE must have none, and by default
 * any error-severity finding of a rule not expected or allowed fails.
 * Findings made incomplete by lost events never fail a check unless
 * --fail-incomplete is given: a lost window proves nothing either way.
 *
 * Exit: 0 all assertions hold, 1 one failed, 2 bad input or usage.
 */
#include <ctype.h>
#include <getopt.h>	/* optind */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "pt_cli.h"
#include "pt_log.h"
#include "pt_model.h"
#include "pt_names.h"
#include "pt_outfile.h"

enum assert_kind { A_EXPECT, A_FORBID, A_ALLOW };

struct assertion {
	enum assert_kind kind;
	const struct pt_rule *rule;
	long count;		/* A_EXPECT: exact count, -1 for "at least one" */
};

struct policy {
	struct assertion *a;
	size_t n, cap;
	bool fail_incomplete;
	bool default_errors;	/* fail on unexpected error findings */
	__u64 window_ns;
};

/* The result of one assertion on one log, for text, JSON and JUnit. */
struct outcome {
	char name[128];
	bool pass;
	char detail[1024];
};

static int add_assertion(struct policy *p, enum assert_kind kind,
			 const char *spec, const char *where)
{
	char rule[64];
	const char *eq = strchr(spec, '=');
	size_t len = eq ? (size_t)(eq - spec) : strlen(spec);
	struct assertion *a;
	char *end;

	if (len >= sizeof(rule))
		len = sizeof(rule) - 1;
	memcpy(rule, spec, len);
	rule[len] = '\0';
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->a = realloc(p->a, p->cap * sizeof(*p->a));
		if (!p->a)
			abort();
	}
	a = &p->a[p->n];
	a->kind = kind;
	a->count = -1;
	a->rule = pt_rule_find(rule);
	if (!a->rule) {
		fprintf(stderr, "ptrace check: %sunknown rule '%s' (see 'ptrace check --list-rules')\n",
			where, rule);
		return -1;
	}
	if (eq) {
		if (kind != A_EXPECT) {
			fprintf(stderr, "ptrace check: %s'=N' only goes with expect\n", where);
			return -1;
		}
		a->count = strtol(eq + 1, &end, 10);
		if (*end || end == eq + 1 || a->count < 0) {
			fprintf(stderr, "ptrace check: %sbad count in '%s'\n", where, spec);
			return -1;
		}
	}
	p->n++;
	return 0;
}

/* A rules file: "expect RULE[=N]", "forbid RULE", "allow RULE", '#' comments. */
static int load_rules_file(struct policy *p, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[256], where[300], verb[32], spec[128];
	unsigned long n = 0;
	int ret = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line;
		int k;

		n++;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%lu: ", path, n);
		k = sscanf(s, "%31s %127s", verb, spec);
		if (k != 2) {
			fprintf(stderr, "ptrace check: %sexpected 'expect|forbid|allow RULE'\n", where);
			ret = -1;
			break;
		}
		if (!strcmp(verb, "expect"))
			ret = add_assertion(p, A_EXPECT, spec, where);
		else if (!strcmp(verb, "forbid"))
			ret = add_assertion(p, A_FORBID, spec, where);
		else if (!strcmp(verb, "allow"))
			ret = add_assertion(p, A_ALLOW, spec, where);
		else {
			fprintf(stderr, "ptrace check: %sunknown verb '%s'\n", where, verb);
			ret = -1;
		}
		if (ret)
			break;
	}
	fclose(f);
	return ret;
}

static bool counts(const struct policy *p, const struct pt_finding *f)
{
	return f->status == PT_FINDING_BUG || p->fail_incomplete;
}

static void list_findings(const struct policy *p, const struct pt_model *m,
			  const struct pt_rule *rule, bool only_errors,
			  const struct assertion *skip_all, size_t nskip,
			  char *buf, size_t len)
{
	size_t used = 0;
	char line[400];

	buf[0] = '\0';
	for (size_t i = 0; i < pt_model_finding_count(m); i++) {
		const struct pt_finding *f = pt_model_finding(m, i);
		bool skipped = false;

		if (rule && f->rule != rule)
			continue;
		if (only_errors && (f->rule->severity != PT_SEV_ERROR || !counts(p, f)))
			continue;
		for (size_t k = 0; k < nskip; k++)
			if (skip_all[k].rule == f->rule)
				skipped = true;
		if (skipped)
			continue;
		pt_finding_format(f, line, sizeof(line));
		if (used + strlen(line) + 4 < len)
			used += snprintf(buf + used, len - used, "  %s\n", line);
	}
}

static size_t rule_count(const struct policy *p, const struct pt_model *m,
			 const struct pt_rule *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < pt_model_finding_count(m); i++) {
		const struct pt_finding *f = pt_model_finding(m, i);

		if (f->rule == rule && counts(p, f))
			n++;
	}
	return n;
}

/* Evaluate the policy on one replayed log. */
static size_t evaluate(const struct policy *p, const struct pt_model *m,
		       struct outcome *out)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct assertion *a = &p->a[i];
		struct outcome *o = &out[n];
		size_t c = rule_count(p, m, a->rule);

		if (a->kind == A_ALLOW)
			continue;
		if (a->kind == A_EXPECT && a->count >= 0) {
			snprintf(o->name, sizeof(o->name), "expect %s=%ld", a->rule->name, a->count);
			o->pass = (long)c == a->count;
		} else if (a->kind == A_EXPECT) {
			snprintf(o->name, sizeof(o->name), "expect %s", a->rule->name);
			o->pass = c > 0;
		} else {
			snprintf(o->name, sizeof(o->name), "forbid %s", a->rule->name);
			o->pass = c == 0;
		}
		o->detail[0] = '\0';
		if (!o->pass) {
			char list[900];

			/*
			 * Findings of the rule that did not count (incomplete,
			 * without --fail-incomplete) are listed too, so that
			 * "found 0" next to them is not a riddle.
			 */
			list_findings(p, m, a->rule, false, NULL, 0, list, sizeof(list));
			if (c)
				snprintf(o->detail, sizeof(o->detail),
					 "found %zu finding%s:\n%s", c, c == 1 ? "" : "s", list);
			else if (list[0])
				snprintf(o->detail, sizeof(o->detail),
					 "found no finding that counts (incomplete ones count with --fail-incomplete):\n%s",
					 list);
			else
				snprintf(o->detail, sizeof(o->detail), "found no finding\n");
		}
		n++;
	}
	if (p->default_errors) {
		struct outcome *o = &out[n++];
		char list[1000];

		snprintf(o->name, sizeof(o->name), "no unexpected error findings");
		list_findings(p, m, NULL, true, p->a, p->n, list, sizeof(list));
		o->pass = !list[0];
		snprintf(o->detail, sizeof(o->detail), "%s", list);
	}
	return n;
}

static void xml_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* A multi-line detail, each line indented under its PASS/FAIL line. */
static void print_detail(const char *d)
{
	while (*d) {
		size_t n = strcspn(d, "\n");

		printf("    %.*s\n", (int)n, d);
		d += n + (d[n] == '\n');
	}
}

struct log_result {
	const char *path;
	bool bad_input;
	bool incomplete;	/* no "end" trailer */
	char error[600];
	struct outcome *out;
	size_t nout;
	json_t *findings;
};

static int write_junit(int fd, const char *path, struct log_result *res, size_t n)
{
	FILE *f = fdopen(fd, "w");
	size_t tests = 0, failures = 0, errors = 0;

	if (!f) {
		perror(path);
		close(fd);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		tests += res[i].bad_input ? 1 : res[i].nout;
		errors += res[i].bad_input;
		for (size_t k = 0; k < res[i].nout; k++)
			failures += !res[i].out[k].pass;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"ptrace check\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
		tests, failures, errors);
	for (size_t i = 0; i < n; i++) {
		size_t fl = 0;

		for (size_t k = 0; k < res[i].nout; k++)
			fl += !res[i].out[k].pass;
		fprintf(f, "  <testsuite name=\"");
		xml_escape(f, res[i].path);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\">\n",
			res[i].bad_input ? 1 : res[i].nout, fl, res[i].bad_input);
		if (res[i].bad_input) {
			fprintf(f, "    <testcase name=\"read log\" classname=\"ptrace.check\">\n"
				   "      <error message=\"");
			xml_escape(f, res[i].error);
			fprintf(f, "\"/>\n    </testcase>\n");
		}
		for (size_t k = 0; k < res[i].nout; k++) {
			const struct outcome *o = &res[i].out[k];

			fprintf(f, "    <testcase name=\"");
			xml_escape(f, o->name);
			fprintf(f, "\" classname=\"ptrace.check\">");
			if (!o->pass) {
				fprintf(f, "\n      <failure message=\"");
				xml_escape(f, o->name);
				fprintf(f, "\">");
				xml_escape(f, o->detail);
				fprintf(f, "</failure>\n    ");
			}
			fprintf(f, "</testcase>\n");
		}
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	return fclose(f) ? -1 : 0;
}

enum {
	OPT_FORBID = PT_OPT_LONG, OPT_ALLOW, OPT_RULES, OPT_NO_DEFAULT,
	OPT_FAIL_INCOMPLETE, OPT_JUNIT, OPT_LIST_RULES,
};

static const struct pt_opt check_opts[] = {
	{ "expect", 'e', "RULE[=N]", PT_OPT_STRING,
	  "RULE must be found (exactly N times)" },
	{ "forbid", OPT_FORBID, "RULE", PT_OPT_STRING,
	  "RULE must not be found, whatever its severity" },
	{ "allow", OPT_ALLOW, "RULE", PT_OPT_STRING, "do not fail on RULE" },
	{ "rules", OPT_RULES, "FILE", PT_OPT_STRING,
	  "lines of 'expect|forbid|allow RULE[=N]'" },
	{ "no-default", OPT_NO_DEFAULT, NULL, PT_OPT_FLAG,
	  "do not fail on unexpected error findings" },
	{ "fail-incomplete", OPT_FAIL_INCOMPLETE, NULL, PT_OPT_FLAG,
	  "findings made incomplete by lost events count too" },
	{ "window", 'w', "MS", PT_OPT_DURATION,
	  "how long a rule waits for a follow-up event (default 1s)",
	  .unit = 1000000, .min = 1e6, .max = 3600e9 },
	{ "json", 'j', NULL, PT_OPT_FLAG, "machine-readable result on stdout" },
	{ "junit", OPT_JUNIT, "FILE", PT_OPT_STRING, "JUnit XML for CI systems" },
	{ "list-rules", OPT_LIST_RULES, NULL, PT_OPT_FLAG,
	  "print the rules and exit" },
	{ NULL },
};

const struct pt_cli check_cli = {
	.name = "check",
	.args = "[options] LOG...",
	.summary = "assert on the findings of trace logs (for CI)",
	.doc = "Assertions over trace logs for CI. By default any error-severity\n"
	       "finding fails; RULE is a name (reset-before-unbind) or a code (PT001).",
	.opts = check_opts,
	.examples =
		"ptrace check trace.jsonl                # fail on any error finding\n"
		"ptrace check -e reset-before-unbind=1 trace.jsonl\n"
		"ptrace check --forbid PT003 --junit junit.xml a.jsonl b.jsonl\n"
		"ptrace check --list-rules",
	.more = "exit: 0 pass, 1 an assertion failed, 2 bad input or usage",
};

static void list_rules(void)
{
	for (size_t i = 0; i < pt_rule_count(); i++) {
		const struct pt_rule *r = pt_rule_at(i);

		printf("%s  %-24s %-8s %s\n", r->code, r->name,
		       pt_severity_name(r->severity), r->title);
	}
}

int cmd_check(int argc, char **argv)
{
	struct policy p = { .default_errors = true };
	const char *junit = NULL;
	int junit_fd = -1;
	struct log_result *res;
	bool json = false, failed = false, bad = false;
	struct pt_optval v;
	int c, nlogs, ret = PT_EXIT_USAGE;

	while ((c = pt_cli_getopt(&check_cli, argc, argv, &v)) != PT_CLI_END) {
		switch (c) {
		case 'e':
		case OPT_FORBID:
		case OPT_ALLOW:
			if (add_assertion(&p, c == 'e' ? A_EXPECT :
					  c == OPT_FORBID ? A_FORBID : A_ALLOW,
					  v.str, ""))
				goto out;
			break;
		case OPT_RULES:
			if (load_rules_file(&p, v.str))
				goto out;
			break;
		case OPT_NO_DEFAULT:
			p.default_errors = false;
			break;
		case OPT_FAIL_INCOMPLETE:
			p.fail_incomplete = true;
			break;
		case 'w':
			p.window_ns = v.u;
			break;
		case 'j':
			json = true;
			break;
		case OPT_JUNIT:
			junit = v.str;
			break;
		case OPT_LIST_RULES:
			list_rules();
			ret = PT_EXIT_OK;
			goto out;
		default:
			ret = pt_cli_exit(c);
			goto out;
		}
	}
	nlogs = argc - optind;
	if (nlogs < 1) {
		pt_cli_usage_error(&check_cli, "no LOG given");
		goto out;
	}
	/* opened before the logs are read: a bad path fails fast */
	if (junit) {
		char msg[300];
		bool created;

		junit_fd = pt_outfile_open(junit, PT_OUTFILE_REPLACE | PT_OUTFILE_TRUNC,
					   &created, msg, sizeof(msg));
		if (junit_fd < 0) {
			fprintf(stderr, "ptrace check: --junit %s\n", msg);
			goto out;
		}
	}
	res = calloc(nlogs, sizeof(*res));
	for (int i = 0; i < nlogs; i++) {
		struct log_result *lr = &res[i];
		struct pt_model *m = pt_model_new();
		struct pt_replay rp;

		lr->path = argv[optind + i];
		if (p.window_ns)
			pt_model_set_window(m, p.window_ns);
		if (pt_replay_file(lr->path, m, NULL, NULL, &rp, lr->error,
				   sizeof(lr->error))) {
			lr->bad_input = bad = true;
			fprintf(stderr, "ptrace check: %s\n", lr->error);
			pt_model_free(m);
			continue;
		}
		if (rp.truncated)
			fprintf(stderr, "ptrace check: warning: %s: last line is truncated; "
				"every whole event before it was used\n", lr->path);
		if (rp.late)
			fprintf(stderr, "ptrace check: warning: %s:%lu: %llu events came more "
				"than the %llu ms reorder window late: their time order is not "
				"certain (docs/trace-format.md)\n", lr->path,
				rp.first_late_line, rp.late,
				(unsigned long long)(rp.order_window_ns / 1000000));
		/*
		 * No trailer: the recorder did not close the log, so events
		 * may be missing at its end.  Said, not failed: what is there
		 * is still judged, as report does.
		 */
		lr->incomplete = !rp.complete;
		if (lr->incomplete)
			fprintf(stderr, "ptrace check: warning: %s: no \"end\" trailer: "
				"the recording was cut short, the trace is incomplete\n",
				lr->path);
		lr->out = calloc(p.n + 1, sizeof(*lr->out));
		lr->nout = evaluate(&p, m, lr->out);
		lr->findings = pt_model_findings_json(m);
		for (size_t k = 0; k < lr->nout; k++)
			failed |= !lr->out[k].pass;
		if (!json) {
			size_t nf = pt_model_finding_count(m);
			char line[400];

			printf("%s: %llu events, %llu lost, %zu finding(s)\n", lr->path,
			       pt_model_stats(m)->events, pt_model_stats(m)->lost, nf);
			for (size_t k = 0; k < nf; k++) {
				pt_finding_format(pt_model_finding(m, k), line, sizeof(line));
				printf("  %s\n", line);
			}
			for (size_t k = 0; k < lr->nout; k++) {
				printf("  %s: %s\n", lr->out[k].pass ? "PASS" : "FAIL",
				       lr->out[k].name);
				if (!lr->out[k].pass && lr->out[k].detail[0])
					print_detail(lr->out[k].detail);
			}
		}
		pt_model_free(m);
	}
	if (json) {
		json_t *o = json_object(), *logs = json_array();

		for (int i = 0; i < nlogs; i++) {
			json_t *l = json_object(), *as = json_array();

			json_object_set_new(l, "log", json_string(res[i].path));
			if (res[i].bad_input)
				json_object_set_new(l, "error", json_string(res[i].error));
			else
				json_object_set_new(l, "complete",
						    json_boolean(!res[i].incomplete));
			for (size_t k = 0; k < res[i].nout; k++) {
				json_t *a = json_object();

				json_object_set_new(a, "assertion", json_string(res[i].out[k].name));
				json_object_set_new(a, "pass", json_boolean(res[i].out[k].pass));
				json_array_append_new(as, a);
			}
			json_object_set_new(l, "assertions", as);
			json_object_set_new(l, "findings", res[i].findings ?
					    json_incref(res[i].findings) : json_array());
			json_array_append_new(logs, l);
		}
		/* versioned as dump's is (docs/report-json.md) */
		json_object_set_new(o, "schema", json_integer(1));
		json_object_set_new(o, "tool", json_string("ptrace check"));
		json_object_set_new(o, "version", json_string(PT_VERSION));
		json_object_set_new(o, "pass", json_boolean(!failed && !bad));
		json_object_set_new(o, "logs", logs);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	}
	if (junit_fd >= 0 && write_junit(junit_fd, junit, res, nlogs))
		bad = true;
	for (int i = 0; i < nlogs; i++) {
		free(res[i].out);
		json_decref(res[i].findings);
	}
	free(res);
	ret = bad ? PT_EXIT_USAGE : failed ? PT_EXIT_FINDINGS : PT_EXIT_OK;
out:
	free(p.a);
	return ret;
}
