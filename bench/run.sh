#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch benchmark: the same storms (bench/storm.c) with no monitor, with
# auditd + laurel, with nswatch (audit netlink, audit multicast beside
# auditd, eBPF) and with libbpf-tools execsnoop, one configuration after the
# other, each under the machine-global lock /tmp/nswatch-global.lock.  It
# measures and prints; it never judges a timing.
#
#   bench/run.sh [options] NSWATCH          (make bench does this)
#
# Options (environment variable in brackets):
#   -n N              exec storm size (BENCH_N, 20000)
#   -s N              setns storm size (BENCH_SETNS_N, same as -n)
#   -R N              runs of each storm; medians are reported (BENCH_REPS, 3)
#   -P N              rounds: the whole list of configurations N times in
#                     turn, one table per round, so that configurations
#                     are compared side by side under the same load
#                     (BENCH_ROUNDS, 1)
#   -p N              sleeping processes for the RSS probe (BENCH_PROCS, 10000)
#   -l N              setns calls of the latency probe (BENCH_LAT_N, 2000)
#   -r RATE           their rate per second (BENCH_LAT_RATE, 200)
#   -c LIST           configurations, comma separated (BENCH_CONFIGS):
#                     baseline,laurel,nsw-audit,nsw-multicast,nsw-bpf,execsnoop
#                     (nsw-bpf-rt: nsw-bpf with --rt-priority 1;
#                     nsw-bpf-sliceUS: nsw-bpf with --sched-slice US,
#                     nsw-bpf-slice0 the kernel's default slice, as
#                     before 2026-12-03 evening; not in the default list)
#   -o FILE           results file (BENCH_RESULTS,
#                     <srcdir>/bench/results-<date>.md)
#   -k                keep the work directory (BENCH_KEEP=1)
#   BENCH_STAMP_RT=0  the latency probe's reader at the normal policy
#                     (default: SCHED_FIFO 10 via chrt, so that the
#                     probe's own wakeup is not measured as the monitor's)
#
# Needs root, cc, jq, flock, timeout, auditd, auditctl, laurel and
# /usr/sbin/execsnoop (Debian: auditd laurel libbpf-tools jq).
#
# Every step is bounded by timeout(1).  Every configuration runs in its own
# process with an EXIT trap that stops what it started (monitors, auditd,
# laurel, execsnoop, sleeping processes), deletes the audit rules with key
# nswatch, restores the kernel's audit status (enabled, failure, rate and
# backlog limits, backlog wait time) and unmounts tracefs if it mounted it.
# auditd and laurel run from a private config directory (auditd -c), so
# nothing under /etc/audit or /etc/laurel is written; the script checks
# that /etc/audit is unchanged after each configuration.

set -u
export LC_ALL=C

LOCK=/tmp/nswatch-global.lock
ALL_CONFIGS=baseline,laurel,nsw-audit,nsw-multicast,nsw-bpf,execsnoop

srcdir=$(cd "$(dirname "$0")" && pwd)
self="$srcdir/run.sh"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------------------
# helpers shared by the top level and the per-configuration runs

# utime+stime in clock ticks of the given pids (0 for a pid that is gone).
cpu_ticks() {
	local total=0 p s
	for p in "$@"; do
		s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		s=${s##*) }
		# shellcheck disable=SC2086
		set -- $s
		total=$((total + ${12} + ${13}))
	done
	echo "$total"
}

# VmRSS in kB, summed over the given pids.
rss_kb() {
	local total=0 p v
	for p in "$@"; do
		v=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$p/status" \
			2>/dev/null)
		total=$((total + ${v:-0}))
	done
	echo "$total"
}

audit_field() {
	auditctl -s 2>/dev/null | awk -v k="$1" '$1 == k { print $2 }'
}

audit_pid_is() { [ "$(audit_field pid)" = "$1" ]; }

file_size() {
	if [ -n "${1:-}" ] && [ -e "$1" ]; then
		stat -c %s "$1"
	else
		echo 0
	fi
}

now_ns() { date +%s%N; }

etc_audit_sum() {
	find /etc/audit /etc/laurel -type f -print0 2>/dev/null | sort -z |
		xargs -0 sha256sum 2>/dev/null | sha256sum | cut -d' ' -f1
}

# ---------------------------------------------------------------------------
# one configuration (run as: run.sh --one CONFIG, under the lock)

BG_PIDS=""
AUDIT_SAVED=""
AUDIT_TOUCHED=0
TRACEFS_MOUNTED=0
R=""			# results file of this configuration

put() { printf '%s=%s\n' "$1" "$2" >> "$R"; }

stop_pid() {		# pid [signal]
	local p=$1 sig=${2:-TERM}
	kill -0 "$p" 2>/dev/null || return 0
	kill -"$sig" "$p" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$p" 2>/dev/null || return 0
		# a zombie child of ours counts as gone once reaped
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

audit_save() {
	AUDIT_SAVED=$(auditctl -s 2>/dev/null | awk '
		$1 == "enabled" { e = $2 } $1 == "failure" { f = $2 }
		$1 == "rate_limit" { r = $2 } $1 == "backlog_limit" { b = $2 }
		$1 == "backlog_wait_time" { w = $2 }
		END { print e, f, r, b, w }')
	AUDIT_TOUCHED=1
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
	if timeout 30 auditctl -l 2>/dev/null | grep -q 'key=nswatch'; then
		log "WARNING: audit rules with key nswatch remain"
	fi
}

one_cleanup() {
	local rc=$? p
	trap - EXIT INT TERM HUP
	for p in $BG_PIDS; do
		stop_pid "$p" TERM || log "pid $p needed SIGKILL"
	done
	if [ "$AUDIT_TOUCHED" = 1 ]; then
		audit_restore
	fi
	if [ "$TRACEFS_MOUNTED" = 1 ]; then
		umount /sys/kernel/tracing 2>/dev/null ||
			log "WARNING: could not unmount /sys/kernel/tracing"
	fi
	if [ "$(etc_audit_sum)" != "$ETC_AUDIT_SUM" ]; then
		log "WARNING: /etc/audit or /etc/laurel changed during $CONFIG"
		[ -n "$R" ] && put etc_audit changed
	fi
	exit "$rc"
}

# Wait for the consumer to catch up with a storm: until COUNT lines of
# FILE after OFFSET contain every needle, or none came for 2 s (120 s at
# most).  Prints the ms after the call at which the last one arrived.  One
# storm process does the waiting (needles in its environment), so monitors
# that log every exec see no stream of helper processes.
drain() {		# file offset count needle...
	local f=$1 off=$2 cnt=$3 spec
	shift 3
	spec=$(printf '%s\t' "$@")
	STORM_MATCH=${spec%$'\t'} timeout --foreground -k 5 150 \
		"$STORM" drain -f "$f" -s "$off" -n "$cnt" -q 2000 -t 120 |
		sed -n 's/^grew_ms=//p'
}

# The needles that mark a storm's lines in a consumer's output.
needles() {		# exec MARKER | setns PID | procs
	case $KIND:$1 in
	nswatch:exec)	printf '%s\n' process_exec "$2-c" ;;
	laurel:exec)	printf '%s\n' '"syscall":59' "$2-c" ;;
	execsnoop:exec)	printf '%s\n' " $2-c" ;;
	nswatch:setns)	printf '%s\n' __x64_sys_setns "\"pid\":$2," ;;
	laurel:setns)	printf '%s\n' '"syscall":308' "\"pid\":$2," ;;
	nswatch:procs)	printf '%s\n' process_exec '"arguments":"pause"' ;;
	laurel:procs)	printf '%s\n' '"ARGV":["storm","pause"]' ;;
	execsnoop:procs) printf '%s\n' 'storm pause' ;;
	esac
}

