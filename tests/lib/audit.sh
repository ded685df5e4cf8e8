# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034
#
# Helpers for the live audit backend's integration tests (bash; source
# after tests/lib/containers.sh, which brings TAP, nsw_lock and ct_sleep).
#
#   al_require                  skip unless root, auditctl, auditd, jq
#   al_lock                     nsw_lock + EXIT trap that also stops our
#                               monitors and auditd and restores audit
#   al_monitor NAME ARGS...     start `nswatch monitor --backend=audit`,
#                               wait for its ready file; AL_PID, AL_OUT
#                               ($AL_DIR/NAME.json), AL_LOG (NAME.log)
#   al_monitor_stop             SIGTERM, wait; returns nswatch's status
#   al_auditd NAME [PLUGIN_CONF_TEXT]
#                               start a real auditd (-n -c DIR) with its own
#                               config and plugin dir; AL_AUDITD_PID
#   al_auditd_stop
#   al_rules_ours               number of loaded rules with key nswatch
#   al_short_dir                AL_SHORT_DIR, a /tmp dir removed at exit
#   al_wait_json FILE FILTER [SECONDS]
#                               wait until a line of FILE matches the jq
#                               FILTER (used with select)
#
# The audit status (enabled, backlog limit and wait time) found at the start is put back
# at exit, auditd processes we started are stopped, and rules with key
# nswatch are removed if any are left (the tests refuse to run when such
# rules were loaded before they started).

: "${NSWATCH:=$top_builddir/nswatch}"
AL_DIR=$NSW_CT_WORK/audit
AL_PIDS=()		# nswatch monitors we started
AL_AUDITD_PIDS=()	# auditd processes we started
AL_SAVED_ENABLED=
AL_SAVED_BACKLOG=
AL_SAVED_WAIT=
AL_SHORT_DIR=		# al_short_dir
# state files of nswatch's rule ownership live here during tests
export NSWATCH_RUNTIME_DIR=$AL_DIR/run

case $(uname -m) in
x86_64) AL_FN=__x64_sys_ ;;
aarch64) AL_FN=__arm64_sys_ ;;
*) AL_FN=__$(uname -m)_sys_ ;;
esac

al_status() { auditctl -s 2>/dev/null | awk -v k="$1" '$1 == k { print $2 }'; }

al_require() {
	require_root
	require_cmd auditctl auditd jq unshare nsenter setpriv flock
	auditctl -s >/dev/null 2>&1 ||
		skip_all "the kernel's audit subsystem is not usable here"
	[ -x "$NSWATCH" ] || skip_all "no nswatch binary at $NSWATCH"
}

al_cleanup() {
	local p
	for p in "${AL_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	AL_PIDS=()
	for p in "${AL_AUDITD_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	AL_AUDITD_PIDS=()
	[ -n "$AL_SHORT_DIR" ] && rm -rf "$AL_SHORT_DIR"
	if [ -n "$AL_SAVED_ENABLED" ]; then
		# leave no key=nswatch rule behind (none existed at start)
		auditctl -D -k nswatch >/dev/null 2>&1
		auditctl -e "$AL_SAVED_ENABLED" >/dev/null 2>&1
		auditctl -b "$AL_SAVED_BACKLOG" >/dev/null 2>&1
		[ -n "$AL_SAVED_WAIT" ] &&
			auditctl --backlog_wait_time "$AL_SAVED_WAIT" >/dev/null 2>&1
	fi
}

al_lock() {
	nsw_lock
	# shellcheck disable=SC2154
	trap 'al_rc=$?; al_cleanup; (exit $al_rc); ct_cleanup_all' EXIT
	mkdir -p "$AL_DIR"
	if [ "$(al_rules_ours)" != 0 ]; then
		AL_SAVED_ENABLED=
		skip_all "rules with key nswatch are loaded on this host; the test would disturb them"
	fi
	# an earlier test's auditd plugin left its end recorded (a plugin
	# started later reports the time between): not this test's
	rm -f /run/nswatch/plugin-stopped
	AL_SAVED_ENABLED=$(al_status enabled)
	AL_SAVED_BACKLOG=$(al_status backlog_limit)
	AL_SAVED_WAIT=$(al_status backlog_wait_time)
	# A backlog_wait_time of 0 (left by an audit daemon that was killed
	# before it could restore it: nswatch sets 0 while it is the daemon)
	# makes the kernel drop records as soon as the backlog (64 by
	# default) is full, and a scenario's records would be lost before
	# any daemon runs.  Tests start from the kernel's default wait.
	[ "$AL_SAVED_WAIT" = 0 ] &&
		auditctl --backlog_wait_time 60000 >/dev/null 2>&1
	[ "$AL_SAVED_ENABLED" = 2 ] &&
		skip_all "audit configuration is locked (-e 2)"
	return 0
}

