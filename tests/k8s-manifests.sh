#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# contrib/kubernetes/base renders with `kubectl kustomize` and every field
# of the result is a Kubernetes API field of the right type
# (tests/k8s-manifests.py holds them as facts; no API server here), plus
# the properties the issue asks of the DaemonSet, read from the rendered
# objects: hostPID, the host's /proc for --procfs, runtime state
# read-only, BTF and tracefs, NODE_NAME from the downward API, explicit
# capabilities without privileged or SYS_RESOURCE, resources, the
# readiness probe on the ready file, the event file on a hostPath,
# tolerations for every taint, the ConfigMap with nswatch.conf and the
# policy, `--config` pointing at it.  The checker must refuse doctored
# manifests, or a pass would mean nothing.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
require_cmd kubectl python3 jq
python3 -c 'import yaml' 2>/dev/null || skip_all "needs python3-yaml"
CHK="python3 $top_srcdir/tests/k8s-manifests.py"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

kubectl kustomize "$top_srcdir/contrib/kubernetes/base" >"$W/r.yaml" 2>"$W/err"
ok $? "kubectl kustomize contrib/kubernetes/base" || diag "$(cat "$W/err")"
out=$($CHK "$W/r.yaml" 2>/dev/null)
ok $? "every field is a Kubernetes API field of the right type" || diag "$out"

