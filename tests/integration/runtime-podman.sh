#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch against a real rootful podman 4.3 (Debian's `podman`).  Under
# each backend of NSW_PM_CONFIGS (default "bpf audit-netlink"), while
# nswatch runs: a pod (`podman pod create`, podman's own catatonit infra
# container, CNI network) in a libpod namespace, with two containers from
# an image imported here (`podman import` of the test rootfs), one of
# them `--privileged --pid=host`; then
#  - the privileged container's nsenter escape (`podman exec`) is
#    escape_to_host, alerted, with the container id, name and image
#    `podman inspect` reports and the pod name and namespace `podman pod
#    inspect` reports;
#  - a `podman exec` in the other container, the infra container's
#    catatonit and a `podman run --rm --pod` container are named like
#    `podman inspect`/`podman pod inspect` name them;
#  - podman's own processes (podman run/exec/stop/start/rm, conmon, runc,
#    `podman container cleanup`, catatonit, the CNI plugins) raise no
#    alert, nor does anything in the pod outside the privileged host-pid
#    container (whose processes do run in the host pid namespace), and
#    nothing is attributed to a container whose id is the pod's.
# The audit backend found runc's init re-executing itself taken for the
# container's own process (doc/container-mapping.md R18).
#
# The machine's facts podman needs (containers.conf: cgroupfs, file
# events, resource limits podman's infra container can get without
# CAP_SYS_RESOURCE) are in tests/lib/podman.sh.  The escape enters this
# script's namespaces, not PID 1's: PID 1 is a sandbox init whose
# /proc/1/ns/* cannot be opened here.  The privileged container drops
# CAP_SYS_RESOURCE, which the bounding set lacks.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${NSW_PM_CONFIGS:=bpf audit-netlink}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/monitor.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/podman.sh"

require_containers
require_cmd podman conmon catatonit tar
require_file /usr/lib/cni/bridge "needs the CNI plugins (containernetworking-plugins)"
[ -n "$NSWATCH" ] || NSWATCH=$top_builddir/nswatch
[ -x "$NSWATCH" ] || bail_out "nswatch binary not found at $NSWATCH"
nsw_lock
for cfg in $NSW_PM_CONFIGS; do
	why=$(mon_config_ok "$cfg") || skip_all "$cfg: $why"
done
ct_rootfs_build || bail_out "cannot build the test rootfs"
pm_setup

IMAGE=localhost/nswtest/busybox:$$
cleanup() {
	mon_stop >/dev/null 2>&1
	pm_cleanup
	ct_cleanup_all
}
trap cleanup EXIT

T0=$SECONDS
pm_image_import "$IMAGE" || bail_out "podman import failed"
diag "image imported in $((SECONDS - T0)) s"

# a helper's process: podman's, the OCI runtime's, the infra's, a CNI
# plugin's
HELPERS='conmon|runc|crun|podman|catatonit|/cni/|netavark|aardvark'

# short-lived processes (the `podman run --rm` container's true, the
# `podman exec`'d true and nsenter) are checked on both backends: the
# audit backend, which reads /proc after they are gone, names their
# container by the device of its root file system, learnt when podman
# mounted it (doc/container-mapping.md R17)
plan $((9 * $(wc -w <<<"$NSW_PM_CONFIGS")))

