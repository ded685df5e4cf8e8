#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016,SC2154  # jq in single quotes; al_rc is set in the trap
#
# Audit rules that hide nswatch's records without removing its rules
# (issue 10 items 9 and 13 leftovers), tried by an attacker in the
# privileged host-pid pod (tests/lib/scenarios.sh) with auditctl placed in
# its root file system, against nswatch in netlink mode (the periodic
# rule check an hour away unless said otherwise):
#
#  1. `auditctl -a exclude,always -F msgtype=SYSCALL`: the exclude list
#     drops every SYSCALL record, whatever our rules say.  A
#     monitor-tamper alert naming the rule, from its CONFIG_CHANGE record;
#     `nswatch rules --check` lists it and exits 1, 0 again once it is
#     gone.
#  2. `auditctl -A exit,never -F exe=/tmp/x` before ours: hides only the
#     processes running /tmp/x (the attacker's copy of its tool), still
#     a hiding rule: monitor-tamper naming it with its exe; rules --check.
#  3. `auditctl -a exclude,always -F msgtype=CONFIG_CHANGE`: hides its own
#     CONFIG_CHANGE record, so only the periodic check (1 s here) can
#     find it: monitor-tamper naming it.
#  4. A state file of a dead nswatch listing rules of older formats
#     (setns without the EBADF/EINVAL filters, setns,unshare in one rule)
#     that auditctl loaded: `nswatch rules --cleanup` removes them and the
#     file; a monitor start does the same.
#
# Run time: about 15 s on an idle machine.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/audit.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"

