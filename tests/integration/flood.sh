#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016,SC2154  # jq programs in single quotes; trap variable
#
# An attacker who knows nswatch, eBPF backend, real runc containers
# (tests/lib/*.sh):
#   1. Flood: in the privileged host-pid pod, two processes call
#      setns(-1, 0) (EBADF) as fast as they can for 4 s; after 1.5 s
#      another process of the pod escapes with nsenter into the host's
#      namespaces.  The pod's output stays small (each such call used to
#      become an ~11 KB line: GBs in 4 s), the escape line with its critical
#      alert is there, and process_throttle aggregates for the pod's
#      container carry exactly the number of calls the flood made, with a
#      setns-in-container alert naming the pod; the stats line at exit
#      counts them in lost.held.
#   2. A flood of successful setns calls that change nothing (into the
#      caller's own UTS namespace): at most --rate-limit lines a second,
#      the rest counted; lines plus counts are every call.
#   2h. The same no-op flood by a host process (a setns storm on the
#      host): a host process's call that changes nothing can carry no
#      alert, so it is not sent one by one either: at most --rate-limit
#      lines a second, the rest counted in the host mount namespace's
#      process_throttle lines (without an alert).
#   3. clone3 whose clone_args the BPF program cannot read: in a memfd
#      page that was never touched (the kernel faults it in and makes a
#      child in a new UTS namespace) and in an unmapped page (EFAULT).
#      Both are namespace events with ns_types ["unknown"], not dropped,
#      right after the flood of 2. (calls that may have made namespaces
#      have their own rate budget).
#   4. clone3 whose flags another thread switches between 0 and
#      CLONE_NEWUTS while the call runs (--rate-limit 0, so every call is
#      a line): every child that landed in a new UTS namespace is named by
#      a clone3 event, with its flags or with ns_types ["unknown"] when the
#      entry hook read 0 (found at fork: the child's namespaces differ).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
require_cmd jq stat
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
[ -x "$top_builddir/tests/helpers/nsw-flood" ] ||
	bail_out "tests/helpers/nsw-flood not built"
nsw_lock
why=$(mon_config_ok bpf) || skip_all "$why"

ct_rootfs_build || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
trap 'nsw_rc=$?; (exit "$nsw_rc"); ct_cleanup_all' EXIT
diag "priv pod $SCN_PRIV_NS/$SCN_PRIV_POD ($SCN_PRIV_ID, pid $SCN_PRIV_PID)"
HOST_PID=$$
PRIV_MNT=$(ct_ns_inum "$SCN_PRIV_PID" mnt)
[ "$PRIV_MNT" != "$(ct_ns_inum 2 mnt)" ] ||
	bail_out "the privileged pod shares the host mount namespace"
MAX_BYTES=$((4 << 20))
RATE=20		# nswatch monitor's default --rate-limit

# wait_gone PID [SECONDS]: until PID has exited, at most SECONDS (20)
wait_gone() {
	local n=$(( ${2:-20} * 50 ))
	while ct_alive "$1" && [ "$n" -gt 0 ]; do
		ct_sleep 0.02
		n=$((n - 1))
	done
	! ct_alive "$1"
}
# calls LOG: sum of the "calls=N" a helper printed
calls() {
	sed -n 's/^nsw-flood: pid=[0-9]* calls=\([0-9]*\)$/\1/p' "$1" |
		awk '{ s += $1 } END { print s + 0 }'
}
# agg OUT MNT FIELD: sum of nswatch.aggregate.FIELD (a jq path) over the
# process_throttle lines of mount namespace MNT
agg() {
	jq -s --argjson m "$2" "
		map(select(.process_throttle != null and
			   .nswatch.aggregate.mnt_ns == \$m)
		    | .nswatch.aggregate.$3 | tonumber) | add // 0" "$1"
}

OUT=$NSW_CT_WORK/flood.json
mon_start bpf "$OUT" || bail_out "monitor (bpf) not ready"

# ---- 1. setns(-1, 0) flood with an escape in the middle --------------------
ct_exec_bg "$SCN_PRIV_ID" nsw-flood setns-badfd 4 2 >/dev/null ||
	bail_out "cannot start the flood"
FLOOD_PID=$CT_BG_PID
FLOOD_LOG=$NSW_CT_WORK/exec.$FLOOD_PID.log
ct_sleep 1.5
ct_alive "$FLOOD_PID"
ok $? "1: the flood is running when the escape starts"
scn_priv_host_nsenter "$SCN_PRIV_ID" "$HOST_PID" >"$NSW_CT_WORK/escape.txt"
ESC_PID=$SCN_PID
is "$SCN_RESULT" ok "1: the nsenter escape ran during the flood"
wait_gone "$FLOOD_PID"
ok $? "1: the flood ended"
N_FLOOD=$(calls "$FLOOD_LOG")
diag "flood: $N_FLOOD setns(-1, 0) calls; escape by pid $ESC_PID"
[ "$N_FLOOD" -ge 10000 ]
ok $? "1: the flood made many calls ($N_FLOOD)"

