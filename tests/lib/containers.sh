# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034
#
# Real-container harness for nswatch integration tests (bash; source it).
#
# Containers are started with runc from OCI bundles laid out exactly as
# containerd's CRI plugin lays out a Kubernetes pod
# (doc/container-mapping.md §3.1):
#
#   bundle      /run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/
#               config.json  init.pid  log.json  rootfs/ (overlay mount)
#   runc state  /run/containerd/runc/k8s.io/<id>/state.json
#               (runc --root /run/containerd/runc/k8s.io, as the shim does)
#   cgroup      linux.cgroupsPath = /kubepods/<qos>/pod<uid>/<id>   (K1/K3)
#   annotations io.kubernetes.cri.{container-type,sandbox-id,sandbox-name,
#               sandbox-namespace,sandbox-uid,container-name,image-name,
#               sandbox-log-directory}
#
# A pod is a sandbox ("pause": busybox `sleep 1000000`, own
# pid/ipc/uts/mnt/net namespaces) plus one app container that joins the
# sandbox's ipc/uts/net namespaces by path (/proc/<sandbox pid>/ns/X) and
# has its own pid and mnt namespaces, as containerd does.
#
# Findings on the development machine (Debian 12, kernel 6.18, firecracker
# VM, PID 1 = /process_api, no systemd, no Docker):
#  - cgroups are HYBRID v1: `stat -fc %T /sys/fs/cgroup` is tmpfs, v1
#    controllers cpu, cpuacct, cpuset, memory, devices, freezer, blkio, pids,
#    name=systemd, plus cgroup2 at /sys/fs/cgroup/unified.  runc 1.1.5
#    creates /kubepods/... in every v1 hierarchy and in the unified one, so
#    /proc/<pid>/cgroup of a container process reads exactly like K1:
#      8:pids:/kubepods/besteffort/pod<uid>/<64hex>   ...   0::/kubepods/...
#    Host processes read `/` except memory:/process_api/<hash> (the VM
#    agent's cgroup), i.e. host.
#  - There is no systemd, so the systemd cgroup driver (runc
#    --systemd-cgroup, cgroupsPath "kubepods-besteffort-pod<uid_>.slice:
#    cri-containerd:<id>", K4/K6) cannot be used; the cgroupfs form (K1) is.
#  - /sys/fs/cgroup is a writable tmpfs, which runc 1.1.5 needs.
#  - The bounding set lacks CAP_SYS_RESOURCE (CapBnd 000001fffeffffff); a
#    config that requests it fails, so the privileged variant asks for
#    exactly the capabilities in our own bounding set.
#  - PID 1's /proc/1/ns/* links cannot be read (EACCES, sandbox init);
#    kthreadd (PID 2) shares the host namespaces and is the reference.
#  - overlayfs is available; the bundle rootfs is an overlay of the cached
#    busybox rootfs (falls back to a copy if the mount fails).
#  - crun 1.8.1 refuses this hybrid layout ("cgroups in hybrid mode not
#    supported, drop all controllers from cgroupv2"), so NSW_RUNTIME=crun
#    only works on pure v1 or v2 hosts; runc is the default.
#  - Processes started with `runc exec -d` are reparented to PID 1
#    (/process_api), which reaps them late: finished ones linger as
#    zombies for a while (ct_alive treats a zombie as gone).
#  - No AppArmor/SELinux/Yama.  Kubernetes' default seccomp profile is
#    Unconfined (unless SeccompDefault), so test containers carry no
#    seccomp filter: `unshare -U` works in the unprivileged container,
#    while setns(2) there fails with EPERM for lack of CAP_SYS_ADMIN.
#  - busybox applets dispatch on argv[0]; a renamed copy of busybox cannot
#    run nsenter (`nsx: applet not found`).  The "renamed nsenter" in the
#    rootfs is therefore /bin/nsx = util-linux's (dynamic) nsenter with its
#    shared libraries copied into /lib*, and the direct-syscall case is the
#    static tests/helpers/nsw-setns at /bin/nsw-setns.
#
# Environment: top_builddir/top_srcdir (set by `make check`; default: the
# current directory), NSW_RUNTIME (runc by default; crun takes the same
# options; see the crun note above), NSW_KEEP=1 to keep the work directory
# for debugging (containers are always removed), NSW_LOCK_TIMEOUT (seconds
# to wait for the global lock, default 900).
#
# Typical use:
#   . "$top_srcdir/tests/lib/containers.sh"
#   require_root; require_cmd runc jq
#   nsw_lock                      # global lock + trap ct_cleanup_all EXIT
#   ct_rootfs_build
#   ct_pod_create --name web --namespace prod --container app
#   echo "$CT_ID $CT_PID $CT_POD_UID"

