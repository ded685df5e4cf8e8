#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch against a real containerd 1.6 (Debian's `containerd`), driven
# with `ctr` as a new user would: our own containerd (tests/lib/
# containerd.sh: own root, state directory and socket, CRI plugin
# disabled), an image imported from an OCI archive built here from the
# test rootfs plus Debian's CNI `loopback` plugin, and containers run with
# `ctr run` in the k8s.io namespace carrying the labels and annotations
# the CRI plugin would set.  For each backend (NSW_CD_CONFIGS, default
# "bpf audit-netlink"), with the monitor running:
#  - a privileged host-pid container's nsenter escape (`ctr task exec`):
#    escape_to_host, with the container id, name and image containerd
#    reports (`ctr containers info`);
#  - `ctr run --rm ... true`, 20 times: the true of each is in its
#    container, none is a host process (state read while containerd
#    rewrites and removes it);
#  - a pod as the CRI plugin makes one: a pause-like sandbox
#    (container-type sandbox, own network namespace) and an app
#    container that joins its network, ipc and uts namespaces; then the
#    CNI plugins run the way the CRI plugin runs them: host processes
#    /usr/lib/cni/loopback and /usr/lib/cni/bridge (+ host-local) with
#    CNI_COMMAND=ADD and CNI_NETNS=/proc/<sandbox pid>/ns/net, and DEL;
#    `ctr task exec` into the app and the sandbox;
#  - every alert is on the privileged container: containerd, its shim,
#    runc, ctr, the sandbox, the app, `ctr task exec` and the host's CNI
#    plugins raise none, while their setns into the sandbox's network
#    namespace is seen;
#  - the same CNI plugin run from inside the privileged host-pid
#    container (`ctr task exec ... /bin/loopback`, same environment) is
#    a setns-in-container alert: the runtime-helper exemption is not
#    given to a binary's name alone.
# Once: `nswatch ps` names the running container like containerd does.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_CD_CONFIGS:=bpf audit-netlink}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containerd.sh"

CNI=/usr/lib/cni
require_containers
require_cmd containerd ctr containerd-shim-runc-v2 tar sha256sum ip
for p in loopback bridge host-local; do
	[ -x "$CNI/$p" ] || skip_all "needs $CNI/$p (containernetworking-plugins)"
done
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
for cfg in $NSW_CD_CONFIGS; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done
ct_rootfs_build || bail_out "cannot build the test rootfs"

IMAGE=docker.io/nswtest/busybox:1.0
RUNS=20
BR=nswbr$$

cleanup() {
	mon_stop >/dev/null 2>&1
	cd_stop
	ip link del "$BR" >/dev/null 2>&1
	ct_cleanup_all
}
trap cleanup EXIT

