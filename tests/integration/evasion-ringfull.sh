#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016,SC2154  # jq programs in single quotes; trap variable
#
# Issue 10 item 10 on the eBPF backend, the part flood.sh cannot reach (its
# floods are held in the kernel before the ring buffer fills): a pod that
# fills the ring buffer.  The monitor's reader is stopped (SIGSTOP, as a
# reader starved on a loaded host would be) while the privileged host-pid
# pod execs /bin/true 2500 times with ~4000 bytes of arguments each (the
# exec record keeps argv up to 4 KiB: ~10 MB for a 4 MiB ring buffer),
# then escapes with nsenter into the host's namespaces; the reader goes on.
#   - The records of the pod lost to the full ring buffer are a
#     monitor-tamper alert on a process_throttle line of the pod's
#     container, whose message names the pod ("N records of container ...
#     (pod ns/name) lost ...: eBPF ring buffer full").
#   - The escape made while the ring buffer was full is reported with its
#     critical alert: routine records keep out of the room left for
#     records that can carry an alert.
#   - The stats at exit count the loss in lost.ringbuf.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
require_cmd jq
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
why=$(mon_config_ok bpf) || skip_all "$why"

ct_rootfs_build || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
trap 'nsw_rc=$?; [ -n "$MON_PID" ] && kill -CONT "$MON_PID" 2>/dev/null; (exit "$nsw_rc"); ct_cleanup_all' EXIT
diag "priv pod $SCN_PRIV_NS/$SCN_PRIV_POD ($SCN_PRIV_ID, pid $SCN_PRIV_PID)"
HOST_PID=$$
EXECS=2500

OUT=$NSW_CT_WORK/ringfull.json
mon_start bpf "$OUT" || bail_out "monitor (bpf) not ready"
kill -STOP "$MON_PID"
ok $? "the monitor's reader is stopped"
# in the pod's busybox shell: 40 arguments of 100 bytes, exec'd EXECS times
ct_exec "$SCN_PRIV_ID" sh -c '
	a=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
	set -- $a $a $a $a $a $a $a $a $a $a
	set -- "$@" "$@" "$@" "$@"
	i=0
	while [ $i -lt '"$EXECS"' ]; do /bin/true "$@"; i=$((i + 1)); done
	echo done $i' >"$NSW_CT_WORK/storm.txt" 2>&1
is "$(cat "$NSW_CT_WORK/storm.txt")" "done $EXECS" \
	"the pod exec'd $EXECS times with 4 KB of arguments"
scn_priv_host_nsenter "$SCN_PRIV_ID" "$HOST_PID" >"$NSW_CT_WORK/escape.txt"
ESC_PID=$SCN_PID
is "$SCN_RESULT" ok "the nsenter escape ran with the ring buffer full"
kill -CONT "$MON_PID"
ok $? "the reader goes on"
ct_sleep 2.5	# the kernel's counts are read every second
mon_stop
is "$MON_RC" 0 "the monitor exits cleanly"
grep -q -v ': info' "$MON_ERR" && diag "$(grep -v ': info' "$MON_ERR" | head -n 5)"

LOST=$(jq -s -r 'map(select(.nswatch_stats != null))[-1].nswatch_stats.lost.ringbuf // 0' "$OUT")
diag "records lost to the full ring buffer: $LOST"
[ "$LOST" -gt 0 ]
ok $? "the ring buffer overflowed, and the stats at exit count it ($LOST)"

jq -e -s --arg id "$SCN_PRIV_ID" --arg pod "$SCN_PRIV_NS/$SCN_PRIV_POD" '
	map(select(.process_throttle != null and
		   (.nswatch.aggregate.process.pod.container.id // "" |
		    endswith($id)) and
		   (.nswatch.aggregate.dropped | tonumber) > 0 and
		   ([.nswatch.alerts[]? | select(.rule == "monitor-tamper"
			and (.message | contains("(pod " + $pod + ")")
				 and test("lost .*ring buffer full")))]
		    | length > 0)))
	| length > 0' "$OUT" >/dev/null
ok $? "the pod's lost records: a monitor-tamper alert naming the pod" ||
	diag "$(jq -c 'select(.process_throttle != null) | [.nswatch.aggregate.dropped, .nswatch.alerts]' "$OUT" | head -n 5)"

mon_events "$OUT" "$ESC_PID" | jq -e -s '
	map(select(.process_kprobe != null and
		   ([.nswatch.alerts[]? | select(.rule == "setns-escape-to-host"
			and .severity == "critical")] | length > 0)
		   and .nswatch.verdict == "escape_to_host")) | length > 0' \
	>/dev/null
ok $? "the escape made while the ring buffer was full is reported (setns-escape-to-host)"

done_testing
