#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Built-in size rotation of the event file (--output-max-size,
# --output-keep) in a live eBPF monitor, with a SIGHUP reopen (as
# logrotate sends) in the middle: every file stays within the size,
# holds whole JSON lines, and the kept files together hold every event of
# the run once.  Then contrib/logrotate/nswatch, run by a real logrotate
# against a monitor without a size limit: the file is moved away, the
# monitor signalled through the pid in its lock file, a new file begun.

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
why=$(mon_config_ok bpf) || skip_all "bpf: $why"

OUT=$NSW_CT_WORK/rot.json
MAX=1048576
# each exec and exit line carries the test's ancestors (make, the
# driver: KiB of arguments each), so the run writes about 12 MB
MON_EXTRA_ARGS=(--output-max-size 1M --output-keep 100)
mon_start bpf "$OUT" || bail_out "monitor not ready"
ok 0 "monitor with --output-max-size 1M --output-keep 100 ready"
mark=nsw-rot-$$
for i in $(seq 1 150); do /bin/true "$mark-$i"; done
kill -HUP "$MON_PID"
for i in $(seq 151 300); do /bin/true "$mark-$i"; done
ct_sleep 1
mon_stop
is "$MON_RC" 0 "monitor exits 0"

files=("$OUT")
for i in $(seq 1 100); do
	[ -e "$OUT.$i" ] && files+=("$OUT.$i")
done
nf=${#files[@]}
ok "$([ "$nf" -ge 4 ]; echo $?)" "the file was rotated ($nf files)"
ok "$([ ! -e "$OUT.101" ]; echo $?)" "no more than --output-keep old files"
big=0
for f in "${files[@]}"; do
	s=$(stat -c %s "$f")
	[ "$s" -gt "$big" ] && big=$s
done
ok "$([ "$big" -le "$MAX" ]; echo $?)" "no file past 1 MiB (largest $big)"
bad=0
for f in "${files[@]}"; do
	jq -e . "$f" >/dev/null 2>&1 || bad=$((bad + 1))
	[ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ] &&
		bad=$((bad + 1))
done
is "$bad" 0 "every file holds whole JSON lines"
n=$(cat "${files[@]}" | jq -r --arg m "$mark-" \
	'.process_exec.process.arguments // empty | select(startswith($m))' |
	sort -u | wc -l)
t=$(cat "${files[@]}" | jq -r --arg m "$mark-" \
	'.process_exec.process.arguments // empty | select(startswith($m))' |
	wc -l)
is "$n/$t" 300/300 "every exec of the run is in the kept files, once"
grep -q 'output reopened' "$MON_ERR"
ok $? "SIGHUP reopened the output between rotations"
grep -q 'output errors 0, output queue 0 ' "$MON_ERR"
ok $? "nothing lost" || diag "$(grep stopped "$MON_ERR")"

# ---- contrib/logrotate/nswatch ----------------------------------------------
if ! command -v logrotate >/dev/null; then
	skip "needs logrotate (contrib/install-deps.sh installs it)"
	done_testing
	exit
fi
OUT=$NSW_CT_WORK/lr.json
MON_EXTRA_ARGS=()
mon_start bpf "$OUT" || bail_out "monitor not ready"
echo "pid $MON_PID monitor" >"$NSW_CT_WORK/monitor.lock"
sed -e "s|/var/log/nswatch/events.json|$OUT|" \
	-e "s|/run/nswatch/monitor.lock|$NSW_CT_WORK/monitor.lock|" \
	"$top_srcdir/contrib/logrotate/nswatch" >"$NSW_CT_WORK/logrotate.conf"
for i in $(seq 1 20); do /bin/true "$mark-lr-$i"; done
ct_sleep 0.5
logrotate -f -s "$NSW_CT_WORK/logrotate.state" "$NSW_CT_WORK/logrotate.conf" \
	>"$NSW_CT_WORK/logrotate.out" 2>&1
is "$?" 0 "logrotate ran contrib/logrotate/nswatch" ||
	diag "$(cat "$NSW_CT_WORK/logrotate.out")"
n=100
until grep -q 'output reopened' "$MON_ERR" || [ "$n" -eq 0 ]; do
	ct_sleep 0.05
	n=$((n - 1))
done
for i in $(seq 21 40); do /bin/true "$mark-lr-$i"; done
ct_sleep 1
mon_stop
is "$MON_RC" 0 "monitor exits 0"
grep -q 'output reopened' "$MON_ERR"
ok $? "postrotate signalled the monitor (pid from its lock file)"
count() {
	jq -r --arg m "$mark-lr-" '.process_exec.process.arguments // empty
		| select(startswith($m))' "$@" | sort -u | wc -l
}
is "$(count "$OUT.1")" 20 "the moved file holds the events before"
is "$(count "$OUT")" 20 "the new file holds the events after"
done_testing
