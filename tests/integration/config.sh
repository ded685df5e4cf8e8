#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch.conf end to end: `nswatch config check` (exit status, FILE:LINE
# messages, values refused by the monitor's own parser, the refusal of a
# file root does not own or others may write), `config show` and `config
# get` (value and source of every option), the shipped sample (every
# option, all at their defaults, valid once uncommented), and a real
# monitor started with only --config FILE: it writes where the file says,
# names events as the file says, and the command line wins over the file.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"

require_root
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
# files and refused starts first; the lock only for the monitor runs
W=$NSW_CT_WORK
{ mkdir -p "$W" && chmod 0755 "$W"; } || bail_out "cannot create $W"
trap 'rm -rf "$W"' EXIT

# conf NAME LINES...: $W/NAME.conf, root's, mode 0644
conf() {
	local f=$W/$1.conf
	shift
	printf '%s\n' "$@" >"$f"
	chmod 0644 "$f"
	echo "$f"
}
# check FILE: runs `config check FILE`; sets RC and ERR
check() {
	ERR=$("$NSWATCH" config check "$1" 2>&1 >/dev/null)
	RC=$?
}

# ---- config check ----------------------------------------------------
f=$(conf good '# comment' '' 'output = /tmp/x.json   # where' \
	'  cluster-name = "prod #1"' 'enforce = yes' 'alerts-only = false')
out=$("$NSWATCH" config check "$f" 2>&1)
ok $? "check: a good file passes" || diag "$out"
is "$out" "$f: ok (4 settings)" "check: says so"

f=$(conf unknown 'output = /x' '# c' 'outptu = /y')
check "$f"
is "$RC" 2 "check: unknown key exits 2"
is "$ERR" "nswatch monitor: $f:3: unknown setting 'outptu'" "check: unknown key names FILE:LINE"

f=$(conf syntax 'format json')
check "$f"
is "$RC" 2 "check: a line without = exits 2"
is "$ERR" "nswatch monitor: $f:1: expected \`format = value\`" "check: ... FILE:LINE"

f=$(conf badflag '' '' 'alerts-only = maybe')
check "$f"
is "$RC" 2 "check: flag not yes/no exits 2"
is "$ERR" "nswatch monitor: $f:3: alerts-only takes yes, no, true or false" "check: ... FILE:LINE"

# values go through the monitor's own option parser
f=$(conf badvalue 'output = /x' 'output-queue = 5000' 'format = json')
check "$f"
is "$RC" 2 "check: a value the option refuses exits 2"
grep -q -- "--output-queue takes MiB from 0 to 1024 (got '5000')" <<<"$ERR"
ok $? "check: ... with the option's own message" || diag "$ERR"
grep -qx "nswatch monitor: $f:2: bad value for 'output-queue'" <<<"$ERR"
ok $? "check: ... and the line it came from" || diag "$ERR"

f=$(conf badbackend '# c' 'backend = ebpf')
check "$f"
is "$RC" 2 "check: bad backend exits 2"
grep -qx "nswatch monitor: $f:2: bad value for 'backend'" <<<"$ERR"
ok $? "check: ... names its line" || diag "$ERR"

f=$(conf exclusive 'host-only = yes' 'containers-only = yes')
check "$f"
is "$RC" 2 "check: options that exclude each other exit 2"
grep -qx "nswatch monitor: $f:2: bad value for 'containers-only'" <<<"$ERR"
ok $? "check: ... names the second line" || diag "$ERR"

f=$(conf meta 'config = /etc/other.conf')
check "$f"
is "$RC" 2 "check: config inside a config file is refused"

check "$W/missing.conf"
is "$RC" 2 "check: a missing FILE exits 2"
grep -q "$W/missing.conf: No such file" <<<"$ERR"
ok $? "check: ... and says so" || diag "$ERR"

# longer than any line the parser takes: refused with its line, bounded
f=$(conf long 'format = json')
{ printf 'cluster-name = '; head -c 5000 /dev/zero | tr '\0' x; echo; } >>"$f"
check "$f"
is "$RC" 2 "check: an overlong line exits 2"
is "$ERR" "nswatch monitor: $f:2: line longer than 4096 bytes" "check: ... FILE:LINE"

