#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Integration test for `nswatch ps --json` against real runc containers laid
# out like a containerd Kubernetes node (tests/lib/containers.sh):
#   (a) pod shop/web-…: sandbox + unprivileged app container "web";
#   (b) pod default/escape-…: privileged hostPID container "root", in which
#       one process has entered the host mount namespace (nsenter -t $$ -m);
#   (c) a plain host process.
# Checks attribution (pod/container blocks, docker id), the procfs flags
# and backend, namespace inodes, the container-in-host-namespaces alert and
# --containers-only.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"

require_containers
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock

ct_rootfs_build || bail_out "cannot build the test rootfs"

OUT=$NSW_CT_WORK/ps.json
ERR=$NSW_CT_WORK/ps.err

# -- (a) unprivileged pod ---------------------------------------------------
APP_POD=web-6c8f9d7b5-$(ct_rand5)
ct_pod_create --name "$APP_POD" --namespace shop --container web \
	--image docker.io/library/nginx:1.25 -- sleep 1000000 ||
	bail_out "cannot start the unprivileged pod"
APP_ID=$CT_ID APP_PID=$CT_PID APP_UID=$CT_POD_UID
APP_SB_ID=$CT_SANDBOX_ID APP_SB_PID=$CT_SANDBOX_PID
diag "app pod shop/$APP_POD uid=$APP_UID id=$APP_ID pid=$APP_PID" \
	"app sandbox id=$APP_SB_ID pid=$APP_SB_PID"

# -- (b) privileged host-pid pod and an escaped process ----------------------
PRIV_POD=escape-$(ct_rand5)
ct_pod_create --privileged --name "$PRIV_POD" --namespace default \
	--container root --image docker.io/library/busybox:1.36.1 ||
	bail_out "cannot start the privileged pod"
PRIV_ID=$CT_ID PRIV_PID=$CT_PID PRIV_UID=$CT_POD_UID
ct_exec_bg "$PRIV_ID" nsenter -t $$ -m sleep 300 >/dev/null ||
	bail_out "runc exec nsenter failed"
ESC_PID=$CT_BG_PID
ct_wait_exec "$ESC_PID" sleep 10 || bail_out "nsenter did not exec sleep"
diag "priv pod default/$PRIV_POD id=$PRIV_ID pid=$PRIV_PID escaped pid=$ESC_PID"
HOST_MNT=$(ct_ns_inum 2 mnt)
[ "$(ct_ns_inum "$ESC_PID" mnt)" = "$HOST_MNT" ] ||
	bail_out "escaped process is not in the host mount namespace"

# -- (c) plain host process ---------------------------------------------------
sleep 300 >/dev/null 2>&1 &
HOST_PID=$!
NSW_CT_BGPIDS+=("$HOST_PID")

# -- run --------------------------------------------------------------------
timeout 120 "$NSWATCH" ps --json >"$OUT" 2>"$ERR"
rc=$?
is "$rc" 0 "nswatch ps --json exits 0"
[ -s "$ERR" ] && diag "stderr: $(head -c 2000 "$ERR")"

n=$(wc -l <"$OUT")
ok "$([ "$n" -gt 0 ]; echo $?)" "ps --json printed $n lines"
jq -e . "$OUT" >/dev/null 2>&1
ok $? "every line is JSON"
bad=$(jq -c 'select((keys_unsorted[0] != "process_exec") and
		     (keys_unsorted[0] != "nswatch_stats"))' "$OUT" | head -3)
is "$bad" "" "each line starts with process_exec (or nswatch_stats)"

# ev PID: the process_exec line for host PID (first match).
ev() {
	jq -c --argjson p "$1" \
		'select(.process_exec.process.pid == $p)' "$OUT" | head -n 1
}
# q LINE FILTER: jq -r FILTER on LINE ("" when the line is empty).
q() {
	[ -n "$1" ] || { echo ""; return; }
	jq -r "$2" <<<"$1"
}
has_rule() {
	q "$1" "[.nswatch.alerts[]?.rule] | index(\"$2\") != null"
}

