# A device model gone wrong (tests/lab/trixie/run pv-hvm): an HVM guest
# with 00:03.0, created paused (every passthrough step of xl and the
# device model, no guest code: the GSI's pirq mapped and bound as INTx),
# then lab/bad-bind issues XEN_DOMCTL_bind_pt_irq of an MSI through
# privcmd, as QEMU's xen_pt does, for two pirqs Xen must refuse: the
# guest's GSI pirq, bound already as INTx (EBUSY), and pirq 200, with no
# irq behind it (EPERM; Xen counts an HVM guest's pirqs down from its
# last, 55 in this lab).  A pirq in range might be one the guest maps for
# itself: not touched.  Xen checks neither the vector nor the destination
# nor the delivery mode.  Paused, because a booting HVM guest may hang
# this dom0 under TCG (docs/lab.md): 90 boots one already.
. /mnt/lab/lib.sh
dev=$NIC_B
dn=lab-hvm
modprobe e1000e
modprobe xen-pciback
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
rec_start
hvm_cfg $dn $dev "loglevel=6 lab.nics=1"
check "xl create -p $dn (HVM, paused) with $dev" t 180 xl create -p /tmp/$dn.cfg
domid=$(domu_domid $dn)
note "$dn is domain ${domid:-?}"
# the GSI's pirq for the guest: debug key i's "dN: P" on the IO-APIC line
gsi_pirq()
{
	xen_keys i | grep 'IO-APIC' | sed -n "s/.* d$domid: *\([0-9]*\).*/\1/p" | head -n 1
}
pirq=$(gsi_pirq)
check "Xen binds the device's GSI to d$domid (debug key i)" [ -n "$pirq" ]
note "GSI pirq of d$domid: ${pirq:-?}"
"$L/bin/bad-bind" "$domid" "${pirq:-16}" >"$RES/bad-bind.txt" 2>&1
"$L/bin/bad-bind" "$domid" 200 >>"$RES/bad-bind.txt" 2>&1
cat "$RES/bad-bind.txt"
check "MSI bind of the GSI pirq refused: EBUSY" grep -q "pirq ${pirq:-16}: rc -16" "$RES/bad-bind.txt"
check "MSI bind of a pirq with no irq refused: EPERM" grep -q 'pirq 200: rc -1 ' "$RES/bad-bind.txt"
check "the GSI still bound to d$domid" [ "$(gsi_pirq)" = "$pirq" ]
check "xl destroy $dn" t 180 xl destroy $dn
check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
finish
