#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016  # jq programs in single quotes
#
# Prometheus metrics (doc/metrics.md), eBPF backend, real runc pods: a
# privileged hostPID pod escapes with nsenter while nswatch runs with
# --metrics-address and --metrics-textfile.  The HTTP scrape and the
# textfile pass `promtool check metrics`; the scrape shows the escape's
# alert; a client that connects and sends nothing holds up neither the
# next scrape nor the events; only GET /metrics is served; and after exit
# the textfile's counters equal the final nswatch_stats line, one by one.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=tests/lib/scenarios.sh
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=tests/lib/monitor.sh
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
require_cmd jq promtool
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
why=$(mon_config_ok bpf) || skip_all "$why"
ct_rootfs_build || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
HOST_PID=$$
dir=$NSW_CT_WORK/metrics
mkdir -p "$dir"
out=$dir/events.json
prom=$dir/nswatch.prom

# scrape PATH [METHOD]: the HTTP answer (head and body) on stdout
scrape() {
	local fd
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || return 1
	printf '%s %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "${2:-GET}" "$1" >&"$fd"
	cat <&"$fd"
	exec {fd}>&-
}
body() { sed '1,/^\r$/d'; }

# a port nobody uses: nswatch refuses to start when the bind fails
for (( try = 0; try < 5; try++ )); do
	PORT=$(( 20000 + (RANDOM % 20000) ))
	# namespace events only: a busy host's execs would make the output
	# (and every jq over it) large; the counters still match the stats
	MON_EXTRA_ARGS=(--metrics-address "$PORT" --metrics-textfile "$prom"
		--event-types kprobe)
	mon_start bpf "$out" 2>"$dir/start.err" && break
done
ok $? "nswatch ready with --metrics-address $PORT (127.0.0.1) and --metrics-textfile" ||
	diag "$(cat "$dir/start.err")"

scn_priv_host_nsenter "$SCN_PRIV_ID" "$HOST_PID" >"$dir/scn"
ESC_PID=$SCN_PID
for (( i = 0; i < 100; i++ )); do
	jq -e 'select(.process_kprobe.process.pid == '"$ESC_PID"' and
		([.nswatch.alerts[]?.rule] | index("setns-escape-to-host")))' \
		"$out" >/dev/null 2>&1 && break
	ct_sleep 0.1
done
ok "$(jq -e 'select(.process_kprobe.process.pid == '"$ESC_PID"' and
	([.nswatch.alerts[]?.rule] | index("setns-escape-to-host")))' \
	"$out" >/dev/null 2>&1; echo $?)" "the escape is reported (setns-escape-to-host)"

# counters reach the metrics thread once a second
for (( i = 0; i < 50; i++ )); do
	scrape /metrics >"$dir/scrape1" 2>/dev/null
	grep -q '^nswatch_alerts_total{rule="setns-escape-to-host"} [1-9]' "$dir/scrape1" && break
	ct_sleep 0.1
done
head -n 1 "$dir/scrape1" | grep -q '^HTTP/1.0 200 '
ok $? "GET /metrics: 200" || diag "$(head -n 3 "$dir/scrape1")"
grep -qi '^Content-Type: text/plain; version=0.0.4' "$dir/scrape1"
ok $? "... Prometheus text format 0.0.4"
body <"$dir/scrape1" >"$dir/scrape1.prom"
promtool check metrics <"$dir/scrape1.prom" >"$dir/promtool1" 2>&1
ok $? "promtool check metrics passes on the scrape" || diag "$(cat "$dir/promtool1")"
grep -q '^nswatch_alerts_total{rule="setns-escape-to-host"} [1-9]' "$dir/scrape1.prom"
ok $? "the scrape counts the escape's alert"
grep -q '^nswatch_info{backend="bpf",version="[^"]*",node="nswtest-node"} 1$' "$dir/scrape1.prom"
ok $? "nswatch_info names the backend and node"
missing=
for m in nswatch_events_total nswatch_lost_total nswatch_last_event_age_seconds \
	nswatch_resident_memory_bytes nswatch_start_time_seconds; do
	grep -q "^${m}[{ ]" "$dir/scrape1.prom" || missing="$missing $m"
done
ok "$([ -z "$missing" ]; echo $?)" \
	"events, losses, last event age, RSS and start time are there" ||
	diag "missing:$missing"

head -n 1 < <(scrape /other) | grep -q '^HTTP/1.0 404 '
ok $? "another path: 404"
head -n 1 < <(scrape /metrics POST) | grep -q '^HTTP/1.0 405 '
ok $? "another method: 405"

# a client that connects and says nothing
exec {slow}<>"/dev/tcp/127.0.0.1/$PORT"
upid=$(unshare -u sh -c 'echo $$')
scrape /metrics >"$dir/scrape2" 2>/dev/null
head -n 1 "$dir/scrape2" | grep -q '^HTTP/1.0 200 '
ok $? "a silent client does not keep the next scrape out"
for (( i = 0; i < 50; i++ )); do
	jq -e 'select(.process_kprobe.process.pid == '"$upid"')' "$out" >/dev/null 2>&1 && break
	ct_sleep 0.1
done
jq -e 'select(.process_kprobe.process.pid == '"$upid"')' "$out" >/dev/null 2>&1
ok $? "... nor the events (an unshare -u meanwhile is reported)"
exec {slow}>&-

mon_stop
is "$MON_RC" 0 "nswatch exits 0"
promtool check metrics <"$prom" >"$dir/promtool2" 2>&1
ok $? "promtool check metrics passes on the textfile" || diag "$(cat "$dir/promtool2")"
ok "$([ "$(stat -c %a "$prom")" = 644 ] && [ ! -e "$prom.tmp" ]; echo $?)" \
	"textfile mode 0644, no temp file left"

# the final stats line and the textfile, counter by counter
jq -r 'select(.nswatch_stats) | .nswatch_stats |
	(.events | to_entries[] | "nswatch_events_total{type=\"\(.key)\"} \(.value)"),
	(.alerts | to_entries[] | "nswatch_alerts_total{rule=\"\(.key)\"} \(.value)"),
	(.lost | to_entries[] | "nswatch_lost_total{reason=\"\(.key)\"} \(.value)"),
	"nswatch_raw_events_total \(.raw_events)",
	"nswatch_parse_errors_total \(.parse_errors)",
	"nswatch_filtered_total \(.filtered)",
	"nswatch_proc_misses_total \(.proc_misses)"' "$out" |
	tail -n "$(grep -c '_total[{ ]' "$prom")" | sort >"$dir/stats.txt"
grep '^nswatch_[a-z_]*_total[{ ]' "$prom" | sort >"$dir/prom.txt"
n=$(grep -c . "$dir/stats.txt")
ok "$([ "$n" -ge 20 ] && cmp -s "$dir/stats.txt" "$dir/prom.txt"; echo $?)" \
	"the textfile's $n counters equal the final nswatch_stats line" ||
	diag "$(diff "$dir/stats.txt" "$dir/prom.txt")"
done_testing
