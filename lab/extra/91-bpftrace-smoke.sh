# Extra scenario (LAB_VARIANT=bpftrace): bpftrace in dom0 sees the MSI-X
# teardown of "xl pci-assignable-add", for side-by-side comparisons with
# ptrace.  Run with
#   LAB_VARIANT=bpftrace lab/run-scenarios 91-bpftrace-smoke
. /mnt/lab/lib.sh
dev=$NIC_A
check "bpftrace installed" sh -c "bpftrace --version >'$RES/bpftrace-version.txt'"
modprobe e1000e
check "e1000e bound to $dev" wait_for 20 is_driver $dev e1000e
timeout -k 5 120 bpftrace -e 'kprobe:xen_destroy_irq { printf("destroy %d\n", arg0); }' \
	>"$RES/bpftrace.out" 2>"$RES/bpftrace.err" &
bt=$!
check "bpftrace attached" wait_for 60 grep -q Attaching "$RES/bpftrace.out"
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
sleep 2
kill -INT $bt 2>/dev/null
wait $bt
check "bpftrace saw xen_destroy_irq for the MSI-X vectors" \
	[ "$(grep -c '^destroy ' "$RES/bpftrace.out")" -ge 3 ]
check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
finish
