// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The Xen mask sampler on Xen's own dumps as the lab saved them
 * (tests/data/lab/<checkpoint>/xen-{i,M,Q}.txt): one vector_mask event
 * (view xen) per vector bound to a domain's pirq, then only changes;
 * vectors Xen no longer lists are forgotten; text with no dump is an
 * error, not "no vectors".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "collect/xen_sampler.h"

#define LAB	"tests/data/lab/"
#define NIC_A	PT_SBDF(0, 0, 0x10)	/* 0000:00:02.0, the guest's */
#define DOM0_NIC PT_SBDF(0, 0, 0x08)	/* 0000:00:01.0, dom0's virtio */

struct seen {
	int n;
	struct pt_event ev[16];
};

static void record(const struct pt_event *ev, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 16);
	s->ev[s->n++] = *ev;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, n + 1);
	assert_int_equal(fread(buf, 1, n, f), n);
	fclose(f);
	return buf;
}

/* Keys i, M and Q of a checkpoint, in the order the sampler sends them. */
static char *dumps(const char *cp)
{
	static const char *const keys[] = { "xen-i.txt", "xen-M.txt", "xen-Q.txt" };
	char path[256], *text = strdup("");

	for (size_t k = 0; k < 3; k++) {
		char *part, *both;

		snprintf(path, sizeof(path), LAB "%s/%s", cp, keys[k]);
		part = slurp(path);
		both = malloc(strlen(text) + strlen(part) + 1);
		strcpy(both, text);
		strcat(both, part);
		free(text);
		free(part);
		text = both;
	}
	return text;
}

static const struct pt_event *find(const struct seen *s, __u32 sbdf,
				   int domid, int pirq)
{
	for (int i = 0; i < s->n; i++)
		if (s->ev[i].hdr.sbdf == sbdf && s->ev[i].vmask.domid == domid &&
		    s->ev[i].vmask.pirq == pirq)
			return &s->ev[i];
	return NULL;
}

/* Replace the first occurrence of from with to (same length). */
static void patch(char *text, const char *from, const char *to)
{
	char *p = strstr(text, from);

	assert_non_null(p);
	assert_int_equal(strlen(from), strlen(to));
	memcpy(p, to, strlen(to));
}

static void test_first_pass_then_changes(void **state)
{
	struct pt_xen_sampler *s = pt_xen_sampler_offline();
	char *text = dumps("guest-msix");
	struct seen seen = { 0 };
	const struct pt_event *ev;

	(void)state;
	/* d1's three MSI-X vectors and dom0's two; 30-32 are unbound: no pirq */
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 5);
	assert_int_equal(seen.n, 5);
	for (int k = 0; k < 3; k++) {
		ev = find(&seen, NIC_A, 1, 55 - k);
		assert_non_null(ev);
		assert_int_equal(ev->hdr.type, PT_EV_VECTOR_MASK);
		assert_int_equal(ev->vmask.view, PT_VIEW_XEN);
		assert_int_equal(ev->vmask.masked, 0);
		assert_int_equal(ev->vmask.entry, PT_NONE);
		assert_int_equal(ev->vmask.irq, PT_NONE);
	}
	assert_non_null(find(&seen, DOM0_NIC, 0, 415));
	assert_non_null(find(&seen, DOM0_NIC, 0, 414));

	/* the same dump again: nothing changed */
	seen.n = 0;
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 0);

	/* the guest masks irq 27's vector through Xen (G): one event, pirq 55 */
	patch(text, "dest=00000002 mask=1/  /0", "dest=00000002 mask=1/ G/1");
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 1);
	ev = find(&seen, NIC_A, 1, 55);
	assert_non_null(ev);
	assert_int_equal(ev->vmask.masked, 1);
	free(text);

	/* destroyed: Xen lists none of d1's; back, they are new again */
	text = dumps("guest-destroyed");
	seen.n = 0;
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 0);
	free(text);
	text = dumps("guest-msix");
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 3);
	assert_non_null(find(&seen, NIC_A, 1, 54));
	free(text);
	pt_xen_sampler_free(s);
}

/*
 * After a pass that read nothing, the model forgets Xen's view (a blind
 * record): the next pass says every vector again, changed or not.
 */
static void test_forget_says_all_again(void **state)
{
	struct pt_xen_sampler *s = pt_xen_sampler_offline();
	char *text = dumps("guest-msix");
	struct seen seen = { 0 };

	(void)state;
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 5);
	seen.n = 0;
	assert_int_equal(pt_xen_sampler_feed(s, "", record, &seen), -ENODATA);
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 0);
	assert_false(pt_xen_sampler_missed(s));
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 5);
	assert_int_equal(seen.n, 5);
	assert_non_null(find(&seen, NIC_A, 1, 53));
	/* a good pass starts the count again; then five in a row stop it */
	for (int k = 1; k < PT_XEN_MISSES_MAX; k++)
		assert_false(pt_xen_sampler_missed(s));
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 5);
	for (int k = 1; k < PT_XEN_MISSES_MAX; k++)
		assert_false(pt_xen_sampler_missed(s));
	assert_true(pt_xen_sampler_missed(s));
	free(text);
	pt_xen_sampler_free(s);
}

