#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Evasions by an attacker who has read nswatch's source, each performed
# with real runc containers (tests/lib/scenarios.sh pods) under every
# backend configuration in NSW_E2E_CONFIGS (default: "bpf audit-netlink"):
#
#  a. cgroup placement: in the privileged host-pid pod a shell makes a
#     sub-cgroup of its own container cgroup named like a runtime helper
#     (crio-conmon-<64hex>.scope), moves itself there in every hierarchy
#     and nsenter's to the host; then the same with a sub-cgroup named
#     after the unprivileged pod's container id.  The escape must still
#     be alerted and attributed to the privileged pod.
#  b. binary names: util-linux unshare copied to /tmp/static runs -U in
#     the unprivileged pod (unshare-in-container); nsw-setns copied to
#     /tmp/bridge joins the unprivileged pod's net namespace from the
#     privileged pod (setns-in-container).  A host `runc exec` stays
#     silent (tests/integration/false-positives.sh covers the rest).
#  c. arguments: five nested shells with about 1.2 MB of control bytes in
#     their arguments each (6 bytes each once escaped in JSON: together
#     past the 4 MiB line cap even where audit keeps only part of them)
#     run the nsenter escape; the events and their alerts are written,
#     the parent's arguments cut and flagged truncArgs.
#  d. busybox nsenter run through `exec -a` with an argv[0] longer than
#     a path component (300 bytes, and 5000 bytes: past the eBPF
#     backend's 4 KiB argument capture) and with a path of many
#     components, all ending in /nsenter: nsenter-in-container fires.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_E2E_CONFIGS:=bpf audit-netlink}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
UNSHARE=$(command -v unshare) || skip_all "needs util-linux unshare"
nsw_lock
for cfg in $NSW_E2E_CONFIGS; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done

ct_rootfs_build || bail_out "cannot build the test rootfs"
[ -x "$NSW_CT_ROOTFS/bin/nsw-setns" ] || bail_out "rootfs lacks nsw-setns"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
diag "app pod $SCN_APP_NS/$SCN_APP_POD ($SCN_APP_ID)" \
	"priv pod $SCN_PRIV_NS/$SCN_PRIV_POD ($SCN_PRIV_ID)"
HOST_PID=$$
PRIV_CTR=containerd://$SCN_PRIV_ID
APP_CTR=containerd://$SCN_APP_ID

# util-linux unshare (dynamic: libc, already in the rootfs for /bin/nsx)
# as if the image shipped it: written through the bundle's rootfs mount.
install -m 0755 "$UNSHARE" "$NSW_CT_STATE/$SCN_APP_ID/rootfs/bin/ul-unshare" ||
	bail_out "cannot place unshare in the app container"