: "${top_builddir:=$PWD}"
: "${top_srcdir:=$PWD}"
: "${NSW_RUNTIME:=runc}"

NSW_CT_K8S_NS=k8s.io
NSW_CT_STATE=/run/containerd/io.containerd.runtime.v2.task/$NSW_CT_K8S_NS
NSW_CT_RUNC_ROOT=/run/containerd/runc/$NSW_CT_K8S_NS
NSW_CT_ROOTFS=$top_builddir/tests/rootfs
NSW_CT_WORK=$top_builddir/tests/run/$(basename "${0:-sh}").$$
NSW_CT_IMAGE_DEFAULT=docker.io/library/busybox:1.36.1
NSW_LOCK_FILE=${NSW_LOCK_FILE:-/tmp/nswatch-global.lock}
# Annotation that marks our containers, value "<pid> <starttime>" of the
# owning test script; used to sweep containers left by a killed test.
NSW_CT_OWNER_KEY=io.nswatch.test.owner

NSW_CT_CREATED=()	# container ids, creation order
NSW_CT_PODS=()		# pod cgroup parents, e.g. /kubepods/besteffort/pod<uid>
NSW_CT_BGPIDS=()	# host pids of background helpers to kill at exit

# ---------------------------------------------------------------- TAP ------
# Small TAP producer for shell tests (names match tests/tap.h).
NSW_TAP_N=0
NSW_TAP_FAIL=0

plan() { echo "1..$1"; }
# diag LINE...: each argument (and each line in it) as a TAP comment.
diag() {
	local a l
	for a in "$@"; do
		while IFS= read -r l; do echo "# $l"; done <<<"$a"
	done
}
ok() {
	local rc=$1; shift
	NSW_TAP_N=$((NSW_TAP_N + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $NSW_TAP_N - $*"
	else
		echo "not ok $NSW_TAP_N - $*"
		NSW_TAP_FAIL=$((NSW_TAP_FAIL + 1))
	fi
	return "$rc"
}
# is GOT EXPECTED NAME
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "     got: '$1'" "expected: '$2'"
		return 1
	fi
}
done_testing() {
	echo "1..$NSW_TAP_N"
	[ "$NSW_TAP_FAIL" -eq 0 ]
}
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# skip REASON: one skipped test point
skip() {
	NSW_TAP_N=$((NSW_TAP_N + 1))
	echo "ok $NSW_TAP_N # SKIP $*"
}
bail_out() { echo "Bail out! $*"; exit 1; }

# ---------------------------------------------------------- requirements --
require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
}

# require_cmd CMD...: skip unless every command is in PATH.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "needs $c"
	done
}

# require_file PATH [REASON]
require_file() {
	[ -e "$1" ] || skip_all "${2:-needs $1}"
}

# require_containers: everything the harness itself needs.
require_containers() {
	require_root
	require_cmd "$NSW_RUNTIME" jq flock mount umount od
	[ -x /bin/busybox ] || skip_all "needs /bin/busybox (busybox-static)"
	file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
		ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' ||
		skip_all "/bin/busybox is not static (install busybox-static)"
	grep -q cgroup /proc/self/mounts || skip_all "no cgroup filesystem"
}

# -------------------------------------------------------------- locking ---
# nsw_lock: take the machine-global lock on fd 9 for the rest of the
# script, install the EXIT trap and sweep containers left behind by test
# scripts that died.  Call once, after the require_* checks.
nsw_lock() {
	exec 9>"$NSW_LOCK_FILE"
	flock -w "${NSW_LOCK_TIMEOUT:-900}" 9 ||
		bail_out "$NSW_LOCK_FILE held by another test for too long"
	trap ct_cleanup_all EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 141' PIPE
	trap 'exit 143' TERM
	ct_sweep_stale
	mkdir -p "$NSW_CT_WORK"
}

