# Helpers for lab scenarios (run in dom0, sourced by each scenario).
# LAB_RES is the scenario's results directory on the share, LAB_NAME its
# name.  Checks are appended to $LAB_RES/checks as "ok - ..." or
# "not ok - ..."; the host numbers them into TAP.
set -u
L=/mnt/lab
RES=${LAB_RES:?}
NAME=${LAB_NAME:?}
PTRACE=$L/bin/ptrace
CP_N=0
REC_PID=

# The lab's devices (lab/boot): two e1000e (MSI-X), one e1000 (INTx only).
NIC_A=0000:00:02.0
NIC_B=0000:00:03.0
NIC_C=0000:00:04.0

log()
{
	echo "[$(cut -d' ' -f1 /proc/uptime)] $*"
}

# check DESCRIPTION COMMAND...: run COMMAND, record ok / not ok.
check()
{
	desc=$1
	shift
	if "$@"; then
		echo "ok - $desc" >>"$RES/checks"
		log "ok - $desc"
	else
		echo "not ok - $desc" >>"$RES/checks"
		log "not ok - $desc"
	fi
}

# note TEXT: a TAP comment under the scenario
note()
{
	echo "# $*" >>"$RES/checks"
	log "# $*"
}

# not COMMAND...: succeeds when COMMAND fails (works with functions).
not()
{
	! "$@"
}

# wait_for SECONDS COMMAND...: poll every 0.5 s until COMMAND succeeds.
wait_for()
{
	n=$(($1 * 2))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.5
		n=$((n - 1))
	done
	return 1
}

# t SECONDS COMMAND...: run with a timeout, log the command.
t()
{
	s=$1
	shift
	log "+ $*"
	t0=$(cut -d. -f1 /proc/uptime)
	timeout -k 5 "$s" "$@"
	rc=$?
	[ $rc = 0 ] ||
		log "exit $rc after $(($(cut -d. -f1 /proc/uptime) - t0)) s (limit $s s): $*"
	return $rc
}

driver_of()
{
	basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)" \
		2>/dev/null
}

is_driver()
{
	[ "$(driver_of "$1")" = "$2" ]
}

short_bdf()
{
	echo "${1#0000:}"
}

assignable()
{
	xl pci-assignable-list 2>/dev/null | grep -q "$(short_bdf "$1")"
}

not_assignable()
{
	! assignable "$1"
}

# MSI-X state of a device as lspci -vv shows it: "Enable+ ... Masked-"
msix_line()
{
	lspci -vv -s "$1" 2>/dev/null | grep 'MSI-X:'
}

msix_enabled()
{
	msix_line "$1" | grep -q 'Enable+'
}

# MSI-X Function Mask (MASKALL) as the device holds it
msix_maskall()
{
	msix_line "$1" | grep -q 'Masked+'
}

msix_disabled()
{
	msix_line "$1" | grep -q 'Enable-'
}

# Linux irqs of dom0 whose chip is xen-pirq and flow name NAME (msi-x,
# ioapic-level, ...): count.  (Few processes: forks are slow under TCG.)
xen_pirq_count()
{
	# a pipeline stage killed under TCG leaves no number: ask again
	for _try in 1 2 3; do
		_n=$(cd /sys/kernel/irq &&
		     grep -lx xen-pirq */chip_name | sed 's|/.*|/name|' |
		     xargs -r grep -lx "$1" | wc -l)
		case $_n in
		''|*[!0-9]*) note "xen_pirq_count $1: no number ('$_n'), again" >&2 ;;
		*) echo "$_n"; return 0 ;;
		esac
	done
	echo 0
}

# /proc/interrupts lines of the device's handlers (by netdev name).
proc_irq_lines()
{
	grep -c "$1" /proc/interrupts
}

netdev_of()
{
	ls "/sys/bus/pci/devices/$1/net" 2>/dev/null | head -n 1
}

# xl debug-keys K; the console text it produced.  This read has been
# seen once to end in a segmentation fault under TCG (most likely xl's):
# a failed xl is tried again, up to three times, so that a ground truth
# read does not come back empty for that.
xen_keys()
{
	local try text

	for try in 1 2 3; do
		xl dmesg -c >/dev/null 2>&1
		xl debug-keys "$1" || continue
		sleep 0.3
		text=$(xl dmesg -c) || continue
		printf '%s\n' "$text"
		return 0
	done
	echo "xen_keys $1: xl failed three times" >&2
	return 1
}

# Number of Xen IRQs the device has in "xl debug-keys Q" for domain DOM.
xen_q_msis()
{
	xen_keys Q | grep "$(short_bdf "$1") - d$2 " |
		sed -n 's/.*MSIs < \(.*\) >.*/\1/p' | wc -w
}

