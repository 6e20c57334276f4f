// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The trace log reader and writer: round trips and every kind of bad input. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "pt_log.h"
#include "pt_names.h"
#include "pt_outfile.h"
#include "pt_xenhc.h"

#define BAD "tests/data/bad/"

static void expect_open_error(const char *path, const char *needle)
{
	char err[600] = "";
	struct pt_log_reader *r = pt_log_open(path, err, sizeof(err));

	assert_null(r);
	if (!strstr(err, needle))
		print_error("message '%s' lacks '%s'\n", err, needle);
	assert_non_null(strstr(err, needle));
	/* the message names the file */
	assert_non_null(strstr(err, path));
}

static void test_bad_headers(void **state)
{
	expect_open_error(BAD "future-major.jsonl", "schema version 2.0 is not supported");
	expect_open_error(BAD "not-json.jsonl", ":1: not JSON");
	expect_open_error(BAD "empty.jsonl", "empty file");
	expect_open_error(BAD "not-a-log.jsonl", "not a ptrace trace log");
	expect_open_error("tests/data/bad/no-such-file.jsonl", "No such file");
	/* duplicate keys: which one counts would be a guess */
	expect_open_error(BAD "duplicate-key-header.jsonl", ":1: header has a duplicate key");
	expect_open_error(BAD "schema-junk.jsonl", ":1: header has no valid \"schema\"");
	expect_open_error(BAD "start-negative.jsonl", ":1: header \"start_ns\" must be a non-negative");
}

/* A stream without newlines is refused after PT_LOG_LINE_MAX bytes. */
static void test_no_newline_stream(void **state)
{
	expect_open_error("/dev/zero", "/dev/zero:1: line longer than 1048576 bytes");
}

/* A read error is an error, never an empty file (reading /proc/self/mem
 * at offset 0 fails with EIO). */
static void test_read_error(void **state)
{
	expect_open_error("/proc/self/mem", "/proc/self/mem:1: read error");
}

/* Read to the first error; return the error code and copy its message. */
static int read_all(const char *path, int *events, char *msg, size_t len)
{
	char err[600];
	struct pt_log_reader *r = pt_log_open(path, err, sizeof(err));
	struct pt_event ev;
	unsigned long line;
	int ret;

	assert_non_null(r);
	*events = 0;
	while ((ret = pt_log_next(r, &ev, &line)) == PT_LOG_OK)
		(*events)++;
	snprintf(msg, len, "%s", ret < 0 ? pt_log_error(r) : "");
	if (ret == PT_LOG_EOF && pt_log_truncated(r))
		ret = 100;
	pt_log_close(r);
	return ret;
}

static void test_bad_records(void **state)
{
	char msg[600];
	int n;

	assert_int_equal(read_all(BAD "unknown-type.jsonl", &n, msg, sizeof(msg)),
			 PT_LOG_ERECORD);
	assert_int_equal(n, 1);
	assert_non_null(strstr(msg, "unknown-type.jsonl:3: unknown event type \"warp_drive\""));

	assert_int_equal(read_all(BAD "wrong-field.jsonl", &n, msg, sizeof(msg)),
			 PT_LOG_ERECORD);
	assert_non_null(strstr(msg, ":3: \"pirq\" must be an integer"));

	/* a broken line that is not the last one is an error, not a truncation */
	assert_int_equal(read_all(BAD "bad-middle.jsonl", &n, msg, sizeof(msg)),
			 PT_LOG_EJSON);
	assert_int_equal(n, 1);
	assert_non_null(strstr(msg, "bad-middle.jsonl:3: not JSON"));

	assert_int_equal(read_all(BAD "duplicate-key.jsonl", &n, msg, sizeof(msg)),
			 PT_LOG_ERECORD);
	assert_int_equal(n, 1);
	assert_non_null(strstr(msg, "duplicate-key.jsonl:3: duplicate key in record"));

	assert_int_equal(read_all(BAD "cpu-negative.jsonl", &n, msg, sizeof(msg)),
			 PT_LOG_ERECORD);
	assert_int_equal(n, 1);
	assert_non_null(strstr(msg, ":3: \"cpu\" -1 out of range"));
	assert_int_equal(read_all(BAD "cpu-huge.jsonl", &n, msg, sizeof(msg)),
			 PT_LOG_ERECORD);
	assert_non_null(strstr(msg, ":3: \"cpu\" 4294967296 out of range"));
	assert_int_equal(read_all(BAD "pid-huge.jsonl", &n, msg, sizeof(msg)),
			 PT_LOG_ERECORD);
	assert_non_null(strstr(msg, ":3: \"pid\" 99999999999 out of range"));

	/* nothing follows the trailer; every event before it is served */
	assert_int_equal(read_all(BAD "after-end.jsonl", &n, msg, sizeof(msg)),
			 PT_LOG_ERECORD);
	assert_int_equal(n, 1);
	assert_non_null(strstr(msg, "after-end.jsonl:4: record after the \"end\" trailer"));
	assert_int_equal(read_all(BAD "two-ends.jsonl", &n, msg, sizeof(msg)),
			 PT_LOG_ERECORD);
	assert_non_null(strstr(msg, "two-ends.jsonl:3: record after the \"end\" trailer"));
	/* a cut line after the trailer too: found by fuzz_replay, where the
	 * batched reader took it for a plain truncation */
	assert_int_equal(read_all(BAD "after-end-cut.jsonl", &n, msg, sizeof(msg)),
			 PT_LOG_ERECORD);
	assert_int_equal(n, 1);
	assert_non_null(strstr(msg, "after-end-cut.jsonl:4: record after the \"end\" trailer"));
}