for cfg in $NSW_PM_CONFIGS; do
	out=$NSW_CT_WORK/mon.$cfg.json
	# shellcheck disable=SC2034 # used by pm
	PM_NS=nswtest-ns-$cfg
	POD=$(pm_pod_name "$cfg")
	WEB=web-$cfg-$$
	DBG=dbg-$cfg-$$
	SHORT=short-$cfg-$$
	T0=$SECONDS
	mon_start "$cfg" "$out" || bail_out "monitor $cfg did not start"

	# podman's own work, all while nswatch runs: the pod and its infra
	# (catatonit, CNI), `podman run`, `podman exec`, stop, start, rm
	PM_PODS+=("$POD")
	pm pod create --name "$POD" >/dev/null ||
		bail_out "podman pod create failed"
	pm run -d --pod "$POD" --name "$WEB" "$IMAGE" sleep 1000000 \
		>/dev/null || bail_out "podman run ($WEB) failed"
	pm run -d --pod "$POD" --name "$DBG" --privileged --pid=host \
		--cap-drop CAP_SYS_RESOURCE "$IMAGE" sleep 1000000 >/dev/null ||
		bail_out "podman run (privileged $DBG) failed"
	# the escape
	pm exec "$DBG" nsenter -t $$ -m -u -i -n -p -- true >/dev/null 2>&1
	# benign: an exec into the other container, a short-lived container
	pm exec "$WEB" true >/dev/null 2>&1
	rm -f "$NSW_CT_WORK/short.cid"
	pm run --rm --pod "$POD" --name "$SHORT" \
		--cidfile "$NSW_CT_WORK/short.cid" "$IMAGE" true >/dev/null 2>&1
	pm stop -t 0 "$WEB" >/dev/null 2>&1
	pm start "$WEB" >/dev/null 2>&1

	# what podman says
	POD_ID=$(pm pod inspect -f '{{.Id}}' "$POD")
	POD_NS=$(pm pod inspect -f '{{.Namespace}}' "$POD")
	INFRA_ID=$(pm pod inspect -f '{{.InfraContainerID}}' "$POD")
	INFRA_NAME=$(pm inspect -f '{{.Name}}' "$INFRA_ID")
	INFRA_IMAGE=$(pm inspect -f '{{.ImageName}}' "$INFRA_ID")
	PRIV_ID=$(pm inspect -f '{{.Id}}' "$DBG")
	PRIV_NAME=$(pm inspect -f '{{.Name}}' "$DBG")
	PRIV_IMAGE=$(pm inspect -f '{{.ImageName}}' "$DBG")
	WEB_ID=$(pm inspect -f '{{.Id}}' "$WEB")
	WEB_NAME=$(pm inspect -f '{{.Name}}' "$WEB")
	SHORT_ID=$(cat "$NSW_CT_WORK/short.cid" 2>/dev/null)
	diag "$cfg: pod $POD ($POD_ID) in namespace $POD_NS, infra" \
		"$INFRA_NAME ($INFRA_IMAGE)"

	pm pod rm -f "$POD" >/dev/null 2>&1
	ct_sleep 1
	mon_stop
	is "$MON_RC" 0 "$cfg: monitor exits 0 ($((SECONDS - T0)) s)"

	# the privileged container's setns to the host, named as podman does
	jq -e -s --arg id "podman://$PRIV_ID" --arg n "$PRIV_NAME" \
		--arg i "$PRIV_IMAGE" --arg pod "$POD" --arg ns "$POD_NS" \
		'[.[] | select(.process_kprobe.function_name == "__x64_sys_setns"
			and .nswatch.verdict == "escape_to_host"
			and ([.nswatch.alerts[]?.rule]
			     | index("setns-escape-to-host") != null))
		  | .process_kprobe.process.pod
		  | select(.name == $pod and .namespace == $ns
			   and .container.id == $id and .container.name == $n
			   and .container.image.name == $i)]
		 | length > 0' "$out" >/dev/null
	ok $? "$cfg: the escape is alerted escape_to_host in pod $POD_NS/$POD, container $PRIV_NAME ($PRIV_IMAGE)" ||
		diag "$(jq -c 'select(.process_kprobe.function_name
			== "__x64_sys_setns") | [.nswatch.verdict,
			.process_kprobe.process.pod]' "$out" | head -n 5)"

	# exec events of BINARY in container ID: "<count of them> <count named
	# NAME, IMAGE, in pod $POD of namespace $POD_NS>"
	named() {
		jq -r -s --arg b "$1" --arg id "podman://$2" --arg n "$3" \
			--arg i "$4" --arg pod "$POD" --arg ns "$POD_NS" \
			'[.[] | .process_exec.process
			  | select(.binary == $b and .pod.container.id == $id)]
			 | "\(length) \([.[] | .pod | select(.name == $pod
				and .namespace == $ns and .container.name == $n
				and .container.image.name == $i)] | length)"' "$out"
	}
	r=$(named /bin/true "$WEB_ID" "$WEB_NAME" "$PRIV_IMAGE")
	ok "$([ "${r% *}" -ge 1 ] && [ "${r% *}" = "${r#* }" ]; echo $?)" \
		"$cfg: the podman exec in $WEB_NAME is named like podman does ($r)"
	r=$(named /catatonit "$INFRA_ID" "$INFRA_NAME" "$INFRA_IMAGE")
	ok "$([ "${r% *}" -ge 1 ] && [ "${r% *}" = "${r#* }" ]; echo $?)" \
		"$cfg: the infra's catatonit is named $INFRA_NAME ($INFRA_IMAGE) ($r)"
	r=$(named /bin/true "$SHORT_ID" "$SHORT" "$PRIV_IMAGE")
	ok "$([ -n "$SHORT_ID" ] && [ "${r% *}" -ge 1 ] &&
	      [ "${r% *}" = "${r#* }" ]; echo $?)" \
		"$cfg: the podman run --rm container's true is named $SHORT ($r)"
	# ...and none of those is a host process (a child of runc's init)
	n=$(jq -s --arg h "$HELPERS" '[.[] | .process_exec
		| select(.process.binary == "/bin/true"
			 and (.process.pod.container.id // "") == ""
			 and (.parent.binary // "" | test($h)))] | length' "$out")
	is "$n" 0 "$cfg: no true of a podman container is a host process"

	# podman's own processes: no alert, whatever they are attributed to
	jq -c --arg h "$HELPERS" '
		(.process_exec // .process_kprobe) as $e | select($e != null)
		| select((.nswatch.alerts | length) > 0
			 and ($e.process.binary // "" | test($h)))
		| [$e.process.binary, $e.parent.binary,
		   $e.process.pod.container.name, .nswatch.verdict,
		   [.nswatch.alerts[].rule]]' "$out" >"$out.helpers"
	is "$(wc -l <"$out.helpers")" 0 \
		"$cfg: podman, conmon, runc, catatonit, CNI plugins raise no alert" ||
		diag "$(head -n 5 "$out.helpers")"
	# nothing in the pod alerts but the privileged host-pid container
	# (whose processes do run in the host's pid namespace)
	jq -c --arg pod "$POD" --arg id "podman://$PRIV_ID" '
		(.process_exec // .process_kprobe) as $e | select($e != null)
		| select((.nswatch.alerts | length) > 0
			 and $e.process.pod.name == $pod
			 and $e.process.pod.container.id != $id)
		| [$e.process.binary, $e.parent.binary,
		   $e.process.pod.container.name, .nswatch.verdict,
		   [.nswatch.alerts[].rule]]' "$out" >"$out.pod"
	is "$(wc -l <"$out.pod")" 0 \
		"$cfg: nothing else in the pod alerts" ||
		diag "$(head -n 5 "$out.pod")"
	# a runtime helper's event attributed to the pod id as a container
	n=$(jq -s --arg pod "$POD_ID" '[.[]
		| (.process_exec // .process_kprobe) | select(. != null)
		| .process | (.docker // ""), (.pod.container.id // "")
		| select(. == ($pod | .[0:31]) or . == "podman://\($pod)")]
		| length' "$out")
	is "$n" 0 "$cfg: nothing is attributed to the pod id $POD_ID"
done
