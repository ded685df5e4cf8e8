#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016,SC2034,SC2154  # jq programs in single quotes; MON_POLICY is read by monitor.sh; trap variable
#
# Enforcement end to end with real runc containers (tests/lib/*.sh), eBPF
# backend:
#   1. `--enforce` (setns-escape-to-host action=kill): in the privileged
#      host-pid pod, a direct setns(2) into the host mount namespace and
#      the classic `nsenter -t <host pid> -m -u -i -n -p` die by SIGKILL
#      before they run code in the host namespaces (their marker files
#      never appear in the host's /tmp; a control run without the monitor
#      shows that they would), and the JSON says so (action/return_action
#      KPROBE_ACTION_SIGKILL, nswatch.enforced "sigkill", process_exit
#      SIGKILL).  Not killed: a setns into the container's own mount
#      namespace, and the host entering a container (nsenter -t <ctr> -m).
#   2. A policy with `rule nsenter-in-container action=kill` (and
#      setns-escape-to-host action=kill): exec of nsenter in a container
#      (util-linux style name, busybox applet) is denied by BPF LSM where
#      LSM programs load, else (this machine) killed at exec, which the log
#      says once; the exec event carries nswatch.enforced "sigkill".  nsenter
#      on the host and other execs in the container are not touched; the
#      policy's setns rule still kills a direct setns.
#   3. The audit backend refuses enforcement, saying why.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
require_cmd nsenter stat
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
[ -x "$top_builddir/tests/helpers/nsw-setns" ] ||
	bail_out "tests/helpers/nsw-setns not built"
nsw_lock
why=$(mon_config_ok bpf-enforce) || skip_all "$why"

ct_rootfs_build || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
diag "priv pod $SCN_PRIV_NS/$SCN_PRIV_POD ($SCN_PRIV_ID, pid $SCN_PRIV_PID)" \
	"app pod $SCN_APP_NS/$SCN_APP_POD ($SCN_APP_ID)"
HOST_PID=$$
HOST_MNT=$(ct_ns_inum 2 mnt)
[ "$(ct_ns_inum "$HOST_PID" mnt)" = "$HOST_MNT" ] ||
	bail_out "test shell is not in the host mount namespace"
ROOTFS=$NSW_CT_STATE/$SCN_PRIV_ID/rootfs
MARKERS=()
# every marker we name is removed at exit, wherever it appeared
cleanup_markers() {
	local m
	for m in "${MARKERS[@]}"; do
		rm -f "$m" "$ROOTFS$m"
	done
}
trap 'nsw_rc=$?; cleanup_markers; (exit "$nsw_rc"); ct_cleanup_all' EXIT

