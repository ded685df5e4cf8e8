#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034,SC2012  # NCHK_* are read indirectly
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
# scn_NAME runs one and sets SCN_PID; key_NAME PID prints a jq selector of
# the event that shows it arrived; chk_NAME FILE SRC PID checks (NCHK_NAME
# TAP lines).
AL_SCENARIOS=(host_unshare host_nsenter host_unshare_eperm)
declare -A SCN_PIDS

# check_any FILE SELECT NAME: some event matches SELECT
check_any() {
	if [ -s "$1" ] && jq -e -s "map(select($2)) | length > 0" "$1" \
		>/dev/null 2>&1; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "no event matches: $2"
		return 1
	fi
}

# unshare -U: a new user namespace, succeeds
NCHK_host_unshare=1
scn_host_unshare() { SCN_PID=$(unshare -U sh -c 'echo $$'); }
key_host_unshare() { kp unshare "$1"; }
chk_host_unshare() {
	check_event "$1" "$(kp unshare "$3")" '.process_kprobe.args == [{"int_arg": '$CLONE_NEWUSER'}] and
		.nswatch.backend == "audit" and .nswatch.syscall == "unshare" and
		.nswatch.success == true and (.nswatch.ns_types | index("user"))' \
		"$2: unshare -U: process_kprobe with flags, backend audit, success"
}

