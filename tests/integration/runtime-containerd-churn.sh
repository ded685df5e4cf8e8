#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runtime state rewritten and deleted under nswatch's feet: containers of
# our own containerd (tests/lib/containerd.sh) started and removed in a
# loop by three parallel workers while the monitor runs, for
# NSW_CHURN_SECONDS (default 12) per backend (NSW_CD_CONFIGS, default
# "bpf audit-netlink"):
#   a, b  `ctr run --rm` of `true` from two images (two references of the
#         same layer), each container named churn-<worker>-<n>;
#   c     `ctr run -d` of sleep, a `ctr task exec` of true, then
#         `ctr task kill` + `ctr task delete` + `ctr containers delete`
#         while the exec may still be read.
# Checked, per backend:
#  - the monitor lives through it and does not stall: a host marker
#    program run after the churn is in the output before the monitor is
#    stopped, and SIGTERM then ends it with status 0;
#  - its memory stays bounded: VmRSS after the churn is within 24 MiB of
#    VmRSS before it (the container cache and the process cache are
#    bounded; the figures are printed);
#  - no misattribution: every event that names a container names one the
#    workers created, with that container's own name and image;
#  - the true of every churn container (whose true exited 0: worker c's
#    exec may lose the race with the kill) is attributed to it, except at
#    most as many as the loss counters of the final nswatch_stats line
#    own up to (lost.* + proc_misses): none goes missing silently;
#  - the stats line is honest: its events.process_exec and
#    events.process_exit are the numbers of those lines in the file.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_CD_CONFIGS:=bpf audit-netlink}"
: "${NSW_CHURN_SECONDS:=12}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containerd.sh"

require_containers
require_cmd containerd ctr containerd-shim-runc-v2 tar sha256sum
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
for cfg in $NSW_CD_CONFIGS; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done
ct_rootfs_build || bail_out "cannot build the test rootfs"

IMG_A=docker.io/nswtest/churn-a:1.0
IMG_B=registry.example/nswtest/churn-b:2.0
WORKERS=()

cleanup() {
	local w
	for w in "${WORKERS[@]}"; do
		kill "$w" 2>/dev/null
	done
	mon_stop >/dev/null 2>&1
	cd_stop
	ct_cleanup_all
}
trap cleanup EXIT

T0=$SECONDS
cd_start || bail_out "containerd did not start: $(tail -n 3 "$CD/log")"
for img in "$IMG_A" "$IMG_B"; do
	cd_import "$NSW_CT_ROOTFS" "$img" || bail_out "ctr images import $img failed"
done
diag "containerd up and images imported in $((SECONDS - T0)) s"
# the marker: a host program whose exec shows the monitor still works
MARK=$NSW_CT_WORK/nsw-churn-marker
cp /bin/true "$MARK"

# annot ID NAME IMAGE: the CRI plugin's labels and annotations
annot() {
	echo --label "io.kubernetes.container.name=$2" \
		--label io.kubernetes.pod.name=churn \
		--label io.kubernetes.pod.namespace=churn \
		--annotation io.kubernetes.cri.container-type=container \
		--annotation "io.kubernetes.cri.container-name=$2" \
		--annotation io.kubernetes.cri.sandbox-name=churn \
		--annotation io.kubernetes.cri.sandbox-namespace=churn \
		--annotation "io.kubernetes.cri.image-name=$3"
}

# worker NAME IMAGE KIND UNTIL LIST: containers until SECONDS >= UNTIL;
# each created one is appended to LIST as "id name image", and to
# LIST.ran when its true exited 0 (it ran: nswatch must have seen it).
worker() {
	local w=$1 img=$2 kind=$3 until=$4 list=$5 n=0 id name ep rc
	while [ "$SECONDS" -lt "$until" ]; do
		n=$((n + 1))
		id=$(ct_hex64) name=churn-$w-$n
		echo "$id $name $img" >>"$list"
		# shellcheck disable=SC2046
		if [ "$kind" = rm ]; then
			cd_ctr run --rm $(annot "$id" "$name" "$img") \
				"$img" "$id" true >/dev/null 2>&1 &&
				echo "$id" >>"$list.ran"
			continue
		fi
		# shellcheck disable=SC2046
		cd_ctr run -d $(annot "$id" "$name" "$img") \
			"$img" "$id" sleep 1000000 >/dev/null 2>&1
		cd_ctr tasks exec --exec-id "x$n" "$id" true >/dev/null 2>&1 &
		ep=$!
		cd_ctr tasks kill -s KILL "$id" >/dev/null 2>&1
		wait "$ep"
		rc=$?
		[ "$rc" -eq 0 ] && echo "$id" >>"$list.ran"
		cd_ctr tasks delete -f "$id" >/dev/null 2>&1
		cd_ctr containers delete "$id" >/dev/null 2>&1
	done
}

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

plan $((8 * $(wc -w <<<"$NSW_CD_CONFIGS")))