# ------------------------------------------------------------ utilities ---
ct_hex64() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
ct_uuid() { cat /proc/sys/kernel/random/uuid; }
ct_rand5() { od -An -N8 -tx1 /dev/urandom | tr -dc 'a-z0-9' | head -c5; }

# ct_sleep SECONDS: sleep without exec'ing /bin/sleep (a read timeout on
# a FIFO nobody writes), so polling loops add no exec events to what a
# monitor under test sees.  Falls back to sleep(1).
NSW_SLEEP_FD=
ct_sleep() {
	if [ -z "$NSW_SLEEP_FD" ] && [ -d "$NSW_CT_WORK" ]; then
		local f=$NSW_CT_WORK/.sleep.fifo
		[ -p "$f" ] || mkfifo "$f" 2>/dev/null
		[ -p "$f" ] && exec {NSW_SLEEP_FD}<>"$f"
	fi
	if [ -n "$NSW_SLEEP_FD" ]; then
		read -r -t "$1" -u "$NSW_SLEEP_FD" _ 2>/dev/null
		return 0
	fi
	sleep "$1"
}

# Start time (clock ticks since boot) of a pid, to pair with the pid.
ct_starttime() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	# field 22 overall = field 20 after "pid (comm) "
	# shellcheck disable=SC2086
	set -- $stat
	echo "${20}"
}

# Every cgroup hierarchy mount point (v1 controllers and v2).
ct_cgroup_mounts() {
	awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts
}

# Names of the capabilities in our bounding set (CAP_SYS_RESOURCE is
# missing here; asking runc for a capability we lack fails).
NSW_CAP_NAMES=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER
	CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP
	CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST
	CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE
	CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT
	CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME
	CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE
	CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN
	CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ
	CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE)
