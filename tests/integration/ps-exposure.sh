#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `nswatch ps` exposure flags (issue 14) against real runc containers
# (tests/lib/containers.sh), each flag checked where it must be and
# nowhere else, from each source of evidence (the init's kernel state,
# the runtime's config.json):
#   (a) unprivileged pod: only no-seccomp (Kubernetes' default profile
#       is Unconfined);
#   (b) privileged hostPID pod: privileged, host-pid, the six capabilities,
#       no-seccomp;
#   (c) hostPath / (a bind of the host's root);
#   (d) a runtime socket (a fake containerd.sock bound in);
#   (e) hostNetwork: host-network, and its own sysfs is not a host path;
#   (f) the attacker's move: a privileged container with hostPath /
#       unmounts it, so its mount table no longer shows it; config.json
#       still does, and the flag stays.
# Then the table's letter column and --exposed.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"

require_containers
require_cmd python3
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock

ct_rootfs_build || bail_out "cannot build the test rootfs"

OUT=$NSW_CT_WORK/ps.json
ERR=$NSW_CT_WORK/ps.err
# the fake runtime socket: under /tmp, whatever the build directory is
# (a build under /root would make its path a sensitive one too)
FAKE=$(mktemp -d /tmp/nswatch-ps-exposure.XXXXXX) || bail_out "mktemp"
trap 'ct_cleanup_all; rm -rf "$FAKE"' EXIT
python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$FAKE/containerd.sock" ||
	bail_out "cannot make a unix socket"

ct_pod_create --name plain-$(ct_rand5) --namespace exp ||
	bail_out "cannot start the unprivileged pod"
A_ID=$CT_ID A_PID=$CT_PID A_SB_PID=$CT_SANDBOX_PID
ct_pod_create --privileged --name priv-$(ct_rand5) --namespace exp ||
	bail_out "cannot start the privileged pod"
B_ID=$CT_ID B_PID=$CT_PID
ct_pod_create --bind /:/host --name hostroot-$(ct_rand5) --namespace exp ||
	bail_out "cannot start the hostPath / pod"
C_ID=$CT_ID C_PID=$CT_PID C_SB_PID=$CT_SANDBOX_PID
ct_pod_create --bind "$FAKE/containerd.sock:/run/containerd/containerd.sock" \
	--name sock-$(ct_rand5) --namespace exp ||
	bail_out "cannot start the runtime socket pod"
D_ID=$CT_ID D_PID=$CT_PID
ct_pod_create --hostnet --name hostnet-$(ct_rand5) --namespace exp ||
	bail_out "cannot start the hostNetwork pod"
E_ID=$CT_ID E_PID=$CT_PID
ct_pod_create --privileged --bind /:/host --name hide-$(ct_rand5) \
	--namespace exp || bail_out "cannot start the hiding pod"
F_ID=$CT_ID F_PID=$CT_PID
ct_exec "$F_ID" umount /host || bail_out "umount /host in the container failed"
grep -q ' /host ' "/proc/$F_PID/mountinfo" &&
	bail_out "/host is still mounted in the container"
diag "pids: plain $A_PID priv $B_PID hostroot $C_PID sock $D_PID" \
	"hostnet $E_PID hide $F_PID"

timeout 120 "$NSWATCH" ps --json --containers-only >"$OUT" 2>"$ERR"
is "$?" 0 "nswatch ps --json exits 0"
[ -s "$ERR" ] && diag "stderr: $(head -c 2000 "$ERR")"

# fl PID FIELD: that process's exposure list (FIELD: exposure,
# exposure_evidence.kernel, exposure_evidence.config), sorted, joined by
# commas; "absent" when the field is missing.
fl() {
	jq -r --argjson p "$1" "select(.process_exec.process.pid == \$p) |
		.nswatch.$2 // [\"absent\"] | sort | join(\",\")" "$OUT" |
		head -n 1
}
# want PID NAME SORTED-FLAGS: the same flags from both sources.
want() {
	is "$(fl "$1" exposure)" "$3" "$2: exposure"
	is "$(fl "$1" exposure_evidence.kernel)" "$3" "$2: kernel evidence"
	is "$(fl "$1" exposure_evidence.config)" "$3" "$2: config evidence"
}
sorted() { printf '%s\n' "$@" | sort | paste -sd, -; }

CAPS=(cap-sys-admin cap-sys-module cap-sys-ptrace cap-dac-read-search
	cap-bpf cap-sys-rawio)
want "$A_PID" "unprivileged" no-seccomp
want "$A_SB_PID" "unprivileged's sandbox" no-seccomp
want "$B_PID" "privileged hostPID" \
	"$(sorted privileged host-pid no-seccomp "${CAPS[@]}")"
