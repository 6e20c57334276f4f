// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bad-bind DOMID PIRQ [GVEC]: what a buggy device model does, for the
 * lab: XEN_DOMCTL_bind_pt_irq of an MSI for pirq PIRQ of domain DOMID,
 * through privcmd as QEMU's xen_pt does (xc_domain_update_msi_irq), with
 * the gflags a device model passes (destination 0, physical, fixed,
 * edge, unmasked) and guest vector GVEC (default 0x30).  Prints
 *
 *	bind_pt_irq d<DOMID> pirq <PIRQ>: rc <RC> (<strerror>)
 *
 * and exits 0 whatever Xen answered (1 on a usage or privcmd error).
 * The domctl interface version is the running Xen's, from its version
 * in /sys/hypervisor (one call: a wrong version would be a refusal of
 * its own, EACCES, in the trace).
 */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sys/privcmd.h>

/* XEN_DOMCTL_INTERFACE_VERSION of Xen major.minor; 0 if unknown. */
static unsigned int domctl_version(void)
{
	unsigned int major = 0, minor = 0;
	FILE *f;

	f = fopen("/sys/hypervisor/version/major", "r");
	if (f) {
		if (fscanf(f, "%u", &major) != 1)
			major = 0;
		fclose(f);
	}
	f = fopen("/sys/hypervisor/version/minor", "r");
	if (f) {
		if (fscanf(f, "%u", &minor) != 1)
			minor = 0;
		fclose(f);
	}
	if (major != 4 || minor < 17)
		return 0;
	return minor == 17 ? 0x15 : minor == 18 ? 0x16 : minor <= 21 ? 0x17 : 0x18;
}

int main(int argc, char **argv)
{
	privcmd_hypercall_t hc = { .op = __HYPERVISOR_domctl };
	unsigned int version = domctl_version();
	struct xen_domctl *dc;
	long rc;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: bad-bind DOMID PIRQ [GVEC]\n");
		return 1;
	}
	if (!version) {
		fprintf(stderr, "bad-bind: not a Xen 4.17-4.22 host\n");
		return 1;
	}
	fd = open("/dev/xen/privcmd", O_RDWR);
	if (fd < 0) {
		perror("/dev/xen/privcmd");
		return 1;
	}
	/* a locked page: Xen copies the domctl in and out of it */
	dc = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	if (dc == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(dc, 0, sizeof(*dc));
	dc->cmd = XEN_DOMCTL_bind_pt_irq;
	dc->interface_version = version;
	dc->domain = (domid_t)strtoul(argv[1], NULL, 0);
	dc->u.bind_pt_irq.machine_irq = (uint32_t)strtoul(argv[2], NULL, 0);
	dc->u.bind_pt_irq.irq_type = PT_IRQ_TYPE_MSI;
	dc->u.bind_pt_irq.u.msi.gvec =
		argc > 3 ? (uint8_t)strtoul(argv[3], NULL, 0) : 0x30;
	dc->u.bind_pt_irq.u.msi.gflags = XEN_DOMCTL_VMSI_X86_UNMASKED;
	hc.arg[0] = (unsigned long)dc;
	rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
	if (rc < 0)
		rc = -errno;
	printf("bind_pt_irq d%s pirq %s: rc %ld (%s)\n", argv[1], argv[2], rc,
	       rc < 0 ? strerror((int)-rc) : "ok");
	return 0;
}
