#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Field check of rendered Kubernetes manifests (`kubectl kustomize` output)
without an API server.

The facts below are the Kubernetes API (v1.30+) fields of the objects the
nswatch manifests use, as the OpenAPI schema of k8s.io/api defines them
(core/v1 Namespace, ServiceAccount, ConfigMap, PodSpec and what it
contains; apps/v1 DaemonSet), restricted to those types, with their JSON
types and the enum values the API server accepts.  Like the API server's
strict field validation, an unknown field, a wrong type or a bad enum value
is an error; so are the cross references the server or kubelet would
refuse at run time (a mount without its volume, a selector that does not
select the template, a ConfigMap that is not rendered, a capability the
kernel does not know).

usage: k8s-manifests.py RENDERED.yaml
prints one line per problem; exit 1 if any.
"""
import re
import sys

import yaml

S, I, B = "string", "int", "bool"
QTY = "quantity"
MAP_S = ("map", S)

T = {
    "ObjectMeta": {"name": S, "namespace": S, "labels": MAP_S,
                   "annotations": MAP_S, "generateName": S},
    "Namespace": {"apiVersion": S, "kind": S, "metadata": "ObjectMeta",
                  "spec": "NamespaceSpec"},
    "NamespaceSpec": {"finalizers": ("list", S)},
    "ServiceAccount": {"apiVersion": S, "kind": S, "metadata": "ObjectMeta",
                       "automountServiceAccountToken": B,
                       "secrets": ("list", "ObjectReference"),
                       "imagePullSecrets": ("list", "LocalObjectReference")},
    "ObjectReference": {"name": S, "namespace": S, "kind": S},
    "LocalObjectReference": {"name": S},
    "ConfigMap": {"apiVersion": S, "kind": S, "metadata": "ObjectMeta",
                  "data": MAP_S, "binaryData": MAP_S, "immutable": B},
    "DaemonSet": {"apiVersion": S, "kind": S, "metadata": "ObjectMeta",
                  "spec": "DaemonSetSpec"},
    "DaemonSetSpec": {"selector": "LabelSelector",
                      "template": "PodTemplateSpec",
                      "updateStrategy": "DaemonSetUpdateStrategy",
                      "minReadySeconds": I, "revisionHistoryLimit": I},
    "LabelSelector": {"matchLabels": MAP_S,
                      "matchExpressions": ("list", "LabelSelectorReq")},
    "LabelSelectorReq": {"key": S, "operator": ("enum", "In", "NotIn",
                                                "Exists", "DoesNotExist"),
                         "values": ("list", S)},
    "DaemonSetUpdateStrategy": {
        "type": ("enum", "RollingUpdate", "OnDelete"),
        "rollingUpdate": "RollingUpdateDaemonSet"},
    "RollingUpdateDaemonSet": {"maxUnavailable": "intorstring",
                               "maxSurge": "intorstring"},
    "PodTemplateSpec": {"metadata": "ObjectMeta", "spec": "PodSpec"},
    "PodSpec": {
        "containers": ("list", "Container"),
        "initContainers": ("list", "Container"),
        "volumes": ("list", "Volume"),
        "serviceAccountName": S, "automountServiceAccountToken": B,
        "hostPID": B, "hostNetwork": B, "hostIPC": B,
        "shareProcessNamespace": B,
        "dnsPolicy": ("enum", "ClusterFirst", "ClusterFirstWithHostNet",
                      "Default", "None"),
        "priorityClassName": S, "terminationGracePeriodSeconds": I,
        "tolerations": ("list", "Toleration"),
        "nodeSelector": MAP_S, "securityContext": "PodSecurityContext",
        "restartPolicy": ("enum", "Always", "OnFailure", "Never"),
    },
    "PodSecurityContext": {"runAsUser": I, "runAsGroup": I,
                           "seccompProfile": "SeccompProfile",
                           "appArmorProfile": "AppArmorProfile"},
    "Toleration": {"key": S, "operator": ("enum", "Exists", "Equal"),
                   "value": S,
                   "effect": ("enum", "NoSchedule", "PreferNoSchedule",
                              "NoExecute"),
                   "tolerationSeconds": I},
    "Container": {
        "name": S, "image": S,
        "imagePullPolicy": ("enum", "Always", "IfNotPresent", "Never"),
        "command": ("list", S), "args": ("list", S),
        "env": ("list", "EnvVar"), "workingDir": S,
        "securityContext": "SecurityContext",
        "resources": "ResourceRequirements",
        "readinessProbe": "Probe", "livenessProbe": "Probe",
        "startupProbe": "Probe",
        "volumeMounts": ("list", "VolumeMount"),
        "terminationMessagePolicy": ("enum", "File",
                                     "FallbackToLogsOnError"),
    },
    "EnvVar": {"name": S, "value": S, "valueFrom": "EnvVarSource"},
    "EnvVarSource": {"fieldRef": "ObjectFieldSelector"},
    "ObjectFieldSelector": {"fieldPath": S, "apiVersion": S},
    "SecurityContext": {
        "privileged": B, "runAsUser": I, "runAsGroup": I,
        "runAsNonRoot": B, "allowPrivilegeEscalation": B,
        "readOnlyRootFilesystem": B, "capabilities": "Capabilities",
        "seccompProfile": "SeccompProfile",
        "appArmorProfile": "AppArmorProfile",
        "procMount": ("enum", "Default", "Unmasked"),
    },
    "Capabilities": {"add": ("list", "capability"),
                     "drop": ("list", "capability")},
    "SeccompProfile": {"type": ("enum", "RuntimeDefault", "Unconfined",
                                "Localhost"),
                       "localhostProfile": S},
    "AppArmorProfile": {"type": ("enum", "RuntimeDefault", "Unconfined",
                                 "Localhost"),
                        "localhostProfile": S},
    "ResourceRequirements": {"requests": ("map", QTY),
                             "limits": ("map", QTY)},
    "Probe": {"exec": "ExecAction", "initialDelaySeconds": I,
              "periodSeconds": I, "timeoutSeconds": I,
              "failureThreshold": I, "successThreshold": I},
    "ExecAction": {"command": ("list", S)},
    "VolumeMount": {"name": S, "mountPath": S, "readOnly": B,
                    "subPath": S,
                    "mountPropagation": ("enum", "None", "HostToContainer",
                                         "Bidirectional")},
    "Volume": {"name": S, "hostPath": "HostPathVolumeSource",
               "configMap": "ConfigMapVolumeSource",
               "emptyDir": "EmptyDirVolumeSource"},
    "HostPathVolumeSource": {
        "path": S,
        "type": ("enum", "", "DirectoryOrCreate", "Directory",
                 "FileOrCreate", "File", "Socket", "CharDevice",
                 "BlockDevice")},
    "ConfigMapVolumeSource": {"name": S, "defaultMode": I, "optional": B,
                              "items": ("list", "KeyToPath")},
    "KeyToPath": {"key": S, "path": S, "mode": I},
    "EmptyDirVolumeSource": {"medium": ("enum", "", "Memory"),
                             "sizeLimit": QTY},
}
KINDS = {("v1", "Namespace"), ("v1", "ServiceAccount"), ("v1", "ConfigMap"),
         ("apps/v1", "DaemonSet")}
# fieldRef paths the downward API accepts in env
FIELD_PATHS = {"metadata.name", "metadata.namespace", "metadata.uid",
               "spec.nodeName", "spec.serviceAccountName", "status.hostIP",
               "status.hostIPs", "status.podIP", "status.podIPs"}
# Linux capabilities (names without CAP_, as Kubernetes writes them)
CAPS = {"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID",
        "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE",
        "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT",
        "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE",
        "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE",
        "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
        "PERFMON", "BPF", "CHECKPOINT_RESTORE", "ALL"}
QTY_RE = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check(t, v, path, errs):
    if isinstance(t, tuple):
        if t[0] == "list":
            if not isinstance(v, list):
                errs.append(f"{path}: not a list")
                return
            for i, x in enumerate(v):
                check(t[1], x, f"{path}[{i}]", errs)
        elif t[0] == "map":
            if not isinstance(v, dict):
                errs.append(f"{path}: not a map")
                return
            for k, x in v.items():
                check(t[1], x, f"{path}.{k}", errs)
        elif t[0] == "enum":
            if v not in t[1:]:
                errs.append(f"{path}: {v!r} not one of {t[1:]}")
        return
    if t in T:
        if not isinstance(v, dict):
            errs.append(f"{path}: not an object ({t})")
            return
        for k, x in v.items():
            if k not in T[t]:
                errs.append(f"{path}.{k}: unknown field of {t}")
            else:
                check(T[t][k], x, f"{path}.{k}", errs)
        return
    ok = {S: lambda: isinstance(v, str), I: lambda: is_int(v),
          B: lambda: isinstance(v, bool),
          QTY: lambda: (isinstance(v, str) and bool(QTY_RE.match(v)))
          or is_int(v),
          "intorstring": lambda: is_int(v) or (isinstance(v, str) and
                                               bool(re.match(r"^\d+%$", v))),
          "capability": lambda: v in CAPS}[t]()
    if not ok:
        errs.append(f"{path}: {v!r} is not a valid {t}")


def semantic(docs, errs):
    cms = {d["metadata"]["name"] for d in docs if d.get("kind") == "ConfigMap"}
    for d in docs:
        name = d.get("metadata", {}).get("name", "")
        if not DNS1123.match(name):
            errs.append(f"{d.get('kind')} {name!r}: not a DNS-1123 name")
        if d.get("kind") != "DaemonSet":
            continue
        spec = d["spec"]
        sel = spec["selector"].get("matchLabels", {})
        labels = spec["template"]["metadata"].get("labels", {})
        if not sel or any(labels.get(k) != v for k, v in sel.items()):
            errs.append(f"DaemonSet {name}: selector does not select the "
                        f"template's labels")
        pod = spec["template"]["spec"]
        vols = {v["name"]: v for v in pod.get("volumes", [])}
        if len(vols) != len(pod.get("volumes", [])):
            errs.append(f"DaemonSet {name}: duplicate volume names")
        for v in vols.values():
            srcs = [k for k in ("hostPath", "configMap", "emptyDir") if k in v]
            if len(srcs) != 1:
                errs.append(f"volume {v['name']}: {len(srcs)} sources")
            if "configMap" in v and v["configMap"]["name"] not in cms:
                errs.append(f"volume {v['name']}: ConfigMap "
                            f"{v['configMap']['name']} is not rendered")
            if "hostPath" in v and not v["hostPath"]["path"].startswith("/"):
                errs.append(f"volume {v['name']}: relative hostPath")
        used = set()
        for c in pod.get("containers", []):
            for field in ("name", "image"):
                if field not in c:
                    errs.append(f"container without {field}")
            mps = [m["mountPath"] for m in c.get("volumeMounts", [])]
            if len(set(mps)) != len(mps):
                errs.append(f"container {c['name']}: duplicate mountPath")
            for m in c.get("volumeMounts", []):
                used.add(m["name"])
                if m["name"] not in vols:
                    errs.append(f"container {c['name']}: mount "
                                f"{m['name']} has no volume")
            for e in c.get("env", []):
                fr = e.get("valueFrom", {}).get("fieldRef")
                if fr and fr["fieldPath"] not in FIELD_PATHS:
                    errs.append(f"env {e['name']}: fieldPath "
                                f"{fr['fieldPath']} not in the downward API")
                if ("value" in e) == ("valueFrom" in e):
                    errs.append(f"env {e['name']}: value xor valueFrom")
            sc = c.get("securityContext", {})
            if sc.get("privileged") and sc.get("allowPrivilegeEscalation") \
                    is False:
                errs.append(f"container {c['name']}: privileged with "
                            f"allowPrivilegeEscalation false is refused")
        for n in set(vols) - used:
            errs.append(f"volume {n}: mounted by no container")
        if pod.get("hostNetwork") and pod.get("dnsPolicy") == "ClusterFirst":
            errs.append("hostNetwork with dnsPolicy ClusterFirst resolves "
                        "with the node's resolver; use ClusterFirstWithHostNet")


def main(argv):
    with open(argv[1], encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    errs = []
    for d in docs:
        key = (d.get("apiVersion"), d.get("kind"))
        if key not in KINDS:
            errs.append(f"{key}: kind not in the facts")
            continue
        check(d["kind"], d, d["kind"], errs)
    if not errs:
        semantic(docs, errs)
    for e in errs:
        print(e)
    print(f"# {len(docs)} objects, {len(errs)} problems", file=sys.stderr)
    return 1 if errs or not docs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
