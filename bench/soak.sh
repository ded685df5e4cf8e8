#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch soak benchmark: one monitor per backend through
#   1. a storm of short-lived processes (bench/storm.c exec: fork+execve of
#      /bin/true, 2 workers; 100 000 by default), then
#   2. a mixed run of SECONDS: exec batches, fork-only churn, setns into
#      the own UTS namespace, nsenter into a process in its own uts/ipc/net
#      namespaces (unshare), unshare(2) of uts+ipc, while the output file is
#      rotated (mv + SIGHUP) every ROTATE seconds and each rotated file is
#      counted and deleted (an hour of JSON would not fit on a disk).
# The monitor's VmRSS/VmHWM is sampled every second.  Every event the load
# generates carries a marker, so each kind is counted in the output and
# checked: delivered must not exceed generated, and generated - delivered
# must be covered by the losses nswatch counted (its last nswatch_stats
# line: lost.kernel + lost.ringbuf + lost.seq_gaps + lost.output_errors
# + parse_errors;
# they are host-wide, so with nothing lost the check is an exact equality).
# Each backend runs under the machine-global lock /tmp/nswatch-global.lock
# (the audit backend owns the kernel's audit state; SOAK_LOCK may name
# another lock for an eBPF-only run); its fd is not passed to the
# monitor or the load.  The report gives the RSS curve with the sizes of
# the monitor's tables (nswatch_stats "tables") at each rotation.
#
#   bench/soak.sh [options] NSWATCH          (make bench-soak does this)
#
# Options (environment variable in brackets):
#   -n N        processes in the storm (SOAK_PROCS, 100000)
#   -t SECONDS  length of the mixed run (SOAK_SECONDS, 60; 1800 is the
#               long soak)
#   -r SECONDS  output rotation period (SOAK_ROTATE, 10)
#   -b LIST     backends, comma separated: bpf,audit (SOAK_BACKENDS)
#   -m MB       fail when the monitor's VmHWM exceeds MB (SOAK_RSS_MAX_MB,
#               64)
#   -o FILE     results file (SOAK_RESULTS, <srcdir>/bench/soak-<date>.md)
#   -k          keep the work directory (SOAK_KEEP=1)
#
# Needs root, cc, jq, flock, timeout, unshare, nsenter and auditctl (the
# audit backend runs as the audit daemon: no auditd may be registered).
# Exit status 1 when an event is unaccounted for, a count is over, the RSS
# limit is exceeded or a backend fails.

set -u
export LC_ALL=C

# SOAK_LOCK: another lock file, for an eBPF-only soak that may run beside
# the tests (it touches no containers and no audit state)
LOCK=${SOAK_LOCK:-/tmp/nswatch-global.lock}
srcdir=$(cd "$(dirname "$0")" && pwd)
self="$srcdir/soak.sh"

