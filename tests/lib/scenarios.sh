# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034
#
# Reusable namespace-escape scenarios for monitor tests (bash; source after
# tests/lib/containers.sh, with nsw_lock held and ct_rootfs_build done).
#
#   scn_setup_pods              unprivileged k8s pod + privileged host-pid pod
#   scn_priv_host_nsenter       priv container: nsenter -t <host pid> -m -u -i -n -p -- sh -c 'sleep 1'
#   scn_unpriv_nsenter          unpriv container: nsenter -t 1 -m -u -i -n -p (EPERM)
#   scn_unshare_user            container: unshare -U (allowed, no seccomp)
#   scn_host_exec               host: runc exec <id> sleep 1 (enter_container)
#   scn_busybox_nsenter         container: `busybox nsenter -t <pid> -m -- true`
#   scn_renamed_nsenter         container: /bin/nsx (renamed util-linux nsenter)
#   scn_direct_setns            container: nsw-setns <nspath> <type> (raw setns)
#   scn_cgroup_escape           priv container: into a sub-cgroup, then nsenter
#
# Every scenario starts its command with `runc exec -d --pid-file`, so the
# host pid of the process that calls setns/unshare is known exactly, waits
# for it to finish (unless SCN_NOWAIT=1), and then
#   - sets SCN_NAME SCN_CONTAINER SCN_PID SCN_CHILDREN SCN_TARGET SCN_LOG
#     SCN_RESULT (ok | eperm | failed | running),
#   - prints one line on stdout:
#       scenario=<name> container=<64hex> pid=<host pid> children="<pids>"
#         target=<host pid or path> result=<...> log=<file>
# Call scenarios directly or with stdout redirected to a file
# (`scn_x ID >out`), never inside $(...): a subshell would lose SCN_* and
# the cleanup bookkeeping.
#
# Facts checked on the development machine (see containers.sh header):
# the privileged host-pid container reaches the host's mnt/uts/ipc/net/pid
# namespaces through nsenter, nsx and nsw-setns; the unprivileged container
# fails setns with EPERM (no CAP_SYS_ADMIN) but may unshare -U (no seccomp
# filter, as with Kubernetes' default Unconfined profile).

: "${SCN_TARGET_PID:=$$}"	# a host process in the host namespaces
: "${SCN_TIMEOUT:=10}"		# seconds to wait for a scenario to finish

# scn_setup_pods: create the two standard pods.  Sets
#   SCN_APP_ID SCN_APP_PID SCN_APP_POD_UID SCN_APP_POD SCN_APP_NS
#   SCN_APP_SANDBOX_ID SCN_APP_SANDBOX_PID   (unprivileged pod "web")
#   SCN_PRIV_ID SCN_PRIV_PID SCN_PRIV_POD_UID SCN_PRIV_POD SCN_PRIV_NS
#   SCN_PRIV_SANDBOX_ID SCN_PRIV_SANDBOX_PID (privileged host-pid pod)
# and prints them as key=value lines.
scn_setup_pods() {
	ct_pod_create --name "web-6c8f9d7b5-$(ct_rand5)" --namespace shop \
		--container web --image docker.io/library/nginx:1.25 ||
		return 1
	SCN_APP_ID=$CT_ID SCN_APP_PID=$CT_PID SCN_APP_POD_UID=$CT_POD_UID
	SCN_APP_POD=$CT_POD_NAME SCN_APP_NS=$CT_POD_NAMESPACE
	SCN_APP_SANDBOX_ID=$CT_SANDBOX_ID SCN_APP_SANDBOX_PID=$CT_SANDBOX_PID

	ct_pod_create --privileged --name "debug-node-$(ct_rand5)" \
		--namespace kube-system --container debugger \
		--image docker.io/library/busybox:1.36.1 || return 1
	SCN_PRIV_ID=$CT_ID SCN_PRIV_PID=$CT_PID SCN_PRIV_POD_UID=$CT_POD_UID
	SCN_PRIV_POD=$CT_POD_NAME SCN_PRIV_NS=$CT_POD_NAMESPACE
	SCN_PRIV_SANDBOX_ID=$CT_SANDBOX_ID SCN_PRIV_SANDBOX_PID=$CT_SANDBOX_PID

	echo "app_id=$SCN_APP_ID app_pid=$SCN_APP_PID app_pod=$SCN_APP_NS/$SCN_APP_POD app_pod_uid=$SCN_APP_POD_UID"
	echo "priv_id=$SCN_PRIV_ID priv_pid=$SCN_PRIV_PID priv_pod=$SCN_PRIV_NS/$SCN_PRIV_POD priv_pod_uid=$SCN_PRIV_POD_UID"
}

