#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# An exec that takes seconds (a busy host; here: held at its ptrace exec
# stop) writes its audit records stamped with the syscall's entry time,
# seconds before the records other CPUs write around them (here: setns
# calls every ~100 us while the held execs are let go).  libauparse
# completed such an event as soon as a record two seconds newer arrived:
# the SYSCALL record went out alone (an exec line without its arguments)
# and the EXECVE, CWD, PATH records after it as a fragment nobody counted
# (41 execs of a 100 000-process storm went missing that way).  As the
# audit daemon (netlink) nswatch completes events by their arrival, so
# every held exec keeps its arguments; on the plugin source, where
# auditd's text stream goes to libauparse as it is, a split event is
# counted in parse_errors.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=tests/lib/audit.sh
. "$top_srcdir/tests/lib/audit.sh"

SLOW=$top_builddir/tests/helpers/nsw-slowexec
N=12

al_require
[ -x "$SLOW" ] ||
	skip_all "test helpers not built (make check builds them)"
al_lock
[ "$(al_daemon_pid)" = 0 ] ||
	skip_all "an audit daemon runs: the netlink source is not possible"

# --- netlink: held execs keep their records -------------------------------
MARK=nswslow$$
al_monitor netlink --audit-source=netlink
ok $? "nswatch is the audit daemon" || bail_out "no monitor"
"$SLOW" "$N" 2500 20 "$MARK" >"$AL_DIR/slow.out" 2>"$AL_DIR/slow.err"
ok $? "$N execs held 2.5 s at their exec stop, let go amid fresh records" ||
	diag "$(cat "$AL_DIR/slow.err")"
# their lines, by the marker in their arguments
count_marker() {
	grep -c -E "\"process_exec\".*\"arguments\":\"$1[ \"]" "$2"
}
for (( i = 0; i < 50; i++ )); do
	[ "$(count_marker "$MARK-$((N - 1))" "$AL_OUT")" -ge 1 ] && break
	ct_sleep 0.2
done
missing=()
for (( i = 0; i < N; i++ )); do
	n=$(count_marker "$MARK-$i" "$AL_OUT")
	[ "$n" = 1 ] || missing+=("$MARK-$i:$n")
done
is "${#missing[@]}" 0 "every exec's line carries its arguments" ||
	diag "lines per marker: ${missing[*]}; $(grep -c '"process_exec"' "$AL_OUT") exec lines"

al_monitor_stop
is $? 0 "the monitor exits 0"
grep -q 'lost: kernel 0, .*parse errors 0$' "$AL_LOG"
ok $? "nothing lost, no event came in pieces" ||
	diag "$(grep 'stopped:' "$AL_LOG")"

# --- plugin: a split event is counted -------------------------------------
# Event 910 entered at T; a record of event 911, stamped T + 2.6 s, came
# between its SYSCALL record and the rest: libauparse completes 910
# without them.
T=$(date +%s)
{
	cat <<-EOF2
	type=SYSCALL msg=audit($T.500:910): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=999990 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="true" exe="/usr/bin/true" key="nswatch_exec"
	type=SYSCALL msg=audit($((T + 3)).100:911): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=999991 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="true" exe="/usr/bin/true" key="nswatch_exec"
	type=EXECVE msg=audit($T.500:910): argc=2 a0="true" a1="$MARK-a"
	type=CWD msg=audit($T.500:910): cwd="/"
	type=PATH msg=audit($T.500:910): item=0 name="/bin/true" inode=1 dev=00:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0
	type=EOE msg=audit($T.500:910):
	type=EXECVE msg=audit($((T + 3)).100:911): argc=2 a0="true" a1="$MARK-b"
	type=EOE msg=audit($((T + 3)).100:911):
	EOF2
	sleep 2
} | "$NSWATCH" monitor --backend=audit --audit-source=plugin \
	--output="$AL_DIR/plugin.json" --stats-interval=0 \
	2>"$AL_DIR/plugin.log" 9>&-
is $? 0 "plugin: the monitor exits 0 at the end of its input"
is "$(count_marker "$MARK-b" "$AL_DIR/plugin.json")" 1 \
	"plugin: the whole event's line is there"
grep -q 'parse errors 1$' "$AL_DIR/plugin.log"
ok $? "plugin: the split event is counted (parse errors 1)" ||
	diag "$(cat "$AL_DIR/plugin.log")"
grep -q 'came after it was completed' "$AL_DIR/plugin.log"
ok $? "plugin: and said once" 

done_testing
