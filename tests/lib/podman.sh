# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Rootful podman 4.3 (Debian 12's `podman`) in tests (bash; source after
# tests/lib/containers.sh, with nsw_lock held).
#
#   pm_setup             write the containers.conf below, export
#                        CONTAINERS_CONF, sweep pods of dead tests
#   pm ARGS...           podman ARGS in the libpod namespace $PM_NS (if
#                        set), without the global lock's fd 9
#   pm_image_import REF  `podman import` of the test rootfs as REF
#   pm_cleanup           remove the pods and images this script made
#
# Pods are named "nswtest-<pid of the test>-..." (pm_pod_name) and images
# "localhost/nswtest/<name>:<pid of the test>" so that pm_setup can remove
# those of a test that was killed.
#
# Facts (Debian 12, kernel 6.18, no systemd, podman 4.3.1, runc 1.1.5):
#  - cgroup_manager "systemd" (the default) needs systemd: "cgroupfs",
#    which puts a pod under /libpod_parent/<pod id>/ (P7 in
#    doc/container-mapping.md); events_logger "journald" needs journald:
#    "file".
#  - Resource limits.  containers/common, while it loads containers.conf,
#    sets podman's own RLIMIT_NPROC (soft and hard) to kernel.pid_max
#    (32768 here; lowering always succeeds) and makes "nproc=<pid_max>"
#    the default ulimit, while RLIMIT_NOFILE defaults to 1048576 in every
#    container, the infra container of a pod included.  runc's init
#    inherits podman's limits through conmon and may only lower them:
#    raising RLIMIT_NOFILE above our hard limit fails with EPERM
#    ("error setting rlimit type 7") without CAP_SYS_RESOURCE, which this
#    machine's bounding set lacks, and so does any nproc above podman's
#    own (lowered) limit ("type 6").  default_ulimits at our hard
#    RLIMIT_NOFILE and at the RLIMIT_NPROC podman will have reaches every
#    container, the infra container too.  ("-1", "the caller's limit" on
#    podman's command line, is not resolved in containers.conf by 4.3: it
#    asks for RLIM_INFINITY.)
#  - A pod's infra container is podman's own: the image
#    localhost/podman-pause:<version> that podman builds from catatonit
#    (package catatonit) on first use, running `/catatonit -P`.  Its
#    network namespace is set up by the CNI plugins (package
#    containernetworking-plugins; podman 4.3 on Debian uses CNI, not
#    netavark, when netavark is not installed).
#  - `podman --namespace NS` (libpod namespaces) is what `podman pod
#    inspect` reports as Namespace; every command on a pod's containers
#    must give the same NS.

PM_NS=		# libpod namespace for pm (empty: none)
PM_PODS=()	# pods made here (names), removed by pm_cleanup
PM_IMAGES=()	# images imported here, removed by pm_cleanup

pm() {
	# conmon and the containers would hold the global lock while they live
	podman ${PM_NS:+--namespace "$PM_NS"} "$@" 9>&-
}

# _pm_nproc: the RLIMIT_NPROC podman runs with: kernel.pid_max if it may
# set that (lower than or equal to our hard limit), else 1048576 if it
# may, else ours.
_pm_nproc() {
	local hard pid_max
	hard=$(ulimit -Hu)
	pid_max=$(cat /proc/sys/kernel/pid_max)
	if [ "$hard" = unlimited ] || [ "$pid_max" -le "$hard" ]; then
		echo "$pid_max"
	elif [ 1048576 -le "$hard" ]; then
		echo 1048576
	else
		echo "$hard"
	fi
}

# pm_pod_name SUFFIX: a pod name pm_setup of a later test can sweep.
pm_pod_name() { echo "nswtest-$$-$1"; }

# pm_setup: containers.conf under the work directory (CONTAINERS_CONF is
# the only file podman reads then), and removal of pods left by test
# scripts that died.
pm_setup() {
	local nofile nproc pod img p
	nofile=$(ulimit -Hn)
	[ "$nofile" = unlimited ] && nofile=1048576
	nproc=$(_pm_nproc)
	export CONTAINERS_CONF=$NSW_CT_WORK/containers.conf
	cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF
	for pod in $(PM_NS='' pm pod ls --format '{{.Name}}' 2>/dev/null); do
		case $pod in
		nswtest-*-*) ;;
		*) continue ;;
		esac
		p=${pod#nswtest-}
		p=${p%%-*}
		[ -n "$p" ] && ! kill -0 "$p" 2>/dev/null &&
			PM_NS='' pm pod rm -f "$pod" >/dev/null 2>&1
	done
	for img in $(PM_NS='' pm images --format '{{.Repository}}:{{.Tag}}' \
		     2>/dev/null); do
		case $img in
		localhost/nswtest/*:[0-9]*) ;;
		*) continue ;;
		esac
		p=${img##*:}
		! kill -0 "$p" 2>/dev/null &&
			PM_NS='' pm rmi -f "$img" >/dev/null 2>&1
	done
	return 0
}

# pm_image_import REF: the test rootfs (ct_rootfs_build) as image REF.
pm_image_import() {
	local tar=$NSW_CT_WORK/rootfs.tar
	tar -C "$NSW_CT_ROOTFS" --numeric-owner -cf "$tar" . || return 1
	pm import "$tar" "$1" >/dev/null || return 1
	rm -f "$tar"
	PM_IMAGES+=("$1")
}

pm_cleanup() {
	local x
	for x in "${PM_PODS[@]}"; do
		pm pod rm -f "$x" >/dev/null 2>&1
	done
	PM_PODS=()
	for x in "${PM_IMAGES[@]}"; do
		pm rmi -f "$x" >/dev/null 2>&1
	done
	PM_IMAGES=()
}
