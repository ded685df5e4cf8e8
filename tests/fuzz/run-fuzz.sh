#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run libFuzzer targets built by ./configure --enable-fuzzing (make fuzz).
#
#   run-fuzz.sh [-t SECONDS] [-c CORPUS_ROOT] [-a ARTIFACTS] BINDIR NAME...
#
# For each NAME, BINDIR/fuzz-NAME runs for SECONDS (default 60) over an
# empty scratch directory (where it writes what it finds) and the
# committed corpus CORPUS_ROOT/NAME (read only while it runs).  Afterwards
# `-merge=1` copies into CORPUS_ROOT/NAME only the scratch inputs that
# reach code the corpus does not, so the corpus grows by few files: edges
# only (-use_counters=0), since with hit counts nearly every input the
# fuzzer kept would count as new.
#
# A crash, leak, sanitizer report or timeout stops that target: libFuzzer
# leaves the reproducer as ARTIFACTS/NAME-crash-<sha1> (or leak-, timeout-,
# oom-), nothing is merged for it, the other targets still run, and the
# script exits 1.  Reproduce with `BINDIR/fuzz-NAME FILE`; once fixed, copy
# FILE into the corpus so the plain `make check` replays it.
#
# One line per target on stdout:
#   fuzz-NAME: ok|CRASH seconds=S runs=R corpus=BEFORE->AFTER [artifact=F]
set -u

seconds=60
corpus_root=tests/fuzz/corpus
artifacts=tests/fuzz/artifacts
while getopts 't:c:a:' opt; do
	case $opt in
	t) seconds=$OPTARG ;;
	c) corpus_root=$OPTARG ;;
	a) artifacts=$OPTARG ;;
	*) echo "usage: $0 [-t S] [-c CORPUS_ROOT] [-a ARTIFACTS] BINDIR NAME..." >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 2 ]; then
	echo "usage: $0 [-t S] [-c CORPUS_ROOT] [-a ARTIFACTS] BINDIR NAME..." >&2
	exit 2
fi
bindir=$1
shift

mkdir -p "$artifacts" || exit 1
scratch=$(mktemp -d "${TMPDIR:-/tmp}/nswatch-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# -fno-sanitize-recover makes UBSan fatal; ASan halts by default.  Leaks
# count as crashes (LeakSanitizer runs between inputs under libFuzzer).
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

count() { find "$1" -maxdepth 1 -type f ! -name '.*' | wc -l; }

status=0
for name in "$@"; do
	bin=$bindir/fuzz-$name
	corpus=$corpus_root/$name
	new=$scratch/$name
	log=$artifacts/$name.log
	if [ ! -x "$bin" ] || [ ! -d "$corpus" ]; then
		echo "fuzz-$name: missing $bin or $corpus" >&2
		status=1
		continue
	fi
	mkdir -p "$new"
	before=$(count "$corpus")
	start=$(date +%s)
	# -timeout: an input that takes 25 s is a hang worth a reproducer
	"$bin" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
		-artifact_prefix="$artifacts/$name-" "$new" "$corpus" \
		> "$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ "$rc" != 0 ]; then
		art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
		echo "fuzz-$name: CRASH seconds=$took runs=${runs:-?}" \
			"corpus=$before artifact=${art:-none} (log $log)"
		grep -m 5 -E 'ERROR|runtime error|SUMMARY' "$log" >&2
		status=1
		continue
	fi
	if ! "$bin" -merge=1 -use_counters=0 "$corpus" "$new" \
		>> "$log" 2>&1; then
		echo "fuzz-$name: merge failed (log $log)" >&2
		status=1
		continue
	fi
	echo "fuzz-$name: ok seconds=$took runs=${runs:-?}" \
		"corpus=$before->$(count "$corpus")"
done
exit "$status"
