#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `nswatch replay` on the audit fixtures (tests/fixtures/audit): the event
# stream of an nsenter escape from raw, ENRICHED and `ausearch -i` input
# (must be identical), stdin, rotated logs split inside an event, failed
# setns, i386/aarch64 records, fork/exit ancestry, skipped lines and exit
# statuses, --output/--stats/filters, and every recording made on this
# machine (real-*.log: valid JSON, nothing skipped), a reader that quits
# early (| head), and `nswatch policy check` on allow lines that match
# everything.  Needs jq; no root.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"

require_cmd jq
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"

FX=$top_srcdir/tests/fixtures/audit
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nswatch-replay.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# ausearch -i fixtures were produced with TZ=UTC
export TZ=UTC
R() { "$NSWATCH" replay --node-name replay-node "$@"; }

# -- the escape, raw ----------------------------------------------------------
R "$FX/escape-nsenter.log" >"$WORK/raw.json" 2>"$WORK/raw.err"
is "$?" 0 "replay of the raw escape log exits 0"
is "$(wc -l <"$WORK/raw.json")" 7 "7 events: exec, 5 setns, exec"
is "$(jq -s 'map(select(.process_kprobe)) | length' "$WORK/raw.json")" 5 \
	"five process_kprobe events"
is "$(jq -r 'select(.process_kprobe) | .nswatch.ns_types[]' "$WORK/raw.json" |
	tr '\n' ' ')" "ipc uts net pid mnt " \
	"setns namespaces in nsenter's order"
is "$(jq -r 'select(.process_kprobe) | .process_kprobe.function_name' \
	"$WORK/raw.json" | sort -u)" "__x64_sys_setns" "function_name"
is "$(jq -r 'select(.process_kprobe) | .process_kprobe.args[1].int_arg' \
	"$WORK/raw.json" | tr '\n' ' ')" \
	"134217728 67108864 1073741824 536870912 131072 " "nstype arguments"
is "$(jq -r 'select(.process_kprobe) | .process_kprobe.return.int_arg' \
	"$WORK/raw.json" | sort -u)" 0 "setns returned 0"
is "$(jq -r '.nswatch.backend' "$WORK/raw.json" | sort -u)" replay \
	"backend is replay"
is "$(jq -r '.node_name' "$WORK/raw.json" | sort -u)" replay-node \
	"--node-name"
is "$(jq -r '.cluster_name' "$WORK/raw.json" | sort -u)" default \
	"cluster_name defaults to default"
is "$(jq -r 'select(.process_exec) | .process_exec.process.binary' \
	"$WORK/raw.json" | head -1)" /usr/bin/nsenter "exec binary"
is "$(jq -r 'select(.process_exec) | .process_exec.process.arguments' \
	"$WORK/raw.json" | head -1)" '-t 1 -m -u -i -n -p -- sh -c "cat /etc/shadow"' \
	"exec arguments, quoted as the schema says"
is "$(jq -r 'select(.process_exec) | .time' "$WORK/raw.json" | head -1)" \
	2024-11-23T10:00:00.101Z "time from the audit stamp"
is "$(jq -r 'select(.process_exec) | .process_exec.parent.pid // empty' \
	"$WORK/raw.json" | tail -1)" 52311 "sh's parent is the nsenter process"
ok "$(jq -e . "$WORK/raw.json" >/dev/null; echo $?)" "every line is JSON"

# -- the same escape as ENRICHED and as ausearch -i: same events -------------
R "$FX/enriched.log" >"$WORK/enriched.json" 2>/dev/null
ok "$(cmp -s "$WORK/raw.json" "$WORK/enriched.json"; echo $?)" \
	"ENRICHED log gives the same events"
R "$FX/ausearch-i-escape-nsenter.log" >"$WORK/interp.json" 2>"$WORK/interp.err"
ok "$(cmp -s "$WORK/raw.json" "$WORK/interp.json"; echo $?)" \
	"ausearch -i output gives the same events" ||
	diag "$(diff "$WORK/raw.json" "$WORK/interp.json" | head -5)"
grep -q '24 records (24 from ausearch -i)' "$WORK/interp.err"
ok $? "summary counts the interpreted records"

