# Scenario 1: dom0's e1000e driver probes an MSI-X device, then
# "xl pci-assignable-add" hands it to pciback and
# "xl pci-assignable-remove -r" gives it back to e1000e.
. /mnt/lab/lib.sh
dev=$NIC_A
# libbpf relocates against the kernel's BTF cut down to the object's types,
# pciback's included (src/collect/core_btf.c): every relocation must come
# out as against the whole BTF, which libbpf reads itself, every module's
# too, with PTRACE_WHOLE_BTF=1.
if [ -x "$PTRACE" ]; then
	"$PTRACE" probes --verify-all -v >"$RES/core-cut.txt" 2>&1
	PTRACE_WHOLE_BTF=1 "$PTRACE" probes --verify-all -v >"$RES/core-whole.txt" 2>&1
	for v in cut whole; do
		grep -E 'relo #[0-9]+: (patched|substituting)' "$RES/core-$v.txt" |
			sed 's/^\[ *[0-9.]*\] //' | sort >"$RES/core-$v.relo"
	done
	check "CO-RE: libbpf relocates against the cut kernel BTF" \
		grep -q 'kernel BTF cut for CO-RE' "$RES/core-cut.txt"
	check "CO-RE: every relocation as against the whole BTF" \
		sh -c "test -s '$RES/core-whole.relo' && cmp -s '$RES/core-cut.relo' '$RES/core-whole.relo'"
	if [ -d /sys/module/xen_pciback ]; then
		check "CO-RE: pciback's own types resolve from the cut" \
			grep -Eq 'relo #[0-9]+: matching candidate #[0-9]+ .*struct pcistub_device' "$RES/core-cut.txt"
	fi
fi
rec_start
# Without kprobe_multi (Debian's 6.1) the vmlinux rows' kprobes are
# registered while the programs load (src/collect/kprobe_arm.c); the
# checkpoints' tables below prove that what they feed arrives.
if [ -x "$PTRACE" ] &&
	"$PTRACE" probes --json 2>/dev/null | grep -q '"kprobe_multi": false'; then
	check "recorder: kprobes registered during the load" \
		grep -q 'kprobes registered during the load' "$RES/record.stderr"
fi
# With BPF cookies on kprobes no row takes fentry, so the start-up does
# not spend a probe load on it ("ptrace probes" still asks the kernel).
if [ -x "$PTRACE" ] &&
	"$PTRACE" probes --json 2>/dev/null | grep -q '"kprobe_cookie": true'; then
	check "recorder: fentry not probed where kprobes with cookies take every row" \
		grep -q 'fentry not probed (kprobes with cookies' "$RES/record.stderr"
fi

modprobe e1000e
check "e1000e bound to $dev" wait_for 20 is_driver $dev e1000e
nd=$(netdev_of $dev)
t 10 ip link set "$nd" up
sleep 2
checkpoint probed
check "MSI-X enabled on $dev after probe" msix_enabled $dev
check "dom0 has xen-pirq msi-x irqs" [ "$(xen_pirq_count msi-x)" -ge 3 ]
check "$nd handlers in /proc/interrupts" [ "$(proc_irq_lines $nd)" -ge 2 ]
check "Xen lists MSIs of $dev for d0" [ "$(xen_q_msis $dev 0)" -ge 1 ]
before=$(xen_pirq_count msi-x)

check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
checkpoint assignable
check "$dev in xl pci-assignable-list" assignable $dev
check "$dev bound to pciback" is_driver $dev pciback
check "MSI-X disabled on $dev" msix_disabled $dev
check "dom0 msi-x irqs of $dev released" \
	[ "$(xen_pirq_count msi-x)" -lt "$before" ]
check "Xen lists no MSIs of $dev" [ "$(xen_q_msis $dev 0)" -eq 0 ]

check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
checkpoint returned
check "$dev not in xl pci-assignable-list" not_assignable $dev

finish
