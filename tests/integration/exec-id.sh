#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# exec_id is the same for one process in every monitor: a long-lived
# process in a pod container is seen exec by an eBPF monitor started
# first; two monitors started after it (eBPF, and audit as the audit
# daemon) know it only from /proc.  All three give its children the same
# parent_exec_id, equal to the exec_id the first monitor wrote for the
# process's own exec (doc/schema.md §3.3: the
# kernel's start time of the task, never a monitor's clock).

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
why=$(mon_config_ok bpf) || skip_all "bpf: $why"
why=$(mon_config_ok audit-netlink) || skip_all "audit: $why"

W=$NSW_CT_WORK
ct_rootfs_build || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"

# start_mon NAME ARGS...: a monitor writing $W/NAME.json, ready; sets
# MPID to its pid
start_mon() {
	local name=$1 pid
	shift
	"$NSWATCH" monitor "$@" --output "$W/$name.json" \
		--ready-file "$W/$name.ready" --stats-interval 0 \
		--node-name nswtest-node 2>"$W/$name.err" 9>&- &
	pid=$!
	NSW_CT_BGPIDS+=("$pid")
	MPID=$pid
	ct_wait_ready "$pid" "$W/$name.ready" ||
		{ diag "$(cat "$W/$name.err")"; return 1; }
}
stop_mon() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

start_mon first --backend=bpf || bail_out "first eBPF monitor not ready"
P_FIRST=$MPID
ok 0 "first monitor (eBPF) ready"
# the long-lived process: children (sleep) until /tmp/nsw-go, then more
# (`; n=$?` keeps sh from exec'ing its last command)
ct_exec_bg "$SCN_PRIV_ID" sh -c \
	'while [ ! -e /tmp/nsw-go ]; do sleep 0.2; done; /bin/true nsw-exec-id-child; n=$?; sleep 600' \
	>/dev/null || bail_out "cannot start the long-lived process"
L=$CT_BG_PID
ok "$(ct_alive "$L"; echo $?)" "long-lived container process $L"
# seen exec by the first; the others start after it, some ticks later
ct_sleep 1.5
start_mon second --backend=bpf || bail_out "second eBPF monitor not ready"
P_SECOND=$MPID
start_mon audit --backend=audit --audit-source=netlink ||
	bail_out "audit monitor not ready"
P_AUDIT=$MPID
ok 0 "second eBPF and an audit monitor started after it"
ct_exec "$SCN_PRIV_ID" touch /tmp/nsw-go
# the loop's children went on while the later monitors started; the
# last ones after it
ct_sleep 2
stop_mon "$P_AUDIT"
is "$?" 0 "audit monitor exits 0"
stop_mon "$P_SECOND"
is "$?" 0 "second eBPF monitor exits 0"
stop_mon "$P_FIRST"
is "$?" 0 "first eBPF monitor exits 0"

# what each says about the parent of L's children (busybox runs its
# applets without exec: their exits and execs, whichever came), one line
# per distinct "parent_exec_id parent.exec_id"
kids() {
	jq -r --argjson l "$L" '(.process_exec // .process_kprobe //
		.process_exit) as $e | select($e != null and
		($e.parent.pid // 0) == $l)
		| "\($e.process.parent_exec_id) \($e.parent.exec_id)"' \
		"$W/$1.json" | sort -u
}
own=$(jq -r --argjson l "$L" 'select(.process_exec.process.pid == $l)
	| .process_exec.process.exec_id' "$W/first.json" | head -n 1)
ok "$([ -n "$own" ] && [ "$own" != null ]; echo $?)" \
	"the first monitor saw the process exec: exec_id $own"
st=$(cut -d' ' -f22 <"/proc/$L/stat" 2>/dev/null)
want=$(printf 'nswtest-node:%s:%s' \
	"$(awk -v t="$st" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.0f", t * (1000000000 / hz) }')" "$L" | base64 -w0)
is "$own" "$want" "it is /proc/$L/stat starttime in ns (base64 of node:ktime:pid)"
for m in first second audit; do
	got=$(kids "$m")
	is "$got" "$own $own" "$m: L's children name it by that exec_id (parent_exec_id, parent.exec_id)" ||
		diag "$(grep -F "\"pid\":$L," "$W/$m.json" | head -c 1500)"
done
done_testing