# ---- 2. successful setns calls that change nothing --------------------------
ct_exec_bg "$SCN_PRIV_ID" nsw-flood setns-own 2 >/dev/null ||
	bail_out "cannot start the no-op flood"
OWN_PID=$CT_BG_PID
wait_gone "$OWN_PID"
ok $? "2: the no-op flood ended"
N_OWN=$(calls "$NSW_CT_WORK/exec.$OWN_PID.log")

# ---- 2h. the same on the host ------------------------------------------------
HOST_MNT=$(ct_ns_inum $$ mnt)
"$top_builddir/tests/helpers/nsw-flood" setns-own 2 \
	>"$NSW_CT_WORK/host-own.log" 2>&1
HOWN_PID=$(sed -n 's/^nsw-flood: pid=\([0-9]*\) .*/\1/p' \
	"$NSW_CT_WORK/host-own.log")
N_HOWN=$(calls "$NSW_CT_WORK/host-own.log")

# ---- 3. clone3 with clone_args the program cannot read ----------------------
ct_exec "$SCN_PRIV_ID" nsw-flood clone3-unmapped-args \
	>"$NSW_CT_WORK/clone3a.txt" 2>&1
CL_A=$(sed -n 's/^nsw-flood: clone3 pid=\([0-9]*\) ret=\([0-9]*\) errno=0$/\1 \2/p' \
	"$NSW_CT_WORK/clone3a.txt")
ct_exec "$SCN_PRIV_ID" nsw-flood clone3-bad-args \
	>"$NSW_CT_WORK/clone3b.txt" 2>&1
CL_B=$(sed -n 's/^nsw-flood: clone3 pid=\([0-9]*\) ret=-1 errno=14$/\1/p' \
	"$NSW_CT_WORK/clone3b.txt")
[ -n "$CL_A" ]
ok $? "3: clone3 from an untouched page made a child (${CL_A#* })"
[ -n "$CL_B" ]
ok $? "3: clone3 from an unmapped page failed with EFAULT"
# the helpers print the pid in the pod's pid namespace: the host's here
# (host-pid pod), which the events use

ct_sleep 2.5	# two reports of the kernel's counts
mon_stop
is "$MON_RC" 0 "the monitor exits cleanly"

# ---- checks -------------------------------------------------------------------
# the pod's lines: every line naming its container (other work on the
# host writes exec lines of its own meanwhile)
SIZE=$(grep -F -- "$SCN_PRIV_ID" "$OUT" | wc -c)
diag "output: $(stat -c %s "$OUT") bytes, $SIZE of them naming the pod's container"
[ "$SIZE" -le "$MAX_BYTES" ]
ok $? "1: the pod's output stays small ($SIZE bytes for $N_FLOOD calls)"

mon_events "$OUT" "$ESC_PID" | jq -e -s '
	map(select(.process_kprobe != null and
		   ([.nswatch.alerts[]?.rule] | index("setns-escape-to-host"))
		   and .nswatch.verdict == "escape_to_host")) | length > 0' \
	>/dev/null
ok $? "1: the escape made during the flood is reported (setns-escape-to-host)"

FLOOD_LINES=$(jq -c --argjson p "$FLOOD_PID" '
	select(.process_kprobe.process.pid == $p and
	       .process_kprobe.function_name == "__x64_sys_setns")' "$OUT" |
	wc -l)
is "$FLOOD_LINES" 0 "1: no setns line for the failed calls (EBADF)"

HELD=$(agg "$OUT" "$PRIV_MNT" calls.setns)
HELD_FAILED=$(agg "$OUT" "$PRIV_MNT" failed.setns)
diag "aggregated for mnt $PRIV_MNT: $HELD setns calls, $HELD_FAILED failed"
[ "$HELD_FAILED" -ge "$N_FLOOD" ]
ok $? "1: aggregates count every failed call ($HELD_FAILED >= $N_FLOOD)"
[ "$HELD_FAILED" -le $((N_FLOOD + 1000)) ]
ok $? "1: ... and not many more"

jq -e -s --arg id "$SCN_PRIV_ID" --arg pod "$SCN_PRIV_POD" '
	map(select(.process_throttle != null and
		   (.nswatch.aggregate.process.pod.container.id // "" |
		    endswith($id)) and
		   ([.nswatch.alerts[]? | select(.rule == "setns-in-container"
			and (.message | contains($pod)))] | length > 0)))
	| length > 0' "$OUT" >/dev/null
ok $? "1: an aggregate names the pod's container, with a setns-in-container alert"

jq -e -s --argjson n "$N_FLOOD" '
	map(select(.nswatch_stats != null))[-1].nswatch_stats.lost.held
	| tonumber >= $n' "$OUT" >/dev/null
ok $? "1: the stats at exit count the held calls in lost.held"

OWN_LINES=$(jq -c --argjson p "$OWN_PID" '
	select(.process_kprobe.process.pid == $p and
	       .process_kprobe.function_name == "__x64_sys_setns")' "$OUT" |
	wc -l)
