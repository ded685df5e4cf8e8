#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Events to syslog (--output syslog) through a real rsyslogd started here
# with its own configuration, pid file and sockets in a temporary
# directory (never the system's /dev/log), set up with the shipped
# contrib/rsyslog/nswatch.conf (paths changed to the temporary ones).
#
#  1. `nswatch replay` of a recorded escape, to stdout and to syslog:
#     rsyslog writes back every line, identical and in order.
#  2. Live: two eBPF monitors side by side, one writing to a file, one to
#     syslog, while a privileged pod escapes to the host and runs a chain
#     of shells whose exec event (with the ancestors' arguments) is longer
#     than 16 KiB: every event line of those processes that rsyslog
#     received equals the file's, the long one too (rsyslog's default
#     8 KiB message size would cut it).
#  3. The monitor's own log with --log=syslog@SOCKET and
#     --log=journal@SOCKET (the journal's native datagrams), and the
#     lines lost when the syslog daemon goes away are counted.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
require_cmd rsyslogd
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
LISTEN=$top_builddir/tests/helpers/nsw-notify-listen
[ -x "$LISTEN" ] || bail_out "missing $LISTEN (make check builds it)"
nsw_lock
why=$(mon_config_ok bpf) || skip_all "bpf: $why"

# socket paths must stay short (108 bytes)
RS=$(mktemp -d /tmp/nsw-syslog.XXXXXX) || bail_out "mktemp"
trap 'ct_cleanup_all; rm -rf "$RS"' EXIT
SOCK=$RS/syslog.sock
EVENTS=$RS/events.json
sed -e "s|/run/nswatch/syslog.sock|$SOCK|" \
	-e "s|/var/log/nswatch/events.json|$EVENTS|" \
	"$top_srcdir/contrib/rsyslog/nswatch.conf" >"$RS/nswatch.conf"
# the host's rsyslog.conf part: imuxsock loaded (its /dev/log off here)
cat >"$RS/rsyslog.conf" <<EOC
global(workDirectory="$RS")
module(load="imuxsock" SysSock.Use="off")
include(file="$RS/nswatch.conf")
EOC
rsyslogd -N1 -f "$RS/rsyslog.conf" >"$RS/check.out" 2>&1
ok $? "rsyslogd accepts contrib/rsyslog/nswatch.conf" ||
	diag "$(cat "$RS/check.out")"

RS_PID=
rs_start() {
	rm -f "$SOCK"
	rsyslogd -n -f "$RS/rsyslog.conf" -i "$RS/rsyslogd.pid" \
		>>"$RS/rsyslogd.out" 2>&1 &
	RS_PID=$!
	NSW_CT_BGPIDS+=("$RS_PID")
	ct_wait_ready "$RS_PID" "$SOCK" 200 -S
}
rs_stop() {
	kill -TERM "$RS_PID" 2>/dev/null
	wait "$RS_PID" 2>/dev/null
	RS_PID=
}
# wait_lines FILE N: until FILE has N lines (rsyslog writes behind)
wait_lines() {
	local n=200
	while [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -lt "$2" ] &&
		[ "$n" -gt 0 ]; do
		ct_sleep 0.05
		n=$((n - 1))
	done
	[ "$(wc -l <"$1")" -ge "$2" ]
}
rs_start || bail_out "rsyslogd did not create $SOCK: $(cat "$RS/rsyslogd.out")"
ok 0 "rsyslogd started on $SOCK"

# ---- 1. replay: every line -------------------------------------------------
FX=$top_srcdir/tests/fixtures/audit/containers/escape.log
"$NSWATCH" replay --node-name syslog-node "$FX" >"$RS/replay.json" 2>/dev/null
"$NSWATCH" replay --node-name syslog-node --output "syslog:local0@$SOCK" \
	"$FX" 2>"$RS/replay.err"
is "$?" 0 "replay to syslog exits 0"
want=$(wc -l <"$RS/replay.json")
ok "$([ "$want" -gt 10 ]; echo $?)" "replay: $want lines to compare"
wait_lines "$EVENTS" "$want"
cmp -s "$EVENTS" "$RS/replay.json"
ok $? "replay: rsyslog wrote back every line, identical, in order" ||
	diag "$(diff "$EVENTS" "$RS/replay.json" | head -c 2000)"