# ---- permissions: a root daemon's settings are root's alone ----------
f=$(conf perm 'format = json')
chmod 0664 "$f"
check "$f"
is "$RC" 2 "perm: a group-writable file is refused"
grep -q "refused: writable by its group (mode 0664;.*running as root" <<<"$ERR"
ok $? "perm: ... saying why" || diag "$ERR"
chmod 0646 "$f"
check "$f"
grep -q "refused: writable by others (mode 0646" <<<"$ERR"
ok $? "perm: a world-writable file is refused" || diag "$ERR"
chmod 0644 "$f"
chown 65534 "$f"
check "$f"
is "$RC" 2 "perm: a file not owned by root is refused"
grep -q "refused: owned by uid 65534, not root" <<<"$ERR"
ok $? "perm: ... saying why" || diag "$ERR"
timeout 20 "$NSWATCH" monitor --config "$f" --output "$W/perm.out" \
	--ready-file "$W/perm.ready" 2>"$W/perm.err"
is "$?" 2 "perm: the monitor does not start with it"
[ ! -e "$W/perm.ready" ] && [ ! -e "$W/perm.out" ]
ok $? "perm: ... before opening anything"
chown 0 "$f"
ln -s "$f" "$W/link.conf"
check "$W/link.conf"
is "$RC" 0 "perm: a symbolic link to a good file is followed (ConfigMaps)"

# ---- config show / get ------------------------------------------------
f=$(conf show 'output = /tmp/from-file.json' 'cluster-name = filecl' \
	'stats-interval = 5' 'stats-interval = 7' 'enforce = yes' \
	'alerts-only = no')
show=$("$NSWATCH" config show --config "$f" --stats-interval 9 \
	--format=compact 2>&1)
ok $? "show: exits 0" || diag "$show"
row() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ +/, ""); print }' <<<"$show"; }
is "$(row output)" "/tmp/from-file.json $f:1" "show: a value from the file names FILE:LINE"
is "$(row cluster-name)" "filecl $f:2" "show: cluster-name from the file"
is "$(row stats-interval)" "9 command line" "show: the command line wins over the file"
is "$(row format)" "compact command line" "show: --key=value form on the command line"
is "$(row enforce)" "yes $f:5" "show: a flag from the file"
is "$(row alerts-only)" "no $f:6" "show: a flag set to no in the file"
show=$("$NSWATCH" config show --config "$f" --no-enforce)
is "$(row enforce)" "no command line" "show: --no-FLAG switches off a flag of the file"
is "$(row backend)" "auto default" "show: default"
is "$(row rate-limit)" "20 default" "show: default value"
f2=$(conf show2 'stats-interval = 5' 'stats-interval = 7')
show=$("$NSWATCH" config show --config "$f2")
is "$(row stats-interval)" "7 $f2:2" "show: a repeated key: the last line wins"
is "$("$NSWATCH" config get cluster-name --config "$f")" "filecl" "get: a value from the file"
is "$("$NSWATCH" config get cluster-name --config "$f" --cluster-name=cli)" "cli" "get: the command line wins"
"$NSWATCH" config get btf --config "$f" >/dev/null
is "$?" 1 "get: exit 1 for an option left at its default"

# every option of `nswatch monitor`, in the sample at its default
show=$("$NSWATCH" config show --config "$W/good.conf")
opts=$(awk '!/^#/ { print $1 }' <<<"$show")
[ "$(wc -l <<<"$opts")" -gt 20 ]
ok $? "sample: config show lists the monitor's options"
missing=
for o in $opts; do
	grep -Eq "^#$o =( |$)" "$top_srcdir/contrib/nswatch.conf" || missing="$missing $o"
done
is "$missing" "" "sample: contrib/nswatch.conf has every option of nswatch monitor"
is "$(grep -c '(built-in)' <<<"$show")" 0 "show: every option's default is known" ||
	diag "$(grep '(built-in)' <<<"$show")"
