#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2012
#
# nswatch's audit rules against the real kernel: the shipped rules file,
# adding and removing only our own rules (a foreign rule and rules loaded
# the augenrules way stay), cleanup after kill -9, tamper detection and
# repair, and the audit settings put back at exit.  Root; takes the global
# lock.  No auditd may run (nswatch is the audit daemon here).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=tests/lib/audit.sh
. "$top_srcdir/tests/lib/audit.sh"

al_require
al_lock
[ "$(al_daemon_pid)" = 0 ] ||
	skip_all "an audit daemon (pid $(al_daemon_pid)) runs; this test needs the audit socket free"

RULES=$top_srcdir/rules/nswatch.rules
FOREIGN='-a always,exit -F arch=b64 -S sethostname -F key=nswatch-test-foreign'
enabled0=$(al_status enabled)
backlog0=$(al_status backlog_limit)

# --- the printed rules and the shipped file ------------------------------
"$NSWATCH" rules >"$AL_DIR/printed.rules"
if cmp -s "$AL_DIR/printed.rules" "$RULES"; then
	ok 0 "nswatch rules prints rules/nswatch.rules"
else
	ok 1 "nswatch rules prints rules/nswatch.rules"
	diag "$(diff -u "$RULES" "$AL_DIR/printed.rules")"
fi
n_all=$(grep -c '^-a ' "$RULES")
is "$n_all" 18 "default rule set: setns, unshare, clone, clone3, escape syscalls (3), exec, exit_group for b64 and b32"
is "$(grep -c -- '-F key=nswatch$' "$RULES")" "$n_all" "every rule carries key=nswatch"
is "$(grep -c '^-a .*auid!=' "$RULES")" 0 "no auid!= filter (it would drop container processes)"
grep -q -- '-S clone -F a0&0x7E020080' "$RULES"
ok $? "clone rule filters on any CLONE_NEW* bit incl. NEWCGROUP and NEWTIME"
grep -q -- '-S unshare -F a0&0x7E020080' "$RULES"
ok $? "unshare rule filters on any CLONE_NEW* bit (unshare(CLONE_FS) makes no namespace)"
"$NSWATCH" rules --exec-rules=none >"$AL_DIR/none.rules"
is "$(grep -c execve "$AL_DIR/none.rules" | tr -d ' ')" 0 "--exec-rules=none: no exec rules"
is "$(grep -c '^-a ' "$AL_DIR/none.rules")" 14 "--exec-rules=none: namespace and escape syscall rules only"
"$NSWATCH" rules --exec-rules=containers >"$AL_DIR/ctr.rules"
is "$(grep -c '^-a .*execve,execveat -F \(auid=-1\|subj_type=container_t\|subj_type=spc_t\)' "$AL_DIR/ctr.rules")" 6 \
	"--exec-rules=containers: exec rules limited to auid unset and container domains"
"$NSWATCH" rules --exec-rules=bogus >/dev/null 2>&1
is $? 2 "unknown --exec-rules value is a usage error"

# --- the kernel accepts the files (augenrules loads them with auditctl -R)
for mode in all containers none; do
	f=$AL_DIR/load-$mode.rules
	"$NSWATCH" rules --exec-rules=$mode >"$f"
	auditctl -R "$f" >/dev/null 2>"$AL_DIR/load.err"
	ok $? "auditctl -R accepts the --exec-rules=$mode rules" ||
		diag "$(cat "$AL_DIR/load.err")"
	"$NSWATCH" rules --check --exec-rules=$mode >"$AL_DIR/check.out"
	ok $? "nswatch rules --check finds the $mode set complete" ||
		diag "$(cat "$AL_DIR/check.out")"
	auditctl -D -k nswatch >/dev/null
done
auditctl -R "$RULES" >/dev/null
auditctl -d always,exit -F arch=b32 -S clone3 -F key=nswatch
"$NSWATCH" rules --check >"$AL_DIR/check.out"
is $? 1 "nswatch rules --check fails when a rule is missing"
grep -q 'b32 clone3' "$AL_DIR/check.out"
ok $? "... and names it"
auditctl -D -k nswatch >/dev/null
is "$(al_rules_ours)" 0 "test rules removed"

# --- nswatch adds and removes only its own rules -------------------------
# shellcheck disable=SC2086
auditctl $FOREIGN
al_monitor own --audit-source=netlink
ok $? "nswatch (netlink source) is ready"
is "$(al_rules_ours)" "$n_all" "while running: all $n_all rules loaded"
is "$(auditctl -l | grep -c nswatch-test-foreign)" 1 "while running: the foreign rule is there"
is "$(al_status pid)" "$AL_PID" "while running: nswatch is the audit daemon"
is "$(al_status enabled)" 1 "while running: audit enabled"
[ "$(al_status backlog_limit)" -ge 8192 ]
ok $? "while running: backlog limit >= 8192"
is "$(ls "$NSWATCH_RUNTIME_DIR" 2>/dev/null | grep -c "^audit-rules\.")" 1 "while running: one ownership state file"
grep -q 'self-test passed' "$AL_LOG"
ok $? "start-up self-test passed"
al_monitor_stop
is $? 0 "nswatch exits 0 on SIGTERM"
is "$(al_rules_ours)" 0 "after exit: no rule with key nswatch"
is "$(auditctl -l | grep -c nswatch-test-foreign)" 1 "after exit: the foreign rule is still there"
is "$(al_status pid)" 0 "after exit: audit pid released"
is "$(al_status enabled)" "$enabled0" "after exit: enabled flag restored"
is "$(al_status backlog_limit)" "$backlog0" "after exit: backlog limit restored"
is "$(ls "$NSWATCH_RUNTIME_DIR" 2>/dev/null | grep -c "^audit-rules\.")" 0 "after exit: no state file"
# shellcheck disable=SC2086
auditctl ${FOREIGN/-a /-d }

