#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Backend choice: `nswatch probe` reports the kernel's features and the
# decision; `--backend=auto` falls back to audit when eBPF cannot be used
# (forced here with --btf pointing at a missing file) and says why, audit
# events then flow; `--backend=bpf` in the same situation fails with a
# clear error instead of falling back.  --bpf-hooks chooses the syscall
# hooks: raw (tp_btf sys_enter/sys_exit) or the per-syscall tracepoints
# (tracefs mounted here for the test when it is not).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_root
require_cmd jq unshare
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
why=$(mon_config_ok fallback) || skip_all "$why"

J=$NSW_CT_WORK/probe.json
"$NSWATCH" probe --json >"$J"
is "$?" 0 "probe --json exits 0"
jq -e . "$J" >/dev/null
ok $? "probe --json is one JSON object"
for k in kernel btf bpf_prog_load audit_enabled audit_pid audit_multicast \
	 cgroup host_ns_reference backend backend_reason; do
	jq -e "has(\"$k\")" "$J" >/dev/null
	ok $? "probe reports $k"
done
if [ -r /sys/kernel/btf/vmlinux ]; then
	is "$(jq -r .backend "$J")" bpf "auto picks bpf on a BTF kernel"
else
	is "$(jq -r .backend "$J")" audit "auto picks audit without BTF"
fi
grep -q 'kthreadd\|PID 1' <(jq -r .host_ns_reference "$J")
ok $? "probe names the host namespace reference"

J2=$NSW_CT_WORK/probe-nobtf.json
"$NSWATCH" probe --json --btf "$NSW_CT_WORK/no-such-btf" >"$J2"
is "$(jq -r .backend "$J2")" audit "probe: missing BTF means audit"
jq -r .backend_reason "$J2" | grep -q 'no kernel BTF'
ok $? "probe: the reason names the missing BTF"

"$NSWATCH" monitor --backend=bpf --btf "$NSW_CT_WORK/no-such-btf" \
	--output "$NSW_CT_WORK/bpf.json" 2>"$NSW_CT_WORK/bpf.err"
rc=$?
is "$rc" 1 "--backend=bpf without BTF fails (exit 1)"
grep -q 'backend=bpf unusable: no kernel BTF' "$NSW_CT_WORK/bpf.err"
ok $? "--backend=bpf says why instead of falling back"
diag "$(head -n 3 "$NSW_CT_WORK/bpf.err")"

OUT=$NSW_CT_WORK/fallback.json
mon_start fallback "$OUT" || bail_out "monitor (fallback) not ready"
grep -q 'audit, because eBPF is unavailable: no kernel BTF' "$MON_ERR"
ok $? "auto logs the fallback and its reason"
unshare -U true
ct_sleep 1
mon_stop
is "$MON_RC" 0 "monitor exits 0"
jq -e -s '[.[] | select(.process_kprobe.function_name == "__x64_sys_unshare"
	and .nswatch.backend == "audit"
	and (.nswatch.ns_types | index("user")))] | length > 0' "$OUT" >/dev/null
ok $? "audit events flow after the fallback"

"$NSWATCH" monitor --bpf-hooks=kprobe --output /dev/null 2>"$NSW_CT_WORK/hooks.err"
is "$?" 2 "--bpf-hooks with an unknown set is a usage error (exit 2)"
grep -q 'bpf-hooks must be auto, raw or tracepoint' "$NSW_CT_WORK/hooks.err"
ok $? "...and says which sets exist"

if [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip "no BTF: eBPF hook sets not tried"
	done_testing
	exit 0
fi
TRACEFS=/sys/kernel/tracing
mounted_tracefs=
if [ ! -e "$TRACEFS/events/syscalls" ]; then
	mount -t tracefs nodev "$TRACEFS" && mounted_tracefs=1
fi
trap '[ -n "$mounted_tracefs" ] && umount "$TRACEFS"; ct_cleanup_all' EXIT
for hooks in tracepoint raw; do
	out=$NSW_CT_WORK/hooks.$hooks.json err=$NSW_CT_WORK/hooks.$hooks.err
	rm -f "$NSW_CT_WORK/hooks.ready"
	"$NSWATCH" monitor --backend=bpf --bpf-hooks=$hooks --stats-interval 0 \
		--ready-file "$NSW_CT_WORK/hooks.ready" --output "$out" \
		2>"$err" &
	pid=$!
	n=400
	while [ ! -e "$NSW_CT_WORK/hooks.ready" ] && [ "$n" -gt 0 ] &&
	      kill -0 "$pid" 2>/dev/null; do
		ct_sleep 0.05
		n=$((n - 1))
	done
	case $hooks in
	tracepoint) want='syscall tracepoint hooks attached' ;;
	raw) want='raw syscall hooks attached' ;;
	esac
	grep -q "$want" "$err"
	ok $? "--bpf-hooks=$hooks: $want"
	unshare -u true
	ct_sleep 0.5
	kill -TERM "$pid"
	wait "$pid"
	is "$?" 0 "--bpf-hooks=$hooks: monitor exits 0"
	jq -e -s '[.[] | select(.process_kprobe.function_name == "__x64_sys_unshare"
		and .nswatch.backend == "bpf"
		and .nswatch.verdict == "new_namespace")] | length > 0' "$out" >/dev/null
	ok $? "--bpf-hooks=$hooks: the host unshare is reported"
done
done_testing
