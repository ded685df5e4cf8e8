#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch against a real containerd 1.6 (Debian's `containerd`), driven
# with `ctr` as a new user would: our own containerd (own root, state
# directory and socket under the work directory, CRI plugin disabled), an
# image imported from an OCI archive built here from the test rootfs, and
# containers run with `ctr run` in the k8s.io namespace carrying the
# annotations the CRI plugin would set.  Checked under the eBPF backend
# (NSW_CD_CONFIGS, default "bpf"):
#  - a privileged host-pid container's nsenter escape: escape_to_host,
#    with the container id, name and image containerd reports
#    (`ctr containers info`);
#  - `ctr run --rm ... true`, 20 times: no `true` is a host process
#    (the container is created and deleted while nswatch runs, so its
#    state on disk is read while containerd rewrites and removes it);
#  - containerd's own processes (containerd-shim-runc-v2, runc, ctr,
#    `ctr task exec`) raise no alert;
#  - `nswatch ps` names the running container like containerd does.
#
# Facts (Debian 12): `ctr run --privileged` asks for every capability,
# CAP_SYS_RESOURCE included, which this machine's bounding set lacks:
# --cap-drop CAP_SYS_RESOURCE after --privileged removes it.  With its own
# state directory containerd's bundles are not under /run/containerd, but
# the shim runs runc with --root /run/containerd/runc/<namespace>, whose
# state.json names the bundle: nswatch finds the container there (§3.5).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_CD_CONFIGS:=bpf}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
require_cmd containerd ctr containerd-shim-runc-v2 tar sha256sum
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
for cfg in $NSW_CD_CONFIGS; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done
ct_rootfs_build || bail_out "cannot build the test rootfs"

CD=$NSW_CT_WORK/cd
CD_SOCK=$CD/sock
CD_PID=
IMAGE=docker.io/nswtest/busybox:1.0
CDNS=k8s.io
RUNS=20

cd_ctr() { ctr -a "$CD_SOCK" -n "$CDNS" "$@"; }

cd_stop() {
	local id n=100
	[ -n "$CD_PID" ] || return 0
	for id in $(cd_ctr tasks ls -q 2>/dev/null); do
		cd_ctr tasks kill -s KILL "$id" >/dev/null 2>&1
	done
	for id in $(cd_ctr containers ls -q 2>/dev/null); do
		cd_ctr tasks delete -f "$id" >/dev/null 2>&1
		cd_ctr containers delete "$id" >/dev/null 2>&1
	done
	kill -TERM "$CD_PID" 2>/dev/null
	while kill -0 "$CD_PID" 2>/dev/null && [ "$n" -gt 0 ]; do
		ct_sleep 0.05
		n=$((n - 1))
	done
	kill -KILL "$CD_PID" 2>/dev/null
	CD_PID=
	umount -R "$CD/state" 2>/dev/null
	[ "${NSW_KEEP:-0}" = 1 ] || rm -rf "$CD"
}
cleanup() {
	mon_stop >/dev/null 2>&1
	cd_stop
	ct_cleanup_all
}
trap cleanup EXIT

# oci_archive ROOTFS OUT REF: a one-layer OCI image archive.
oci_archive() {
	local root=$1 out=$2 ref=$3 d ld ls cd cs md ms
	d=$(mktemp -d "$NSW_CT_WORK/oci.XXXXXX") || return 1
	mkdir -p "$d/blobs/sha256"
	tar -C "$root" --numeric-owner -cf "$d/layer" . || return 1
	ld=$(sha256sum <"$d/layer" | cut -d' ' -f1)
	ls=$(stat -c %s "$d/layer")
	mv "$d/layer" "$d/blobs/sha256/$ld"
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$ld" >"$d/c"
	cd=$(sha256sum <"$d/c" | cut -d' ' -f1)
	cs=$(stat -c %s "$d/c")
	mv "$d/c" "$d/blobs/sha256/$cd"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
		"$cd" "$cs" "$ld" "$ls" >"$d/m"
	md=$(sha256sum <"$d/m" | cut -d' ' -f1)
	ms=$(stat -c %s "$d/m")
	mv "$d/m" "$d/blobs/sha256/$md"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		"$md" "$ms" "$ref" >"$d/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
	tar -C "$d" -cf "$out" oci-layout index.json blobs || return 1
	rm -rf "$d"
}

cd_start() {
	local n=200
	mkdir -p "$CD/root" "$CD/state"
	cat >"$CD/config.toml" <<EOF
version = 2
root = "$CD/root"
state = "$CD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CD_SOCK"
EOF
	# not on the global lock's descriptor: containerd and its shims
	# would hold the lock for as long as they live
	containerd --config "$CD/config.toml" >"$CD/log" 2>&1 9>&- &
	CD_PID=$!
	NSW_CT_BGPIDS+=("$CD_PID")
	while ! cd_ctr version >/dev/null 2>&1 && [ "$n" -gt 0 ]; do
		kill -0 "$CD_PID" 2>/dev/null || break
		ct_sleep 0.05
		n=$((n - 1))
	done
	cd_ctr version >/dev/null 2>&1
}

T0=$SECONDS
cd_start || bail_out "containerd did not start: $(tail -n 3 "$CD/log")"
oci_archive "$NSW_CT_ROOTFS" "$NSW_CT_WORK/image.tar" "$IMAGE" ||
	bail_out "cannot build the OCI archive"