# ---- 2. live escape, two monitors ----------------------------------------
ct_rootfs_build || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
: >"$EVENTS"

# start_mon NAME OUTPUT: an eBPF monitor, ready; sets MPID_<NAME>
start_mon() {
	local name=$1 out=$2 pid
	"$NSWATCH" monitor --backend=bpf --output "$out" \
		--ready-file "$RS/$name.ready" --stats-interval 0 \
		--node-name nswtest-node --cluster-name nswtest \
		2>"$RS/$name.err" &
	pid=$!
	NSW_CT_BGPIDS+=("$pid")
	eval "MPID_$name=$pid"
	ct_wait_ready "$pid" "$RS/$name.ready" ||
		{ diag "$(cat "$RS/$name.err")"; return 1; }
}
stop_mon() {
	local pid=$1
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
}
start_mon file "$RS/file.json" || bail_out "file monitor not ready"
start_mon sys "syslog:local0@$SOCK" || bail_out "syslog monitor not ready"
ok 0 "two eBPF monitors ready (file, syslog)"

HOST_PID=$$
scn_priv_host_nsenter "$SCN_PRIV_ID" "$HOST_PID" >"$RS/s1"
S1="$SCN_PID $SCN_CHILDREN" R1=$SCN_RESULT
is "$R1" ok "escape scenario ran"
# a chain of shells, each with 3900 bytes of arguments: the last exec's
# line carries them all as its ancestors'
A=$(head -c 3900 /dev/zero | tr '\0' a)
# shellcheck disable=SC2016
# (the assignment at the end keeps sh from exec'ing its last command,
# which would leave no ancestors)
S='n=$1; if [ "$n" -gt 0 ]; then sh -c "$S" sh $((n - 1)) "$2"; else /bin/true "$2"; fi; n=$?'
ct_exec_bg "$SCN_PRIV_ID" env S="$S" sh -c "$S" sh 5 "$A" >/dev/null
BIG=$CT_BG_PID
n=250
while ct_alive "$BIG" && [ "$n" -gt 0 ]; do ct_sleep 0.02; n=$((n - 1)); done
ct_sleep 1.5		# let the last events through
stop_mon "$MPID_sys"
is "$?" 0 "syslog monitor exits 0"
stop_mon "$MPID_file"
is "$?" 0 "file monitor exits 0"

# the events of the scenario's processes and of the shell chain (all
# processes of the privileged container), in each output, sorted: two
# monitors' ring buffers may order two CPUs' events differently.  Each
# monitor turns the kernel's monotonic times into wall-clock times with
# an offset of its own, so `time' and `start_time' may differ in the last
# digits between the two and are left out here; exec ids are the
# kernel's start time of each task (doc/schema.md §3.3), the same in
# both; part 1 compared every byte of the transport.  The two are
# compared on what each event says, below.
pick() {
	jq -c --arg c "containerd://$SCN_PRIV_ID" --arg pids " $S1 " '
		(.process_exec // .process_kprobe // .process_exit) as $e
		| select($e != null)
		| select(($e.process.pod.container.id == $c
			  and $e.process.pid != null)
			 or ($pids | contains(" \($e.process.pid) ")))
		| walk(if type == "object" then del(.time, .start_time)
		       else . end)' "$1" |
		sort
}
# (the syslog monitor started later: it has fewer lines in all)
pick "$RS/file.json" >"$RS/file.pick"
nf=$(wc -l <"$RS/file.pick")
n=200
while [ "$(pick "$EVENTS" | wc -l)" -lt "$nf" ] && [ "$n" -gt 0 ]; do
	ct_sleep 0.05
	n=$((n - 1))
done
jq -e . "$EVENTS" >/dev/null
ok $? "every message rsyslog received is a JSON line"
pick "$EVENTS" >"$RS/sys.pick"
ok "$([ "$nf" -gt 10 ]; echo $?)" "file: $nf events of the escape and the shell chain"
# what each event says (kind, process and its exec ids, container,
# verdict, alerts): the rest (ancestry, times) each monitor derives from
# its own view
proj() {
	jq -c '(keys[0]) as $k | .[$k] as $e | [$k, $e.process.pid,
		$e.process.exec_id, $e.process.parent_exec_id,
		$e.process.binary, $e.process.arguments,
		$e.process.pod.container.id, .nswatch.verdict,
		[.nswatch.alerts[]?.rule]]' "$1" | sort
}
proj "$RS/file.pick" >"$RS/file.cmp"
proj "$RS/sys.pick" >"$RS/sys.cmp"
cmp -s "$RS/file.cmp" "$RS/sys.cmp"
ok $? "syslog: the same $nf events (kind, process, exec ids, container, verdict, alerts)" ||
	diag "$(diff "$RS/file.cmp" "$RS/sys.cmp" | cut -c 1-300 | head -n 20)"