want "$C_PID" "hostPath /" "$(sorted host-path-root no-seccomp)"
is "$(fl "$C_PID" exposure_paths)" / "hostPath /: exposure_paths is /"
want "$C_SB_PID" "hostPath /'s sandbox" no-seccomp
want "$D_PID" "runtime socket" "$(sorted runtime-socket no-seccomp)"
is "$(fl "$D_PID" exposure_paths)" "$FAKE/containerd.sock" \
	"runtime socket: exposure_paths names the host's socket"
want "$E_PID" "hostNetwork" "$(sorted host-network no-seccomp)"
# (f): the mount is gone from the kernel's view, not from the runtime's
F_ALL=$(sorted privileged host-pid no-seccomp "${CAPS[@]}")
is "$(fl "$F_PID" exposure_evidence.kernel)" "$F_ALL" \
	"hidden hostPath /: the kernel no longer shows the mount"
is "$(fl "$F_PID" exposure_evidence.config)" \
	"$(sorted host-path-root privileged host-pid no-seccomp "${CAPS[@]}")" \
	"hidden hostPath /: config.json still does"
is "$(fl "$F_PID" exposure)" \
	"$(sorted host-path-root privileged host-pid no-seccomp "${CAPS[@]}")" \
	"hidden hostPath /: the flag stays"

# host processes carry no exposure
timeout 120 "$NSWATCH" ps --json >"$NSW_CT_WORK/all.json" 2>>"$ERR"
is "$(jq -r --argjson p $$ 'select(.process_exec.process.pid == $p) |
	.nswatch | has("exposure")' "$NSW_CT_WORK/all.json")" false \
	"host process: no exposure key"

# -- the table: one letter column per flag ------------------------------------
TBL=$NSW_CT_WORK/ps.txt
timeout 120 "$NSWATCH" ps --containers-only >"$TBL" 2>>"$ERR"
is "$?" 0 "nswatch ps (table) exits 0"
col() { awk -v p="$1" '$1 == p { print $5 }' "$TBL"; }
is "$(head -n 1 "$TBL" | awk '{ print $5 }')" EXPOSURE "table: EXPOSURE header"
is "$(col "$A_PID")" "..............S." "table: unprivileged"
is "$(col "$B_PID")" "Pp......AMTDBRS." "table: privileged hostPID"
is "$(col "$C_PID")" "...../........S." "table: hostPath /"
is "$(col "$D_PID")" ".......s......S." "table: runtime socket"
is "$(col "$E_PID")" "..n...........S." "table: hostNetwork"

# -- --exposed ------------------------------------------------------------------
# in LIST PID: PID is one of the pids LIST printed
in_list() { case " $1 " in *" $2 "*) echo true ;; *) echo false ;; esac; }
X=$NSW_CT_WORK/exposed.json
timeout 120 "$NSWATCH" ps --json --exposed=host-path-root,runtime-socket \
	>"$X" 2>>"$ERR"
is "$?" 0 "--exposed=host-path-root,runtime-socket exits 0"
got=$(jq -r '.process_exec.process.pid' "$X" | paste -sd' ' -)
for p in "$C_PID" "$D_PID" "$F_PID"; do
	is "$(in_list "$got" "$p")" true "--exposed=host-path-root,runtime-socket lists $p"
done
for p in "$A_PID" "$B_PID" "$E_PID" "$C_SB_PID" $$; do
	is "$(in_list "$got" "$p")" false "--exposed=host-path-root,runtime-socket omits $p"
done
timeout 120 "$NSWATCH" ps --json --exposed=privileged >"$X" 2>>"$ERR"
got=$(jq -r '.process_exec.process.pid' "$X" | paste -sd' ' -)
for p in "$B_PID" "$F_PID"; do
	is "$(in_list "$got" "$p")" true "--exposed=privileged lists $p"
done
for p in "$A_PID" "$C_PID" "$D_PID" "$E_PID" $$; do
	is "$(in_list "$got" "$p")" false "--exposed=privileged omits $p"
done
timeout 120 "$NSWATCH" ps --json --exposed >"$X" 2>>"$ERR"
got=$(jq -r '.process_exec.process.pid' "$X" | paste -sd' ' -)
is "$(in_list "$got" "$A_PID")" true "--exposed (any flag) lists the unprivileged pod (no-seccomp)"
is "$(in_list "$got" $$)" false "--exposed omits host processes"
timeout 120 "$NSWATCH" ps --exposed=no-such-flag >/dev/null 2>>"$ERR"
is "$?" 2 "--exposed with an unknown flag is a usage error"

if [ "$NSW_TAP_FAIL" -ne 0 ]; then
	grep -F -e "$B_ID" -e "$C_ID" -e "$D_ID" "$OUT" | head -n 3 |
		while IFS= read -r l; do diag "$l"; done
	diag "$(cat "$TBL")"
fi
: "$A_ID" "$E_ID"
done_testing