cd_ctr images import "$NSW_CT_WORK/image.tar" >/dev/null 2>&1 ||
	bail_out "ctr images import failed"
diag "containerd up and image imported in $((SECONDS - T0)) s"

# ctr_pod_run ID NAME POD EXTRA...: a detached container with the
# annotations (and labels) containerd's CRI plugin sets.
ctr_pod_run() {
	local id=$1 name=$2 pod=$3
	shift 3
	cd_ctr run -d "$@" \
		--label "io.kubernetes.container.name=$name" \
		--label "io.kubernetes.pod.name=$pod" \
		--label "io.kubernetes.pod.namespace=kube-system" \
		--annotation io.kubernetes.cri.container-type=container \
		--annotation "io.kubernetes.cri.container-name=$name" \
		--annotation "io.kubernetes.cri.sandbox-name=$pod" \
		--annotation io.kubernetes.cri.sandbox-namespace=kube-system \
		--annotation "io.kubernetes.cri.image-name=$IMAGE" \
		"$IMAGE" "$id" sleep 1000000 >/dev/null
}

plan $((4 + 5 * $(wc -w <<<"$NSW_CD_CONFIGS")))

PRIV=$(ct_hex64)
ctr_pod_run "$PRIV" debugger "debug-node-$(ct_rand5)" --privileged \
	--cap-drop CAP_SYS_RESOURCE --with-ns "pid:/proc/$$/ns/pid"
ok $? "ctr run: privileged host-pid container $PRIV"
PRIV_PID=$(cd_ctr tasks ls | awk -v i="$PRIV" '$1 == i { print $2 }')
INFO=$(cd_ctr containers info "$PRIV")
CD_IMAGE=$(jq -r '.Image' <<<"$INFO")
CD_NAME=$(jq -r '.Spec.annotations["io.kubernetes.cri.container-name"]' <<<"$INFO")
CD_POD=$(jq -r '.Spec.annotations["io.kubernetes.cri.sandbox-name"]' <<<"$INFO")
is "$CD_IMAGE" "$IMAGE" "containerd reports the image we imported"
ok "$([ -n "$PRIV_PID" ] && kill -0 "$PRIV_PID"; echo $?)" \
	"container init $PRIV_PID runs"

# -- nswatch ps ---------------------------------------------------------------
"$NSWATCH" ps --json --containers-only >"$NSW_CT_WORK/ps.json" 2>/dev/null
jq -e -s --argjson p "$PRIV_PID" --arg id "containerd://$PRIV" \
	--arg n "$CD_NAME" --arg i "$CD_IMAGE" --arg pod "$CD_POD" \
	'[.[] | .process_exec.process | select(.pid == $p)
	  | select(.pod.container.id == $id and .pod.container.name == $n
		   and .pod.container.image.name == $i and .pod.name == $pod)]
	 | length == 1' "$NSW_CT_WORK/ps.json" >/dev/null
ok $? "ps: the container's init with containerd's id, name, image and pod"

for cfg in $NSW_CD_CONFIGS; do
	out=$NSW_CT_WORK/mon.$cfg.json
	T0=$SECONDS
	mon_start "$cfg" "$out" || bail_out "monitor $cfg did not start"

	# the escape, as `ctr task exec`
	cd_ctr tasks exec --exec-id "esc$$" "$PRIV" \
		nsenter -t $$ -m -u -i -n -p -- true >/dev/null 2>&1
	# a benign `ctr task exec`
	cd_ctr tasks exec --exec-id "ok$$" "$PRIV" true >/dev/null 2>&1
	# short-lived containers, created and removed while nswatch runs
	for i in $(seq "$RUNS"); do
		cd_ctr run --rm "$IMAGE" "nsw-true-$$-$i" true >/dev/null 2>&1
	done
	ct_sleep 1
	mon_stop
	is "$MON_RC" 0 "$cfg: monitor exits 0 ($((SECONDS - T0)) s for the runs)"

	jq -e -s --arg id "containerd://$PRIV" --arg n "$CD_NAME" \
		--arg i "$CD_IMAGE" \
		'[.[] | select(.process_kprobe.function_name == "__x64_sys_setns"
			and .nswatch.verdict == "escape_to_host")
		  | .process_kprobe.process.pod.container
		  | select(.id == $id and .name == $n and .image.name == $i)]
		 | length > 0' "$out" >/dev/null
	ok $? "$cfg: the nsenter escape is escape_to_host in $PRIV, named $CD_NAME, image $CD_IMAGE"

	trues=$(jq -s --arg p "nsw-true-$$-" '[.[] | .process_exec.process
		| select(.binary == "/bin/true" and
			 ((.docker // "") | startswith($p)))] | length' "$out")
	# a host `true` of runc's init (its parent): one a short-lived
	# container's true was taken for
	host=$(jq -s '[.[] | .process_exec
		| select(.process.binary == "/bin/true"
			 and (.process.docker // "") == ""
			 and ((.parent.binary // "") | test("runc")))]
		| length' "$out")
	is "$trues" "$RUNS" "$cfg: the true of each short-lived container is in it"
	is "$host" 0 "$cfg: none of them is a host process"

	bad=$(jq -s '[.[] | select((.nswatch.alerts | length) > 0)
		| (.process_exec // .process_kprobe).process.binary // ""
		| select(test("containerd|runc|/ctr$"))] | length' "$out")
	is "$bad" 0 "$cfg: containerd, its shim, runc and ctr raise no alert"
done
