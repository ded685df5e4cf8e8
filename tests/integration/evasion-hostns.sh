#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016,SC2154  # jq programs in single quotes; trap variable
#
# An attacker who knows nswatch, with real runc containers
# (tests/lib/*.sh):
#   a. Host services' namespaces are the host.  A host process in a private
#      mount namespace (`unshare -m --propagation private sleep`, as systemd
#      runs PrivateTmp=/ProtectSystem= services) holds the host's file
#      system.  `nsenter -t <it> -m` from the privileged host-pid pod is
#      escape_to_host with the critical alert, under the eBPF and the
#      audit backend, for such a process started before the monitor (seen
#      in /proc at start) and after it (seen creating its namespace); with
#      --enforce it is killed (its marker never appears).  Controls: a
#      container joining another container's mount namespace stays
#      lateral and is not killed; the host service itself leaving its
#      namespace is not killed.
#   b. The setns/dup2 race: tests/helpers/nsw-race calls setns(fd, 0) while
#      a task sharing its fd table swaps a host mount-namespace fd and its
#      own onto fd, so that the fd read at syscall entry is harmless and
#      the one the kernel joins is the host's.  Without enforcement it gets
#      through (marker written) and the escape alert fires; with --enforce
#      no racer ever writes its marker (killed before returning to user
#      space, at entry or at exit), nor does any of 40 tries of a racer
#      forking a fresh process per try (one racer is often killed at
#      entry before it wins the race: without the kill at exit one of
#      twelve racers lands now and then, one of the 40 tries almost
#      always).
#   c. Tamper with the eBPF side: `bpftool link detach` of one of our links
#      (the kernel refuses it for our link types: then the program must
#      still see setns), and a write into our host namespace map (`bpftool
#      map update`: a container's namespace made a host one), which must
#      raise monitor-tamper within a few seconds and be undone, and a
#      deletion of a host service's namespace from it (reported too).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
require_cmd nsenter unshare stat bpftool
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
[ -x "$top_builddir/tests/helpers/nsw-race" ] ||
	bail_out "tests/helpers/nsw-race not built"
nsw_lock
for cfg in bpf bpf-enforce audit-netlink; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done

ct_rootfs_build || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
diag "priv pod $SCN_PRIV_NS/$SCN_PRIV_POD ($SCN_PRIV_ID, pid $SCN_PRIV_PID)" \
	"app pod $SCN_APP_NS/$SCN_APP_POD ($SCN_APP_ID, pid $SCN_APP_PID)"
HOST_PID=$$
HOST_MNT=$(ct_ns_inum 2 mnt)
[ "$(ct_ns_inum "$HOST_PID" mnt)" = "$HOST_MNT" ] ||
	bail_out "test shell is not in the host mount namespace"
APP_MNT=$(ct_ns_inum "$SCN_APP_PID" mnt)
ROOTFS=$NSW_CT_STATE/$SCN_PRIV_ID/rootfs
MARKERS=()
cleanup_markers() {
	local m
	for m in "${MARKERS[@]}"; do
		rm -f "$m" "$ROOTFS$m"
	done
}
trap 'nsw_rc=$?; cleanup_markers; (exit "$nsw_rc"); ct_cleanup_all' EXIT

wait_gone() {
	local n=500
	while ct_alive "$1" && [ "$n" -gt 0 ]; do
		ct_sleep 0.02
		n=$((n - 1))
	done
	! ct_alive "$1"
}

# host_service: start a host process in a private mount namespace (like a
# systemd service with PrivateTmp=); sets SVC_PID and SVC_MNT.
host_service() {
	local n=250
	unshare -m --propagation private sleep 1000 &
	SVC_PID=$!
	NSW_CT_BGPIDS+=("$SVC_PID")
	SVC_MNT=
	while [ "$n" -gt 0 ]; do
		SVC_MNT=$(ct_ns_inum "$SVC_PID" mnt)
		[ -n "$SVC_MNT" ] && [ "$SVC_MNT" != "$HOST_MNT" ] &&
			[ "$(cat "/proc/$SVC_PID/comm" 2>/dev/null)" = sleep ] &&
			return 0
		ct_sleep 0.02
		n=$((n - 1))
	done
	return 1
}

SETNS_EV='.process_kprobe != null and $e.function_name == "__x64_sys_setns"'
ESCAPE="$SETNS_EV"' and .nswatch.verdict == "escape_to_host" and ([.nswatch.alerts[]? | select(.rule == "setns-escape-to-host" and .severity == "critical")] | length > 0)'
KILLED="$SETNS_EV"' and $e.action == "KPROBE_ACTION_SIGKILL" and .nswatch.enforced == "sigkill"'
EXIT_SIGKILL='.process_exit != null and $e.signal == "SIGKILL"'

