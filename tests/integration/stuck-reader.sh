#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The monitor never stalls the host, whatever its output does.  nswatch
# writes to a FIFO whose reader is stopped (kill -STOP), and an exec storm
# runs: on the eBPF backend, the audit backend as the audit daemon
# (netlink) and beside auditd (multicast) the storm must finish (with
# netlink, a monitor blocked on its output would let the kernel's audit
# backlog fill, and every audited syscall on the host would then wait
# backlog_wait_time), SIGTERM must end the monitor although its reader
# still does not read, and the lines it could not write are counted.
# Also: a symbolic link planted at the --output path is refused, and the
# running monitor has no_new_privs set.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_root
require_cmd jq flock
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock

W=$NSW_CT_WORK/stuck
rm -rf "$W"
mkdir -p "$W" || bail_out "cannot make $W"
# execs in the storm: far more JSON than the FIFO and a 1 MiB queue hold
# (and, with audit, more records than the backlog holds)
N=${NSW_STUCK_EXECS:-4000}
# generous: the storm takes seconds here, a stalled host never finishes it
STORM_LIMIT=${NSW_STUCK_LIMIT:-180}
# NSW_STUCK_CONFIGS: which backends (default all three)

# -- a symbolic link at the output path --------------------------------------
: >"$W/target"
ln -s "$W/target" "$W/link"
"$NSWATCH" monitor --output "$W/link" --stats-interval 0 \
	--ready-file "$W/link.ready" 2>"$W/link.err" &
lpid=$!
NSW_CT_BGPIDS+=("$lpid")
n=200
while kill -0 "$lpid" 2>/dev/null && [ ! -e "$W/link.ready" ] &&
      [ "$n" -gt 0 ]; do
	ct_sleep 0.05
	n=$((n - 1))
done
if [ -e "$W/link.ready" ]; then
	kill -TERM "$lpid"
	wait "$lpid"
	ok 1 "a symbolic link at the --output path is refused"
else
	wait "$lpid"
	rc=$?
	grep -q 'symbolic link' "$W/link.err"
	said=$?
	ok "$([ "$rc" != 0 ] && [ "$said" = 0 ]; echo $?)" \
		"a symbolic link at the --output path is refused (exit $rc)"
fi
[ ! -s "$W/target" ]
ok $? "...and the file it points at is not written"

# -- a stuck reader ----------------------------------------------------------
# run_stuck CONFIG: one monitor on a FIFO whose reader is stopped
run_stuck() {
	local cfg=$1 why args caps rpid mpid n t0 t1 rc spid done_in lost
	why=$(mon_config_ok "$cfg")
	if [ $? != 0 ]; then
		skip "$cfg: $why"
		skip "$cfg: $why"
		skip "$cfg: $why"
		skip "$cfg: $why"
		skip "$cfg: $why"
		return
	fi
	# caps: what the backend declares it keeps (backend_ops.keep_caps):
	# DAC_OVERRIDE, DAC_READ_SEARCH, SYS_PTRACE (+ AUDIT_CONTROL, AUDIT_READ)
	case $cfg in
	bpf) args=(--backend=bpf) caps=0000000000080006 ;;
	audit-multicast)
		_mon_auditd_start 9>&- || bail_out "cannot start auditd"
		args=(--backend=audit --audit-source=multicast)
		caps=0000002040080006 ;;
	*) args=(--backend=audit --audit-source=netlink) caps=0000002040080006 ;;
	esac
	rm -f "$W/fifo" "$W/$cfg.ready"
	mkfifo -m 0600 "$W/fifo"
	cat "$W/fifo" >"$W/$cfg.read" &
	rpid=$!
	NSW_CT_BGPIDS+=("$rpid")
	"$NSWATCH" monitor "${args[@]}" --output "$W/fifo" --output-queue 1 \
		--stats-interval 1 --ready-file "$W/$cfg.ready" \
		2>"$W/$cfg.err" &
	mpid=$!
	NSW_CT_BGPIDS+=("$mpid")
	n=600
	while [ ! -e "$W/$cfg.ready" ] && [ "$n" -gt 0 ]; do
		kill -0 "$mpid" 2>/dev/null || break
		ct_sleep 0.05
		n=$((n - 1))
	done
	if [ ! -e "$W/$cfg.ready" ]; then
		diag "$(cat "$W/$cfg.err")"
		bail_out "$cfg: monitor not ready"
	fi
	kill -STOP "$rpid"
	grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$mpid/status"
	ok $? "$cfg: the running monitor has no_new_privs set"
	is "$(awk '/^CapEff:/ {print $2}' "/proc/$mpid/status")" "$caps" \
		"$cfg: it keeps the capabilities its backend declares"

	# the storm, in a child so that it can be given up on
	t0=$(date +%s)
	(for ((i = 0; i < N; i++)); do /bin/true "stuck-$i"; done) &
	spid=$!
	n=$((STORM_LIMIT * 10))
	while kill -0 "$spid" 2>/dev/null && [ "$n" -gt 0 ]; do
		ct_sleep 0.1
		n=$((n - 1))
	done
	if kill -0 "$spid" 2>/dev/null; then
		kill -KILL "$spid" 2>/dev/null
		done_in=never
	else
		done_in=$(($(date +%s) - t0))s
	fi
	wait "$spid" 2>/dev/null
	ok "$([ "$done_in" != never ]; echo $?)" \
		"$cfg: an exec storm of $N with the output's reader stopped finishes (in $done_in, limit ${STORM_LIMIT}s)"

	# SIGTERM: the monitor ends although nothing is read
	t0=$(date +%s%N)
	kill -TERM "$mpid"
	n=200
	while kill -0 "$mpid" 2>/dev/null && [ "$n" -gt 0 ]; do
		ct_sleep 0.05
		n=$((n - 1))
	done
	t1=$(date +%s%N)
	if kill -0 "$mpid" 2>/dev/null; then
		kill -KILL "$mpid"
		wait "$mpid" 2>/dev/null
		ok 1 "$cfg: SIGTERM ends the monitor with its reader stopped (still running after 10 s)"
	else
		wait "$mpid"
		rc=$?
		ok "$rc" "$cfg: SIGTERM ends the monitor with its reader stopped (exit $rc after $(((t1 - t0) / 1000000)) ms)"
	fi
	kill -CONT "$rpid"
	wait "$rpid"
	_mon_auditd_stop

	# the lines it could not write are counted, in the log at exit
	lost=$(sed -n 's/.*stopped:.* output queue \([0-9]*\).*/\1/p' "$W/$cfg.err")
	ok "$([ -n "$lost" ] && [ "$lost" -gt 0 ]; echo $?)" \
		"$cfg: the lines dropped are counted (output queue ${lost:-?})"
	diag "$(grep -E 'not keeping up|stopped:' "$W/$cfg.err")"
}

for cfg in ${NSW_STUCK_CONFIGS:-bpf audit-netlink audit-multicast}; do
	run_stuck "$cfg"
done
done_testing