drain_for() {		# offset count exec MARKER | setns PID | procs
	local off=$1 cnt=$2 nd=()
	shift 2
	[ -n "$OUT" ] || { echo 0; return; }
	mapfile -t nd < <(needles "$@")
	if [ ${#nd[@]} -eq 0 ]; then
		echo na		# the consumer does not see this storm
	else
		drain "$OUT" "$off" "$cnt" "${nd[@]}"
	fi
}

# Count the events in $OUT that belong to a storm.
count_exec() {		# marker
	local m="$1-c"
	[ -n "$OUT" ] && [ -e "$OUT" ] || { echo na; return; }
	case $KIND in
	nswatch)
		grep -F -- "$m" "$OUT" | jq -c --arg m "$m" '
			select(.process_exec.process.arguments == $m and
			       (.process_exec.process.binary == "/bin/true" or
				.process_exec.process.binary == "/usr/bin/true"))
			' 2>/dev/null | wc -l ;;
	laurel)
		grep -F -- "$m" "$OUT" | jq -c --arg m "$m" '
			select(.SYSCALL.syscall == 59 and
			       .EXECVE.ARGV[1]? == $m)' 2>/dev/null | wc -l ;;
	execsnoop)
		# PCOMM true, and the marker as an argument (not the grep
		# or awk that counts, which execsnoop sees too)
		awk -v m=" $m" '$1 == "true" && index($0, m) { n++ }
			END { print n + 0 }' "$OUT" ;;
	*)	echo na ;;
	esac
}

count_setns() {		# pid
	[ -n "$OUT" ] && [ -e "$OUT" ] || { echo na; return; }
	case $KIND in
	nswatch)
		# lines, plus the calls counted in the kernel (eBPF: a
		# no-op setns beyond --rate-limit a second is aggregated in
		# process_throttle lines naming a recent caller)
		grep -F -e __x64_sys_setns -e process_throttle "$OUT" |
			jq -n --argjson p "$1" '
			reduce inputs as $l (0;
			  if $l.process_kprobe.function_name ==
			     "__x64_sys_setns" and
			     $l.process_kprobe.process.pid == $p then . + 1
			  elif $l.process_throttle != null and
			     $l.nswatch.aggregate.process.pid == $p then
			    . + ($l.nswatch.aggregate.calls.setns // 0 |
				 tonumber)
			  else . end)' 2>/dev/null ;;
	laurel)
		grep -F -- '"syscall":308' "$OUT" | jq -c --argjson p "$1" '
			select(.SYSCALL.syscall == 308 and
			       .SYSCALL.pid == $p)' 2>/dev/null | wc -l ;;
	*)	echo na ;;
	esac
}

# Exec events of the sleeping processes of procs_probe ("storm pause").
count_procs() {
	[ -n "$OUT" ] && [ -e "$OUT" ] || { echo na; return; }
	case $KIND in
	nswatch)
		grep -F -- '"arguments":"pause"' "$OUT" | jq -c --arg b "$STORM" '
			select(.process_exec.process.binary == $b and
			       .process_exec.process.arguments == "pause")' \
			2>/dev/null | wc -l ;;
	laurel)
		grep -F -- '"ARGV":["storm","pause"]' "$OUT" | jq -c '
			select(.SYSCALL.syscall == 59 and
			       .EXECVE.ARGV == ["storm", "pause"])' \
			2>/dev/null | wc -l ;;
	execsnoop)
		awk -v b="$STORM pause" '$1 == "storm" && index($0, b) { n++ }
			END { print n + 0 }' "$OUT" ;;
	*)	echo na ;;
	esac
}

