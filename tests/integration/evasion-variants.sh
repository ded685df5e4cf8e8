#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016,SC2054,SC2154,SC2086  # jq/container shell in single quotes; exit,never is one word; al_rc is set in the trap; pid lists split
#
# Variants of issue 10's evasions that the other evasion tests do not
# spell out, tried by an attacker who has read the fixes, with real runc
# containers (tests/lib/scenarios.sh pods):
#
#  1. Cgroup placement with the names of other runtimes: the privileged
#     host-pid pod's shell moves itself into a sub-cgroup of its own
#     container named like another runtime's container (the prefixed form
#     `cri-containerd-<app id>.scope` of the unprivileged pod's id) or
#     like LXC's monitor (`lxc.monitor.nsw`), then nsenter's to the host.
#     Still the privileged pod's escape, never the other pod's.
#  2. Binary names without a copy: a symbolic link /tmp/runc -> nsw-setns
#     run from a shell in the privileged pod, and a copy /tmp/bridge of
#     nsw-setns exec'd straight by the runtime (`runc exec`, as `kubectl
#     exec pod -- /tmp/bridge` would), each joining the unprivileged pod's
#     pid namespace from the host pid namespace (hostPID): a container
#     process entering another container is alerted whatever its name;
#     the same /tmp/bridge exec'd by the runtime joins the host's uts
#     namespace and exits (audit cannot confirm where it went): critical;
#     util-linux unshare as /tmp/static exec'd by the runtime into the
#     unprivileged pod (`unshare -U`): unshare-in-container.
#  3'. Item 3 with many short arguments: a shell with 100000 of them runs
#     the nsenter escape (nsenter gets them too): both alerts, no line
#     lost to the encoder.
#  Both under the eBPF and the audit (netlink) backend.
#  3. Audit rules tampered with one at a time (netlink, the rule poll an
#     hour away): `auditctl -d` of nswatch's setns rule alone, then an
#     escape; and `auditctl -A exit,never -S setns` inserted before
#     nswatch's rules (nothing of ours removed, but setns no longer
#     audited), then an escape: the removal must be a monitor-tamper
#     alert within seconds, the never rule one too (from its CONFIG_CHANGE
#     record), naming the rule and who added it.
#  6. Items 5 and 6 under the multicast source beside auditd (the other
#     sources are in evasion-audit.sh): three `runc exec` of a static
#     setns into the host's uts namespace that exit at once, and a setns
#     there and back; each call carries the pod and a critical alert.
#     Then auditd stops and starts again under the listener: an escape
#     while it is down and one after its restart are reported.
#  7. The same two calls (netlink) under a policy that allows the pod's
#     namespace its routine setns calls (`allow rule=setns-in-container
#     namespace=kube-system`, as for a CNI pod): still critical.
#  5. Item 10 on the audit backend (netlink): a 1-s setns(-1, 0) flood from
#     the privileged pod with an escape in it: the output stays small and
#     the escape is reported (the setns rule leaves EBADF/EINVAL failures
#     out in the kernel).
#  4. The output path planted with a FIFO that nobody reads (owned by
#     another user, as someone who can write the log directory would
#     plant it): the monitor must not hang opening it; it refuses it (and
#     SIGTERM ends it at once in any case).
#
# Run time: about 30 s on an idle machine.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_E2E_CONFIGS:=bpf audit-netlink}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/audit.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

al_require
require_containers
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
al_lock
# the never rule of 3 is ours to remove, whatever happens
NEVER_RULE=(exit,never -F arch=b64 -S setns)
trap 'al_rc=$?; auditctl -d "${NEVER_RULE[@]}" >/dev/null 2>&1; al_cleanup; (exit $al_rc); ct_cleanup_all' EXIT
for cfg in $NSW_E2E_CONFIGS; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done
[ "$(al_daemon_pid)" = 0 ] ||
	skip_all "an audit daemon runs: the netlink source is not possible"

ct_rootfs_build >/dev/null || bail_out "cannot build the test rootfs"
[ -x "$NSW_CT_ROOTFS/bin/nsw-setns" ] || bail_out "rootfs lacks nsw-setns"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
HOST_PID=$$
PRIV_CTR=containerd://$SCN_PRIV_ID
APP_CTR=containerd://$SCN_APP_ID
# a renamed copy as the image could ship it, written through the bundle
install -m 0755 "$NSW_CT_ROOTFS/bin/nsw-setns" \
	"$NSW_CT_STATE/$SCN_PRIV_ID/rootfs/tmp/bridge" ||
	bail_out "cannot place /tmp/bridge in the privileged container"
