#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The container image and the DaemonSet, without a cluster: the image
# built by contrib/container/build-image.sh is loaded into podman and run
# exactly as contrib/kubernetes/base's DaemonSet runs it (the podman
# command line is generated from `kubectl kustomize` output by
# tests/k8s-podman.py: same mounts, capabilities, host pid and network
# namespaces, env with NODE_NAME, read-only root, memory limit, security
# options), then a pod started with the runc harness escapes with nsenter
# and the events must name that pod.  For each backend (the ConfigMap's
# `backend = auto` picks eBPF here; the audit run changes only that line),
#  - the readiness probe's command succeeds inside the container,
#  - the escape's exec and setns events carry the pod, container id and
#    the NODE_NAME the downward API would give,
#  - the "events" container copies the file to its stdout (`podman logs`
#    = `kubectl logs -c events`),
#  - the monitor's peak RSS stays under the manifest's memory limit (the
#    figure is printed for the README),
#  - SIGTERM (pod deletion) stops the monitor with status 0.
# Only one path differs from a node: the event file's hostPath
# (/var/log/nswatch) is a directory of the test, not the host's.
# Machine quirks (not in the manifest): crun refuses this hybrid cgroup
# layout, so podman runs runc; RLIMIT_NOFILE/NPROC are set at or below
# the current hard limits (the bounding set lacks CAP_SYS_RESOURCE, so
# podman's defaults cannot be set).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_K8S_BACKENDS:=bpf audit}"
. "$top_srcdir/tests/lib/containers.sh"
. "$top_srcdir/tests/lib/scenarios.sh"

require_containers
require_cmd podman kubectl python3
python3 -c 'import yaml' 2>/dev/null || skip_all "needs python3-yaml"
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
ct_rootfs_build || bail_out "cannot build the test rootfs"

W=$NSW_CT_WORK/k8s
mkdir -p "$W"
IMG=localhost/nswatch-test:$$
NODE=nswtest-k8s-node
PODMAN=(podman --runtime "$(command -v runc)")
ULIMITS=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)
RUN=()

k8s_cleanup() {
	local c
	for c in "${RUN[@]}"; do
		"${PODMAN[@]}" rm -f -t 2 "$c" >/dev/null 2>&1
	done
	podman rmi -f "$IMG" >/dev/null 2>&1
	ct_cleanup_all
}
trap k8s_cleanup EXIT

kubectl kustomize "$top_srcdir/contrib/kubernetes/base" \
	| sed "s|image: localhost/nswatch:.*|image: $IMG|" >"$W/rendered.yaml"
ok $? "kubectl kustomize renders the base"
bash "$top_srcdir/contrib/container/build-image.sh" -b "$NSWATCH" -t "$IMG" \
	-o "$W/image.tar" >"$W/build.out" 2>&1