# CPU ticks the whole machine spent busy (not idle, not iowait); bash
# builtins only, so that it starts no process.
busy_ticks() {
	local u n sy irq sirq st
	read -r _ u n sy _ _ irq sirq st _ < /proc/stat
	echo $((u + n + sy + irq + sirq + st))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# One storm, REPS times, with measurements.  name: exec_seq, exec_par or
# setns; gen: events one run generates; the rest: storm arguments (exec
# storms get a marker per run).
run_storm() {
	local name=$1 gen=$2 r out rc spid del drain_ms off args
	local c0 cm c1 k0 km k1 l0 l1 b0 b1 wall cpu other
	local walls="" cpus="" others="" drains=""
	local t_cpu=0 t_ka=0 t_lost=0 t_del=0 t_gen=0 t_fail=0 rcs=""
	shift 2
	for r in $(seq "$REPS"); do
		args=("$@")
		case $name in
		exec_*) args+=(-m "$MARK-$name-r$r") ;;
		esac
		off=$(file_size "$OUT")
		out="$W/storm-$name-r$r.out"
		c0=$(cpu_ticks $CONSUMERS)
		k0=$(cpu_ticks $KAUDITD)
		l0=$(audit_field lost)
		b0=$(busy_ticks)
		timeout --foreground -k 10 "$STORM_TIMEOUT" "$STORM" \
			"${args[@]}" > "$out" 2> "$W/storm-$name-r$r.err"
		rc=$?
		b1=$(busy_ticks)
		cm=$(cpu_ticks $CONSUMERS)
		km=$(cpu_ticks $KAUDITD)
		spid=$(sed -n 's/^pid=//p' "$out")
		case $name in
		exec_*)	drain_ms=$(drain_for "$off" "$gen" exec \
				"$MARK-$name-r$r") ;;
		*)	drain_ms=$(drain_for "$off" "$gen" setns \
				"${spid:-0}") ;;
		esac
		c1=$(cpu_ticks $CONSUMERS)
		k1=$(cpu_ticks $KAUDITD)
		l1=$(audit_field lost)
		case $name in
		exec_*)	del=$(count_exec "$MARK-$name-r$r") ;;
		*)	del=$(count_setns "${spid:-0}") ;;
		esac
		wall=$(sed -n 's/^wall_ns=//p' "$out")
		cpu=$(sed -n 's/^cpu_ns=//p' "$out")
		# Share of the machine that neither the storm nor the
		# consumers nor kauditd used while the storm ran: noise from
		# whatever else runs here.
		other=$(awk -v b=$((b1 - b0)) -v c=$((cm - c0 + km - k0)) \
			-v s="${cpu:-0}" -v w="${wall:-0}" \
			-v hz="$CLK_TCK" -v ncpu="$NCPU" 'BEGIN {
				o = (b - c) / hz - s / 1e9
				if (o < 0) o = 0
				# tick granularity: no figure for short runs
				if (w < 0.5e9) { printf "-"; exit }
				p = 100 * o / (w / 1e9 * ncpu)
				printf "%.0f", (p > 100 ? 100 : p)
			}')
		walls="$walls ${wall:-0}"
		cpus="$cpus ${cpu:-0}"
		others="$others $other"
		drains="$drains ${drain_ms:-0}"
		rcs="$rcs$rc"
		t_cpu=$((t_cpu + c1 - c0))
		t_ka=$((t_ka + k1 - k0))
		t_lost=$((t_lost + ${l1:-0} - ${l0:-0}))
		t_gen=$((t_gen + gen))
		t_fail=$((t_fail + $(sed -n 's/^failures=//p' "$out")))
		if [ "$del" = na ] || [ "$t_del" = na ]; then
			t_del=na
		else
			t_del=$((t_del + del))
		fi
		log "$CONFIG $name run $r: rc=$rc wall_ns=$wall cpu_ns=$cpu" \
			"drain_ms=$drain_ms delivered=$del/$gen others=$other%"
	done
	wall=$(echo $walls | tr ' ' '\n' | median)
	put "${name}_rc" "$rcs"
	put "${name}_reps" "$REPS"
	put "${name}_walls_ns" "${walls# }"
	put "${name}_wall_ns" "$wall"
	put "${name}_storm_cpu_ns" "$(echo $cpus | tr ' ' '\n' | median)"
	put "${name}_rate" "$(awk -v g="$gen" -v w="$wall" \
		'BEGIN { printf "%.1f", (w > 0 ? g * 1e9 / w : 0) }')"
	put "${name}_failures" "$t_fail"
	put "${name}_generated" "$t_gen"
	put "${name}_drain_ms" "$(echo $drains | tr ' ' '\n' | sort -n |
		tail -1)"	# the longest; na when the consumer misses it
	put "${name}_others_pct" "$(echo $others | tr ' ' '\n' | median)"
	put "${name}_cpu_ticks" "$t_cpu"
	put "${name}_kauditd_ticks" "$t_ka"
	put "${name}_lost" "$t_lost"
	put "${name}_delivered" "$t_del"
}