# -- (a) the app container ----------------------------------------------------
A=$(ev "$APP_PID")
ok "$([ -n "$A" ]; echo $?)" "app container process $APP_PID is listed"
is "$(q "$A" '.process_exec.process.pod.name')" "$APP_POD" "app: pod.name"
is "$(q "$A" '.process_exec.process.pod.namespace')" shop "app: pod.namespace"
is "$(q "$A" '.process_exec.process.pod.uid')" "$APP_UID" "app: pod.uid"
is "$(q "$A" '.process_exec.process.pod.container.id')" "containerd://$APP_ID" \
	"app: pod.container.id is containerd://<64 hex>"
is "$(q "$A" '.process_exec.process.pod.container.name')" web \
	"app: pod.container.name"
is "$(q "$A" '.process_exec.process.pod.container.image.name')" \
	docker.io/library/nginx:1.25 "app: pod.container.image.name"
is "$(q "$A" '.process_exec.process.pod.container.pid')" 1 \
	"app: pod.container.pid is the pid inside the container (1)"
is "$(q "$A" '.process_exec.process.docker')" "${APP_ID:0:31}" \
	"app: docker is the first 31 characters of the id"
is "$(q "$A" '.nswatch.backend')" procfs "app: nswatch.backend is procfs"
is "$(q "$A" '.process_exec.process.flags | split(" ") | index("procFS") != null')" \
	true "app: flags contain procFS"
# busybox applet: /proc/<pid>/exe resolves the /bin/sleep symlink
bin=$(q "$A" '.process_exec.process.binary')
ok "$(case $bin in /bin/sleep|/bin/busybox) echo 0 ;; *) echo 1 ;; esac)" \
	"app: binary is the container path ($bin)"
is "$(q "$A" '.process_exec.process.arguments')" 1000000 "app: arguments"
is "$(q "$A" '.process_exec.process.ns.mnt.inum')" "$(ct_ns_inum "$APP_PID" mnt)" \
	"app: ns.mnt.inum matches /proc/$APP_PID/ns/mnt"
is "$(q "$A" '.process_exec.process.ns.pid.inum')" "$(ct_ns_inum "$APP_PID" pid)" \
	"app: ns.pid.inum matches /proc/$APP_PID/ns/pid"
is "$(q "$A" '.process_exec.process.ns.mnt.is_host // false')" false \
	"app: mount namespace is not the host's"
is "$(q "$A" '.nswatch.container_process // false')" true \
	"app: nswatch.container_process"
is "$(has_rule "$A" container-in-host-namespaces)" false \
	"app: no container-in-host-namespaces alert"
eid=$(q "$A" '.process_exec.process.exec_id' | base64 -d 2>/dev/null)
is "${eid##*:}" "$APP_PID" "app: exec_id decodes to <node>:<ktime>:<pid>"
is "$(q "$A" '.cluster_name')" default "app: cluster_name default"

S=$(ev "$APP_SB_PID")
is "$(q "$S" '.process_exec.process.pod.container.id')" "containerd://$APP_SB_ID" \
	"sandbox: attributed to the sandbox container"
is "$(q "$S" '.process_exec.process.pod.uid')" "$APP_UID" \
	"sandbox: same pod uid"

# -- (b) the privileged container and the escaped process ---------------------
P=$(ev "$PRIV_PID")
is "$(q "$P" '.process_exec.process.pod.container.id')" "containerd://$PRIV_ID" \
	"priv: init attributed to its container"
is "$(q "$P" '.process_exec.process.pod.name')" "$PRIV_POD" "priv: pod.name"
is "$(q "$P" '.process_exec.process.docker')" "${PRIV_ID:0:31}" "priv: docker"
is "$(q "$P" '.process_exec.process.ns.pid.is_host // false')" true \
	"priv: hostPID container is in the host pid namespace"
# doc/schema.md: the rule fires for the host mnt *or* pid namespace, so a hostPID
# container's init carries it as well.
is "$(has_rule "$P" container-in-host-namespaces)" true \
	"priv: hostPID init carries container-in-host-namespaces"

