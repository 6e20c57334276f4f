# Scenario 5: two MSI-X devices assigned to one PV guest.
. /mnt/lab/lib.sh
dn=lab-s5
modprobe e1000e
modprobe xen-pciback
for dev in $NIC_A $NIC_B; do
	check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
done
msix0=$(xen_pirq_count msi-x)
rec_start

check "xl create $dn with $NIC_A and $NIC_B" domu_create $dn 2 $NIC_A $NIC_B
check "guest $dn up with two NICs" wait_for 150 domu_ready $dn
check "guest sees two NICs" \
	wait_for 30 grep -q 'ready nics=2' /var/log/xen/console/guest-$dn.log
domid=$(domu_domid $dn)
note "$dn is domain ${domid:-?}"
checkpoint guest-msix
for dev in $NIC_A $NIC_B; do
	check "MSI-X enabled on $dev" msix_enabled $dev
	check "Xen lists MSIs of $dev for d$domid" \
		[ "$(xen_q_msis $dev "$domid")" -ge 1 ]
done
check "dom0 mapped msi-x pirqs for both" \
	[ "$(xen_pirq_count msi-x)" -ge $((msix0 + 2)) ]

check "xl destroy $dn" t 180 xl destroy $dn
sleep 2
checkpoint destroyed
for dev in $NIC_A $NIC_B; do
	check "MSI-X disabled on $dev" msix_disabled $dev
	check "Xen lists no MSIs of $dev" [ "$(xen_q_msis $dev "$domid")" -eq 0 ]
done
rec_stop
domu_log $dn >"$RES/guest-console.log"
for dev in $NIC_A $NIC_B; do
	check "xl pci-assignable-remove -r $dev" \
		t 60 xl pci-assignable-remove -r $dev
	check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
done
finish
