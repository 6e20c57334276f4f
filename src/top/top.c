// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace top / ptrace-top: a top-like view of passthrough devices and
 * their interrupts, fed live or from a recorded log.
 *
 * One loop: take the events that are due from the source, apply them to
 * the model, redraw, wait for a key or the next due event.  Drawing is
 * in top_ui.c; this file owns options, the clock and the terminal.
 */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <getopt.h>	/* optind */
#include <locale.h>
#include <math.h>	/* isfinite: a macro, no libm */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "pt_cli.h"
#include "top.h"

static volatile sig_atomic_t top_quit_signal;
static bool curses_up;

static void on_signal(int sig)
{
	top_quit_signal = sig;
}

/* Every exit path, including exit() from a library, restores the tty. */
static void restore_terminal(void)
{
	if (curses_up && !isendwin())
		endwin();
	curses_up = false;
}

enum {
	OPT_SPEED = PT_OPT_LONG, OPT_DELAY, OPT_BENCH, OPT_NO_XEN,
	OPT_SAMPLE_MSIX, OPT_NO_SAMPLE_MSIX, OPT_SAMPLE_XEN,
};

static const struct pt_opt top_opts[] = {
	{ "replay", 'r', "LOG", PT_OPT_STRING,
	  "play a recorded trace log instead of tracing live\n"
	  "('-' reads it from stdin)" },
	{ "speed", OPT_SPEED, "X", PT_OPT_NUMBER,
	  "replay speed: 1 real time (default), 10 ten times\n"
	  "faster, 0 as fast as possible then stay on the end",
	  .min = 0, .max = 1e6 },
	{ "interval", 'i', "MS", PT_OPT_DURATION,
	  "screen refresh interval (default 1s)",
	  .unit = 1000000, .min = 10e6, .max = 600e9 },
	{ "batch", 'b', NULL, PT_OPT_FLAG,
	  "print text frames to stdout, no terminal needed\n"
	  "(as top -b); a replay ends with the end of the log" },
	{ "iterations", 'n', "N", PT_OPT_UINT,
	  "with --batch: stop after N frames",
	  .min = 1, .max = 1e9 },
	{ "delay", OPT_DELAY, "S", PT_OPT_DURATION,
	  "--interval in seconds (as top -d)",
	  .unit = 1000000000, .min = 10e6, .max = 600e9 },
	{ "sample-msix", OPT_SAMPLE_MSIX, "MS", PT_OPT_DURATION,
	  "live: read the MSI-X tables of the devices bound\n"
	  "to pciback every MS, read-only (default 100ms)",
	  .unit = 1000000, .min = 1e6, .max = 3600e9 },
	{ "no-sample-msix", OPT_NO_SAMPLE_MSIX, NULL, PT_OPT_FLAG,
	  "live: do not read the MSI-X tables (no device view)" },
	{ "sample-xen", OPT_SAMPLE_XEN, "MS", PT_OPT_DURATION,
	  "live: Xen's own mask of every vector (view xen),\n"
	  "debug keys i, M, Q every MS (off by default: each\n"
	  "pass prints into Xen's console ring)",
	  .unit = 1000000, .min = 100e6, .max = 3600e9 },
	/* the redraw-cost benchmark (tests/bench/tui) */
	{ "bench-frames", OPT_BENCH, "N", PT_OPT_UINT, "",
	  .min = 1, .max = 1e9, .flags = PT_OPT_HIDDEN },
	/* live view off Xen, as 'ptrace record --allow-no-xen' */
	{ "allow-no-xen", OPT_NO_XEN, NULL, PT_OPT_FLAG, "",
	  .flags = PT_OPT_HIDDEN },
	{ NULL },
};

const struct pt_cli top_cli = {
	.name = "top",
	.args = "[options]",
	.summary = "live view of devices, vectors and findings",
	.doc = "A live view of PCI passthrough devices and their interrupts: owner,\n"
	       "GSI, irqs, pirqs, event channels, MSI/MSI-X state, resets, findings.\n"
	       "Installed as ptrace-top too.",
	.opts = top_opts,
	.examples =
		"ptrace top                              # live, on a Xen dom0, as root\n"
		"ptrace top -r trace.jsonl --speed 10    # replay ten times faster\n"
		"ptrace top -r trace.jsonl --speed 0 -b -n 1   # the final state as text\n"
		"ptrace top -b -n 5 --delay 2            # five text frames, 2 s apart\n"
		"ptrace top --sample-msix 500ms          # read MSI-X tables less often",
	.more = "Keys: q quit, arrows/j/k move, Enter details, Esc back, / filter,\n"
		"s sort, p pause, Tab devices/findings, ? help.  See docs/top.md.",
};

