#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `ptrace dump` against the lab's ground truth at a scenario checkpoint.
#
#   lab-check.sh DIR            in dom0, right after `checkpoint NAME`
#                               (DIR = $RES/cp-NN-NAME): writes
#                               DIR/dump.json, DIR/dump.txt, DIR/dump.exit,
#                               then compares if jq is here
#   lab-check.sh --compare DIR  anywhere with jq (the host, after the
#                               lab run): compares only
#
# The comparison reads the captures the lab's checkpoint() saved in DIR
# (xen-i.txt, xen-M.txt, xen-Q.txt, msi-irqs.txt, lspci-vv.txt,
# proc-interrupts.txt; missing ones are skipped) and checks that the
# dump says the same: each device's Linux MSI/MSI-X irqs, MSI-X
# Enable/Count/Masked, Xen's irqs, owner, guest pirqs and hardware mask
# bits.  Findings and disagreements are listed as TAP comments.  Prints
# TAP; exits non-zero on a failed comparison.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# $PTRACE, else the repo's bin/ (tests/dump/..), else a share's bin/
PT=${PTRACE:-}
for c in "$here/../../bin/ptrace" "$here/bin/ptrace"; do
	[ -z "$PT" ] && [ -x "$c" ] && PT=$c
done
PT=${PT:-ptrace}

compare_only=0
if [ "${1:-}" = --compare ]; then
	compare_only=1
	shift
fi
dir=${1:?usage: lab-check.sh [--compare] DIR}
n=0
fails=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
same() {	# same DESC WANT GOT
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   truth: $2"
		echo "#   dump:  $3"
	fi
}
words() { tr ' ' '\n' | grep . | sort -n | tr '\n' ' '; }
# The same, each once: a checkpoint's capture of a debug key may also
# hold the recorder's own pass of it (--sample-xen prints the same keys
# into the console ring), so a Xen line can be there twice.
uwords() { tr ' ' '\n' | grep . | sort -u | sort -n | tr '\n' ' '; }
# message part of a Xen console line
xen_body() { sed -E 's/^\(XEN\) *//; s/^\[[^]]*\] *//'; }

if [ "$compare_only" -eq 0 ]; then
	"$PT" dump --json --xen -o "$dir/dump.json" 2>"$dir/dump.stderr"
	echo $? >"$dir/dump.exit"
	"$PT" dump --xen-text <(cat "$dir"/xen-[iMQ].txt 2>/dev/null) \
		>"$dir/dump-from-captures.txt" 2>&1
	"$PT" dump >"$dir/dump.txt" 2>&1
	if ! command -v jq >/dev/null; then
		echo "# dump written to $dir; no jq in dom0:"
		echo "# compare on the host: tests/dump/lab-check.sh --compare $dir"
		exit 0
	fi
fi

J=$dir/dump.json
same "ptrace dump --json --xen exited 0" 0 "$(cat "$dir/dump.exit" 2>/dev/null)"
if ! jq -e . "$J" >/dev/null 2>&1; then
	not_ok "dump.json is JSON"
	echo "1..$n"
	exit 1
fi
same "Xen dom0 detected, Xen's view read" true \
	"$(jq '.xen.present and .xen.dom0 and .xen.view.ok' "$J")"