# util-linux unshare (dynamic; its libc is in the rootfs) as /tmp/static
install -m 0755 "$(command -v unshare)" \
	"$NSW_CT_STATE/$SCN_APP_ID/rootfs/tmp/static" ||
	bail_out "cannot place /tmp/static in the app container"

# item 3 with many short arguments instead of long ones: a shell with
# 100000 of them (about 590 KB) runs the nsenter escape, which gets them too
MANY_ARGS='set -- $(seq 100000)
exec /bin/sh -c "exec nsenter -t \$0 -m -u -i -n -p -- true \"\$@\"" "$0" "$@"'

run_scenarios() {
	scn_cgroup_escape cg-cri "$SCN_PRIV_ID" \
		"cri-containerd-$SCN_APP_ID.scope" "$HOST_PID" 0.5 >/dev/null
	S_CRI="$SCN_PID $SCN_CHILDREN" R_CRI=$SCN_RESULT L_CRI=$SCN_LOG
	scn_cgroup_escape cg-lxc "$SCN_PRIV_ID" lxc.monitor.nsw "$HOST_PID" 0.5 \
		>/dev/null
	S_LXC="$SCN_PID $SCN_CHILDREN" R_LXC=$SCN_RESULT L_LXC=$SCN_LOG

	_scn_run symlink-runc "$SCN_PRIV_ID" - sh -c \
		'ln -sf /bin/nsw-setns /tmp/runc && exec /tmp/runc /proc/$0/ns/pid pid' \
		"$SCN_APP_PID" >/dev/null
	S_LINK="$SCN_PID $SCN_CHILDREN" R_LINK=$SCN_RESULT
	grep -q 'ret=0 ' "$SCN_LOG" || R_LINK=failed
	_scn_run exec-bridge "$SCN_PRIV_ID" - \
		/tmp/bridge "/proc/$SCN_APP_PID/ns/pid" pid >/dev/null
	S_EXEC="$SCN_PID $SCN_CHILDREN" R_EXEC=$SCN_RESULT
	grep -q 'ret=0 ' "$SCN_LOG" || R_EXEC=failed
	_scn_run exec-bridge-uts "$SCN_PRIV_ID" "$HOST_PID" \
		/tmp/bridge "/proc/$HOST_PID/ns/uts" uts >/dev/null
	S_BUTS="$SCN_PID $SCN_CHILDREN" R_BUTS=$SCN_RESULT
	grep -q 'ret=0 ' "$SCN_LOG" || R_BUTS=failed
	_scn_run exec-static "$SCN_APP_ID" - \
		/tmp/static -U /bin/sh -c 'id -u' >/dev/null
	S_STATIC="$SCN_PID $SCN_CHILDREN" R_STATIC=$SCN_RESULT
	grep -qx 65534 "$SCN_LOG" || R_STATIC=failed

	_scn_run many-args "$SCN_PRIV_ID" "$HOST_PID" sh -c "$MANY_ARGS" \
		"$HOST_PID" >/dev/null
	S_MANY="$SCN_PID $SCN_CHILDREN" R_MANY=$SCN_RESULT
}

# escape_ok CFG OUT PIDS NAME: the escape is alerted for the privileged
# pod and no event names the app pod (on audit the exec records are
# handled late: a cgroup read after the shell moved into a sub-cgroup
# named after the app pod's container is checked against the shell's
# mount namespace, doc/container-mapping.md R19)
escape_ok() {
	local cfg=$1 out=$2 pids=$3 name=$4 esc
	esc='([.nswatch.alerts[]?.rule] | index("setns-escape-to-host"))'
	[ "$cfg" = bpf ] ||
		esc="($esc or (.nswatch.verdict == \"unknown\" and ([.nswatch.alerts[]?.rule] | index(\"setns-in-container\"))))"
	mon_has "$out" "$pids" ".process_kprobe != null and \$e.function_name == \"__x64_sys_setns\" and \$e.process.pod.container.id == \"$PRIV_CTR\" and $esc"
	ok $? "$cfg: [$name] the escape is alerted and attributed to the privileged pod" ||
		diag "$(mon_events "$out" ${pids} | jq -c '(.process_kprobe // .process_exec) as $e | [$e.process.binary, $e.process.pod.container.id, .nswatch.verdict, [.nswatch.alerts[]?.rule]]')"
	! mon_has "$out" "$pids" "(\$e.process.pod.container.id // \"\") == \"$APP_CTR\""
	ok $? "$cfg: [$name] no event borrows the other pod's identity" ||
		diag "$(mon_events "$out" ${pids} | jq -c '(.process_kprobe // .process_exec) as $e | [$e.process.binary, $e.process.pod.container.id, .nswatch.verdict, [.nswatch.alerts[]?.rule]]')"
}