# has OUT PID FILTER: some event of one of PIDs satisfies the jq FILTER
# (on the event body $e; the line is .)
has() {
	local out=$1 pids=$2 f=$3
	# shellcheck disable=SC2086
	mon_events "$out" $pids | jq -e -s "
		map((.process_exec // .process_kprobe // .process_exit) as \$e
		    | select($f)) | length > 0" >/dev/null
}

# The escape under five nested shells that each carry ~1.2 MB of argument
# bytes (0x01, 120 arguments of 10000: below ARG_MAX and MAX_ARG_STRLEN);
# /bin/nsw-nest LEVEL HOSTPID ARGS... runs itself LEVEL times, then nsenter.
cat >"$NSW_CT_STATE/$SCN_PRIV_ID/rootfs/bin/nsw-nest" <<'EOF'
#!/bin/sh
level=$1
shift
if [ "$level" -gt 0 ]; then
	/bin/sh /bin/nsw-nest $((level - 1)) "$@"
else
	nsenter -t "$1" -m -u -i -n -p -- sh -c "sleep 1"
fi
true
EOF
chmod 0755 "$NSW_CT_STATE/$SCN_PRIV_ID/rootfs/bin/nsw-nest" ||
	bail_out "cannot place nsw-nest in the privileged container"
BIG_PARENT='set -- $(head -c 1200000 /dev/zero | tr "\0" "\001" | fold -w 10000)
exec /bin/sh /bin/nsw-nest 4 "$0" "$@"'

long_name() {	# long_name N: N bytes of 'x'
	head -c "$1" /dev/zero | tr '\0' x
}
ARGV0_300=/$(long_name 300)/nsenter
ARGV0_5000=/$(long_name 5000)/nsenter
ARGV0_DEEP=$(for _ in $(seq 130); do printf /d; done)/usr/local/../sbin/nsenter

# run_scenarios: sets S_* (acting pids) and R_* (results).
run_scenarios() {
	local helper_cg other_cg
	helper_cg=crio-conmon-$(ct_hex64).scope
	other_cg=$SCN_APP_ID

	scn_cgroup_escape cg-helper "$SCN_PRIV_ID" "$helper_cg" "$HOST_PID" \
		>/dev/null
	S_CGH="$SCN_PID $SCN_CHILDREN" R_CGH=$SCN_RESULT L_CGH=$SCN_LOG
	scn_cgroup_escape cg-other "$SCN_PRIV_ID" "$other_cg" "$HOST_PID" \
		>/dev/null
	S_CGO="$SCN_PID $SCN_CHILDREN" R_CGO=$SCN_RESULT L_CGO=$SCN_LOG

	_scn_run static-unshare "$SCN_APP_ID" - \
		sh -c 'cp /bin/ul-unshare /tmp/static && /tmp/static -U sh -c "id -u; sleep 0.2"' \
		>/dev/null
	S_STATIC="$SCN_PID $SCN_CHILDREN" R_STATIC=$SCN_RESULT
	grep -qx 65534 "$SCN_LOG" || R_STATIC=failed
	_scn_run bridge-setns "$SCN_PRIV_ID" - \
		sh -c 'cp /bin/nsw-setns /tmp/bridge && exec /tmp/bridge /proc/$0/ns/net net' \
		"$SCN_APP_PID" >/dev/null
	S_BRIDGE="$SCN_PID $SCN_CHILDREN" R_BRIDGE=$SCN_RESULT
	grep -q 'ret=0 ' "$SCN_LOG" || R_BRIDGE=failed
	scn_host_exec "$SCN_APP_ID" >/dev/null
	R_HOSTEXEC=$SCN_RESULT

	_scn_run big-args "$SCN_PRIV_ID" "$HOST_PID" \
		sh -c "$BIG_PARENT" "$HOST_PID" >/dev/null
	S_BIG="$SCN_PID $SCN_CHILDREN" R_BIG=$SCN_RESULT

	_scn_run argv0-300 "$SCN_PRIV_ID" "$HOST_PID" \
		sh -c 'exec -a "$0" /bin/busybox -t "$1" -m -- true' \
		"$ARGV0_300" "$HOST_PID" >/dev/null
	S_A300="$SCN_PID $SCN_CHILDREN" R_A300=$SCN_RESULT
	_scn_run argv0-5000 "$SCN_PRIV_ID" "$HOST_PID" \
		sh -c 'exec -a "$0" /bin/busybox -t "$1" -m -- true' \
		"$ARGV0_5000" "$HOST_PID" >/dev/null
	S_A5000="$SCN_PID $SCN_CHILDREN" R_A5000=$SCN_RESULT
	_scn_run argv0-deep "$SCN_PRIV_ID" "$HOST_PID" \
		sh -c 'exec -a "$0" /bin/busybox -t "$1" -m -- true' \
		"$ARGV0_DEEP" "$HOST_PID" >/dev/null
	S_ADEEP="$SCN_PID $SCN_CHILDREN" R_ADEEP=$SCN_RESULT
}

# escape_ok CFG OUT PIDS NAME: the nsenter escape of PIDS is alerted and
# attributed to the privileged pod.
escape_ok() {
	local cfg=$1 out=$2 pids=$3 name=$4 esc
	has "$out" "$pids" ".process_exec != null and \$e.process.pod.name == \"$SCN_PRIV_POD\" and \$e.process.pod.container.id == \"$PRIV_CTR\" and ([.nswatch.alerts[]?.rule] | index(\"nsenter-in-container\"))"
	ok $? "$cfg: [$name] nsenter exec: nsenter-in-container, attributed to the privileged pod"
	esc="([.nswatch.alerts[]?.rule] | index(\"setns-escape-to-host\"))"
	[ "$cfg" = bpf ] ||
		esc="($esc or (.nswatch.verdict == \"unknown\" and ([.nswatch.alerts[]?.rule] | index(\"setns-in-container\"))))"
	has "$out" "$pids" ".process_kprobe != null and \$e.function_name == \"__x64_sys_setns\" and \$e.process.pod.container.id == \"$PRIV_CTR\" and $esc"
	ok $? "$cfg: [$name] setns to the host: setns-escape-to-host (audit: or unknown + setns-in-container), attributed to the privileged pod"
	! has "$out" "$pids" "(\$e.process.pod.container.id // \"\") == \"$APP_CTR\""
	ok $? "$cfg: [$name] no event borrows the other pod's identity"
}

run_config() {
	local cfg=$1 out=$NSW_CT_WORK/events.$1.json n

	mon_start "$cfg" "$out" || { ok 1 "$cfg: monitor starts"; return 1; }
	ok 0 "$cfg: monitor ready"
	run_scenarios
	diag "$cfg: results cgh=$R_CGH cgo=$R_CGO static=$R_STATIC" \
		"bridge=$R_BRIDGE hostexec=$R_HOSTEXEC big=$R_BIG" \
		"a300=$R_A300 a5000=$R_A5000 adeep=$R_ADEEP"
	ct_sleep 1.5
	mon_stop
	is "$MON_RC" 0 "$cfg: monitor exits 0 on SIGTERM"
	[ -s "$MON_ERR" ] && diag "$(grep -v '^nswatch: info' "$MON_ERR" | head -n 20)"

	# a. cgroup placement
	is "$R_CGH" ok "$cfg: [helper cgroup] scenario ran"
	grep -q 'crio-conmon-' "$L_CGH"
	ok $? "$cfg: [helper cgroup] the shell sat in the crio-conmon cgroup"
	diag "$(cat "$L_CGH")"
	escape_ok "$cfg" "$out" "$S_CGH" "helper cgroup"
	is "$R_CGO" ok "$cfg: [other id cgroup] scenario ran"
	grep -q "$SCN_PRIV_ID/$SCN_APP_ID" "$L_CGO"
	ok $? "$cfg: [other id cgroup] the shell sat in a cgroup named after the app container"
	escape_ok "$cfg" "$out" "$S_CGO" "other id cgroup"

	# b. binary names
	is "$R_STATIC" ok "$cfg: [unshare as /tmp/static] scenario ran"
	has "$out" "$S_STATIC" ".process_kprobe != null and \$e.function_name == \"__x64_sys_unshare\" and (\$e.process.binary | endswith(\"/static\")) and ([.nswatch.alerts[]?.rule] | index(\"unshare-in-container\"))"
	ok $? "$cfg: [unshare as /tmp/static] unshare-in-container"
	is "$R_BRIDGE" ok "$cfg: [setns as /tmp/bridge] scenario ran"
	has "$out" "$S_BRIDGE" ".process_kprobe != null and (\$e.process.binary | endswith(\"/bridge\")) and ([.nswatch.alerts[]?.rule] | index(\"setns-in-container\"))"
	ok $? "$cfg: [setns as /tmp/bridge] setns-in-container"
	is "$R_HOSTEXEC" ok "$cfg: [runc exec] scenario ran"
	jq -e -s '[.[] | select((.process_kprobe.process.binary // "" | test("runc$"))
		and (.nswatch.alerts | length) > 0)] | length == 0' "$out" >/dev/null
	ok $? "$cfg: [runc exec] no alert for the runtime"

	# c. arguments
	is "$R_BIG" ok "$cfg: [huge parent arguments] scenario ran"
	escape_ok "$cfg" "$out" "$S_BIG" "huge parent arguments"
	has "$out" "$S_BIG" ".process_exec != null and (\$e.process.binary | endswith(\"nsenter\") or endswith(\"busybox\")) and (\$e.parent.flags // \"\" | split(\" \") | index(\"truncArgs\")) and ((\$e.parent.arguments | length) < 65536)"
	ok $? "$cfg: [huge parent arguments] parent arguments cut and flagged truncArgs" ||
		diag "$(mon_events "$out" $S_BIG | jq -c '(.process_exec // .process_kprobe) as $e | [$e.process.binary, ($e.process.arguments | length), $e.parent.binary, $e.parent.flags, ($e.parent.arguments | length)]' | head -n 8)"
	n=$(jq -r '.nswatch_stats.lost.output_errors // empty' "$out" | tail -n 1)
	is "$n" 0 "$cfg: [huge parent arguments] no line lost to the encoder"

	# d. argv[0] longer than a path component
	is "$R_A300" ok "$cfg: [argv0 300 bytes] scenario ran"
	has "$out" "$S_A300" ".process_exec != null and ([.nswatch.alerts[]?.rule] | index(\"nsenter-in-container\"))"
	ok $? "$cfg: [argv0 300 bytes] nsenter-in-container"
	is "$R_A5000" ok "$cfg: [argv0 5000 bytes] scenario ran"
	has "$out" "$S_A5000" ".process_exec != null and ([.nswatch.alerts[]?.rule] | index(\"nsenter-in-container\"))"
	ok $? "$cfg: [argv0 5000 bytes] nsenter-in-container"
	is "$R_ADEEP" ok "$cfg: [argv0 deep path] scenario ran"
	has "$out" "$S_ADEEP" ".process_exec != null and ([.nswatch.alerts[]?.rule] | index(\"nsenter-in-container\"))"
	ok $? "$cfg: [argv0 deep path] nsenter-in-container"
}

for cfg in $NSW_E2E_CONFIGS; do
	run_config "$cfg"
done
done_testing
