#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The live audit backend from each of its sources, against the real kernel
# and a real auditd:
#   netlink    no auditd: nswatch is the audit daemon (source chosen by auto)
#   multicast  beside an auditd this test starts (auto)
#   plugin     started by that auditd through a plugins.d conf and the
#              contrib/audisp-nswatch wrapper, rules loaded with auditctl -R
#              from rules/nswatch.rules as augenrules would
# For each, the scenarios below run on the host while nswatch watches;
# their process_kprobe/process_exec events are checked with jq, and after
# nswatch (and auditd) stop nothing may be left: no rule with key nswatch,
# no audit pid, the enabled flag and backlog limit as they were.
#
# Scenarios: AL_SCENARIOS lists names; scn_NAME runs one (sets SCN_PID,
# the host pid that made the syscall) and chk_NAME FILE checks its events.
# Container scenarios (tests/lib/scenarios.sh) are appended the same way.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=tests/lib/audit.sh
. "$top_srcdir/tests/lib/audit.sh"

al_require
al_lock

enabled0=$(al_status enabled)
backlog0=$(al_status backlog_limit)
CLONE_NEWUTS=67108864
CLONE_NEWUSER=268435456

# TAP skip of one planned check
al_skip() {
	NSW_TAP_N=$((NSW_TAP_N + 1))
	echo "ok $NSW_TAP_N # SKIP $*"
}

# check_event FILE SELECT EXPECT NAME: the first event matching SELECT
# (a jq boolean) must satisfy EXPECT (a jq boolean).
check_event() {
	local file=$1 sel=$2 expect=$3 name=$4 ev
	ev=$(jq -c "select($sel)" "$file" 2>/dev/null | head -n 1)
	if [ -z "$ev" ]; then
		ok 1 "$name"
		diag "no event matches: $sel"
		return 1
	fi
	if jq -e "$expect" <<<"$ev" >/dev/null 2>&1; then
		ok 0 "$name"
	else
		ok 1 "$name"
		diag "expected: $expect"
		diag "event: $ev"
		return 1
	fi
}

kp() {	# jq selector of a process_kprobe of syscall $1 by pid $2
	echo ".process_kprobe.function_name == \"$AL_FN$1\" and .process_kprobe.process.pid == $2"
}

# ---- scenarios --------------------------------------------------------
AL_SCENARIOS=(host_unshare host_nsenter host_unshare_eperm)
declare -A SCN_PIDS

# unshare -U: a new user namespace, succeeds
scn_host_unshare() { SCN_PID=$(unshare -U sh -c 'echo $$'); }
chk_host_unshare() {
	local sel
	sel=$(kp unshare "${SCN_PIDS[host_unshare]}")
	check_event "$1" "$sel" '.process_kprobe.args == [{"int_arg": '$CLONE_NEWUSER'}] and
		.nswatch.backend == "audit" and .nswatch.syscall == "unshare" and
		.nswatch.success == true and (.nswatch.ns_types | index("user"))' \
		"$2: unshare -U: process_kprobe with flags, backend audit, success"
}