# a host service that exists before any monitor starts (seeded from /proc)
host_service || bail_out "cannot start a host process in a private mount namespace"
SVC0_PID=$SVC_PID SVC0_MNT=$SVC_MNT
diag "host service before the monitor: pid $SVC0_PID, mnt $SVC0_MNT (host $HOST_MNT)"

# ---- a. escape into a host service's mount namespace, both backends -------
for cfg in bpf audit-netlink; do
	OUT=$NSW_CT_WORK/a-$cfg.json
	mon_start "$cfg" "$OUT" || bail_out "monitor ($cfg) not ready"
	host_service || bail_out "cannot start a host service"
	SVC1_PID=$SVC_PID SVC1_MNT=$SVC_MNT
	_scn_run hostns-seeded "$SCN_PRIV_ID" "$SVC0_PID" \
		nsenter -t "$SVC0_PID" -m -- sleep 1 >"$NSW_CT_WORK/a0-$cfg"
	P0=$SCN_PID
	is "$SCN_RESULT" ok "a/$cfg: nsenter -t <service from before> -m runs (no enforcement)"
	_scn_run hostns-new "$SCN_PRIV_ID" "$SVC1_PID" \
		nsenter -t "$SVC1_PID" -m -- sleep 1 >"$NSW_CT_WORK/a1-$cfg"
	P1=$SCN_PID
	is "$SCN_RESULT" ok "a/$cfg: nsenter -t <service started later> -m runs"
	_scn_run lateral "$SCN_PRIV_ID" "$SCN_APP_PID" \
		nsenter -t "$SCN_APP_PID" -m -- sleep 1 >"$NSW_CT_WORK/a2-$cfg"
	P2=$SCN_PID
	is "$SCN_RESULT" ok "a/$cfg: nsenter -t <other container> -m runs"
	if [ "$cfg" = bpf ]; then
		# b without enforcement: the race gets through, and is seen
		M=/tmp/nsw-race-unenforced-$$
		MARKERS+=("$M")
		ct_exec "$SCN_PRIV_ID" nsw-race "/proc/$HOST_PID/ns/mnt" \
			/proc/self/ns/mnt "$M" 5000 >"$NSW_CT_WORK/race0.log" 2>&1
		rc=$?
		diag "$(cat "$NSW_CT_WORK/race0.log")"
		is "$rc" 0 "b/unenforced: the racer landed in the host mount namespace"
		[ -e "$M" ]
		ok $? "b/unenforced: its marker is in the host's /tmp"
		PR=$(sed -n 's/^nsw-race: pid=\([0-9]*\) .*/\1/p' "$NSW_CT_WORK/race0.log")
	fi
	ct_sleep 1.5
	mon_stop
	is "$MON_RC" 0 "a/$cfg: monitor exits 0"
	grep -q -v ': info' "$MON_ERR" && diag "$(grep -v ': info' "$MON_ERR" | head -n 10)"

	mon_has "$OUT" "$P0" "$ESCAPE and .nswatch.ns_change.mnt.to == $SVC0_MNT and .nswatch.ns_change.mnt.to_is_host == true"
	ok $? "a/$cfg: service from before the monitor: escape_to_host, critical setns-escape-to-host"
	mon_has "$OUT" "$P1" "$ESCAPE and .nswatch.ns_change.mnt.to == $SVC1_MNT and .nswatch.ns_change.mnt.to_is_host == true"
	ok $? "a/$cfg: service started under the monitor: escape_to_host, critical"
	mon_has "$OUT" "$P2" "$SETNS_EV and .nswatch.verdict == \"lateral\" and .nswatch.ns_change.mnt.to == $APP_MNT and .nswatch.ns_change.mnt.to_is_host != true"
	ok $? "a/$cfg: another container's mount namespace stays lateral"
	mon_has "$OUT" "$SVC1_PID" '.process_kprobe != null and $e.function_name == "__x64_sys_unshare" and .nswatch.verdict == "new_namespace" and ((.nswatch.alerts // []) | length == 0)'
	ok $? "a/$cfg: the host service's unshare: new_namespace, no alert"
	if [ "$cfg" = bpf ]; then
		[ -n "$PR" ] && mon_has "$OUT" "$PR" "$ESCAPE and .nswatch.ns_change.mnt.to == $HOST_MNT"
		ok $? "b/unenforced: the racer's setns into the host: escape_to_host, critical"
	fi
	kill -KILL "$SVC1_PID" 2>/dev/null