# -- stdin, "-", and a rotated log split inside an event ---------------------
R <"$FX/escape-nsenter.log" >"$WORK/stdin.json" 2>/dev/null
ok "$(cmp -s "$WORK/raw.json" "$WORK/stdin.json"; echo $?)" "stdin"
R - <"$FX/escape-nsenter.log" >"$WORK/dash.json" 2>/dev/null
ok "$(cmp -s "$WORK/raw.json" "$WORK/dash.json"; echo $?)" '"-" is stdin'
head -n 3 "$FX/escape-nsenter.log" >"$WORK/audit.log.1"
tail -n +4 "$FX/escape-nsenter.log" >"$WORK/audit.log"
R "$WORK/audit.log.1" "$WORK/audit.log" >"$WORK/rot.json" 2>/dev/null
ok "$(cmp -s "$WORK/raw.json" "$WORK/rot.json"; echo $?)" \
	"an event split across two files is joined"
head -c 1000 "$FX/escape-nsenter.log" >"$WORK/cut.1"
tail -c +1001 "$FX/escape-nsenter.log" >"$WORK/cut.2"
R "$WORK/cut.1" "$WORK/cut.2" >"$WORK/cut.json" 2>"$WORK/cut.err"
is "$?" 0 "a file ending in the middle of a line is accepted"
is "$(wc -l <"$WORK/cut.json")" 7 "... with the cut line counted as one line of each file"

# -- failed setns, unshare, clone, arches -------------------------------------
R "$FX/real-nsenter-eperm.log" >"$WORK/eperm.json" 2>/dev/null
is "$(jq -r 'select(.process_kprobe) | [.nswatch.success, .process_kprobe.return.int_arg, .process_kprobe.process.uid] | @tsv' \
	"$WORK/eperm.json" | sort -u)" "$(printf 'false\t-1\t65534')" \
	"recorded EPERM setns as nobody: success false, return -1, uid 65534"
R "$FX/real-unshare-user.log" >"$WORK/unshare.json" 2>/dev/null
is "$(jq -r 'select(.process_kprobe) | [.process_kprobe.function_name, (.nswatch.ns_types | join(",")), .nswatch.verdict] | @tsv' \
	"$WORK/unshare.json")" "$(printf '__x64_sys_unshare\tuser\tnew_namespace')" \
	"recorded unshare -U"
R "$FX/real-clone-newns.log" >"$WORK/clone.json" 2>/dev/null
is "$(jq -r 'select(.process_kprobe) | [.process_kprobe.function_name, .process_kprobe.args[0].int_arg, (.nswatch.ns_types | join(","))] | @tsv' \
	"$WORK/clone.json")" "$(printf '__x64_sys_clone\t131089\tmnt')" \
	"recorded clone(CLONE_NEWNS|SIGCHLD)"
R "$FX/real-int80.log" >"$WORK/int80.json" 2>/dev/null
is "$(jq -r 'select(.process_kprobe) | [.nswatch.syscall, .nswatch.success] | @tsv' \
	"$WORK/int80.json" | tr '\n' ' ')" "$(printf 'unshare\ttrue setns\tfalse ')" \
	"recorded 32-bit (int 0x80) unshare and setns from a 64-bit process"
R "$FX/arches.log" >"$WORK/arches.json" 2>/dev/null
is "$(jq -s 'map(select(.nswatch.syscall == "setns")) | length' \
	"$WORK/arches.json")" 5 \
	"setns: i386 346 twice, aarch64 268, arm 375, ppc64le 350; not aarch64 308, x86_64 346"
is "$(jq -r 'select(.nswatch.syscall == "clone") | .process_kprobe.args[0].int_arg' \
	"$WORK/arches.json" | tr '\n' ' ')" "536870929 1073741841 536870929 " \
	"clone flags: i386 and aarch64 from a0, s390x from a1"
R "$FX/real-busybox-sh-nsenter.log" >"$WORK/bb.json" 2>/dev/null
is "$(jq -r 'select(.process_exec.process.arguments == "-t 2 -m -u true") | .process_exec.process.binary' \
	"$WORK/bb.json")" /usr/bin/busybox \
	"busybox ash applet exec (/proc/self/exe): binary is busybox"
is "$(jq -s 'map(select(.process_kprobe)) | length' "$WORK/bb.json")" 2 \
	"busybox nsenter's two setns calls"

