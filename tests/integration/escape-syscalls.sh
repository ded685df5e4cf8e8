#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016,SC2034  # jq programs in single quotes; MON_POLICY is read by monitor.sh
#
# Escapes that change no namespace (issue 14), with real runc containers,
# under each backend in NSW_ESC_CONFIGS (default "bpf audit-netlink"):
#   - kernel-module-load: finit_module and init_module from the
#     privileged pod (and finit_module from the unprivileged one: a failed
#     attempt alerts too);
#   - bpf-from-container: bpf(BPF_PROG_LOAD) and perf_event_open from
#     the privileged pod;
#   - open-by-handle: open_by_handle_at (the shocker's call) from the
#     privileged pod.
# Each call is made by the static helper nsw-escsys so that it fails or
# leaves nothing behind (no module or BPF program is ever loaded).  Each
# must give a process_kprobe event with Tetragon's function name, the
# rule id as policy_name, the pod and container, and the rule's alert.
# False positives: the same calls made by a host process, `nswatch probe`
# loading its test BPF programs, and a new pod started by runc while the
# monitor runs give no event of these rules.  The new lines pass
# tests/tetragon-fields.py.
# Enforcement (eBPF): with `rule kernel-module-load action=kill` and
# `rule open-by-handle action=kill`, the caller is killed at the call: the
# marker file it would write afterwards never appears, while the marker
# of a call whose rule only alerts (bpf) does.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_ESC_CONFIGS:=bpf audit-netlink}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
ESC=$top_builddir/tests/helpers/nsw-escsys
[ -x "$ESC" ] || bail_out "tests/helpers/nsw-escsys not built"
nsw_lock
T0=$SECONDS
for cfg in $NSW_ESC_CONFIGS bpf-policy; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done

ct_rootfs_build "$ESC:/bin/nsw-escsys" ||
	bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
diag "priv pod $SCN_PRIV_NS/$SCN_PRIV_POD ($SCN_PRIV_ID)" \
	"app pod $SCN_APP_NS/$SCN_APP_POD ($SCN_APP_ID)"
ROOTFS=$NSW_CT_STATE/$SCN_PRIV_ID/rootfs
MARKERS=()
cleanup_markers() {
	local m
	for m in "${MARKERS[@]}"; do
		rm -f "$ROOTFS$m"
	done
}
TRACEFS=/sys/kernel/tracing
mounted_tracefs=
trap 'nsw_rc=$?; cleanup_markers; [ -n "$mounted_tracefs" ] && umount "$TRACEFS"; (exit "$nsw_rc"); ct_cleanup_all' EXIT

OPS="finit_module init_module bpf perf_event_open open_by_handle_at"
rule_of() {
	case $1 in
	finit_module | init_module) echo kernel-module-load ;;
	bpf | perf_event_open) echo bpf-from-container ;;
	open_by_handle_at) echo open-by-handle ;;
	esac
}
ESC_FNS='["__x64_sys_init_module","__x64_sys_finit_module","__x64_sys_bpf","__x64_sys_perf_event_open","__x64_sys_open_by_handle_at"]'

# has OUT PID FILTER: some kprobe event of PID satisfies the jq FILTER ($e
# is the event body, . the line)
has() {
	mon_events "$1" "$2" | jq -e -s "
		map(.process_kprobe as \$e | select(\$e != null)
		    | select($3)) | length > 0" >/dev/null
}

# run_op ID OP [EXTRA...]: the helper in container ID; sets RUN_PID and
# RUN_LOG (its output)
run_op() {
	local id=$1
	shift
	_scn_run "escsys-$1" "$id" - nsw-escsys "$@" >/dev/null
	RUN_PID=$SCN_PID RUN_LOG=$SCN_LOG
}

