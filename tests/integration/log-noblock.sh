#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016  # jq programs in single quotes
#
# nswatch's own log goes to stderr from the thread that reads events.
# With stderr a pipe that nobody reads (a stopped supervisor), a flood of
# log lines (one "output reopened" per SIGHUP) fills the pipe; nswatch
# must go on delivering events, count the lines it dropped in the stats
# line's lost.log, and exit on SIGTERM.  eBPF backend, no containers.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=tests/lib/monitor.sh
. "$top_srcdir/tests/lib/monitor.sh"

require_root
require_cmd jq unshare mkfifo
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
why=$(mon_config_ok bpf) || skip_all "$why"

dir=$NSW_CT_WORK/log-noblock
mkdir -p "$dir"
out=$dir/events.json
ready=$dir/ready
fifo=$dir/stderr.fifo
rm -f "$out" "$ready" "$fifo"
mkfifo "$fifo" || bail_out "mkfifo"
# this shell holds the read end and never reads
exec {errfd}<>"$fifo"
"$NSWATCH" monitor --backend=bpf --output "$out" --ready-file "$ready" \
	--stats-interval 1 2>&"$errfd" &
pid=$!
NSW_CT_BGPIDS+=("$pid")
for (( i = 0; i < 300; i++ )); do
	[ -e "$ready" ] && break
	kill -0 "$pid" 2>/dev/null || break
	ct_sleep 0.1
done
ok "$([ -e "$ready" ]; echo $?)" "nswatch ready with stderr a pipe nobody reads"

# lost_log: the largest lost.log of the stats lines so far
lost_log() {
	jq -r 'select(.nswatch_stats) | .nswatch_stats.lost.log // "0"' "$out" 2>/dev/null |
		sort -n | tail -n 1
}
# SIGHUP (reopen the output) logs a line each time: fill the pipe
for (( round = 0; round < 60; round++ )); do
	for (( i = 0; i < 2000; i++ )); do
		kill -HUP "$pid" 2>/dev/null || break 2
	done
	[ "$(lost_log)" -gt 0 ] 2>/dev/null && break
	ct_sleep 0.2
done
lost=$(lost_log)
ok "$([ "${lost:-0}" -gt 0 ] 2>/dev/null; echo $?)" \
	"the pipe filled up: log lines dropped and counted in lost.log ($lost)"
# one more line that has nowhere to go, then an event
kill -HUP "$pid"
ct_sleep 0.2
upid=$(unshare -u sh -c 'echo $$')
sel='.process_kprobe.process.pid == '"$upid"' and .process_kprobe.function_name == "__x64_sys_unshare"'
[ "$(uname -m)" = x86_64 ] || sel='.process_kprobe.process.pid == '"$upid"
for (( i = 0; i < 100; i++ )); do
	[ "$(jq -c "select($sel)" "$out" 2>/dev/null | grep -c .)" -ge 1 ] && break
	ct_sleep 0.1
done
is "$(jq -c "select($sel)" "$out" 2>/dev/null | grep -c .)" 1 \
	"an unshare -u after the flood is still delivered"

kill -TERM "$pid"
for (( i = 0; i < 100; i++ )); do
	kill -0 "$pid" 2>/dev/null || break
	ct_sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
	ok 1 "nswatch exits on SIGTERM with its stderr pipe full"
	kill -KILL "$pid"
	wait "$pid"
else
	ok 0 "nswatch exits on SIGTERM with its stderr pipe full"
	wait "$pid"
	is $? 0 "... with status 0"
fi
exec {errfd}>&-
last=$(jq -r 'select(.nswatch_stats) | .nswatch_stats.lost.log' "$out" | tail -n 1)
ok "$([ "${last:-0}" -ge "${lost:-1}" ] 2>/dev/null; echo $?)" \
	"the final stats line counts the dropped lines ($last)"
done_testing
