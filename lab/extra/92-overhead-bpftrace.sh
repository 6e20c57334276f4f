# Extra scenario (LAB_VARIANT=bpftrace): ptrace record beside bpftrace 0.17
# on the same kernel functions, in one boot.  Raw results only; the host
# script tests/bench/lab-overhead turns them into figures.  Run with
#   LAB_VARIANT=bpftrace LAB_SCENARIO_TIMEOUT=600 \
#	lab/run-scenarios 92-overhead-bpftrace
#
# 1. Start-to-attached time, ROUNDS times each, alternating: ptrace record
#    until its "recording to" line, bpftrace until its BEGIN probe's output
#    (bpftrace runs BEGIN once every other probe is attached).  Times are
#    dom0 uptime (10 ms steps) from just before the exec to the moment the
#    line was read.  Each round also times "ptrace probes" (the
#    planning alone) and "ptrace probes --load" (the same planning and
#    loading, verifier included, without attaching): the breakdown.
#    A third run per round, "whole", is ptrace record with
#    PTRACE_WHOLE_BTF=1: libbpf reads the kernel's whole BTF (and every
#    module's) for CO-RE instead of the cut the session hands it
#    (src/collect/core_btf.c): the same boot's before and after.
#    The functions of the bpftrace script are the ones ptrace record
#    reported attached in the first round, with a kretprobe where ptrace
#    has an exit hook; each probe printf()s timestamp, pid, cpu, comm and
#    the first four arguments (or the return value).
# 2. Per-event BPF cost: kernel.bpf_stats_enabled=1, both tools attached,
#    then "bpftool prog show" before and after a workload (pciback
#    assignable add/remove cycles, xl list, PV guests with the NIC created
#    and destroyed), after a warm-up that runs each of those once.
#    ptrace's program ids come from its --bpf-stats table, bpftrace's
#    from "bpftool perf show".  ptrace runs with
#    PTRACE_PER_HOOK=1 here: every function gets its own kprobe and
#    kretprobe programs (the same bodies the shared programs run), so
#    the kernel's run-time counters are per function, as bpftrace's are.
#
# Files in the results directory:
#   attach.txt                  "TOOL ROUND SECONDS" per run (TOOL:
#                               ptrace, bpftrace, whole)
#   load.txt                    "probes-load ROUND SECONDS": ptrace probes --load,
#                               "probes-plan ROUND SECONDS": ptrace probes
#   attach-TOOL-N.txt           each run's output, every line stamped
#   functions.txt               "FUNC 0|1" (1: entry+exit), from round 1
#   bench.bt, bench-stats.bt    the bpftrace scripts
#   trace-header.json           round 1's trace log header
#   prog-base.json, prog-end.json   bpftool prog show --json
#   perf.json, perf-begin.json  bpftool perf show --json (after the
#                               workload; from bpftrace's BEGIN)
#   bpftrace.pid, stats-record.stderr (ptrace's --bpf-stats table)
. /mnt/lab/lib.sh
ROUNDS=3
CYCLES=10
XL_LIST=50
GUESTS=2
dev=$NIC_A
gbase=lab-ovh
guest=
PT=/tmp/ptrace
FIFO=/tmp/ovh.fifo

check "bpftrace installed" sh -c "bpftrace --version >'$RES/bpftrace-version.txt'"
check "bpftool installed" sh -c "bpftool version >'$RES/bpftool-version.txt'"
# the binary from dom0's tmpfs, like bpftrace's, not from the 9p share
cp "$PTRACE" $PT

modprobe e1000e
check "e1000e bound to $dev" wait_for 20 is_driver $dev e1000e
t 10 ip link set "$(netdev_of $dev)" up
sleep 2

# stamp: every input line prefixed with dom0 uptime, as it arrives.  One
# awk reads whole blocks; a shell loop of "read" took a system call per
# byte and fell behind a burst of lines (ptrace prints a line per probe,
# bpftrace two), which stamped ptrace's last line up to half a second late.
# (mawk, Debian's awk, fills its input buffer before it looks at a line
# unless -W interactive.)
stamp()
{
	set -- awk
	awk -W version 2>/dev/null | grep -q mawk && set -- awk -W interactive
	"$@" '{ getline up <"/proc/uptime"; close("/proc/uptime")
		split(up, u, " "); print u[1], $0; fflush() }'
}