run_config() {
	local cfg=$1 out=$NSW_CT_WORK/esc.$1.json op pid rule host_pids=""
	local -A cpid
	local priv_ctr=containerd://$SCN_PRIV_ID

	mon_start "$cfg" "$out" || { ok 1 "$cfg: monitor starts"; return 1; }
	ok 0 "$cfg: monitor ready"
	for op in $OPS; do
		run_op "$SCN_PRIV_ID" "$op"
		cpid[$op]=$RUN_PID
		diag "$cfg: priv $op: $(cat "$RUN_LOG" 2>/dev/null)"
	done
	run_op "$SCN_APP_ID" finit_module
	cpid[app]=$RUN_PID
	diag "$cfg: app finit_module: $(cat "$RUN_LOG" 2>/dev/null)"
	# the host's own calls: what modprobe, bpftool or systemd do
	for op in $OPS; do
		"$ESC" "$op" >"$NSW_CT_WORK/host.$op.log" 2>&1 9>&-
		pid=$(sed -n 's/.*pid=\([0-9]*\) .*/\1/p' "$NSW_CT_WORK/host.$op.log")
		host_pids="$host_pids $pid"
	done
	# our own BPF loading: `nswatch probe` loads and unloads test
	# programs (the monitor's own were loaded before it was ready)
	"$NSWATCH" probe >/dev/null 2>&1 9>&-
	# runc's work at container start
	ct_pod_create --name "late-$(ct_rand5)" --namespace shop \
		--container late --image docker.io/library/busybox:1.36.1 \
		>/dev/null 2>&1
	ok $? "$cfg: a pod started while monitoring"
	ct_sleep 1.5
	mon_stop
	is "$MON_RC" 0 "$cfg: monitor exits 0"
	jq -e . "$out" >/dev/null
	ok $? "$cfg: output is JSON lines"

	for op in $OPS; do
		rule=$(rule_of "$op")
		has "$out" "${cpid[$op]}" "\$e.function_name == \"__x64_sys_$op\"
			and \$e.policy_name == \"$rule\"
			and (\$e.args | length) >= 1
			and \$e.return.int_arg != null
			and \$e.process.pod.name == \"$SCN_PRIV_POD\"
			and \$e.process.pod.container.id == \"$priv_ctr\"
			and \$e.parent.pid != null
			and .nswatch.syscall == \"$op\"
			and (.nswatch | has(\"verdict\") | not)
			and .nswatch.container_process == true
			and ([.nswatch.alerts[]? | select(.rule == \"$rule\"
				and (.mitre | index(\"T1611\")))] | length == 1)"
		ok $? "$cfg: [$op] priv pod: process_kprobe $op, policy $rule, pod and container, alert $rule"
	done
	has "$out" "${cpid[finit_module]}" '([.nswatch.alerts[] | select(.rule == "kernel-module-load" and .severity == "critical" and (.mitre | index("T1547.006")))] | length == 1)'
	ok $? "$cfg: [finit_module] critical, T1547.006"
	if [ "$cfg" = bpf ]; then
		has "$out" "${cpid[bpf]}" '$e.args[0].int_arg == 5 and $e.args[1].int_arg == 2'
		ok $? "$cfg: [bpf] args: BPF_PROG_LOAD, prog_type kprobe (2)"
	else
		has "$out" "${cpid[bpf]}" '$e.args[0].int_arg == 5'
		ok $? "$cfg: [bpf] args: BPF_PROG_LOAD (audit cannot read prog_type)"
	fi
	has "$out" "${cpid[app]}" "\$e.function_name == \"__x64_sys_finit_module\"
		and .nswatch.success == false
		and \$e.process.pod.name == \"$SCN_APP_POD\"
		and ([.nswatch.alerts[]?.rule] | index(\"kernel-module-load\"))"
	ok $? "$cfg: [finit_module] unprivileged pod: the failed attempt alerts"

	# every line of these rules has only Tetragon's fields and types
	jq -c --argjson fns "$ESC_FNS" 'select(.process_kprobe.function_name
		as $f | $fns | index($f))' "$out" >"$out.esc"
	python3 "$top_srcdir/tests/tetragon-fields.py" "$out.esc" >/dev/null
	ok $? "$cfg: the new lines pass the Tetragon field check ($(wc -l <"$out.esc") lines)"

	# false positives
	# shellcheck disable=SC2086
	n=$(mon_events "$out" $host_pids | jq -s '[.[] | select(.process_kprobe)] | length')
	is "$n" 0 "$cfg: the host's module, bpf, perf and open_by_handle_at calls give no event"
	n=$(jq -s --argjson fns "$ESC_FNS" --arg pids " ${cpid[*]} " '[.[]
		| select(.process_kprobe.function_name as $f | $fns | index($f))
		| .process_kprobe.process.pid as $p
		| select($pids | contains(" \($p) ") | not)]
		| length' "$out")
	is "$n" 0 "$cfg: nothing else (runc starting a pod, the monitor itself) gives an event of these rules"
}

for cfg in $NSW_ESC_CONFIGS; do
	run_config "$cfg"
done

# ---- the per-syscall tracepoints (fallback hooks) ---------------------------
# Each pair is attached only where tracefs has the syscall's event (a
# kernel without CONFIG_MODULES has none for the module calls): the
# monitor starts either way and sees the calls whose events exist.
if [ ! -e "$TRACEFS/events/syscalls" ]; then
	mount -t tracefs nodev "$TRACEFS" && mounted_tracefs=1
fi
MON_EXTRA_ARGS=(--bpf-hooks=tracepoint)
OUT=$NSW_CT_WORK/esc.tp.json
if mon_start bpf "$OUT"; then
	ok 0 "tracepoint hooks: monitor ready"
	declare -A TP
	for op in bpf open_by_handle_at; do
		run_op "$SCN_PRIV_ID" "$op"
		TP[$op]=$RUN_PID
	done
	ct_sleep 1.5
	mon_stop
	for op in bpf open_by_handle_at; do
		has "$OUT" "${TP[$op]}" "\$e.function_name == \"__x64_sys_$op\" and ([.nswatch.alerts[]?.rule] | index(\"$(rule_of "$op")\"))"
		ok $? "tracepoint hooks: [$op] event and alert"
	done
else
	ok 1 "tracepoint hooks: monitor ready"
fi
MON_EXTRA_ARGS=()
if [ -n "$mounted_tracefs" ] && umount "$TRACEFS"; then
	mounted_tracefs=
fi

# ---- enforcement: action=kill (eBPF) ---------------------------------------
POL=$NSW_CT_WORK/esc-policy.conf
printf '%s\n' 'rule kernel-module-load action=kill' \
	'rule open-by-handle action=kill' >"$POL"
MON_POLICY=$POL
OUT=$NSW_CT_WORK/esc.kill.json
mon_start bpf-policy "$OUT" || bail_out "monitor (bpf-policy) not ready"
declare -A KP
for op in finit_module open_by_handle_at bpf; do
	m=/tmp/nsw-esc-kill-$op-$$
	MARKERS+=("$m")
	run_op "$SCN_PRIV_ID" "$op" --touch "$m"
	KP[$op]=$RUN_PID
done
ct_sleep 1.5
mon_stop
for op in finit_module open_by_handle_at; do
	m=/tmp/nsw-esc-kill-$op-$$
	[ ! -e "$ROOTFS$m" ]
	ok $? "kill: [$op] the caller never wrote its marker (killed at the call)"
	has "$OUT" "${KP[$op]}" '$e.action == "KPROBE_ACTION_SIGKILL" and .nswatch.enforced == "sigkill"'
	ok $? "kill: [$op] event: action KPROBE_ACTION_SIGKILL, enforced sigkill"
done
[ -e "$ROOTFS/tmp/nsw-esc-kill-bpf-$$" ]
ok $? "kill: [bpf] rule without action=kill: the caller lives on and writes its marker"
has "$OUT" "${KP[bpf]}" '$e.action == "KPROBE_ACTION_POST" and (.nswatch | has("enforced") | not)'
ok $? "kill: [bpf] event: action KPROBE_ACTION_POST"

diag "ran in $((SECONDS - T0)) s with the lock held"
done_testing
