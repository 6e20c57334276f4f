# Scenario 2: the same hand-over done by hand through pciback's sysfs
# files: unbind from e1000e, new_slot, bind; then unbind, remove_slot
# and give the device back to e1000e.
. /mnt/lab/lib.sh
dev=$NIC_B
pb=/sys/bus/pci/drivers/pciback
rec_start

modprobe e1000e
modprobe xen-pciback
check "e1000e bound to $dev" wait_for 20 is_driver $dev e1000e
check "MSI-X enabled on $dev after probe" msix_enabled $dev
checkpoint probed

check "unbind $dev from e1000e" \
	sh -c "echo $dev >/sys/bus/pci/drivers/e1000e/unbind"
check "pciback new_slot $dev" sh -c "echo $dev >$pb/new_slot"
check "pciback bind $dev" sh -c "echo $dev >$pb/bind"
checkpoint bound
check "$dev bound to pciback" is_driver $dev pciback
check "$dev in pciback slots" grep -q "$(short_bdf $dev)" $pb/slots
check "MSI-X disabled on $dev" msix_disabled $dev
check "Xen lists no MSIs of $dev" [ "$(xen_q_msis $dev 0)" -eq 0 ]

check "pciback unbind $dev" sh -c "echo $dev >$pb/unbind"
check "pciback remove_slot $dev" sh -c "echo $dev >$pb/remove_slot"
check "$dev no longer in pciback slots" \
	sh -c "! grep -q '$(short_bdf $dev)' $pb/slots"
check "give $dev back to e1000e" \
	sh -c "echo $dev >/sys/bus/pci/drivers/e1000e/bind"
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
checkpoint returned
check "MSI-X enabled on $dev again" msix_enabled $dev

finish
