#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Evasions of the audit backend by an attacker who knows that it reads
# /proc/<pid> after the kernel reported the call, with real containers, a
# real auditd and the real kernel:
#
#  leave-return  in the privileged hostPID pod, the static
#                /bin/nsw-leave-return joins a host namespace, opens "/"
#                there (with the mount namespace, a handle on the host's
#                root) and joins its own namespace again, then exits at
#                once.  Read late, both calls look like no-ops.
#  exec-escape   `runc exec <priv id> /bin/nsw-setns /proc/<host pid>/ns/X
#                X` (kubectl exec pod -- /escape): a static program exec'd
#                straight by the runtime joins a host namespace and exits;
#                under the auditd plugin its /proc entry is gone before the
#                records arrive.  Looped EVA_RUNS times (mnt), half as many
#                (uts).
# Both run with the mount namespace, whose root directory audit logs at
# the call (so audit must give the exact answer: setns-escape-to-host on
# the way out), and with the uts namespace, of which audit keeps nothing
# (so it must report the worst case: a critical alert).  Every setns event
# must carry the pod.
#
# Sources: the auditd plugin (auditd started here with rules/nswatch.rules
# and contrib/audisp-nswatch), netlink (nswatch is the audit daemon), and
# the eBPF backend, which captures in the kernel and must give the exact
# answer (setns-escape-to-host) in every case.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${EVA_RUNS:=10}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=tests/lib/audit.sh
. "$top_srcdir/tests/lib/audit.sh"
# shellcheck source=tests/lib/monitor.sh
. "$top_srcdir/tests/lib/monitor.sh"
# shellcheck source=tests/lib/scenarios.sh
. "$top_srcdir/tests/lib/scenarios.sh"

al_require
require_containers
[ -x "$top_builddir/tests/helpers/nsw-leave-return" ] ||
	skip_all "tests/helpers/nsw-leave-return not built"
[ -x "$top_builddir/tests/helpers/nsw-setns" ] ||
	skip_all "tests/helpers/nsw-setns not built"
al_lock
[ "$(al_daemon_pid)" = 0 ] ||
	skip_all "an audit daemon runs: the netlink source is not possible"
ct_rootfs_build || bail_out "cannot build the test rootfs"
scn_setup_pods >"$AL_DIR/pods.log" 2>&1 ||
	bail_out "pods: $(tail -n 3 "$AL_DIR/pods.log")"
enabled0=$(al_status enabled)
backlog0=$(al_status backlog_limit)
HOST_PID=$$	# in the host namespaces; the pod sees it (hostPID)
# the pod's events: their process carries the pod (jq, on an event line)
IN_POD=".process.pod.name == \"$SCN_PRIV_POD\" and .process.pod.namespace == \"$SCN_PRIV_NS\""

kp_setns() {	# jq selector of the setns process_kprobe lines of pid $1
	echo ".process_kprobe.function_name == \"${AL_FN}setns\" and .process_kprobe.process.pid == $1"
}

# ---- the evasions -----------------------------------------------------
# Each runs with the mount namespace (whose root audit logs at the call,
# so audit can give the exact answer) and with the uts namespace (no
# such record: audit must report the worst case).
declare -A LEAVE_PID
run_leave_return() {	# TYPE
	_scn_run "leave-return-$1" "$SCN_PRIV_ID" "$HOST_PID" \
		nsw-leave-return "/proc/$HOST_PID/ns/$1" "$1" \
		>>"$AL_DIR/scenarios.log"
	LEAVE_PID[$1]=$SCN_PID
	grep -q 'ret1=0 ret2=0' "$SCN_LOG" 2>/dev/null ||
		diag "leave-return $1 did not run as planned: $(cat "$SCN_LOG" 2>/dev/null)"
}

declare -A EXEC_PIDS
run_exec_escape() {	# TYPE RUNS
	local i line pids=()
	for (( i = 0; i < $2; i++ )); do
		# as kubelet's exec does: runc exec in the foreground
		line=$("$NSW_RUNTIME" --root "$NSW_CT_RUNC_ROOT" exec \
			"$SCN_PRIV_ID" /bin/nsw-setns \
			"/proc/$HOST_PID/ns/$1" "$1" 2>&1)
		case $line in
		*"ret=0 "*) ;;
		*) diag "exec-escape $1 run $i: $line" ;;
		esac
		line=${line#*pid=}
		pids+=("${line%% *}")
	done
	EXEC_PIDS[$1]=${pids[*]}
}

run_all() {
	run_leave_return mnt
	run_leave_return uts
	run_exec_escape mnt "$EVA_RUNS"
	run_exec_escape uts $(( (EVA_RUNS + 1) / 2 ))
}

# wait_pids FILE: the setns events of every scenario process arrived
wait_pids() {
	local p t
	for t in mnt uts; do
		for p in ${LEAVE_PID[$t]} ${EXEC_PIDS[$t]}; do
			al_wait_json "$1" "$(kp_setns "$p")" 15 ||
				diag "no setns event of pid $p ($t) yet"
		done
	done
}

