#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The nswatch image under containerd, as a node running containerd would
# run the DaemonSet: the OCI archive of contrib/container/build-image.sh
# imported with `ctr image import` into our own containerd
# (tests/lib/containerd.sh) and started with `ctr run` with what
# contrib/kubernetes/base's DaemonSet asks for (tests/k8s-podman.py reads
# the rendered DaemonSet; its podman options are translated here):
#   hostPID             --with-ns pid:<the host's pid namespace>
#   hostNetwork         --net-host
#   capabilities        exactly the DaemonSet's list (ctr's defaults
#                       outside it dropped)
#   no-new-privileges   ctr's default; seccomp/AppArmor: none by default
#   readOnlyRootFs      --read-only;  memory limit  --memory-limit
#   env (NODE_NAME)     --env;  hostPath/configMap/emptyDir  --mount bind
# tests/integration/k8s-image.sh runs the same under podman on both
# backends; this one is the containerd variant, on the ConfigMap's
# default backend (auto = eBPF here).  Checked:
#  - ctr imports the archive under the image's name;
#  - the container's capabilities are the DaemonSet's, no more;
#  - the readiness file appears (the probe's `test -e`);
#  - a privileged host-pid container of the same containerd escapes with
#    nsenter (`ctr task exec`): the exec and the setns events in the
#    DaemonSet's event file name its pod, namespace, container id and
#    image, and the node from NODE_NAME;
#  - SIGTERM (pod deletion) stops the monitor and it removes its ready
#    file.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containerd.sh"

require_containers
require_cmd containerd ctr containerd-shim-runc-v2 tar sha256sum kubectl python3
python3 -c 'import yaml' 2>/dev/null || skip_all "needs python3-yaml"
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
ct_rootfs_build || bail_out "cannot build the test rootfs"

W=$NSW_CT_WORK/ds
mkdir -p "$W"
IMG=localhost/nswatch-ctr-test:$$
NODE=nswtest-ctr-node
ESC_IMAGE=docker.io/nswtest/busybox:1.0
DS=nswatch-$$

cleanup() {
	cd_stop
	ct_cleanup_all
}
trap cleanup EXIT

plan 8

cd_start || bail_out "containerd did not start: $(tail -n 3 "$CD/log")"
kubectl kustomize "$top_srcdir/contrib/kubernetes/base" \
	| sed "s|image: localhost/nswatch:.*|image: $IMG|" >"$W/rendered.yaml" ||
	bail_out "kubectl kustomize failed"
bash "$top_srcdir/contrib/container/build-image.sh" -b "$NSWATCH" -t "$IMG" \
	-o "$W/image.tar" >"$W/build.out" 2>&1 ||
	bail_out "build-image.sh: $(tail -n 3 "$W/build.out")"
cd_ctr images import "$W/image.tar" >"$W/import.out" 2>&1 &&
	cd_ctr images ls -q | grep -qx "$IMG"
ok $? "ctr images import takes the archive as $IMG" ||
	diag "$(cat "$W/import.out")"
cd_import "$NSW_CT_ROOTFS" "$ESC_IMAGE" || bail_out "cannot import $ESC_IMAGE"

EXPAND=()
"$NSWATCH" monitor --help 2>&1 | grep -q -- '--config' || EXPAND=(--expand-config)
mapfile -t PARGS < <(python3 "$top_srcdir/tests/k8s-podman.py" \
	"$W/rendered.yaml" nswatch "$NODE" "$W" \
	--host-subst "/var/log/nswatch=$W/var-log" "${EXPAND[@]}")
[ ${#PARGS[@]} -gt 0 ] || bail_out "tests/k8s-podman.py gave nothing"

# the podman options as ctr options
CARGS=() CMD=() WANT_CAPS=() img_seen=0
for a in "${PARGS[@]}"; do
	if [ "$img_seen" = 1 ]; then
		CMD+=("$a")
		continue
	fi
	case $a in
	--pid=host) CARGS+=(--with-ns "pid:/proc/$$/ns/pid") ;;
	--network=host) CARGS+=(--net-host) ;;
	--cap-drop=all) ;;
	--cap-add=*) WANT_CAPS+=("CAP_${a#--cap-add=}") ;;
	--security-opt=no-new-privileges) ;;	# ctr's default
	--security-opt=seccomp=unconfined) ;;	# ctr's default
	--security-opt=apparmor=unconfined) ;;	# no AppArmor here
	--read-only) CARGS+=(--read-only) ;;
	--read-only-tmpfs=false) ;;
	--user=0:0) ;;				# ctr's default
	--memory=*m) m=${a#--memory=}; CARGS+=(--memory-limit $((${m%m} * 1048576))) ;;
	--env=*) CARGS+=(--env "${a#--env=}") ;;
	--volume=*)
		IFS=: read -r src dst ro <<<"${a#--volume=}"
		CARGS+=(--mount "type=bind,src=$src,dst=$dst,options=rbind:${ro:-rw}") ;;
	--entrypoint=*) mapfile -t CMD < <(jq -r '.[]' <<<"${a#--entrypoint=}") ;;
	"$IMG") img_seen=1 ;;
	*) bail_out "no ctr translation for podman option $a" ;;
	esac