# -- fork and exit_group give ancestry and exits ------------------------------
R "$FX/real-fork-exit.log" >"$WORK/fork.json" 2>/dev/null
is "$(jq -r 'select(.process_exit) | "\(.process_exit.process.pid)/\(.process_exit.parent.pid // 0)/\(.process_exit.status // 0)"' \
	"$WORK/fork.json" | sort | tr '\n' ' ')" "8994/0/3 8995/8994/0 8996/8994/0 " \
	"forked children exit with their parent known; the helper exits 3"

# -- skipped lines, exit statuses ------------------------------------------------
R --stats "$FX/garbage.log" >"$WORK/garbage.json" 2>"$WORK/garbage.err"
is "$?" 0 "malformed lines: still exit 0"
grep -q 'garbage.log:1: not an audit record' "$WORK/garbage.err"
ok $? "skipped line reported as FILE:LINE"
grep -q '4 lines skipped' "$WORK/garbage.err"
ok $? "summary counts the skipped lines"
is "$(jq -s 'map(select(.nswatch_stats | not)) | length' "$WORK/garbage.json")" \
	4 "the good records still give events"
is "$(jq -r 'select(.nswatch_stats) | .nswatch_stats.parse_errors // .nswatch_stats.lost.parse_errors // empty' \
	"$WORK/garbage.json")" 6 "--stats: 4 lines + 2 malformed events"
{
	head -n 2 "$FX/escape-nsenter.log"
	head -c 70000 /dev/zero | tr '\0' x
	echo
	tail -n +3 "$FX/escape-nsenter.log"
} >"$WORK/long.log"
R "$WORK/long.log" >"$WORK/long.json" 2>"$WORK/long.err"
is "$?" 0 "a 70000-byte line does not stop the replay"
grep -q 'long.log:3: line longer than 65536 bytes' "$WORK/long.err"
ok $? "... and is reported"
ok "$(cmp -s "$WORK/raw.json" "$WORK/long.json"; echo $?)" \
	"... and the other lines give the same events"

R "$FX/escape-nsenter.log" /nonexistent/audit.log >"$WORK/missing.json" 2>"$WORK/missing.err"
is "$?" 2 "a missing file: exit 2"
is "$(wc -c <"$WORK/missing.json")" 0 "... before any event is written"
grep -q 'cannot read /nonexistent/audit.log' "$WORK/missing.err"
ok $? "... with the file named"
R "$FX" >/dev/null 2>"$WORK/dir.err"
is "$?" 2 "a directory: exit 2"
R --no-such-option "$FX/escape-nsenter.log" >/dev/null 2>&1
is "$?" 2 "an unknown option: exit 2"
R --format yaml "$FX/escape-nsenter.log" >/dev/null 2>&1
is "$?" 2 "a bad --format: exit 2"
"$NSWATCH" replay --help | grep -q -- '--stats'
ok $? "--help documents --stats"
"$NSWATCH" replay --help | grep -q -- '--event-types'
ok $? "--help documents the filters"

# -- --output, --format compact, filters, --cluster-name ---------------------
R --output "$WORK/out.json" "$FX/escape-nsenter.log" >"$WORK/stdout.json" 2>/dev/null
ok "$(cmp -s "$WORK/raw.json" "$WORK/out.json"; echo $?)" "--output FILE"
is "$(wc -c <"$WORK/stdout.json")" 0 "... and nothing on stdout"
for v in 0 1 4096; do
	R --output "$WORK/fa$v.json" --output-flush-after "$v" \
		"$FX/escape-nsenter.log" 2>/dev/null
	ok "$(cmp -s "$WORK/raw.json" "$WORK/fa$v.json"; echo $?)" \
		"--output-flush-after $v writes the same lines"
done
for v in -1 abc 4097 ''; do
	R --output "$WORK/bad.json" --output-flush-after "$v" \
		"$FX/escape-nsenter.log" >/dev/null 2>"$WORK/fa.err"
	is "$?" 2 "--output-flush-after '$v' is a usage error"
	grep -q 'output-flush-after takes MiB' "$WORK/fa.err"
	ok $? "... and says what it takes"
done
"$NSWATCH" replay --help | grep -q -- '--output-flush-after MIB'
ok $? "--help documents --output-flush-after"
R --event-types kprobe "$FX/escape-nsenter.log" >"$WORK/k.json" 2>/dev/null
is "$(jq -s 'map(select(.process_kprobe)) | length' "$WORK/k.json")/$(wc -l <"$WORK/k.json")" \
	5/5 "--event-types kprobe"