log() { printf '[soak %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

audit_field() {
	auditctl -s 2>/dev/null | awk -v k="$1" '$1 == k { print $2 }'
}

# ---------------------------------------------------------------------------
# one backend (run as: soak.sh --one BACKEND, under the lock)

BG_PIDS=""
AUDIT_SAVED=""
R=""
put() { printf '%s=%s\n' "$1" "$2" >> "$R"; }

stop_pid() {		# pid [signal]
	local p=$1 sig=${2:-TERM}
	kill -0 "$p" 2>/dev/null || return 0
	kill -"$sig" "$p" 2>/dev/null
	for _ in $(seq 150); do
		kill -0 "$p" 2>/dev/null || { wait "$p" 2>/dev/null; return 0; }
		if [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" = Z ]
		then
			wait "$p" 2>/dev/null
			return 0
		fi
		sleep 0.2
	done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 1
}

audit_restore() {
	local e f r b w
	# shellcheck disable=SC2086
	set -- $AUDIT_SAVED
	[ $# -eq 5 ] || return 0
	e=$1 f=$2 r=$3 b=$4 w=$5
	timeout 30 auditctl -D -k nswatch >/dev/null 2>&1
	timeout 30 auditctl -f "$f" >/dev/null 2>&1
	timeout 30 auditctl -r "$r" >/dev/null 2>&1
	timeout 30 auditctl -b "$b" >/dev/null 2>&1
	timeout 30 auditctl --backlog_wait_time "$w" >/dev/null 2>&1
	timeout 30 auditctl -e "$e" >/dev/null 2>&1
}

one_cleanup() {
	local rc=$? p
	trap - EXIT INT TERM HUP
	for p in $BG_PIDS; do
		stop_pid "$p" TERM || log "pid $p needed SIGKILL"
	done
	[ -n "$AUDIT_SAVED" ] && audit_restore
	exit "$rc"
}

fail_backend() {
	put status failed
	put reason "$1"
	log "$BACKEND FAILED: $1"
	[ -n "${2:-}" ] && [ -s "$2" ] && head -c 2000 "$2" >&2
	exit 0
}

# VmRSS and VmHWM (kB) of the monitor every second, bash builtins only so
# the sampler itself adds no exec events.
rss_sampler() {		# pid file
	local k v _u t0=$SECONDS rss hwm
	while [ -e "/proc/$1/status" ]; do
		rss="" hwm=""
		while read -r k v _u; do
			case $k in
			VmRSS:) rss=$v ;;
			VmHWM:) hwm=$v ;;
			esac
		done < "/proc/$1/status"
		[ -n "$rss" ] && echo "$((SECONDS - t0)) $rss $hwm" >> "$2"
		sleep 1
	done
}

rss_now() {		# the latest VmRSS sample, kB
	tail -1 "$W/rss.txt" 2>/dev/null | awk '{ print $2 }'
}

# Count the marked events in one output file; appends "kind count" lines
# to $W/counts.txt.  grep -F picks the lines of one marker, then the
# event kind is matched at its fixed place (the line's first key, or the
# function name) so that ancestors carrying the same text are not counted.
count_file() {		# file
	local f=$1
	{
		echo "storm_exec $(grep -F "\"arguments\":\"$MARK-storm-c\"" "$f" |
			grep -c '^{"process_exec":')"
		echo "mixed_exec $(grep -F "\"arguments\":\"$MARK-mx-c\"" "$f" |
			grep -c '^{"process_exec":')"
		echo "mixed_setns $(grep -F "\"arguments\":\"setns -n $SETNS_BATCH -m $MARK-setns\"" "$f" |
			grep -cF '"function_name":"__x64_sys_setns"')"
		echo "mixed_nsenter $(grep -F "\"arguments\":\"-t $NS_PID -u -i -n /bin/true $MARK-nsenter\"" "$f" |
			grep -cF '"function_name":"__x64_sys_setns"')"
		echo "mixed_unshare $(grep -F "\"arguments\":\"-u -i /bin/true $MARK-unshare\"" "$f" |
			grep -cF '"function_name":"__x64_sys_unshare"')"
		echo "lines $(wc -l < "$f")"
		echo "bytes $(stat -c %s "$f")"
	} >> "$W/counts.txt"
	# the last stats line seen so far
	grep -F '{"nswatch_stats":' "$f" | tail -1 > "$W/stats.tmp"
	[ -s "$W/stats.tmp" ] && mv "$W/stats.tmp" "$W/stats.json"
}

sum_count() {		# kind
	awk -v k="$1" '$1 == k { s += $2 } END { printf "%.0f\n", s }' \
		"$W/counts.txt" 2>/dev/null
}

# mv the output away, SIGHUP, wait for the reopened file, count the old
# one and delete it.  nswatch flushes its batch to the old file before it
# creates the new one, so the old file is complete once the new exists.
rotate() {
	local old="$OUT.$ROT_N"
	ROT_N=$((ROT_N + 1))
	mv "$OUT" "$old" || return 1
	kill -HUP "$NSW_PID" 2>/dev/null
	for _ in $(seq 300); do
		[ -e "$OUT" ] && break
		sleep 0.1
	done
	[ -e "$OUT" ] || { log "no reopened output 30 s after SIGHUP"; return 1; }
	count_file "$old"
	rm -f "$old"
	curve_point
}

# One point of the growth curve: seconds since ready, VmRSS (kB) and the
# tables of the last nswatch_stats line (processes, pending, memo bytes,
# memo full).
curve_point() {
	local t
	t=$(tail -1 "$W/rss.txt" 2>/dev/null | awk '{ print $1 }')
	[ -n "$t" ] || return 0
	echo "$t $(rss_now) $(jq -r '.nswatch_stats.tables // {} |
		"\(.processes // "-") \(.pending // "-") \(.memo_bytes // "-") \(.memo_full // "-")"' \
		"$W/stats.json" 2>/dev/null)" >> "$W/curve.txt"
}

gen_add() {		# kind n
	echo "$1 $2" >> "$W/generated.txt"
}