# _scn_descendants PID: pids of PID's live descendants.
_scn_descendants() {
	local f l c
	for f in /proc/"$1"/task/*/children; do
		l=
		# no trailing newline in this file: read "fails" but fills l
		read -r l 2>/dev/null <"$f"
		[ -n "$l" ] || continue
		for c in $l; do
			echo "$c"
			_scn_descendants "$c"
		done
	done
}

# _scn_run NAME CONTAINER TARGET CMD...: the common runner (see header).
_scn_run() {
	local name=$1 id=$2 target=$3 pid n c kids=" "
	shift 3
	SCN_NAME=$name SCN_CONTAINER=$id SCN_TARGET=$target
	SCN_PID="" SCN_CHILDREN="" SCN_LOG="" SCN_RESULT=failed
	ct_exec_bg "$id" "$@" >/dev/null || {
		echo "scenario=$name container=$id pid= result=failed"
		return 1
	}
	pid=$CT_BG_PID
	SCN_PID=$pid
	SCN_LOG=$NSW_CT_WORK/exec.$pid.log
	if [ "${SCN_NOWAIT:-0}" = 1 ]; then
		SCN_RESULT=running
	else
		n=$((SCN_TIMEOUT * 50))
		while ct_alive "$pid" && [ "$n" -gt 0 ]; do
			for c in $(_scn_descendants "$pid"); do
				case $kids in *" $c "*) ;; *) kids="$kids$c " ;; esac
			done
			ct_sleep 0.02
			n=$((n - 1))
		done
		if ct_alive "$pid"; then
			SCN_RESULT=timeout
		elif grep -q 'Operation not permitted' "$SCN_LOG" 2>/dev/null; then
			SCN_RESULT=eperm
		elif grep -qiE 'not permitted|fail|error|can.t|not found' \
			"$SCN_LOG" 2>/dev/null; then
			SCN_RESULT=failed
		else
			SCN_RESULT=ok
		fi
	fi
	kids=${kids# }
	SCN_CHILDREN=${kids% }
	echo "scenario=$name container=$id pid=$pid children=\"$SCN_CHILDREN\" target=$target result=$SCN_RESULT log=$SCN_LOG"
}

# scn_priv_host_nsenter PRIV_ID [HOST_PID]: the classic escape.  In the
# privileged host-pid container, busybox nsenter (argv[0] "nsenter", binary
# /bin/busybox) joins all namespaces of a host process and runs a shell.
# Expected: SCN_RESULT=ok; SCN_PID is nsenter (it forks for -p), the shell
# and sleep are in SCN_CHILDREN and run in the host namespaces.
scn_priv_host_nsenter() {
	local t=${2:-$SCN_TARGET_PID}
	_scn_run priv-host-nsenter "$1" "$t" \
		nsenter -t "$t" -m -u -i -n -p -- sh -c 'sleep 1'
}

# scn_unpriv_nsenter APP_ID: nsenter in the unprivileged container against
# its own init.  Expected: SCN_RESULT=eperm (setns fails, no CAP_SYS_ADMIN).
scn_unpriv_nsenter() {
	_scn_run unpriv-nsenter "$1" 1 \
		nsenter -t 1 -m -u -i -n -p -- true
}

# scn_unshare_user ID: unshare -U in a container (allowed: no seccomp, no
# capability needed).  The command prints the uid seen inside the new user
# namespace (65534, unmapped) to the log.  Expected: SCN_RESULT=ok.
scn_unshare_user() {
	_scn_run unshare-user "$1" - unshare -U -- sh -c 'id -u; sleep 0.2'
	if [ "$SCN_RESULT" = ok ] && ! grep -qx 65534 "$SCN_LOG"; then
		SCN_RESULT=failed
	fi
}

# scn_host_exec ID: `runc exec ID sleep 1` from the host (kubectl exec):
# runc's init joins the container's namespaces (verdict enter_container, no
# alert).  SCN_PID is the exec'd process (host pid).  Expected: ok.
scn_host_exec() {
	_scn_run host-exec "$1" - sleep 1
}

# scn_busybox_nsenter ID [HOST_PID]: nsenter invoked as a busybox applet
# (argv[0] "busybox", argv[1] "nsenter"), mount namespace only.
# Expected: ok in the privileged container, eperm in the unprivileged one.
scn_busybox_nsenter() {
	local t=${2:-$SCN_TARGET_PID}
	[ "$t" = self ] && t=1
	_scn_run busybox-nsenter "$1" "$t" \
		busybox nsenter -t "$t" -m -- true
}

# scn_renamed_nsenter ID [HOST_PID]: a renamed copy of util-linux nsenter
# (/bin/nsx) joins the host mnt/uts/net namespaces and runs true; neither
# the path nor argv[0] says nsenter.  Expected: ok in the privileged
# container.
scn_renamed_nsenter() {
	local t=${2:-$SCN_TARGET_PID}
	_scn_run renamed-nsenter "$1" "$t" \
		/bin/nsx -t "$t" -m -u -n -- true
}

# scn_direct_setns ID NSPATH [NSTYPE] [EXTRA...]: the static nsw-setns
# helper opens NSPATH and calls setns(2) directly; EXTRA is passed on (e.g.
# `--touch /tmp/marker` or `-- sleep 1`).  NSPATH is resolved inside the
# container, e.g. /proc/<host pid>/ns/mnt in the host-pid container.
# Expected: ok (privileged, host pid), eperm (unprivileged).
scn_direct_setns() {
	local id=$1 path=$2 type=${3:-0}
	shift 2
	[ $# -gt 0 ] && shift
	_scn_run direct-setns "$id" "$path" nsw-setns "$path" "$type" "$@"
}

# The shell of scn_cgroup_escape: moves itself into sub-cgroup $0 of its
# own container cgroup in every hierarchy mounted at /sys/fs/cgroup and in
# the unified one (which the eBPF backend keys containers by; mounted by
# hand when the container lacks it, as a privileged container may), prints
# its cgroup file, then runs the nsenter escape to host process $1, whose
# shell sleeps $2 seconds.
# shellcheck disable=SC2016  # expanded by the container's shell
_SCN_CGROUP_ESCAPE='for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
	[ -e "$d/cgroup.procs" ] || continue
	mkdir -p "$d$0" 2>/dev/null && echo $$ >"$d$0/cgroup.procs" 2>/dev/null
done
p=$(sed -n "s/^0:://p" /proc/self/cgroup)
case $p in
*/"$0") ;;
?*)	mkdir -p /tmp/cg2 && mount -t cgroup2 none /tmp/cg2 &&
	mkdir -p "/tmp/cg2$p/$0" && echo $$ >"/tmp/cg2$p/$0/cgroup.procs"
	umount /tmp/cg2 ;;
esac
cat /proc/self/cgroup
exec nsenter -t "$1" -m -u -i -n -p -- sh -c "sleep $2"'

# scn_cgroup_escape NAME PRIV_ID CGROUP HOST_PID [SLEEP]: issue 10 item 1's
# attacker: a shell in the privileged host-pid container moves itself into
# a sub-cgroup CGROUP of its container (named like a runtime helper or
# another container), then nsenter's into HOST_PID's namespaces, running
# `sleep SLEEP` (1) there.  Expected: SCN_RESULT=ok; the log starts with
# the shell's /proc/self/cgroup.
scn_cgroup_escape() {
	_scn_run "$1" "$2" "$4" sh -c "$_SCN_CGROUP_ESCAPE" "$3" "$4" "${5:-1}"
}
