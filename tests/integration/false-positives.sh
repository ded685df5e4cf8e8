#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Normal cluster and administrator activity raises no alert, under every
# backend configuration in NSW_E2E_CONFIGS (default "bpf audit-netlink"):
# a pod start with runc (runc init joins and creates namespaces), `runc
# exec` into it (kubectl exec), `ip netns exec` on the host, `unshare` by an
# administrator on the host, and a systemd-style unshare(CLONE_NEWNS) of a
# host service.  The events themselves are reported (verdicts
# enter_container / new_namespace), only without alerts.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_E2E_CONFIGS:=bpf audit-netlink}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
require_cmd ip unshare
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
for cfg in $NSW_E2E_CONFIGS; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done
ct_rootfs_build || bail_out "cannot build the test rootfs"

NETNS=nswfp$$
cleanup_netns() { ip netns del "$NETNS" 2>/dev/null; }
trap 'cleanup_netns; ct_cleanup_all' EXIT

for cfg in $NSW_E2E_CONFIGS; do
	out=$NSW_CT_WORK/fp.$cfg.json
	mon_start "$cfg" "$out" || { ok 1 "$cfg: monitor starts"; continue; }
	ok 0 "$cfg: monitor ready"

	ct_pod_create --name "fp-$(ct_rand5)" --namespace default \
		--container app >/dev/null
	ok $? "$cfg: pod started with runc"
	ct_exec "$CT_ID" true
	ok $? "$cfg: runc exec into the pod"
	ip netns add "$NETNS" && ip netns exec "$NETNS" true
	ok $? "$cfg: ip netns exec on the host"
	cleanup_netns
	unshare -m -u true
	ok $? "$cfg: administrator runs unshare -m -u on the host"
	# a service sandboxed the way systemd does it (PrivateTmp=,
	# ProtectSystem=): unshare(CLONE_NEWNS) then a private mount tree
	unshare --mount --propagation private sh -c 'mount -t tmpfs none /tmp && true'
	ok $? "$cfg: systemd-style unshare(CLONE_NEWNS) with private mounts"
	ct_sleep 1.5
	mon_stop
	is "$MON_RC" 0 "$cfg: monitor exits 0"

	n=$(jq -s '[.[] | select(.process_kprobe)] | length' "$out")
	ok "$([ "$n" -ge 4 ]; echo $?)" "$cfg: namespace events were seen ($n)"
	jq -e -s '[.[] | select(.process_kprobe.function_name == "__x64_sys_setns"
		and .nswatch.verdict == "enter_container")] | length > 0' "$out" >/dev/null
	ok $? "$cfg: runtime and ip netns setns: enter_container"
	jq -e -s '[.[] | select(.process_kprobe.function_name == "__x64_sys_unshare"
		and .nswatch.verdict == "new_namespace")] | length > 0' "$out" >/dev/null
	ok $? "$cfg: host unshare: new_namespace"
	alerts=$(jq -c 'select((.nswatch.alerts // []) | length > 0)
		| [(.process_exec // .process_kprobe // .process_exit).process.binary,
		   .nswatch.verdict, [.nswatch.alerts[].rule]]' "$out" | sort -u | head -n 5)
	is "$alerts" "" "$cfg: no alert at all"
	ct_delete "$CT_ID"
	ct_delete "$CT_SANDBOX_ID"
done
done_testing