gen_sum() {		# kind
	awk -v k="$1" '$1 == k { s += $2 } END { print s + 0 }' \
		"$W/generated.txt" 2>/dev/null
}

# The mixed load, until $1 (SECONDS value); one round about a second.
mixed_load() {
	local end=$1 out
	while [ "$SECONDS" -lt "$end" ]; do
		out=$("$STORM" exec -n "$EXEC_BATCH" -m "$MARK-mx" 2>/dev/null)
		gen_add mixed_exec "$(sed -n 's/^n=//p' <<< "$out")"
		gen_add mixed_exec_failures "$(sed -n 's/^failures=//p' <<< "$out")"
		"$STORM" fork -n "$FORK_BATCH" > /dev/null 2>&1
		gen_add forks "$FORK_BATCH"
		out=$("$STORM" setns -n "$SETNS_BATCH" -m "$MARK-setns" 2>/dev/null)
		gen_add mixed_setns "$SETNS_BATCH"
		gen_add mixed_setns_failures "$(sed -n 's/^failures=//p' <<< "$out")"
		# 3 setns each (ipc, uts, net) and an exec of true
		if nsenter -t "$NS_PID" -u -i -n /bin/true "$MARK-nsenter"; then
			gen_add mixed_nsenter 3
		else
			gen_add mixed_nsenter_failures 1
		fi
		if unshare -u -i /bin/true "$MARK-unshare"; then
			gen_add mixed_unshare 1
		else
			gen_add mixed_unshare_failures 1
		fi
		sleep 0.5
	done
}

