# Scenario 86: a reset Xen is not told of.  A PV domU runs the e1000e
# that sits alone behind a PCIe root port (LAB_ROOT_PORT=1), with MSI-X;
# dom0 then pulses the port's Secondary Bus Reset with setpci, as a
# tool that resets a slot by hand does, and writes the BARs and the
# command register back (not MSI-X).  The device comes out of the reset
# with MSI-X disabled and every entry masked, while Xen keeps the
# guest's vectors bound and unmasked: the guest's interrupts are lost.
# ptrace must say so (PT019 msix-state-diverged); 85-domu-port-clean is
# the same without the reset.
. /mnt/lab/lib.sh
bus_reset_scenario 1