latency_probe() {
	local st="$W/stamped.txt" marks="$W/marks.txt" out="$W/storm-lat.out"
	local spid sp arrivals="$W/arrivals.txt" filter off
	case $KIND in
	nswatch) filter='select(.process_kprobe.function_name ==
			"__x64_sys_setns" and .process_kprobe.process.pid == $p)' ;;
	laurel)	filter='select(.SYSCALL.syscall == 308 and
			.SYSCALL.pid == $p)' ;;
	*)	return 0 ;;
	esac
	# The stamping reader runs SCHED_FIFO: on a busy host its own
	# wakeup (inotify) waited for a time slice like any other task's and
	# added milliseconds to the p99 that were the probe's, not the
	# monitor's.  It only reads and timestamps; BENCH_STAMP_RT=0 runs it
	# at the normal policy as before.
	local rt=()
	[ "${BENCH_STAMP_RT:-1}" = 1 ] && command -v chrt > /dev/null &&
		rt=(chrt -f 10)
	put lat_stamp_policy "${rt[*]:-normal}"
	"${rt[@]}" "$STORM" stamp -f "$OUT" -o "$st" -t "$STORM_TIMEOUT" \
		> "$W/stamp.out" 2> "$W/stamp.err" &
	sp=$!
	BG_PIDS="$BG_PIDS $sp"
	for _ in $(seq 50); do
		grep -q '^ready' "$W/stamp.out" 2>/dev/null && break
		sleep 0.1
	done
	off=$(file_size "$OUT")
	timeout --foreground -k 10 "$STORM_TIMEOUT" "$STORM" latency \
		-n "$LAT_N" -r "$LAT_RATE" -o "$marks" > "$out" \
		2> "$W/storm-lat.err"
	spid=$(sed -n 's/^pid=//p' "$out")
	drain_for "$off" "$LAT_N" setns "${spid:-0}" > /dev/null
	stop_pid "$sp" TERM
	[ -n "$spid" ] && [ -s "$marks" ] || { put lat_status failed; return; }
	jq -R -r --argjson p "$spid" '
		(index("\t")) as $i | .[0:$i] as $t |
		(.[$i + 1:] | fromjson? // empty) | '"$filter"' | $t' \
		"$st" > "$arrivals" 2>/dev/null
	# Pair the k-th arrival with the k-th mark (one thread, in order).
	paste -d' ' "$marks" "$arrivals" | awk -v n="$LAT_N" '
		NF == 3 {
			split($2, m, "."); split($3, a, ".")
			if (!base) base = m[1]
			d = ((a[1] - base) * 1e9 + a[2]) - \
			    ((m[1] - base) * 1e9 + m[2])
			print d / 1000
		}' | sort -n > "$W/lat-us.txt"
	put lat_matched "$(wc -l < "$W/lat-us.txt")"
	put lat_generated "$LAT_N"
	awk '{ v[NR] = $1 }
	     END {
		if (NR == 0) { print "lat_p50_us=na"; print "lat_p99_us=na"
			       print "lat_max_us=na"; exit }
		i50 = int(NR * 0.50 + 0.5); if (i50 < 1) i50 = 1
		i99 = int(NR * 0.99 + 0.5); if (i99 < 1) i99 = 1
		printf "lat_p50_us=%.0f\nlat_p99_us=%.0f\nlat_max_us=%.0f\n",
			v[i50], v[i99], v[NR]
	     }' "$W/lat-us.txt" >> "$R"
	log "$CONFIG latency: $(grep '^lat_' "$R" | tr '\n' ' ')"
}

procs_probe() {
	local out="$W/procs.out" pp off
	put rss_before_procs_kb "$(rss_kb $CONSUMERS)"
	off=$(file_size "$OUT")
	"$STORM" procs -n "$PROCS" -x -t "$STORM_TIMEOUT" > "$out" \
		2> "$W/procs.err" &
	pp=$!
	BG_PIDS="$BG_PIDS $pp"
	for _ in $(seq $((STORM_TIMEOUT * 5))); do
		grep -q '^ready' "$out" 2>/dev/null && break
		kill -0 "$pp" 2>/dev/null || break
		sleep 0.2
	done
	put procs_catchup_ms "$(drain_for "$off" "$PROCS" procs)"
	sleep 2
	put procs_started "$(sed -n 's/^started=//p' "$out")"
	put procs_start_ns "$(sed -n 's/^start_ns=//p' "$out")"
	put rss_procs_kb "$(rss_kb $CONSUMERS)"
	put rss_procs_per_kb "$(for p in $CONSUMERS; do
		printf '%s:%s ' "$(cat /proc/$p/comm 2>/dev/null)" \
			"$(rss_kb "$p")"; done)"
	stop_pid "$pp" TERM
	put procs_delivered "$(count_procs)"
	put procs_stop_ns "$(sed -n 's/^stop_ns=//p' "$out")"
	[ -n "$OUT" ] && drain "$OUT" "$(file_size "$OUT")" 1 > /dev/null
	put rss_after_procs_kb "$(rss_kb $CONSUMERS)"
	log "$CONFIG procs: $(grep -E '^(procs|rss)_' "$R" | tr '\n' ' ')"
}

# Fail this configuration with a reason (command, exit status, stderr).
fail_config() {
	put status "failed"
	put reason "$1"
	log "$CONFIG FAILED: $1"
	if [ -n "${2:-}" ] && [ -s "$2" ]; then
		{
			echo "stderr ($2):"
			head -c 2000 "$2"
		} >> "$W/failure.txt"
		head -c 2000 "$2" >&2
	fi
	exit 0
}

