#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The operator's view on a live monitor: --format compact, the filters
# (--pod, --namespace, --container, --event-types, --alerts-only,
# --host-only, --containers-only), --output reopened on SIGHUP (logrotate),
# the final nswatch_stats line, READY=1 to $NOTIFY_SOCKET (Type=notify),
# and write-behind of the output file.  Runs the eBPF backend (audit when
# there is no BTF).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
CFG=bpf
mon_config_ok bpf >/dev/null || CFG=audit-netlink
why=$(mon_config_ok "$CFG") || skip_all "$why"
case $CFG in
bpf) BACKEND=(--backend=bpf) ;;
*) BACKEND=(--backend=audit --audit-source=netlink) ;;
esac
ct_rootfs_build || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"

W=$NSW_CT_WORK
# start NAME ARGS...: a monitor writing $W/NAME.out; sets PID_NAME.
declare -A MPID
start() {
	local name=$1
	shift
	"$NSWATCH" monitor "${BACKEND[@]}" --stats-interval 0 \
		--ready-file "$W/$name.ready" --output "$W/$name.out" "$@" \
		2>"$W/$name.err" &
	MPID[$name]=$!
	NSW_CT_BGPIDS+=("$!")
	ct_wait_ready "${MPID[$name]}" "$W/$name.ready"
}
stop() {
	kill -TERM "${MPID[$1]}" 2>/dev/null
	wait "${MPID[$1]}"
}

# Type=notify: READY=1 on $NOTIFY_SOCKET once monitoring is in place
LISTEN=$top_builddir/tests/helpers/nsw-notify-listen
[ -x "$LISTEN" ] || bail_out "missing $LISTEN (make check builds it)"
"$LISTEN" "$W/notify.sock" 30 >"$W/notify.out" &
LPID=$!
NSW_CT_BGPIDS+=("$LPID")
n=100
while ! grep -q bound "$W/notify.out" 2>/dev/null && [ "$n" -gt 0 ]; do
	ct_sleep 0.05
	n=$((n - 1))
done
NOTIFY_SOCKET=$W/notify.sock start all || bail_out "monitor 'all' not ready"
wait "$LPID"
ok $? "systemd notification: READY=1 received"
start pod --pod "$SCN_APP_POD" || bail_out "monitor 'pod' not ready"
start ns --namespace "$SCN_PRIV_NS" --event-types kprobe ||
	bail_out "monitor 'ns' not ready"
start ctr --container "${SCN_PRIV_ID:0:12}" --alerts-only ||
	bail_out "monitor 'ctr' not ready"
start host --host-only --event-types exec || bail_out "monitor 'host' not ready"
start compact --format compact --containers-only ||
	bail_out "monitor 'compact' not ready"
ok 0 "six monitors with different filters are ready"

scn_unshare_user "$SCN_APP_ID" >/dev/null
scn_priv_host_nsenter "$SCN_PRIV_ID" $$ >/dev/null
# logrotate: move the file away, SIGHUP, the monitor writes a new one
mv "$W/all.out" "$W/all.out.1"
kill -HUP "${MPID[all]}"
ct_sleep 0.5
/bin/true host-after-rotate
scn_direct_setns "$SCN_PRIV_ID" "/proc/$$/ns/uts" 0 >/dev/null
# The tail of a burst: routine records wake the reader at most every few
# ms, so the last execs of a burst are queued without a wakeup and must
# still be written while nothing else happens.  No process is started
# between the burst and reading the file (its exec would wake the reader):
# the wait is a read from a fifo, the check a bash loop.
mkfifo "$W/never" && exec 8<>"$W/never"
ct_sleep 0.5
/bin/true burst-1; /bin/true burst-2; /bin/true burst-last
read -r -t 1.5 -u 8 _
tail_seen=1
while IFS= read -r line; do
	[[ $line == *'"arguments":"burst-last"'* ]] && tail_seen=0
done <"$W/all.out"
exec 8>&-
ok $tail_seen "the last exec of a burst is written with no later event"
ct_sleep 1
for m in all pod ns ctr host compact; do
	stop "$m"
	ok $? "monitor '$m' exits 0"
done

# everything (two files after the rotation)
cat "$W/all.out.1" "$W/all.out" >"$W/all.json"
grep -q 'output reopened' "$W/all.err"
ok $? "SIGHUP: the output is reopened"
[ -s "$W/all.out" ] && jq -e -s 'map(select(.process_exec.process.arguments == "host-after-rotate")) | length == 1' "$W/all.out" >/dev/null
ok $? "events after the rotation go to the new file"
jq -e -s 'map(select(.process_kprobe)) | length > 3' "$W/all.out.1" >/dev/null
ok $? "events before it stayed in the old one"
tail -n 1 "$W/all.out" | jq -e '.nswatch_stats.events.process_exec | tonumber > 0' >/dev/null
ok $? "final nswatch_stats line counts events"

