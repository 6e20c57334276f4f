# Stress: the e1000e handover of scenarios 3 and 6, over and over.  Each
# cycle brings dom0's link up, hands 00:02.0 to a PV guest, waits for the
# guest's NIC, destroys the guest and gives the device back to e1000e.
# A canary loop in dom0 runs small pipelines meanwhile and logs every one
# that dies or prints a wrong number (docs/lab.md, "dom0 process
# crashes").  Cycles: /mnt/lab/stress-cycles (default 6); the recorder
# runs when the share holds bin/ptrace.
. /mnt/lab/lib.sh
dev=$NIC_A
cycles=$(cat /mnt/lab/stress-cycles 2>/dev/null || echo 6)
modprobe e1000e
modprobe xen-pciback
wait_for 20 is_driver $dev e1000e
note "reset_method of $dev: $(cat /sys/bus/pci/devices/$dev/reset_method 2>&1)"

canary()
{
	while [ ! -e /tmp/stress-stop ]; do
		out=$(seq 1 3000 | wc -l)
		rc=$?
		[ "$out" = 3000 ] && [ $rc = 0 ] ||
			log "canary: '$out' exit $rc" >>"$RES/canary.txt"
		sleep 1
	done
}
rm -f /tmp/stress-stop
canary &
CANARY=$!
rec_start

i=0
while [ $i -lt "$cycles" ]; do
	i=$((i + 1))
	dn=lab-st$i
	nd=$(netdev_of $dev)
	[ -n "$nd" ] && t 10 ip link set "$nd" up
	sleep 3
	check "cycle $i: xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
	check "cycle $i: xl create $dn" domu_create $dn 1 $dev
	check "cycle $i: guest $dn up with its NIC" wait_for 150 domu_ready $dn
	check "cycle $i: guest's e1000e uses MSI-X" \
		sh -c "grep -q 'msi-x' /var/log/xen/console/guest-$dn.log"
	domu_log $dn >"$RES/guest-$dn.log"
	check "cycle $i: xl destroy $dn" t 180 xl destroy $dn
	sleep 2
	check "cycle $i: xl pci-assignable-remove -r $dev" \
		t 60 xl pci-assignable-remove -r $dev
	check "cycle $i: e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
	# the kernel's "segfault at" lines are KERN_INFO: not on the console
	dmesg | grep -E 'segfault|traps:|general protection' \
		>"$RES/dmesg-cycle$i.txt"
	log "cycle $i done"
done

touch /tmp/stress-stop
check "canary loop ended" wait_for 30 not kill -0 $CANARY
kill $CANARY 2>/dev/null
check "canary pipelines all ok" [ ! -s "$RES/canary.txt" ]
dmesg | grep -E 'segfault|traps:|general protection|BUG|Oops|DMAR|DMA' \
	>"$RES/dmesg-grep.txt"
xl dmesg | grep -iE 'vt-d|dmar|iommu|fault|quarantin' >"$RES/xl-dmesg-grep.txt"
check "no dom0 segfault / trap in dmesg" \
	sh -c "! grep -qE 'segfault|traps:|general protection' '$RES/dmesg-grep.txt'"
finish