# nsenter -t <our pid> -u: setns into our own uts namespace, succeeds
NCHK_host_nsenter=2
scn_host_nsenter() { SCN_PID=$(nsenter -t $$ -u sh -c 'echo $$'); }
key_host_nsenter() { kp setns "$1"; }
chk_host_nsenter() {
	check_event "$1" "$(kp setns "$3")" '.process_kprobe.args[1] == {"int_arg": '$CLONE_NEWUTS'} and
		.nswatch.backend == "audit" and .nswatch.syscall == "setns" and
		.nswatch.success == true' \
		"$2: nsenter -u: setns process_kprobe with nstype, backend audit, success"
	check_event "$1" ".process_exec.process.pid == $3 and
		(.process_exec.process.binary | endswith(\"/nsenter\"))" \
		'.nswatch.backend == "audit"' "$2: nsenter's exec is seen (exec rules)"
}

# an unprivileged unshare -u fails with EPERM: failures are events too
NCHK_host_unshare_eperm=1
scn_host_unshare_eperm() {
	SCN_PID=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c 'echo $$; exec unshare -u true 2>/dev/null')
}
key_host_unshare_eperm() { kp unshare "$1"; }
chk_host_unshare_eperm() {
	check_event "$1" "$(kp unshare "$3")" '.process_kprobe.args == [{"int_arg": '$CLONE_NEWUTS'}] and
		.nswatch.success == false and .process_kprobe.return.int_arg == -1' \
		"$2: failed unshare -u (EPERM) is reported with success false"
}

# container scenarios (tests/lib/scenarios.sh), when runc and busybox are
# there: nsenter from a privileged host-pid pod into the host (the escape)
# and from an unprivileged pod (EPERM)
NCHK_priv_host_nsenter=3
key_priv_host_nsenter() { echo "$(kp setns "$1") and .nswatch.success == true"; }
chk_priv_host_nsenter() {
	check_any "$1" "$(kp setns "$3") and .nswatch.success == true and
		.nswatch.container_process == true and .nswatch.backend == \"audit\"" \
		"$2: privileged pod nsenter: successful setns by a container process"
	is "$(al_count "$1" "$(kp setns "$3") and .nswatch.success == true")" 5 \
		"$2: privileged pod nsenter: all five setns calls (-m -u -i -n -p)"
	check_any "$1" "(.process_kprobe.process.pid // .process_exec.process.pid) == $3 and
		(.nswatch.alerts // [] | map(.rule) | index(\"nsenter-in-container\"))" \
		"$2: privileged pod nsenter: nsenter-in-container alert (exec rules)"
}
NCHK_unpriv_nsenter=1
key_unpriv_nsenter() { kp setns "$1"; }
chk_unpriv_nsenter() {
	check_any "$1" "$(kp setns "$3") and .nswatch.success == false and
		.nswatch.container_process == true" \
		"$2: unprivileged pod nsenter: failed setns by a container process"
}

# unshare -U in an unprivileged pod: unshare-in-container
NCHK_unshare_user=1
key_unshare_user() { kp unshare "$1"; }
chk_unshare_user() {
	check_any "$1" "$(kp unshare "$3") and .nswatch.container_process == true and
		(.nswatch.ns_types | index(\"user\")) and
		(.nswatch.alerts // [] | map(.rule) | index(\"unshare-in-container\"))" \
		"$2: unshare -U in a pod: unshare-in-container"
}
# runc exec from the host (kubectl exec): runc's setns calls enter the
# container, and no runtime event raises an alert
NCHK_host_exec=2
key_host_exec() { echo ".process_exec.process.pid == $1"; }
chk_host_exec() {
	# runc's init child lives for milliseconds: when it is gone before
	# its namespaces are read the verdict is unknown (README: backend
	# differences), never an escape
	check_any "$1" ".process_kprobe.function_name == \"${AL_FN}setns\" and
		(.process_kprobe.process.binary | test(\"runc$\")) and
		(.nswatch.verdict == \"enter_container\" or .nswatch.verdict == \"unknown\")" \
		"$2: runc exec from the host: enter_container (or unknown if gone)"
	is "$(al_count "$1" "(.process_kprobe.process.binary // \"\" | test(\"runc$\"))
		and ((.nswatch.alerts // []) | length > 0)")" 0 \
		"$2: runc exec from the host: no alert"
}

CT_REASON=
if [ "$(id -u)" != 0 ] || ! command -v "$NSW_RUNTIME" >/dev/null ||
   ! [ -x /bin/busybox ]; then
	CT_REASON="no $NSW_RUNTIME or /bin/busybox: container scenarios skipped"
else
	# shellcheck source=tests/lib/scenarios.sh
	. "$top_srcdir/tests/lib/scenarios.sh"
	# the library's runners, renamed so ours can wrap them
	eval "scn_priv_host_nsenter_lib() $(declare -f scn_priv_host_nsenter | tail -n +2)"
	eval "scn_unpriv_nsenter_lib() $(declare -f scn_unpriv_nsenter | tail -n +2)"
	eval "scn_unshare_user_lib() $(declare -f scn_unshare_user | tail -n +2)"
	eval "scn_host_exec_lib() $(declare -f scn_host_exec | tail -n +2)"
	# shellcheck disable=SC2119
	if ct_rootfs_build && scn_setup_pods >>"$AL_DIR/scenarios.log" 2>&1; then
		AL_SCENARIOS+=(priv_host_nsenter unpriv_nsenter unshare_user host_exec)
	else
		CT_REASON="container harness failed: $(tail -n 3 "$AL_DIR/scenarios.log")"
	fi
fi
# after scenarios.sh, whose runners of the same names ours wrap
scn_priv_host_nsenter() {
	scn_priv_host_nsenter_lib "$SCN_PRIV_ID" >>"$AL_DIR/scenarios.log"
}
scn_unpriv_nsenter() {
	scn_unpriv_nsenter_lib "$SCN_APP_ID" >>"$AL_DIR/scenarios.log"
}
scn_unshare_user() {
	scn_unshare_user_lib "$SCN_APP_ID" >>"$AL_DIR/scenarios.log"
}
scn_host_exec() {
	scn_host_exec_lib "$SCN_APP_ID" >>"$AL_DIR/scenarios.log"
}

# run_scenarios SRC FILE: run all, then wait for each one's key event
run_scenarios() {
	local src=$1 file=$2 s
	for s in "${AL_SCENARIOS[@]}"; do
		"scn_$s"
		SCN_PIDS[$s]=$SCN_PID
	done
	for s in "${AL_SCENARIOS[@]}"; do
		al_wait_json "$file" "$("key_$s" "${SCN_PIDS[$s]}")" 10 ||
			diag "$src: no event of scenario $s yet (pid ${SCN_PIDS[$s]})"
	done
}

check_scenarios() {
	local s n
	for s in "${AL_SCENARIOS[@]}"; do
		"chk_$s" "$1" "$2" "${SCN_PIDS[$s]}"
	done
	if [ -n "$CT_REASON" ]; then
		n=$((NCHK_priv_host_nsenter + NCHK_unpriv_nsenter +
		     NCHK_unshare_user + NCHK_host_exec))
		while [ "$n" -gt 0 ]; do
			al_skip "$CT_REASON"
			n=$((n - 1))
		done
	fi
}

N_CHECKS=0	# checks per source from all scenarios
for s in host_unshare host_nsenter host_unshare_eperm priv_host_nsenter \
	 unpriv_nsenter unshare_user host_exec; do
	v=NCHK_$s
	N_CHECKS=$((N_CHECKS + ${!v}))
done

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
	for (( i = 0; i < N_CHECKS + 10; i++ )); do
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
	if [ -z "$plug_pid" ] || ! [ -d "/proc/$plug_pid" ]; then
		break
	fi
	ct_sleep 0.1
done
! { [ -n "$plug_pid" ] && [ -d "/proc/$plug_pid" ]; }
ok $? "plugin: nswatch exits when auditd stops"
grep -q 'input closed\|stopped' "$plug_log" 2>/dev/null
ok $? "plugin: ... and says so" || diag "$(cat "$plug_log" 2>/dev/null)"
check_scenarios "$plug_out" plugin
is "$(al_rules_ours)" "$(grep -c "^-a " "$top_srcdir/rules/nswatch.rules")" "plugin: nswatch left the rules auditd loaded alone"
auditctl -D -k nswatch >/dev/null
restore_status
nothing_left plugin

done_testing
