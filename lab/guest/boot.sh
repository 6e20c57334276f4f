# Run inside dom0 by /init (lab.mode=run) from the 9p share /mnt/lab.
# Runs each scenario named in /mnt/lab/scenarios.list, in order, each
# under its own timeout; results land in /mnt/lab/results/<scenario>/.
L=/mnt/lab
cd $L || exit 1
per=$(cat $L/scenario-timeout 2>/dev/null || echo 300)
for name in $(cat $L/scenarios.list); do
	res=$L/results/$name
	mkdir -p "$res"
	echo "LAB: scenario $name begin"
	t0=$(cut -d. -f1 /proc/uptime)
	LAB_RES=$res LAB_NAME=$name timeout -k 10 "$per" \
		sh "$L/scenarios/$name.sh" >"$res/log" 2>&1
	rc=$?
	t1=$(cut -d. -f1 /proc/uptime)
	echo "exit=$rc seconds=$((t1 - t0))" >"$res/status"
	echo "LAB: scenario $name end exit=$rc seconds=$((t1 - t0))"
	sync
done
xl dmesg >$L/results/xl-dmesg.txt 2>&1
dmesg >$L/results/dom0-dmesg.txt 2>&1
