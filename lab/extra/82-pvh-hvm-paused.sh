# Trixie lab (LAB_VARIANT=trixie LAB_DOM0=pvh; tests/lab/trixie): an HVM
# domU with 00:03.0 passed through from a PVH dom0, created paused.  All
# of passthrough's set-up happens at "xl create" before the guest runs:
# libxl looks the GSI up through privcmd (IOCTL_PRIVCMD_PCIDEV_GET_GSI),
# maps it (PHYSDEVOP_map_pirq, GSI) and grants it
# (XEN_DOMCTL_gsi_permission); the device model (QEMU in dom0) maps it
# again and binds it to the guest (XEN_DOMCTL_bind_pt_irq).  Then
# "xl destroy" and "xl pci-assignable-remove".  The guest never runs: a
# booting HVM guest may take dom0 down under TCG (81-pvh-hvm-guest,
# docs/lab.md).
. /mnt/lab/lib.sh
# Not 00:02.0: QEMU's xen_pt takes a host device at 00:02.0 for Intel
# graphics and refuses it.
dev=$NIC_B
dn=lab-hvmp
dmlog=/var/log/xen/qemu-dm-$dn.log

# gsi_bound_to DOMID: Xen has an IO-APIC irq (a GSI) bound to DOMID.
gsi_bound_to()
{
	xen_keys i | grep 'IO-APIC' | grep -q "d$1:"
}

paused()
{
	xl list "$dn" | awk 'NR == 2 { print $5 }' | grep -q p
}

modprobe e1000e
modprobe xen-pciback
rec_start
check "xl pci-assignable-add $dev" t 90 xl pci-assignable-add $dev
check "xl create -p $dn (HVM, paused) with $dev" hvm_create_paused $dn $dev
check "$dn is paused" paused
check "xl pci-list $dn shows $dev" \
	sh -c "xl pci-list $dn | grep -q '$(short_bdf $dev)'"
check "Xen binds an IO-APIC GSI to d$domid (debug key i)" \
	gsi_bound_to "$domid"
checkpoint guest
cp $dmlog "$RES/qemu-dm.log" 2>/dev/null

check "xl destroy $dn" t 180 xl destroy $dn
sleep 2
checkpoint destroyed
check "$dn gone" sh -c "! xl domid $dn"
check "Xen binds no IO-APIC GSI to d$domid" not gsi_bound_to "$domid"
check "$dev still assignable" assignable $dev
check "xl pci-assignable-remove -r $dev" t 90 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
finish