# --pod: only the app pod's events
n=$(jq -s 'length' "$W/pod.out")
bad=$(jq -c 'select(.nswatch_stats | not)
	| (.process_exec // .process_kprobe // .process_exit).process.pod.name
	| select(. != "'"$SCN_APP_POD"'")' "$W/pod.out" | head -3)
ok "$([ "$n" -gt 1 ] && [ -z "$bad" ]; echo $?)" "--pod: $((n - 1)) events, all of pod $SCN_APP_POD"
jq -e -s 'map(select(.process_kprobe.function_name == "__x64_sys_unshare")) | length > 0' "$W/pod.out" >/dev/null
ok $? "--pod: the pod's unshare is there"

# --namespace + --event-types kprobe
bad=$(jq -c 'select(.nswatch_stats | not) | select((.process_kprobe | not)
	or .process_kprobe.process.pod.namespace != "'"$SCN_PRIV_NS"'")' "$W/ns.out" | head -3)
n=$(jq -s 'map(select(.process_kprobe)) | length' "$W/ns.out")
ok "$([ "$n" -gt 0 ] && [ -z "$bad" ]; echo $?)" "--namespace --event-types kprobe: $n setns events of $SCN_PRIV_NS only"

# --container (id prefix) + --alerts-only
bad=$(jq -c 'select(.nswatch_stats | not) | select(((.nswatch.alerts // []) | length) == 0
	or ((.process_exec // .process_kprobe // .process_exit).process.pod.container.id
	    | test("'"${SCN_PRIV_ID}"'$") | not))' "$W/ctr.out" | head -3)
n=$(jq -s 'map(select(.nswatch_stats | not)) | length' "$W/ctr.out")
ok "$([ "$n" -gt 0 ] && [ -z "$bad" ]; echo $?)" "--container --alerts-only: $n alerting events of that container only"

# --host-only --event-types exec
bad=$(jq -c 'select(.nswatch_stats | not) | select((.process_exec | not) or .process_exec.process.pod != null)' "$W/host.out" | head -3)
jq -e -s 'map(select(.process_exec.process.arguments == "host-after-rotate")) | length == 1' "$W/host.out" >/dev/null
ok "$([ $? = 0 ] && [ -z "$bad" ]; echo $?)" "--host-only --event-types exec: host execs only"

# --format compact --containers-only
grep -q '^🚀 process ' "$W/compact.out"
ok $? "compact: process lines"
grep -q "^🔧 setns   $SCN_PRIV_NS/$SCN_PRIV_POD " "$W/compact.out"
ok $? "compact: setns lines with namespace/pod as the source"
grep -q '^🚨 ALERT .*setns-escape-to-host' "$W/compact.out"
ok $? "compact: an alert line for the escape"
! grep -q 'host-after-rotate' "$W/compact.out"
ok $? "compact --containers-only: no host process"
! grep -q $'\e\[' "$W/compact.out"
ok $? "compact: no colour when not on a terminal"

# write-behind (--output-flush-after): what is on disk leaves the page cache
# every MiB; never within these 10 MiB with 64, not at all with 0 (each
# value must reach the writer: the default, 2, would drop).  fincore counts
# a file's cached bytes.
fstype=$(stat -f -c %T "$W")
WB=(1 64 0)
if ! command -v fincore >/dev/null; then
	for v in "${WB[@]}"; do
		skip "write-behind $v: no fincore (util-linux)"
	done
elif [ "$fstype" = tmpfs ] || [ "$fstype" = ramfs ]; then
	for v in "${WB[@]}"; do
		skip "write-behind $v: $W is on $fstype: no page to drop"
	done
else
	for v in "${WB[@]}"; do
		start "wb$v" --output-flush-after "$v" ||
			bail_out "monitor 'wb$v' not ready"
	done
	# execs until MIB MiB are written (bounded: on a loaded machine
	# the monitors lag behind the execs, so the bound is generous)
	grow_to() {
		local i=0
		while [ "$(stat -c %s "$W/wb1.out")" -lt $(($1 << 20)) ] &&
		      [ $i -lt 2000 ]; do
			for _ in 1 2 3 4 5 6 7 8 9 10; do /bin/true wb; done
			i=$((i + 1))
		done
	}
	grow_to 6
	sync "$W"/wb*.out	# on disk: droppable
	grow_to 10		# four more handovers at 1 MiB
	ct_sleep 0.5
	for v in "${WB[@]}"; do
		stop "wb$v"
		read -r res size < <(fincore --bytes --noheadings -o RES,SIZE "$W/wb$v.out")
		# 1 MiB: ranges written by the handover after next leave the
		# cache; a range still under writeback then is left to
		# reclaim (a busy machine, lines handed over in big batches),
		# so only "at least a few MiB less than all" is certain
		if [ "$v" = 1 ]; then
			as_expected=$((res < size - (3 << 20)))
		else
			as_expected=$((res > size - (1 << 20)))
		fi
		ok "$([ "$size" -ge $((9 << 20)) ] && [ "$as_expected" = 1 ]; echo $?)" \
			"--output-flush-after $v: $res of $size bytes still cached"
	done
fi
done_testing
