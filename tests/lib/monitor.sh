# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Starting and stopping `nswatch monitor` in tests, and querying its JSON
# output (bash; source after tests/lib/containers.sh, with nsw_lock held).
#
#   mon_config_ok CONFIG        0 when CONFIG can run here (else prints why)
#   mon_start CONFIG OUT        start monitoring, wait for readiness
#   mon_stop                    SIGTERM, wait, report the exit status
#   mon_events OUT PID...       event lines of those pids, in output order
#   mon_has OUT PIDS FILTER     some event of PIDS satisfies a jq FILTER
# MON_EXTRA_ARGS (an array) adds options to the monitor's command line.
#
# CONFIG is one of
#   bpf              --backend=bpf
#   bpf-enforce      --backend=bpf --enforce (SIGKILL on setns to the host)
#   bpf-policy       --backend=bpf --policy "$MON_POLICY" (caller sets
#                    MON_POLICY to a policy file, e.g. with action=kill)
#   audit-netlink    --backend=audit --audit-source=netlink (no auditd)
#   audit-multicast  --backend=audit --audit-source=multicast beside a real
#                    auditd started here (and stopped by mon_stop)
#   fallback         --backend=auto --btf <missing file>: must fall back to
#                    the audit backend

MON_PID=
MON_AUDITD=0
MON_EXTRA_ARGS=()	# more monitor options, set by the caller
MON_ERR=

# _mon_auditd_stop: stop an auditd we started, restore rules state.
_mon_auditd_stop() {
	local p n=100
	[ "$MON_AUDITD" = 1 ] || return 0
	p=$(pgrep -x auditd | head -n 1)
	if [ -n "$p" ]; then
		kill -TERM "$p" 2>/dev/null
		while kill -0 "$p" 2>/dev/null && [ "$n" -gt 0 ]; do
			ct_sleep 0.05
			n=$((n - 1))
		done
		kill -KILL "$p" 2>/dev/null
	fi
	MON_AUDITD=0
}

# _mon_auditd_start: start Debian's auditd with its default config and
# no rules of its own (ours come from nswatch).
_mon_auditd_start() {
	local n=100
	pgrep -x auditd >/dev/null && return 0
	/sbin/auditd || return 1
	MON_AUDITD=1
	while [ "$n" -gt 0 ]; do
		if auditctl -s 2>/dev/null | grep -q '^pid [1-9]'; then
			return 0
		fi
		ct_sleep 0.05
		n=$((n - 1))
	done
	return 1
}

mon_config_ok() {
	case $1 in
	bpf|bpf-enforce|bpf-policy)
		[ -r /sys/kernel/btf/vmlinux ] || { echo "no BTF"; return 1; }
		"$NSWATCH" probe --backend=bpf >/dev/null 2>&1 ||
			{ echo "eBPF backend unusable: $("$NSWATCH" probe --backend=bpf 2>&1 | tail -n 1)"; return 1; }
		;;
	audit-netlink|fallback)
		command -v auditctl >/dev/null || { echo "needs auditctl (auditd package)"; return 1; }
		if pgrep -x auditd >/dev/null; then
			echo "an auditd is running (netlink mode replaces it)"
			return 1
		fi
		;;
	audit-multicast)
		[ -x /sbin/auditd ] || { echo "needs auditd"; return 1; }
		;;
	*) echo "unknown config $1"; return 1 ;;
	esac
	return 0
}

# mon_start CONFIG OUT: start the monitor writing JSON to OUT; stderr goes
# to OUT.err.  Returns non-zero if it does not become ready in 30 s.
mon_start() {
	local cfg=$1 out=$2 ready=$2.ready args=()
	MON_ERR=$out.err
	rm -f "$out" "$ready"
	case $cfg in
	bpf) args=(--backend=bpf) ;;
	bpf-enforce) args=(--backend=bpf --enforce) ;;
	bpf-policy) args=(--backend=bpf --policy "$MON_POLICY") ;;
	audit-netlink) args=(--backend=audit --audit-source=netlink) ;;
	audit-multicast)
		_mon_auditd_start || { echo "cannot start auditd" >&2; return 1; }
		args=(--backend=audit --audit-source=multicast) ;;
	fallback) args=(--backend=auto --btf "$NSW_CT_WORK/no-such-btf") ;;
	esac
	args+=("${MON_EXTRA_ARGS[@]}")
	"$NSWATCH" monitor "${args[@]}" --output "$out" --ready-file "$ready" \
		--stats-interval 0 --node-name nswtest-node \
		--cluster-name nswtest 2>"$MON_ERR" &
	MON_PID=$!
	NSW_CT_BGPIDS+=("$MON_PID")
	if ! ct_wait_ready "$MON_PID" "$ready"; then
		echo "monitor ($cfg) not ready; stderr:" >&2
		sed 's/^/#   /' "$MON_ERR" >&2
		mon_stop >/dev/null 2>&1
		return 1
	fi
	return 0
}

# mon_stop: SIGTERM the monitor, wait up to 20 s; sets MON_RC to its exit
# status.  Call it directly, not in $(...): only this shell can wait for it.
MON_RC=
mon_stop() {
	local n=400 rc
	[ -n "$MON_PID" ] || { MON_RC=255; return 1; }
	kill -TERM "$MON_PID" 2>/dev/null
	while kill -0 "$MON_PID" 2>/dev/null && [ "$n" -gt 0 ]; do
		ct_sleep 0.05
		n=$((n - 1))
	done
	if kill -0 "$MON_PID" 2>/dev/null; then
		kill -KILL "$MON_PID" 2>/dev/null
		wait "$MON_PID" 2>/dev/null
		rc=254
	else
		wait "$MON_PID"
		rc=$?
	fi
	MON_PID=
	_mon_auditd_stop
	MON_RC=$rc
}

# mon_events OUT PID...: compact event lines (exec, kprobe, exit) whose
# process pid is one of PIDs, in output order.
mon_events() {
	local out=$1
	shift
	jq -c --arg pids " $* " '
		(.process_exec // .process_kprobe // .process_exit) as $e
		| select($e != null)
		| select($pids | contains(" \($e.process.pid) "))' "$out"
}

# mon_has OUT PIDS FILTER: some event line of one of PIDS (a list split at
# spaces) satisfies the jq FILTER, in which $e is the event body (exec,
# kprobe or exit) and . the whole line.
mon_has() {
	# shellcheck disable=SC2086
	mon_events "$1" $2 | jq -e -s "
		map((.process_exec // .process_kprobe // .process_exit) as \$e
		    | select($3)) | length > 0" >/dev/null
}