# Linux: msi_irqs/ per device ("/sys/bus/pci/devices/<bdf>/msi_irqs/<irq>:msix")
if [ -s "$dir/msi-irqs.txt" ]; then
	for bdf in $(sed -nE 's|.*/devices/([^/]+)/msi_irqs/.*|\1|p' "$dir/msi-irqs.txt" | sort -u); do
		want=$(sed -nE "s|.*/devices/$bdf/msi_irqs/([0-9]+):.*|\1|p" "$dir/msi-irqs.txt" | words)
		got=$(jq -r --arg b "$bdf" '.devices[] | select(.sbdf == $b) | .irqs[] |
			select(.mode != "intx") | .irq' "$J" | words)
		same "$bdf: Linux MSI/MSI-X irqs as msi_irqs/ shows" "$want" "$got"
	done
fi

# Linux: /proc/interrupts chip of each of those irqs
if [ -s "$dir/proc-interrupts.txt" ]; then
	# /proc/interrupts lists only irqs with a handler
	bad=$(jq -r '.devices[].irqs[] | select(.chip != null) | "\(.irq) \(.chip)"' "$J" |
	while read -r irq chip; do
		grep -qE "^ *$irq: " "$dir/proc-interrupts.txt" || continue
		grep -qE "^ *$irq: .* $chip( |$)" "$dir/proc-interrupts.txt" ||
			echo "irq $irq chip $chip"
	done | tr '\n' ';')
	same "irq chips as /proc/interrupts shows" "" "$bad"
fi

# Config space: "MSI-X: Enable+ Count=5 Masked-" under each device of lspci -vv -D
if [ -s "$dir/lspci-vv.txt" ]; then
	awk '/^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:/ { dev = $1 }
	     /MSI-X: Enable/ { print dev, $0 }' "$dir/lspci-vv.txt" |
	while read -r bdf line; do
		want=$(sed -nE 's/.*MSI-X: Enable([+-]) Count=([0-9]+) Masked([+-]).*/\1 \2 \3/p' <<<"$line")
		got=$(jq -r --arg b "$bdf" '.devices[] | select(.sbdf == $b) | .msix |
			"\(if .enabled then "+" else "-" end) \(.table_size) \(if .maskall then "+" else "-" end)"' "$J")
		[ -z "$got" ] && continue	# not shown: nothing in use
		same "$bdf: MSI-X Enable/Count/Masked as lspci -vv shows" "$want" "$got"
	done > "$dir/.lab-check-lspci"
	cat "$dir/.lab-check-lspci"
	n=$((n + $(grep -c '^\(not \)\?ok' "$dir/.lab-check-lspci")))
	fails=$((fails + $(grep -c '^not ok' "$dir/.lab-check-lspci")))
	rm -f "$dir/.lab-check-lspci"
fi

# Xen: devices, owners and MSI irqs of debug key Q
if [ -s "$dir/xen-Q.txt" ]; then
	while read -r bdf owner rest; do
		want=$(sed -nE 's/.*MSIs < (.*) >.*/\1/p' <<<"$rest" | words)
		got=$(jq -r --arg b "$bdf" '.xen.view.irqs[] | select(.sbdf == $b) | .irq' "$J" | words)
		same "$bdf: Xen's MSI irqs as debug key Q shows" "$want" "$got"
		want=$(sed -nE 's/^d([0-9]+)$/\1/p' <<<"$owner")
		got=$(jq -r --arg b "$bdf" '.xen.view.devices[] | select(.sbdf == $b) |
			.domid // empty' "$J")
		same "$bdf: Xen's owner as debug key Q shows ($owner)" "$want" "$got"
	done < <(xen_body <"$dir/xen-Q.txt" |
		 sed -nE 's/^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) - ([^ ]+) (.*)/\1 \2 \3/p')
fi

# Xen: guest pirqs of debug key i (first guest of each bound irq)
if [ -s "$dir/xen-i.txt" ]; then
	want=$(xen_body <"$dir/xen-i.txt" |
		sed -nE 's/^IRQ: *([0-9]+) .*in-flight=[0-9]+ d([0-9]+): *([0-9]+)\(.*/\1:d\2:\3/p' | uwords)
	got=$(jq -r '.xen.view.irqs[] | select(.domid != null) | "\(.irq):d\(.domid):\(.pirq)"' "$J" | words)
	same "Xen irq -> domain:pirq bindings as debug key i shows" "$want" "$got"
fi

# Xen: hardware mask bit of each MSI/MSI-X irq (debug key M)
if [ -s "$dir/xen-M.txt" ]; then
	want=$(xen_body <"$dir/xen-M.txt" |
		sed -nE 's/^MSI(-X)? +([0-9]+) .*mask=[0-9]\/..\/([01?]).*/\2:\3/p' | uwords)
	got=$(jq -r '.xen.view.irqs[] | select(.type == "MSI" or .type == "MSI-X") |
		"\(.irq):\(if .hw_masked == null then "?" elif .hw_masked then 1 else 0 end)"' "$J" | words)
	same "Xen MSI hardware mask bits as debug key M shows" "$want" "$got"
fi

# The kernel's own irq records (BPF walker on chip_name_show)
same "Xen irq records read from the kernel (BPF walker)" true \
	"$(jq '.xen_irq_records.read and (.xen_irq_records.status | test("via chip_name_show, (fentry|kprobe)|saved list"))' "$J")"
# every xen-pirq-* irq of /sys/kernel/irq has a pirq record, and no other
if [ -s "$dir/sys-kernel-irq.txt" ]; then
	want=$(sed -nE 's|^([0-9]+)/chip_name:xen-pirq.*|\1|p' "$dir/sys-kernel-irq.txt" | words)
	got=$(jq -r '.xen_irq_records.rows[] | select(.from_record) | .irq' "$J" | words)
	same "irq records: one per xen-pirq-* irq of /sys/kernel/irq" "$want" "$got"
fi
# dom0's pirq event channels: the records' evtchn:pirq pairs against Xen's
# EVTCHNOP_status of every dom0 port (lsevtchn 0: "36: VCPU 0: Physical IRQ 9")
if [ -s "$dir/lsevtchn-0.txt" ]; then
	want=$(sed -nE 's/^ *([0-9]+): VCPU [0-9]+: Physical IRQ ([0-9]+).*/\1:\2/p' \
		"$dir/lsevtchn-0.txt" | words)
	got=$(jq -r '.xen_irq_records.rows[] | select(.evtchn != null) | "\(.evtchn):\(.pirq)"' "$J" | words)
	same "irq records: evtchn -> pirq of dom0 as Xen's EVTCHNOP_status shows (lsevtchn 0)" \
		"$want" "$got"
fi
# guests' pirqs: every pirq Xen shows bound by a guest (debug key i,
# "dN: P") is in a record of dom0's for that guest
if [ -s "$dir/xen-i.txt" ]; then
	want=$(xen_body <"$dir/xen-i.txt" |
		sed -nE 's/^IRQ: .*in-flight=[0-9]+ d([1-9][0-9]*): *([0-9]+)\(.*/d\1:\2/p' | uwords)
	got=$(jq -r '.xen_irq_records.rows[] | select(.from_record and .domid > 0) |
		"d\(.domid):\(.pirq)"' "$J" | words)
	missing=$(comm -23 <(tr ' ' '\n' <<<"$want" | grep . | sort) \
			   <(tr ' ' '\n' <<<"$got" | grep . | sort) | tr '\n' ' ')
	same "irq records: each guest pirq Xen shows bound has dom0's record (d:pirq)" "" "$missing"
fi

jq -r '.findings[] | "# finding: \(.code // "-") \(.rule) \(.sbdf // "-"): \(.message)"' "$J"
jq -r '(.disagreements // [])[] | "# disagreement: \(.sbdf) \(.what): linux \(.linux), xen \(.xen)"' "$J"
jq -r '.not_read[] | "# not read: \(.)"' "$J"

echo "1..$n"
[ "$fails" -eq 0 ]