/* No trailer: every event read, the log says it is not complete. */
static void test_no_end(void **state)
{
	char err[600];
	struct pt_log_reader *r = pt_log_open(BAD "no-end.jsonl", err, sizeof(err));
	struct pt_event ev;
	unsigned long line;

	assert_non_null(r);
	assert_int_equal(pt_log_next(r, &ev, &line), PT_LOG_OK);
	assert_int_equal(pt_log_next(r, &ev, &line), PT_LOG_EOF);
	assert_false(pt_log_complete(r));
	assert_false(pt_log_truncated(r));
	pt_log_close(r);
}

/* The same answers whether lines are parsed one by one or in parallel. */
static void test_bad_records_every_reader(void **state)
{
	static const char *const threads[] = { "0", "1", "3" };

	for (size_t i = 0; i < 3; i++) {
		setenv("PTRACE_THREADS", threads[i], 1);
		test_bad_records(state);
		unsetenv("PTRACE_THREADS");
	}
}

/* Batches: an error far into a long log is still reported at its line,
 * after every event before it was delivered in order. */
static void test_long_log_error(void **state)
{
	char path[] = "/tmp/pt-long-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	assert_non_null(f);
	fprintf(f, "{\"format\":\"ptrace-log\",\"schema\":\"1.0\"}\n");
	for (int i = 2; i < 20000; i++)
		fprintf(f, "{\"ts\":%d,\"type\":\"pirq\",\"kind\":\"bind_msi\",\"pirq\":%d}\n",
			i, i);
	fprintf(f, "{\"ts\":1,\"type\":\"pirq\",\"kind\":\"nope\"}\n");
	for (int i = 0; i < 100; i++)
		fprintf(f, "{\"ts\":1,\"type\":\"pirq\",\"kind\":\"bind_msi\"}\n");
	fclose(f);
	for (int t = 0; t < 4; t += 3) {
		char nt[4];
		struct pt_log_reader *r;
		struct pt_event ev;
		unsigned long line, want = 2;
		char err[600];
		int ret;

		snprintf(nt, sizeof(nt), "%d", t);
		setenv("PTRACE_THREADS", nt, 1);
		r = pt_log_open(path, err, sizeof(err));
		assert_non_null(r);
		while ((ret = pt_log_next(r, &ev, &line)) == PT_LOG_OK) {
			assert_int_equal(line, want);
			assert_int_equal(ev.pirq.pirq, want);
			want++;
		}
		assert_int_equal(ret, PT_LOG_ERECORD);
		assert_int_equal(want, 20000);
		assert_non_null(strstr(pt_log_error(r), ":20000: unknown pirq kind \"nope\""));
		pt_log_close(r);
		unsetenv("PTRACE_THREADS");
	}
	unlink(path);
}

/* A killed recorder: every whole event kept; unknown fields ignored. */
static void test_truncated_and_forward_compatible(void **state)
{
	char msg[600];
	int n;

	assert_int_equal(read_all(BAD "truncated-forward.jsonl", &n, msg, sizeof(msg)), 100);
	assert_int_equal(n, 2);
	setenv("PTRACE_THREADS", "0", 1);
	assert_int_equal(read_all(BAD "truncated-forward.jsonl", &n, msg, sizeof(msg)), 100);
	assert_int_equal(n, 2);
	unsetenv("PTRACE_THREADS");
}

/*
 * A killed recorder's log: header, nev whole events (each line padded to
 * about pad bytes when pad is not 0) and a cut last line.
 */
static void write_killed_log(const char *path, int nev, size_t pad)
{
	FILE *f = fopen(path, "w");
	char *fill = calloc(1, pad + 1);

	assert_non_null(f);
	assert_non_null(fill);
	memset(fill, 'x', pad > 80 ? pad - 80 : 0);
	fprintf(f, "{\"format\":\"ptrace-log\",\"schema\":\"1.0\"}\n");
	for (int i = 0; i < nev; i++)
		fprintf(f, "{\"ts\":%d,\"type\":\"pirq\",\"kind\":\"bind_msi\",\"pirq\":%d%s%s%s}\n",
			i + 1, i, pad ? ",\"pad\":\"" : "", fill, pad ? "\"" : "");
	fprintf(f, "{\"ts\":%d,\"type\":\"pirq\",\"ki", nev + 1);
	fclose(f);
	free(fill);
}