static int parse_args(struct top *t, int argc, char **argv)
{
	struct pt_optval v;
	bool speed_given = false;
	int c;

	t->speed = 1.0;
	t->interval_ms = 1000;
	while ((c = pt_cli_getopt(&top_cli, argc, argv, &v)) != PT_CLI_END) {
		switch (c) {
		case 'r':
			t->replay = v.str;
			break;
		case OPT_SPEED:
			t->speed = v.num;
			speed_given = true;
			break;
		case 'i':
		case OPT_DELAY:
			t->interval_ms = v.u / 1000000;
			break;
		case 'b':
			t->batch = true;
			break;
		case 'n':
			t->iterations = v.u;
			break;
		case OPT_BENCH:
			t->bench_frames = v.u;
			break;
		case OPT_NO_XEN:
			t->allow_no_xen = true;
			break;
		case OPT_SAMPLE_MSIX:
			t->sample_msix_ms = v.u / 1000000;
			break;
		case OPT_NO_SAMPLE_MSIX:
			t->sample_msix_ms = -1;
			break;
		case OPT_SAMPLE_XEN:
			t->sample_xen_ms = v.u / 1000000;
			break;
		default:
			/* --help and --version end here too, with exit 0 */
			return c == PT_CLI_DONE ? -1 : pt_cli_exit(c);
		}
	}
	if (optind < argc)
		return pt_cli_usage_error(&top_cli, "unexpected argument '%s'",
					  argv[optind]);
	if (speed_given && !t->replay)
		return pt_cli_usage_error(&top_cli, "--speed only applies to --replay");
	if (t->bench_frames && !t->replay)
		return pt_cli_usage_error(&top_cli, "--bench-frames needs --replay");
	if (t->sample_msix_ms && t->replay)
		return pt_cli_usage_error(&top_cli,
			"--sample-msix and --no-sample-msix are for live tracing, not --replay");
	if (t->sample_xen_ms && t->replay)
		return pt_cli_usage_error(&top_cli,
			"--sample-xen is for live tracing, not --replay");
	if (t->iterations && !t->batch)
		return pt_cli_usage_error(&top_cli, "--iterations goes with --batch");
	return 0;
}

/* ------------------------------------------------------------ the clock */

/*
 * Replay time: the event clock runs from the first event's timestamp at
 * --speed times wall time, and stands still while paused.
 */
static double wall_running(const struct top *t, double now)
{
	double paused = t->paused_total;

	if (t->paused)
		paused += now - t->paused_at;
	return now - t->wall_base - paused;
}

static __u64 replay_until(struct top *t, double now)
{
	double vt;

	if (t->src->live || t->speed == 0)
		return TOP_UNTIL_ALL;
	if (!t->clock_started) {
		__u64 ts;

		if (!t->src->ops->peek_ts(t->src, &ts))
			return TOP_UNTIL_ALL;
		t->clock_started = true;
		t->ts_base = ts;
		t->wall_base = now;
	}
	vt = wall_running(t, now) * t->speed * 1e9;
	return t->ts_base + (__u64)vt;
}

/* Milliseconds until the next replayed event is due (interval if none). */
static int wait_ms(struct top *t)
{
	double now = top_now(), due;
	__u64 ts;
	int ms;

	/* live: drain the ring buffer often, whatever the refresh interval */
	if (t->src->live && t->src_status == TOP_SRC_MORE)
		return t->interval_ms < 200 ? t->interval_ms : 200;
	if (t->src_status != TOP_SRC_MORE || t->paused)
		return t->interval_ms;
	if (t->speed == 0)
		return 0;
	if (!t->clock_started || !t->src->ops->peek_ts(t->src, &ts))
		return t->interval_ms;
	due = t->wall_base + t->paused_total + (ts - t->ts_base) / 1e9 / t->speed;
	/* round up: waking early would only spin once more */
	ms = (int)((due - now) * 1000) + 1;
	if (ms < 0)
		ms = 0;
	return ms < t->interval_ms ? ms : t->interval_ms;
}

/* ------------------------------------------------------------ feeding */

#define TOP_BATCH	256

/*
 * Paused live: the ring buffer must still be drained or the kernel drops
 * events, but the screen must stand still.  Keep them until unpaused.
 */
static void hold(struct top *t, const struct pt_evref *e)
{
	if (t->nheld == t->capheld) {
		size_t cap = t->capheld ? t->capheld * 2 : 1024;
		struct pt_evref *h = realloc(t->held, cap * sizeof(*h));

		if (!h) {
			/* cannot keep it: apply now rather than lose it */
			pt_model_apply(t->m, &e->ev, e->line);
			return;
		}
		t->held = h;
		t->capheld = cap;
	}
	t->held[t->nheld++] = *e;
}

