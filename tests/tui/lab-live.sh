#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# ptrace top, live, inside the lab's dom0: run it in a detached tmux
# pane while a scenario does its work, and keep what the screen showed
# at the scenario's checkpoints.
#
#   lab-live.sh RESULTS start                  start ptrace top (live)
#   lab-live.sh RESULTS capture NAME [TEXT...] save the screen as
#                                              RESULTS/top-NN-NAME.txt;
#                                              each TEXT must be on it
#   lab-live.sh RESULTS stop                   q, then check the exit
#
# Checks are appended to RESULTS/checks as "ok - ..." / "not ok - ...",
# the lab's format.  Environment: PTRACE (default /mnt/lab/bin/ptrace,
# then ptrace in PATH), TOP_ARGS (extra options, e.g. --interval 200).

set -u
RES=${1:?usage: lab-live.sh RESULTS start|capture NAME [TEXT...]|stop}
CMD=${2:?usage: lab-live.sh RESULTS start|capture NAME [TEXT...]|stop}
shift 2
SOCK=ptrace-lab-top
SESSION=top
STATE=$RES/top-state
mkdir -p "$RES" "$STATE"

if [ -z "${PTRACE:-}" ]; then
	if [ -x /mnt/lab/bin/ptrace ]; then
		PTRACE=/mnt/lab/bin/ptrace
	else
		PTRACE=$(command -v ptrace || echo ptrace)
	fi
fi

tm() { tmux -L "$SOCK" "$@"; }

check()
{
	desc=$1
	shift
	if "$@"; then
		echo "ok - top: $desc" >>"$RES/checks"
	else
		echo "not ok - top: $desc" >>"$RES/checks"
	fi
}

screen() { tm capture-pane -p -t "$SESSION" 2>/dev/null; }

# on_screen TEXT: the pane shows TEXT within 10 s
on_screen()
{
	n=40
	while [ $n -gt 0 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.25
		n=$((n - 1))
	done
	return 1
}

# probes_attached: the status line says at least one probe is attached
probes_attached()
{
	screen | grep -qE 'probes [1-9][0-9]*/[0-9]+ attached'
}

alt_screen_off()
{
	[ "$(tm display-message -p -t "$SESSION" '#{alternate_on}')" = 0 ]
}

# exited_0: top exited with status 0 within 60 s.  Quitting detaches
# every probe: each fentry/fexit trampoline update waits for an RCU
# tasks grace period, seconds in all under TCG, more on a loaded host.
# This is a liveness check, not a timing: docs/performance.md has those.
exited_0()
{
	n=240
	while [ $n -gt 0 ] && [ ! -f "$STATE/exit" ]; do
		sleep 0.25
		n=$((n - 1))
	done
	[ -f "$STATE/exit" ] && [ "$(cat "$STATE/exit")" = 0 ]
}

case $CMD in
start)
	if ! command -v tmux >/dev/null; then
		echo "not ok - top: tmux in dom0" >>"$RES/checks"
		exit 1
	fi
	tm kill-server 2>/dev/null
	rm -f "$STATE/exit" "$STATE/n"
	# TERM=screen: its terminfo entry is in ncurses-base, always there
	tm new-session -d -s "$SESSION" -x 160 -y 45 \
		"TERM=screen $PTRACE top ${TOP_ARGS:-} 2>$STATE/stderr; echo \$? >$STATE/exit; sleep 3600"
	tm set-option -t "$SESSION" status off >/dev/null
	check "live screen comes up" on_screen "ptrace-top | live"
	check "status line shows probes attached" probes_attached
	check "status line shows the lost-events counter" on_screen " lost "
	screen >"$RES/top-00-start.txt"
	;;
capture)
	name=${1:?capture needs a NAME}
	shift
	n=$(($(cat "$STATE/n" 2>/dev/null || echo 0) + 1))
	echo $n >"$STATE/n"
	sleep 1		# one refresh after the scenario's last step
	out=$RES/$(printf 'top-%02d-%s.txt' $n "$name")
	screen >"$out"
	for text in "$@"; do
		check "$name: screen shows '$text'" on_screen "$text"
	done
	# the device detail of the first row, and the findings pane
	tm send-keys -t "$SESSION" Enter
	sleep 0.5
	screen >"${out%.txt}-detail.txt"
	tm send-keys -t "$SESSION" Escape Tab Enter
	sleep 0.5
	screen >"${out%.txt}-finding.txt"
	tm send-keys -t "$SESSION" Escape Tab
	;;
stop)
	screen >"$RES/top-99-stop.txt"
	tm send-keys -t "$SESSION" q
	check "q quits with exit 0" exited_0
	check "terminal restored (alternate screen off)" alt_screen_off
	cp "$STATE/stderr" "$RES/top.stderr" 2>/dev/null
	tm kill-server 2>/dev/null
	;;
*)
	echo "lab-live.sh: unknown command '$CMD'" >&2
	exit 2
	;;
esac
exit 0