wait_for() {		# seconds, command...
	local s=$1
	shift
	for _ in $(seq $((s * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# auditd from a private config dir; $1 = with_laurel|plain
start_auditd() {
	local conf="$W/auditd" apid
	local pid
	pid=$(audit_field pid)
	if [ "${pid:-0}" != 0 ]; then
		fail_config "an audit daemon (pid $pid) is already registered"
	fi
	if [ "$(audit_field enabled)" = 2 ]; then
		fail_config "audit configuration is locked (enabled 2)"
	fi
	mkdir -m 700 "$conf" "$conf/plugins.d" && mkdir -m 750 "$W/auditlog" \
		|| fail_config "mkdir $conf"
	sed -e "s|^log_file = .*|log_file = $W/auditlog/audit.log|" \
	    -e "s|^plugin_dir = .*|plugin_dir = $conf/plugins.d|" \
	    -e 's|^max_log_file = .*|max_log_file = 4096|' \
	    -e 's|^max_log_file_action = .*|max_log_file_action = ROTATE|' \
	    /etc/audit/auditd.conf > "$conf/auditd.conf"
	chmod 600 "$conf/auditd.conf"
	if [ "$1" = with_laurel ]; then
		mkdir -m 750 "$W/laurel"
		if id _laurel >/dev/null 2>&1; then
			chown _laurel: "$W/laurel"
		fi
		# Debian's laurel configuration; only the output directory
		# moves and rotation is pushed out of the way.
		sed -e "s|^directory = .*|directory = \"$W/laurel\"|" \
		    -e 's|^size = .*|size = 4000000000|' \
		    /etc/laurel/config.toml > "$conf/laurel.toml"
		chmod 644 "$conf/laurel.toml"
		printf '%s\n' 'active = yes' 'direction = out' \
			'type = always' 'format = string' \
			'path = /usr/sbin/laurel' \
			"args = --config $conf/laurel.toml" \
			> "$conf/plugins.d/laurel.conf"
		chmod 600 "$conf/plugins.d/laurel.conf"
		timeout 30 laurel --config "$conf/laurel.toml" --dry-run \
			> "$W/laurel-dry.txt" 2>&1 ||
			fail_config "laurel --dry-run failed" "$W/laurel-dry.txt"
	fi
	audit_save
	auditd -n -c "$conf" > "$W/auditd.stdout" 2> "$W/auditd.stderr" &
	apid=$!
	BG_PIDS="$apid $BG_PIDS"
	wait_for 30 audit_pid_is "$apid" ||
		fail_config "auditd -n -c $conf did not register" \
			"$W/auditd.stderr"
	AUDITD_PID=$apid
	# What augenrules loads from Debian's /etc/audit/audit.rules
	# before any rule: -b 8192, --backlog_wait_time 60000, -f 1.
	timeout 30 auditctl -b 8192 --backlog_wait_time 60000 -f 1 \
		> /dev/null
	if [ "$1" = with_laurel ]; then
		wait_for 30 pgrep -P "$apid" -x laurel > /dev/null ||
			fail_config "laurel was not started by auditd" \
				"$W/auditd.stderr"
		LAUREL_PID=$(pgrep -P "$apid" -x laurel | head -1)
		wait_for 30 test -e "$W/laurel/audit.log" ||
			fail_config "laurel wrote no $W/laurel/audit.log"
	fi
}

# The audit rules nswatch uses, from `nswatch rules` when it has them.
load_nswatch_rules() {
	local rules="$W/rules.txt" line n=0
	if timeout 30 "$NSWATCH" rules > "$W/nswatch-rules.txt" \
		2> "$W/nswatch-rules.err" &&
		grep -q '^-a' "$W/nswatch-rules.txt"; then
		grep '^-a' "$W/nswatch-rules.txt" > "$rules"
		put rules_from "nswatch rules"
	else
		# audit-rules.h: setns/unshare, clone with CLONE_NEW*,
		# clone3, execve/execveat; b64 and b32; key nswatch.
		cat > "$rules" <<-'EOF'
		-a always,exit -F arch=b64 -S setns,unshare -F key=nswatch
		-a always,exit -F arch=b32 -S setns,unshare -F key=nswatch
		-a always,exit -F arch=b64 -S clone -F a0&0x7E020080 -F key=nswatch
		-a always,exit -F arch=b32 -S clone -F a0&0x7E020080 -F key=nswatch
		-a always,exit -F arch=b64 -S clone3 -F key=nswatch
		-a always,exit -F arch=b32 -S clone3 -F key=nswatch
		-a always,exit -F arch=b64 -S execve,execveat -F key=nswatch
		-a always,exit -F arch=b32 -S execve,execveat -F key=nswatch
		EOF
		put rules_from "built-in copy (nswatch rules unavailable)"
	fi
	while read -r line; do
		# shellcheck disable=SC2086
		timeout 30 auditctl $line > /dev/null 2>> "$W/auditctl.err" &&
			n=$((n + 1))
	done < "$rules"
	put rules_loaded "$n"
}

start_nswatch() {	# extra monitor options...
	local np rf="$W/nswatch.ready"
	OUT="$W/nswatch.json"
	: > "$OUT"
	NSW_CMD="$NSWATCH monitor $* --output $OUT --ready-file $rf"
	put command "$NSW_CMD"
	# shellcheck disable=SC2086
	$NSW_CMD > "$W/nswatch.stdout" 2> "$W/nswatch.stderr" &
	np=$!
	BG_PIDS="$np $BG_PIDS"
	NSW_PID=$np
	for _ in $(seq 600); do
		[ -e "$rf" ] && break
		kill -0 "$np" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -e "$rf" ]; then
		local rc=running
		if ! kill -0 "$np" 2>/dev/null; then
			wait "$np"
			rc=$?
		fi
		fail_config "'$NSW_CMD' not ready after 60 s (exit: $rc)" \
			"$W/nswatch.stderr"
	fi
	# each thread's policy and slice as the kernel sees them
	# (policy 0 normal, 2 SCHED_RR; se.slice in ns)
	put sched "$(for t in /proc/"$np"/task/*; do
		awk -F: '$1 ~ /^policy/ { p = $2 + 0 }
			 $1 ~ /^se.slice/ { s = $2 / 1000 }
			 END { printf "%s/%dus ", p, s }' "$t/sched"
		done 2>/dev/null)"
}

stop_nswatch() {
	local rc
	kill -TERM "$NSW_PID" 2>/dev/null
	for _ in $(seq 300); do
		kill -0 "$NSW_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$NSW_PID" 2>/dev/null; then
		put nsw_exit "no exit 30 s after SIGTERM"
		kill -KILL "$NSW_PID"
	fi
	wait "$NSW_PID"
	rc=$?
	put nsw_exit_code "$rc"
	grep -F '"nswatch_stats"' "$OUT" | tail -1 | jq -r '
		.nswatch_stats |
		"nsw_stats_lost_kernel=\(.lost.kernel)",
		"nsw_stats_lost_ringbuf=\(.lost.ringbuf)",
		"nsw_stats_lost_held=\(.lost.held // "-")",
		"nsw_stats_seq_gaps=\(.lost.seq_gaps)",
		"nsw_stats_output_errors=\(.lost.output_errors)",
		"nsw_stats_output_queue=\(.lost.output_queue // 0)",
		"nsw_stats_parse_errors=\(.parse_errors)",
		"nsw_stats_proc_misses=\(.proc_misses)",
		"nsw_stats_raw_events=\(.raw_events)"' >> "$R" 2>/dev/null
	if ! grep -q '^nsw_stats_lost_kernel=' "$R"; then
		put nsw_stats "no nswatch_stats line in the output"
	fi
	cp "$W/nswatch.stderr" "$W/nswatch.stderr.saved" 2>/dev/null
}

one_config() {
	CONFIG=$1
	W="$WORK/r$ROUND/$CONFIG"
	R="$WORK/r$ROUND/results/$CONFIG.env"
	mkdir -p "$W" "$WORK/r$ROUND/results"
	cd "$W" || exit 1
	: > "$R"
	trap one_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	OUT=""
	KIND=none
	CONSUMERS=""
	KAUDITD=$(pgrep -x kauditd | head -1)
	MARK="nswb-$RUN_ID-$CONFIG"
	put config "$CONFIG"
	put loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)"
	put audit_lost_start "$(audit_field lost)"

	case $CONFIG in
	baseline)
		put consumers "none" ;;
	laurel)
		start_auditd with_laurel
		load_nswatch_rules
		OUT="$W/laurel/audit.log"
		KIND=laurel
		CONSUMERS="$AUDITD_PID $LAUREL_PID"
		put consumers "auditd+laurel" ;;
	nsw-audit)
		audit_save
		if [ "$(audit_field pid)" != 0 ]; then
			fail_config "an audit daemon is registered"
		fi
		start_nswatch --backend=audit --audit-source=netlink
		KIND=nswatch
		CONSUMERS="$NSW_PID"
		put consumers "nswatch" ;;
	nsw-multicast)
		start_auditd plain
		start_nswatch --backend=audit --audit-source=multicast
		KIND=nswatch
		CONSUMERS="$NSW_PID $AUDITD_PID"
		put consumers "nswatch+auditd" ;;
	nsw-bpf)
		start_nswatch --backend=bpf
		KIND=nswatch
		CONSUMERS="$NSW_PID"
		put consumers "nswatch" ;;
	nsw-bpf-rt)
		start_nswatch --backend=bpf --rt-priority 1
		KIND=nswatch
		CONSUMERS="$NSW_PID"
		put consumers "nswatch (SCHED_RR 1)" ;;
	nsw-bpf-slice[0-9]*)
		start_nswatch --backend=bpf --sched-slice "${CONFIG#nsw-bpf-slice}"
		KIND=nswatch
		CONSUMERS="$NSW_PID"
		put consumers "nswatch (slice ${CONFIG#nsw-bpf-slice} us)" ;;
	execsnoop)
		if [ ! -d /sys/kernel/tracing/events ]; then
			mount -t tracefs tracefs /sys/kernel/tracing ||
				fail_config "mount tracefs failed"
			TRACEFS_MOUNTED=1
		fi
		OUT="$W/execsnoop.txt"
		stdbuf -oL /usr/sbin/execsnoop > "$OUT" \
			2> "$W/execsnoop.stderr" &
		ES_PID=$!
		BG_PIDS="$ES_PID $BG_PIDS"
		wait_for 60 grep -q PCOMM "$OUT" ||
			fail_config "execsnoop did not start" \
				"$W/execsnoop.stderr"
		KIND=execsnoop
		CONSUMERS="$ES_PID"
		put consumers "execsnoop" ;;
	*)
		fail_config "unknown configuration $CONFIG" ;;
	esac
	put audit_backlog_limit "$(audit_field backlog_limit)"
	put audit_enabled "$(audit_field enabled)"
	put audit_rules "$(auditctl -l 2>/dev/null | grep -c 'key=nswatch')"
	put rss_idle_kb "$(rss_kb $CONSUMERS)"
	put cpu_idle_ticks "$(cpu_ticks $CONSUMERS)"
	sleep 1

	run_storm exec_seq "$N" exec -n "$N" -j 1
	run_storm exec_par "$N" exec -n "$N" -j 2
	run_storm setns "$SETNS_N" setns -n "$SETNS_N"
	put rss_after_storms_kb "$(rss_kb $CONSUMERS)"
	latency_probe
	procs_probe

	case $CONFIG in
	nsw-*)
		stop_nswatch ;;
	execsnoop)
		stop_pid "$ES_PID" INT
		put execsnoop_lost "$(sed -n \
			's/.*[Ll]ost \([0-9][0-9]*\) events.*/\1/p' \
			"$W/execsnoop.stderr" |
			awk '{ s += $1 } END { print s + 0 }')" ;;
	esac
	put loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"
	put status ok
	log "$CONFIG done"
}

