#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn one container of the rendered nswatch DaemonSet into a
`podman run` command line, so a test runs the image exactly as the
DaemonSet would and the two cannot drift apart.

What maps to what (pod and container fields -> podman):
  hostPID / hostNetwork                --pid=host / --network=host
  securityContext.capabilities         --cap-drop=all, --cap-add=X...
  securityContext.privileged           --privileged (when true)
  allowPrivilegeEscalation: false      --security-opt=no-new-privileges
  seccompProfile Unconfined            --security-opt=seccomp=unconfined
  appArmorProfile Unconfined           --security-opt=apparmor=unconfined
  readOnlyRootFilesystem               --read-only --read-only-tmpfs=false
  runAsUser / runAsGroup               --user=U:G
  resources.limits.memory              --memory
  env value / fieldRef spec.nodeName   --env=K=V (the node name given)
  command / args                       --entrypoint (JSON) / arguments
  hostPath volume                      --volume=PATH:MOUNT[:ro]; a
                                       DirectoryOrCreate path is created
                                       first, as kubelet does
  configMap volume                     its data written to WORK/<volume>
                                       and mounted
  emptyDir volume                      WORK/<volume> (shared by the
                                       containers of one run), mounted
With --host-subst PATH=DIR a hostPath is taken from DIR instead (the test
keeps its event file out of the host's /var/log).  With --expand-config,
`--config FILE` (FILE in a ConfigMap mount) is replaced by its key = value
lines as --key=value options, for a binary without --config.

usage: k8s-podman.py RENDERED.yaml CONTAINER NODE_NAME WORK_DIR
                     [--host-subst PATH=DIR]... [--expand-config]
prints the podman run arguments (without `podman run` and the image's
name is the last-but-arguments: see below), one per line:
  the options, then the image, then the container's arguments.
"""
import json
import os
import sys

import yaml


def main(argv):
    rendered, cname, node, work = argv[1:5]
    subst = {}
    expand = False
    rest = argv[5:]
    while rest:
        a = rest.pop(0)
        if a == "--host-subst":
            k, v = rest.pop(0).split("=", 1)
            subst[k] = v
        elif a == "--expand-config":
            expand = True
        else:
            raise SystemExit(f"unknown option {a}")
    with open(rendered, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    ds = [d for d in docs if d["kind"] == "DaemonSet"]
    assert len(ds) == 1, "one DaemonSet"
    cms = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
    pod = ds[0]["spec"]["template"]["spec"]
    ctr = [c for c in pod["containers"] if c["name"] == cname]
    assert len(ctr) == 1, f"container {cname}"
    c = ctr[0]
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    out = []
    if pod.get("hostPID"):
        out.append("--pid=host")
    if pod.get("hostNetwork"):
        out.append("--network=host")
    sc = dict(pod.get("securityContext", {}))
    sc.update(c.get("securityContext", {}))
    if sc.get("privileged"):
        out.append("--privileged")
    caps = sc.get("capabilities", {})
    for d in caps.get("drop", []):
        out.append("--cap-drop=" + d.lower())
    for a in caps.get("add", []):
        out.append("--cap-add=" + a)
    if sc.get("allowPrivilegeEscalation") is False:
        out.append("--security-opt=no-new-privileges")
    if sc.get("seccompProfile", {}).get("type") == "Unconfined":
        out.append("--security-opt=seccomp=unconfined")
    if sc.get("appArmorProfile", {}).get("type") == "Unconfined":
        out.append("--security-opt=apparmor=unconfined")
    if sc.get("readOnlyRootFilesystem"):
        out += ["--read-only", "--read-only-tmpfs=false"]
    if "runAsUser" in sc:
        out.append(f"--user={sc['runAsUser']}:{sc.get('runAsGroup', 0)}")
    mem = c.get("resources", {}).get("limits", {}).get("memory")
    if mem:
        out.append("--memory=" + mem.replace("Mi", "m").replace("Gi", "g"))
    for e in c.get("env", []):
        if "value" in e:
            out.append(f"--env={e['name']}={e['value']}")
        else:
            fp = e["valueFrom"]["fieldRef"]["fieldPath"]
            assert fp == "spec.nodeName", fp
            out.append(f"--env={e['name']}={node}")
    mounts = {}
    for m in c.get("volumeMounts", []):
        v = vols[m["name"]]
        ro = ":ro" if m.get("readOnly") else ""
        if "hostPath" in v:
            p = v["hostPath"]["path"]
            src = subst.get(p, p)
            if v["hostPath"].get("type") == "DirectoryOrCreate":
                os.makedirs(src, exist_ok=True)
        elif "configMap" in v:
            src = os.path.join(work, m["name"])
            os.makedirs(src, exist_ok=True)
            for k, data in cms[v["configMap"]["name"]].get("data",
                                                           {}).items():
                with open(os.path.join(src, k), "w", encoding="utf-8") as f:
                    f.write(data)
        elif "emptyDir" in v:
            src = os.path.join(work, m["name"])
            os.makedirs(src, exist_ok=True)
        else:
            raise SystemExit(f"volume {m['name']}: no mapping")
        mounts[m["mountPath"]] = src
        out.append(f"--volume={src}:{m['mountPath']}{ro}")
    cmd = c.get("command")
    if cmd:
        out.append("--entrypoint=" + json.dumps(cmd))
    args = list(c.get("args", []))
    if expand and "--config" in args:
        i = args.index("--config")
        path = args[i + 1]
        d, base = os.path.split(path)
        opts = []
        with open(os.path.join(mounts[d], base), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                k, v = (x.strip() for x in line.split("=", 1))
                opts.append(f"--{k}={v}")
        args[i:i + 2] = opts
    out.append(c["image"])
    out += args
    for a in out:
        assert "\n" not in a
        print(a)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