/* Every event and the truncation, read from path as the reader gets it. */
static void expect_killed(const char *path, int nev)
{
	char err[600];
	struct pt_log_reader *r = pt_log_open(path, err, sizeof(err));
	struct pt_event ev;
	unsigned long line;
	int n = 0, ret;

	if (!r)
		print_error("%s\n", err);
	assert_non_null(r);
	while ((ret = pt_log_next(r, &ev, &line)) == PT_LOG_OK) {
		assert_int_equal(ev.pirq.pirq, n);
		assert_int_equal(line, n + 2);
		n++;
	}
	if (ret != PT_LOG_EOF)
		print_error("%d events: %s\n", nev, pt_log_error(r));
	assert_int_equal(ret, PT_LOG_EOF);
	assert_int_equal(n, nev);
	assert_true(pt_log_truncated(r));
	pt_log_close(r);
}

/* The same log through a pipe (a child copies the file into it). */
static void expect_killed_pipe(const char *path, int nev)
{
	char dev[32], buf[65536];
	int p[2], fd, status;
	ssize_t k;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		fd = open(path, O_RDONLY);
		while (fd >= 0 && (k = read(fd, buf, sizeof(buf))) > 0)
			if (write(p[1], buf, k) != k)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	snprintf(dev, sizeof(dev), "/dev/fd/%d", p[0]);
	expect_killed(dev, nev);
	close(p[0]);
	waitpid(pid, &status, 0);
}

/* The same log on stdin ("-"). */
static void expect_killed_stdin(const char *path, int nev)
{
	int saved = dup(0), fd = open(path, O_RDONLY);

	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 0);
	close(fd);
	expect_killed("-", nev);
	dup2(saved, 0);
	close(saved);
}

/*
 * A cut last line that ends a batch exactly (8192 lines, or the byte
 * limit) is the same truncation as anywhere else, whatever the thread
 * count and whether the log is a file, a pipe or stdin.
 */
static void test_truncated_at_batch_end(void **state)
{
	static const int counts[] = { 1, 8190, 8191, 8192, 16383 };
	static const char *const threads[] = { "0", "1", "3" };
	char path[] = "/tmp/pt-killed-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		write_killed_log(path, counts[c], 0);
		for (size_t t = 0; t < 3; t++) {
			setenv("PTRACE_THREADS", threads[t], 1);
			expect_killed(path, counts[c]);
		}
		unsetenv("PTRACE_THREADS");
		expect_killed_pipe(path, counts[c]);
		expect_killed_stdin(path, counts[c]);
	}
	/* long lines: batches that end on their size, not their line count */
	for (int nev = 254; nev <= 257; nev++) {
		write_killed_log(path, nev, 65536);
		setenv("PTRACE_THREADS", "2", 1);
		expect_killed(path, nev);
		unsetenv("PTRACE_THREADS");
	}
	unlink(path);
}

/* The longest line accepted is PT_LOG_LINE_MAX bytes before its newline. */
static void test_line_max(void **state)
{
	static const char *const threads[] = { "0", "3" };
	char path[] = "/tmp/pt-long-line-XXXXXX";
	const char *ev = "{\"ts\":1,\"type\":\"pirq\",\"kind\":\"bind_msi\",\"pad\":\"";
	int fd = mkstemp(path);

	for (int over = 0; over <= 1; over++) {
		FILE *f = fopen(path, "w");
		size_t fill = PT_LOG_LINE_MAX + over - strlen(ev) - 2;

		assert_non_null(f);
		fprintf(f, "{\"format\":\"ptrace-log\",\"schema\":\"1.0\"}\n"
			"{\"ts\":1,\"type\":\"pirq\",\"kind\":\"bind_msi\"}\n%s", ev);
		for (size_t i = 0; i < fill; i++)
			fputc('x', f);
		fprintf(f, "\"}\n");
		fclose(f);
		for (size_t t = 0; t < 2; t++) {
			char msg[600];
			int n, ret;

			setenv("PTRACE_THREADS", threads[t], 1);
			ret = read_all(path, &n, msg, sizeof(msg));
			unsetenv("PTRACE_THREADS");
			if (!over) {
				assert_int_equal(ret, PT_LOG_EOF);
				assert_int_equal(n, 2);
			} else {
				assert_int_equal(ret, PT_LOG_ELINE);
				assert_int_equal(n, 1);
				assert_non_null(strstr(msg, ":3: line longer than 1048576 bytes"));
			}
		}
	}
	close(fd);
	unlink(path);
}