if [ "${1:-}" = --one ]; then
	one_config "$2"
	exit 0
fi

# ---------------------------------------------------------------------------
# top level

usage() {
	sed -n '/^#   bench/,/^# Needs/p' "$self" | sed 's/^# \{0,1\}//'
}

N=${BENCH_N:-20000}
SETNS_N=${BENCH_SETNS_N:-}
REPS=${BENCH_REPS:-3}
ROUNDS=${BENCH_ROUNDS:-1}
PROCS=${BENCH_PROCS:-10000}
LAT_N=${BENCH_LAT_N:-2000}
LAT_RATE=${BENCH_LAT_RATE:-200}
CONFIGS=${BENCH_CONFIGS:-$ALL_CONFIGS}
RESULTS=${BENCH_RESULTS:-}
KEEP=${BENCH_KEEP:-0}

while getopts 'n:s:R:P:p:l:r:c:o:kh' opt; do
	case $opt in
	n) N=$OPTARG ;;
	s) SETNS_N=$OPTARG ;;
	R) REPS=$OPTARG ;;
	P) ROUNDS=$OPTARG ;;
	p) PROCS=$OPTARG ;;
	l) LAT_N=$OPTARG ;;
	r) LAT_RATE=$OPTARG ;;
	c) CONFIGS=$OPTARG ;;
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
[ -n "$SETNS_N" ] || SETNS_N=$N
[ -n "$RESULTS" ] || RESULTS="$srcdir/results-$(date +%Y-%m-%d).md"

