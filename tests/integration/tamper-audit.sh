#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# An attacker who knows nswatch's audit backend, with root in a privileged
# hostPID pod, against real runc containers, a real auditd and the real
# kernel:
#   1. netlink: `auditctl -D`, then an escape.  The CONFIG_CHANGE record
#      raises monitor-tamper naming auditctl's pid, exe and auid long
#      before the rule poll would (it is set to an hour here), the rules
#      are put back at once and the escape is reported.
#   2. netlink: `auditctl -e 0`: alert, and audit is enabled again.
#   3. multicast beside auditd: `auditctl -e 0` (auditd owns the setting,
#      nswatch does not undo it), an escape that leaves a process in the
#      host namespaces, `auditctl -e 1`: the blind window is reported with
#      its times, and the escaped process is found by the /proc scan.
#   4. netlink, then auditd starts: the kernel refuses auditd while
#      nswatch holds the socket; nswatch gives the socket up and reads the
#      multicast group, auditd starts on its second try, and an escape
#      after the switch is still reported.
#   5. multicast, one of nswatch's rules also in auditd's rules.d: the
#      operator's reload (-D, then the rules) is not cut short by nswatch
#      putting that rule back first.
#   6. netlink, the output a pipe whose reader is stopped: an exec storm
#      still finishes (audit's backlog_wait_time is 0 while nswatch is the
#      daemon, so no syscall waits for the stuck reader), the loss is
#      counted (lost.output_queue behind the output queue, lost.kernel
#      without it), and the old backlog_wait_time is back after exit.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=tests/lib/audit.sh
. "$top_srcdir/tests/lib/audit.sh"
# shellcheck source=tests/lib/scenarios.sh
. "$top_srcdir/tests/lib/scenarios.sh"

al_require
require_cmd runc cc
al_lock
ct_rootfs_build >/dev/null || bail_out "cannot build the container rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"

# the rule/status poll must not be what notices anything
export NSWATCH_AUDIT_CHECK_INTERVAL=3600
wait0=$(al_status backlog_wait_time)

TAMPER='any(.nswatch.alerts[]?; .rule == "monitor-tamper")'
tamper_msg() {	# jq filter: a tamper alert whose message matches $1
	echo "any(.nswatch.alerts[]?; .rule == \"monitor-tamper\" and (.message | test(\"$1\")))"
}
ESCAPE='any(.nswatch.alerts[]?; .rule == "setns-escape-to-host" or .rule == "nsenter-in-container")'

# escape_sleep SECONDS: from the privileged pod, nsenter into the host
# namespaces and leave a sleep running there; sets ESC_PID (nsenter's pid)
# and SLEEP_PID (the sleep's, nsenter forks for -p; "" if none came)
escape_sleep() {
	local i c
	SCN_NOWAIT=1 _scn_run priv-escape "$SCN_PRIV_ID" "$SCN_TARGET_PID" \
		nsenter -t "$SCN_TARGET_PID" -m -u -i -n -p -- sleep "$1" >/dev/null
	ESC_PID=$SCN_PID SLEEP_PID=
	for (( i = 0; i < 50; i++ )); do
		for c in $(_scn_descendants "$ESC_PID"); do
			[ "$(cat "/proc/$c/comm" 2>/dev/null)" = sleep ] &&
				SLEEP_PID=$c && return 0
		done
		ct_sleep 0.1
	done
}

# --- 1. netlink: rules deleted ------------------------------------------
al_monitor nl --audit-source=netlink
ok $? "netlink: nswatch started"
n_rules=$(al_rules_ours)
auditctl -D >/dev/null &
del_pid=$!
wait $del_pid
al_wait_json "$AL_OUT" "$(tamper_msg "rules removed \\\\([0-9]+ rules?\\\\) by pid $del_pid \\\\(auditctl, exe /usr/sbin/auditctl, auid unset, uid 0\\\\)")" 3
ok $? "auditctl -D: monitor-tamper names auditctl's pid, exe and auid, from the CONFIG_CHANGE record (the poll is an hour away)"
al_wait_json "$AL_OUT" "$(tamper_msg "; put back by nswatch after [0-9]+ ms, blind from 20[-0-9T:.]+Z to 20[-0-9T:.]+Z$")" 3
ok $? "... with the blind window's times"
is "$(jq -s "map(select($(tamper_msg "rules removed"))) | length" "$AL_OUT")" 1 \
	"... in one alert, though -D removes rule after rule"
