// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Xen's debug-key dumps read back from the console ring (xenconsole.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xenconsole.h"

typedef void *(*xc_open_fn)(void *logger, void *dombuild_logger,
			    unsigned int flags);
typedef int (*xc_close_fn)(void *xch);
typedef int (*xc_keys_fn)(void *xch, const char *keys);
typedef int (*xc_ring_fn)(void *xch, char *buffer, unsigned int *pnr_chars,
			  int clear, int incremental, uint32_t *pindex);

struct pt_xen_console {
	void *lib;
	void *h;
	xc_close_fn close;
	xc_keys_fn keys;
	xc_ring_fn ring;
};

#define RING_CHUNK	(64 * 1024)
#define RING_MAX	(8 * 1024 * 1024)

/*
 * libxenctrl's soname carries Xen's version and Debian ships only that
 * (libxenctrl.so.4.20 on Debian 13); the unversioned name exists only
 * with the -dev package.  The calls used are the same in all.
 */
static const char *const xc_sonames[] = {
	"libxenctrl.so.4.17", "libxenctrl.so.4.18", "libxenctrl.so.4.19",
	"libxenctrl.so.4.20", "libxenctrl.so.4.21", "libxenctrl.so.4.22",
	"libxenctrl.so",
};

struct pt_xen_console *pt_xen_console_open(char *why, size_t len)
{
	struct pt_xen_console *c = calloc(1, sizeof(*c));
	xc_open_fn open_fn;
	int err;

	if (!c) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	for (size_t i = 0; !c->lib && i < sizeof(xc_sonames) / sizeof(xc_sonames[0]); i++)
		c->lib = dlopen(xc_sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!c->lib) {
		snprintf(why, len, "libxenctrl not found: %s", dlerror());
		free(c);
		return NULL;
	}
	open_fn = (xc_open_fn)dlsym(c->lib, "xc_interface_open");
	c->close = (xc_close_fn)dlsym(c->lib, "xc_interface_close");
	c->keys = (xc_keys_fn)dlsym(c->lib, "xc_send_debug_keys");
	c->ring = (xc_ring_fn)dlsym(c->lib, "xc_readconsolering");
	if (!open_fn || !c->close || !c->keys || !c->ring) {
		snprintf(why, len, "libxenctrl lacks the debug-key/console calls");
		goto fail;
	}
	c->h = open_fn(NULL, NULL, 0);
	if (!c->h) {
		err = errno;
		snprintf(why, len, "xc_interface_open: %s", strerror(err));
		goto fail;
	}
	return c;
fail:
	dlclose(c->lib);
	free(c);
	return NULL;
}

void pt_xen_console_close(struct pt_xen_console *c)
{
	if (!c)
		return;
	c->close(c->h);
	dlclose(c->lib);
	free(c);
}

/*
 * Read the console ring from *index on (incremental), appending to
 * *buf; *index ends just past the last character Xen has written.
 */
static int ring_read(struct pt_xen_console *c, char **buf, size_t *len,
		     uint32_t *index)
{
	for (;;) {
		unsigned int n = RING_CHUNK;
		char *p;

		if (*len + RING_CHUNK + 1 > RING_MAX)
			return -E2BIG;
		p = realloc(*buf, *len + RING_CHUNK + 1);
		if (!p)
			return -ENOMEM;
		*buf = p;
		if (c->ring(c->h, p + *len, &n, 0, 1, index))
			return -errno;
		*len += n;
		p[*len] = '\0';
		if (n < RING_CHUNK)
			return 0;
	}
}

/* Move *index to the ring's end, discarding what is there. */
static int ring_skip(struct pt_xen_console *c, uint32_t *index)
{
	char *buf = malloc(RING_CHUNK);
	unsigned int n;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	do {
		n = RING_CHUNK;
		if (c->ring(c->h, buf, &n, 0, 1, index)) {
			err = -errno;
			break;
		}
	} while (n == RING_CHUNK);
	free(buf);
	return err;
}

/*
 * Skip to the ring's end first, so an old dump still in the ring cannot
 * be mistaken for this one.  One key at a time, read back before the
 * next, so a large IRQ dump cannot push the others out of a small ring.
 * Xen runs the handlers synchronously within the sysctl.
 */
int pt_xen_console_dump(struct pt_xen_console *c, const char *keys,
			char **text)
{
	size_t len = 0;
	uint32_t index = 0;
	int err;

	*text = NULL;
	err = ring_skip(c, &index);
	for (const char *k = keys; !err && *k; k++) {
		char key[2] = { *k, '\0' };

		if (c->keys(c->h, key))
			err = -errno;
		else
			err = ring_read(c, text, &len, &index);
	}
	return err;
}
