#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch.service and the auditd plugin as an operator installs them:
#  - the unit file passes `systemd-analyze verify` (man pages included)
#    and `systemd-analyze security` rates it below 4.0 ("OK")
#  - Type=notify and WatchdogSec=: READY=1, then WATCHDOG=1 from the
#    event loop, on $NOTIFY_SOCKET with $WATCHDOG_USEC set as systemd does
#  - one monitor per host: while the auditd plugin runs nswatch, the
#    unit's command line exits 3 naming it, and while the unit's monitor
#    runs, the plugin wrapper (contrib/audisp-nswatch) exits 3 naming it;
#    the one refused writes no event file
# Root; the monitors hold the global lock (the unit's runs the eBPF
# backend, else audit netlink).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_root
require_cmd systemd-analyze jq flock
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
LISTEN=$top_builddir/tests/helpers/nsw-notify-listen
[ -x "$LISTEN" ] || bail_out "missing $LISTEN (make check builds it)"
UNIT_IN=$top_srcdir/contrib/systemd/nswatch.service.in
LOCK=/run/nswatch/monitor.lock


# ---- the unit file, without systemd running ------------------------------
U=$(mktemp -d)
# ExecStart must name an existing binary for verify: this build's
sed -e "s|@bindir@|$(dirname "$NSWATCH")|g" -e 's|@sysconfdir@|/etc|g' \
	"$UNIT_IN" >"$U/nswatch.service"
mkdir -p "$U/nswatch.service.d" "$U/man/man5" "$U/man/man8"
cp "$top_srcdir/contrib/systemd/nswatch.service.d/memory.conf" \
	"$U/nswatch.service.d/"
cp "$top_srcdir"/man/*.5 "$U/man/man5/"
cp "$top_srcdir"/man/*.8 "$U/man/man8/"
out=$(MANPATH=$U/man systemd-analyze verify "$U/nswatch.service" 2>&1)
rc=$?
ok $((rc != 0 || ${#out} != 0)) "systemd-analyze verify: clean" || diag "$out"
sec=$(systemd-analyze security --offline=yes "$U/nswatch.service" 2>&1)
line=$(printf '%s\n' "$sec" | grep 'Overall exposure level for nswatch.service')
level=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')
diag "systemd-analyze security: ${line#→ }"
awk -v l="${level:-99}" 'BEGIN { exit !(l < 4.0) }'
ok $? "systemd-analyze security: exposure ${level:-?} below 4.0" ||
	diag "$(printf '%s\n' "$sec" | grep '✗')"
case $line in
*" OK "*) ok 0 "systemd-analyze security: rated OK" ;;
*) ok 1 "systemd-analyze security: rated OK (got: $line)" ;;
esac
grep -q -- "--lock-file=$LOCK" "$UNIT_IN" &&
	grep -q -- "--lock-file=$LOCK" "$top_srcdir/contrib/audisp-nswatch"
ok $? "the unit and the plugin wrapper lock the same file ($LOCK)"
rm -rf "$U"

# ---- readiness, watchdog, one monitor per host ---------------------------
nsw_lock
W=$NSW_CT_WORK
CFG=bpf
mon_config_ok bpf >/dev/null || CFG=audit-netlink
why=$(mon_config_ok "$CFG") || bail_out "neither eBPF nor audit netlink: $why"
# the lock of the real unit (and a leftover from an earlier run is fine:
# the kernel dropped its flock with its holder)
mkdir -p "$(dirname "$LOCK")"

# the plugin's monitor: what audisp-nswatch runs, records on stdin
rm -f "$W/plugin.ready"
sleep 120 | "$NSWATCH" monitor --backend=audit --audit-source=plugin \
	--lock-file="$LOCK" --output "$W/plugin.out" \
	--ready-file "$W/plugin.ready" 2>"$W/plugin.err" &
PLUG=$!
NSW_CT_BGPIDS+=("$PLUG")
n=600
while [ ! -e "$W/plugin.ready" ] && [ "$n" -gt 0 ] && kill -0 "$PLUG" 2>/dev/null; do
	ct_sleep 0.05
	n=$((n - 1))
done
[ -e "$W/plugin.ready" ]
ok $? "the plugin's monitor runs and holds the lock" || diag "$(cat "$W/plugin.err")"
PLUG_PID=$(cat "$W/plugin.ready" 2>/dev/null)
grep -q "^pid $PLUG_PID auditd-plugin\$" "$LOCK"
ok $? "the lock names its holder: $(cat "$LOCK" 2>/dev/null)"

# the unit's command line (with systemd's environment) while it runs
rm -f "$W/svc1.out"
INVOCATION_ID=0123456789abcdef0123456789abcdef "$NSWATCH" monitor \
	--backend=bpf --lock-file="$LOCK" --output "$W/svc1.out" \
	2>"$W/svc1.err" &
p=$!
n=200
while kill -0 "$p" 2>/dev/null && [ "$n" -gt 0 ]; do
	ct_sleep 0.05
	n=$((n - 1))
done
kill -0 "$p" 2>/dev/null && kill -KILL "$p"
wait "$p"
is "$?" 3 "the unit's monitor refuses to start beside the plugin (exit 3)"
grep -q "another nswatch monitor runs on this host (pid $PLUG_PID auditd-plugin)" "$W/svc1.err"
ok $? "its message names the plugin's monitor" || diag "$(cat "$W/svc1.err")"
[ ! -e "$W/svc1.out" ]
ok $? "the refused monitor wrote no event file"
kill -TERM "$PLUG" 2>/dev/null
wait "$PLUG" 2>/dev/null

# the unit's monitor, as systemd starts it: NOTIFY_SOCKET, WATCHDOG_USEC
"$LISTEN" "$W/notify.sock" 30 WATCHDOG=1 >"$W/notify.out" &
LPID=$!
n=100
while ! grep -q bound "$W/notify.out" 2>/dev/null && [ "$n" -gt 0 ]; do
	ct_sleep 0.05
	n=$((n - 1))
done
# shellcheck disable=SC2034  # read by mon_start
MON_EXTRA_ARGS=(--lock-file="$LOCK")
NOTIFY_SOCKET=$W/notify.sock WATCHDOG_USEC=1000000 mon_start "$CFG" "$W/svc.out"
ok $? "the unit's monitor starts ($CFG) with the lock free again"
wait "$LPID"
ok $? "WATCHDOG=1 arrives on \$NOTIFY_SOCKET" || diag "$(cat "$W/notify.out")"
grep -qx READY=1 "$W/notify.out"
ok $? "READY=1 came first" || diag "$(cat "$W/notify.out")"

# the plugin wrapper as auditd starts it, beside the unit's monitor
mkdir -p "$W/bin"
cp "$top_srcdir/contrib/audisp-nswatch" "$W/bin/"
ln -sf "$NSWATCH" "$W/bin/nswatch"
env -i "$W/bin/audisp-nswatch" --output "$W/plug2/events.json" </dev/null
rc=$?
is "$rc" 3 "the plugin wrapper refuses to run beside the unit's monitor (exit 3)"
grep -q "another nswatch monitor runs on this host (pid $MON_PID nswatch.service)" \
	"$W/plug2/nswatch.log"
ok $? "its log names the unit's monitor" || diag "$(cat "$W/plug2/nswatch.log")"
mon_stop
is "$MON_RC" 0 "the unit's monitor stops cleanly"
done_testing