ct_bounding_caps() {
	local hex i
	hex=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	for i in "${!NSW_CAP_NAMES[@]}"; do
		if (( (16#$hex >> i) & 1 )); then
			echo "${NSW_CAP_NAMES[$i]}"
		fi
	done
}

# containerd's default capability set (= Docker's).
NSW_CAPS_DEFAULT=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER
	CAP_MKNOD CAP_NET_RAW CAP_SETGID CAP_SETUID CAP_SETFCAP CAP_SETPCAP
	CAP_NET_BIND_SERVICE CAP_SYS_CHROOT CAP_KILL CAP_AUDIT_WRITE)

ct_runtime() {
	"$NSW_RUNTIME" --root "$NSW_CT_RUNC_ROOT" "$@"
}

# --------------------------------------------------------------- rootfs ---
# Copy a dynamically linked program and its shared libraries into the
# rootfs cache.  ct_rootfs_add_dynamic SRC DEST (DEST inside the rootfs).
ct_rootfs_add_dynamic() {
	local src=$1 dest=$2 lib
	install -D -m 0755 "$src" "$NSW_CT_ROOTFS.tmp$dest" || return 1
	for lib in $(ldd "$src" 2>/dev/null |
		     awk '/=>/ { print $3 } /^[ \t]*\// { print $1 }'); do
		[ -e "$lib" ] || continue
		[ -e "$NSW_CT_ROOTFS.tmp$lib" ] && continue
		install -D -m 0755 "$(readlink -f "$lib")" \
			"$NSW_CT_ROOTFS.tmp$lib" || return 1
	done
}

# ct_rootfs_build [STATIC_BINARY:DEST ...]
# Build (once; rebuilt when an input is newer) the busybox rootfs cached at
# $NSW_CT_ROOTFS: /bin/busybox with a symlink per applet (sh, sleep,
# nsenter, unshare, cat, ls, touch, ...), /bin/nsw-setns and
# /bin/nsw-leave-return, /bin/nsw-flood and /bin/nsw-race (static helpers,
# if built), /bin/nsx (renamed util-linux nsenter plus its libraries), and
# any extra static binaries given as SRC:DEST.  Call with the lock held.
ct_rootfs_build() {
	local setns=$top_builddir/tests/helpers/nsw-setns
	local leave=$top_builddir/tests/helpers/nsw-leave-return
	local flood=$top_builddir/tests/helpers/nsw-flood
	local race=$top_builddir/tests/helpers/nsw-race
	local stamp=$NSW_CT_ROOTFS/.nswatch-rootfs inputs=() extra a src dest
	local tmp=$NSW_CT_ROOTFS.tmp

	inputs=(/bin/busybox "${BASH_SOURCE[0]}")
	[ -x "$setns" ] && inputs+=("$setns")
	[ -x "$leave" ] && inputs+=("$leave")
	[ -x "$flood" ] && inputs+=("$flood")
	[ -x "$race" ] && inputs+=("$race")
	command -v nsenter >/dev/null && inputs+=("$(command -v nsenter)")
	for extra in "$@"; do
		inputs+=("${extra%%:*}")
	done
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${inputs[*]}" ]; then
		local newer=0
		for a in "${inputs[@]}"; do
			[ "$a" -nt "$stamp" ] && newer=1
		done
		[ "$newer" -eq 0 ] && return 0
	fi

	rm -rf "$tmp"
	mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,var/tmp,lib,lib64} ||
		return 1
	chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
	cp /bin/busybox "$tmp/bin/busybox" || return 1
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] && continue
		ln -sf busybox "$tmp/bin/$a"
	done
	if [ -x "$setns" ]; then
		install -m 0755 "$setns" "$tmp/bin/nsw-setns" || return 1
	fi
	if [ -x "$leave" ]; then
		install -m 0755 "$leave" "$tmp/bin/nsw-leave-return" ||
			return 1
	fi
	if [ -x "$flood" ]; then
		install -m 0755 "$flood" "$tmp/bin/nsw-flood" || return 1
	fi
	if [ -x "$race" ]; then
		install -m 0755 "$race" "$tmp/bin/nsw-race" || return 1
	fi
	if command -v nsenter >/dev/null; then
		ct_rootfs_add_dynamic "$(command -v nsenter)" /bin/nsx || return 1
	fi
	for extra in "$@"; do
		src=${extra%%:*}
		dest=${extra#*:}
		install -D -m 0755 "$src" "$tmp$dest" || return 1
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
		>"$tmp/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
	: >"$tmp/etc/hostname"
	: >"$tmp/etc/hosts"
	: >"$tmp/etc/resolv.conf"
	echo "${inputs[*]}" >"$tmp/.nswatch-rootfs"
	rm -rf "$NSW_CT_ROOTFS"
	mv "$tmp" "$NSW_CT_ROOTFS"
}

# ----------------------------------------------------------- OCI config ---
# _ct_config OUT KIND PRIV HOSTPID SANDBOX_PID CGPATH HOSTNAME ANNOT_JSON ARGS...
#   KIND sandbox|container; PRIV/HOSTPID 0|1; SANDBOX_PID: host pid of the
#   sandbox whose ipc/uts/net the container joins (empty for a sandbox).
#   NSW_CT_MOUNTS_JSON (optional): extra OCI mounts (a JSON array);
#   NSW_CT_HOSTNET=1: no network namespace (the host's, hostNetwork).
_ct_config() {
	local out=$1 kind=$2 priv=$3 hostpid=$4 sbpid=$5 cgpath=$6 host=$7
	local annot=$8 caps ns args
	shift 8
	args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	if [ "$priv" -eq 1 ]; then
		caps=$(ct_bounding_caps | jq -R . | jq -s .)
	else
		caps=$(printf '%s\n' "${NSW_CAPS_DEFAULT[@]}" | jq -R . | jq -s .)
	fi
	if [ -n "$sbpid" ]; then
		ns=$(jq -n --arg p "/proc/$sbpid/ns" '[
			{type: "ipc", path: ($p + "/ipc")},
			{type: "uts", path: ($p + "/uts")},
			{type: "mount"},
			{type: "network", path: ($p + "/net")}]')
	else
		ns='[{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"network"}]'
	fi
	if [ "$hostpid" -eq 0 ]; then
		ns=$(jq '[{type: "pid"}] + .' <<<"$ns")
	fi
	if [ "${NSW_CT_HOSTNET:-0}" = 1 ]; then
		ns=$(jq 'map(select(.type != "network"))' <<<"$ns")
	fi

	jq -n --argjson args "$args" --argjson caps "$caps" \
		--argjson ns "$ns" --argjson annot "$annot" \
		--arg cgpath "$cgpath" --arg host "$host" --arg kind "$kind" \
		--argjson priv "$priv" \
		--argjson extra "${NSW_CT_MOUNTS_JSON:-[]}" '
	{
	  ociVersion: "1.0.2-dev",
	  process: {
	    terminal: false,
	    user: {uid: 0, gid: 0, additionalGids: [0, 10]},
	    args: $args,
	    env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		  ("HOSTNAME=" + $host)],
	    cwd: "/",
	    capabilities: {bounding: $caps, effective: $caps, permitted: $caps},
	    noNewPrivileges: ($kind == "sandbox"),
	    oomScoreAdj: 1000
	  },
	  root: {path: "rootfs", readonly: ($kind == "sandbox")},
	  hostname: (if $kind == "sandbox" then $host else null end),
	  mounts: ([
	    {destination: "/proc", type: "proc", source: "proc",
	     options: ["nosuid", "noexec", "nodev"]},
	    {destination: "/dev", type: "tmpfs", source: "tmpfs",
	     options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
	    {destination: "/dev/pts", type: "devpts", source: "devpts",
	     options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666",
		       "mode=0620", "gid=5"]},
	    {destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
	     options: ["nosuid", "noexec", "nodev"]},
	    {destination: "/sys", type: "sysfs", source: "sysfs",
	     options: (["nosuid", "noexec", "nodev"] +
		       (if $priv == 1 then ["rw"] else ["ro"] end))},
	    {destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
	     options: (["nosuid", "noexec", "nodev", "relatime"] +
		       (if $priv == 1 then ["rw"] else ["ro"] end))},
	    {destination: "/dev/shm", type: "tmpfs", source: "shm",
	     options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]}
	  ] + $extra),
	  annotations: $annot,
	  linux: ({
	    resources: {
	      devices: (if $priv == 1 then [{allow: true, access: "rwm"}]
			else [{allow: false, access: "rwm"}] end)
	    },
	    cgroupsPath: $cgpath,
	    namespaces: $ns
	  } + (if $priv == 1 then {} else {
	    maskedPaths: ["/proc/acpi", "/proc/asound", "/proc/kcore",
			  "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
			  "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
			  "/sys/firmware", "/sys/devices/virtual/powercap"],
	    readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
			    "/proc/sysrq-trigger"]
	  } end))
	} | with_entries(select(.value != null))' >"$out"
}

