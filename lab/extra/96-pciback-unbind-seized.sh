# A device left without an owner: 00:02.0 made assignable (on pciback,
# quarantined by Xen with dom_io), then unbound from pciback through sysfs,
# as a script or an admin might, instead of xl pci-assignable-remove.
# Xen still holds it: dom0 has no driver on it and cannot use it, and
# the toolstack cannot assign it.  ptrace record sees it leave pciback
# while Xen holds it (PT018); ptrace dump sees it from Xen's and Linux's
# views (device-without-owner).  Left so.
. /mnt/lab/lib.sh
# 00:02.0: 90, after this scenario, passes 00:03.0 through
dev=$NIC_A
modprobe e1000e
modprobe xen-pciback
rec_start
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
check "$dev on pciback" is_driver $dev pciback
check "unbind $dev from pciback through sysfs" \
	sh -c "echo $dev >/sys/bus/pci/drivers/pciback/unbind"
check "$dev has no driver in dom0" sh -c "[ ! -e /sys/bus/pci/devices/$dev/driver ]"
# Xen's own view (debug key Q): the device held by dom_io
xen_holds()
{
	xen_keys Q | grep "$1 - " | grep -q IO
}
check "Xen still holds $dev (debug key Q)" xen_holds $dev
check "xl no longer lists $dev as assignable" not_assignable $dev
"$PTRACE" dump --xen --device $dev --json >"$RES/dump.json" 2>"$RES/dump.stderr"
check "ptrace dump flags device-without-owner for $dev" \
	sh -c "grep -q 'device-without-owner' '$RES/dump.json' && grep -q '\"$dev\"' '$RES/dump.json'"
finish
