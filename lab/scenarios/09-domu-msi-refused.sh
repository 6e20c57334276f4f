# Scenario 9: dom0 refuses MSI and MSI-X for the e1000e it passes to a PV
# domU, so the guest's driver falls back to INTx.  dom0's msi_bus=0 on
# the device (as "pci=nomsi" or a no-MSI quirk would) makes pciback's
# pci_enable_msix_exact() fail: the guest's enable_msix op is answered
# -EINVAL, its enable_msi op XEN_PCI_ERR_op_failed, and e1000e comes up on
# legacy interrupts.  The device is passed "permissive=1": the config
# writes pciback does not emulate reach the device, and none is dropped
# (the twin of 03, where pciback drops them).
. /mnt/lab/lib.sh
dev=$NIC_A
dn=lab-s9
modprobe e1000e
modprobe xen-pciback
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
check "dom0 forbids MSI/MSI-X on $dev (msi_bus 0)" \
	sh -c "echo 0 > /sys/bus/pci/devices/$dev/msi_bus"
msix0=$(xen_pirq_count msi-x)
rec_start

check "xl create $dn with $dev (permissive)" domu_create $dn 1 "$dev,permissive=1"
check "guest $dn up with its NIC" wait_for 150 domu_ready $dn
domid=$(domu_domid $dn)
note "$dn is domain ${domid:-?}"
sleep 2
checkpoint guest-intx
check "pciback refused the guest's MSI-X (dom0 kernel log)" \
	sh -c "dmesg | grep -q 'error enabling MSI-X for guest'"
check "pciback refused the guest's MSI (dom0 kernel log)" \
	sh -c "dmesg | grep -q 'error enabling MSI for guest'"
check "guest's e1000e fell back to legacy interrupts (guest console)" \
	grep -q 'Falling back to legacy' /var/log/xen/console/guest-$dn.log
check "no msi-x pirq mapped for the guest" \
	[ "$(xen_pirq_count msi-x)" -le "$msix0" ]
check "MSI-X not enabled on $dev (hardware)" msix_disabled $dev
check "xl destroy $dn" t 180 xl destroy $dn
sleep 2
check "$dn gone" sh -c "! xl domid $dn"
rec_stop
domu_log $dn >"$RES/guest-console.log"
dmesg | grep -i 'pciback\|msi' | tail -n 40 >"$RES/dom0-dmesg.txt"

check "dom0 allows MSI on $dev again" \
	sh -c "echo 1 > /sys/bus/pci/devices/$dev/msi_bus"
check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
finish