# ----------------------------------------------------------- containers ---
# _ct_mount_rootfs ID BUNDLE: overlay of the cached rootfs, like containerd's
# overlayfs snapshotter; a copy if overlay cannot be mounted.
_ct_mount_rootfs() {
	local id=$1 bundle=$2 snap=$NSW_CT_WORK/snapshots/$1
	mkdir -p "$bundle/rootfs" "$snap/fs" "$snap/work" || return 1
	if ! mount -t overlay overlay \
		-o "lowerdir=$NSW_CT_ROOTFS,upperdir=$snap/fs,workdir=$snap/work" \
		"$bundle/rootfs" 2>/dev/null; then
		cp -a "$NSW_CT_ROOTFS/." "$bundle/rootfs/" || return 1
	fi
}

# ct_container_run ID KIND PRIV HOSTPID SANDBOX_PID CGPATH HOSTNAME ANNOT ARGS...
# Low level: write the bundle and `runc run -d` it.  Prints nothing; the
# init's host pid is in $NSW_CT_STATE/ID/init.pid.  Returns runc's status.
ct_container_run() {
	local id=$1 bundle=$NSW_CT_STATE/$1 owner
	shift
	NSW_CT_CREATED+=("$id")
	mkdir -p "$bundle" "$NSW_CT_RUNC_ROOT" || return 1
	owner="$$ $(ct_starttime $$)"
	# add the owner marker to the annotations (8th argument after ID)
	local annot
	annot=$(jq -c --arg k "$NSW_CT_OWNER_KEY" --arg v "$owner" \
		'. + {($k): $v}' <<<"$7") || return 1
	_ct_config "$bundle/config.json" "$1" "$2" "$3" "$4" "$5" "$6" \
		"$annot" "${@:8}" || return 1
	_ct_mount_rootfs "$id" "$bundle" || return 1
	"$NSW_RUNTIME" --root "$NSW_CT_RUNC_ROOT" \
		--log "$bundle/log.json" --log-format json \
		run -d --pid-file "$bundle/init.pid" --bundle "$bundle" "$id" \
		</dev/null >>"$bundle/stdio.log" 2>&1
	local rc=$?
	if [ $rc -ne 0 ]; then
		echo "# $NSW_RUNTIME run $id failed:" >&2
		sed 's/^/#   /' "$bundle/stdio.log" "$bundle/log.json" >&2 2>/dev/null
	fi
	return $rc
}

