# Scenario 10: a PV domU with the e1000e brings its NIC down and up again
# while ptrace records with the MSI-X table sampler on (its default) and
# Xen's mask view (--sample-xen): the device's own per-vector mask bits
# change under Xen's hand, and every checkpoint's MSI-X table
# (lab/msix-table.c) must equal the device view ptrace rebuilds, and
# Xen's own masks (xl debug-keys M) its xen view (tests/lab/check-tables).
. /mnt/lab/lib.sh
dev=$NIC_A
dn=lab-s10
modprobe e1000e
modprobe xen-pciback
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
REC_ARGS="--sample-xen 1s"
rec_start
check "ptrace record samples the MSI-X table of $dev" \
	wait_for 20 grep -q "MSI-X table of $dev sampled" "$RES/record.stderr"
check "ptrace record reads Xen's mask view" \
	grep -q "Xen's mask view: debug keys i, M, Q every 1000 ms" "$RES/record.stderr"
checkpoint assignable
# the sampler's cost on the real device behind Xen: figures, not a check
# (build/msix-sampler-bench, docs/performance.md)
if [ -x "$L/bin/msix-sampler-bench" ]; then
	t 120 "$L/bin/msix-sampler-bench" --passes 300 \
		>"$RES/msix-sampler-bench.txt" 2>&1 ||
		note "msix-sampler-bench: exit $?"
fi

DOMU_EXTRA=lab.bounce=1
check "xl create $dn with $dev" domu_create $dn 1 $dev
DOMU_EXTRA=
check "guest $dn up with its NIC" wait_for 150 domu_ready $dn
domid=$(domu_domid $dn)
note "$dn is domain ${domid:-?}"
check "MSI-X enabled on $dev (hardware)" msix_enabled $dev
checkpoint guest-msix
# the Xen mask sampler's cost, Xen printing its tables included:
# figures, not a check (build/xen-sampler-bench, docs/performance.md)
if [ -x "$L/bin/xen-sampler-bench" ]; then
	t 120 "$L/bin/xen-sampler-bench" --passes 20 \
		>"$RES/xen-sampler-bench.txt" 2>&1 ||
		note "xen-sampler-bench: exit $?"
fi

check "guest waits to bounce its NIC" \
	wait_for 30 sh -c "cat /var/log/xen/console/guest-$dn.log | grep -q 'bounce waiting'"
check "told the guest: NIC down" domu_say $dn
check "guest brought its NIC down" \
	wait_for 120 sh -c "cat /var/log/xen/console/guest-$dn.log | grep -q 'bounce down'"
sleep 2
checkpoint nic-down
check "told the guest: NIC up" domu_say $dn
check "guest brought its NIC up" \
	wait_for 120 sh -c "cat /var/log/xen/console/guest-$dn.log | grep -q 'bounce up'"
sleep 2
checkpoint nic-up
check "MSI-X enabled on $dev after the bounce" msix_enabled $dev

check "xl destroy $dn" t 180 xl destroy $dn
sleep 2
checkpoint destroyed
rec_stop
domu_log $dn >"$RES/guest-console.log"

check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
finish