T0=$SECONDS
cd_start || bail_out "containerd did not start: $(tail -n 3 "$CD/log")"
# the test rootfs plus the CNI loopback plugin (and its libraries)
ROOT=$NSW_CT_WORK/img-root
cp -a "$NSW_CT_ROOTFS" "$ROOT" || bail_out "cannot copy the rootfs"
install -m 0755 "$CNI/loopback" "$ROOT/bin/loopback" || bail_out "cp loopback"
for lib in $(ldd "$CNI/loopback" | awk '/=>/ { print $3 } /^[ \t]*\// { print $1 }'); do
	[ -e "$ROOT$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$ROOT$lib"
done
cd_import "$ROOT" "$IMAGE" || bail_out "ctr images import failed"
diag "containerd up and image imported in $((SECONDS - T0)) s"

NCFG=$(wc -w <<<"$NSW_CD_CONFIGS")
plan $((4 + 12 * NCFG))

PRIV=$(ct_hex64)
cd_pod_run "$PRIV" debugger "debug-node-$(ct_rand5)" "$IMAGE" --privileged \
	--cap-drop CAP_SYS_RESOURCE --with-ns "pid:/proc/$$/ns/pid"
ok $? "ctr run: privileged host-pid container $PRIV"
PRIV_PID=$(cd_task_pid "$PRIV")
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

# pod_up POD: a sandbox (pause: sleep, own network namespace) and an app
# container joining its network, ipc and uts namespaces, as the CRI
# plugin creates them.  Sets SB SB_PID APP APP_PID.
pod_up() {
	local ann=(
		--label "io.kubernetes.pod.name=$1"
		--label io.kubernetes.pod.namespace=shop
		--annotation "io.kubernetes.cri.sandbox-name=$1"
		--annotation io.kubernetes.cri.sandbox-namespace=shop
		--annotation "io.kubernetes.cri.sandbox-uid=$(ct_uuid)")
	SB=$(ct_hex64) APP=$(ct_hex64)
	cd_ctr run -d "${ann[@]}" \
		--annotation io.kubernetes.cri.container-type=sandbox \
		--annotation "io.kubernetes.cri.sandbox-id=$SB" \
		--annotation "io.kubernetes.cri.podsandbox.image-name=$IMAGE" \
		"$IMAGE" "$SB" sleep 1000000 >/dev/null || return 1
	SB_PID=$(cd_task_pid "$SB")
	[ -n "$SB_PID" ] || return 1
	cd_ctr run -d "${ann[@]}" \
		--label io.kubernetes.container.name=web \
		--annotation io.kubernetes.cri.container-type=container \
		--annotation io.kubernetes.cri.container-name=web \
		--annotation "io.kubernetes.cri.sandbox-id=$SB" \
		--annotation "io.kubernetes.cri.image-name=$IMAGE" \
		--with-ns "network:/proc/$SB_PID/ns/net" \
		--with-ns "ipc:/proc/$SB_PID/ns/ipc" \
		--with-ns "uts:/proc/$SB_PID/ns/uts" \
		"$IMAGE" "$APP" sleep 1000000 >/dev/null || return 1
	APP_PID=$(cd_task_pid "$APP")
	[ -n "$APP_PID" ]
}

pod_down() {
	local id
	for id in "$APP" "$SB"; do
		cd_ctr tasks kill -s KILL "$id" >/dev/null 2>&1
		cd_ctr tasks delete -f "$id" >/dev/null 2>&1
		cd_ctr containers delete "$id" >/dev/null 2>&1
	done
}

# cni CMD PLUGIN IFNAME CONF [RUNNER...]: a CNI plugin as the CRI
# plugin runs it (environment + network configuration on stdin), on the
# sandbox's network namespace; RUNNER (e.g. ctr task exec) prefixes it.
cni() {
	local cmd=$1 plugin=$2 ifname=$3 conf=$4
	shift 4
	"$@" env CNI_COMMAND="$cmd" CNI_CONTAINERID="$SB" \
		CNI_NETNS="/proc/$SB_PID/ns/net" CNI_IFNAME="$ifname" \
		CNI_PATH="$CNI" "$plugin" <<<"$conf"
}

LO_CONF='{"cniVersion":"1.0.0","name":"nswtest-lo","type":"loopback"}'
for cfg in $NSW_CD_CONFIGS; do
	out=$NSW_CT_WORK/mon.$cfg.json
	T0=$SECONDS
	mon_start "$cfg" "$out" 9>&- || bail_out "monitor $cfg did not start"

	# the escape, as `ctr task exec`
	cd_ctr tasks exec --exec-id "esc$$" "$PRIV" \
		nsenter -t $$ -m -u -i -n -p -- true >/dev/null 2>&1
	# a benign `ctr task exec`
	cd_ctr tasks exec --exec-id "ok$$" "$PRIV" true >/dev/null 2>&1
	# short-lived containers, created and removed while nswatch runs
	for i in $(seq "$RUNS"); do
		cd_ctr run --rm "$IMAGE" "nsw-true-$$-$i" true >/dev/null 2>&1
	done

	# a pod, its network set up by the CNI plugins from the host
	pod_up "web-$(ct_rand5)"
	ok $? "$cfg: pod up: sandbox $SB_PID, app $APP_PID" ||
		diag "$(tail -n 5 "$CD/log")"
	BR_CONF=$(printf '{"cniVersion":"1.0.0","name":"nswtest","type":"bridge","bridge":"%s","ipam":{"type":"host-local","subnet":"10.251.%d.0/24","dataDir":"%s"}}' \
		"$BR" $((RANDOM % 200 + 20)) "$NSW_CT_WORK/cni-ipam")
	cni ADD "$CNI/loopback" lo "$LO_CONF" >"$NSW_CT_WORK/cni.lo" 2>&1
	ok $? "$cfg: host CNI loopback ADD on the sandbox's netns" ||
		diag "$(cat "$NSW_CT_WORK/cni.lo")"
	cni ADD "$CNI/bridge" eth0 "$BR_CONF" >"$NSW_CT_WORK/cni.br" 2>&1
	ok $? "$cfg: host CNI bridge ADD on the sandbox's netns" ||
		diag "$(cat "$NSW_CT_WORK/cni.br")"
	# the app sees the interface the plugin made (it shares the netns)
	cd_ctr tasks exec --exec-id "ip$$" "$APP" ip addr show eth0 \
		>"$NSW_CT_WORK/app.ip" 2>&1
	ok $? "$cfg: ctr task exec into the app: it has the CNI's eth0" ||
		diag "$(cat "$NSW_CT_WORK/app.ip")"
	cd_ctr tasks exec --exec-id "sb$$" "$SB" true >/dev/null 2>&1
	# the same plugin from inside the privileged host-pid container
	cni ADD /bin/loopback lo "$LO_CONF" \
		cd_ctr tasks exec --exec-id "lo$$" "$PRIV" \
		>"$NSW_CT_WORK/cni.in" 2>&1
	ok $? "$cfg: the loopback plugin run inside $PRIV succeeds" ||
		diag "$(cat "$NSW_CT_WORK/cni.in")"
	cni DEL "$CNI/bridge" eth0 "$BR_CONF" >/dev/null 2>&1
	pod_down
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
	# audit: each true is gone before /proc is read; its exec names the
	# device of its container's root file system, learnt when it was
	# mounted (doc/container-mapping.md R17)
	is "$trues" "$RUNS" "$cfg: the true of each short-lived container is in it"
	is "$host" 0 "$cfg: none of them is a host process"

	# the host CNI plugins' setns into the sandbox's netns are seen ...
	seen=$(jq -s '[.[] | .process_kprobe
		| select(.function_name == "__x64_sys_setns"
			 and (.process.binary // "" | startswith("/usr/lib/cni/")))
		| .process.binary] | unique | join(" ")' "$out")
	[[ $seen == *bridge* && $seen == *loopback* ]]
	ok $? "$cfg: the host CNI plugins' setns calls are seen ($seen)"
	# ... and no alert is on anything but the privileged container
	bad=$(jq -c -s --arg id "containerd://$PRIV" '.[]
		| select((.nswatch.alerts | length) > 0)
		| (.process_exec // .process_kprobe).process
		| select((.pod.container.id // "") != $id)
		| {binary, docker, rules: "see output"}' "$out")
	is "$bad" "" "$cfg: containerd, shim, runc, ctr, task exec, sandbox, app and host CNI raise no alert"
	jq -e -s --arg id "containerd://$PRIV" '[.[] | .process_kprobe
		| select(.function_name == "__x64_sys_setns"
			 and .process.binary == "/bin/loopback"
			 and .process.pod.container.id == $id)]
		| length > 0' "$out" >/dev/null &&
	jq -e -s --arg id "containerd://$PRIV" '[.[]
		| select(.process_kprobe.function_name == "__x64_sys_setns"
			 and .process_kprobe.process.binary == "/bin/loopback"
			 and ([.nswatch.alerts[]?.rule] | index("setns-in-container")))]
		| length > 0' "$out" >/dev/null
	ok $? "$cfg: the same plugin's setns from inside $PRIV is setns-in-container"
done
