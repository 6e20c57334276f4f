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

# The same hand-over once more, recorded a second time through
# fentry/fexit where the plan allows it (the module rows, pinned for
# the while with --pin-modules; vmlinux rows stay on their own kprobes),
# every row on its own programs (PTRACE_PER_HOOK=1): programs the
# default recorder never runs.  tests/lab/check-traces compares the two
# recorders' events of this window.
handover()
{
	check "$1: unbind $dev from e1000e" \
		sh -c "echo $dev >/sys/bus/pci/drivers/e1000e/unbind"
	check "$1: pciback new_slot, bind $dev" \
		sh -c "echo $dev >$pb/new_slot && echo $dev >$pb/bind"
	check "$1: $dev bound to pciback" is_driver $dev pciback
	check "$1: pciback unbind, remove_slot $dev" \
		sh -c "echo $dev >$pb/unbind && echo $dev >$pb/remove_slot"
	check "$1: give $dev back to e1000e" \
		sh -c "echo $dev >/sys/bus/pci/drivers/e1000e/bind"
	check "$1: e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
}
if [ -x "$PTRACE" ]; then
	PTRACE_PER_HOOK=1 "$PTRACE" record --pin-modules -o "$RES/fentry.jsonl" \
		>"$RES/fentry.stdout" 2>"$RES/fentry.stderr" &
	fp=$!
	check "fentry recorder attached" \
		wait_for 120 grep -q 'recording to' "$RES/fentry.stderr"
	check "fentry recorder: pciback rows on fentry" \
		grep -q 'pciback_probe  *attached fentry pcistub_probe' "$RES/fentry.stderr"
	check "fentry recorder says it pins xen_pciback" \
		grep -q 'pin-modules: fentry holds.*xen_pciback' "$RES/fentry.stderr"
	sleep 2
	handover fentry
	sleep 2
	kill -INT $fp
	wait $fp
	check "fentry recorder exit 0" [ $? = 0 ]
fi

finish
