# Scenario 7 (the clean twin of 8): the e1000e made assignable, a PV domU
# created paused with it and destroyed.  pciback's reset left MSI-X
# MASKALL clear, so Xen assigns the device: assign-refused stays silent.
. /mnt/lab/lib.sh
dev=$NIC_B
dn=lab-s7
modprobe e1000e
modprobe xen-pciback
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
REC_ARGS="-d $dev --sample-msix 200"
rec_start
check "MSI-X MASKALL clear on $dev" not msix_maskall $dev
DOMU_CREATE_OPTS=-p
check "xl create -p $dn with $dev" domu_create $dn 1 $dev
check "xl pci-list $dn shows $dev" \
	sh -c "xl pci-list $dn | grep -q '$(short_bdf $dev)'"
checkpoint assigned
check "xl destroy $dn" t 120 xl destroy $dn
sleep 2
check "$dev still assignable" assignable $dev
rec_stop
check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
finish