# --- rules loaded the augenrules way stay loaded -------------------------
auditctl -R "$RULES" >/dev/null
al_monitor persistent --audit-source=netlink
ok $? "nswatch starts with its rules already loaded"
grep -q '(0 added by nswatch)' "$AL_LOG"
ok $? "... and adds none" || diag "$(cat "$AL_LOG")"
al_monitor_stop
is "$(al_rules_ours)" "$n_all" "after exit: the persistent rules are all still loaded"
auditctl -D -k nswatch >/dev/null

# --- kill -9: the next start removes the rules of the dead nswatch -------
al_monitor crash1 --audit-source=netlink
ok $? "nswatch started (to be killed)"
kill -KILL "$AL_PID"
wait "$AL_PID" 2>/dev/null
is "$(al_rules_ours)" "$n_all" "after kill -9 its rules are left"
is "$(ls "$NSWATCH_RUNTIME_DIR" | grep -c "^audit-rules\.")" 1 "... and its state file"
auditctl -e "$enabled0" >/dev/null
auditctl -b "$backlog0" >/dev/null
al_monitor crash2 --audit-source=netlink
ok $? "the next nswatch starts"
grep -q "removed $n_all audit rules left by an nswatch that died" "$AL_LOG"
ok $? "... and reports the stale rules it removed" || diag "$(cat "$AL_LOG")"
grep -q "(${n_all} added by nswatch)" "$AL_LOG"
ok $? "... and adds its own"
al_monitor_stop
is "$(al_rules_ours)" 0 "after its exit no rule with key nswatch is left"

al_monitor crash3 --audit-source=netlink --exec-rules=none
ok $? "nswatch --exec-rules=none started (to be killed)"
is "$(al_rules_ours)" 14 "--exec-rules=none installs the namespace and escape syscall rules only"
kill -KILL "$AL_PID"
wait "$AL_PID" 2>/dev/null
auditctl -e "$enabled0" >/dev/null
auditctl -b "$backlog0" >/dev/null
"$NSWATCH" rules --cleanup >"$AL_DIR/cleanup.out"
ok $? "nswatch rules --cleanup"
is "$(cat "$AL_DIR/cleanup.out")" "removed 14 stale rules" "... removes the dead nswatch's rules"
is "$(al_rules_ours)" 0 "... none left"
is "$(ls "$NSWATCH_RUNTIME_DIR" | grep -c "^audit-rules\.")" 0 "... nor its state file"

# --- --exec-rules=containers ----------------------------------------------
al_monitor containers --audit-source=netlink --exec-rules=containers
ok $? "nswatch --exec-rules=containers started"
is "$(al_rules_ours)" 20 "--exec-rules=containers installs 20 rules"
is "$(auditctl -l | grep -c -- '-S execve,execveat -F auid=-1 -F key=nswatch$')" 2 \
	"... exec rules for processes without a login uid (b64, b32)"
al_monitor_stop
is $? 0 "nswatch exits 0"
is "$(al_rules_ours)" 0 "... and removes all 20"

# --- tamper: rules removed, audit disabled --------------------------------
export NSWATCH_AUDIT_CHECK_INTERVAL=1
al_monitor tamper --audit-source=netlink
ok $? "nswatch started (tamper checks every second)"
auditctl -d always,exit -F arch=b64 -S setns -F exit!=-9 -F exit!=-22 -F key=nswatch
al_wait_json "$AL_OUT" '.process_kprobe.process.pid == '"$AL_PID"' and
	(.nswatch.alerts // [] | map(select(.rule == "monitor-tamper" and
	(.message | test("removed")))) | length > 0)' 5
ok $? "removing a rule raises monitor-tamper"
for (( i = 0; i < 30; i++ )); do
	[ "$(al_rules_ours)" = "$n_all" ] && break
	ct_sleep 0.1
done
is "$(al_rules_ours)" "$n_all" "... and nswatch puts the rule back"
auditctl -e 0 >/dev/null
al_wait_json "$AL_OUT" '.nswatch.alerts // [] | map(select(.rule ==
	"monitor-tamper" and (.message | test("disabled")))) | length > 0' 5
ok $? "disabling audit raises monitor-tamper"
for (( i = 0; i < 30; i++ )); do
	[ "$(al_status enabled)" = 1 ] && break
	ct_sleep 0.1
done
is "$(al_status enabled)" 1 "... and nswatch (the audit daemon) enables it again"
al_monitor_stop
is $? 0 "nswatch exits 0"
unset NSWATCH_AUDIT_CHECK_INTERVAL
is "$(al_rules_ours)" 0 "after exit: no rule with key nswatch"
is "$(al_status enabled)" "$enabled0" "after exit: enabled flag restored"
is "$(al_status pid)" 0 "after exit: audit pid released"

done_testing
