# Scenario 8: a device handed over with MSI-X MASKALL still set, as a
# driver or guest that masked all vectors and was never followed by a
# working reset leaves it (seed 003).  Xen checks the bit when it assigns
# the device (pci_reset_msix_state) and refuses with -EBUSY: xl create
# fails.  ptrace must name the refusal and the MASKALL that explains it,
# read from the device by the MSI-X sampler.  Scenario 7 is its twin.
. /mnt/lab/lib.sh
dev=$NIC_B
dn=lab-s8
modprobe e1000e
modprobe xen-pciback
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
REC_ARGS="-d $dev --sample-msix 200"
rec_start
check "set MSI-X MASKALL on $dev (setpci)" \
	setpci -s "$dev" CAP_MSIX+2.w=4000:4000
check "MSI-X MASKALL set on $dev" msix_maskall $dev
sleep 1		# two sampler periods: the sampler sees the control word
DOMU_CREATE_OPTS=-p
check "xl create -p $dn with $dev is refused" not domu_create $dn 1 $dev
xl destroy $dn >/dev/null 2>&1
checkpoint refused
check "libxl says xc_assign_device failed: Device or resource busy" \
	grep -q 'xc_assign_device failed: Device or resource busy' "$RES/log"
check "clear MSI-X MASKALL on $dev (setpci)" \
	setpci -s "$dev" CAP_MSIX+2.w=0000:4000
check "MSI-X MASKALL clear on $dev" not msix_maskall $dev
rec_stop
check "the trace holds assign_device of $dev failing with -EBUSY" \
	sh -c "grep '\"cmd\":\"assign_device\"' '$RES/trace.jsonl' | grep -q '\"ret\":-16'"
check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
finish