static struct pt_event base(unsigned int type, unsigned int kind)
{
	struct pt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.ts_ns = 123456789012ull;
	ev.hdr.cpu = 1;
	ev.hdr.pid = 4242;
	memcpy(ev.hdr.comm, "xl", 3);
	ev.hdr.sbdf = PT_SBDF(0, 3, 0x10);
	ev.hdr.type = type;
	ev.hdr.kind = kind;
	return ev;
}

/* Everything the writer writes, the reader reads back identically. */
static void test_round_trip(void **state)
{
	char path[] = "/tmp/pt-roundtrip-XXXXXX";
	struct pt_event evs[13], got;
	struct pt_log_header hdr;
	struct pt_log_writer *w;
	struct pt_log_reader *r;
	struct pt_probe_status probe = {
		"pirq-msi", "xen_bind_pirq_msi_to_irq", "kprobe", "", PT_PROBE_ATTACHED, true,
	};
	unsigned long line;
	char err[600];
	struct stat st;
	int fd = mkstemp(path), n = 0;

	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	evs[n] = base(PT_EV_PCIBACK, PT_PCIBACK_PUT);
	evs[n++].pciback.domid = 7;
	evs[n] = base(PT_EV_PCI_RESET, PT_RESET_FLR);
	evs[n].hdr.flags = PT_EVF_HAS_RET;
	evs[n++].hdr.ret = -25;
	evs[n] = base(PT_EV_GSI, PT_GSI_ACPI);
	evs[n].gsi = (struct pt_ev_gsi){ 22, 0, 1, 22 };
	n++;
	evs[n] = base(PT_EV_PIRQ, PT_PIRQ_BIND_MSI);
	evs[n++].pirq = (struct pt_ev_pirq){ PT_NONE, 55, 47, 1, 0, 3 };
	evs[n] = base(PT_EV_EVTCHN, PT_EVTCHN_BIND);
	evs[n++].evtchn = (struct pt_ev_evtchn){ 12, 47, 55, 1 };
	evs[n] = base(PT_EV_MSI, PT_MSI_ENABLE);
	evs[n].msi.msix = 1;
	evs[n++].msi.nvec = 3;
	evs[n] = base(PT_EV_MSIX_CTRL, 0);
	evs[n++].msix_ctrl = (struct pt_ev_msix_ctrl){ 0xc002, 0x0002, 1, 1, PT_VIEW_PCIBACK, 0, 1 };
	evs[n] = base(PT_EV_VECTOR_MASK, 0);
	evs[n++].vmask = (struct pt_ev_vector_mask){ 2, 49, 53, 1, PT_VIEW_TABLE, .domid = PT_NONE };
	/* Xen's view: a domain's pirq, no entry (schema 1.4) */
	evs[n] = base(PT_EV_VECTOR_MASK, 0);
	evs[n++].vmask = (struct pt_ev_vector_mask){ PT_NONE, PT_NONE, 55, 1, PT_VIEW_XEN, .domid = 3 };
	evs[n] = base(PT_EV_HYPERCALL, 0);
	evs[n].hdr.sbdf = PT_SBDF_NONE;
	/* the pirq Xen chose, read back at the return */
	evs[n].hdr.flags = PT_EVF_HAS_RET | PT_EVF_HC_OUT;
	evs[n].hc.out = 55;
	evs[n].hc.op = 33;
	evs[n].hc.cmd = 13;	/* map_pirq */
	pt_hc_args_clear(&evs[n].hc.args);
	evs[n].hc.args.domid = 1;
	evs[n].hc.args.map_type = 1;
	evs[n].hc.args.index = 28;
	evs[n].hc.args.pirq = -1;
	assert_int_equal(pt_hc_encode(&evs[n].hc, 0x15), 0);
	assert_int_equal(pt_hc_decode(&evs[n].hc), 0);
	n++;
	evs[n] = base(PT_EV_LOST, 0);
	evs[n].hdr.sbdf = PT_SBDF_NONE;
	evs[n++].lost = (struct pt_ev_lost){ 5000000000ull, 1, 0, 77 };
	evs[n] = base(PT_EV_BLIND, PT_BLIND_XEN_PCIBACK);
	evs[n].hdr.sbdf = PT_SBDF_NONE;
	evs[n++].blind = (struct pt_ev_blind){ 66, 11, 0 };
	/* a dropped conf_write: every op member, the value above 2^31 */
	evs[n] = base(PT_EV_PCIBACK, PT_PCIBACK_OP);
	evs[n].hdr.flags = PT_EVF_HAS_RET;
	evs[n++].pciback = (struct pt_ev_pciback){
		1, PT_PCIOP_CONF_WRITE, PT_SBDF(0, 0, 0), 0xe8, 2, PT_NONE,
		PT_NONE, 0x10, 8, 1, 0xfffffffell,
	};

	pt_log_header_init(&hdr);
	snprintf(hdr.kernel, sizeof(hdr.kernel), "6.1.0-test");
	snprintf(hdr.dom0_mode, sizeof(hdr.dom0_mode), "pv");
	snprintf(hdr.xen_version, sizeof(hdr.xen_version), "4.17.5");
	hdr.probes = &probe;
	hdr.nprobes = 1;
	w = pt_log_create(path, &hdr, err, sizeof(err));
	assert_non_null(w);
	for (int i = 0; i < n; i++)
		assert_int_equal(pt_log_write(w, &evs[i]), 0);
	assert_int_equal(pt_log_finish(w, 5000000000ull), 0);

	/* private: the log holds what the toolstack did */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	r = pt_log_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_string_equal(pt_log_header(r)->dom0_mode, "pv");
	assert_string_equal(pt_log_header(r)->kernel, "6.1.0-test");
	assert_int_equal(pt_log_header(r)->nprobes, 1);
	assert_string_equal(pt_log_header(r)->probes[0].func, "xen_bind_pirq_msi_to_irq");
	assert_true(pt_log_header(r)->probes[0].required);
	for (int i = 0; i < n; i++) {
		assert_int_equal(pt_log_next(r, &got, &line), PT_LOG_OK);
		assert_int_equal(line, i + 2);
		/* raw bytes round-trip too, so the whole struct compares */
		if (memcmp(&got, &evs[i], sizeof(got))) {
			char a[200], b[200];

			pt_event_format(&got, a, sizeof(a));
			pt_event_format(&evs[i], b, sizeof(b));
			print_error("event %d differs:\n got  %s\n want %s\n", i, a, b);
		}
		assert_memory_equal(&got, &evs[i], sizeof(got));
	}
	assert_int_equal(pt_log_next(r, &got, &line), PT_LOG_EOF);
	assert_true(pt_log_complete(r));
	assert_false(pt_log_truncated(r));
	pt_log_close(r);
	unlink(path);
}