# xen_gsi_bound GSI DOMID: Xen's IRQ GSI has DOMID among its bound domains.
xen_gsi_bound()
{
	xen_keys i | grep "IRQ: *$1 " | grep -q "d$2:"
}

# hooks EVENT [ARG...]: run each executable $L/hooks/* (lab/run-scenarios
# copies them from $LAB_HOOKS) as "HOOK RESULTS EVENT ARG...".  Events:
# start (after rec_start), checkpoint NAME (after the captures), stop
# (in finish).  A hook's failure is noted, never fatal.
hooks()
{
	for h in "$L"/hooks/*; do
		[ -x "$h" ] || continue
		timeout -k 5 60 "$h" "$RES" "$@" ||
			note "hook ${h##*/} $1 exit $?"
	done
}

# mono_ns: CLOCK_MONOTONIC now, in ns: the clock of ptrace's events
# (bpf_ktime_get_ns).  /proc/timer_list prints ktime_get(); /proc/uptime
# (boot time, 10 ms steps) is the fallback.
mono_ns()
{
	sed -n 's/^now at \([0-9]*\) nsecs$/\1/p' /proc/timer_list 2>/dev/null |
		head -n 1 | grep . ||
		awk '{ printf "%.0f\n", $1 * 1e9 }' /proc/uptime
}

# checkpoint NAME: save Xen's and Linux's own views into
# $RES/cp-NN-NAME/.
checkpoint()
{
	CP_N=$((CP_N + 1))
	d=$RES/$(printf 'cp-%02d-%s' $CP_N "$1")
	mkdir -p "$d"
	mono_ns >"$d/mono_ns"
	log "checkpoint $1"
	# the MSI-X tables of the devices pciback holds, first: the closest
	# to mono_ns (lab/msix-table.c, read-only; never a dom0 driver's)
	if [ -x "$L/bin/msix-table" ]; then
		for b in $(ls /sys/bus/pci/drivers/pciback 2>/dev/null |
			   grep '^[0-9a-f]*:'); do
			"$L/bin/msix-table" "$b"
		done >"$d/msix-table.txt" 2>&1
	fi
	xen_keys i >"$d/xen-i.txt" 2>&1
	xen_keys M >"$d/xen-M.txt" 2>&1
	xen_keys Q >"$d/xen-Q.txt" 2>&1
	# dom0's event channels as Xen holds them (EVTCHNOP_status per port)
	/usr/lib/xen-*/bin/lsevtchn 0 >"$d/lsevtchn-0.txt" 2>&1
	cat /proc/interrupts >"$d/proc-interrupts.txt"
	(cd /sys/kernel/irq && grep -H . */chip_name */name */hwirq */type \
		*/actions */per_cpu_count) >"$d/sys-kernel-irq.txt" 2>&1
	lspci -vv -D >"$d/lspci-vv.txt" 2>&1
	grep -H . /sys/bus/pci/devices/*/msi_irqs/* >"$d/msi-irqs.txt" 2>/dev/null
	grep -H . /sys/bus/pci/devices/*/irq >"$d/pci-irq.txt" 2>/dev/null
	xl pci-assignable-list >"$d/xl-pci-assignable-list.txt" 2>&1
	xl list >"$d/xl-list.txt" 2>&1
	for dom in $(xl list | awk 'NR > 2 { print $1 }'); do
		echo "== $dom"
		xl pci-list "$dom"
	done >"$d/xl-pci-list.txt" 2>&1
	for b in $NIC_A $NIC_B $NIC_C; do
		echo "$b driver=$(driver_of $b)"
	done >"$d/drivers.txt"
	ls /sys/bus/pci/drivers/pciback >"$d/pciback.txt" 2>&1
	hooks checkpoint "$1"
}

# Where ptrace record writes: dom0's /tmp, copied by rec_stop; with
# REC_ON_SHARE=1 (set by a scenario that may crash dom0) straight onto
# the share, so what the recorder flushed survives the crash.
rec_out()
{
	if [ "${REC_ON_SHARE:-0}" = 1 ]; then
		echo "$RES/trace.jsonl"
	else
		echo "/tmp/trace-$NAME.jsonl"
	fi
}

# ptrace record in the background, when the binary has that subcommand.
rec_start()
{
	_rec_start
	hooks start
}