# ev OUT PID FILTER: some event line of PID satisfies the jq FILTER
# ($e is the event body, . the line)
ev() {
	mon_events "$1" "$2" | jq -e -s "
		map((.process_exec // .process_kprobe // .process_exit) as \$e
		    | select($3)) | length > 0" >/dev/null
}
# wait_gone PID: until PID has exited (a zombie counts), at most 10 s
wait_gone() {
	local n=500
	while ct_alive "$1" && [ "$n" -gt 0 ]; do
		ct_sleep 0.02
		n=$((n - 1))
	done
	! ct_alive "$1"
}
KILLED_SETNS='.process_kprobe != null and $e.function_name == "__x64_sys_setns" and $e.action == "KPROBE_ACTION_SIGKILL" and $e.return_action == "KPROBE_ACTION_SIGKILL" and .nswatch.enforced == "sigkill"'
EXIT_SIGKILL='.process_exit != null and $e.signal == "SIGKILL"'

# ---- control: without a monitor the escape does reach the host ----------
M0=/tmp/nsw-enforce-control-$$
MARKERS+=("$M0")
scn_direct_setns "$SCN_PRIV_ID" "/proc/$HOST_PID/ns/mnt" 0 --touch "$M0" \
	>"$NSW_CT_WORK/s0"
is "$SCN_RESULT" ok "control: direct setns to the host runs unmonitored"
[ -e "$M0" ]
ok $? "control: its marker appears in the host's /tmp (what 1a must prevent)"
rm -f "$M0"

# ---- 1. --enforce ------------------------------------------------------------
OUT=$NSW_CT_WORK/enforce.json
mon_start bpf-enforce "$OUT" || bail_out "monitor (bpf-enforce) not ready"
grep -q 'enforcing (SIGKILL on setns to the host)' "$MON_ERR"
ok $? "1: the monitor says it enforces"

# (a) direct setns into the host mount namespace
M1=/tmp/nsw-enforce-marker-$$
MARKERS+=("$M1")
scn_direct_setns "$SCN_PRIV_ID" "/proc/$HOST_PID/ns/mnt" 0 --touch "$M1" \
	>"$NSW_CT_WORK/s1"
P1=$SCN_PID
wait_gone "$P1"
ok $? "1a: direct setns process is gone"
[ ! -e "$M1" ]
ok $? "1a: marker not in the host's /tmp (no code ran in the host mount ns)"
[ ! -e "$ROOTFS$M1" ]
ok $? "1a: marker not in the container either (killed at setns)"
! grep -q 'nsw-setns: pid=' "$SCN_LOG" 2>/dev/null
ok $? "1a: nothing printed after setns"
ct_exec "$SCN_PRIV_ID" nsw-setns "/proc/$HOST_PID/ns/mnt" 0 \
	--touch "$M1" >"$NSW_CT_WORK/s1b.log" 2>&1
is "$?" 137 "1a: a foreground run ends by SIGKILL (runc exec: 128 + 9)"
[ ! -e "$M1" ]
ok $? "1a: still no marker in the host's /tmp"

# (b) the classic nsenter escape
M2=/tmp/nsw-enforce-marker2-$$
MARKERS+=("$M2")
_scn_run enforce-nsenter "$SCN_PRIV_ID" "$HOST_PID" \
	nsenter -t "$HOST_PID" -m -u -i -n -p -- sh -c "touch $M2" \
	>"$NSW_CT_WORK/s2"
P2=$SCN_PID
wait_gone "$P2"
ok $? "1b: nsenter is gone"
[ ! -e "$M2" ]
ok $? "1b: marker2 not in the host's /tmp"
is "$SCN_CHILDREN" "" "1b: nsenter forked nothing"

# (c) setns into the container's own mount namespace
OWN_MNT=$(ct_ns_inum "$SCN_PRIV_PID" mnt)
SELF_MNT=$(ct_exec "$SCN_PRIV_ID" stat -L -c %i /proc/self/ns/mnt)
is "$SELF_MNT" "$OWN_MNT" "1c: /proc/self/ns/mnt in the container is its own mount ns"
[ -n "$OWN_MNT" ] && [ "$OWN_MNT" != "$HOST_MNT" ]
ok $? "1c: ... which is not the host's ($OWN_MNT vs $HOST_MNT)"
M3=/tmp/nsw-enforce-own-$$
MARKERS+=("$M3")
scn_direct_setns "$SCN_PRIV_ID" /proc/self/ns/mnt mnt --touch "$M3" \
	>"$NSW_CT_WORK/s3"
P3=$SCN_PID
is "$SCN_RESULT" ok "1c: own-namespace setns completes"
grep -q 'ret=0 errno=0' "$SCN_LOG"
ok $? "1c: setns returned 0"
[ -e "$ROOTFS$M3" ]
ok $? "1c: its marker is in the container's rootfs"
[ ! -e "$M3" ]
ok $? "1c: and not in the host's /tmp"

# (d) the host enters the container
nsenter -t "$SCN_PRIV_PID" -m -- true &
P4=$!
wait "$P4"
is "$?" 0 "1d: host nsenter -t <container> -m -- true exits 0"

ct_sleep 1.5
mon_stop
is "$MON_RC" 0 "1: monitor exits 0"
grep -q -v ': info' "$MON_ERR" && diag "$(grep -v ': info' "$MON_ERR" | head -n 10)"

ev "$OUT" "$P1" "$KILLED_SETNS"
ok $? "1a: setns event: action/return_action KPROBE_ACTION_SIGKILL, enforced sigkill"
ev "$OUT" "$P1" "$KILLED_SETNS and .nswatch.verdict == \"escape_to_host\" and ([.nswatch.alerts[]?.rule] | index(\"setns-escape-to-host\"))"
ok $? "1a: ... with the escape verdict and alert"
ev "$OUT" "$P1" "$EXIT_SIGKILL"
ok $? "1a: process_exit with signal SIGKILL"
ev "$OUT" "$P2" "$KILLED_SETNS"
ok $? "1b: nsenter's setns event: SIGKILL"
n=$(mon_events "$OUT" "$P2" | jq -s '[.[] | select(.process_kprobe.function_name == "__x64_sys_setns")] | length')
is "$n" 1 "1b: one setns reported: nsenter died at the first"
ev "$OUT" "$P2" "$EXIT_SIGKILL"
ok $? "1b: process_exit SIGKILL"
ev "$OUT" "$P3" '.process_kprobe != null and $e.function_name == "__x64_sys_setns" and .nswatch.success == true'
ok $? "1c: own-namespace setns reported as successful"
! ev "$OUT" "$P3" '.nswatch.enforced != null or ($e.action // "") == "KPROBE_ACTION_SIGKILL" or ($e.signal // "") == "SIGKILL"'
ok $? "1c: not enforced, not killed"
ev "$OUT" "$P4" '.process_kprobe != null and .nswatch.verdict == "enter_container" and .nswatch.enforced == null'
ok $? "1d: host nsenter's setns: enter_container, not enforced"
jq -e -s --arg pod "$SCN_PRIV_POD" '
	[.[] | select(.nswatch.enforced == "sigkill")
	 | (.process_kprobe // .process_exec).process.pod.name]
	| length > 0 and all(. == $pod)' "$OUT" >/dev/null
ok $? "1: only the privileged pod's processes were enforced on"

# ---- 2. policy: nsenter-in-container action=kill --------------------------
POL=$NSW_CT_WORK/policy.conf
printf '%s\n' 'rule nsenter-in-container action=kill' \
	'rule setns-escape-to-host action=kill' >"$POL"
"$NSWATCH" policy check "$POL" >/dev/null 2>&1
ok $? "2: policy file is valid"
MON_POLICY=$POL
PROBE_LSM=$("$NSWATCH" probe --json 2>/dev/null | jq -r '.bpf_features.lsm')
OUT=$NSW_CT_WORK/policy.json
mon_start bpf-policy "$OUT" || bail_out "monitor (bpf-policy) not ready"
grep -q 'enforcing (SIGKILL on setns to the host)' "$MON_ERR"
ok $? "2: setns-escape-to-host action=kill turns on setns enforcement"
# which mode the monitor chose; where probe says LSM cannot load, it must
# be the fallback
LSM=0
grep -q 'BPF LSM loaded' "$MON_ERR" && LSM=1
if [ "$PROBE_LSM" != true ]; then
	is "$LSM" 0 "2: probe says BPF LSM cannot load: not used"
fi
if [ "$LSM" = 0 ]; then
	grep -q 'BPF LSM unavailable (.*): nsenter in containers is killed at exec instead of denied' "$MON_ERR"
	ok $? "2: the log explains the fallback from LSM deny to kill at exec"
	is "$(grep -c 'BPF LSM unavailable' "$MON_ERR")" 1 "2: ... once"
	diag "$(grep 'BPF LSM unavailable' "$MON_ERR")"
else
	diag "BPF LSM loaded: nsenter execs are denied"
fi

# nsenter by name in the privileged container
ct_exec_bg "$SCN_PRIV_ID" nsenter --help >/dev/null
P5=$CT_BG_PID
wait_gone "$P5"
ok $? "2: nsenter in the container is gone"
ct_exec "$SCN_PRIV_ID" nsenter --help >"$NSW_CT_WORK/n5.log" 2>&1
rc=$?
if [ "$LSM" = 0 ]; then
	is "$rc" 137 "2: runc exec nsenter ends by SIGKILL"
	[ ! -s "$NSW_CT_WORK/n5.log" ]
	ok $? "2: nsenter printed nothing (killed before its first instruction)"
else
	[ "$rc" != 0 ] && [ "$rc" != 137 ]
	ok $? "2: runc exec nsenter is refused (exit $rc)"
	ok 0 "2: (LSM) nothing to kill"
fi
# busybox applet form and the unprivileged pod
M6=/tmp/nsw-enforce-busybox-$$
MARKERS+=("$M6")
ct_exec_bg "$SCN_PRIV_ID" busybox nsenter -t "$HOST_PID" -m -- touch "$M6" \
	>/dev/null
P6=$CT_BG_PID
wait_gone "$P6"
ok $? "2: busybox nsenter is gone"
[ ! -e "$M6" ]
ok $? "2: busybox nsenter's marker not in the host's /tmp"
ct_exec "$SCN_APP_ID" nsenter --help >/dev/null 2>&1
rc=$?
[ "$rc" != 0 ]
ok $? "2: nsenter in the unprivileged pod does not run either (exit $rc)"
# what must not be touched
out=$(ct_exec "$SCN_PRIV_ID" sh -c 'echo still-here')
is "$out" still-here "2: other programs in the container run"
nsenter --version >"$NSW_CT_WORK/n7.log" 2>&1 &
P7=$!
wait "$P7"
is "$?" 0 "2: nsenter on the host runs"
grep -q nsenter "$NSW_CT_WORK/n7.log"
ok $? "2: ... and prints its version"
# the policy's setns rule: a direct setns to the host is killed
M8=/tmp/nsw-enforce-policy-$$
MARKERS+=("$M8")
scn_direct_setns "$SCN_PRIV_ID" "/proc/$HOST_PID/ns/mnt" 0 --touch "$M8" \
	>"$NSW_CT_WORK/s8"
P8=$SCN_PID
[ ! -e "$M8" ]
ok $? "2: policy setns kill: no marker on the host"

ct_sleep 1.5
mon_stop
is "$MON_RC" 0 "2: monitor exits 0"
grep -q -v ': info' "$MON_ERR" && diag "$(grep -v ': info' "$MON_ERR" | head -n 10)"

if [ "$LSM" = 0 ]; then
	ev "$OUT" "$P5" ".process_exec != null and .nswatch.enforced == \"sigkill\" and ([.nswatch.alerts[]?.rule] | index(\"nsenter-in-container\")) and \$e.process.pod.name == \"$SCN_PRIV_POD\""
	ok $? "2: nsenter exec event: nswatch.enforced sigkill, nsenter-in-container, its pod"
	! ev "$OUT" "$P5" '.process_exec != null and ($e.action != null or $e.return_action != null)'
	ok $? "2: exec event carries no kprobe action fields (schema)"
	ev "$OUT" "$P5" "$EXIT_SIGKILL"
	ok $? "2: nsenter's process_exit: SIGKILL"
	ev "$OUT" "$P6" '.process_exec != null and .nswatch.enforced == "sigkill"'
	ok $? "2: busybox nsenter exec event: enforced sigkill"
	! ev "$OUT" "$P6" '.process_kprobe != null'
	ok $? "2: busybox nsenter never reached setns"
else
	! ev "$OUT" "$P5" '.process_exec != null and ($e.process.binary | test("nsenter$"))'
	ok $? "2: (LSM) nsenter never ran"
	for i in 1 2 3 4; do ok 0 "2: (LSM) kill checks do not apply"; done
fi
ev "$OUT" "$P7" '.process_exec != null and .nswatch.enforced == null'
ok $? "2: host nsenter exec event: not enforced"
ev "$OUT" "$P8" "$KILLED_SETNS"
ok $? "2: direct setns under the policy: SIGKILL at setns"
jq -e -s '[.[] | select(.process_exec and .nswatch.enforced == "sigkill")
	   | .process_exec.process.binary | split("/") | last]
	  | length > 0 and all(. == "nsenter" or . == "busybox")' "$OUT" >/dev/null
ok $? "2: only nsenter execs were killed"

# ---- 3. the audit backend refuses enforcement ------------------------------
"$NSWATCH" monitor --backend=audit --enforce --output "$NSW_CT_WORK/a.json" \
	2>"$NSW_CT_WORK/a.err"
is "$?" 1 "3: --enforce --backend=audit exits 1"
grep -q 'needs the eBPF backend: the audit subsystem reports a setns only after it has returned' "$NSW_CT_WORK/a.err"
ok $? "3: ... saying why (audit reports after the syscall returned)"
diag "$(head -n 2 "$NSW_CT_WORK/a.err")"
"$NSWATCH" monitor --backend=audit --policy "$POL" \
	--output "$NSW_CT_WORK/a2.json" 2>"$NSW_CT_WORK/a2.err"
is "$?" 1 "3: a kill policy with --backend=audit exits 1"
grep -q 'needs the eBPF backend' "$NSW_CT_WORK/a2.err"
ok $? "3: ... saying why"

done_testing
