# An HVM guest's device model gone wrong (tests/lab/trixie/run pv-hvm):
# while the guest of 90-hvm-domu runs with MSI-X, lab/bad-bind issues
# XEN_DOMCTL_bind_pt_irq of an MSI through privcmd, as QEMU's xen_pt does,
# for two pirqs Xen must refuse: the guest's GSI pirq, bound already as
# INTx (EBUSY), and pirq 200, beyond the domain's pirqs (EPERM: no irq
# behind it; Xen counts an HVM guest's pirqs down from its last, 55
# here).  A pirq in range might be one the guest mapped for itself: not
# touched.  Xen checks neither the vector nor the destination nor the
# delivery mode.  The guest's own MSI-X must be unharmed.
. /mnt/lab/lib.sh
REC_ON_SHARE=1
dev=$NIC_B
dn=lab-hvm
con=/var/log/xen/console/guest-$dn.log
modprobe e1000e
modprobe xen-pciback
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
rec_start
hvm_up $dn $dev "loglevel=6 lab.nics=1"
check "guest's e1000e uses MSI-X (guest /proc/interrupts)" \
	grep -q 'MSI-X\|msi-x\|MSIX' $con
# the GSI's pirq for the guest: debug key i's "d1: P" on the IO-APIC line
gsi_pirq=$(xen_keys i | grep 'IO-APIC' | sed -n "s/.* d$domid: *\([0-9]*\).*/\1/p" | head -n 1)
note "GSI pirq of d$domid: ${gsi_pirq:-?}"
"$L/bin/bad-bind" "$domid" "${gsi_pirq:-16}" >"$RES/bad-bind.txt" 2>&1
"$L/bin/bad-bind" "$domid" 200 >>"$RES/bad-bind.txt" 2>&1
cat "$RES/bad-bind.txt"
check "MSI bind of the GSI pirq refused: EBUSY" grep -q "pirq ${gsi_pirq:-16}: rc -16" "$RES/bad-bind.txt"
check "MSI bind of a pirq with no irq refused: EPERM" grep -q 'pirq 200: rc -1 ' "$RES/bad-bind.txt"
check "Xen still lists MSIs of $dev for d$domid" \
	[ "$(xen_q_msis $dev "$domid")" -ge 1 ]
check "xl destroy $dn" t 180 xl destroy $dn
sleep 2
cp $con "$RES/guest-console.log" 2>/dev/null
check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
finish