if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (audit rules, auditd, BPF)" >&2
	exit 1
fi
missing=""
for t in cc jq flock timeout stdbuf auditctl auditd laurel pgrep; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
[ -x /usr/sbin/execsnoop ] || missing="$missing /usr/sbin/execsnoop"
if [ -n "$missing" ]; then
	echo "bench: missing:$missing (apt-get install auditd laurel" \
		"libbpf-tools jq)" >&2
	exit 1
fi
[ -x "$NSWATCH" ] || log "WARNING: $NSWATCH is not executable;" \
	"the nswatch configurations will fail"

WORK=$(mktemp -d /tmp/nswatch-bench.XXXXXX) || exit 1
chmod 711 "$WORK"		# laurel drops to _laurel and writes below
RUN_ID=$(date +%s)-$$
STORM="$WORK/storm"
STORM_TIMEOUT=${BENCH_STORM_TIMEOUT:-300}
CONFIG_TIMEOUT=${BENCH_CONFIG_TIMEOUT:-3600}
LOCK_WAIT=${BENCH_LOCK_WAIT:-1800}
ETC_AUDIT_SUM=$(etc_audit_sum)
CLK_TCK=$(getconf CLK_TCK)
NCPU=$(nproc)
export N SETNS_N REPS PROCS LAT_N LAT_RATE NSWATCH WORK RUN_ID STORM \
	STORM_TIMEOUT ETC_AUDIT_SUM CLK_TCK NCPU

CHILD=""
top_cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
		# timeout(1) passes the signal to the configuration, whose
		# own trap stops what it started.
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

log "work directory $WORK; N=$N procs=$PROCS latency=${LAT_N}@${LAT_RATE}/s"
IFS=, read -r -a CONFIG_LIST <<< "$CONFIGS"
for ROUND in $(seq "$ROUNDS"); do
	export ROUND
	RES="$WORK/r$ROUND/results"
	for c in "${CONFIG_LIST[@]}"; do
		log "round $ROUND, configuration $c: waiting for $LOCK"
		timeout -k 60 $((CONFIG_TIMEOUT + LOCK_WAIT)) \
			flock -w "$LOCK_WAIT" "$LOCK" bash "$self" --one "$c" &
		CHILD=$!
		wait "$CHILD"
		rc=$?
		CHILD=""
		if [ ! -s "$RES/$c.env" ]; then
			mkdir -p "$RES"
			printf 'config=%s\nstatus=failed\nreason=%s\n' "$c" \
				"no result (exit $rc; lock wait or timeout)" \
				> "$RES/$c.env"
		elif ! grep -q '^status=' "$RES/$c.env"; then
			if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
				why="timed out after"
				why="$why $((CONFIG_TIMEOUT + LOCK_WAIT)) s"
			else
				why="interrupted (exit $rc)"
			fi
			printf 'status=failed\nreason=%s\n' "$why" \
				>> "$RES/$c.env"
		fi
	done
done

# ---------------------------------------------------------------------------
# report

get() {			# config key
	local v
	v=$(grep -m1 "^$2=" "$RES/$1.env" 2>/dev/null)
	echo "${v#*=}"
}

report() {
	echo "# nswatch benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "- machine: $(uname -r), $(nproc) cores," \
		"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "- nswatch: $NSWATCH" \
		"($(git -C "$srcdir" describe --always --dirty 2>/dev/null ||
			echo unknown))"
	echo "- versions: auditd $(dpkg-query -W -f='${Version}' auditd \
		2>/dev/null), laurel $(dpkg-query -W -f='${Version}' laurel \
		2>/dev/null), libbpf-tools $(dpkg-query -W -f='${Version}' \
		libbpf-tools 2>/dev/null)"
	echo "- storms: exec N=$N (fork+execve /bin/true; sequential and 2" \
		"workers), setns N=$SETNS_N (own UTS namespace), each run" \
		"$REPS times (medians of wall and storm CPU; sums of" \
		"events, consumer CPU and losses); latency $LAT_N" \
		"escape-like setns (a private mount namespace back to" \
		"the host's) at $LAT_RATE/s; $PROCS sleeping processes"
	[ "$ROUNDS" -gt 1 ] && echo "- $ROUNDS rounds: the configurations" \
		"in turn, then again; one table pair per round"
	for ROUND in $(seq "$ROUNDS"); do
		RES="$WORK/r$ROUND/results"
		echo
		[ "$ROUNDS" -gt 1 ] && { echo "## Round $ROUND"; echo; }
		report_round
	done
}

