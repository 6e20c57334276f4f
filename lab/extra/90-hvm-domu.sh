# Extra scenario (LAB_VARIANT=hvm): an HVM domU with 00:03.0 passed
# through, booted straight into the domU kernel by Xen's QEMU device
# model; its serial console goes to a file.  Run with
#   LAB_VARIANT=hvm lab/run-scenarios 90-hvm-domu
. /mnt/lab/lib.sh
# dom0 processes may die while the guest boots (docs/lab.md, "dom0
# process crashes"): the trace goes straight onto the share
REC_ON_SHARE=1
# Not 00:02.0: QEMU's xen_pt takes a host device at 00:02.0 for Intel
# graphics ("Need to enable igd-passthru if you're trying to passthrough
# IGD GFX") and refuses it.
dev=$NIC_B
dn=lab-hvm
con=/var/log/xen/console/guest-$dn.log
modprobe e1000e
modprobe xen-pciback
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
# Xen's own mask of the guest's vectors too (the xen view)
REC_ARGS="--sample-xen 1s"
rec_start
hvm_up $dn $dev "loglevel=6 lab.nics=1"
checkpoint guest-msix
check "guest's e1000e uses MSI-X (guest /proc/interrupts)" \
	grep -q 'MSI-X\|msi-x\|MSIX' $con
check "Xen lists MSIs of $dev for d$domid" \
	[ "$(xen_q_msis $dev "$domid")" -ge 1 ]
check "xl destroy $dn" t 180 xl destroy $dn
sleep 2
checkpoint destroyed
check "MSI-X disabled on $dev after destroy" msix_disabled $dev
cp $con "$RES/guest-console.log" 2>/dev/null
ls /var/log/xen >"$RES/var-log-xen.txt" 2>&1
cat /var/log/xen/qemu-dm-$dn.log >"$RES/qemu-dm.log" 2>&1
check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
finish