R --cluster-name prod "$FX/escape-nsenter.log" 2>/dev/null |
	jq -r .cluster_name | sort -u >"$WORK/cl"
is "$(cat "$WORK/cl")" prod "--cluster-name"
R --format compact "$FX/escape-nsenter.log" >"$WORK/compact" 2>/dev/null
is "$(grep -c setns "$WORK/compact")" 5 "--format compact"

# -- every recording from this machine ------------------------------------------
for f in "$FX"/real-*.log; do
	n=$(basename "$f")
	R "$f" >"$WORK/r.json" 2>"$WORK/r.err"
	rc=$?
	lines=$(wc -l <"$WORK/r.json")
	jq -e . "$WORK/r.json" >/dev/null 2>&1
	json=$?
	grep -q ' 0 malformed; 0 lines skipped' "$WORK/r.err"
	clean=$?
	ok $((rc + json + clean + (lines == 0))) \
		"$n: exit 0, $lines JSON events, nothing skipped" ||
		diag "$(cat "$WORK/r.err")"
done

# -- a reader that quits early (| head) ----------------------------------------
# 3000 execs: far more than a pipe holds, so the reader quits long before
# the end; replay ends by SIGPIPE, quietly (141), also when its parent
# left SIGPIPE ignored
awk 'BEGIN { for (i = 1; i <= 3000; i++) {
	m = sprintf("msg=audit(1732356050.%03d:%d):", i % 1000, 80000 + i)
	printf "type=SYSCALL %s arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=%d auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"true\" exe=\"/usr/bin/true\" key=\"nswatch_exec\"\n", m, 10000 + i
	printf "type=EXECVE %s argc=2 a0=\"true\" a1=\"n%d\"\ntype=EOE %s\n", m, i, m
} }' >"$WORK/many.log"
R "$WORK/many.log" 2>/dev/null | wc -l >"$WORK/many.n"
is "$(cat "$WORK/many.n")" 3000 "3000 exec events to read"
for how in default ignored; do
	if [ $how = default ]; then
		R "$WORK/many.log" 2>"$WORK/head.err" | head -n 1 >"$WORK/head.out"
		rc=${PIPESTATUS[0]}
	else
		(trap '' PIPE
		 R "$WORK/many.log" 2>"$WORK/head.err" | head -n 1 >"$WORK/head.out"
		 exit "${PIPESTATUS[0]}")
		rc=$?
	fi
	ok "$([ "$rc" = 141 ] && [ ! -s "$WORK/head.err" ] &&
		jq -e .process_exec "$WORK/head.out" >/dev/null; echo $?)" \
		"| head -n 1 with SIGPIPE $how: replay ends quietly with 141 (got $rc)" ||
		diag "$(cat "$WORK/head.err")"
done

# -- nswatch policy check: an allow line that matches everything ---------------
printf 'allow binary=/usr/sbin/runc\nallow rule=* binary=*\n' >"$WORK/broad.conf"
"$NSWATCH" policy check "$WORK/broad.conf" >"$WORK/pc.out" 2>"$WORK/pc.err"
rc=$?
grep -q 'broad.conf:2: warning: allow line matches every process' "$WORK/pc.err"
warned=$?
ok "$([ "$rc" = 0 ] && [ "$warned" = 0 ]; echo $?)" \
	"policy check warns on 'allow rule=* binary=*' (line 2), exit $rc" ||
	diag "$(cat "$WORK/pc.err" "$WORK/pc.out")"
R --policy "$WORK/broad.conf" "$FX/escape-nsenter.log" >/dev/null 2>"$WORK/pb.err"
grep -q 'warning: policy .*broad.conf:2: allow line matches every process' \
	"$WORK/pb.err"
ok $? "...and so does loading it (replay, monitor)"
printf 'allow binary=/usr/sbin/runc\n' >"$WORK/narrow.conf"
"$NSWATCH" policy check "$WORK/narrow.conf" >/dev/null 2>"$WORK/pn.err"
ok "$([ $? = 0 ] && [ ! -s "$WORK/pn.err" ]; echo $?)" \
	"...but not on a narrow one"

done_testing
