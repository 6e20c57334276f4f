#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Build a fake Xen dom0 host tree for `ptrace dump` under $1, used with
# PTRACE_DUMP_SYSROOT=$1.  It holds three devices:
#
#   0000:03:00.0  82599-like NIC held by pciback: MSI-X ENABLE+MASKALL,
#                 64 entries in BAR4 (entry 0 unmasked, data 0x4041),
#                 no vector mapped: maskall-left-set, msix-maskall-no-map
#   0000:05:00.0  dom0 NIC (e1000e) with MSI on and one pirq-backed irq
#                 (120, chip xen-pirq-msi); Xen lists two MSI irqs for it
#   0000:06:00.0  held by pciback for a PV guest (d7 in Xen's view): MSI-X
#                 with one vector dom0 mapped for it (irq 121, xen-pirq-msi-x)
#                 in entry 0 of 4; entries 1-3 unused, masked
#   0000:00:1f.0  INTx only, with a driver: not of interest (hidden
#                 without --all)
set -euo pipefail

root=${1:?usage: mkfake.sh DIR}
pci=$root/sys/bus/pci
rm -rf "$root"
mkdir -p "$pci/devices" "$pci/drivers/pciback" "$pci/drivers/e1000e" \
	 "$pci/drivers/lpc_ich" \
	 "$root/sys/hypervisor" "$root/proc/xen" "$root/sys/kernel/irq"

echo xen > "$root/sys/hypervisor/type"
echo PV > "$root/sys/hypervisor/guest_type"
echo control_d > "$root/proc/xen/capabilities"
echo 0000:03:00.0 > "$pci/drivers/pciback/slots"

# put FILE OFFSET BYTE...: patch bytes (hex) into FILE at OFFSET (hex)
put() {
	local f=$1 off=$2 b s=""
	shift 2
	for b in "$@"; do s+="\\x$b"; done
	printf "$s" | dd of="$f" bs=1 seek=$((16#$off)) conv=notrunc status=none
}

# newdev BDF VENDOR DEVICE CLASS IRQ DRIVER
newdev() {
	local d=$pci/devices/$1
	mkdir -p "$d"
	head -c 256 /dev/zero > "$d/config"
	echo "0x$2" > "$d/vendor"
	echo "0x$3" > "$d/device"
	echo "0x$4" > "$d/class"
	echo "$5" > "$d/irq"
	[ -n "$6" ] && ln -s "../../drivers/$6" "$d/driver"
	for _ in 0 1 2 3 4 5 6; do
		echo "0x0000000000000000 0x0000000000000000 0x0000000000000000"
	done > "$d/resource"
	put "$d/config" 0 "${2:2:2}" "${2:0:2}" "${3:2:2}" "${3:0:2}"
	put "$d/config" 9 "${4:4:2}" "${4:2:2}" "${4:0:2}"
}

# --- 0000:03:00.0: pciback, MSI-X ENABLE+MASKALL, nothing mapped
d=$pci/devices/0000:03:00.0
newdev 0000:03:00.0 8086 10fb 020000 16 pciback
put "$d/config" 04 06 04 10 00			# Mem+ BusMaster+ DisINTx+, Cap+
put "$d/config" 20 0c 00 40 f0 00 00 00 00	# BAR4 64-bit mem 0xf0400000
put "$d/config" 34 70
put "$d/config" 3c 0b 01			# INTA
put "$d/config" 70 11 00 3f c0 04 00 00 00 04 20 00 00	# MSI-X 64, BIR4
{
	for i in 0 1 2 3; do
		echo "0x0000000000000000 0x0000000000000000 0x0000000000000000"
	done
	echo "0x00000000f0400000 0x00000000f0403fff 0x0000000000140204"
	echo "0x0000000000000000 0x0000000000000000 0x0000000000000000"
	echo "0x0000000000000000 0x0000000000000000 0x0000000000000000"
} > "$d/resource"
head -c $((0x2008)) /dev/zero > "$d/resource4"
for i in $(seq 0 63); do		# every vector masked ...
	put "$d/resource4" $(printf %x $((i * 16))) 00 00 e0 fe
	put "$d/resource4" $(printf %x $((i * 16 + 12))) 01
done
put "$d/resource4" 8 41 40 00 00		# ... but entry 0
put "$d/resource4" c 00
put "$d/resource4" 2000 02			# entry 1 pending

# --- 0000:05:00.0: dom0's own, MSI with one pirq-backed irq
d=$pci/devices/0000:05:00.0
newdev 0000:05:00.0 8086 10d3 020000 17 e1000e
put "$d/config" 04 06 04 10 00
put "$d/config" 34 50
put "$d/config" 3d 01
put "$d/config" 50 05 00 81 00 00 00 e0 fe 00 00 00 00 49 00
mkdir -p "$d/msi_irqs"
echo msi > "$d/msi_irqs/120"
q=$root/sys/kernel/irq/120
mkdir -p "$q"
echo xen-pirq-msi > "$q/chip_name"
echo 0 > "$q/hwirq"
echo eth0 > "$q/actions"
echo 5,6 > "$q/per_cpu_count"

# --- 0000:06:00.0: pciback, one MSI-X vector mapped for a PV guest
d=$pci/devices/0000:06:00.0
newdev 0000:06:00.0 8086 10d3 020000 0 pciback
put "$d/config" 04 06 04 10 00
put "$d/config" 10 0c 00 00 f1 00 00 00 00	# BAR0 64-bit mem 0xf1000000
put "$d/config" 34 a0
put "$d/config" a0 11 00 03 80 00 30 00 00 00 38 00 00	# MSI-X 4, BAR0+0x3000
sed -i '1s/.*/0x00000000f1000000 0x00000000f1003fff 0x0000000000140204/' "$d/resource"
head -c $((0x3808)) /dev/zero > "$d/resource0"
put "$d/resource0" 3000 00 00 e0 fe 00 00 00 00 51 00 00 00 00 00 00 00
# entries 1-3 unused: masked and never programmed, as after a reset
put "$d/resource0" 301c 01
put "$d/resource0" 302c 01
put "$d/resource0" 303c 01
mkdir -p "$d/msi_irqs"
echo msix > "$d/msi_irqs/121"
q=$root/sys/kernel/irq/121
mkdir -p "$q"
echo xen-pirq-msi-x > "$q/chip_name"
echo 0 > "$q/hwirq"
: > "$q/actions"
echo 0,0 > "$q/per_cpu_count"

# --- 0000:00:1f.0: nothing to see
newdev 0000:00:1f.0 8086 2918 060100 19 lpc_ich
put "$pci/devices/0000:00:1f.0/config" 3d 01

# Reset methods: the kernel shows "reset" only for a device that has one;
# 06:00.0 has none (a PT012 no-reset-method finding).
for b in 0000:03:00.0 0000:05:00.0 0000:00:1f.0; do
	: > "$pci/devices/$b/reset"
	echo flr > "$pci/devices/$b/reset_method"
done
# pciback's relaxations: the module parameter off, 06:00.0 permissive
mkdir -p "$root/sys/module/xen_pciback/parameters"
echo N > "$root/sys/module/xen_pciback/parameters/permissive"
echo 0000:06:00.0 > "$pci/drivers/pciback/permissive"