for cfg in $NSW_CD_CONFIGS; do
	out=$NSW_CT_WORK/mon.$cfg.json
	list=$NSW_CT_WORK/created.$cfg
	: >"$list"
	: >"$list.ran"
	mon_start "$cfg" "$out" 9>&- || bail_out "monitor $cfg did not start"
	# one container before measuring: the caches' first allocations
	cd_ctr run --rm "$IMG_A" "warm-$cfg-$$" true >/dev/null 2>&1
	rss0=$(rss "$MON_PID")
	until=$((SECONDS + NSW_CHURN_SECONDS))
	WORKERS=()
	worker a "$IMG_A" rm "$until" "$list" 9>&- &
	WORKERS+=($!)
	worker b "$IMG_B" rm "$until" "$list" 9>&- &
	WORKERS+=($!)
	worker c "$IMG_A" kill "$until" "$list" 9>&- &
	WORKERS+=($!)
	alive=0
	while [ "$SECONDS" -lt "$until" ]; do
		kill -0 "$MON_PID" 2>/dev/null || alive=1
		ct_sleep 0.5
	done
	wait "${WORKERS[@]}"
	WORKERS=()
	rss1=$(rss "$MON_PID")
	"$MARK" "$cfg-$$"
	n=200
	while ! grep -q "nsw-churn-marker" "$out" && [ "$n" -gt 0 ]; do
		kill -0 "$MON_PID" 2>/dev/null || break
		ct_sleep 0.1
		n=$((n - 1))
	done
	grep -q "nsw-churn-marker" "$out"
	ok $((alive | $?)) "$cfg: the monitor ran through $(wc -l <"$list") containers in ${NSW_CHURN_SECONDS} s and still reports (marker seen)"
	mon_stop
	is "$MON_RC" 0 "$cfg: SIGTERM ends it with status 0"
	diag "$cfg: VmRSS ${rss0:-?} kB before the churn, ${rss1:-?} kB after"
	[ -n "$rss0" ] && [ -n "$rss1" ] && [ $((rss1 - rss0)) -lt $((24 * 1024)) ]
	ok $? "$cfg: memory bounded (VmRSS grew $(( (${rss1:-0} - ${rss0:-0}) / 1024 )) MiB)"

	# id -> {name, image} of every container a worker created
	jq -R -s 'split("\n") | map(select(length > 0) | split(" ")
		| {key: .[0], value: {name: .[1], image: .[2]}}) | from_entries' \
		"$list" >"$list.json"
	jq -c -s --slurpfile c "$list.json" --arg warm "warm-$cfg-$$" '
		$c[0] as $c | .[]
		| (.process_exec // .process_kprobe // .process_exit) as $e
		| [$e.process, $e.parent] | .[] | select(. != null)
		| select(.pod.container.id != null)
		| (.pod.container.id | sub("^containerd://"; "")) as $id
		| select($id != $warm)
		# ours: created here, or claiming our pod, names or images (the
		# global lock keeps other tests away, not every process)
		| select($c[$id] != null or .pod.namespace == "churn"
			 or (.pod.container.name // "" | startswith("churn-"))
			 or (.pod.container.image.name // "" | test("nswtest/churn")))
		# a name or image not read (state already deleted) is no
		# misattribution; the name or image of another is
		| select(($c[$id] == null)
			 or (.pod.container.name != null and
			     .pod.container.name != $c[$id].name)
			 or (.pod.container.image.name != null and
			     .pod.container.image.name != $c[$id].image))
		| {pid, binary, id: $id, name: .pod.container.name,
		   image: .pod.container.image.name}' "$out" >"$out.bad"
	is "$(wc -l <"$out.bad")" 0 "$cfg: every container named is one that existed, with its own name and image" ||
		diag "$(head -n 5 "$out.bad")"
	n_ctr=$(sort -u "$list.ran" | grep -c .)
	jq -R -s 'split("\n") | map(select(length > 0))' "$list.ran" >"$list.ran.json"
	got=$(jq -s --slurpfile c "$list.json" --slurpfile r "$list.ran.json" '
		$c[0] as $c | $r[0] as $r
		| [.[] | .process_exec.process
		   | select(.binary == "/bin/true")
		   | (.pod.container.id // "" | sub("^containerd://"; "")) as $id
		   | select($r | index($id))
		   | $id] | unique | length' "$out")
	stats=$(jq -c -s 'map(select(.nswatch_stats))[-1].nswatch_stats' "$out")
	owned=$(jq -r '[(.lost // {} | to_entries[] | .value | tonumber),
		(.proc_misses // "0" | tonumber)] | add // 0' <<<"$stats")
	diag "$cfg: $got of the $n_ctr containers whose true ran attributed; stats $stats"
	[ -n "$owned" ] && [ $((n_ctr - got)) -le "$owned" ]
	ok $? "$cfg: $((n_ctr - got)) trues not attributed, at most the $owned the counters report"
	host=$(jq -s '[.[] | .process_exec
		| select(.process.binary == "/bin/true"
			 and (.process.docker // "") == ""
			 and ((.parent.binary // "") | test("runc")))]
		| length' "$out")
	# (audit: by the device of its root file system, learnt when it
	# was mounted, R17)
	is "$host" 0 "$cfg: no container's true is a host process"
	for t in exec exit; do
		is "$(jq -r ".events.process_$t" <<<"$stats")" \
			"$(jq -s "map(select(.process_$t)) | length" "$out")" \
			"$cfg: nswatch_stats counts the process_$t lines written"
	done
done