# ct_pid ID: host pid of the container's init (containerd's init.pid).
ct_pid() { cat "$NSW_CT_STATE/$1/init.pid" 2>/dev/null; }

# ct_pod_create [--privileged] [--hostpid] [--hostnet] [--name N] [--namespace NS]
#               [--container NAME] [--image REF] [--qos besteffort|burstable|guaranteed]
#               [--bind HOSTPATH:DEST]... [-- CMD...]
# Create a pod (sandbox + one app container).  --privileged implies
# --hostpid (the classic escape pod: privileged: true, hostPID: true).
# --hostnet: the host's network namespace (hostNetwork: true); --bind:
# a hostPath volume of the app container (a non-recursive bind: the host
# path's submounts stay out, where containerd's rbind would bring them).
# The app runs CMD (default: sleep 1000000).  Sets:
#   CT_POD_NAME CT_POD_NAMESPACE CT_POD_UID CT_POD_CGROUP
#   CT_SANDBOX_ID CT_SANDBOX_PID CT_ID CT_PID CT_NAME CT_IMAGE
# Returns non-zero (with diagnostics on stderr) if anything fails.
ct_pod_create() {
	local priv=0 hostpid=0 name="" pns=default cname=app
	local image=$NSW_CT_IMAGE_DEFAULT qos=besteffort cmd=(sleep 1000000)
	local uid sid id parent annot logdir hostnet=0 mounts='[]'

	while [ $# -gt 0 ]; do
		case $1 in
		--privileged) priv=1; hostpid=1 ;;
		--hostpid) hostpid=1 ;;
		--hostnet) hostnet=1 ;;
		--bind) mounts=$(jq -c --arg s "${2%%:*}" --arg d "${2#*:}" \
			'. + [{destination: $d, type: "bind", source: $s,
			       options: ["bind", "rprivate", "rw"]}]' \
			<<<"$mounts"); shift ;;
		--name) name=$2; shift ;;
		--namespace) pns=$2; shift ;;
		--container) cname=$2; shift ;;
		--image) image=$2; shift ;;
		--qos) qos=$2; shift ;;
		--) shift; cmd=("$@"); break ;;
		*) echo "ct_pod_create: bad option $1" >&2; return 2 ;;
		esac
		shift
	done
	[ -n "$name" ] || name=nswtest-$(ct_rand5)
	uid=$(ct_uuid)
	sid=$(ct_hex64)
	id=$(ct_hex64)
	case $qos in
	guaranteed) parent=/kubepods/pod$uid ;;
	besteffort|burstable) parent=/kubepods/$qos/pod$uid ;;
	*) echo "ct_pod_create: bad qos $qos" >&2; return 2 ;;
	esac
	NSW_CT_PODS+=("$parent")
	logdir=/var/log/pods/${pns}_${name}_$uid

	annot=$(jq -nc --arg sid "$sid" --arg name "$name" --arg ns "$pns" \
		--arg uid "$uid" --arg log "$logdir" '{
		"io.kubernetes.cri.container-type": "sandbox",
		"io.kubernetes.cri.sandbox-id": $sid,
		"io.kubernetes.cri.sandbox-name": $name,
		"io.kubernetes.cri.sandbox-namespace": $ns,
		"io.kubernetes.cri.sandbox-uid": $uid,
		"io.kubernetes.cri.sandbox-log-directory": $log,
		"io.kubernetes.cri.podsandbox.image-name": "registry.k8s.io/pause:3.9"
	}')
	NSW_CT_HOSTNET=$hostnet \
	ct_container_run "$sid" sandbox 0 "$hostpid" "" "$parent/$sid" \
		"$name" "$annot" sleep 1000000 || return 1
	CT_SANDBOX_ID=$sid
	CT_SANDBOX_PID=$(ct_pid "$sid")

	annot=$(jq -nc --arg sid "$sid" --arg name "$name" --arg ns "$pns" \
		--arg uid "$uid" --arg cname "$cname" --arg image "$image" '{
		"io.kubernetes.cri.container-type": "container",
		"io.kubernetes.cri.sandbox-id": $sid,
		"io.kubernetes.cri.sandbox-name": $name,
		"io.kubernetes.cri.sandbox-namespace": $ns,
		"io.kubernetes.cri.sandbox-uid": $uid,
		"io.kubernetes.cri.container-name": $cname,
		"io.kubernetes.cri.image-name": $image
	}')
	NSW_CT_HOSTNET=$hostnet NSW_CT_MOUNTS_JSON=$mounts \
	ct_container_run "$id" container "$priv" "$hostpid" "$CT_SANDBOX_PID" \
		"$parent/$id" "$name" "$annot" "${cmd[@]}" || return 1

	CT_POD_NAME=$name
	CT_POD_NAMESPACE=$pns
	CT_POD_UID=$uid
	CT_POD_CGROUP=$parent
	CT_ID=$id
	CT_PID=$(ct_pid "$id")
	CT_NAME=$cname
	CT_IMAGE=$image
	[ -n "$CT_PID" ] && [ -d "/proc/$CT_PID" ]
}

