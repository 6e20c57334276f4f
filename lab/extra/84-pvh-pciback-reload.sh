# Trixie lab (LAB_VARIANT=trixie LAB_DOM0=pvh; tests/lab/trixie): scenario
# 06's reload of xen_pciback on a PVH dom0, with HVM guests created
# paused (82) before and after it, so that no guest kernel runs (a
# booting guest may take dom0 down under TCG, docs/lab.md).  The
# recorder must not hold the module, must say when its pciback probes
# die and come back, and must write the gap into the trace as a blind
# window; pciback's events after the reload must be in the trace.  A
# live ptrace top beside it must name the dead probes while the module
# is gone, then count the blind window.
. /mnt/lab/lib.sh
# Not 00:02.0: QEMU's xen_pt takes a host device at 00:02.0 for Intel
# graphics and refuses it.
dev=$NIC_B
dn=lab-rl1
dn2=lab-rl2

# pass_through NAME: assignable, an HVM guest created paused with $dev,
# destroyed, and $dev back to e1000e; WHEN says which pass in the checks.
pass_through()
{
	check "xl pci-assignable-add $dev$WHEN" t 90 xl pci-assignable-add $dev
	check "$dev bound to pciback$WHEN" is_driver $dev pciback
	check "xl create -p $1 (HVM, paused) with $dev$WHEN" \
		hvm_create_paused "$1" $dev
	check "xl pci-list $1 shows $dev" \
		sh -c "xl pci-list $1 | grep -q '$(short_bdf $dev)'"
	check "xl destroy $1" t 180 xl destroy "$1"
	sleep 2
	check "$1 gone" sh -c "! xl domid $1"
	check "xl pci-assignable-remove -r $dev$WHEN" \
		t 90 xl pci-assignable-remove -r $dev
	check "e1000e bound to $dev again$WHEN" wait_for 20 is_driver $dev e1000e
}

modprobe e1000e
modprobe xen-pciback
rec_start_watching xen_pciback

# ptrace top, live, one text frame a second; its status line (a frame's
# last) says "lost N", then the dead probes and the blind windows
"$PTRACE" top --batch --interval 1000 >"$RES/top-frames.txt" 2>"$RES/top.stderr" &
TOP_PID=$!
top_status()
{
	grep '^ lost ' "$RES/top-frames.txt" | tail -n 1
}
top_says()	# top_says REGEX: the newest status line matches
{
	top_status | grep -q "$1"
}
check "ptrace top runs live" wait_for 120 top_says .

WHEN=
pass_through $dn

# The reload, while recording.
check "rmmod xen_pciback succeeds while ptrace records" t 60 rmmod xen_pciback
check "xen_pciback gone" [ "$(modrefs xen_pciback)" = - ]
check "record says the pciback probes are dead" \
	wait_for 30 grep -q "xen_pciback unloaded: .* probes\? dead" "$RES/record.stderr"
check "top says which probes are dead" \
	wait_for 30 top_says "xen_pciback: [0-9]* probes\? dead"
# a device touched while pciback's probes are dead: its findings are
# incomplete (the reset itself is seen: vmlinux probes stay attached)
check "reset $dev through sysfs while pciback is gone" \
	sh -c "echo 1 >/sys/bus/pci/devices/$dev/reset"
sleep 1
check "modprobe xen-pciback" t 60 modprobe xen-pciback
# re-attaching takes seconds in a PVH dom0 under TCG
check "record re-attached the pciback probes" \
	wait_for 120 grep -q "xen_pciback loaded again: .* re-attached" "$RES/record.stderr"
check "top counts the blind window, no probe dead" \
	wait_for 30 sh -c "grep '^ lost ' '$RES/top-frames.txt' | tail -n 1 |
		grep 'blind windows 1' | grep -qv 'probes\? dead'"
note "top: $(top_status)"

WHEN=" after the reload"
pass_through $dn2
kill -INT $TOP_PID
wait $TOP_PID
check "ptrace top exited 0" [ $? = 0 ]
rec_stop
cp "$RES/record.stderr" "$RES/record-stderr.txt" 2>/dev/null

check "record exited 0" [ "$(cat "$RES/record.exit" 2>/dev/null)" = 0 ]
check "the trace holds one blind window, of xen_pciback" \
	[ "$(grep '"type":"blind"' "$RES/trace.jsonl" | grep -c '"kind":"xen_pciback"')" = 1 ]
finish
