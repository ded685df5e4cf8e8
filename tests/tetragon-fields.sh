#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every key nswatch writes outside its `nswatch` extension is a field of
# Tetragon's GetEventsResponse with the JSON type protobuf JSON gives it
# (tests/tetragon-fields.py holds the field list as facts), so
# `tetra getevents` and other protojson readers decode our lines.  Checked
# on every encoder golden file (all event kinds, hostile bytes, stats,
# throttle lines); the integration tests run the same check on live output.
# The checker itself must refuse an invented key, a wrong type, a bad enum
# name and a zero scalar, or a pass would mean nothing.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
require_cmd python3
CHK="python3 $top_srcdir/tests/tetragon-fields.py"

for f in "$top_srcdir"/tests/fixtures/encode/*.json; do
	out=$($CHK "$f" 2>/dev/null)
	ok $? "$(basename "$f"): only Tetragon fields, protojson types"
	[ -n "$out" ] && diag "$out"
done

base=$(head -n 1 "$top_srcdir/tests/fixtures/encode/kprobe-setns-escape.json")
# neg NAME JQ-FILTER: the doctored line must be refused
neg() {
	local line
	line=$(jq -c "$2" <<<"$base") || { ok 1 "$1 (jq)"; return; }
	! $CHK - <<<"$line" >/dev/null 2>&1
	ok $? "refused: $1"
}
neg "a key invented in process" '.process_kprobe.process.container_name = "x"'
neg "a top-level key other than nswatch" '.nswatch_verdict = "x"'
neg "pid as a string" '.process_kprobe.process.pid = "12"'
neg "inum as a string" '.process_kprobe.process.ns.mnt.inum = "4026531841"'
neg "an unknown action name" '.process_kprobe.action = "POST"'
neg "a capability named with CAP_ for value 1" \
	'.process_kprobe.process.cap = {"effective":["CAP_DAC_OVERRIDE"]}'
neg "a timestamp with 2 fraction digits" '.time = "2026-01-30T18:15:20.12Z"'
neg "a timestamp with an offset" '.time = "2026-01-30T18:15:20+01:00"'
neg "a zero plain scalar" '.process_kprobe.process.ns.mnt.is_host = false'
neg "two members of KprobeArgument" '.process_kprobe.args[0].uint_arg = 3'
neg "a second event key" '.process_exit = {}'
$CHK - <<<"$base" >/dev/null 2>&1
ok $? "the undoctored line passes"
done_testing