# ct_exec ID CMD...: run CMD in the container (runc exec), stdin from
# /dev/null, stdout/stderr passed through.  Returns CMD's status.
ct_exec() {
	local id=$1
	shift
	"$NSW_RUNTIME" --root "$NSW_CT_RUNC_ROOT" exec "$id" "$@" </dev/null
}

# ct_exec_bg ID CMD...: start CMD in the container detached (runc exec -d),
# set CT_BG_PID to its host pid and print it.  Output goes to
# $NSW_CT_WORK/exec.<pid>.log.  Call it directly (`ct_exec_bg ... >/dev/null`
# then use $CT_BG_PID) so the pid is registered and killed at cleanup; in
# $(...) the registration is lost (deleting the container still kills it).
ct_exec_bg() {
	local id=$1 pidf pid log
	shift
	pidf=$(mktemp "$NSW_CT_WORK/execpid.XXXXXX") || return 1
	log=$NSW_CT_WORK/exec.$(basename "$pidf").log
	"$NSW_RUNTIME" --root "$NSW_CT_RUNC_ROOT" exec -d --pid-file "$pidf" \
		"$id" "$@" </dev/null >"$log" 2>&1 || {
		sed 's/^/#   /' "$log" >&2
		rm -f "$pidf"
		return 1
	}
	pid=$(cat "$pidf")
	rm -f "$pidf"
	mv "$log" "$NSW_CT_WORK/exec.$pid.log"
	NSW_CT_BGPIDS+=("$pid")
	CT_BG_PID=$pid
	echo "$pid"
}

# ct_wait_exec PID COMM [TIMEOUT_S]: wait until PID runs a program whose
# comm is COMM (e.g. after nsenter exec'd sleep).  0 when it does.
ct_wait_exec() {
	local pid=$1 comm=$2 n=$(( ${3:-5} * 20 ))
	local c
	while [ "$n" -gt 0 ]; do
		c=
		read -r c 2>/dev/null <"/proc/$pid/comm"
		[ "$c" = "$comm" ] && return 0
		ct_sleep 0.05
		n=$((n - 1))
	done
	return 1
}

# ct_wait_ready PID PATH [STEPS [TEST]]: wait while PID (a daemon just
# started) lives until PATH is there (`test TEST PATH`: -e by default, -S
# for a socket), at most STEPS times 50 ms (600: 30 s).  0 when it is.
ct_wait_ready() {
	local pid=$1 path=$2 n=${3:-600} t=${4:--e}
	while ! test "$t" "$path" && [ "$n" -gt 0 ]; do
		kill -0 "$pid" 2>/dev/null || break
		ct_sleep 0.05
		n=$((n - 1))
	done
	test "$t" "$path"
}