# attach_run TOOL N REGEX CMD...: start CMD with its output stamped into
# attach-TOOL-N.txt, wait for a line matching REGEX, append "TOOL N
# SECONDS" to attach.txt, stop CMD with SIGINT.
attach_run()
{
	tool=$1
	round=$2
	pat=$3
	shift 3
	out=$RES/attach-$tool-$round.txt
	rm -f $FIFO
	mkfifo $FIFO
	stamp <$FIFO >"$out" &
	sp=$!
	sleep 0.5	# the stamper is waiting in open()
	read -r t0 _ </proc/uptime
	"$@" >$FIFO 2>&1 &
	pid=$!
	echo "$t0 EXEC $*" >"$out.start"
	if wait_for 120 grep -q "$pat" "$out"; then
		awk -v t0="$t0" -v tool="$tool" -v n="$round" -v pat="$pat" \
			'$0 ~ pat { printf "%s %s %.2f\n", tool, n, $1 - t0; exit }' \
			"$out" >>"$RES/attach.txt"
		log "$tool round $round: $(tail -n 1 "$RES/attach.txt")"
	else
		note "$tool round $round did not attach within 120 s"
	fi
	kill -INT $pid 2>/dev/null
	n=120
	while kill -0 $pid 2>/dev/null && [ $n -gt 0 ]; do
		sleep 0.5
		n=$((n - 1))
	done
	kill -KILL $pid 2>/dev/null
	wait $pid
	wait $sp
	rm -f $FIFO
}

# bt_script FUNCS BEGIN_BODY: a bpftrace script, one probe per function
# (kretprobe too for entry+exit), each printing what ptrace's event header
# carries (timestamp, pid, cpu, comm) and the arguments or return value.
bt_script()
{
	printf 'BEGIN { %s }\n' "$2"
	awk '{
		printf "kprobe:%s { printf(\"%%llu %%d %%d %%s %s %%lx %%lx %%lx %%lx\\n\", nsecs, pid, cpu, comm, arg0, arg1, arg2, arg3); }\n", $1, $1
		if ($2 == 1)
			printf "kretprobe:%s { printf(\"%%llu %%d %%d %%s %s ret %%ld\\n\", nsecs, pid, cpu, comm, retval); }\n", $1, $1
	}' "$1"
}

# how this kernel lets the rows attach (kprobe_multi, BPF cookies), and
# where a load spends its time (libbpf's messages, stamped)
$PT probes --json >"$RES/probes.json" 2>/dev/null
$PT probes --load -v >"$RES/probes-load-verbose.txt" 2>&1

# ---------------------------------------------- 1. start-to-attached
i=1
while [ $i -le $ROUNDS ]; do
	attach_run ptrace $i "recording to" $PT record -o /tmp/ovh-$i.jsonl
	if [ $i = 1 ]; then
		head -n 1 /tmp/ovh-1.jsonl >"$RES/trace-header.json" 2>/dev/null
		# "  ROW  attached KIND FUNC (+exit)"; bpftrace cannot name a
		# compiler clone (.isra), ptrace's kprobes can
		awk '$3 == "attached" && $5 !~ /\./ { print $5, ($6 == "(+exit)") }' \
			"$RES/attach-ptrace-1.txt" >"$RES/functions.txt"
		check "ptrace record attached probes" [ -s "$RES/functions.txt" ]
		note "$(wc -l <"$RES/functions.txt") functions, $(awk '{ n += 1 + $2 } END { print n }' "$RES/functions.txt") ptrace programs"
		bt_script "$RES/functions.txt" 'printf("BEGIN\n");' >"$RES/bench.bt"
	fi
	attach_run bpftrace $i " BEGIN$" bpftrace -B line "$RES/bench.bt"
	attach_run whole $i "recording to" \
		env PTRACE_WHOLE_BTF=1 $PT record -o /tmp/ovh-whole-$i.jsonl
	read -r t0 _ </proc/uptime
	$PT probes --load >"$RES/probes-load-$i.txt" 2>&1
	read -r t1 _ </proc/uptime
	echo "probes-load $i $t0 $t1" | awk '{ printf "%s %s %.2f\n", $1, $2, $4 - $3 }' \
		>>"$RES/load.txt"
	read -r t0 _ </proc/uptime
	$PT probes >"$RES/probes-plan-$i.txt" 2>&1
	read -r t1 _ </proc/uptime
	echo "probes-plan $i $t0 $t1" | awk '{ printf "%s %s %.2f\n", $1, $2, $4 - $3 }' \
		>>"$RES/load.txt"
	i=$((i + 1))
done
check "bpftrace says 'Attaching N probes...' before BEGIN's output" \
	awk '/Attaching [0-9]+ probes/ { a = NR } / BEGIN$/ { b = NR } END { exit !(a && b && a < b) }' \
	"$RES/attach-bpftrace-1.txt"