static void apply_held(struct top *t)
{
	for (size_t i = 0; i < t->nheld; i++)
		pt_model_apply(t->m, &t->held[i].ev, t->held[i].line);
	t->nheld = 0;
}

/*
 * Apply the events that are due.  Bounded by budget_s so that keys stay
 * responsive while a big log loads at --speed 0; 0 means no bound.
 */
static void feed(struct top *t, double budget_s)
{
	static struct pt_evref buf[TOP_BATCH];
	double start = top_now();
	__u64 until;
	size_t n;
	int st;

	if (t->src_status != TOP_SRC_MORE || (t->paused && !t->src->live))
		return;
	if (!t->paused)
		apply_held(t);
	until = replay_until(t, start);
	do {
		st = t->src->ops->next_batch(t->src, until, buf, TOP_BATCH, &n);
		for (size_t i = 0; i < n; i++) {
			if (t->paused)
				hold(t, &buf[i]);
			else
				pt_model_apply(t->m, &buf[i].ev, buf[i].line);
		}
		if (st != TOP_SRC_MORE) {
			t->src_status = st;
			/*
			 * At the end, rules waiting for a follow-up conclude.
			 * After a bad record they must not: the follow-up may
			 * be in the part that could not be read.
			 */
			if (st == TOP_SRC_END)
				pt_model_finish(t->m);
			break;
		}
	} while (n == TOP_BATCH && (!budget_s || top_now() - start < budget_s));
}

/* Once a second: events/s, interrupt rates and BPF overhead. */
static void sample_rates(struct top *t)
{
	const struct pt_model_stats *st = pt_model_stats(t->m);
	double now = top_now(), dt = now - t->rate_at;
	int fds[64];
	size_t nfds;
	unsigned long long ns;

	if (t->rate_at && dt < 1.0)
		return;
	if (t->rate_at)
		t->ev_rate = (st->events - t->ev_prev) / dt;
	t->ev_prev = st->events;
	if (t->src->live) {
		top_irq_rates_sample(t->rates);
		nfds = t->src->ops->prog_fds(t->src, fds, 64);
		if (top_bpf_run_time(fds, nfds, &ns)) {
			t->bpf_known = t->rate_at && t->bpf_prev <= ns;
			if (t->bpf_known)
				t->bpf_ns_per_s = (ns - t->bpf_prev) / dt;
			t->bpf_prev = ns;
		} else {
			t->bpf_known = false;
		}
	}
	t->rate_at = now;
}

/* ------------------------------------------------------------ terminal */