done

# ---- a + b under --enforce -------------------------------------------------
OUT=$NSW_CT_WORK/enforce.json
mon_start bpf-enforce "$OUT" || bail_out "monitor (bpf-enforce) not ready"
host_service || bail_out "cannot start a host service"
SVC2_PID=$SVC_PID SVC2_MNT=$SVC_MNT
EP=()
for t in "$SVC0_PID" "$SVC2_PID"; do
	M=/tmp/nsw-hostns-enforce-$t-$$
	MARKERS+=("$M")
	_scn_run hostns-enforce "$SCN_PRIV_ID" "$t" \
		nsenter -t "$t" -m -- sh -c "touch $M" >"$NSW_CT_WORK/e-$t"
	EP+=("$SCN_PID")
	wait_gone "$SCN_PID"
	ok $? "a/enforce: nsenter -t <host service $t> -m is gone"
	[ ! -e "$M" ]
	ok $? "a/enforce: its marker never appeared (no code ran in the service's namespace)"
done
# controls: lateral is not enforced; the host service itself is no container
_scn_run lateral "$SCN_PRIV_ID" "$SCN_APP_PID" \
	nsenter -t "$SCN_APP_PID" -m -- true >"$NSW_CT_WORK/e-lat"
PL=$SCN_PID
is "$SCN_RESULT" ok "a/enforce: nsenter into another container is not killed"
nsenter -t "$SVC2_PID" -m -- nsenter -t "$HOST_PID" -m -- true
is "$?" 0 "a/enforce: a process in the host service's namespace may enter the initial one"

# b: racers under enforcement
RACERS=12
landed=0 killed=0
RP=()
for i in $(seq 1 "$RACERS"); do
	M=/tmp/nsw-race-enforced-$i-$$
	MARKERS+=("$M")
	ct_exec "$SCN_PRIV_ID" nsw-race "/proc/$HOST_PID/ns/mnt" \
		/proc/self/ns/mnt "$M" 5000 >"$NSW_CT_WORK/race-$i.log" 2>&1
	rc=$?
	[ "$rc" = 137 ] && killed=$((killed + 1))
	{ [ -e "$M" ] || grep -q landed "$NSW_CT_WORK/race-$i.log"; } &&
		landed=$((landed + 1))
done
is "$landed" 0 "b/enforce: no racer of $RACERS ever ran code in the host mount namespace"
is "$killed" "$RACERS" "b/enforce: every racer ended by SIGKILL (runc exec: 137)"
# one racer forking a fresh process per try: a monitor that kills at
# entry only ends a racer after a couple of attempts, so one racer wins
# only now and then, but one of TRIES tries almost surely
TRIES=40
M=/tmp/nsw-race-forked-$$
MARKERS+=("$M")
ct_exec "$SCN_PRIV_ID" nsw-race "/proc/$HOST_PID/ns/mnt" \
	/proc/self/ns/mnt "$M" 5000 "$TRIES" >"$NSW_CT_WORK/race-forked.log" 2>&1
diag "$(grep -v 'never landed' "$NSW_CT_WORK/race-forked.log")"
[ ! -e "$M" ] && ! grep -q landed "$NSW_CT_WORK/race-forked.log"
ok $? "b/enforce: none of $TRIES forked tries ever ran code in the host mount namespace"
grep -q "tries=$TRIES killed=$TRIES never=0\$" "$NSW_CT_WORK/race-forked.log"
ok $? "b/enforce: every try ended by SIGKILL"
ct_sleep 1.5
mon_stop
is "$MON_RC" 0 "enforce: monitor exits 0"
grep -q -v ': info' "$MON_ERR" && diag "$(grep -v ': info' "$MON_ERR" | head -n 10)"
mon_has "$OUT" "${EP[0]}" "$KILLED and .nswatch.verdict == \"escape_to_host\" and .nswatch.ns_change.mnt.to == $SVC0_MNT"
ok $? "a/enforce: service from before: setns killed, escape_to_host"
mon_has "$OUT" "${EP[1]}" "$KILLED and .nswatch.verdict == \"escape_to_host\" and .nswatch.ns_change.mnt.to == $SVC2_MNT"
ok $? "a/enforce: service started later: setns killed, escape_to_host"
mon_has "$OUT" "${EP[1]}" "$EXIT_SIGKILL"
ok $? "a/enforce: process_exit SIGKILL"
! mon_has "$OUT" "$PL" '.nswatch.enforced != null or ($e.signal // "") == "SIGKILL"'
ok $? "a/enforce: the lateral nsenter was not enforced on"
n=$(jq -s --arg pod "$SCN_PRIV_POD" '[.[] | select(.process_kprobe.function_name == "__x64_sys_setns" and .nswatch.enforced == "sigkill" and .process_kprobe.process.pod.name == $pod and (.process_kprobe.process.binary | endswith("nsw-race")))] | length' "$OUT")
is "$n" "$((RACERS + TRIES))" "b/enforce: one killed setns reported per racer and try"