[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
al_require
require_containers
al_lock
# the hiding rules are ours to remove, whatever happens
HIDE_RULES=(
	"exclude,always -F msgtype=SYSCALL"
	"exit,never -F exe=/tmp/x"
	"exclude,always -F msgtype=CONFIG_CHANGE"
)
unhide() {
	local r
	for r in "${HIDE_RULES[@]}"; do
		# shellcheck disable=SC2086
		auditctl -d $r >/dev/null 2>&1
	done
}
trap 'al_rc=$?; unhide; al_cleanup; (exit $al_rc); ct_cleanup_all' EXIT
[ "$(al_daemon_pid)" = 0 ] ||
	skip_all "an audit daemon runs: the netlink source is not possible"
auditctl -l 2>/dev/null | grep -q -e '^-a never' -e 'exclude' &&
	skip_all "never or exclude rules are loaded on this host"

ct_rootfs_build >/dev/null || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
# auditctl and its libraries in the privileged pod, as its image could
# ship them; /tmp/x is the attacker's tool
ROOT=$NSW_CT_STATE/$SCN_PRIV_ID/rootfs
AUDITCTL=$(command -v auditctl)
install -D -m 0755 "$AUDITCTL" "$ROOT/sbin/auditctl" ||
	bail_out "cannot place auditctl in the privileged container"
for lib in $(ldd "$AUDITCTL" | awk '/=>/ { print $3 } /^[ \t]*\// { print $1 }'); do
	[ -e "$ROOT$lib" ] && continue
	install -D -m 0755 "$(readlink -f "$lib")" "$ROOT$lib" ||
		bail_out "cannot place $lib in the privileged container"
done
install -m 0755 "$ROOT/bin/nsw-setns" "$ROOT/tmp/x" ||
	bail_out "cannot place /tmp/x in the privileged container"

# pod_auditctl ARGS: auditctl run in the privileged pod
pod_auditctl() {
	# shellcheck disable=SC2086
	ct_exec "$SCN_PRIV_ID" /sbin/auditctl "$@" 2>&1
}
# tamper_named TEXT [SECS]: a monitor-tamper alert whose message has TEXT
tamper_named() {
	al_wait_json "$AL_OUT" "any(.nswatch.alerts[]?; .rule == \"monitor-tamper\" and (.message | contains(\"$1\")))" "${2:-3}"
}
tamper_msg() {
	jq -r "select(.nswatch.alerts) | .nswatch.alerts[] | select(.rule == \"monitor-tamper\" and (.message | contains(\"$1\"))) | .message" \
		"$AL_OUT" | head -n 1
}

export NSWATCH_AUDIT_CHECK_INTERVAL=3600
al_monitor hide --audit-source=netlink 9>&-
ok $? "netlink: nswatch started (rule check an hour away)"
"$NSWATCH" rules --check >"$AL_DIR/check0.out" 2>&1
is $? 0 "rules --check: nothing hides our rules at start" ||
	diag "$(cat "$AL_DIR/check0.out")"

# ---- 1. exclude,always -F msgtype=SYSCALL --------------------------------
out=$(pod_auditctl -a exclude,always -F msgtype=SYSCALL)
ok $? "in the pod: auditctl -a exclude,always -F msgtype=SYSCALL" ||
	diag "$out"
tamper_named "exclude -F msgtype=SYSCALL drops SYSCALL records"
ok $? "1: a monitor-tamper alert naming the exclude rule" ||
	diag "$(jq -c 'select(.nswatch.alerts) | .nswatch.alerts' "$AL_OUT" | tail -n 3)"
msg=$(tamper_msg "msgtype=SYSCALL")
diag "1: $msg"
[[ $msg == *"on the exclude list"*"added by "*"auid "* ]]
ok $? "1: ... saying where it is and who added it"
"$NSWATCH" rules --check >"$AL_DIR/check1.out" 2>&1
is $? 1 "1: rules --check exits 1"
grep -q "^hiding rule [0-9]* of the kernel's list: exclude -F msgtype=SYSCALL drops SYSCALL records" \
	"$AL_DIR/check1.out"
ok $? "1: ... listing the rule" || diag "$(cat "$AL_DIR/check1.out")"
auditctl -d exclude,always -F msgtype=SYSCALL >/dev/null
ok $? "1: the exclude rule removed again"
"$NSWATCH" rules --check >/dev/null 2>&1
is $? 0 "1: rules --check exits 0 again"

# ---- 2. exit,never -F exe=/tmp/x before ours --------------------------------
out=$(pod_auditctl -A exit,never -F exe=/tmp/x)
ok $? "in the pod: auditctl -A exit,never -F exe=/tmp/x" || diag "$out"
tamper_named "exit,never -F exe=/tmp/x before "
ok $? "2: a monitor-tamper alert naming the never rule with its exe" ||
	diag "$(jq -c 'select(.nswatch.alerts) | .nswatch.alerts' "$AL_OUT" | tail -n 3)"
msg=$(tamper_msg "exe=/tmp/x")
diag "2: $msg"
[[ $msg == *"with action never"*"added by pid "*"auditctl"* ]]
ok $? "2: ... and who added it (the pod's auditctl)"
"$NSWATCH" rules --check >"$AL_DIR/check2.out" 2>&1
is $? 1 "2: rules --check exits 1"
grep -q "^hiding rule 1 of the kernel's list: exit,never -F exe=/tmp/x before b64 " \
	"$AL_DIR/check2.out"
ok $? "2: ... listing it first in the kernel's list" ||
	diag "$(cat "$AL_DIR/check2.out")"
auditctl -d exit,never -F exe=/tmp/x >/dev/null
ok $? "2: the never rule removed again"
al_monitor_stop
is $? 0 "nswatch exits 0"

# ---- 3. exclude CONFIG_CHANGE: the periodic check ------------------------
NSWATCH_AUDIT_CHECK_INTERVAL=1 al_monitor hide-cc --audit-source=netlink 9>&-
ok $? "netlink: nswatch started (rule check every second)"
out=$(pod_auditctl -a exclude,always -F msgtype=CONFIG_CHANGE)
ok $? "in the pod: auditctl -a exclude,always -F msgtype=CONFIG_CHANGE" ||
	diag "$out"
tamper_named "exclude -F msgtype=CONFIG_CHANGE drops CONFIG_CHANGE records" 5
ok $? "3: a monitor-tamper alert naming it (from the periodic check)" ||
	diag "$(jq -c 'select(.nswatch.alerts) | .nswatch.alerts' "$AL_OUT" | tail -n 3)"
auditctl -d exclude,always -F msgtype=CONFIG_CHANGE >/dev/null
ok $? "3: the exclude rule removed again"
al_monitor_stop
is $? 0 "nswatch exits 0"

# ---- 4. rules of older formats left by a dead nswatch --------------------
OLD_RULES=(
	"-a always,exit -F arch=b64 -S setns -F key=nswatch"
	"-a always,exit -F arch=b32 -S setns,unshare -F key=nswatch"
)
# as auditctl -l lists them (syscalls in number order)
OLD_LISTED=(
	"-a always,exit -F arch=b64 -S setns -F key=nswatch"
	"-a always,exit -F arch=b32 -S unshare,setns -F key=nswatch"
)
# stale_setup DIR: the state file of a dead nswatch, its rules loaded
stale_setup() {
	local dir=$1 dead r
	mkdir -p "$dir" && chmod 0700 "$dir"
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	{
		echo "# audit rules added by nswatch; removed by it at exit,"
		echo "# or by the next nswatch start if this owner is gone"
		echo "owner $dead 12345"
		printf '%s\n' "${OLD_RULES[@]}"
	} >"$dir/audit-rules.$dead"
	for r in "${OLD_RULES[@]}"; do
		# shellcheck disable=SC2086
		auditctl $r >/dev/null || return 1
	done
	STALE_FILE=$dir/audit-rules.$dead
}
# old_loaded: how many of OLD_RULES the kernel lists
old_loaded() {
	local r n=0 list
	list=$(auditctl -l)
	for r in "${OLD_LISTED[@]}"; do
		grep -qxF -- "$r" <<<"$list" && n=$((n + 1))
	done
	echo "$n"
}
STALE_DIR=$AL_DIR/stale-run
stale_setup "$STALE_DIR"
is "$(old_loaded)" 2 "4: auditctl loaded two rules of older formats"
out=$(NSWATCH_RUNTIME_DIR=$STALE_DIR "$NSWATCH" rules --cleanup 2>&1)
is $? 0 "4: rules --cleanup exits 0"
is "$out" "removed 2 stale rules" "4: ... removing both"
is "$(old_loaded)" 0 "4: ... from the kernel"
[ ! -e "$STALE_FILE" ]
ok $? "4: ... and the state file"

STALE_DIR=$AL_DIR/stale-start
stale_setup "$STALE_DIR"
NSWATCH_RUNTIME_DIR=$STALE_DIR al_monitor stale --audit-source=netlink 9>&-
ok $? "4: netlink: nswatch started"
is "$(old_loaded)" 0 "4: the start removed the old-format rules"
al_monitor_stop
is $? 0 "nswatch exits 0"

done_testing