report_round() {
	local c s tick_ms
	tick_ms=$(awk -v t="$(getconf CLK_TCK)" 'BEGIN { print 1000 / t }')
	echo "| config | storm | wall s | x base | rate/s | storm CPU s |" \
		"x base | drain s | consumer CPU s | us/event | kauditd s |" \
		"delivered/generated | audit lost | others % |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for c in "${CONFIG_LIST[@]}"; do
		if [ "$(get "$c" status)" != ok ]; then
			echo "| $c | - | failed: $(get "$c" reason) |" \
				"| | | | | | | | | | | |"
			continue
		fi
		for s in exec_seq exec_par setns; do
			awk -v c="$c" -v s="$s" \
			    -v w="$(get "$c" "${s}_wall_ns")" \
			    -v b="$(get baseline "${s}_wall_ns")" \
			    -v sc="$(get "$c" "${s}_storm_cpu_ns")" \
			    -v bc="$(get baseline "${s}_storm_cpu_ns")" \
			    -v g="$(get "$c" "${s}_generated")" \
			    -v d="$(get "$c" "${s}_delivered")" \
			    -v cpu="$(get "$c" "${s}_cpu_ticks")" \
			    -v ka="$(get "$c" "${s}_kauditd_ticks")" \
			    -v l="$(get "$c" "${s}_lost")" \
			    -v r="$(get "$c" "${s}_rate")" \
			    -v dr="$(get "$c" "${s}_drain_ms")" \
			    -v ot="$(get "$c" "${s}_others_pct")" \
			    -v t="$tick_ms" \
			    -v cons="$(get "$c" consumers)" 'BEGIN {
				ratio = b > 0 ? sprintf("%.2f", w / b) : "-"
				cratio = bc > 0 ? sprintf("%.2f", sc / bc) : "-"
				cs = cpu * t / 1000
				us = g > 0 && cons != "none" ? \
					sprintf("%.1f", cs * 1e6 / g) : "-"
				dl = (d == "" || d == "na") ? "-" : d "/" g
				dd = (dr == "" || dr == "na") ? "-" : \
					sprintf("%.1f", dr / 1000)
				printf "| %s | %s | %.3f | %s | %.0f | %.3f | %s |" \
				       " %s | %s | %s | %.2f | %s | %d | %s |\n",
				       c, s, w / 1e9, ratio, r, sc / 1e9,
				       cratio, dd,
				       cons == "none" ? "-" : sprintf("%.2f", cs),
				       us, ka * t / 1000, dl, l, ot
			}'
		done
	done
	echo
	echo "| config | consumers | RSS idle MB | RSS after storms MB |" \
		"RSS with $PROCS procs MB | $PROCS procs start s |" \
		"their execs delivered |" \
		"setns->line p50 us | p99 us | max us | matched |" \
		"monitor-reported losses |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	for c in "${CONFIG_LIST[@]}"; do
		[ "$(get "$c" status)" = ok ] || continue
		local losses="-"
		if [ -n "$(get "$c" nsw_stats_lost_kernel)" ]; then
			losses="kernel $(get "$c" nsw_stats_lost_kernel),"
			losses="$losses ringbuf $(get "$c" nsw_stats_lost_ringbuf),"
			losses="$losses held $(get "$c" nsw_stats_lost_held),"
			losses="$losses seq_gaps $(get "$c" nsw_stats_seq_gaps),"
			losses="$losses output $(get "$c" nsw_stats_output_errors),"
			losses="$losses queue $(get "$c" nsw_stats_output_queue)"
		elif [ -n "$(get "$c" nsw_stats)" ]; then
			losses=$(get "$c" nsw_stats)
		elif [ -n "$(get "$c" execsnoop_lost)" ]; then
			losses="lost $(get "$c" execsnoop_lost)"
		fi
		awk -v c="$c" -v cons="$(get "$c" consumers)" \
		    -v ri="$(get "$c" rss_idle_kb)" \
		    -v ra="$(get "$c" rss_after_storms_kb)" \
		    -v rp="$(get "$c" rss_procs_kb)" \
		    -v ps="$(get "$c" procs_start_ns)" \
		    -v pd="$(get "$c" procs_delivered)" \
		    -v pg="$(get "$c" procs_started)" \
		    -v p50="$(get "$c" lat_p50_us)" \
		    -v p99="$(get "$c" lat_p99_us)" \
		    -v pmax="$(get "$c" lat_max_us)" \
		    -v lm="$(get "$c" lat_matched)" \
		    -v lg="$(get "$c" lat_generated)" \
		    -v lo="$losses" 'BEGIN {
			mb = cons == "none" ? "-" : ""
			pdl = (pd == "" || pd == "na") ? "-" : pd "/" pg
			printf "| %s | %s | %s | %s | %s | %.2f | %s | %s |" \
			       " %s | %s | %s | %s |\n", c, cons,
			       mb != "" ? mb : sprintf("%.1f", ri / 1024),
			       mb != "" ? mb : sprintf("%.1f", ra / 1024),
			       mb != "" ? mb : sprintf("%.1f", rp / 1024),
			       ps / 1e9, pdl, p50 == "" ? "-" : p50,
			       p99 == "" ? "-" : p99, pmax == "" ? "-" : pmax,
			       lg == "" ? "-" : lm "/" lg, lo
		}'
	done
	echo
	echo "others %: share of the machine's CPU (both cores) used by" \
		"processes other than the storm, the consumers and kauditd" \
		"while the storm ran (median over the runs; '-' for runs" \
		"under 0.5 s): noise from whatever else runs here."
	for c in "${CONFIG_LIST[@]}"; do
		if [ "$(get "$c" status)" != ok ] &&
		   [ -s "$WORK/r$ROUND/$c/failure.txt" ]; then
			echo
			echo "$c failed: $(get "$c" reason)"
			echo
			echo '```'
			cat "$WORK/r$ROUND/$c/failure.txt"
			echo '```'
		fi
		if [ -n "$(get "$c" rules_from)" ]; then
			echo
			echo "$c: audit rules from $(get "$c" rules_from)," \
				"$(get "$c" rules_loaded) loaded," \
				"backlog_limit $(get "$c" audit_backlog_limit)"
		elif [ "$(get "$c" audit_enabled)" = 1 ]; then
			echo
			echo "$c: $(get "$c" audit_rules) audit rules with" \
				"key nswatch, backlog_limit" \
				"$(get "$c" audit_backlog_limit)"
		fi
		if [ -n "$(get "$c" etc_audit)" ]; then
			echo
			echo "WARNING: /etc/audit changed during $c"
		fi
	done
}

report > "$WORK/report.md"
cat "$WORK/report.md"
if cp "$WORK/report.md" "$RESULTS" 2>/dev/null; then
	log "results written to $RESULTS"
else
	log "could not write $RESULTS"
fi