E=$(ev "$ESC_PID")
ok "$([ -n "$E" ]; echo $?)" "escaped process $ESC_PID is listed"
is "$(q "$E" '.process_exec.process.pod.container.id')" "containerd://$PRIV_ID" \
	"escaped: still attributed to the privileged container"
is "$(q "$E" '.process_exec.process.pod.uid')" "$PRIV_UID" "escaped: pod.uid"
is "$(q "$E" '.process_exec.process.ns.mnt.inum')" "$HOST_MNT" \
	"escaped: ns.mnt.inum is the host's"
is "$(q "$E" '.process_exec.process.ns.mnt.is_host')" true \
	"escaped: ns.mnt.is_host"
is "$(has_rule "$E" container-in-host-namespaces)" true \
	"escaped: alert container-in-host-namespaces"
is "$(q "$E" '[.nswatch.alerts[]? | select(.rule == "container-in-host-namespaces") | .mitre[]?] | index("T1611") != null')" \
	true "escaped: alert maps to MITRE T1611"

# -- (c) host processes -----------------------------------------------------
H=$(ev "$HOST_PID")
ok "$([ -n "$H" ]; echo $?)" "host process $HOST_PID is listed"
is "$(q "$H" '.process_exec.process | has("pod")')" false "host: no pod block"
is "$(q "$H" '.process_exec.process | has("docker")')" false "host: no docker"
is "$(q "$H" '.nswatch.container_process // false')" false \
	"host: not a container process"
is "$(q "$H" '(.nswatch.alerts // []) | length')" 0 "host: no alerts"
is "$(q "$H" '.process_exec.process.ns.mnt.is_host')" true \
	"host: ns.mnt.is_host"
T=$(ev $$)
is "$(q "$T" '.process_exec.process | has("pod")')" false \
	"host: the test script has no pod block"
# Cross-check every attribution against the kernel: a process with a pod
# block must sit in that container's cgroup, a process in no kubepods
# cgroup must have none.  (Processes that exited since the snapshot are
# skipped; other containers on the machine do not matter.)
wrong=0
while read -r pid cid; do
	cg=$(cat "/proc/$pid/cgroup" 2>/dev/null) || continue
	case $cid in
	containerd://*) cid=${cid#containerd://}
		case $cg in *"$cid"*) continue ;; esac ;;
	-) case $cg in *kubepods*) ;; *) continue ;; esac ;;
	esac
	wrong=$((wrong + 1))
	diag "pid $pid attributed to '$cid' but cgroup is: ${cg//$'\n'/ }"
done < <(jq -r 'select(.process_exec) | .process_exec.process |
		"\(.pid) \(.pod.container.id // "-")"' "$OUT")
is "$wrong" 0 "every attribution matches /proc/<pid>/cgroup"

# -- --containers-only ---------------------------------------------------------
OUT2=$NSW_CT_WORK/ps-containers.json
timeout 120 "$NSWATCH" ps --json --containers-only >"$OUT2" 2>>"$ERR"
is "$?" 0 "nswatch ps --json --containers-only exits 0"
nonct=$(jq -c 'select(.process_exec and (.process_exec.process.pod | not))' \
	"$OUT2" | wc -l)
is "$nonct" 0 "--containers-only: every line has a pod block"
for p in "$APP_PID" "$APP_SB_PID" "$PRIV_PID" "$ESC_PID"; do
	c=$(jq -c --argjson p "$p" 'select(.process_exec.process.pid == $p)' \
		"$OUT2" | wc -l)
	is "$c" 1 "--containers-only lists container process $p"
done
for p in "$HOST_PID" $$; do
	c=$(jq -c --argjson p "$p" 'select(.process_exec.process.pid == $p)' \
		"$OUT2" | wc -l)
	is "$c" 0 "--containers-only omits host process $p"
done

if [ "$NSW_TAP_FAIL" -ne 0 ]; then
	diag "ps output kept in $OUT (NSW_KEEP=1 to keep it after the run)"
	[ "${NSW_KEEP:-0}" = 1 ] || grep -F -e "$APP_ID" -e "$PRIV_ID" "$OUT" |
		head -n 4 | while IFS= read -r l; do diag "$l"; done
fi
done_testing
