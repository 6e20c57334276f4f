# Xen 4.17 with Linux 6.12 as a PVH dom0 (LAB_VARIANT=bpo612 LAB_DOM0=pvh),
# a combination the seeds warn about: 6.12's pciback tells Xen of every
# reset (PHYSDEVOP_pci_device_reset) and registers GSIs
# (PHYSDEVOP_setup_gsi), which Xen 4.17 does not handle for a PVH dom0,
# and dom0 dies at "xl pci-assignable-add" (docs/lab.md).  The recorder
# writes onto the share, so the trace survives the crash: what pciback's
# init asked of Xen, and what Xen answered, up to the end.
#   LAB_VARIANT=bpo612 LAB_DOM0=pvh lab/run-scenarios 83-pvh417-assignable
. /mnt/lab/lib.sh
REC_ON_SHARE=1
dev=$NIC_B
rec_start
modprobe e1000e
check "e1000e bound to $dev" wait_for 20 is_driver $dev e1000e
modprobe xen-pciback
# the recorder flushes once a second: let it before the step that may kill dom0
sleep 2
check "xl pci-assignable-add $dev" t 90 xl pci-assignable-add $dev
sleep 3
check "$dev on pciback" is_driver $dev pciback
finish
