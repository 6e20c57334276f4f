# Sourced by the lab checkers (they define tap).  After a reload of
# xen_pciback during a recording (lab/extra/06-pciback-reload.sh,
# 84-pvh-pciback-reload.sh):
#
#   blind_checks NAME DIR SBDF
#
# DIR holds the scenario's trace.jsonl and report.json.  The trace has
# one blind window of xen_pciback with its dead probes and pciback
# events stamped after it (the probes came back); SBDF, reset inside the
# window, is incomplete, and no finding whose time falls in the window
# is a bug.
blind_checks()
{
	local s=$1 d=$2 sbdf=$3 w
	if jq -s -e '[.[] | select(.type == "blind" and .kind == "xen_pciback")] |
		length == 1 and .[0].since < .[0].ts and .[0].probes > 0' \
		"$d/trace.jsonl" >/dev/null; then
		tap ok "$s: one blind window of xen_pciback, with its dead probes"
	else
		tap "not ok" "$s: one blind window of xen_pciback, with its dead probes"
	fi
	if jq -s -e '([.[] | select(.type == "blind")][0].ts) as $until |
		$until != null and
		any(.[]; .type == "pciback" and .ts > $until)' \
		"$d/trace.jsonl" >/dev/null; then
		tap ok "$s: pciback events after the window (the probes came back)"
	else
		tap "not ok" "$s: pciback events after the window (the probes came back)"
	fi
	w=$(jq -c -s '[.[] | select(.type == "blind")] | map([.since, .ts])' "$d/trace.jsonl")
	if jq -e --argjson w "$w" --arg sbdf "$sbdf" '
		.stats.blind == 1 and
		([.devices[] | select(.sbdf == $sbdf)][0].incomplete == true) and
		all(.findings[]; . as $f |
			(any($w[]; $f.ts >= .[0] and $f.ts <= .[1]) | not) or
			$f.status != "bug")' "$d/report.json" >/dev/null; then
		tap ok "$s: $sbdf, reset in the window, is incomplete, no bug found in it"
	else
		tap "not ok" "$s: $sbdf, reset in the window, is incomplete, no bug found in it"
	fi
}
