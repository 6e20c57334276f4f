# Scenario 85: the clean twin of 86-domu-bus-reset: a PV domU runs the
# e1000e behind the PCIe root port with MSI-X and is destroyed, with no
# reset in between.  PT019 msix-state-diverged stays silent.
. /mnt/lab/lib.sh
bus_reset_scenario 0