# uncommented, the sample is valid and changes nothing
f=$W/sample.conf
sed 's/^#\([a-z-]* = .\)/\1/' "$top_srcdir/contrib/nswatch.conf" >"$f"
chmod 0644 "$f"
out=$("$NSWATCH" config check "$f" 2>&1)
ok $? "sample: every setting uncommented passes check" || diag "$out"
bad=$("$NSWATCH" config show --config "$f" | awk -v f="$f" '
	!/^#/ && $NF ~ f":" && $1 != "output" && $1 != "policy" {
		print $1 }')
show=$("$NSWATCH" config show)
differ=
for o in $bad; do
	d=$(row "$o")
	v=$("$NSWATCH" config get "$o" --config "$f")
	[ "${d% default}" = "$v" ] || differ="$differ $o=$v(default ${d% default})"
done
[ "$(wc -w <<<"$bad")" -gt 15 ]
ok $? "sample: uncommented, it sets the options ($(wc -w <<<"$bad"))"
is "$differ" "" "sample: every value in it is the default"

# ---- a monitor run by the file -----------------------------------------
nsw_lock
CFG=bpf
mon_config_ok bpf >/dev/null || CFG=audit-netlink
why=$(mon_config_ok "$CFG") || bail_out "no usable backend: $why"
case $CFG in
bpf) backend=('backend = bpf') ;;
*) backend=('backend = audit' 'audit-source = netlink') ;;
esac
# run NAME CONF [ARGS...]: monitor with only --config CONF (+ ARGS);
# waits for its ready file (named in CONF) and runs unshare -u true
run() {
	local name=$1 cf=$2 n=600 pid
	shift 2
	"$NSWATCH" monitor --config "$cf" "$@" 2>"$W/$name.err" &
	pid=$!
	NSW_CT_BGPIDS+=("$pid")
	while [ ! -e "$W/$name.ready" ] && [ "$n" -gt 0 ]; do
		kill -0 "$pid" 2>/dev/null || break
		ct_sleep 0.05
		n=$((n - 1))
	done
	[ -e "$W/$name.ready" ] || { diag "$(cat "$W/$name.err")"; kill "$pid" 2>/dev/null; wait "$pid"; return 1; }
	unshare -u true
	ct_sleep 0.5
	kill -TERM "$pid"
	wait "$pid"
}
f=$(conf run1 "${backend[@]}" "output = $W/run1.json" \
	"ready-file = $W/run1.ready" 'stats-interval = 0' \
	'cluster-name = from-file' 'format = json')
run run1 "$f"
ok $? "monitor: started with only --config FILE, stopped cleanly"
[ -s "$W/run1.json" ]
ok $? "monitor: writes to the output the file names"
grep -q '"cluster_name":"from-file"' "$W/run1.json"
ok $? "monitor: names events as the file says" ||
	diag "$(head -c 600 "$W/run1.json")"

f=$(conf run2 "${backend[@]}" "output = $W/run2-file.json" \
	"ready-file = $W/run2.ready" 'stats-interval = 0' \
	'cluster-name = from-file')
run run2 "$f" --output "$W/run2-cli.json" --cluster-name=from-cli
ok $? "monitor: --config FILE with command-line options"
[ -s "$W/run2-cli.json" ] && [ ! -e "$W/run2-file.json" ]
ok $? "monitor: the command line's --output wins over the file's"
grep -q '"cluster_name":"from-cli"' "$W/run2-cli.json" &&
	! grep -q '"cluster_name":"from-file"' "$W/run2-cli.json"
ok $? "monitor: the command line's --cluster-name wins over the file's"

timeout 20 "$NSWATCH" monitor --config "$W/missing.conf" 2>"$W/miss.err"
is "$?" 2 "monitor: a missing --config FILE is an error (exit 2)"
f=$(conf badrun 'stats-interval = 0' 'rate-limit = lots')
timeout 20 "$NSWATCH" monitor --config "$f" --ready-file "$W/bad.ready" \
	2>"$W/bad.err"
is "$?" 2 "monitor: a bad value in the file stops it (exit 2)"
grep -qx "nswatch monitor: $f:2: bad value for 'rate-limit'" "$W/bad.err"
ok $? "monitor: ... naming FILE:LINE" || diag "$(cat "$W/bad.err")"
done_testing
