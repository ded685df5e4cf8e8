#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016  # jq in single quotes
#
# auditd restarts under the plugin source (issue 10 item 9's leftovers):
# nswatch runs as auditd's plugin (contrib/audisp-nswatch, rules loaded as
# augenrules would), and an attacker in the privileged host-pid pod
# escapes while auditd is stopped and started again:
#
#  1. an escape before: reported.
#  2. auditd stops: the plugin sees the end of its input, says so and
#     exits (its own records are all written first).
#  3. while auditd is down, an escape that stays in the host (nsenter
#     into the host's namespaces, then sleep): no record reaches anyone.
#     When auditd starts again, the new plugin reports the gap and finds
#     the process a /proc scan sees in the host mount namespace.
#  4. an escape after the restart: reported.
#  5. the plugin killed (-9): auditd starts it again (max_restarts) and
#     an escape after that is reported.
#
# Run time: about 20 s on an idle machine.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/audit.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"

[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
al_require
require_containers
al_lock
[ "$(al_daemon_pid)" = 0 ] ||
	skip_all "an audit daemon runs already"

ct_rootfs_build >/dev/null || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
HOST_PID=$$
ESCAPE='any(.nswatch.alerts[]?; .rule == "setns-escape-to-host")'

# auditd skips plugin .conf lines longer than 160 bytes: short paths
al_short_dir
bin=$AL_SHORT_DIR/bin
mkdir -p "$bin"
cp "$top_srcdir/contrib/audisp-nswatch" "$bin/audisp-nswatch"
chmod 0755 "$bin/audisp-nswatch"
ln -sf "$(readlink -f "$NSWATCH")" "$bin/nswatch"
OUT=$AL_SHORT_DIR/out/events.json
READY=$AL_SHORT_DIR/ready
LOG=$AL_SHORT_DIR/out/nswatch.log
PLUGIN_CONF="active = yes
direction = out
path = $bin/audisp-nswatch
type = always
args = --output=$OUT --ready-file=$READY
format = string"

# plugin_ready OLD_PID: wait for a plugin nswatch other than OLD_PID to be
# ready; sets PLUG_PID
plugin_ready() {
	local i p
	PLUG_PID=
	for (( i = 0; i < 100; i++ )); do
		p=$(cat "$READY" 2>/dev/null)
		if [ -n "$p" ] && [ "$p" != "$1" ] && [ -d "/proc/$p" ]; then
			PLUG_PID=$p
			return 0
		fi
		ct_sleep 0.1
	done
	return 1
}
# escape_now: the classic nsenter escape; sets ESC_PIDS
escape_now() {
	_scn_run escape "$SCN_PRIV_ID" "$HOST_PID" \
		nsenter -t "$HOST_PID" -m -u -i -n -p -- true >/dev/null
	ESC_PIDS="$SCN_PID $SCN_CHILDREN"
}
# escape_seen: a setns event of ESC_PIDS with the escape alert
escape_seen() {
	local p
	for p in $ESC_PIDS; do
		al_wait_json "$OUT" ".process_kprobe.process.pid == $p and ($ESCAPE)" 5 &&
			return 0
	done
	return 1
}

auditctl -R "$top_srcdir/rules/nswatch.rules" >/dev/null
ok $? "rules/nswatch.rules loaded"
al_auditd plugin "$PLUGIN_CONF" 9>&-
ok $? "auditd started with the nswatch plugin"
plugin_ready 0
ok $? "the plugin is ready (pid ${PLUG_PID:-none})" || diag "$(cat "$LOG" 2>/dev/null)"
first=$PLUG_PID

# ---- 1. before ----------------------------------------------------------
escape_now
escape_seen
ok $? "1: an escape is reported"

# ---- 2. auditd stops -----------------------------------------------------
al_auditd_stop
for (( i = 0; i < 50; i++ )); do
	[ -d "/proc/$first" ] || break
	ct_sleep 0.1
done
[ ! -d "/proc/$first" ]
ok $? "2: auditd stopped: the plugin exits"
grep -q 'input closed' "$LOG"
ok $? "2: ... saying its input closed" || diag "$(tail -n 5 "$LOG")"

# ---- 3. an escape while auditd is down ----------------------------------
# without -p, nsenter execs sleep itself: one process to look for
SCN_NOWAIT=1 _scn_run stay "$SCN_PRIV_ID" "$HOST_PID" \
	nsenter -t "$HOST_PID" -m -u -i -n -- sleep 60 >/dev/null
STAY=$SCN_PID
ct_wait_exec "$STAY" sleep 5
ok $? "3: while auditd is down, an escape stays in the host (pid $STAY)"
al_auditd plugin2 "$PLUGIN_CONF" 9>&-
ok $? "3: auditd started again"
plugin_ready "$first"
ok $? "3: a new plugin is ready (pid ${PLUG_PID:-none})" ||
	diag "$(tail -n 5 "$LOG" 2>/dev/null)"
second=$PLUG_PID
al_wait_json "$OUT" "any(.nswatch.alerts[]?; .rule == \"monitor-tamper\" and (.message | test(\"not running|stopped\")))" 5
ok $? "3: the new plugin reports the time nswatch did not run" ||
	diag "$(jq -c 'select(.nswatch.alerts) | .nswatch.alerts' "$OUT" | tail -n 3)"
al_wait_json "$OUT" ".process_kprobe.process.pid == $STAY and ($ESCAPE)" 5 ||
	al_wait_json "$OUT" ".process_exec.process.pid == $STAY and ($ESCAPE)" 1
ok $? "3: ... and the process that escaped meanwhile" ||
	diag "$(grep -c . "$OUT") lines; $(tail -n 5 "$LOG")"
kill "$STAY" 2>/dev/null

# ---- 4. after ------------------------------------------------------------
escape_now
escape_seen
ok $? "4: an escape after the restart is reported"

# ---- 5. the plugin killed: auditd starts it again ------------------------
kill -KILL "$second"
plugin_ready "$second"
ok $? "5: auditd started the killed plugin again (pid ${PLUG_PID:-none})" ||
	diag "$(tail -n 5 "$AL_DIR/plugin2/stderr" 2>/dev/null)"
escape_now
escape_seen
ok $? "5: an escape after that is reported"

al_auditd_stop
auditctl -D -k nswatch >/dev/null
done_testing