# ---- c. tamper with the eBPF side -----------------------------------------
OUT=$NSW_CT_WORK/tamper.json
mon_start bpf "$OUT" || bail_out "monitor (bpf) not ready"
PROG=$(bpftool -j prog show name nsw_sys_exit 2>/dev/null | jq -r 'if type == "array" then .[0].id else .id end')
[ -z "$PROG" ] || [ "$PROG" = null ] &&
	PROG=$(bpftool -j prog show name nsw_tp_exit_setns 2>/dev/null | jq -r 'if type == "array" then .[0].id else .id end')
LINK=$(bpftool -j link show | jq -r --argjson p "${PROG:-0}" '.[] | select(.prog_id == $p) | .id' | head -n 1)
[ -n "$LINK" ]
ok $? "c: found the link of our setns exit program (prog $PROG, link $LINK)"
if bpftool link detach id "$LINK" 2>"$NSW_CT_WORK/detach.err"; then
	n=100
	until grep -q '"monitor-tamper"' "$OUT" 2>/dev/null || [ "$n" -eq 0 ]; do
		ct_sleep 0.05
		n=$((n - 1))
	done
	jq -e -s '[.[] | .nswatch.alerts[]? | select(.rule == "monitor-tamper" and (.message | test("no longer attached")))] | length > 0' "$OUT" >/dev/null
	ok $? "c: link detached: monitor-tamper within 5 s"
else
	diag "bpftool link detach: $(cat "$NSW_CT_WORK/detach.err")"
	grep -q 'not supported' "$NSW_CT_WORK/detach.err"
	ok $? "c: the kernel refuses to detach our link (EOPNOTSUPP)"
fi
scn_direct_setns "$SCN_PRIV_ID" /proc/self/ns/uts uts >"$NSW_CT_WORK/c1"
PC=$SCN_PID
# a container's mount namespace written into our host namespace map
KEY=$(printf '%08x' "$APP_MNT" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4 \3 \2 \1/')
MAP=$(bpftool -j map show name host_ns_set | jq -r 'if type == "array" then .[0].id else .id end')
# shellcheck disable=SC2086
bpftool map update id "$MAP" key hex $KEY value hex 01 00 00 00
ok $? "c: bpftool wrote container mnt $APP_MNT into map $MAP"
n=100
until grep -q '"monitor-tamper"' "$OUT" 2>/dev/null || [ "$n" -eq 0 ]; do
	ct_sleep 0.05
	n=$((n - 1))
done
grep -q '"monitor-tamper"' "$OUT"
ok $? "c: monitor-tamper alert within 5 s of the map write"
# shellcheck disable=SC2086
! bpftool map lookup id "$MAP" key hex $KEY >/dev/null 2>&1
ok $? "c: the entry was removed again"
# a host service's namespace deleted from it
KEY0=$(printf '%08x' "$SVC0_MNT" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4 \3 \2 \1/')
# shellcheck disable=SC2086
bpftool map delete id "$MAP" key hex $KEY0
ok $? "c: bpftool deleted host service mnt $SVC0_MNT from map $MAP"
n=200
until [ "$(grep -c '"monitor-tamper"' "$OUT")" -ge 2 ] || [ "$n" -eq 0 ]; do
	ct_sleep 0.05
	n=$((n - 1))
done
mon_stop
is "$MON_RC" 0 "c: monitor exits 0"
jq -e -s '[.[] | .nswatch.alerts[]? | select(.rule == "monitor-tamper" and (.message | test("1 host namespace removed")))] | length == 1' "$OUT" >/dev/null
ok $? "c: monitor-tamper within 10 s of the deletion, once"
jq -e -s --arg m "$APP_MNT" '[.[] | .nswatch.alerts[]? | select(.rule == "monitor-tamper" and .severity == "high" and (.message | test("host namespace map") and test($m)))] | length == 1' "$OUT" >/dev/null
ok $? "c: one monitor-tamper alert naming the namespace"
mon_has "$OUT" "$PC" "$SETNS_EV"
ok $? "c: setns is still seen after the detach attempt"

done_testing
