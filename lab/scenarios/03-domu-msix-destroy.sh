# Scenario 3: a PV domU gets the e1000e, its driver enables MSI-X (dom0's
# pciback maps the guest's pirqs), then "xl destroy": pciback resets the
# device while the guest's pirqs are still mapped (reset before unbind).
. /mnt/lab/lib.sh
dev=$NIC_A
dn=lab-s3
modprobe e1000e
modprobe xen-pciback
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
msix0=$(xen_pirq_count msi-x)
rec_start

check "xl create $dn with $dev" domu_create $dn 1 $dev
check "guest $dn up with its NIC" wait_for 150 domu_ready $dn
domid=$(domu_domid $dn)
note "$dn is domain ${domid:-?}"
checkpoint guest-msix
check "guest's e1000e uses MSI-X (guest /proc/interrupts)" \
	sh -c "cat /var/log/xen/console/guest-$dn.log | grep -q 'msi-x'"
check "xl pci-list $dn shows $dev" \
	sh -c "xl pci-list $dn | grep -q '$(short_bdf $dev)'"
check "MSI-X enabled on $dev (hardware)" msix_enabled $dev
check "dom0 mapped the guest's msi-x pirqs" \
	[ "$(xen_pirq_count msi-x)" -gt "$msix0" ]
check "Xen lists MSIs of $dev for d$domid" \
	[ "$(xen_q_msis $dev "$domid")" -ge 1 ]

# ptrace dump --trace across the destroy: its capture must prove the
# reset before unbind, and its snapshot show the state after it; with
# Xen's mask view, the guest's vectors as Xen keeps them.
DT_PID=
if "$PTRACE" dump --help 2>/dev/null | grep -q -- --trace-log; then
	"$PTRACE" dump --json --trace 10 --sample-xen 1s --trace-log "$RES/dump-trace.jsonl" \
		-o "$RES/dump-trace.json" 2>"$RES/dump-trace.stderr" &
	DT_PID=$!
	check "ptrace dump --trace is recording" \
		wait_for 30 grep -q "recording to" "$RES/dump-trace.stderr"
fi
check "xl destroy $dn" t 180 xl destroy $dn
if [ -n "$DT_PID" ]; then
	wait "$DT_PID"
	echo $? >"$RES/dump-trace.exit"
fi
sleep 2
checkpoint destroyed
check "$dn gone" sh -c "! xl domid $dn"
check "MSI-X disabled on $dev after destroy" msix_disabled $dev
check "guest's msi-x pirqs unmapped in dom0" \
	[ "$(xen_pirq_count msi-x)" -le "$msix0" ]
check "Xen lists no MSIs of $dev" [ "$(xen_q_msis $dev "$domid")" -eq 0 ]
check "$dev still assignable" assignable $dev
rec_stop
domu_log $dn >"$RES/guest-console.log"

check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
finish
