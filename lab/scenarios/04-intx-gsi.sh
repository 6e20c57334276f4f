# Scenario 4: a device with INTx only.  QEMU's e1000 (82540EM) has no MSI
# or MSI-X capability, so dom0 and the guest both use its GSI through a
# Xen pirq (xen-pirq-ioapic-level).
. /mnt/lab/lib.sh
dev=$NIC_C
dn=lab-s4
rec_start

modprobe e1000
modprobe xen-pciback
check "e1000 bound to $dev" wait_for 20 is_driver $dev e1000
check "$dev has no MSI or MSI-X capability" \
	sh -c "! lspci -vv -s $dev | grep -q 'MSI'"
nd=$(netdev_of $dev)
t 10 ip link set "$nd" up
sleep 2
checkpoint dom0-intx
check "$nd on a xen-pirq ioapic irq in /proc/interrupts" \
	sh -c "grep '$nd' /proc/interrupts | grep -q 'xen-pirq.*ioapic'"
gsi=$(cat /sys/bus/pci/devices/$dev/irq)
note "$dev irq (sysfs) $gsi"

check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
check "$dev bound to pciback" is_driver $dev pciback
check "xl create $dn with $dev" domu_create $dn 1 $dev
check "guest $dn up with its NIC" wait_for 150 domu_ready $dn
domid=$(domu_domid $dn)
note "$dn is domain ${domid:-?}"
checkpoint guest-intx
# In a PV guest an INTx pirq shows as "xen-pirq -pcifront  eth0".
check "guest's e1000 uses a GSI pirq, no MSI (guest /proc/interrupts)" \
	sh -c "grep 'xen-pirq.*eth0' /var/log/xen/console/guest-$dn.log | grep -qv msi"
check "Xen binds GSI $gsi to d$domid (debug-keys i)" \
	xen_gsi_bound "$gsi" "$domid"

check "xl destroy $dn" t 180 xl destroy $dn
sleep 2
checkpoint destroyed
check "$dn gone" sh -c "! xl domid $dn"
check "Xen no longer binds GSI $gsi to d$domid" \
	not xen_gsi_bound "$gsi" "$domid"
rec_stop
domu_log $dn >"$RES/guest-console.log"
check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
check "e1000 bound to $dev again" wait_for 20 is_driver $dev e1000
finish
