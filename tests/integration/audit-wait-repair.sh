#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch, as the audit daemon (netlink source), sets the kernel's
# backlog_wait_time to 0 and puts the old value back at exit.  SIGKILL
# gives it no exit: the next start must find the value it recorded in
# its state file and put it back before anything else, with either
# backend, and a clean exit must leave no state file.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=tests/lib/audit.sh
. "$top_srcdir/tests/lib/audit.sh"
# shellcheck source=tests/lib/monitor.sh
. "$top_srcdir/tests/lib/monitor.sh"

al_require
al_lock
[ "$(al_daemon_pid)" = 0 ] ||
	skip_all "an audit daemon runs: the netlink source is not possible"
STATE=$NSWATCH_RUNTIME_DIR/audit-backlog-wait
WAIT=45678	# not the kernel's default, so it cannot be put back by chance
auditctl --backlog_wait_time "$WAIT" >/dev/null
is "$(al_status backlog_wait_time)" "$WAIT" "backlog_wait_time set to $WAIT"

# kill_daemon NAME: a netlink nswatch, SIGKILLed once it is ready
kill_daemon() {
	al_monitor "$1" --audit-source=netlink
	ok $? "$1: nswatch is the audit daemon"
	is "$(al_status backlog_wait_time)" 0 "$1: backlog_wait_time 0 while it runs"
	ok "$([ -f "$STATE" ] && [ ! -L "$STATE" ] &&
		[ "$(stat -c '%a %u' "$STATE")" = "600 0" ]; echo $?)" \
		"$1: the old value is recorded in a root-only state file"
	grep -qx "wait $WAIT" "$STATE" 2>/dev/null
	ok $? "$1: ... namely $WAIT" || diag "$(cat "$STATE" 2>/dev/null)"
	kill -KILL "$AL_PID"
	wait "$AL_PID" 2>/dev/null
	AL_PIDS=("${AL_PIDS[@]/$AL_PID}")
	is "$(al_status backlog_wait_time)" 0 "$1: SIGKILL leaves 0 behind"
}

# --- the next start is an audit daemon again ----------------------------
kill_daemon first
al_monitor second --audit-source=netlink
ok $? "second: nswatch started again"
grep -q "restored the audit backlog_wait_time to $WAIT" "$AL_LOG"
ok $? "second: it says it restored $WAIT" || diag "$(cat "$AL_LOG")"
al_monitor_stop
is $? 0 "second: exits 0"
is "$(al_status backlog_wait_time)" "$WAIT" "second: after its clean exit the value is $WAIT"
ok "$([ ! -e "$STATE" ]; echo $?)" "second: no state file left"

# --- the next start uses the eBPF backend -------------------------------
kill_daemon third
if why=$(mon_config_ok bpf); then
	mon_start bpf "$AL_DIR/bpf.json"
	ok $? "bpf: nswatch started"
	is "$(al_status backlog_wait_time)" "$WAIT" "bpf: the value is back while it runs"
	mon_stop
	is "$MON_RC" 0 "bpf: exits 0"
	ok "$([ ! -e "$STATE" ]; echo $?)" "bpf: no state file left"
else
	for i in 1 2 3 4; do skip "bpf: $why"; done
	auditctl --backlog_wait_time "$WAIT" >/dev/null
	rm -f "$STATE"
fi

# --- a foreign state file is not believed -------------------------------
printf 'owner 999999 1\nwait 1\n' >"$STATE"
chmod 0666 "$STATE"
auditctl --backlog_wait_time 0 >/dev/null
al_monitor foreign --audit-source=netlink
ok $? "foreign: nswatch starts"
al_monitor_stop
is "$(al_status backlog_wait_time)" 0 "foreign: a world-writable state file is ignored"
rm -f "$STATE"
done_testing