/*
 * pciback ops as the lab recorded them (tests/data/pciback-ops.jsonl):
 * each op kind is read into its members and told in words.
 */
static void test_pciback_ops(void **state)
{
	static const struct {
		int op, ret, offset, size, nvec, pirq, cap, capoff, dropped;
		long long value;
		__u32 sbdf;
		const char *text;
	} want[] = {
		/* e1000e's PCIe Device Control write, dropped (lab 03) */
		{ PT_PCIOP_CONF_WRITE, 0, 0xe8, 2, PT_NONE, PT_NONE, 0x10, 8, 1,
		  PT_NONE, PT_SBDF(0, 0, 2 << 3),
		  "conf_write 0xe8/2=" },
		/* the same write passed through (lab 09, permissive) */
		{ PT_PCIOP_CONF_WRITE, 0, 0xe8, 2, PT_NONE, PT_NONE, 0x10, 8, 0,
		  PT_NONE, PT_SBDF(0, 0, 2 << 3),
		  "(PCIe Device Control) slot=0000:00:00.0 err=0" },
		/* MSI-X granted: three vectors (lab 03) */
		{ PT_PCIOP_ENABLE_MSIX, 0, PT_NONE, PT_NONE, 3, PT_NONE, PT_NONE,
		  PT_NONE, PT_NONE, PT_NONE, PT_SBDF(0, 0, 2 << 3),
		  "enable_msix nvec=3 pirq=" },
		/* MSI-X refused by dom0 (lab 09) */
		{ PT_PCIOP_ENABLE_MSIX, -22, PT_NONE, PT_NONE, PT_NONE, PT_NONE,
		  PT_NONE, PT_NONE, PT_NONE, PT_NONE, PT_SBDF(0, 0, 2 << 3),
		  "enable_msix slot=0000:00:00.0 err=-EINVAL" },
		/* MSI refused: pciback hides the cause (lab 09) */
		{ PT_PCIOP_ENABLE_MSI, -5, PT_NONE, PT_NONE, PT_NONE, PT_NONE,
		  PT_NONE, PT_NONE, PT_NONE, PT_NONE, PT_SBDF(0, 0, 2 << 3),
		  "enable_msi slot=0000:00:00.0 err=XEN_PCI_ERR_op_failed" },
		/* MSI-X given back at destroy: the INTx pirq (lab 03) */
		{ PT_PCIOP_DISABLE_MSIX, 0, PT_NONE, PT_NONE, PT_NONE, -2,
		  PT_NONE, PT_NONE, PT_NONE, PT_NONE, PT_SBDF(0, 0, 2 << 3),
		  "disable_msix" },
		/* hand-written: a refused read and an op pciback lacks */
		{ PT_PCIOP_CONF_READ, -2, 0x1000, 4, PT_NONE, PT_NONE, PT_NONE,
		  PT_NONE, PT_NONE, 0, PT_SBDF(0, 0, 3 << 3),
		  "conf_read 0x1000/4 (extended config space) slot=0000:00:00.0 err=XEN_PCI_ERR_invalid_offset" },
		{ PT_PCIOP_AER_DETECTED, -4, PT_NONE, PT_NONE, PT_NONE, PT_NONE,
		  PT_NONE, PT_NONE, PT_NONE, PT_NONE, PT_SBDF_NONE,
		  "aer_detected slot=0000:00:00.0 err=XEN_PCI_ERR_not_implemented" },
	};
	char err[600], text[256];
	struct pt_log_reader *r = pt_log_open("tests/data/pciback-ops.jsonl",
					      err, sizeof(err));
	unsigned long line;
	struct pt_event ev;
	size_t i = 0;

	if (!r)
		print_error("%s\n", err);
	assert_non_null(r);
	while (pt_log_next(r, &ev, &line) == PT_LOG_OK) {
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_int_equal(ev.hdr.type, PT_EV_PCIBACK);
		assert_int_equal(ev.hdr.kind, PT_PCIBACK_OP);
		assert_int_equal(ev.pciback.op, want[i].op);
		assert_true(ev.hdr.flags & PT_EVF_HAS_RET);
		assert_int_equal(ev.hdr.ret, want[i].ret);
		assert_int_equal(ev.hdr.sbdf, want[i].sbdf);
		assert_int_equal(ev.pciback.vsbdf, PT_SBDF(0, 0, 0));
		assert_int_equal(ev.pciback.offset, want[i].offset);
		assert_int_equal(ev.pciback.size, want[i].size);
		assert_int_equal(ev.pciback.cap, want[i].cap);
		assert_int_equal(ev.pciback.capoff, want[i].capoff);
		assert_int_equal(ev.pciback.dropped, want[i].dropped);
		if (want[i].nvec != PT_NONE)
			assert_int_equal(ev.pciback.nvec, want[i].nvec);
		/* -2: a pirq, whichever the lab gave */
		if (want[i].pirq == -2)
			assert_true(ev.pciback.pirq > 0);
		if (want[i].value != PT_NONE)
			assert_int_equal(ev.pciback.value, want[i].value);
		if (want[i].op <= PT_PCIOP_CONF_WRITE)
			assert_true(ev.pciback.value >= 0);
		else
			assert_int_equal(ev.pciback.value, PT_NONE);
		pt_event_format(&ev, text, sizeof(text));
		if (!strstr(text, want[i].text))
			print_error("line %lu: '%s' lacks '%s'\n", line, text,
				    want[i].text);
		assert_non_null(strstr(text, want[i].text));
		i++;
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
	pt_log_close(r);
}

/* The log is never written through a symlink someone planted. */
static void test_no_symlink_follow(void **state)
{
	char dir[] = "/tmp/pt-link-XXXXXX", link[64], target[64], err[600];
	struct pt_log_header hdr;

	assert_non_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/log", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	assert_int_equal(symlink(target, link), 0);
	pt_log_header_init(&hdr);
	assert_null(pt_log_create(link, &hdr, err, sizeof(err)));
	assert_true(access(target, F_OK) != 0);
	unlink(link);
	rmdir(dir);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void expect_file(const char *path, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	assert_string_equal(buf, text);
}

/* Every output file: 0600, no symlink, regular files only, no silent
 * overwrite. */
static void test_outfile(void **state)
{
	char dir[] = "/tmp/pt-out-XXXXXX", p[128], q[128], err[400];
	mode_t old = umask(0);
	struct stat st;
	bool created;
	int fd;

	assert_non_null(mkdtemp(dir));

	/* new: 0600 whatever the umask */
	snprintf(p, sizeof(p), "%s/new", dir);
	fd = pt_outfile_open(p, 0, &created, err, sizeof(err));
	assert_true(fd >= 0);
	assert_true(created);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, PT_OUTFILE_MODE);
	close(fd);

	/* existing: refused unless replacing, and then it becomes 0600 */
	snprintf(p, sizeof(p), "%s/old", dir);
	write_file(p, "old log\n", 0644);
	assert_int_equal(pt_outfile_open(p, 0, &created, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "file exists"));
	expect_file(p, "old log\n");
	fd = pt_outfile_open(p, PT_OUTFILE_REPLACE, &created, err, sizeof(err));
	assert_true(fd >= 0);
	assert_false(created);
	close(fd);
	expect_file(p, "old log\n");	/* emptied by the writer, not here */
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	fd = pt_outfile_open(p, PT_OUTFILE_REPLACE | PT_OUTFILE_TRUNC, &created,
			     err, sizeof(err));
	assert_true(fd >= 0);
	close(fd);
	expect_file(p, "");

	/* symlinks, dangling or not, are never followed */
	snprintf(q, sizeof(q), "%s/link", dir);
	assert_int_equal(symlink(p, q), 0);
	write_file(p, "target\n", 0644);
	assert_int_equal(pt_outfile_open(q, PT_OUTFILE_REPLACE | PT_OUTFILE_TRUNC,
					 &created, err, sizeof(err)), -ELOOP);
	assert_non_null(strstr(err, "is a symlink"));
	expect_file(p, "target\n");
	unlink(q);
	snprintf(p, sizeof(p), "%s/nowhere", dir);
	assert_int_equal(symlink(p, q), 0);
	assert_int_equal(pt_outfile_open(q, 0, &created, err, sizeof(err)), -ELOOP);
	assert_true(access(p, F_OK) != 0);
	unlink(q);

	/* a FIFO would block the recorder: refused at once, even replacing */
	snprintf(p, sizeof(p), "%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(pt_outfile_open(p, PT_OUTFILE_REPLACE, &created, err,
					 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is a FIFO"));
	unlink(p);
	assert_int_equal(pt_outfile_open("/dev/null", PT_OUTFILE_REPLACE, &created,
					 err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/dev/null: is a device"));
	assert_int_equal(pt_outfile_open(dir, PT_OUTFILE_REPLACE, &created, err,
					 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is a directory"));

	snprintf(p, sizeof(p), "%s/new", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/old", dir);
	unlink(p);
	rmdir(dir);
	umask(old);
}

/* A log written on an existing file empties it first, and is 0600. */
static void test_log_create_fd(void **state)
{
	char path[] = "/tmp/pt-logfd-XXXXXX", err[400];
	struct pt_log_header hdr;
	struct pt_log_writer *w;
	struct pt_log_reader *r;
	struct pt_event ev;
	unsigned long line;
	bool created;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	write_file(path, "{\"junk\":1}\n{\"more junk\":2}\n{\"even more\":3}\n", 0644);
	fd = pt_outfile_open(path, PT_OUTFILE_REPLACE, &created, err, sizeof(err));
	assert_true(fd >= 0);
	pt_log_header_init(&hdr);
	w = pt_log_create_fd(fd, path, &hdr, err, sizeof(err));
	close(fd);
	assert_non_null(w);
	assert_int_equal(pt_log_finish(w, 0), 0);
	r = pt_log_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(pt_log_next(r, &ev, &line), PT_LOG_EOF);
	assert_true(pt_log_complete(r));
	pt_log_close(r);
	unlink(path);
}

/* Write a one-line header (and a trailer) to a temporary log. */
static void write_log(char *path, const char *header)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "%s\n{\"type\":\"end\",\"events\":0,\"lost\":0}\n", header);
	fclose(f);
}

#define HDR_START "{\"format\":\"ptrace-log\",\"schema\":\"1.2\",\"start_ns\":1,"

static void expect_devices_error(const char *devices, const char *needle)
{
	char path[] = "/tmp/pt-devices-XXXXXX", hdr[512];

	snprintf(hdr, sizeof(hdr), HDR_START "\"devices\":%s}", devices);
	write_log(path, hdr);
	expect_open_error(path, needle);
	/* a header error is on line 1 */
	{
		char err[600] = "";

		assert_null(pt_log_open(path, err, sizeof(err)));
		assert_non_null(strstr(err, ":1: "));
	}
	unlink(path);
}

/* The header's "sampling" (schema 1.5): written, read back, absent = -1. */
static void test_header_sampling(void **state)
{
	char path[] = "/tmp/pt-sampling-XXXXXX", err[600];
	struct pt_log_header hdr;
	struct pt_log_writer *w;
	struct pt_log_reader *r;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	pt_log_header_init(&hdr);
	assert_int_equal(hdr.sample_msix_ms, -1);
	hdr.sample_msix_ms = 100;
	hdr.sample_xen_ms = 0;		/* off */
	w = pt_log_create(path, &hdr, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(pt_log_finish(w, 0), 0);
	r = pt_log_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(pt_log_header(r)->sample_msix_ms, 100);
	assert_int_equal(pt_log_header(r)->sample_xen_ms, 0);
	pt_log_close(r);

	/* an older log does not say */
	unlink(path);
	strcpy(path, "/tmp/pt-sampling-XXXXXX");
	write_log(path, "{\"format\":\"ptrace-log\",\"schema\":\"1.4\",\"start_ns\":1}");
	r = pt_log_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(pt_log_header(r)->sample_msix_ms, -1);
	assert_int_equal(pt_log_header(r)->sample_xen_ms, -1);
	pt_log_close(r);
	unlink(path);
}

/* The header's "devices" (schema 1.2): written, read back, bounded. */
static void test_header_devices(void **state)
{
	char path[] = "/tmp/pt-devices-XXXXXX", err[600];
	struct pt_pci_ident devs[2] = {
		{ PT_SBDF(0, 0, 2 << 3), 0x8086, 0x10d3, 0x020000, "e1000e" },
		{ PT_SBDF(1, 3, 1), 0x1af4, 0x1041, 0x020000, "" },
	};
	const struct pt_log_header *got;
	const struct pt_pci_ident *id;
	struct pt_log_header hdr, copy;
	struct pt_log_writer *w;
	struct pt_log_reader *r;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	pt_log_header_init(&hdr);
	hdr.devices = devs;
	hdr.ndevices = 2;
	w = pt_log_create(path, &hdr, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(pt_log_finish(w, 0), 0);

	r = pt_log_open(path, err, sizeof(err));
	assert_non_null(r);
	got = pt_log_header(r);
	assert_int_equal(got->schema_minor, PT_SCHEMA_MINOR);
	assert_int_equal(got->ndevices, 2);
	id = pt_log_device(got, devs[0].sbdf);
	assert_non_null(id);
	assert_int_equal(id->vendor, 0x8086);
	assert_int_equal(id->device, 0x10d3);
	assert_int_equal(id->class, 0x020000);
	assert_string_equal(id->driver, "e1000e");
	id = pt_log_device(got, devs[1].sbdf);
	assert_non_null(id);
	assert_int_equal(id->vendor, 0x1af4);
	assert_string_equal(id->driver, "");
	assert_null(pt_log_device(got, PT_SBDF(0, 0, 3 << 3)));
	/* a copy outlives the reader */
	assert_int_equal(pt_log_header_copy(&copy, got), 0);
	pt_log_close(r);
	assert_int_equal(copy.ndevices, 2);
	assert_int_equal(copy.devices[1].device, 0x1041);
	pt_log_header_free(&copy);
	unlink(path);

	/* an older log without the member still reads, with no ids */
	strcpy(path, "/tmp/pt-devices-XXXXXX");
	write_log(path, "{\"format\":\"ptrace-log\",\"schema\":\"1.1\",\"start_ns\":1}");
	r = pt_log_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(pt_log_header(r)->ndevices, 0);
	assert_null(pt_log_device(pt_log_header(r), devs[0].sbdf));
	pt_log_close(r);
	unlink(path);

	expect_devices_error("{}", "\"devices\" must be an array");
	expect_devices_error("[7]", "\"devices\"[0] is not an object");
	expect_devices_error("[{\"sbdf\":\"nodev\",\"vendor\":\"0x8086\",\"device\":\"0x10d3\"}]",
			     "\"sbdf\" must look like");
	expect_devices_error("[{\"sbdf\":\"0000:00:02.0\",\"vendor\":32902,\"device\":\"0x10d3\"}]",
			     "must be hex strings");
	expect_devices_error("[{\"sbdf\":\"0000:00:02.0\",\"vendor\":\"0x18086\",\"device\":\"0x10d3\"}]",
			     "must be hex strings");
	expect_devices_error("[{\"sbdf\":\"0000:00:02.0\",\"vendor\":\"0x8086\"}]",
			     "must be hex strings");
	expect_devices_error("[{\"sbdf\":\"0000:00:02.0\",\"vendor\":\"0x8086\",\"device\":\"0x10d3\",\"class\":\"0x1000000\"}]",
			     "\"class\" must be");
	expect_devices_error("[{\"sbdf\":\"0000:00:02.0\",\"vendor\":\"0x8086\",\"device\":\"0x10d3\",\"driver\":\"0123456789012345678901234567890123\"}]",
			     "\"driver\" must be a string under 32 bytes");
	expect_devices_error("[{\"sbdf\":\"0000:00:02.0\",\"vendor\":\"0x8086\",\"device\":\"0x10d3\"},"
			     "{\"sbdf\":\"0000:00:02.0\",\"vendor\":\"0x8086\",\"device\":\"0x10d3\"}]",
			     "listed twice");
}

static void test_sbdf(void **state)
{
	char b[PT_SBDF_STRLEN];
	__u32 s;

	assert_int_equal(pt_sbdf_parse("0000:03:00.1", &s), 0);
	assert_int_equal(s, PT_SBDF(0, 3, 1));
	assert_string_equal(pt_sbdf_format(s, b, sizeof(b)), "0000:03:00.1");
	assert_int_equal(pt_sbdf_parse("10:1f.7", &s), 0);
	assert_string_equal(pt_sbdf_format(s, b, sizeof(b)), "0000:10:1f.7");
	assert_int_equal(pt_sbdf_parse("0001:00:20.0", &s), -1);
	assert_int_equal(pt_sbdf_parse("03:00", &s), -1);
	assert_int_equal(pt_sbdf_parse("0000:03:00.0x", &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_no_newline_stream),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_no_end),
		cmocka_unit_test(test_truncated_at_batch_end),
		cmocka_unit_test(test_line_max),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_bad_records_every_reader),
		cmocka_unit_test(test_long_log_error),
		cmocka_unit_test(test_truncated_and_forward_compatible),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_pciback_ops),
		cmocka_unit_test(test_no_symlink_follow),
		cmocka_unit_test(test_outfile),
		cmocka_unit_test(test_log_create_fd),
		cmocka_unit_test(test_sbdf),
		cmocka_unit_test(test_header_devices),
		cmocka_unit_test(test_header_sampling),
	};

	return cmocka_run_group_tests_name("tracelog", tests, NULL, NULL);
}