one_backend() {
	BACKEND=$1
	W="$WORK/$BACKEND"
	R="$WORK/results/$BACKEND.env"
	mkdir -p "$W" "$WORK/results"
	: > "$R"
	: > "$W/counts.txt"
	: > "$W/generated.txt"
	trap one_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	MARK="nsws-$RUN_ID-$BACKEND"
	OUT="$W/nswatch.json"
	ROT_N=0
	put backend "$BACKEND"
	put loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)"

	local args=() rf="$W/ready" out t0 t1 end mid_rss p
	case $BACKEND in
	bpf)	args=(--backend=bpf) ;;
	audit)	args=(--backend=audit --audit-source=netlink)
		[ "$(audit_field pid)" = 0 ] ||
			fail_backend "an audit daemon is registered (pid $(audit_field pid))"
		AUDIT_SAVED=$(auditctl -s 2>/dev/null | awk '
			$1 == "enabled" { e = $2 } $1 == "failure" { f = $2 }
			$1 == "rate_limit" { r = $2 } $1 == "backlog_limit" { b = $2 }
			$1 == "backlog_wait_time" { w = $2 }
			END { print e, f, r, b, w }') ;;
	*)	fail_backend "unknown backend $BACKEND" ;;
	esac

	# a process in its own uts/ipc/net namespaces, for nsenter
	unshare -u -i -n sleep 100000 &
	NS_PID=$!
	BG_PIDS="$NS_PID"

	"$NSWATCH" monitor "${args[@]}" --output "$OUT" --ready-file "$rf" \
		--stats-interval 10 > "$W/nswatch.stdout" 2> "$W/nswatch.stderr" &
	NSW_PID=$!
	BG_PIDS="$NSW_PID $BG_PIDS"
	for _ in $(seq 600); do
		[ -e "$rf" ] && break
		kill -0 "$NSW_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -e "$rf" ] || fail_backend "nswatch monitor ${args[*]} not ready" \
		"$W/nswatch.stderr"
	rss_sampler "$NSW_PID" "$W/rss.txt" &
	BG_PIDS="$BG_PIDS $!"
	sleep 2
	put command "$NSWATCH monitor ${args[*]} --output FILE --stats-interval 10"
	put rss_ready_kb "$(rss_now)"
	curve_point

	# -- 1. the storm ---------------------------------------------------
	log "$BACKEND: storm of $PROCS processes"
	local off
	off=$(stat -c %s "$OUT")
	t0=$SECONDS
	"$STORM" exec -n "$PROCS" -j 2 -m "$MARK-storm" > "$W/storm.out" \
		2> "$W/storm.err"
	t1=$SECONDS
	gen_add storm_exec "$PROCS"
	put storm_failures "$(sed -n 's/^failures=//p' "$W/storm.out")"
	put storm_rate "$(sed -n 's/^rate=//p' "$W/storm.out")"
	put storm_wall_s "$((t1 - t0))"
	STORM_MATCH=$(printf '%s\t%s' process_exec "\"arguments\":\"$MARK-storm-c\"") \
		timeout -k 5 150 "$STORM" drain -f "$OUT" -s "$off" -n "$PROCS" \
		-q 5000 -t 120 > "$W/drain.out"
	put storm_drain_ms "$(sed -n 's/^grew_ms=//p' "$W/drain.out")"
	put rss_after_storm_kb "$(rss_now)"
	log "$BACKEND: storm done in $((t1 - t0)) s; rotating"
	rotate || fail_backend "rotation failed"

	# -- 2. the mixed run -------------------------------------------------
	log "$BACKEND: mixed run of $DURATION s, rotation every $ROTATE s"
	t0=$SECONDS
	end=$((t0 + DURATION))
	mixed_load "$end" &
	p=$!
	BG_PIDS="$BG_PIDS $p"
	mid_rss=""
	while kill -0 "$p" 2>/dev/null; do
		sleep "$ROTATE"
		rotate || fail_backend "rotation failed"
		if [ -z "$mid_rss" ] && [ $((SECONDS - t0)) -ge $((DURATION / 2)) ]; then
			mid_rss=$(rss_now)
		fi
	done
	wait "$p"
	put mixed_wall_s "$((SECONDS - t0))"
	put rss_mixed_mid_kb "${mid_rss:-$(rss_now)}"
	# the load is light: a few seconds let the consumer catch up
	sleep 5
	put rss_end_kb "$(rss_now)"
	put hwm_kb "$(tail -1 "$W/rss.txt" | awk '{ print $3 }')"
	put rss_max_kb "$(awk 'm < $2 { m = $2 } END { print m + 0 }' "$W/rss.txt")"
	put rotations "$ROT_N"

	# SIGTERM: the last batch and a final nswatch_stats line
	kill -TERM "$NSW_PID"
	for _ in $(seq 300); do
		kill -0 "$NSW_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$NSW_PID" 2>/dev/null; then
		put nsw_exit "no exit 30 s after SIGTERM"
		kill -KILL "$NSW_PID"
	fi
	wait "$NSW_PID"
	put nsw_exit_code "$?"
	count_file "$OUT"

	for k in storm_exec mixed_exec mixed_setns mixed_nsenter mixed_unshare \
		 forks mixed_exec_failures mixed_setns_failures \
		 mixed_nsenter_failures mixed_unshare_failures; do
		put "gen_$k" "$(gen_sum "$k")"
	done
	for k in storm_exec mixed_exec mixed_setns mixed_nsenter mixed_unshare \
		 lines bytes; do
		put "del_$k" "$(sum_count "$k")"
	done
	if [ -s "$W/stats.json" ]; then
		jq -r '.nswatch_stats |
			"lost_kernel=\(.lost.kernel)",
			"lost_ringbuf=\(.lost.ringbuf)",
			"lost_seq_gaps=\(.lost.seq_gaps)",
			"lost_output_errors=\(.lost.output_errors)",
			"raw_events=\(.raw_events)",
			"parse_errors=\(.parse_errors)",
			"ev_exec=\(.events.process_exec)",
			"ev_exit=\(.events.process_exit)",
			"ev_kprobe=\(.events.process_kprobe)"' "$W/stats.json" >> "$R"
	else
		put stats missing
	fi
	cp "$W/rss.txt" "$WORK/results/$BACKEND.rss"
	cp "$W/curve.txt" "$WORK/results/$BACKEND.curve" 2>/dev/null
	put loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"
	put status ok
	log "$BACKEND done"
}

if [ "${1:-}" = --one ]; then
	one_backend "$2"
	exit 0
fi

# ---------------------------------------------------------------------------
# top level

usage() {
	sed -n '/^#   bench\/soak/,/^# Needs/p' "$self" | sed 's/^# \{0,1\}//'
}

PROCS=${SOAK_PROCS:-100000}
DURATION=${SOAK_SECONDS:-60}
ROTATE=${SOAK_ROTATE:-10}
BACKENDS=${SOAK_BACKENDS:-bpf,audit}
RSS_MAX_MB=${SOAK_RSS_MAX_MB:-64}
RESULTS=${SOAK_RESULTS:-}
KEEP=${SOAK_KEEP:-0}
while getopts 'n:t:r:b:m:o:kh' opt; do
	case $opt in
	n) PROCS=$OPTARG ;;
	t) DURATION=$OPTARG ;;
	r) ROTATE=$OPTARG ;;
	b) BACKENDS=$OPTARG ;;
	m) RSS_MAX_MB=$OPTARG ;;
	o) RESULTS=$OPTARG ;;
	k) KEEP=1 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ]; then
	usage >&2
	exit 2
