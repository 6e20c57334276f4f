# Trixie lab (LAB_VARIANT=trixie LAB_DOM0=pvh; tests/lab/trixie): on a
# PVH dom0 (Xen 4.20, Linux 6.12) dom0's e1000e probes with native MSI-X
# trapped by Xen's vPCI, then "xl pci-assignable-add" hands it to pciback
# (whose init resets it and tells Xen: PHYSDEVOP_pci_device_reset, and
# registers its GSI: PHYSDEVOP_setup_gsi), and "xl pci-assignable-remove
# -r" gives it back.  Not 00:02.0: the HVM scenario passes 00:03.0.
. /mnt/lab/lib.sh
dev=$NIC_B
check "dom0 is a PVH guest of Xen (/sys/hypervisor/guest_type)" \
	grep -qx PVH /sys/hypervisor/guest_type
note "Xen $(xl info xen_version 2>/dev/null), dom0 $(uname -r)," \
	"$(dmesg | grep -o 'xen_pciback: backend is [a-z]*' | head -n 1)"
rec_start

modprobe e1000e
check "e1000e bound to $dev" wait_for 20 is_driver $dev e1000e
nd=$(netdev_of $dev)
t 10 ip link set "$nd" up
sleep 2
checkpoint probed
check "MSI-X enabled on $dev after probe" msix_enabled $dev
# A PVH dom0 programs MSI-X itself (no xen-pirq chip): Xen's vPCI traps
# the table writes and maps the vectors for d0.
check "$nd on native MSI-X in dom0 (PCI-MSIX-$dev in /proc/interrupts)" \
	grep -q "PCI-MSIX-$dev" /proc/interrupts
check "no xen-pirq msi-x irqs in a PVH dom0" [ "$(xen_pirq_count msi-x)" -eq 0 ]
vpci_msix_d0()
{
	xen_keys M | grep -q 'vPCI MSI/MSI-X d0'
}
check "Xen's vPCI holds MSI-X vectors of d0 (debug key M)" vpci_msix_d0

check "xl pci-assignable-add $dev" t 90 xl pci-assignable-add $dev
checkpoint assignable
check "$dev in xl pci-assignable-list" assignable $dev
check "$dev bound to pciback" is_driver $dev pciback
check "pciback seized $dev (dom0 dmesg)" \
	sh -c "dmesg | grep -q 'pciback $dev: xen_pciback: seizing device'"
check "MSI-X disabled on $dev" msix_disabled $dev

check "xl pci-assignable-remove -r $dev" t 90 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
check "$dev not in xl pci-assignable-list" not_assignable $dev
finish