# jq: a critical alert, the exact escape rule or either rule
ESCAPE='[.nswatch.alerts[]? | select(.severity == "critical" and .rule == "setns-escape-to-host")] | length > 0'
CRITICAL='[.nswatch.alerts[]? | select(.severity == "critical" and
	(.rule == "setns-escape-to-host" or .rule == "setns-in-container"))] | length > 0'

# check_leave SRC FILE TYPE EXACT: EXACT 1 when the source knows where
# the first call went (bpf; audit for mnt): exactly that call carries
# setns-escape-to-host; otherwise at least one call is critical
check_leave() {
	local src=$1 f=$2 t=$3 exact=$4 pid=${LEAVE_PID[$3]} n
	is "$(al_count "$f" "$(kp_setns "$pid") and .nswatch.success == true")" 2 \
		"$src: leave-return $t: both setns calls reported as successful"
	is "$(al_count "$f" "$(kp_setns "$pid") and (.process_kprobe | $IN_POD | not)")" 0 \
		"$src: leave-return $t: every call attributed to the pod"
	if [ "$exact" = 1 ]; then
		n=$(al_count "$f" "$(kp_setns "$pid") and ($ESCAPE)")
		[ "$n" = 1 ]
	else
		n=$(al_count "$f" "$(kp_setns "$pid") and ($CRITICAL)")
		[ "$n" -ge 1 ]
	fi
	ok $? "$src: leave-return $t: $([ "$exact" = 1 ] && echo "setns-escape-to-host on the way out" || echo "a critical alert") (got $n)" ||
		diag "$(jq -c "select($(kp_setns "$pid")) | .nswatch" "$f")"
}

# check_exec SRC FILE TYPE EXACT: every run's setns carries the pod and
# setns-escape-to-host (EXACT 1) or a critical alert
check_exec() {
	local src=$1 f=$2 t=$3 exact=$4 p good=0 n=0 want=$CRITICAL
	[ "$exact" = 1 ] && want=$ESCAPE
	for p in ${EXEC_PIDS[$t]}; do
		n=$((n + 1))
		if [ "$(al_count "$f" "$(kp_setns "$p") and (.process_kprobe | $IN_POD) and ($want)")" = 1 ]; then
			good=$((good + 1))
		else
			diag "$src: exec-escape $t pid $p: $(jq -c "select($(kp_setns "$p")) | [.process_kprobe.process.binary, .process_kprobe.process.pod.name, .nswatch.verdict, .nswatch.alerts]" "$f")"
		fi
	done
	[ "$n" -gt 0 ] && [ "$good" = "$n" ]
	ok $? "$src: exec-escape $t: each of $n runs carries the pod and $([ "$exact" = 1 ] && echo setns-escape-to-host || echo "a critical alert") ($good)"
}

# check_all SRC FILE BPF: BPF 1 when the source sees in the kernel
check_all() {
	check_leave "$1" "$2" mnt 1
	check_leave "$1" "$2" uts "$3"
	check_exec "$1" "$2" mnt 1
	check_exec "$1" "$2" uts "$3"
}

restore_status() {
	auditctl -D -k nswatch >/dev/null 2>&1
	auditctl -e "$enabled0" >/dev/null
	auditctl -b "$backlog0" >/dev/null
}

# ---- auditd plugin ----------------------------------------------------
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
auditctl -R "$top_srcdir/rules/nswatch.rules" >/dev/null
ok $? "plugin: rules/nswatch.rules loaded"
al_auditd plugin "active = yes
direction = out
path = $bin/audisp-nswatch
type = always
args = --output=$plug_out --ready-file=$plug_ready
format = string"
ok $? "plugin: auditd started with the nswatch plugin"
for (( i = 0; i < 100; i++ )); do
	[ -s "$plug_ready" ] && break
	ct_sleep 0.1
done
[ -s "$plug_ready" ]
ok $? "plugin: nswatch ready" || diag "$(cat "$plug_log" 2>/dev/null)"
run_all
wait_pids "$plug_out"
al_auditd_stop
cp "$plug_out" "$AL_DIR/plugin.json" 2>/dev/null	# kept with NSW_KEEP=1
cp "$plug_log" "$AL_DIR/plugin.log" 2>/dev/null
check_all plugin "$plug_out" 0
restore_status

# ---- netlink ----------------------------------------------------------
al_monitor netlink --audit-source=netlink
ok $? "netlink: nswatch ready"
run_all
wait_pids "$AL_OUT"
al_monitor_stop
is $? 0 "netlink: nswatch exits 0"
check_all netlink "$AL_OUT" 0
restore_status

# ---- eBPF: the exact answer -------------------------------------------
if why=$(mon_config_ok bpf); then
	bpf_out=$AL_DIR/bpf.json
	mon_start bpf "$bpf_out"
	ok $? "bpf: nswatch ready"
	run_all
	wait_pids "$bpf_out"
	mon_stop
	check_all bpf "$bpf_out" 1
else
	for (( i = 0; i < 9; i++ )); do
		skip "bpf: $why"
	done
fi

done_testing
