# Bisect: which part of the recorder goes with the dom0 process crashes
# (docs/lab.md, "dom0 process crashes").  For each variant of
# /mnt/lab/hooks/variants ("LABEL [VAR=VALUE...] [-- RECORD-OPTION...]",
# LABEL "off" for no recorder), one HVM guest with 00:03.0 is created,
# booted, run for a while and destroyed, with a canary loop of small
# pipelines in dom0; every pipeline that dies or prints a wrong number
# is logged with the variant's label.  Stops after the first variant
# with a failure (dom0 may hang after it).  Ship the variants with
# LAB_HOOKS (a directory holding the file "variants"; no hook script
# needed):
#   LAB_VARIANT=hvm LAB_HOOKS=DIR LAB_SCENARIO_TIMEOUT=1200 \
#       lab/run-scenarios 94-recorder-bisect
. /mnt/lab/lib.sh
dev=$NIC_B
dn=lab-bis
con=/var/log/xen/console/guest-$dn.log
variants=$L/hooks/variants
modprobe e1000e
modprobe xen-pciback
check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
hvm_cfg $dn $dev "loglevel=6 lab.nics=1"

canary()
{
	while [ ! -e /tmp/canary-stop ]; do
		out=$(seq 1 3000 | wc -l)
		rc=$?
		[ "$out" = 3000 ] && [ $rc = 0 ] ||
			echo "$(cat /tmp/variant) $(cut -d' ' -f1 /proc/uptime) '$out' exit $rc" \
				>>"$RES/canary.txt"
		sleep 0.5
	done
}

# one variant: LABEL [VAR=VALUE...] [-- OPTION...]
variant()
{
	label=$1
	shift
	envs=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs="$envs $1"
		shift
	done
	[ "${1:-}" = -- ] && shift
	echo "$label" >/tmp/variant
	dmesg -c >/dev/null
	rec=
	if [ "$label" != off ]; then
		# shellcheck disable=SC2086 # envs: VAR=VALUE words
		env $envs "$PTRACE" record -o /tmp/trace-$label.jsonl "$@" \
			>/dev/null 2>"$RES/record-$label.stderr" &
		rec=$!
		wait_for 60 grep -q 'recording to' "$RES/record-$label.stderr"
		sleep 2
	fi
	rm -f "$con"
	(check "$label: xl create" t 180 xl create /tmp/$dn.cfg)
	(check "$label: guest up" wait_for 150 domu_ready $dn)
	sleep 20
	(check "$label: xl destroy" t 180 xl destroy $dn)
	sleep 5
	if [ -n "$rec" ]; then
		kill -INT $rec
		wait $rec
		note "$label: recorder exit $?, $(wc -l </tmp/trace-$label.jsonl) records"
		cp /tmp/trace-$label.jsonl "$RES/"
	fi
	dmesg | grep -E 'segfault|traps:|general protection' |
		sed "s/^/$label: /" >>"$RES/dmesg-grep.txt"
	n=$(grep -c "^$label " "$RES/canary.txt" 2>/dev/null)
	note "$label: ${n:-0} canary failures"
}

rm -f /tmp/canary-stop
: >"$RES/canary.txt"
echo setup >/tmp/variant
canary &
CANARY=$!
while read -r line <&3; do
	case $line in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086 # a variant's words
	variant $line
	# after a corruption dom0 may hang: the next variants prove nothing
	if [ -s "$RES/canary.txt" ] || [ -s "$RES/dmesg-grep.txt" ]; then
		note "stopping after the first variant with a failure"
		break
	fi
done 3<"$variants"
touch /tmp/canary-stop
wait $CANARY
check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
finish