fi
NSWATCH=$(readlink -f "$1")
[ -n "$RESULTS" ] || RESULTS="$srcdir/soak-$(date +%Y-%m-%d).md"
if [ "$(id -u)" != 0 ]; then
	echo "soak: needs root (BPF, audit)" >&2
	exit 1
fi
missing=""
for t in cc jq flock timeout unshare nsenter auditctl; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
[ -z "$missing" ] || { echo "soak: missing:$missing" >&2; exit 1; }
[ -x "$NSWATCH" ] || { echo "soak: $NSWATCH is not executable" >&2; exit 1; }

WORK=$(mktemp -d /tmp/nswatch-soak.XXXXXX) || exit 1
RUN_ID=$(date +%s)-$$
STORM="$WORK/storm"
# per round of the mixed load (about a second each)
EXEC_BATCH=${SOAK_EXEC_BATCH:-100}
FORK_BATCH=${SOAK_FORK_BATCH:-200}
SETNS_BATCH=${SOAK_SETNS_BATCH:-100}
LOCK_WAIT=${SOAK_LOCK_WAIT:-1800}
export PROCS DURATION ROTATE NSWATCH WORK RUN_ID STORM EXEC_BATCH \
	FORK_BATCH SETNS_BATCH

CHILD=""
top_cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
		kill -TERM "$CHILD" 2>/dev/null
		wait "$CHILD" 2>/dev/null
	fi
	if [ "$KEEP" = 1 ]; then
		log "work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}
trap top_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if ! cc -O2 -Wall -o "$STORM" "$srcdir/storm.c" 2> "$WORK/cc.err"; then
	cat "$WORK/cc.err" >&2
	exit 1
fi

log "work directory $WORK; storm $PROCS processes, mixed run $DURATION s"
IFS=, read -r -a BACKEND_LIST <<< "$BACKENDS"
for b in "${BACKEND_LIST[@]}"; do
	log "backend $b: waiting for $LOCK"
	# the lock's fd stays in this subshell: the monitor and the load
	# (daemons for half an hour) must not hold it after a crash
	# shellcheck disable=SC2016
	timeout -k 60 $((DURATION * 2 + 3600 + LOCK_WAIT)) \
		bash -c 'exec 9>>"$1" && flock -w "$2" 9 || exit 75
			 bash "$3" --one "$4" 9>&-' _ "$LOCK" "$LOCK_WAIT" \
		"$self" "$b" &
	CHILD=$!
	wait "$CHILD"
	rc=$?
	CHILD=""
	if ! grep -q '^status=' "$WORK/results/$b.env" 2>/dev/null; then
		mkdir -p "$WORK/results"
		printf 'backend=%s\nstatus=failed\nreason=%s\n' "$b" \
			"no result (exit $rc; lock wait, timeout or interrupt)" \
			>> "$WORK/results/$b.env"
	fi
done

# ---------------------------------------------------------------------------
# report and checks

get() {			# backend key
	local v
	v=$(grep -m1 "^$2=" "$WORK/results/$1.env" 2>/dev/null)
	echo "${v#*=}"
}

# About eight points of the curve, evenly spaced, and the last.
curve_report() {	# backend
	local f="$WORK/results/$1.curve" n step
	[ -s "$f" ] || return 0
	n=$(wc -l < "$f")
	step=$(( (n + 7) / 8 ))
	echo
	echo "| s since ready | VmRSS MB | processes | pending | memo KB | memo full |"
	echo "|---:|---:|---:|---:|---:|---:|"
	awk -v step="$step" -v n="$n" '(NR - 1) % step == 0 || NR == n {
		if (NF < 6)	# no nswatch_stats line yet
			$3 = $4 = $5 = $6 = "-"
		memo = $5 == "-" ? "-" : sprintf("%.0f", $5 / 1024)
		printf "| %d | %.1f | %s | %s | %s | %s |\n", $1, $2 / 1024,
			$3, $4, memo, $6 }' "$f"
}

