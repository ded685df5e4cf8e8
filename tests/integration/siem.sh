#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch output as a SIEM and Tetragon's tools read it, for each backend:
#  1. Splunk's "Cisco Isovalent - Nsenter Usage in Kubernetes Pod" returns
#     the nsenter run in a pod: tests/splunk-nsenter.py routes the lines
#     with contrib/splunk's transforms, derives the fields with its
#     props.conf EVALs and runs the search (every BY field non-null).  The
#     pod is started after the monitor, so its whole process tree (the
#     runtime, the container's init, the exec) is seen live.
#  2. Every line passes the Tetragon field check (tests/tetragon-fields.py).
#  3. Ancestry is linked as Tetragon links it: every process object
#     carries parent_exec_id, and the parent given beside a process is
#     the one that id names; the container's init too.
#
# The pod's nsenter is util-linux's, at /usr/bin/nsenter: the search keys
# on the binary's basename, so a busybox applet (binary /bin/busybox) is
# not what it matches (nswatch's nsenter-in-container alert is, by argv).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_E2E_CONFIGS:=bpf audit-netlink}"
. "$top_srcdir/tests/lib/containers.sh"
. "$top_srcdir/tests/lib/scenarios.sh"
. "$top_srcdir/tests/lib/monitor.sh"

require_containers
require_cmd python3 nsenter
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
for cfg in $NSW_E2E_CONFIGS; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done
ct_rootfs_build || bail_out "cannot build the test rootfs"
HOST_PID=$$
SPLUNK=$top_srcdir/contrib/splunk

# every process object (acting, parent, ancestors) of the events of the
# test's containers, one compact line each:
# [where, pid, exec_id, parent_exec_id, binary]
# (other processes of this busy shared machine are left out: their
# parents may have come and gone before the monitor started)
procs() {
	jq -c --arg ids "$2" '(.process_exec // .process_kprobe // .process_exit) as $e
		| select($e != null)
		| select(($e.process.pod.container.id // "" | ltrimstr("containerd://"))
			 as $c | $c != "" and ($ids | split(" ") | index($c)))
		| input_line_number as $n
		| ([["process", $e.process], ["parent", $e.parent]]
		   + [($e.ancestors // [])[] | ["ancestor", .]])[]
		| select(.[1] != null)
		| ["line \($n) \(.[0])", .[1].pid, .[1].exec_id,
		   .[1].parent_exec_id, .[1].binary]' "$1"
}

run_config() {
	local cfg=$1 out=$NSW_CT_WORK/events.$1.json rows miss n
	mon_start "$cfg" "$out" || { ok 1 "$cfg: monitor starts"; return 1; }
	scn_setup_pods >"$NSW_CT_WORK/pods.$cfg" ||
		bail_out "cannot start the test pods"
	install -D -m 0755 "$(command -v nsenter)" \
		"$NSW_CT_STATE/$SCN_PRIV_ID/rootfs/usr/bin/nsenter" ||
		bail_out "cannot put nsenter into the pod"
	_scn_run siem-nsenter "$SCN_PRIV_ID" "$HOST_PID" \
		/usr/bin/nsenter -t "$HOST_PID" -m -u -i -n -p -- true \
		>"$NSW_CT_WORK/s.$cfg"
	is "$SCN_RESULT" ok "$cfg: util-linux nsenter escaped from the pod"
	ct_sleep 1.5		# let the last events through
	mon_stop
	is "$MON_RC" 0 "$cfg: monitor exits 0"

	rows=$(python3 "$top_srcdir/tests/splunk-nsenter.py" "$SPLUNK" "$out" \
		2>"$NSW_CT_WORK/splunk.$cfg.err")
	ok $? "$cfg: the detection's search ran"
	[ -s "$NSW_CT_WORK/splunk.$cfg.err" ] &&
		diag "$(head -n 5 "$NSW_CT_WORK/splunk.$cfg.err")"
	jq -e -s --arg pid "$SCN_PID" --arg pod "$SCN_PRIV_POD" \
		--arg ns "$SCN_PRIV_NS" --arg id "containerd://$SCN_PRIV_ID" '
		[.[] | select((.process_id | tostring) == $pid)] | length == 1 and
		(.[0] | .pod_name == $pod and .pod_namespace == $ns and
		 .container_id == $id and
		 .pod_image_name == "docker.io/library/busybox:1.36.1" and
		 .cluster_name == "nswtest" and .node_name == "nswtest-node" and
		 .process_name == "nsenter" and .process_exec == "nsenter" and
		 .count == 1 and (.parent_process_name | length > 0) and
		 (.process[0] | startswith("/usr/bin/nsenter -t ")))' \
		<<<"$rows" >/dev/null
	ok $? "$cfg: Nsenter Usage in Kubernetes Pod returns the pod's nsenter, every BY field from the event"
	[ $? -eq 0 ] || diag "rows: $rows"

	python3 "$top_srcdir/tests/tetragon-fields.py" "$out" \
		>"$NSW_CT_WORK/tf.$cfg" 2>&1
	ok $? "$cfg: every line has only Tetragon fields with protojson types"
	[ $? -eq 0 ] || diag "$(head -n 10 "$NSW_CT_WORK/tf.$cfg")"

	procs "$out" "$SCN_APP_ID $SCN_PRIV_ID $SCN_APP_SANDBOX_ID $SCN_PRIV_SANDBOX_ID" \
		>"$NSW_CT_WORK/procs.$cfg"
	n=$(wc -l <"$NSW_CT_WORK/procs.$cfg")
	miss=$(jq -c 'select(.[3] == null)' "$NSW_CT_WORK/procs.$cfg")
	[ "$n" -gt 0 ] && [ -z "$miss" ]
	ok $? "$cfg: all $n process objects of the pods' events carry parent_exec_id"
	[ -z "$miss" ] || diag "$(head -n 10 <<<"$miss")"
	jq -e -s '.[] | (.process_exec // .process_kprobe // .process_exit)
		| select(.parent != null)
		| select(.process.parent_exec_id != .parent.exec_id)' \
		"$out" >/dev/null
	[ $? -ne 0 ]
	ok $? "$cfg: each parent is the process its parent_exec_id names"
	jq -e -s --arg pid "$SCN_PRIV_PID" '
		[.[] | .process_exec | select(. != null)
		 | select((.process.pid | tostring) == $pid)]
		| length > 0 and all(.process.parent_exec_id != null and
				     .parent != null)' "$out" >/dev/null
	ok $? "$cfg: the container's init exec has its parent"
	for id in $SCN_APP_ID $SCN_PRIV_ID $SCN_APP_SANDBOX_ID \
		  $SCN_PRIV_SANDBOX_ID; do
		ct_delete "$id"
	done
}

for cfg in $NSW_E2E_CONFIGS; do
	run_config "$cfg"
done
done_testing