# entered_ok CFG OUT PIDS NAME BINARY: the setns into the app pod's pid
# namespace is reported for the privileged pod with an alert
entered_ok() {
	local cfg=$1 out=$2 pids=$3 name=$4 bin=$5
	mon_has "$out" "$pids" ".process_kprobe != null and \$e.function_name == \"__x64_sys_setns\" and \$e.process.pod.container.id == \"$PRIV_CTR\" and (\$e.process.binary | endswith(\"/$bin\")) and ([.nswatch.alerts[]?.rule] | index(\"setns-in-container\"))"
	ok $? "$cfg: [$name] setns into the other pod's pid namespace: setns-in-container" ||
		diag "$(mon_events "$out" ${pids} | jq -c '(.process_kprobe // .process_exec) as $e | [$e.process.binary, $e.process.pod.container.id, .nswatch.verdict, [.nswatch.alerts[]?.rule]]')"
}

run_config() {
	local cfg=$1 out=$NSW_CT_WORK/variants.$1.json

	mon_start "$cfg" "$out" 9>&- || { ok 1 "$cfg: monitor starts"; return 1; }
	ok 0 "$cfg: monitor ready"
	run_scenarios
	diag "$cfg: cri=$R_CRI lxc=$R_LXC link=$R_LINK exec=$R_EXEC" \
		"buts=$R_BUTS static=$R_STATIC many=$R_MANY"
	ct_sleep 1
	mon_stop
	is "$MON_RC" 0 "$cfg: monitor exits 0 on SIGTERM"

	is "$R_CRI" ok "$cfg: [cri-containerd-<app id>.scope] scenario ran"
	grep -q "cri-containerd-$SCN_APP_ID.scope" "$L_CRI"
	ok $? "$cfg: [cri-containerd-<app id>.scope] the shell sat in that cgroup"
	escape_ok "$cfg" "$out" "$S_CRI" "cri-containerd-<app id>.scope"
	is "$R_LXC" ok "$cfg: [lxc.monitor.nsw] scenario ran"
	grep -q "lxc.monitor.nsw" "$L_LXC"
	ok $? "$cfg: [lxc.monitor.nsw] the shell sat in that cgroup"
	escape_ok "$cfg" "$out" "$S_LXC" "lxc.monitor.nsw"

	is "$R_LINK" ok "$cfg: [symlink /tmp/runc] scenario ran"
	entered_ok "$cfg" "$out" "$S_LINK" "symlink /tmp/runc" runc
	is "$R_EXEC" ok "$cfg: [runc exec /tmp/bridge] scenario ran"
	entered_ok "$cfg" "$out" "$S_EXEC" "runc exec /tmp/bridge" bridge
	is "$R_BUTS" ok "$cfg: [runc exec /tmp/bridge into the host uts] scenario ran"
	mon_has "$out" "$S_BUTS" ".process_kprobe != null and \$e.function_name == \"__x64_sys_setns\" and \$e.process.pod.container.id == \"$PRIV_CTR\" and ([.nswatch.alerts[]? | select(.severity == \"critical\")] | length > 0)"
	ok $? "$cfg: [runc exec /tmp/bridge into the host uts] a critical alert" ||
		diag "$(mon_events "$out" ${S_BUTS} | jq -c '(.process_kprobe // .process_exec) as $e | [$e.process.binary, $e.process.pod.container.id, .nswatch.verdict, [.nswatch.alerts[]?.rule]]')"
	is "$R_STATIC" ok "$cfg: [runc exec /tmp/static -U] scenario ran"
	mon_has "$out" "$S_STATIC" ".process_kprobe != null and \$e.function_name == \"__x64_sys_unshare\" and (\$e.process.binary | endswith(\"/static\")) and ([.nswatch.alerts[]?.rule] | index(\"unshare-in-container\"))"
	ok $? "$cfg: [runc exec /tmp/static -U] unshare-in-container" ||
		diag "$(mon_events "$out" ${S_STATIC} | jq -c '(.process_kprobe // .process_exec) as $e | [$e.process.binary, $e.process.pod.container.id, .nswatch.verdict, [.nswatch.alerts[]?.rule]]')"

	is "$R_MANY" ok "$cfg: [100000 arguments] scenario ran"
	escape_ok "$cfg" "$out" "$S_MANY" "100000 arguments"
	mon_has "$out" "$S_MANY" ".process_exec != null and \$e.process.pod.container.id == \"$PRIV_CTR\" and ([.nswatch.alerts[]?.rule] | index(\"nsenter-in-container\"))"
	ok $? "$cfg: [100000 arguments] nsenter exec: nsenter-in-container"
	n=$(jq -r '.nswatch_stats.lost.output_errors // empty' "$out" | tail -n 1)
	is "${n:-0}" 0 "$cfg: [100000 arguments] no line lost to the encoder"
}