status=0
report() {
	local b k gen del lost short mb
	echo "# nswatch soak, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "- machine: $(uname -r), $(nproc) cores," \
		"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "- nswatch: $NSWATCH" \
		"($(git -C "$srcdir" describe --always --dirty 2>/dev/null ||
			echo unknown))"
	echo "- storm: $PROCS processes (fork+execve /bin/true, 2 workers);" \
		"mixed run: $DURATION s, per round $EXEC_BATCH execs," \
		"$FORK_BATCH forks, $SETNS_BATCH setns, one nsenter (3 setns)," \
		"one unshare; output rotated every $ROTATE s"
	for b in "${BACKEND_LIST[@]}"; do
		echo
		echo "## $b"
		echo
		if [ "$(get "$b" status)" != ok ]; then
			echo "failed: $(get "$b" reason)"
			status=1
			continue
		fi
		# parse_errors: audit events that came in pieces (a line
		# without what the late records carried) are counted there
		lost=$(( $(get "$b" lost_kernel) + $(get "$b" lost_ringbuf) +
			 $(get "$b" lost_seq_gaps) + $(get "$b" lost_output_errors) +
			 $(get "$b" parse_errors) ))
		echo "storm: $(get "$b" storm_wall_s) s, $(get "$b" storm_rate)" \
			"exec/s, $(get "$b" storm_failures) failed;" \
			"mixed run $(get "$b" mixed_wall_s) s; monitor exit" \
			"$(get "$b" nsw_exit_code); $(get "$b" rotations)" \
			"rotations; $(get "$b" del_lines) lines," \
			"$(( $(get "$b" del_bytes) / 1048576 )) MiB of output"
		echo
		echo "| events | generated | delivered | check |"
		echo "|---|---:|---:|---|"
		for k in storm_exec mixed_exec mixed_setns mixed_nsenter \
			 mixed_unshare; do
			gen=$(get "$b" "gen_$k")
			del=$(get "$b" "del_$k")
			short=$((gen - del))
			if [ "$del" -gt "$gen" ]; then
				c="FAIL: more delivered than generated"
				status=1
			elif [ "$short" -gt "$lost" ]; then
				c="FAIL: $short missing, only $lost counted lost"
				status=1
			elif [ "$short" -gt 0 ]; then
				c="ok: $short missing, within the $lost counted lost"
			else
				c="ok: all delivered"
			fi
			echo "| $k | $gen | $del | $c |"
		done
		echo
		echo "counted lost (last nswatch_stats): kernel" \
			"$(get "$b" lost_kernel), ringbuf $(get "$b" lost_ringbuf)," \
			"seq_gaps $(get "$b" lost_seq_gaps), output_errors" \
			"$(get "$b" lost_output_errors); parse_errors" \
			"$(get "$b" parse_errors); events exec/exit/kprobe" \
			"$(get "$b" ev_exec)/$(get "$b" ev_exit)/$(get "$b" ev_kprobe);" \
			"failed load steps: exec $(get "$b" gen_mixed_exec_failures)," \
			"setns $(get "$b" gen_mixed_setns_failures), nsenter" \
			"$(get "$b" gen_mixed_nsenter_failures), unshare" \
			"$(get "$b" gen_mixed_unshare_failures)"
		echo
		mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
		echo "| RSS MB | ready | after storm | mixed, half-way | end | max VmRSS | VmHWM |"
		echo "|---|---:|---:|---:|---:|---:|---:|"
		echo "| $b | $(mb "$(get "$b" rss_ready_kb)") |" \
			"$(mb "$(get "$b" rss_after_storm_kb)") |" \
			"$(mb "$(get "$b" rss_mixed_mid_kb)") |" \
			"$(mb "$(get "$b" rss_end_kb)") |" \
			"$(mb "$(get "$b" rss_max_kb)") |" \
			"$(mb "$(get "$b" hwm_kb)") |"
		curve_report "$b"
		if [ "$(get "$b" hwm_kb)" -gt $((RSS_MAX_MB * 1024)) ]; then
			echo
			echo "FAIL: VmHWM above $RSS_MAX_MB MB"
			status=1
		fi
		if [ "$(get "$b" nsw_exit_code)" != 0 ]; then
			echo
			echo "FAIL: the monitor exited $(get "$b" nsw_exit_code)"
			status=1
		fi
	done
}

report > "$WORK/report.md"
cat "$WORK/report.md"
if cp "$WORK/report.md" "$RESULTS" 2>/dev/null; then
	log "results written to $RESULTS"
fi
exit "$status"
