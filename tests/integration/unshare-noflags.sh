#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Backend parity for unshare() that creates no namespace, with a real
# container: in an unprivileged pod, nsw-flood calls unshare(CLONE_FS),
# unshare(CLONE_FILES) and unshare(CLONE_FS|CLONE_FILES|CLONE_SYSVSEM),
# then unshare(CLONE_NEWUTS) (EPERM there) as a marker.  Both backends
# (eBPF, and audit in netlink mode) must report the marker and nothing
# else of that process: no ns_types ["any"] event, no unshare-in-container
# alert for a call that made no namespace.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=tests/lib/scenarios.sh
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=tests/lib/monitor.sh
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
[ -x "$top_builddir/tests/helpers/nsw-flood" ] ||
	bail_out "tests/helpers/nsw-flood not built"
nsw_lock
ct_rootfs_build || bail_out "cannot build the test rootfs"
ct_pod_create --name "web-$(ct_rand5)" --namespace shop --container web \
	>/dev/null || bail_out "cannot start the test pod"
POD_ID=$CT_ID

# run CONFIG: monitor with CONFIG while the helper runs; checks its events
run() {
	local cfg=$1 out=$NSW_CT_WORK/$1.json why pid sel n
	if ! why=$(mon_config_ok "$cfg"); then
		for (( n = 0; n < 5; n++ )); do skip "$cfg: $why"; done
		return
	fi
	mon_start "$cfg" "$out"
	ok $? "$cfg: nswatch ready"
	_scn_run "unshare-noflags-$cfg" "$POD_ID" - nsw-flood unshare-noflags \
		>/dev/null
	pid=$SCN_PID
	grep -q 'noflags=3 ' "$SCN_LOG" 2>/dev/null
	ok $? "$cfg: the three unshare calls without CLONE_NEW* succeeded" ||
		diag "$(cat "$SCN_LOG" 2>/dev/null)"
	sel=".process_kprobe.process.pid == $pid"
	# the marker arrives after the three calls: once it is there, any
	# event of theirs would be too (one reader, in order)
	for (( n = 0; n < 200; n++ )); do
		[ -s "$out" ] && [ "$(jq -c "select($sel)" "$out" 2>/dev/null |
			grep -c .)" -ge 1 ] && break
		ct_sleep 0.05
	done
	mon_stop
	is "$MON_RC" 0 "$cfg: nswatch exits 0"
	is "$(jq -c "select($sel and .process_kprobe.args == [{\"int_arg\": $((0x04000000))}] and
		.nswatch.ns_types == [\"uts\"] and .nswatch.success == false)" "$out" |
		grep -c .)" 1 "$cfg: the marker unshare(CLONE_NEWUTS) is reported (EPERM)"
	is "$(jq -c "select($sel)" "$out" | grep -c .)" 1 \
		"$cfg: no event for unshare without CLONE_NEW*" ||
		diag "$(jq -c "select($sel) | [.process_kprobe.args, .nswatch.ns_types, .nswatch.alerts]" "$out")"
}

run bpf
run audit-netlink
done_testing