/* text with from replaced by to, once (a new string) */
static char *replace(char *text, const char *from, const char *to)
{
	char *p = strstr(text, from), *out;

	assert_non_null(p);
	out = malloc(strlen(text) - strlen(from) + strlen(to) + 1);
	memcpy(out, text, p - text);
	strcpy(out + (p - text), to);
	strcat(out, p + strlen(from));
	free(text);
	return out;
}

/*
 * The guest frees its interrupt (its NIC down): Xen keeps the vector
 * mapped, unbound, and masks it (H).  Key i names no pirq then; the
 * vector is still the one bound to pirq 55 before.
 */
static void test_unbound_keeps_pirq(void **state)
{
	struct pt_xen_sampler *s = pt_xen_sampler_offline();
	char *text = dumps("guest-msix");
	struct seen seen = { 0 };
	const struct pt_event *ev;

	(void)state;
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 5);
	text = replace(text, "in-flight=0 d1: 55(---)", "mapped, unbound");
	patch(text, "dest=00000002 mask=1/  /0", "dest=00000002 mask=1/H /1");
	seen.n = 0;
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 1);
	ev = find(&seen, NIC_A, 1, 55);
	assert_non_null(ev);
	assert_int_equal(ev->vmask.masked, 1);
	/* bound again, to pirq 58 now: a new vector for the trace */
	text = replace(text, "{0-1} mapped, unbound\n(XEN)    IRQ:  28",
		       "{0-1} in-flight=0 d1: 58(---)\n(XEN)    IRQ:  28");
	seen.n = 0;
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 1);
	assert_int_equal(find(&seen, NIC_A, 1, 58)->vmask.masked, 1);
	free(text);

	/* a vector never seen bound has no name: nothing to say of it */
	pt_xen_sampler_free(s);
	s = pt_xen_sampler_offline();
	text = dumps("guest-msix");
	text = replace(text, "in-flight=0 d1: 55(---)", "mapped, unbound");
	seen.n = 0;
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 4);
	assert_null(find(&seen, NIC_A, 1, 55));
	free(text);
	pt_xen_sampler_free(s);
}

/* Host-masked (H) counts as masked, as the guest's (G) does. */
static void test_host_masked(void **state)
{
	struct pt_xen_sampler *s = pt_xen_sampler_offline();
	char *text = dumps("guest-msix");
	struct seen seen = { 0 };

	(void)state;
	patch(text, "dest=00000001 mask=1/  /0", "dest=00000001 mask=1/H /1");
	assert_int_equal(pt_xen_sampler_feed(s, text, record, &seen), 5);
	/* the first line with dest 1 is irq 25: dom0's pirq 415 */
	assert_int_equal(find(&seen, DOM0_NIC, 0, 415)->vmask.masked, 1);
	assert_int_equal(find(&seen, DOM0_NIC, 0, 414)->vmask.masked, 0);
	free(text);
	pt_xen_sampler_free(s);
}

/* Text without Xen's dumps (a console that printed nothing) is an error. */
static void test_no_dump(void **state)
{
	struct pt_xen_sampler *s = pt_xen_sampler_offline();
	struct seen seen = { 0 };

	(void)state;
	assert_int_equal(pt_xen_sampler_feed(s, "(XEN) hello\n", record, &seen),
			 -ENODATA);
	assert_int_equal(pt_xen_sampler_feed(s, "", record, &seen), -ENODATA);
	assert_int_equal(seen.n, 0);
	/* offline: there is no console to read */
	assert_int_equal(pt_xen_sampler_run(s, record, &seen), -ENODEV);
	pt_xen_sampler_free(s);
}

/* Off Xen: no libxenctrl, or no privcmd to talk to Xen through. */
static void test_no_xen(void **state)
{
	char why[128] = "";

	(void)state;
	assert_null(pt_xen_sampler_new(why, sizeof(why)));
	assert_true(strstr(why, "libxenctrl") || strstr(why, "xc_interface_open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_pass_then_changes),
		cmocka_unit_test(test_forget_says_all_again),
		cmocka_unit_test(test_unbound_keeps_pirq),
		cmocka_unit_test(test_host_masked),
		cmocka_unit_test(test_no_dump),
		cmocka_unit_test(test_no_xen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