_rec_start()
{
	[ -x "$PTRACE" ] || { note "no bin/ptrace in the share: not recording"; return 0; }
	if ! "$PTRACE" record --help >/dev/null 2>&1; then
		note "bin/ptrace has no 'record' subcommand: not recording"
		return 0
	fi
	# shellcheck disable=SC2086 # REC_ARGS: a scenario's extra options
	"$PTRACE" record -o "$(rec_out)" ${REC_ARGS:-} \
		>"$RES/record.stdout" 2>"$RES/record.stderr" &
	REC_PID=$!
	# The recorder says "recording to" once its probes are attached: that
	# takes 1-2 s in a PV dom0, up to a minute in a PVH dom0 under TCG.
	wait_for "${LAB_REC_WAIT:-180}" rec_attached ||
		note "ptrace record did not say it was recording"
	sleep "${LAB_REC_SETTLE:-3}"
	log "recording as pid $REC_PID"
}

# rec_attached: the recorder attached its probes, or is gone.
rec_attached()
{
	grep -q 'recording to' "$RES/record.stderr" ||
		! kill -0 "$REC_PID" 2>/dev/null
}

rec_stop()
{
	[ -n "$REC_PID" ] || return 0
	kill -INT "$REC_PID" 2>/dev/null
	# Detaching takes well under a second in a PV dom0, up to a minute
	# in a PVH dom0 under TCG: wait up to 2 min before SIGKILL.
	n=240
	while kill -0 "$REC_PID" 2>/dev/null && [ $n -gt 0 ]; do
		sleep 0.5
		n=$((n - 1))
	done
	kill -KILL "$REC_PID" 2>/dev/null
	wait "$REC_PID"
	echo $? >"$RES/record.exit"
	REC_PID=
	[ "$(rec_out)" = "$RES/trace.jsonl" ] ||
		cp "$(rec_out)" "$RES/trace.jsonl" 2>/dev/null ||
		note "ptrace record left no log"
	if [ -f "$RES/trace.jsonl" ] &&
	   "$PTRACE" report --help >/dev/null 2>&1; then
		timeout 60 "$PTRACE" report --json "$RES/trace.jsonl" \
			>"$RES/report.json" 2>"$RES/report.stderr"
		echo $? >"$RES/report.exit"
	fi
}

# modrefs MODULE: use count of a module, as lsmod shows it ("-" when not loaded)
modrefs()
{
	awk -v m="$1" '$1 == m { print $3; f = 1 } END { if (!f) print "-" }' \
		/proc/modules
}

# rec_start_watching MODULE: rec_start, checking that the recorder holds
# no reference on MODULE (it attaches kprobes there, not fentry) and
# watches its unload and reload.
rec_start_watching()
{
	_refs0=$(modrefs "$1")
	note "$1 use count before recording: $_refs0"
	rec_start
	check "ptrace is recording" grep -q "recording to" "$RES/record.stderr"
	lsmod >"$RES/lsmod-recording.txt"
	_refs1=$(modrefs "$1")
	note "$1 use count while recording: $_refs1"
	check "recording holds no reference on $1 (lsmod $_refs1, was $_refs0)" \
		[ "$_refs1" = "$_refs0" ]
	check "record pins no module" \
		sh -c "! grep -q 'pin-modules: fentry holds' '$RES/record.stderr'"
	check "record watches module unload/reload through the tracepoints" \
		grep -q "watched through module_load/module_free" "$RES/record.stderr"
}

# hvm_cfg NAME BDF EXTRA: /tmp/NAME.cfg (and a copy in $RES) for an HVM
# domU with BDF passed through, booted by the device model straight into
# the domU kernel with command line "console=ttyS0 EXTRA"; its serial
# console goes to /var/log/xen/console/guest-NAME.log.
hvm_cfg()
{
	cat >/tmp/$1.cfg <<EOC
name = "$1"
type = "hvm"
kernel = "/lab/vmlinuz"
ramdisk = "/lab/domu.cpio.gz"
extra = "console=ttyS0 $3"
memory = 512
vcpus = 1
vga = "none"
vnc = 0
serial = "file:/var/log/xen/console/guest-$1.log"
pci = [ "$2" ]
on_crash = "destroy"
on_reboot = "destroy"
# Xen's SVM under QEMU TCG cannot emulate RDTSCP for the guest ("SVM Insn
# len emulation failed (1): ... -> 0f 01 f9"): hide it.
cpuid = "host,rdtscp=0"
EOC
	cp /tmp/$1.cfg "$RES/"
}

