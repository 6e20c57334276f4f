# A PVH dom0 on a Xen that predates PVH-dom0 passthrough: Xen 4.17 with
# Linux 6.12 (LAB_VARIANT=bpo612 LAB_DOM0=pvh; tests/run's lab-pvh417).
# 6.12's pciback resets a device it seizes and tells Xen
# (xen_reset_device: PHYSDEVOP_pci_device_reset); Xen 4.17 has no such
# call for a PVH dom0 and answers -ENOSYS, which pciback's init takes as
# fatal: the seize fails, and the reset on release is not reported
# either.  Expected: PT002 twice (Xen refused to be told), PT011 on the
# failed init and probe (tests/lab/83-pvh-old-xen-seize.rules).  The
# device is left unbound (e1000e never probed it): with e1000e's native
# MSI-X on first, this boot once ended in "(XEN) d0v0 Triple fault" at
# the same step (docs/lab.md), so the recorder writes onto the share.
. /mnt/lab/lib.sh
REC_ON_SHARE=1
dev=$NIC_B
check "dom0 is a PVH guest of Xen (/sys/hypervisor/guest_type)" \
	grep -qx PVH /sys/hypervisor/guest_type
check "Xen 4.17 (no PVH-dom0 passthrough)" \
	sh -c "xl info xen_version | grep -q '^4\.17\.'"
note "Xen $(xl info xen_version 2>/dev/null), dom0 $(uname -r)"
rec_start
check "xl pci-assignable-add $dev fails" not t 90 xl pci-assignable-add $dev
checkpoint refused
check "pciback's probe of $dev failed with -38 (dom0 dmesg)" \
	sh -c "dmesg | grep -q 'pciback $dev: probe with driver pciback failed with error -38'"
check "$dev not bound to pciback" not is_driver $dev pciback
finish
