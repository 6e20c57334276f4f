// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Host helpers: Xen dom0 detection and sysfs reads (src/lib/host.h).
 */
#define _GNU_SOURCE	/* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pt_grow.h"
#include "pt_names.h"
#include "lib/host.h"

static const char *host_root = "";

void pt_host_set_root(const char *root)
{
	host_root = root ? root : "";
}

const char *pt_host_root(void)
{
	return host_root;
}

static void full_path(char *full, size_t len, const char *path)
{
	snprintf(full, len, "%s%s", host_root, path);
}

int pt_host_open(const char *path, int flags)
{
	char full[PATH_MAX];

	full_path(full, sizeof(full), path);
	return open(full, flags | O_CLOEXEC);
}

DIR *pt_host_opendir(const char *path)
{
	char full[PATH_MAX];

	full_path(full, sizeof(full), path);
	return opendir(full);
}

bool pt_host_exists(const char *path)
{
	int fd = pt_host_open(path, O_RDONLY | O_PATH);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int pt_host_read_str(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = pt_host_open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int pt_host_read_long(const char *path, int base, long *val)
{
	char buf[32], *end;
	int err;

	err = pt_host_read_str(path, buf, sizeof(buf));
	if (err)
		return err;
	errno = 0;
	*val = strtol(buf, &end, base);
	return errno || end == buf ? -EINVAL : 0;
}

int pt_host_pci_hex(const char *bdf, const char *attr, long *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PT_HOST_PCI "/%s/%s", bdf, attr);
	return pt_host_read_long(path, 16, val);
}

int pt_host_pci_driver(const char *bdf, char *buf, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s" PT_HOST_PCI "/%s/driver",
		 host_root, bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(buf, len, "%s", base ? base + 1 : link);
	return 0;
}

static int ident_cmp(const void *a, const void *b)
{
	const struct pt_pci_ident *x = a, *y = b;

	return x->sbdf < y->sbdf ? -1 : x->sbdf > y->sbdf;
}

void pt_host_pci_idents(struct pt_pci_ident **list, size_t *n)
{
	DIR *dir = pt_host_opendir(PT_HOST_PCI);
	struct dirent *de;
	size_t cap = 0;

	*list = NULL;
	*n = 0;
	if (!dir)
		return;
	while ((de = readdir(dir)) && *n < PT_LOG_DEVICES_MAX) {
		struct pt_pci_ident *id;
		long vendor, device, class;
		__u32 sbdf;

		if (de->d_name[0] == '.' || pt_sbdf_parse(de->d_name, &sbdf))
			continue;
		if (pt_host_pci_hex(de->d_name, "vendor", &vendor) ||
		    pt_host_pci_hex(de->d_name, "device", &device) ||
		    vendor < 0 || vendor > 0xffff || device < 0 || device > 0xffff)
			continue;
		if (pt_host_pci_hex(de->d_name, "class", &class))
			class = 0;
		id = PT_PUSH(*list, *n, cap);
		id->sbdf = sbdf;
		id->vendor = vendor;
		id->device = device;
		id->class = class < 0 ? 0 : class & 0xffffff;
		/* the header holds names under 32 bytes (trace-format.md) */
		pt_host_pci_driver(de->d_name, id->driver, sizeof(id->driver));
	}
	closedir(dir);
	/* readdir order is the directory's: sort so that logs compare */
	qsort(*list, *n, sizeof(**list), ident_cmp);
}

void pt_host_xen_detect(struct pt_host_xen *x)
{
	char buf[128];

	memset(x, 0, sizeof(*x));
	if (!pt_host_read_str("/sys/hypervisor/type", buf, sizeof(buf)) &&
	    !strcmp(buf, "xen")) {
		x->xen = true;
	} else if (pt_host_exists("/proc/xen")) {
		x->xen = true;
	} else {
		snprintf(x->why, sizeof(x->why),
			 "no Xen found: /sys/hypervisor/type is not \"xen\" and there is no /proc/xen");
		return;
	}

	if (!pt_host_read_str("/proc/xen/capabilities", buf, sizeof(buf)))
		x->dom0 = strstr(buf, "control_d") != NULL;
	else
		x->dom0 = pt_host_exists("/dev/xen/privcmd") ||
			  pt_host_exists("/sys/bus/xen-backend");

	/* guest_type appeared in 4.x-era kernels: "PV", "PVH" or "HVM". */
	if (!pt_host_read_str("/sys/hypervisor/guest_type", buf, sizeof(buf))) {
		if (!strcmp(buf, "PV"))
			strcpy(x->mode, "pv");
		else if (!strcmp(buf, "PVH"))
			strcpy(x->mode, "pvh");
	}
	snprintf(x->why, sizeof(x->why), "Xen %s%s%s",
		 x->dom0 ? "dom0" : "guest (not dom0: passthrough state is not visible here)",
		 x->mode[0] ? ", " : "", x->mode);
}