OWN_HELD=$(agg "$OUT" "$PRIV_MNT" calls.setns)
OWN_HELD=$((OWN_HELD - HELD_FAILED))	# the successful ones
diag "no-op flood: $N_OWN calls, $OWN_LINES lines, $OWN_HELD aggregated"
[ "$N_OWN" -ge 1000 ]
ok $? "2: the no-op flood made many calls ($N_OWN)"
[ "$OWN_LINES" -ge 1 ] && [ "$OWN_LINES" -le $((RATE * 4)) ]
ok $? "2: some, but at most the rate limit of, lines ($OWN_LINES)"
is "$((OWN_LINES + OWN_HELD))" "$N_OWN" "2: lines plus aggregated calls are every call"

HOWN_LINES=$(jq -c --argjson p "${HOWN_PID:-0}" '
	select(.process_kprobe.process.pid == $p and
	       .process_kprobe.function_name == "__x64_sys_setns")' "$OUT" |
	wc -l)
HOWN_HELD=$(agg "$OUT" "$HOST_MNT" calls.setns)
diag "host no-op flood: $N_HOWN calls, $HOWN_LINES lines, $HOWN_HELD aggregated (host mnt $HOST_MNT)"
[ "$N_HOWN" -ge 1000 ]
ok $? "2h: the host's no-op flood made many calls ($N_HOWN)"
[ "$HOWN_LINES" -ge 1 ] && [ "$HOWN_LINES" -le $((RATE * 3)) ]
ok $? "2h: some, but at most the rate limit of, lines ($HOWN_LINES)"
# other host processes may add a few no-op calls of their own
[ $((HOWN_LINES + HOWN_HELD)) -ge "$N_HOWN" ] &&
	[ $((HOWN_LINES + HOWN_HELD)) -le $((N_HOWN + 100)) ]
ok $? "2h: lines plus aggregated calls are every call ($((HOWN_LINES + HOWN_HELD)) for $N_HOWN)"
jq -e -s --argjson m "$HOST_MNT" '
	map(select(.process_throttle != null and
		   .nswatch.aggregate.mnt_ns == $m))
	| length > 0 and all(.[]; (.nswatch.alerts // []) == [])' "$OUT" \
	>/dev/null
ok $? "2h: the host's aggregates carry no alert"

for c in ${CL_A%% *} $CL_B; do
	mon_events "$OUT" "$c" | jq -e -s '
		map(select(.process_kprobe.function_name == "__x64_sys_clone3"
			   and .nswatch.ns_types == ["unknown"]
			   and .nswatch.verdict == "unknown"
			   and ([.nswatch.alerts[]?.rule] |
				index("unshare-in-container"))))
		| length == 1' >/dev/null
	ok $? "3: clone3 of pid $c with unreadable clone_args is a namespace event with unknown flags"
done
mon_events "$OUT" "${CL_A%% *}" | jq -e -s '
	map(select(.process_kprobe.function_name == "__x64_sys_clone3"))[0]
	| .nswatch.success == true' >/dev/null
ok $? "3: the clone3 the kernel could read succeeded"
mon_events "$OUT" "$CL_B" | jq -e -s '
	map(select(.process_kprobe.function_name == "__x64_sys_clone3"))[0]
	| .nswatch.success == false and .process_kprobe.return.int_arg == -14' \
	>/dev/null
ok $? "3: the unreadable one failed with EFAULT"

# ---- 4. clone3 flags switched by another thread --------------------------------
OUT4=$NSW_CT_WORK/race.json
MON_EXTRA_ARGS=(--rate-limit 0)
mon_start bpf "$OUT4" || bail_out "monitor (bpf, --rate-limit 0) not ready"
ct_exec "$SCN_PRIV_ID" nsw-flood clone3-race 300 >"$NSW_CT_WORK/race.txt" 2>&1
ct_sleep 1
mon_stop
RACE_PID=$(sed -n 's/^nsw-flood: clone3-race pid=\([0-9]*\) .*/\1/p' \
	"$NSW_CT_WORK/race.txt")
NEW_UTS=$(sed -n 's/^nsw-flood: new-uts child=\([0-9]*\)$/\1/p' \
	"$NSW_CT_WORK/race.txt" | sort -n)
[ -n "$RACE_PID" ] && [ -n "$NEW_UTS" ]
ok $? "4: the race made children in new UTS namespaces ($(echo "$NEW_UTS" | wc -l))"
REPORTED=$(jq -r --argjson p "${RACE_PID:-0}" '
	select(.process_kprobe.process.pid == $p and
	       .process_kprobe.function_name == "__x64_sys_clone3" and
	       .nswatch.success == true and
	       ((.nswatch.ns_types // []) | (index("uts") or
					      index("unknown"))))
	| .process_kprobe.return.int_arg' "$OUT4" | sort -n)
MISSING=$(comm -23 <(echo "$NEW_UTS") <(echo "$REPORTED") | wc -l)
UNKNOWN=$(jq -c --argjson p "${RACE_PID:-0}" '
	select(.process_kprobe.process.pid == $p and
	       .nswatch.ns_types == ["unknown"])' "$OUT4" | wc -l)
diag "race: $(echo "$NEW_UTS" | wc -l) children in new UTS namespaces," \
	"$UNKNOWN reported with unknown flags"
is "$MISSING" 0 "4: every child in a new UTS namespace has its clone3 event"

done_testing