# al_short_dir: a directory with a short path (auditd skips plugin .conf
# lines longer than 160 bytes), removed at exit; sets AL_SHORT_DIR.
al_short_dir() {
	[ -n "$AL_SHORT_DIR" ] && return 0
	AL_SHORT_DIR=$(mktemp -d /tmp/nswal.XXXXXX) || return 1
}

al_rules_ours() { auditctl -l 2>/dev/null | grep -c -- '-F key=nswatch$'; }

# al_daemon_pid: the audit pid if that process is alive, else 0
al_daemon_pid() {
	local p
	p=$(al_status pid)
	if [ -n "$p" ] && [ "$p" != 0 ] && [ -d "/proc/$p" ]; then
		echo "$p"
	else
		echo 0
	fi
}

al_monitor() {
	local name=$1 i
	shift
	AL_OUT=$AL_DIR/$name.json
	AL_LOG=$AL_DIR/$name.log
	AL_READY=$AL_DIR/$name.ready
	rm -f "$AL_OUT" "$AL_LOG" "$AL_READY"
	"$NSWATCH" monitor --backend=audit --ready-file="$AL_READY" \
		--output="$AL_OUT" --stats-interval=0 "$@" 2>"$AL_LOG" &
	AL_PID=$!
	AL_PIDS+=("$AL_PID")
	for (( i = 0; i < 100; i++ )); do
		[ -s "$AL_READY" ] && return 0
		kill -0 "$AL_PID" 2>/dev/null || break
		ct_sleep 0.1
	done
	diag "nswatch did not become ready; its log:"
	diag "$(cat "$AL_LOG")"
	return 1
}

al_monitor_stop() {
	local rc
	kill -TERM "$AL_PID" 2>/dev/null
	wait "$AL_PID"
	rc=$?
	AL_PIDS=("${AL_PIDS[@]/$AL_PID}")
	return $rc
}

# al_auditd NAME [PLUGIN_CONF_TEXT]: auditd with config dir $AL_DIR/NAME
al_auditd() {
	local dir=$AL_DIR/$1 i
	mkdir -p "$dir/plugins.d" "$dir/log"
	cat >"$dir/auditd.conf" <<-EOF
	local_events = yes
	write_logs = yes
	log_file = $dir/log/audit.log
	log_group = root
	log_format = RAW
	flush = INCREMENTAL_ASYNC
	freq = 50
	max_log_file = 8
	num_logs = 2
	priority_boost = 0
	name_format = NONE
	max_log_file_action = ROTATE
	space_left = 2
	space_left_action = IGNORE
	admin_space_left = 1
	admin_space_left_action = IGNORE
	disk_full_action = IGNORE
	disk_error_action = IGNORE
	use_libwrap = no
	tcp_listen_queue = 5
	tcp_max_per_addr = 1
	tcp_client_max_idle = 0
	transport = TCP
	distribute_network = no
	q_depth = 2000
	overflow_action = SYSLOG
	max_restarts = 2
	plugin_dir = $dir/plugins.d
	end_of_event_timeout = 2
	EOF
	chmod 0640 "$dir/auditd.conf"
	if [ -n "${2:-}" ]; then
		printf '%s\n' "$2" >"$dir/plugins.d/nswatch.conf"
		chmod 0640 "$dir/plugins.d/nswatch.conf"
	fi
	auditd -n -c "$dir" >"$dir/stderr" 2>&1 9>&- &
	AL_AUDITD_PID=$!
	AL_AUDITD_PIDS+=("$AL_AUDITD_PID")
	for (( i = 0; i < 50; i++ )); do
		[ "$(al_status pid)" = "$AL_AUDITD_PID" ] && return 0
		kill -0 "$AL_AUDITD_PID" 2>/dev/null || break
		ct_sleep 0.1
	done
	diag "auditd did not start: $(cat "$dir/stderr")"
	return 1
}

al_auditd_stop() {
	local rc
	kill -TERM "$AL_AUDITD_PID" 2>/dev/null
	wait "$AL_AUDITD_PID"
	rc=$?
	AL_AUDITD_PIDS=("${AL_AUDITD_PIDS[@]/$AL_AUDITD_PID}")
	return $rc
}

al_wait_json() {
	local file=$1 filter=$2 secs=${3:-5} i
	for (( i = 0; i < secs * 10; i++ )); do
		if [ -s "$file" ] &&
		   jq -e -s "map(select($filter)) | length > 0" "$file" \
			>/dev/null 2>&1; then
			return 0
		fi
		ct_sleep 0.1
	done
	return 1
}

# al_count FILE FILTER: lines matching the jq filter
al_count() {
	jq -s "map(select($2)) | length" "$1" 2>/dev/null || echo 0
}