done
# ctr starts from its default capability set: drop what the DaemonSet
# does not add
for c in "${NSW_CAPS_DEFAULT[@]}"; do
	[[ " ${WANT_CAPS[*]} " == *" $c "* ]] || CARGS+=(--cap-drop "$c")
done
for c in "${WANT_CAPS[@]}"; do
	CARGS+=(--cap-add "$c")
done
diag "ctr run ${CARGS[*]} $IMG $DS ${CMD[*]}"
cd_ctr run -d "${CARGS[@]}" \
	--label io.kubernetes.pod.name=nswatch-node1 \
	--label io.kubernetes.pod.namespace=nswatch \
	--annotation io.kubernetes.cri.container-type=container \
	--annotation io.kubernetes.cri.container-name=nswatch \
	--annotation io.kubernetes.cri.sandbox-name=nswatch-node1 \
	--annotation io.kubernetes.cri.sandbox-namespace=nswatch \
	--annotation "io.kubernetes.cri.image-name=$IMG" \
	"$IMG" "$DS" "${CMD[@]}" >"$W/run.out" 2>&1
ok $? "ctr run starts the DaemonSet's container" || diag "$(cat "$W/run.out")"
MON=$(cd_task_pid "$DS")

got=$(cd_ctr containers info "$DS" |
	jq -r '.Spec.process.capabilities.effective | sort | join(" ")')
want=$(printf '%s\n' "${WANT_CAPS[@]}" | sort | paste -sd' ')
is "$got" "$want" "its capabilities are the DaemonSet's"

n=300
while [ ! -e "$W/run/ready" ] && [ "$n" -gt 0 ]; do
	kill -0 "$MON" 2>/dev/null || break
	ct_sleep 0.1
	n=$((n - 1))
done
[ -e "$W/run/ready" ]
ok $? "the ready file appears (monitor pid $MON)" ||
	diag "$(cd_ctr tasks ls; tail -n 5 "$CD/log")"

PRIV=$(ct_hex64)
POD=debug-node-$(ct_rand5)
cd_pod_run "$PRIV" debugger "$POD" "$ESC_IMAGE" --privileged \
	--cap-drop CAP_SYS_RESOURCE --with-ns "pid:/proc/$$/ns/pid" ||
	bail_out "cannot start the privileged container"
cd_ctr tasks exec --exec-id "esc$$" "$PRIV" \
	nsenter -t $$ -m -u -i -n -p -- true >"$W/esc.out" 2>&1
ok $? "nsenter escaped from the privileged container" ||
	diag "$(cat "$W/esc.out")"

out=$W/var-log/events.json
# the exec line carries the pod too: a first exec into a container a few
# ms old, looked up before its runtime wrote its state, is completed when
# the state appears (doc/container-mapping.md §5; issue 12)
# shellcheck disable=SC2016
q_exec='map(select(.process_exec.process.pod.container.id == $id and
	   .process_exec.process.pod.name == $pod and
	   .process_exec.process.pod.namespace == "kube-system" and
	   .process_exec.process.pod.container.image.name == $img and
	   .node_name == $node and
	   ([.nswatch.alerts[]?.rule] | index("nsenter-in-container"))))
	| length == 1'
n=100
until jq -e -s --arg pod "$POD" --arg id "containerd://$PRIV" \
	--arg img "$ESC_IMAGE" --arg node "$NODE" "$q_exec" "$out" \
	>/dev/null 2>&1 || [ "$n" -le 0 ]; do
	ct_sleep 0.1
	n=$((n - 1))
done
jq -e -s --arg pod "$POD" --arg id "containerd://$PRIV" \
	--arg img "$ESC_IMAGE" --arg node "$NODE" "$q_exec" "$out" >/dev/null
ok $? "the nsenter exec names its pod, namespace, container, image and node, alerted" ||
	diag "$(grep nsenter "$out" | head -n 3)"
# our containerd's bundles are under its own state directory, which the
# DaemonSet does not mount: nswatch finds them through runc's state under
# /run/containerd/runc/<namespace> (doc/container-mapping.md §3.5)
jq -e -s --arg pod "$POD" --arg id "containerd://$PRIV" \
	--arg img "$ESC_IMAGE" '
	map(select(.process_kprobe.process.pod.name == $pod and
		   .process_kprobe.process.pod.container.id == $id and
		   .process_kprobe.process.pod.namespace == "kube-system" and
		   .process_kprobe.process.pod.container.image.name == $img and
		   .nswatch.verdict == "escape_to_host" and
		   ([.nswatch.alerts[]?.rule] | index("setns-escape-to-host"))))
	| length > 0' "$out" >/dev/null
ok $? "the setns is setns-escape-to-host in that pod, its container and image"

cd_ctr tasks kill -s TERM "$DS" >/dev/null 2>&1
n=200
while kill -0 "$MON" 2>/dev/null && [ "$n" -gt 0 ]; do
	ct_sleep 0.1
	n=$((n - 1))
done
! kill -0 "$MON" 2>/dev/null && [ ! -e "$W/run/ready" ]
ok $? "SIGTERM stops the monitor, which removes its ready file"