# ct_alive PID: the process exists and is not a zombie.
ct_alive() {
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	s=${s##*) }
	[ "${s%% *}" != Z ]
}

# ct_ns_inum PID TYPE: namespace inode number (mnt, pid, net, ...).
ct_ns_inum() {
	local l
	l=$(readlink "/proc/$1/ns/$2" 2>/dev/null) || return 1
	l=${l#*[}
	echo "${l%]}"
}

# _ct_rm_cgroups PATH: remove PATH (relative to each hierarchy root) in
# every cgroup hierarchy, children first.  Empty dirs only (rmdir).
_ct_rm_cgroups() {
	local path=$1 m
	[ -n "$path" ] && [ "$path" != / ] || return 0
	for m in $(ct_cgroup_mounts); do
		[ -d "$m$path" ] || continue
		find "$m$path" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
}

# ct_delete ID: kill and delete the container, unmount and remove its bundle
# and runc state, remove its cgroup directories.
ct_delete() {
	local id=$1 bundle=$NSW_CT_STATE/$1 cg m
	[ -n "$id" ] || return 0
	cg=$(jq -r '.linux.cgroupsPath // empty' "$bundle/config.json" 2>/dev/null)
	"$NSW_RUNTIME" --root "$NSW_CT_RUNC_ROOT" kill "$id" KILL >/dev/null 2>&1
	"$NSW_RUNTIME" --root "$NSW_CT_RUNC_ROOT" delete --force "$id" >/dev/null 2>&1
	if mountpoint -q "$bundle/rootfs" 2>/dev/null; then
		umount "$bundle/rootfs" 2>/dev/null || umount -l "$bundle/rootfs"
	fi
	rm -rf "${bundle:?}" "${NSW_CT_RUNC_ROOT:?}/$id"
	rm -rf "$NSW_CT_WORK/snapshots/$id"
	_ct_rm_cgroups "$cg"
	# the pod dir and the qos/kubepods dirs, when empty
	while [ -n "$cg" ] && [ "$cg" != / ] && [ "$cg" != /kubepods ]; do
		cg=${cg%/*}
		[ -n "$cg" ] || break
		for m in $(ct_cgroup_mounts); do
			rmdir "$m$cg" 2>/dev/null
		done
	done
	for m in $(ct_cgroup_mounts); do
		rmdir "$m/kubepods" 2>/dev/null
	done
	return 0
}

# ct_cleanup_all: kill background helpers, delete every container this
# script created (newest first) and the work directory.  EXIT trap.
ct_cleanup_all() {
	local i p rc=$?
	# never be cut short: a closed stdout (| head) or ^C must not leave
	# containers behind
	trap '' PIPE INT TERM HUP
	disown -a 2>/dev/null	# no "Killed" job notices for our helpers
	for p in "${NSW_CT_BGPIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	for (( i = ${#NSW_CT_CREATED[@]} - 1; i >= 0; i-- )); do
		ct_delete "${NSW_CT_CREATED[$i]}"
	done
	NSW_CT_CREATED=()
	for p in "${NSW_CT_PODS[@]}"; do
		_ct_rm_cgroups "$p"
	done
	NSW_CT_PODS=()
	rmdir /run/containerd/runc/k8s.io /run/containerd/runc \
		"$NSW_CT_STATE" /run/containerd/io.containerd.runtime.v2.task \
		/run/containerd 2>/dev/null
	if [ "${NSW_KEEP:-0}" != 1 ]; then
		rm -rf "$NSW_CT_WORK"
		rmdir "$top_builddir/tests/run" 2>/dev/null
	fi
	return $rc
}

# ct_sweep_stale: delete test containers whose owning script is gone (a
# test killed with SIGKILL).  Only containers carrying our owner annotation
# are touched; call with the lock held.
ct_sweep_stale() {
	local cfg id owner opid ostart
	for cfg in "$NSW_CT_STATE"/*/config.json; do
		[ -f "$cfg" ] || continue
		owner=$(jq -r --arg k "$NSW_CT_OWNER_KEY" '.annotations[$k] // empty' \
			"$cfg" 2>/dev/null)
		[ -n "$owner" ] || continue
		opid=${owner%% *}
		ostart=${owner#* }
		if [ -d "/proc/$opid" ] && [ "$(ct_starttime "$opid")" = "$ostart" ]; then
			continue
		fi
		id=$(basename "$(dirname "$cfg")")
		echo "# sweeping stale test container $id (owner $opid gone)" >&2
		ct_delete "$id"
	done
	# work directories (overlay upper dirs, logs) of dead scripts
	for cfg in "$top_builddir"/tests/run/*.[0-9]*; do
		[ -d "$cfg" ] || continue
		opid=${cfg##*.}
		[ -d "/proc/$opid" ] && continue
		rm -rf "$cfg"
	done
}