# nsenter -t <our pid> -u: setns into our own uts namespace, succeeds
scn_host_nsenter() { SCN_PID=$(nsenter -t $$ -u sh -c 'echo $$'); }
chk_host_nsenter() {
	local sel pid=${SCN_PIDS[host_nsenter]}
	sel=$(kp setns "$pid")
	check_event "$1" "$sel" '.process_kprobe.args[1] == {"int_arg": '$CLONE_NEWUTS'} and
		.nswatch.backend == "audit" and .nswatch.syscall == "setns" and
		.nswatch.success == true and .process_kprobe.process.binary == "'"$(command -v nsenter)"'"' \
		"$2: nsenter -u: setns process_kprobe with nstype, backend audit, success"
	check_event "$1" ".process_exec.process.pid == $pid and
		(.process_exec.process.binary | endswith(\"/nsenter\"))" \
		'.nswatch.backend == "audit"' "$2: nsenter's exec is seen (exec rules)"
}

# an unprivileged unshare -u fails with EPERM: failures are events too
scn_host_unshare_eperm() {
	SCN_PID=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c 'echo $$; exec unshare -u true 2>/dev/null')
}
chk_host_unshare_eperm() {
	local sel
	sel=$(kp unshare "${SCN_PIDS[host_unshare_eperm]}")
	check_event "$1" "$sel" '.process_kprobe.args == [{"int_arg": '$CLONE_NEWUTS'}] and
		.nswatch.success == false and .process_kprobe.return.int_arg == -1' \
		"$2: failed unshare -u (EPERM) is reported with success false"
}

# run_scenarios SRC FILE: run all, wait for their events, check them
run_scenarios() {
	local src=$1 file=$2 s
	for s in "${AL_SCENARIOS[@]}"; do
		"scn_$s"
		SCN_PIDS[$s]=$SCN_PID
	done
	# the last scenario's event arriving means the others had their turn
	al_wait_json "$file" "$(kp unshare "${SCN_PIDS[host_unshare_eperm]}")" 10 ||
		diag "$src: events slow to arrive"
	al_wait_json "$file" "$(kp setns "${SCN_PIDS[host_nsenter]}")" 5
}

check_scenarios() {
	local s
	for s in "${AL_SCENARIOS[@]}"; do
		"chk_$s" "$1" "$2"
	done
}

N_CHECKS=4	# checks per source from the scenarios above

# nothing_left SRC: the audit state as before
nothing_left() {
	is "$(al_rules_ours)" 0 "$1: no rule with key nswatch left"
	is "$(al_status pid)" 0 "$1: no audit pid left"
	is "$(al_status enabled)" "$enabled0" "$1: enabled flag as before"
	is "$(al_status backlog_limit)" "$backlog0" "$1: backlog limit as before"
	is "$(ls "$NSWATCH_RUNTIME_DIR" 2>/dev/null | wc -l)" 0 \
		"$1: no ownership state file left"
}

restore_status() {
	auditctl -e "$enabled0" >/dev/null
	auditctl -b "$backlog0" >/dev/null
}

# ---- netlink ----------------------------------------------------------
if [ "$(al_daemon_pid)" != 0 ]; then
	for (( i = 0; i < N_CHECKS + 8; i++ )); do
		al_skip "an audit daemon runs: netlink source not possible"
	done
else
	al_monitor netlink --audit-source=auto
	ok $? "netlink: nswatch ready"
	grep -q 'audit source netlink' "$AL_LOG"
	ok $? "netlink: auto chose netlink (no audit daemon)" || diag "$(cat "$AL_LOG")"
	run_scenarios netlink "$AL_OUT"
	al_monitor_stop
	is $? 0 "netlink: nswatch exits 0 on SIGTERM"
	check_scenarios "$AL_OUT" netlink
	nothing_left netlink
fi

# ---- multicast --------------------------------------------------------
read -r kmaj kmin < <(uname -r | awk -F. '{ print $1, $2 }')
if [ "$kmaj" -lt 3 ] || { [ "$kmaj" -eq 3 ] && [ "$kmin" -lt 16 ]; }; then
	for (( i = 0; i < N_CHECKS + 9; i++ )); do
		al_skip "kernel $kmaj.$kmin has no audit multicast"
	done
else
	al_auditd mc
	ok $? "multicast: auditd started (pid $AL_AUDITD_PID)"
	al_monitor multicast --audit-source=auto
	ok $? "multicast: nswatch ready"
	grep -q 'audit source multicast' "$AL_LOG"
	ok $? "multicast: auto chose multicast beside auditd" || diag "$(cat "$AL_LOG")"
	run_scenarios multicast "$AL_OUT"
	al_monitor_stop
	is $? 0 "multicast: nswatch exits 0 on SIGTERM"
	check_scenarios "$AL_OUT" multicast
	is "$(al_status pid)" "$AL_AUDITD_PID" "multicast: auditd still holds the audit socket"
	al_auditd_stop
	restore_status	# auditd enabled audit and leaves it so
	nothing_left multicast
fi

# ---- plugin -----------------------------------------------------------
# auditd skips plugin .conf lines longer than 160 bytes: short paths
al_short_dir
bin=$AL_SHORT_DIR/bin
mkdir -p "$bin"
cp "$top_srcdir/contrib/audisp-nswatch" "$bin/audisp-nswatch"
chmod 0755 "$bin/audisp-nswatch"
ln -sf "$(readlink -f "$NSWATCH")" "$bin/nswatch"
plug_out=$AL_SHORT_DIR/out/events.json
plug_ready=$AL_SHORT_DIR/ready
plug_log=$AL_SHORT_DIR/out/nswatch.log
# as augenrules would load /etc/audit/rules.d/nswatch.rules
auditctl -R "$top_srcdir/rules/nswatch.rules" >/dev/null
ok $? "plugin: rules/nswatch.rules loaded with auditctl -R"
args_line="args = --output=$plug_out --ready-file=$plug_ready"
[ ${#args_line} -lt 160 ] || bail_out "plugin args line too long for auditd: $args_line"
al_auditd plugin "active = yes
direction = out
path = $bin/audisp-nswatch
type = always
$args_line
format = string"
ok $? "plugin: auditd started with the nswatch plugin conf"
for (( i = 0; i < 100; i++ )); do
	[ -s "$plug_ready" ] && break
	ct_sleep 0.1
done
plug_pid=$(cat "$plug_ready" 2>/dev/null)
[ -n "$plug_pid" ] && [ -d "/proc/$plug_pid" ]
ok $? "plugin: auditd started nswatch and it is ready (pid ${plug_pid:-none})" ||
	diag "$(cat "$plug_log" "$AL_DIR/plugin/stderr" 2>/dev/null)"
grep -q 'audit source plugin' "$plug_log" 2>/dev/null
ok $? "plugin: the wrapper's options select the plugin source; log next to the events" ||
	diag "$(cat "$plug_log" 2>/dev/null)"
run_scenarios plugin "$plug_out"
al_auditd_stop
for (( i = 0; i < 50; i++ )); do
	[ -n "$plug_pid" ] && [ -d "/proc/$plug_pid" ] || break
	ct_sleep 0.1
done
! { [ -n "$plug_pid" ] && [ -d "/proc/$plug_pid" ]; }
ok $? "plugin: nswatch exits when auditd stops"
grep -q 'input closed\|stopped' "$plug_log" 2>/dev/null
ok $? "plugin: ... and says so" || diag "$(cat "$plug_log" 2>/dev/null)"
check_scenarios "$plug_out" plugin
is "$(al_rules_ours)" 8 "plugin: nswatch left the rules auditd loaded alone"
auditctl -D -k nswatch >/dev/null
restore_status
nothing_left plugin

done_testing