# the DaemonSet and ConfigMap as JSON, for jq
python3 -c 'import sys, yaml, json
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d: print(json.dumps(d))' "$W/r.yaml" >"$W/r.json"
ds() { jq -e -s "map(select(.kind == \"DaemonSet\"))[0] | $1" "$W/r.json" >/dev/null; }
ctr='.spec.template.spec.containers[] | select(.name == "nswatch")'
vol() {	# vol MOUNTPATH: the volume mounted there, as JSON
	jq -c -s --arg m "$1" 'map(select(.kind == "DaemonSet"))[0].spec.template.spec as $p
		| ($p.containers[] | select(.name == "nswatch") | .volumeMounts[]
		   | select(.mountPath == $m)) as $vm
		| $p.volumes[] | select(.name == $vm.name) | . + {readOnly: ($vm.readOnly // false)}' "$W/r.json"
}

ds '.spec.template.spec.hostPID == true'
ok $? "hostPID"
v=$(vol /host/proc)
jq -e '.hostPath.path == "/proc" and .readOnly' <<<"$v" >/dev/null
ok $? "the host's /proc at /host/proc, read-only"
grep -q '^procfs = /host/proc$' "$top_srcdir/contrib/kubernetes/base/nswatch.conf"
ok $? "nswatch.conf: procfs = /host/proc"
for p in /run/containerd /var/lib/containerd /run/containers /var/lib/containers \
	 /run/runc /run/crun /var/lib/docker/containers; do
	v=$(vol "/host$p")
	jq -e --arg p "$p" '.hostPath.path == $p and .readOnly' <<<"$v" >/dev/null
	ok $? "runtime state $p read-only under --host-root /host"
done
for p in /sys/kernel/btf /sys/kernel/tracing; do
	v=$(vol "$p")
	jq -e --arg p "$p" '.hostPath.path == $p' <<<"$v" >/dev/null
	ok $? "$p from the host"
done
ds "$ctr | .env[] | select(.name == \"NODE_NAME\") | .valueFrom.fieldRef.fieldPath == \"spec.nodeName\""
ok $? "NODE_NAME from the downward API"
ds "$ctr | .securityContext | (.privileged != true) and .capabilities.drop == [\"ALL\"] and (.capabilities.add | length > 0) and (.capabilities.add | index(\"SYS_RESOURCE\") | not) and (.capabilities.add | index(\"SYS_ADMIN\") | not)"
ok $? "explicit capabilities: not privileged, drop ALL, no SYS_RESOURCE, no SYS_ADMIN"
ds "$ctr | .resources.requests.memory and .resources.requests.cpu and .resources.limits.memory"
ok $? "resource requests and limits"
ds "$ctr | .readinessProbe.exec.command == [\"/bin/test\", \"-e\", \"/run/nswatch/ready\"]"
ok $? "readiness probe on the ready file"
grep -q '^ready-file = /run/nswatch/ready$' "$top_srcdir/contrib/kubernetes/base/nswatch.conf"
ok $? "nswatch.conf: ready-file = /run/nswatch/ready"
v=$(vol /var/log/nswatch)
jq -e '.hostPath.path == "/var/log/nswatch" and (.readOnly | not)' <<<"$v" >/dev/null
ok $? "events to a hostPath"
ds '.spec.template.spec.containers[] | select(.name == "events") | .command == ["/usr/bin/nswatch-events"]'
ok $? "the events container copies them to stdout and rotates"
ds '.spec.template.spec.tolerations == [{"operator": "Exists"}]'
ok $? "tolerates every taint"
jq -e -s 'map(select(.kind == "ConfigMap"))[0].data | has("nswatch.conf") and has("policy.conf")' "$W/r.json" >/dev/null
ok $? "the ConfigMap carries nswatch.conf and policy.conf"
v=$(vol /etc/nswatch)
cm=$(jq -r -s 'map(select(.kind == "ConfigMap"))[0].metadata.name' "$W/r.json")
jq -e --arg cm "$cm" '.configMap.name == $cm' <<<"$v" >/dev/null
ok $? "mounted at /etc/nswatch (the generated name $cm)"
ds "$ctr | .args == [\"monitor\", \"--config\", \"/etc/nswatch/nswatch.conf\"]"
ok $? "nswatch monitor --config /etc/nswatch/nswatch.conf"
if [ -x "${NSWATCH:-}" ]; then
	jq -r -s 'map(select(.kind == "ConfigMap"))[0].data["policy.conf"]' "$W/r.json" >"$W/policy.conf"
	"$NSWATCH" policy check "$W/policy.conf" >/dev/null 2>&1
	ok $? "the ConfigMap's policy passes nswatch policy check"
fi

if [ -x "${NSWATCH:-}" ]; then
	bad=
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		k=${line%%=*}
		k=${k%% *}
		"$NSWATCH" monitor --help 2>&1 | grep -q -- "--$k[ =]" || bad="$bad $k"
	done <"$top_srcdir/contrib/kubernetes/base/nswatch.conf"
	[ -z "$bad" ]
	ok $? "every nswatch.conf key is a long option of nswatch monitor${bad:+ (not:$bad)}"
fi

# neg NAME PYTHON-EXPR-ON-d: a doctored DaemonSet must be refused
neg() {
	python3 - "$W/r.yaml" "$W/bad.yaml" "$2" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
for d in docs:
    if d["kind"] == "DaemonSet":
        p = d["spec"]["template"]["spec"]
        c = p["containers"][0]
        exec(sys.argv[3])
yaml.safe_dump_all(docs, open(sys.argv[2], "w"))
PY
	! $CHK "$W/bad.yaml" >/dev/null 2>&1
	ok $? "refused: $1"
}
neg "a misspelt field" 'p["hostPid"] = p.pop("hostPID")'
neg "a bool as a string" 'p["hostPID"] = "true"'
neg "an unknown hostPath type" 'p["volumes"][-1]["hostPath"]["type"] = "Dir"'
neg "a capability the kernel does not know" 'c["securityContext"]["capabilities"]["add"].append("CAP_BPF")'
neg "a mount without its volume" 'c["volumeMounts"][0]["name"] = "nope"'
neg "a bad quantity" 'c["resources"]["limits"]["memory"] = "256MB"'
neg "a fieldPath outside the downward API" 'c["env"][0]["valueFrom"]["fieldRef"]["fieldPath"] = "spec.node"'
neg "a selector that misses the template" 'd["spec"]["selector"]["matchLabels"]["x"] = "y"'
done_testing