for cfg in $NSW_E2E_CONFIGS; do
	run_config "$cfg"
done

# ---- 3. audit rules tampered with one at a time (netlink) ---------------
export NSWATCH_AUDIT_CHECK_INTERVAL=3600
TAMPER='any(.nswatch.alerts[]?; .rule == "monitor-tamper")'
ESCAPE='any(.nswatch.alerts[]?; .rule == "setns-escape-to-host" or .rule == "setns-in-container")'
escape_now() {	# sets ESC_PIDS: nsenter and its children
	_scn_run escape "$SCN_PRIV_ID" "$HOST_PID" \
		nsenter -t "$HOST_PID" -m -u -i -n -p -- true >/dev/null
	ESC_PIDS="$SCN_PID $SCN_CHILDREN"
}
escape_seen() {	# FILE: a setns event of ESC_PIDS with an alert
	local p
	for p in $ESC_PIDS; do
		al_wait_json "$1" ".process_kprobe.process.pid == $p and ($ESCAPE)" 3 &&
			return 0
	done
	return 1
}

al_monitor rules-one --audit-source=netlink 9>&-
ok $? "netlink: nswatch started (rule poll an hour away)"
n_rules=$(al_rules_ours)
rule=$(auditctl -l | grep -m 1 -- '-S setns .*-F key=nswatch$')
[ -n "$rule" ]
ok $? "nswatch loaded a setns rule: $rule"
# shellcheck disable=SC2086
auditctl -d ${rule#-a } >/dev/null
al_wait_json "$AL_OUT" "$TAMPER" 3
ok $? "auditctl -d of the setns rule alone: monitor-tamper"
for (( i = 0; i < 30; i++ )); do
	[ "$(al_rules_ours)" = "$n_rules" ] && break
	ct_sleep 0.1
done
is "$(al_rules_ours)" "$n_rules" "... and the rule is back"
escape_now
escape_seen "$AL_OUT"
ok $? "... an escape right after it is reported"

auditctl -A "${NEVER_RULE[@]}" >/dev/null
ok $? "auditctl -A exit,never -S setns inserted before nswatch's rules"
escape_now
NEVER_TAMPER='any(.nswatch.alerts[]?; .rule == "monitor-tamper" and (.message | test("action never")))'
al_wait_json "$AL_OUT" "$NEVER_TAMPER" 3
ok $? "never rule first: a monitor-tamper alert" ||
	diag "$(jq -c 'select(.nswatch.alerts) | .nswatch.alerts' "$AL_OUT" | tail -n 5)"
msg=$(jq -r "select($NEVER_TAMPER) | .nswatch.alerts[].message" "$AL_OUT" | grep -m 1 'action never')
diag "never rule first: $msg"
[[ $msg == *"exit,never before b64 setns"*"added by pid "*"exe "*auditctl*"auid "* ]]
ok $? "... naming the rule and who added it (pid, exe, auid)"
is "$(al_count "$AL_OUT" "$NEVER_TAMPER")" 1 "... once"
auditctl -d "${NEVER_RULE[@]}" >/dev/null
ok $? "the never rule removed again"
al_monitor_stop
is $? 0 "nswatch exits 0"

# ---- 6. (items 5, 6) multicast beside auditd: short-lived and back ---------
# `runc exec` of a static setns into the host's uts namespace that exits
# at once (kubectl exec pod -- /escape), and a setns there and back: audit
# keeps nothing of where a uts setns went, so each call must carry the pod
# and a critical alert (evasion-audit.sh does this for plugin and netlink)
CRIT='any(.nswatch.alerts[]?; .severity == "critical" and (.rule == "setns-escape-to-host" or .rule == "setns-in-container"))'
al_auditd mc 9>&-
ok $? "multicast: auditd started"
al_monitor mc --audit-source=multicast 9>&-
ok $? "multicast: nswatch started beside it"
MC_PIDS=()
for (( i = 0; i < 3; i++ )); do
	line=$("$NSW_RUNTIME" --root "$NSW_CT_RUNC_ROOT" exec "$SCN_PRIV_ID" \
		/bin/nsw-setns "/proc/$HOST_PID/ns/uts" uts 2>&1)
	case $line in *"ret=0 "*) ;; *) diag "exec-escape run $i: $line" ;; esac
	line=${line#*pid=}
	MC_PIDS+=("${line%% *}")
done
_scn_run leave-return "$SCN_PRIV_ID" "$HOST_PID" \
	nsw-leave-return "/proc/$HOST_PID/ns/uts" uts >/dev/null
MC_PIDS+=("$SCN_PID")
# auditd stopped and started again under the listener
al_auditd_stop
escape_now
escape_seen "$AL_OUT"
ok $? "multicast: auditd stopped: an escape meanwhile is reported"
al_auditd mc2 9>&-
ok $? "multicast: auditd started again"
escape_now
escape_seen "$AL_OUT"
ok $? "multicast: after auditd's restart an escape is reported"
for p in "${MC_PIDS[@]}"; do
	al_wait_json "$AL_OUT" ".process_kprobe.process.pid == ${p:-0}" 10 ||
		diag "multicast: no event of pid $p yet"
done
al_monitor_stop
is $? 0 "multicast: nswatch exits 0"
al_auditd_stop
good=0
for p in "${MC_PIDS[@]}"; do
	n=$(al_count "$AL_OUT" ".process_kprobe.function_name == \"${AL_FN}setns\" and .process_kprobe.process.pid == ${p:-0} and .process_kprobe.process.pod.name == \"$SCN_PRIV_POD\" and ($CRIT)")
	if [ "$n" -ge 1 ]; then
		good=$((good + 1))
	else
		diag "multicast: pid $p: $(jq -c "select(.process_kprobe.process.pid == ${p:-0}) | [.process_kprobe.function_name, .process_kprobe.process.pod.name, .nswatch.verdict, [.nswatch.alerts[]?.rule]]" "$AL_OUT")"
	fi
done
is "$good" "${#MC_PIDS[@]}" "multicast: 3 runtime-exec'd escapes and a leave-return: each carries the pod and a critical alert"

# ---- 7. (items 5, 6) an allow line for the pod's routine setns calls ------
# the operator quiets setns-in-container for kube-system (a CNI pod's
# setns); the privileged pod is in kube-system: its unconfirmed setns into
# the host's uts namespace (runtime-exec'd and exiting, and there and
# back) must keep its critical alert (netlink)
echo "allow rule=setns-in-container namespace=$SCN_PRIV_NS" \
	>"$NSW_CT_WORK/policy.conf"
al_monitor policy --audit-source=netlink --policy "$NSW_CT_WORK/policy.conf" 9>&-
ok $? "policy: nswatch started with allow rule=setns-in-container namespace=$SCN_PRIV_NS"
line=$("$NSW_RUNTIME" --root "$NSW_CT_RUNC_ROOT" exec "$SCN_PRIV_ID" \
	/bin/nsw-setns "/proc/$HOST_PID/ns/uts" uts 2>&1)
line=${line#*pid=}
PO_PIDS=("${line%% *}")
_scn_run leave-return "$SCN_PRIV_ID" "$HOST_PID" \
	nsw-leave-return "/proc/$HOST_PID/ns/uts" uts >/dev/null
PO_PIDS+=("$SCN_PID")
for p in "${PO_PIDS[@]}"; do
	al_wait_json "$AL_OUT" ".process_kprobe.process.pid == ${p:-0}" 10 ||
		diag "policy: no event of pid $p yet"
done
ct_sleep 0.5
al_monitor_stop
is $? 0 "policy: nswatch exits 0"
for p in "${PO_PIDS[@]}"; do
	n=$(al_count "$AL_OUT" ".process_kprobe.function_name == \"${AL_FN}setns\" and .process_kprobe.process.pid == ${p:-0} and ($CRIT)")
	[ "$n" -ge 1 ]
	ok $? "policy: pid $p: the unconfirmed setns into the host's uts namespace keeps its critical alert" ||
		diag "$(jq -c "select(.process_kprobe.process.pid == ${p:-0}) | [.process_kprobe.function_name, .nswatch.verdict, .nswatch.alerts]" "$AL_OUT")"
done

# ---- 5. (item 10 on audit) a setns(-1, 0) flood from the pod, netlink ------
# (before 4, whose monitor may be left killed; big output: grep, then jq)
al_monitor flood --audit-source=netlink 9>&-
ok $? "audit flood: nswatch started"
ct_exec_bg "$SCN_PRIV_ID" nsw-flood setns-badfd 1 >/dev/null ||
	bail_out "cannot start the flood"
FLOOD_PID=$CT_BG_PID
ct_sleep 0.3
escape_now
for (( i = 0; i < 100; i++ )); do
	ct_alive "$FLOOD_PID" || break
	ct_sleep 0.1
done
n_calls=$(sed -n 's/^nsw-flood: pid=[0-9]* calls=\([0-9]*\)$/\1/p' \
	"$NSW_CT_WORK/exec.$FLOOD_PID.log")
ct_sleep 2
al_monitor_stop
is $? 0 "audit flood: nswatch exits 0"
size=$(stat -c %s "$AL_OUT")
esc=0
for p in $ESC_PIDS; do
	grep -E "\"pid\":${p}[,}]" "$AL_OUT" |
		jq -e -s "map(select(.process_kprobe.process.pid == $p and ($ESCAPE))) | length > 0" \
		>/dev/null && esc=1
done
lost=$(tail -n 1 "$AL_OUT" | jq -c '.nswatch_stats.lost // empty' 2>/dev/null)
diag "audit flood: ${n_calls:-?} setns(-1, 0) calls in 1 s, $size bytes of output, escape reported: $esc, lost: $lost"
[ "$size" -le $((8 << 20)) ]
ok $? "audit flood: a 1-s flood from one pod writes at most 8 MB"
[ "$esc" = 1 ]
ok $? "audit flood: the escape made during it is reported"
rm -f "$AL_OUT"

# ---- 4. a FIFO nobody reads planted at the output path -------------------
fdir=$NSW_CT_WORK/fifo-out
mkdir -p "$fdir"
mkfifo "$fdir/events.json"
chown nobody "$fdir/events.json"
"$NSWATCH" monitor --backend=audit --audit-source=netlink \
	--output "$fdir/events.json" --ready-file "$fdir/ready" \
	--stats-interval 0 2>"$fdir/err" 9>&- &
fpid=$!
NSW_CT_BGPIDS+=("$fpid")
for (( i = 0; i < 50; i++ )); do
	kill -0 "$fpid" 2>/dev/null || break
	[ -e "$fdir/ready" ] && break
	ct_sleep 0.1
done
if kill -0 "$fpid" 2>/dev/null; then
	frc=running
else
	wait "$fpid"
	frc=$?
fi
[ "$frc" != running ] && [ "$frc" != 0 ] && [ ! -e "$fdir/ready" ]
ok $? "planted FIFO nobody reads: the monitor refuses it at once (status $frc)" ||
	diag "$(cat "$fdir/err")"
if [ "$frc" = running ]; then
	kill -TERM "$fpid" 2>/dev/null
	for (( i = 0; i < 20; i++ )); do
		kill -0 "$fpid" 2>/dev/null || break
		ct_sleep 0.1
	done
	! kill -0 "$fpid" 2>/dev/null
	ok $? "... SIGTERM ends the monitor stuck opening it"
	kill -KILL "$fpid" 2>/dev/null
	wait "$fpid" 2>/dev/null
else
	ok 0 "... (it did not hang: nothing to end)"
fi
auditctl -D -k nswatch >/dev/null 2>&1

done_testing
