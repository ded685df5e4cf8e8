# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034
#
# A private containerd 1.6 for tests (bash; source after
# tests/lib/containers.sh, with nsw_lock held).
#
#   cd_start                    our own containerd: root, state directory
#                               and socket under $NSW_CT_WORK/cd, CRI plugin
#                               disabled; not on the global lock's fd
#   cd_stop                     kill every task, delete every container,
#                               stop containerd, remove its directories
#   cd_ctr ARGS...              ctr on our socket, namespace $CDNS (k8s.io)
#   cd_oci_archive ROOT OUT REF a one-layer OCI image archive of ROOT
#   cd_import ROOT REF          cd_oci_archive + `ctr images import`
#   cd_pod_run ID NAME POD IMAGE EXTRA...
#                               `ctr run -d` of `sleep 1000000` with the
#                               labels and annotations containerd's CRI
#                               plugin sets for a pod's app container
#   cd_task_pid ID              host pid of a task's init
#
# Facts (Debian 12, containerd 1.6): `ctr run --privileged` asks for every
# capability, CAP_SYS_RESOURCE included, which this machine's bounding set
# lacks: --cap-drop CAP_SYS_RESOURCE after --privileged removes it.  With
# its own state directory containerd's bundles are not under
# /run/containerd, but the shim runs runc with --root
# /run/containerd/runc/<namespace>, whose state.json names the bundle:
# nswatch finds the container there (doc/container-mapping.md §3.5).

CD=$NSW_CT_WORK/cd
CD_SOCK=$CD/sock
CD_PID=
CDNS=k8s.io

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

cd_oci_archive() {
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

cd_import() {
	local tar
	tar=$NSW_CT_WORK/image.$(tr -c 'a-zA-Z0-9\n' _ <<<"$2").tar
	cd_oci_archive "$1" "$tar" "$2" || return 1
	cd_ctr images import "$tar" >/dev/null 2>&1
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

cd_pod_run() {
	local id=$1 name=$2 pod=$3 image=$4
	shift 4
	cd_ctr run -d "$@" \
		--label "io.kubernetes.container.name=$name" \
		--label "io.kubernetes.pod.name=$pod" \
		--label "io.kubernetes.pod.namespace=kube-system" \
		--annotation io.kubernetes.cri.container-type=container \
		--annotation "io.kubernetes.cri.container-name=$name" \
		--annotation "io.kubernetes.cri.sandbox-name=$pod" \
		--annotation io.kubernetes.cri.sandbox-namespace=kube-system \
		--annotation "io.kubernetes.cri.image-name=$image" \
		"$image" "$id" sleep 1000000 >/dev/null
}

cd_task_pid() {
	cd_ctr tasks ls 2>/dev/null | awk -v i="$1" '$1 == i { print $2 }'
}