static int start_curses(struct top *t)
{
	const char *nc = getenv("NO_COLOR");
	FILE *in = stdin;

	/* --replay -: the log is on stdin, keys come from the terminal */
	if (!isatty(STDIN_FILENO)) {
		in = fopen("/dev/tty", "re");
		if (!in) {
			fprintf(stderr, "ptrace top: no terminal to read keys from\n");
			return PT_EXIT_USAGE;
		}
	}
	/* wide-character ncurses draws pci.ids names in the user's charset */
	setlocale(LC_CTYPE, "");
	if (!newterm(NULL, stdout, in)) {
		fprintf(stderr, "ptrace top: cannot use terminal type '%s'\n",
			getenv("TERM") ? getenv("TERM") : "(unset)");
		return PT_EXIT_FAIL;
	}
	curses_up = true;
	atexit(restore_terminal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	t->color = has_colors() && !(nc && *nc);
	if (t->color) {
		start_color();
		use_default_colors();
	}
	top_ui_init(t);
	refresh();
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* no SA_RESTART: a signal must wake the loop out of its wait */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/*
 * Redraw cost: load the whole log, then draw frames with a forced full
 * repaint each time (the worst case: nothing can be skipped), moving the
 * selection so the content changes too.
 */
static int bench(struct top *t)
{
	double c0, c1, load0 = cpu_seconds();
	long n = t->bench_frames;
	int ret;

	feed(t, 0);
	c0 = cpu_seconds();
	ret = start_curses(t);
	if (ret)
		return ret;
	for (long i = 0; i < n; i++) {
		top_ui_key(t, i % 50 < 25 ? KEY_DOWN : KEY_UP);
		clearok(curscr, TRUE);
		top_ui_draw(t);
	}
	c1 = cpu_seconds();
	restore_terminal();
	fprintf(stderr,
		"bench: devices=%zu findings=%zu events=%llu load_cpu_s=%.3f frames=%ld cpu_ms_per_frame=%.3f\n",
		pt_model_device_count(t->m), pt_model_finding_count(t->m),
		pt_model_stats(t->m)->events, c0 - load0, n,
		(c1 - c0) * 1000 / n);
	return PT_EXIT_OK;
}

static int run(struct top *t)
{
	int ret = start_curses(t);

	if (ret)
		return ret;
	while (!t->quit && !top_quit_signal) {
		int ch;

		feed(t, 0.1);
		sample_rates(t);
		top_ui_draw(t);
		timeout(wait_ms(t));
		ch = getch();
		if (ch != ERR)
			top_ui_key(t, ch);
	}
	restore_terminal();
	return PT_EXIT_OK;
}

/*
 * --batch: text frames on stdout, one per interval, as top -b prints
 * them.  The replay clock runs as on screen; a replay stops after the
 * frame that shows the end of the log (or the bad record that stopped
 * it), since later frames could only repeat it.
 */
static int batch(struct top *t)
{
	for (unsigned long long i = 0; !top_quit_signal; i++) {
		if (i) {
			struct timespec ts = {
				.tv_sec = t->interval_ms / 1000,
				.tv_nsec = (t->interval_ms % 1000) * 1000000L,
			};

			putchar('\n');
			/* a signal cuts the wait short: no SA_RESTART */
			if (nanosleep(&ts, NULL) && top_quit_signal)
				break;
		}
		feed(t, 0);
		sample_rates(t);
		top_ui_print(t, stdout);
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "ptrace top: writing the frames failed\n");
			return PT_EXIT_FAIL;
		}
		if (t->iterations && i + 1 >= t->iterations)
			break;
		if (!t->src->live && t->src_status != TOP_SRC_MORE)
			break;
	}
	return PT_EXIT_OK;
}

static int open_source(struct top *t)
{
	char err[512];
	int ret;

	if (t->replay) {
		t->src = top_replay_open(t->replay, err, sizeof(err));
		if (!t->src) {
			fprintf(stderr, "ptrace top: %s\n", err);
			return PT_EXIT_USAGE;
		}
		return 0;
	}
	ret = top_live_open(&t->src, t->allow_no_xen, t->sample_msix_ms,
			    t->sample_xen_ms, err,
			    sizeof(err));
	if (ret)
		fprintf(stderr, "ptrace top: %s\n", err);
	return ret;
}

static void top_free(struct top *t)
{
	top_ui_free(t);
	free(t->held);
	top_source_close(t->src);
	pt_model_free(t->m);
	top_pci_names_free(t->names);
	top_irq_rates_free(t->rates);
}

int cmd_top(int argc, char **argv)
{
	struct top t;
	int ret;

	memset(&t, 0, sizeof(t));
	ret = parse_args(&t, argc, argv);
	if (ret)
		return ret < 0 ? PT_EXIT_OK : ret;
	ret = open_source(&t);
	if (ret)
		return ret;
	t.started = top_now();
	if (!t.batch && !isatty(STDOUT_FILENO)) {
		fprintf(stderr,
			"ptrace top: standard output is not a terminal.\n"
			"For text frames use 'ptrace top --batch' (with --replay LOG too); for a\n"
			"recorded log 'ptrace report LOG'; for this host now 'ptrace dump'; to\n"
			"save a trace 'ptrace record -o LOG'.\n");
		top_source_close(t.src);
		return PT_EXIT_USAGE;
	}
	t.m = pt_model_new();
	/*
	 * Names come from this host's PCI bus, which is the traced one only
	 * live: a replayed log may come from another machine, where the same
	 * BDF is another device, so it is named from the ids it recorded.
	 */
	t.names = t.src->live ? top_pci_names_load() :
		  top_pci_names_from_log(t.src->hdr);
	t.rates = top_irq_rates_new();
	if (!t.m || !t.rates) {
		fprintf(stderr, "ptrace top: out of memory\n");
		top_free(&t);
		return PT_EXIT_FAIL;
	}
	if (t.src->hdr) {
		pt_model_set_dom0_mode(t.m, t.src->hdr->dom0_mode);
		pt_model_set_sampling(t.m, t.src->hdr->sample_msix_ms,
				      t.src->hdr->sample_xen_ms);
	}
	t.src_status = TOP_SRC_MORE;
	if (t.bench_frames)
		t.speed = 0;
	install_signals();
	ret = t.bench_frames ? bench(&t) : t.batch ? batch(&t) : run(&t);
	top_free(&t);
	return ret;
}