check "every round of the three runs attached" \
	[ "$(wc -l <"$RES/attach.txt")" -eq $((3 * ROUNDS)) ]

# ---------------------------------------------- 2. per-event BPF cost
echo 1 >/proc/sys/kernel/bpf_stats_enabled
check "kernel.bpf_stats_enabled=1" [ "$(cat /proc/sys/kernel/bpf_stats_enabled)" = 1 ]
# BEGIN also saves what is attached when it runs: all of bpftrace's
# kprobes must already be there (counted on the host).  (bpftrace strings
# are at most 64 bytes: a short path.)
bt_script "$RES/functions.txt" \
	'system("bpftool perf show --json >/tmp/pb.json"); printf("BEGIN\n");' \
	>"$RES/bench-stats.bt"
bpftrace --unsafe -B line "$RES/bench-stats.bt" >/tmp/ovh-bt.out 2>&1 &
bt=$!
echo $bt >"$RES/bpftrace.pid"
check "bpftrace attached (stats run)" wait_for 120 grep -qx BEGIN /tmp/ovh-bt.out
cp /tmp/pb.json "$RES/perf-begin.json"
PTRACE_PER_HOOK=1 $PT record --bpf-stats -o /tmp/ovh-stats.jsonl \
	>"$RES/stats-record.stdout" 2>"$RES/stats-record.stderr" &
rp=$!
check "ptrace record attached (stats run)" \
	wait_for 60 grep -q "recording to" "$RES/stats-record.stderr"

# cycle: xl pci-assignable-add and -remove -r of the NIC, back up on
# e1000e.  Cycle 0 is a warm-up before the baseline: under TCG the first
# run of a program includes translating its JITed code.
cycle()
{
	check "cycle $1: xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
	check "cycle $1: xl pci-assignable-remove -r $dev" \
		t 60 xl pci-assignable-remove -r $dev
	check "cycle $1: e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
	t 10 ip link set "$(netdev_of $dev)" up
}
# guests FIRST LAST: PV guests with the NIC, created and destroyed in turn
guests()
{
	check "xl pci-assignable-add $dev (guests $1-$2)" t 60 xl pci-assignable-add $dev
	g=$1
	while [ $g -le $2 ]; do
		guest=$gbase$g	# (not $dn: domu_create sets it)
		check "xl create $guest with $dev" domu_create $guest 1 $dev
		check "guest $guest up with its NIC" wait_for 150 domu_ready $guest
		check "xl destroy $guest" t 180 xl destroy $guest
		g=$((g + 1))
	done
	check "xl pci-assignable-remove -r $dev (guests $1-$2)" \
		t 60 xl pci-assignable-remove -r $dev
	check "e1000e bound to $dev after guests $1-$2" wait_for 20 is_driver $dev e1000e
	t 10 ip link set "$(netdev_of $dev)" up
}

# The warm-up runs every path of the workload once (an assignable cycle
# and a guest), so that no program's first run, which under TCG pays for
# translating its code, is counted: the figures are per call in the
# steady state, for both tools alike.
cycle 0
guests 0 0
xl list >/dev/null 2>&1
sleep 1
bpftool prog show --json >"$RES/prog-base.json"

c=1
while [ $c -le $CYCLES ]; do
	cycle $c
	c=$((c + 1))
done
c=1
while [ $c -le $XL_LIST ]; do
	xl list >/dev/null 2>&1
	c=$((c + 1))
done
guests 1 $GUESTS

bpftool prog show --json >"$RES/prog-end.json"
bpftool perf show --json >"$RES/perf.json"
kill -INT $rp
wait $rp
echo $? >"$RES/stats-record.exit"
check "ptrace record --bpf-stats printed its table" \
	grep -q "BPF run time per program" "$RES/stats-record.stderr"
check "bpftrace still running at the end" kill -0 $bt
kill -INT $bt 2>/dev/null
wait $bt
cp /tmp/ovh-bt.out "$RES/bpftrace-stats.out"
echo 0 >/proc/sys/kernel/bpf_stats_enabled
# one more record, verbose: libbpf's messages and the session's steps on
# the clock of its start-up line, for where the time goes
$PT record -v -t 1 -o /tmp/ovh-verbose.jsonl >"$RES/record-verbose.txt" 2>&1
check "a verbose record stamps the session's steps" \
	grep -q '^\[ *[0-9.]*\] ptrace: session: attached' "$RES/record-verbose.txt"
finish
