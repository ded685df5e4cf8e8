#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch against a real rootful podman 4.3 (Debian's `podman`): a pod
# (`podman pod create`, catatonit infra) with two containers from an image
# imported here (`podman import` of the test rootfs), one of them
# `--privileged --pid=host`.  Under each backend of NSW_PM_CONFIGS
# (default "bpf audit-netlink"):
#  - the privileged container's nsenter escape (`podman exec`) is
#    escape_to_host with the container id, name and image podman reports
#    (`podman inspect`);
#  - podman's own processes (conmon, runc, `podman ... cleanup`, catatonit,
#    CNI plugins, `podman exec`) raise no alert, and none of them is
#    attributed to a container whose id is the pod's.
#
# Facts (Debian 12, no systemd): podman needs cgroup_manager "cgroupfs"
# and events_logger "file" (containers.conf, given with CONTAINERS_CONF);
# a pod's infra needs catatonit; rootful podman raises RLIMIT_NOFILE to
# 1048576 and RLIMIT_NPROC unless told otherwise, which fails without
# CAP_SYS_RESOURCE ("error setting rlimit type 7", "type 6"), hence
# default_ulimits at our own limits.  The privileged
# container drops CAP_SYS_RESOURCE, which the bounding set lacks.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_PM_CONFIGS:=bpf audit-netlink}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
require_cmd podman conmon catatonit tar
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
for cfg in $NSW_PM_CONFIGS; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done
ct_rootfs_build || bail_out "cannot build the test rootfs"

POD=nswpod-$$
IMAGE=localhost/nswtest/busybox:1.0
export CONTAINERS_CONF=$NSW_CT_WORK/containers.conf
cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Sn):$(ulimit -Hn)", "nproc=$(ulimit -Su):$(ulimit -Hu)"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF

# podman's conmon and containers must not inherit the global lock's fd
pm() { podman "$@" 9>&-; }
cleanup() {
	mon_stop >/dev/null 2>&1
	pm pod rm -f "$POD" >/dev/null 2>&1
	pm rmi -f "$IMAGE" >/dev/null 2>&1
	ct_cleanup_all
}
trap cleanup EXIT

T0=$SECONDS
tar -C "$NSW_CT_ROOTFS" --numeric-owner -cf "$NSW_CT_WORK/rootfs.tar" . ||
	bail_out "cannot tar the rootfs"
pm import "$NSW_CT_WORK/rootfs.tar" "$IMAGE" >/dev/null 2>&1 ||
	bail_out "podman import failed"
pm pod create --name "$POD" >/dev/null || bail_out "podman pod create failed"
pm run -d --pod "$POD" --name "web-$$" "$IMAGE" sleep 1000000 >/dev/null ||
	bail_out "podman run (web) failed"
pm run -d --pod "$POD" --name "dbg-$$" --privileged --pid=host \
	--cap-drop CAP_SYS_RESOURCE "$IMAGE" sleep 1000000 >/dev/null ||
	bail_out "podman run (privileged) failed"
diag "podman pod with two containers up in $((SECONDS - T0)) s"

PRIV_ID=$(pm inspect -f '{{.Id}}' "dbg-$$")
PRIV_NAME=$(pm inspect -f '{{.Name}}' "dbg-$$")
PRIV_IMAGE=$(pm inspect -f '{{.ImageName}}' "dbg-$$")
POD_ID=$(pm pod inspect -f '{{.Id}}' "$POD")

plan $((4 * $(wc -w <<<"$NSW_PM_CONFIGS")))

for cfg in $NSW_PM_CONFIGS; do
	out=$NSW_CT_WORK/mon.$cfg.json
	T0=$SECONDS
	mon_start "$cfg" "$out" || bail_out "monitor $cfg did not start"
	pm exec "dbg-$$" nsenter -t $$ -m -u -i -n -p -- true >/dev/null 2>&1
	pm exec "web-$$" true >/dev/null 2>&1
	# a container started and removed while nswatch runs
	pm run --rm --pod "$POD" "$IMAGE" true >/dev/null 2>&1
	ct_sleep 1
	mon_stop
	is "$MON_RC" 0 "$cfg: monitor exits 0 ($((SECONDS - T0)) s)"

	jq -e -s --arg id "podman://$PRIV_ID" --arg n "$PRIV_NAME" \
		--arg i "$PRIV_IMAGE" \
		'[.[] | select(.process_kprobe.function_name == "__x64_sys_setns"
			and .nswatch.verdict == "escape_to_host")
		  | .process_kprobe.process.pod.container
		  | select(.id == $id and .name == $n and .image.name == $i)]
		 | length > 0' "$out" >/dev/null
	ok $? "$cfg: the escape is escape_to_host in $PRIV_NAME ($PRIV_IMAGE)"

	n=$(jq -s '[.[] | select((.nswatch.alerts | length) > 0)
		| (.process_exec // .process_kprobe).process.binary // ""
		| select(test("conmon|runc|podman|catatonit|cni|netavark"))]
		| length' "$out")
	is "$n" 0 "$cfg: podman's own processes raise no alert"
	n=$(jq -s --arg pod "$POD_ID" '[.[] | (.process_exec // .process_kprobe)
		| select(. != null) | .process.docker // ""
		| select(. == ($pod | .[0:31]) or . == $pod)] | length' "$out")
	is "$n" 0 "$cfg: nothing is attributed to the pod id $POD_ID"
done