ok $? "build-image.sh builds an OCI archive" || diag "$(tail -n 5 "$W/build.out")"
podman load -i "$W/image.tar" >"$W/load.out" 2>&1
ok $? "podman load takes it" || diag "$(tail -n 5 "$W/load.out")"
LIMIT_MIB=$(python3 -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "DaemonSet":
        c = [c for c in d["spec"]["template"]["spec"]["containers"]
             if c["name"] == "nswatch"][0]
        print(c["resources"]["limits"]["memory"].rstrip("Mi"))' "$W/rendered.yaml")
EXPAND=()
"$NSWATCH" monitor --help 2>&1 | grep -q -- '--config' || EXPAND=(--expand-config)
[ ${#EXPAND[@]} -gt 0 ] && diag "nswatch monitor has no --config yet: nswatch.conf passed as options"

# podman_args CONTAINER WORK: the DaemonSet's container as podman options
podman_args() {
	python3 "$top_srcdir/tests/k8s-podman.py" "$W/rendered.yaml" "$1" \
		"$NODE" "$2" --host-subst "/var/log/nswatch=$2/var-log" \
		"${EXPAND[@]}"
}

run_backend() {
	local be=$1 w=$W/$1 mon ev args=() evargs=() n hwm ready pid
	mkdir -p "$w"
	mon=nswatch-test-$be-$$ ev=nswatch-events-$be-$$
	mapfile -t args < <(podman_args nswatch "$w")
	mapfile -t evargs < <(podman_args events "$w")
	if [ "$be" != bpf ]; then
		# the ConfigMap with `backend = audit` instead of auto
		sed -i "s/^backend = .*/backend = $be/" "$w/config/nswatch.conf"
		[ ${#EXPAND[@]} -gt 0 ] &&
			args=("${args[@]/--backend=auto/--backend=$be}")
	fi
	diag "$be: podman run ${args[*]}"
	RUN+=("$mon" "$ev")
	"${PODMAN[@]}" run -d --name "$mon" "${ULIMITS[@]}" "${args[@]}" \
		>"$w/run.out" 2>&1
	ok $? "$be: the DaemonSet's nswatch container starts under podman" ||
		diag "$(tail -n 5 "$w/run.out")"
	"${PODMAN[@]}" run -d --name "$ev" "${ULIMITS[@]}" "${evargs[@]}" \
		>"$w/run-ev.out" 2>&1
	ok $? "$be: the events container starts" ||
		diag "$(tail -n 5 "$w/run-ev.out")"
	n=300 ready=1
	while [ "$n" -gt 0 ]; do
		if "${PODMAN[@]}" exec "$mon" /bin/test -e /run/nswatch/ready \
			2>/dev/null; then
			ready=0
			break
		fi
		[ "$("${PODMAN[@]}" inspect -f '{{.State.Running}}' "$mon" 2>/dev/null)" = true ] ||
			break
		ct_sleep 0.1
		n=$((n - 1))
	done
	[ "$ready" -eq 0 ]
	ok $? "$be: readiness probe (test -e /run/nswatch/ready) succeeds" ||
		diag "$("${PODMAN[@]}" logs "$mon" 2>&1 | tail -n 15)"
	"${PODMAN[@]}" logs "$mon" 2>&1 | grep -q "backend: .*$be\|ready: backend $be"
	ok $? "$be: backend $be in use" ||
		diag "$("${PODMAN[@]}" logs "$mon" 2>&1 | grep -i 'backend\|ready' | head -n 5)"

	scn_setup_pods >"$w/pods" || bail_out "cannot start the test pods"
	scn_priv_host_nsenter "$SCN_PRIV_ID" "$$" >"$w/scn"
	is "$SCN_RESULT" ok "$be: nsenter escaped from the privileged pod"
	ct_sleep 1.5	# let the last events through

	local out=$w/var-log/events.json
	jq -e -s --arg pid "$SCN_PID" --arg pod "$SCN_PRIV_POD" \
		--arg ns "$SCN_PRIV_NS" --arg id "containerd://$SCN_PRIV_ID" \
		--arg node "$NODE" '
		map(select((.process_exec.process.pid | tostring) == $pid and
			   .process_exec.process.pod.name == $pod and
			   .process_exec.process.pod.namespace == $ns and
			   .process_exec.process.pod.container.id == $id and
			   .node_name == $node and
			   ([.nswatch.alerts[]?.rule] | index("nsenter-in-container"))))
		| length == 1' "$out" >/dev/null
	ok $? "$be: nsenter exec attributed to its pod, node name from NODE_NAME"
	jq -e -s --arg pid "$SCN_PID" --arg pod "$SCN_PRIV_POD" '
		map(select((.process_kprobe.process.pid | tostring) == $pid and
			   .process_kprobe.process.pod.name == $pod and
			   ([.nswatch.alerts[]?.rule] |
			    index("setns-escape-to-host"))))
		| length > 0' "$out" >/dev/null
	ok $? "$be: setns-escape-to-host attributed to the pod"
	"${PODMAN[@]}" logs "$ev" 2>/dev/null |
		jq -e -s --arg pid "$SCN_PID" '
		map(select((.process_exec.process.pid | tostring) == $pid))
		| length == 1' >/dev/null
	ok $? "$be: the events container's stdout has the nsenter exec"

	pid=$(cat "$w/run/ready" 2>/dev/null)
	hwm=$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null)
	diag "$be: nswatch peak RSS ${hwm:-?} MiB (limit $LIMIT_MIB MiB)"
	[ -n "$hwm" ] && [ "$hwm" -lt "$LIMIT_MIB" ]
	ok $? "$be: peak RSS under the DaemonSet's memory limit"

	"${PODMAN[@]}" stop -t 20 "$mon" >/dev/null 2>&1
	is "$("${PODMAN[@]}" inspect -f '{{.State.ExitCode}}' "$mon")" 0 \
		"$be: SIGTERM stops the monitor with status 0"
	[ ! -e "$w/run/ready" ]
	ok $? "$be: ready file removed at exit"
	"${PODMAN[@]}" rm -f -t 2 "$mon" "$ev" >/dev/null 2>&1
	for id in $SCN_APP_ID $SCN_PRIV_ID $SCN_APP_SANDBOX_ID \
		  $SCN_PRIV_SANDBOX_ID; do
		ct_delete "$id"
	done
}

for be in $NSW_K8S_BACKENDS; do
	if [ "$be" = audit ] && pgrep -x auditd >/dev/null; then
		skip "audit: an auditd is running"
		continue
	fi
	run_backend "$be"
done
done_testing