is "$(al_rules_ours)" "$n_rules" "... and the rules are back"
escape_sleep 1
al_wait_json "$AL_OUT" "$ESCAPE" 5
ok $? "an escape right after the deletion is reported"

# --- 2. netlink: audit disabled -----------------------------------------
auditctl -e 0 >/dev/null &
dis_pid=$!
wait $dis_pid
al_wait_json "$AL_OUT" "$(tamper_msg "audit disabled by pid $dis_pid \\\\(auditctl, .*enabled again by nswatch after")" 3
ok $? "auditctl -e 0: monitor-tamper names auditctl"
for (( i = 0; i < 20; i++ )); do
	[ "$(al_status enabled)" = 1 ] && break
	ct_sleep 0.1
done
is "$(al_status enabled)" 1 "... and nswatch, the audit daemon, enables audit again"
is "$(al_status backlog_wait_time)" 0 "netlink: backlog_wait_time is 0 while nswatch is the daemon"
al_monitor_stop
is $? 0 "nswatch exits 0"
is "$(al_status backlog_wait_time)" "$wait0" "... and puts backlog_wait_time back"

# --- 3. multicast: a blind window with an escape in it ----------------------
al_auditd mc
ok $? "auditd started"
al_monitor mc --audit-source=multicast
ok $? "multicast: nswatch started beside it"
auditctl -e 0 >/dev/null
al_wait_json "$AL_OUT" "$(tamper_msg "audit disabled by pid [0-9]+ \\\\(auditctl")" 3
ok $? "auditctl -e 0: monitor-tamper"
escape_sleep 30
[ -n "$SLEEP_PID" ] &&
	[ "$(readlink "/proc/$SLEEP_PID/ns/mnt")" = "$(readlink /proc/2/ns/mnt)" ]
ok $? "escape in the blind window: sleep runs in the host mount namespace"
is "$(jq -s "map(select($ESCAPE)) | length" "$AL_OUT")" 0 \
	"... and audit recorded nothing of it"
auditctl -e 1 >/dev/null
al_wait_json "$AL_OUT" "$(tamper_msg "audit disabled from 20[-0-9T:.]+Z to 20[-0-9T:.]+Z, enabled again after [0-9]+ ms: not audited")" 4
ok $? "auditctl -e 1: the blind window is reported with its times"
al_wait_json "$AL_OUT" ".process_exec.process.pid == ${SLEEP_PID:-0} and any(.nswatch.alerts[]?; .rule == \"setns-escape-to-host\" and (.message | test(\"/proc scan after audit disabled from\")))" 3
ok $? "... and the escaped process is found by the /proc scan"
check=$(jq -c "select(.process_exec.process.pid == ${SLEEP_PID:-0}) | .process_exec.process.pod.name" "$AL_OUT" | head -n 1)
is "$check" "\"$SCN_PRIV_POD\"" "... attributed to the privileged pod"
kill "$SLEEP_PID" "$ESC_PID" 2>/dev/null
al_monitor_stop
is $? 0 "nswatch exits 0"
al_auditd_stop

# --- 4. netlink, then auditd starts ------------------------------------------
al_monitor handover --audit-source=netlink
ok $? "netlink: nswatch started"
al_auditd refused >/dev/null 2>&1
ok $((! $?)) "auditd is refused while nswatch holds the audit socket"
for (( i = 0; i < 30; i++ )); do
	grep -q "reads the multicast group" "$AL_LOG" && break
	ct_sleep 0.1
done
grep -q "auditd.*asked to become the audit daemon.*gave the audit socket up and reads the multicast group" "$AL_LOG"
ok $? "nswatch gives the socket up and switches to multicast"
al_auditd later
ok $? "auditd starts on its second try"
escape_sleep 1
al_wait_json "$AL_OUT" "$ESCAPE" 5
ok $? "an escape after the switch is reported"
al_monitor_stop
is $? 0 "nswatch exits 0"
al_auditd_stop

# --- 5. an operator's reload of rules that include one of ours ---------------
# auditd's rules.d has one of nswatch's rules (as after installing
# rules/nswatch.rules); `augenrules --load` runs `auditctl -R` on a file
# that starts with -D, and auditctl stops at the first rule that exists:
# a rule nswatch put back at once would cut the load short.
al_auditd reload
ok $? "auditd started"
shared=$("$NSWATCH" rules | grep -m1 -- '^-a ')
# shellcheck disable=SC2086  # a rule's words
auditctl $shared >/dev/null
al_monitor reload --audit-source=multicast
ok $? "multicast: nswatch started, one of its rules loaded by the operator"
n_rules=$(al_rules_ours)
{
	echo "-D"
	for (( i = 0; i < 20; i++ )); do
		echo "-w /tmp/nsw-operator-$i -p wa -k operator"
	done
	echo "$shared"
	echo "-w /tmp/nsw-operator-last -p wa -k operator"
} >"$AL_DIR/operator.rules"
auditctl -R "$AL_DIR/operator.rules" >"$AL_DIR/operator.out" 2>&1
ok $? "the operator's reload succeeds"
is "$(auditctl -l | grep -c -- '-k operator$\|key=operator$')" 21 "... with all its rules"
for (( i = 0; i < 30; i++ )); do
	[ "$(al_rules_ours)" = "$n_rules" ] && break
	ct_sleep 0.1
done
is "$(al_rules_ours)" "$n_rules" "... and all of nswatch's rules are back"
al_wait_json "$AL_OUT" "$(tamper_msg "rules removed .* by pid [0-9]+ \\\\(auditctl.*; put back by nswatch after")" 3
ok $? "... reported as one blind window"
al_monitor_stop
is $? 0 "nswatch exits 0"
auditctl -D -k operator >/dev/null
al_auditd_stop

# --- 6. a stuck output reader does not stall the host ----------------------
cc -O2 -o "$AL_DIR/storm" "$top_srcdir/bench/storm.c" 2>"$AL_DIR/cc.log"
ok $? "storm built"
mkfifo "$AL_DIR/pipe"
cat "$AL_DIR/pipe" >"$AL_DIR/stuck.json" &
reader=$!
NSW_CT_BGPIDS+=("$reader")
"$NSWATCH" monitor --backend=audit --audit-source=netlink \
	--ready-file="$AL_DIR/stuck.ready" --stats-interval=0 \
	>"$AL_DIR/pipe" 2>"$AL_DIR/stuck.log" &
AL_PID=$!
AL_PIDS+=("$AL_PID")
for (( i = 0; i < 100; i++ )); do
	[ -s "$AL_DIR/stuck.ready" ] && break
	ct_sleep 0.1
done
ok $([ -s "$AL_DIR/stuck.ready" ]; echo $?) "netlink: nswatch writes to a pipe"
kill -STOP "$reader"
SECONDS=0
timeout -k 5 120 "$AL_DIR/storm" exec -n 20000 -m nswstuck >/dev/null
rc=$?
took=$SECONDS
ok $rc "an exec storm of 20000 finishes with the pipe's reader stopped (${took} s)"
ok $((took >= 60)) "... in well under a minute (a 60 s backlog wait per record would take hours)"
kill -CONT "$reader"
al_monitor_stop
is $? 0 "nswatch exits 0"
wait "$reader"
# Where the loss lands depends on who waits: with the output queue (the
# default) the reader never blocks and the full queue drops lines
# (lost.output_queue); with --output-queue 0 the reader blocks on the
# pipe and the kernel drops records (lost.kernel).  Either way it is
# counted.
lost=$(jq -s 'map(select(.nswatch_stats)) | last | .nswatch_stats.lost |
	((.kernel // "0") | tonumber) + ((.output_queue // "0") | tonumber)' \
	"$AL_DIR/stuck.json")
ok $((! (lost > 0))) "what the stuck reader cost is counted (lost.kernel + lost.output_queue $lost)"
is "$(al_status backlog_wait_time)" "$wait0" "backlog_wait_time restored"

done_testing
