# Trixie lab (LAB_VARIANT=trixie LAB_DOM0=pvh; tests/lab/trixie): an HVM
# domU with 00:03.0 passed through from a PVH dom0.  libxl looks the GSI
# up through privcmd (IOCTL_PRIVCMD_PCIDEV_GET_GSI), maps it and grants
# it (XEN_DOMCTL_gsi_permission); the device model (QEMU in dom0) binds
# it (bind_pt_irq).  The guest's e1000e enables MSI-X, and the device
# model's PHYSDEVOP_map_pirq of each vector fails with ENODATA (61) on a
# PVH dom0: the guest keeps MSI-X on with no vector mapped.  Then
# "xl destroy" and "xl pci-assignable-remove".  The whole sequence is
# recorded.
. /mnt/lab/lib.sh
# Not 00:02.0: QEMU's xen_pt takes a host device at 00:02.0 for Intel
# graphics and refuses it.
dev=$NIC_B
# dom0 may die while the guest boots (docs/lab.md): record on the share.
REC_ON_SHARE=1
dn=lab-hvm
con=/var/log/xen/console/guest-$dn.log
dmlog=/var/log/xen/qemu-dm-$dn.log

# gsi_bound_to DOMID: Xen has an IO-APIC irq (a GSI) bound to DOMID.
gsi_bound_to()
{
	xen_keys i | grep 'IO-APIC' | grep -q "d$1:"
}
modprobe e1000e
modprobe xen-pciback
rec_start
check "xl pci-assignable-add $dev" t 90 xl pci-assignable-add $dev
# quiet: every byte on the emulated UART is a round trip through the
# device model in dom0, slow under TCG; domu-init's lines still show.
hvm_cfg $dn $dev "quiet loglevel=3 lab.nics=1"
check "xl create $dn (HVM) with $dev" t 180 xl create /tmp/$dn.cfg
# The guest's console and the device model's log live in dom0's tmpfs:
# copy them to the share as they grow, so a timeout leaves them behind.
( while :; do
	cp $con "$RES/guest-console.log" 2>/dev/null
	cp $dmlog "$RES/qemu-dm.log" 2>/dev/null
	sleep 10
  done ) &
COPY_PID=$!
check "xl pci-list $dn shows $dev" \
	sh -c "xl pci-list $dn | grep -q '$(short_bdf $dev)'"
# The guest may take minutes under TCG: wait for it as long as the
# scenario's time allows, keeping 6 min for the checks, xl destroy and
# the recorder, so a guest too slow still leaves a trace.
check "HVM guest $dn up with its NIC" wait_for "$(hvm_wait_secs 120)" domu_ready $dn
domid=$(domu_domid $dn)
note "$dn is domain ${domid:-?}"
sleep 2
checkpoint guest
check "guest's e1000e enabled MSI-X (guest /proc/interrupts)" \
	grep -q 'PCI-MSIX\|msi-x' $con
check "MSI-X enabled on $dev (hardware, dom0 lspci)" msix_enabled $dev
# Known on a PVH dom0 with Xen 4.20: the device model cannot map the
# guest's MSI-X vectors (docs/lab.md).
check "device model's MSI-X map_pirq fails with ENODATA (qemu-dm log: err: 61)" \
	grep -q 'Mapping of MSI-X (err: 61' $dmlog
check "Xen lists no MSIs of $dev for d$domid" \
	[ "$(xen_q_msis $dev "$domid")" -eq 0 ]
check "Xen binds an IO-APIC GSI to d$domid (INTx path, debug key i)" \
	gsi_bound_to "$domid"
cp $con "$RES/guest-console.log" 2>/dev/null
cp $dmlog "$RES/qemu-dm.log" 2>/dev/null

kill $COPY_PID 2>/dev/null
check "xl destroy $dn" t 180 xl destroy $dn
sleep 2
checkpoint destroyed
check "$dn gone" sh -c "! xl domid $dn"
check "MSI-X disabled on $dev after destroy" msix_disabled $dev
check "Xen binds no IO-APIC GSI to d$domid" not gsi_bound_to "$domid"
check "$dev still assignable" assignable $dev
cp $dmlog "$RES/qemu-dm.log" 2>/dev/null
check "xl pci-assignable-remove -r $dev" t 90 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
finish
