// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * msix-table BDF...: the lab's ground truth of a device's MSI-X table,
 * read in dom0 at a checkpoint, independently of ptrace's own sampler:
 * the capability is found in sysfs config space, the table's pages are
 * mapped read-only from the BAR's sysfs resourceN file (memory BARs
 * cannot be read(2) there).  Nothing is written.  Lines:
 *
 *	BDF ctrl 0xC enable E maskall M entries N
 *	BDF entry I masked B vctrl 0xV
 *
 * or "BDF error WHY".  Run only on devices bound to pciback: a driver in
 * dom0 may hold the BAR (the mapping then fails or faults).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int table(const char *bdf)
{
	char path[256];
	uint8_t cfg[256];
	unsigned int pos, n = 0, size, bir, off, i;
	uint16_t ctrl;
	uint32_t tbl;
	long pg = sysconf(_SC_PAGESIZE);
	size_t start, len;
	volatile uint8_t *m;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, cfg, sizeof(cfg), 0) < 64) {
		printf("%s error config: %s\n", bdf, strerror(errno));
		return 1;
	}
	close(fd);
	/* the capability list, bounded: a loop in it ends too */
	for (pos = cfg[0x34] & 0xfc; pos && n < 48; pos = cfg[pos + 1] & 0xfc, n++)
		if (pos < 0xfc && cfg[pos] == 0x11)
			break;
	if (!pos || n == 48 || pos >= 0xfc - 8) {
		printf("%s error no MSI-X capability\n", bdf);
		return 1;
	}
	ctrl = cfg[pos + 2] | cfg[pos + 3] << 8;
	memcpy(&tbl, cfg + pos + 4, 4);
	size = (ctrl & 0x7ff) + 1;
	bir = tbl & 7;
	off = tbl & ~7u;
	printf("%s ctrl 0x%04x enable %d maskall %d entries %u\n", bdf, ctrl,
	       !!(ctrl & 0x8000), !!(ctrl & 0x4000), size);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%u", bdf, bir);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("%s error %s: %s\n", bdf, path, strerror(errno));
		return 1;
	}
	start = off & ~(size_t)(pg - 1);
	len = off - start + (size_t)size * 16;
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, start);
	close(fd);
	if (m == MAP_FAILED) {
		printf("%s error mmap %s: %s\n", bdf, path, strerror(errno));
		return 1;
	}
	for (i = 0; i < size; i++) {
		uint32_t v = *(volatile uint32_t *)(m + off - start + i * 16 + 12);

		printf("%s entry %u masked %u vctrl 0x%08x\n", bdf, i, v & 1, v);
	}
	munmap((void *)m, len);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	for (int i = 1; i < argc; i++)
		rc |= table(argv[i]);
	return rc;
}
