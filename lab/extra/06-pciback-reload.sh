# Scenario 6: xen_pciback unloaded and loaded again while ptrace records.
# The recorder must not hold the module (kprobes, not fentry, on module
# functions), must notice the unload, re-attach the pciback probes once
# the module is back and write the gap into the trace as a blind window.
# A PV guest with the e1000e before the reload and another one after.
. /mnt/lab/lib.sh
dev=$NIC_A
dn=lab-s6
dn2=lab-s6b

# lines of kind TYPE in the trace written after the first blind record
# of xen_pciback, stamped after that record's end
after_blind()
{
	awk -v want="\"type\":\"$1\"" '
		function ts(l) { return substr(l, index(l, "\"ts\":") + 5) + 0 }
		/"type":"blind"/ && /"kind":"xen_pciback"/ && !t { t = ts($0); next }
		t && index($0, want) && ts($0) > t { n++ }
		END { print n + 0 }' "$RES/trace.jsonl"
}

modprobe e1000e
modprobe xen-pciback
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
rec_start_watching xen_pciback

check "xl create $dn with $dev" domu_create $dn 1 $dev
check "guest $dn up with its NIC" wait_for 150 domu_ready $dn
checkpoint guest-up
check "xl destroy $dn" t 180 xl destroy $dn
sleep 2
check "$dn gone" sh -c "! xl domid $dn"
check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e

# The reload, while recording.
check "rmmod xen_pciback succeeds while ptrace records" t 60 rmmod xen_pciback
check "xen_pciback gone" [ "$(modrefs xen_pciback)" = - ]
check "record says the pciback probes are dead" \
	wait_for 10 grep -q "xen_pciback unloaded: .* probes\? dead" "$RES/record.stderr"
# a device touched while pciback's probes are dead: its findings are
# incomplete (the reset itself is seen: vmlinux probes stay attached)
check "reset $dev through sysfs while pciback is gone" \
	sh -c "echo 1 >/sys/bus/pci/devices/$dev/reset"
sleep 1
check "modprobe xen-pciback" t 60 modprobe xen-pciback
check "record re-attached the pciback probes" \
	wait_for 20 grep -q "xen_pciback loaded again: .* re-attached" "$RES/record.stderr"

check "xl pci-assignable-add $dev after the reload" t 60 xl pci-assignable-add $dev
check "$dev bound to pciback" is_driver $dev pciback
check "xl create $dn2 with $dev after the reload" domu_create $dn2 1 $dev
check "guest $dn2 up with its NIC" wait_for 150 domu_ready $dn2
check "xl destroy $dn2" t 180 xl destroy $dn2
sleep 2
check "$dn2 gone" sh -c "! xl domid $dn2"
check "xl pci-assignable-remove -r $dev after the reload" \
	t 60 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again after the reload" wait_for 20 is_driver $dev e1000e
rec_stop
cp "$RES/record.stderr" "$RES/record-stderr.txt" 2>/dev/null

check "record exited 0" [ "$(cat "$RES/record.exit" 2>/dev/null)" = 0 ]
check "the trace holds the blind window of xen_pciback" \
	sh -c "grep '\"type\":\"blind\"' '$RES/trace.jsonl' | grep -q '\"kind\":\"xen_pciback\"'"
n=$(after_blind pciback)
note "pciback events after the blind window: $n"
check "the trace holds pciback events after the reload" [ "$n" -gt 0 ]
check "no probe dead at the end (one blind record only)" \
	[ "$(grep -c '"type":"blind"' "$RES/trace.jsonl")" = 1 ]
finish