jq -e -s '[.[] | select(.process_kprobe and .nswatch.verdict == "escape_to_host"
	and ([.nswatch.alerts[]?.rule] | index("setns-escape-to-host")))]
	| length > 0' "$RS/sys.pick" >/dev/null
ok $? "syslog: the escape arrived with its alert"
big=$(jq -c 'select(.process_exec)' "$RS/sys.pick" |
	awk '{ if (length > m) m = length } END { print m + 0 }')
ok "$([ "$big" -gt 16384 ]; echo $?)" "syslog: the shell chain's exec line arrived whole ($big bytes)"
grep -q 'output errors 0,' "$RS/sys.err"
ok $? "syslog monitor: no output errors" || diag "$(grep stopped "$RS/sys.err")"

# ---- 3. own log; a daemon gone --------------------------------------------
: >"$EVENTS"
"$NSWATCH" replay --log="syslog@$SOCK" --output "$RS/r.json" \
	"$top_srcdir/tests/fixtures/audit/escape-nsenter.log" 2>"$RS/log.err"
wait_lines "$EVENTS" 1
# (rsyslog keeps the space after "nswatch[PID]:" in %msg%)
grep -q '^ \?replay: [0-9]* lines' "$EVENTS"
ok $? "--log=syslog: the own log reached the syslog socket" ||
	diag "$(cat "$EVENTS" "$RS/log.err")"
[ ! -s "$RS/log.err" ]
ok $? "--log=syslog: and not stderr"

"$LISTEN" "$RS/journal.sock" 5 >"$RS/journal.out" &
LPID=$!
NSW_CT_BGPIDS+=("$LPID")
n=100
until grep -q bound "$RS/journal.out" 2>/dev/null || [ "$n" -eq 0 ]; do
	ct_sleep 0.05
	n=$((n - 1))
done
"$NSWATCH" replay --log="journal@$RS/journal.sock" --output "$RS/r.json" \
	"$top_srcdir/tests/fixtures/audit/escape-nsenter.log" 2>"$RS/log.err"
n=100
until grep -q '^MESSAGE=replay: ' "$RS/journal.out" || [ "$n" -eq 0 ]; do
	ct_sleep 0.05
	n=$((n - 1))
done
grep -B3 '^MESSAGE=replay: [0-9]* lines' "$RS/journal.out" | tr '\n' ' ' |
	grep -q 'PRIORITY=6 SYSLOG_FACILITY=3 SYSLOG_IDENTIFIER=nswatch '
ok $? "--log=journal: native fields PRIORITY, SYSLOG_IDENTIFIER, MESSAGE" ||
	diag "$(cat "$RS/journal.out")"
kill "$LPID" 2>/dev/null
wait "$LPID" 2>/dev/null

rs_stop
"$NSWATCH" replay --node-name syslog-node --output "syslog:local0@$SOCK" \
	"$FX" 2>"$RS/gone.err"
rc=$?
grep -q "cannot connect yet" "$RS/gone.err"
ok $? "no syslog daemon: said so at start"
grep -q "cannot write event output: " "$RS/gone.err" &&
	grep -q "could not write every event" "$RS/gone.err"
ok $? "no syslog daemon: lines counted lost, replay says so" ||
	diag "$(cat "$RS/gone.err")"
is "$rc" 1 "no syslog daemon: replay fails"
done_testing
