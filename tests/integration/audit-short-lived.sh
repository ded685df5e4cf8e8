#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A container whose only process is gone, its state removed and its root
# file system unmounted before the audit backend reads its records
# (issue 12, doc/container-mapping.md R17).  Under the plugin source
# (auditd runs nswatch), auditd is stopped (SIGSTOP) while a privileged
# host-pid runc container runs the static nsw-setns, which joins the
# host's mount namespace and exits at once; the container is deleted
# (runc delete, rootfs unmounted, bundle removed) and auditd resumed.
# Nothing of the container is left to read when its records arrive: its
# exec names only the device of its root file system, which nswatch
# learnt from the host's mount table when the runtime mounted it.
#  - the helper's exec is in its container and pod;
#  - its setns is in them too, alerted setns-escape-to-host.
# The container was never looked up before (its only process is the
# helper), so without the mount table nothing names it.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/audit.sh"

al_require
require_containers
require_file "$top_builddir/tests/helpers/nsw-setns" "needs the static nsw-setns helper (make check builds it)"
al_lock
ct_rootfs_build || bail_out "cannot build the test rootfs"
plan 7

# auditd skips plugin .conf lines longer than 160 bytes: short paths
al_short_dir
bin=$AL_SHORT_DIR/bin
mkdir -p "$bin"
cp "$top_srcdir/contrib/audisp-nswatch" "$bin/audisp-nswatch"
chmod 0755 "$bin/audisp-nswatch"
ln -sf "$(readlink -f "$NSWATCH")" "$bin/nswatch"
out=$AL_SHORT_DIR/out/events.json
ready=$AL_SHORT_DIR/ready
log=$AL_SHORT_DIR/out/nswatch.log
auditctl -R "$top_srcdir/rules/nswatch.rules" >/dev/null ||
	bail_out "cannot load rules/nswatch.rules"
args_line="args = --output=$out --ready-file=$ready"
[ ${#args_line} -lt 160 ] || bail_out "plugin args line too long for auditd: $args_line"
al_auditd short "active = yes
direction = out
path = $bin/audisp-nswatch
type = always
$args_line
format = string" || bail_out "auditd did not start"
for (( i = 0; i < 100; i++ )); do
	[ -s "$ready" ] && break
	ct_sleep 0.1
done
[ -s "$ready" ] || bail_out "nswatch did not get ready: $(cat "$log" 2>/dev/null)"

# auditd holds the records back while the container lives and goes:
# the kernel queues them meanwhile (room for the whole machine's execs
# of a second or two; the kernel's default of 64 would drop them, and
# al_lock's cleanup puts the limit back)
auditctl -b 16384 >/dev/null
kill -STOP "$AL_AUDITD_PID"
ct_pod_create --privileged --name "short-$$" --namespace nswtest \
	--container escaper -- /bin/nsw-setns -q "/proc/$$/ns/mnt" mnt \
	>/dev/null
[ -n "$CT_ID" ] || { kill -CONT "$AL_AUDITD_PID"; bail_out "the container did not start"; }
pid=$CT_PID
for (( i = 0; i < 100; i++ )); do
	ct_alive "$pid" || break
	ct_sleep 0.05
done
ct_alive "$pid"
ok $((!$?)) "the helper ($pid) is gone while auditd holds its records"
ct_delete "$CT_ID"
! mountpoint -q "$NSW_CT_STATE/$CT_ID/rootfs" 2>/dev/null &&
	[ ! -e "$NSW_CT_STATE/$CT_ID" ]
ok $? "its container is deleted: state removed, root file system unmounted"
kill -CONT "$AL_AUDITD_PID"

sel='.process_kprobe.function_name == "'"$AL_FN"'setns"
	and .process_kprobe.process.binary == "/bin/nsw-setns"'
# (grep: a jq of the whole output per try would itself make events to
# read, every exec being audited)
for (( i = 0; i < 200; i++ )); do
	grep -q -e '"binary":"/bin/nsw-setns".*"function_name":"'"$AL_FN"'setns"' \
		-e '"function_name":"'"$AL_FN"'setns".*"binary":"/bin/nsw-setns"' \
		"$out" 2>/dev/null && break
	ct_sleep 0.1
done
[ -n "$(jq -c "select($sel)" "$out")" ]
ok $? "the helper's setns is reported" ||
	diag "$(tail -n 5 "$log" 2>/dev/null)"

id="containerd://$CT_ID"
n=$(jq -s --arg id "$id" --arg pod "short-$$" '[.[] | .process_exec.process
	| select(.binary == "/bin/nsw-setns" and .pod.container.id == $id
		 and .pod.name == $pod and .pod.namespace == "nswtest"
		 and .pod.container.name == "escaper")] | length' "$out")
is "$n" 1 "its exec is in container escaper of pod nswtest/short-$$" ||
	diag "$(jq -c 'select(.process_exec.process.binary == "/bin/nsw-setns")
		| .process_exec.process | [.pid, .pod]' "$out")"
ev=$(jq -c "select($sel)" "$out" | head -n 1)
jq -e --arg id "$id" --arg pod "short-$$" '.process_kprobe.process.pod
	| .container.id == $id and .name == $pod
	  and .container.name == "escaper"' <<<"$ev" >/dev/null
ok $? "its setns is in that container and pod" || diag "$ev"
jq -e '[.nswatch.alerts[]?.rule]
	| index("setns-escape-to-host") != null' <<<"$ev" >/dev/null
ok $? "its setns is alerted setns-escape-to-host" ||
	diag "$(jq -c '[.nswatch.verdict, [.nswatch.alerts[]?.rule]]' <<<"$ev")"
al_auditd_stop
! grep -i 'mount table' "$log"
ok $? "nswatch read the host's mount table without complaint"