# hvm_create_paused NAME BDF: an HVM domU of hvm_cfg created paused
# (xl create -p), once more if the first try fails; $domid is its
# domain.  All of passthrough's set-up happens at xl create, before the
# guest runs.  libxl gives the device model's QMP commands a fixed 10 s;
# a PVH dom0 under TCG on a busy host may answer later ("Post DM startup
# configs failed, rc=-9"), and libxl then tears the domain down.
hvm_create_paused()
{
	hvm_cfg "$1" "$2" "quiet lab.nics=1"
	if ! t 180 xl create -p /tmp/$1.cfg; then
		note "xl create -p $1 failed once (device model too slow?): again"
		t 120 xl destroy "$1" >/dev/null 2>&1
		assignable "$2" || t 90 xl pci-assignable-add "$2"
		t 180 xl create -p /tmp/$1.cfg || return 1
	fi
	domid=$(domu_domid "$1")
	note "$1 is domain ${domid:-?}"
}

# hvm_wait_secs [MIN]: how long a scenario may wait for its HVM guest to
# come up (minutes under TCG): its time less 6 min for the checks, xl
# destroy and the recorder, and at least MIN (240) s.
hvm_wait_secs()
{
	w=$(($(cat /mnt/lab/scenario-timeout 2>/dev/null || echo 600) - 360))
	[ "$w" -ge "${1:-240}" ] || w=${1:-240}
	echo "$w"
}

# hvm_up NAME BDF EXTRA: an HVM domU of hvm_cfg created, and waited for
# until its NIC is up; $domid is its domain.
hvm_up()
{
	hvm_cfg "$1" "$2" "$3"
	check "xl create $1 (HVM) with $2" t 180 xl create /tmp/$1.cfg
	check "HVM guest $1 up with its NIC" wait_for "$(hvm_wait_secs)" domu_ready "$1"
	domid=$(domu_domid "$1")
	note "$1 is domain ${domid:-?}"
}

# domu_create NAME NICS BDF...: start a PV domU with the devices
# (DOMU_CREATE_OPTS: more options for xl create, e.g. -p: left paused;
# DOMU_EXTRA: more on the guest's command line, e.g. lab.bounce=1).
domu_create()
{
	dn=$1
	nics=$2
	shift 2
	pci=
	for b in "$@"; do
		pci="$pci${pci:+, }\"$b\""
	done
	cat >/tmp/$dn.cfg <<EOC
name = "$dn"
type = "pv"
kernel = "/lab/vmlinuz"
ramdisk = "/lab/domu.cpio.gz"
extra = "console=hvc0 loglevel=6 lab.nics=$nics ${DOMU_EXTRA:-}"
memory = 256
vcpus = 1
pci = [ $pci ]
on_crash = "destroy"
EOC
	cp /tmp/$dn.cfg "$RES/$dn.cfg"
	# shellcheck disable=SC2086
	t 120 xl create ${DOMU_CREATE_OPTS:-} /tmp/$dn.cfg
}

# domu_say NAME: a line on the guest's console input (lab.bounce waits
# for one before each step); through the console's pty in dom0.
domu_say()
{
	_dom=$(domu_domid "$1")
	_tty=$(xenstore-read "/local/domain/$_dom/console/tty" 2>/dev/null)
	[ -n "$_tty" ] && [ -e "$_tty" ] || return 1
	echo go >"$_tty"
}

domu_log()
{
	cat "/var/log/xen/console/guest-$1.log" 2>/dev/null
}

domu_ready()
{
	domu_log "$1" | grep -q 'LAB-DOMU: ready nics=[0-9]'
}

domu_domid()
{
	xl domid "$1" 2>/dev/null
}

finish()
{
	hooks stop
	rec_stop
	xl list >"$RES/xl-list-end.txt" 2>&1
	log "done"
}

# The e1000e alone behind the PCIe root port 00:05.0 (LAB_ROOT_PORT=1).
ROOT_PORT=0000:00:05.0
port_nic()
{
	for p in /sys/bus/pci/devices/$ROOT_PORT/0000:??:??.?; do
		[ -e "$p" ] && basename "$p" && return 0
	done
	return 1
}

# bus_reset SBDF: pulse Secondary Bus Reset on SBDF's bridge, as a slot
# reset by hand does, then write back the device's BARs and command
# register (not its MSI-X): what a reset dom0 does not tell Xen of leaves.
bus_reset()
{
	_saved=
	for r in BASE_ADDRESS_0 BASE_ADDRESS_1 BASE_ADDRESS_2 BASE_ADDRESS_3 \
		 BASE_ADDRESS_4 BASE_ADDRESS_5; do
		_saved="$_saved $r.l=$(setpci -s "$1" $r.l)"
	done
	_cmd=$(setpci -s "$1" COMMAND.w)
	setpci -s "$ROOT_PORT" BRIDGE_CONTROL.w=0040:0040 || return 1
	sleep 0.1
	setpci -s "$ROOT_PORT" BRIDGE_CONTROL.w=0000:0040 || return 1
	sleep 0.1
	# shellcheck disable=SC2086 # one register=value word each
	setpci -s "$1" $_saved COMMAND.w="$_cmd"
}

# table_all_masked CP SBDF: the checkpoint's MSI-X table of SBDF has
# MSI-X disabled and every entry masked (lab/msix-table.c's lines).
table_all_masked()
{
	_n=$(sed -n "s/^$2 ctrl .* enable 0 .* entries \([0-9]*\)$/\1/p" \
		"$1/msix-table.txt")
	[ -n "$_n" ] && [ "$_n" -gt 0 ] &&
		[ "$(grep -c "^$2 entry .* masked 1 vctrl 0x00000001$" \
			"$1/msix-table.txt")" -eq "$_n" ]
}

# xen_vectors_unmasked CP SBDF DOMID: at the checkpoint, Xen lists MSIs
# of SBDF for DOMID (key Q) and holds each unmasked: neither H nor G in
# key M's "mask=1/HG/1".
xen_vectors_unmasked()
{
	_irqs=$(grep -F "$(short_bdf "$2") - d$3 " "$1/xen-Q.txt" |
		sed -n 's/.*MSIs < \(.*\) >.*/\1/p')
	[ -n "$_irqs" ] || return 1
	for _i in $_irqs; do
		grep -Eq "MSI-X +$_i vec=.* mask=[01]/  /" "$1/xen-M.txt" || return 1
	done
}

# bus_reset_scenario 0|1: scenarios 85 (clean) and 86 (the reset): a PV
# domU with the port's e1000e and MSI-X, Xen's mask view sampled; with
# 1, the bus reset while the guest runs.
bus_reset_scenario()
{
	dev=$(port_nic) || { check "an e1000e behind $ROOT_PORT (LAB_ROOT_PORT=1)" false; finish; return; }
	dn=lab-s$(echo "$NAME" | cut -c1-2)
	note "the device behind $ROOT_PORT is $dev"
	modprobe e1000e
	modprobe xen-pciback
	check "xl pci-assignable-add $dev" t 60 xl pci-assignable-add $dev
	REC_ARGS="--sample-xen 1s"
	rec_start
	check "ptrace record samples the MSI-X table of $dev" \
		wait_for 20 grep -q "MSI-X table of $dev sampled" "$RES/record.stderr"
	check "xl create $dn with $dev" domu_create $dn 1 $dev
	check "guest $dn up with its NIC" wait_for 150 domu_ready $dn
	domid=$(domu_domid $dn)
	note "$dn is domain ${domid:-?}"
	check "MSI-X enabled on $dev (hardware)" msix_enabled $dev
	check "Xen lists MSIs of $dev for d$domid" \
		[ "$(xen_q_msis $dev "$domid")" -ge 1 ]
	sleep 2
	checkpoint guest-msix
	if [ "$1" = 1 ]; then
		lspci -vv -s "$dev" >"$RES/lspci-before.txt" 2>&1
		check "Secondary Bus Reset of $ROOT_PORT, BARs written back" \
			bus_reset $dev
		lspci -vv -s "$dev" >"$RES/lspci-after.txt" 2>&1
		check "MSI-X disabled on $dev by the reset" msix_disabled $dev
		check "Xen still lists MSIs of $dev for d$domid" \
			[ "$(xen_q_msis $dev "$domid")" -ge 1 ]
		# three of the Xen view's periods, and more than the rule's window
		sleep 4
		checkpoint diverged
		cp=$(ls -d "$RES"/cp-*-diverged)
		check "the device's table: MSI-X off, every entry masked" \
			table_all_masked "$cp" $dev
		check "Xen's own view: d$domid's vectors of $dev unmasked (no H, no G)" \
			xen_vectors_unmasked "$cp" $dev "$domid"
	else
		sleep 4
		checkpoint running
	fi
	check "xl destroy $dn" t 180 xl destroy $dn
	sleep 2
	checkpoint destroyed
	check "Xen lists no MSIs of $dev" [ "$(xen_q_msis $dev "$domid")" -eq 0 ]
	rec_stop
	domu_log $dn >"$RES/guest-console.log"
	dmesg | tail -n 80 >"$RES/dmesg-tail.txt"
	xl dmesg | tail -n 80 >"$RES/xl-dmesg-tail.txt" 2>&1
	check "xl pci-assignable-remove -r $dev" t 60 xl pci-assignable-remove -r $dev
	check "e1000e bound to $dev again" wait_for 20 is_driver $dev e1000e
	finish
}
