#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check nswatch JSON lines against Tetragon's GetEventsResponse.

`tetra getevents` (and every consumer of Tetragon's export file) decodes
each line with protobuf JSON (protojson, unknown fields discarded): a key
that is a field of the message must have the field's JSON type, and enum
values must be names of the enum, or the whole line is refused.  nswatch
may add data only inside its own top-level `nswatch` object (and its
`nswatch_stats` lines, which carry no Tetragon event).

The facts below are the messages of Tetragon's api/v1/tetragon/
{events,tetragon,capabilities}.proto (cilium/tetragon main of 2026-08,
v1.7-v1.8), restricted to the messages nswatch writes, written as
"json key -> JSON type" with protojson's mapping:

  string            JSON string
  uint32/int32      JSON number (integral, in range)
  uint64/int64      JSON string of decimal digits (protojson writes them
                    so; we hold ourselves to what it writes)
  bool              JSON true/false
  Timestamp         RFC 3339 string, UTC "Z", 0/3/6/9 fraction digits
  UInt32Value etc.  the wrapped scalar (written even when zero)
  enum              the value's name
  map<string,string> object of strings
  repeated T        array of T

Plain (non-wrapper, non-oneof) scalars equal to 0/""/false are never
written by protojson; this check fails on them too, because our contract
(doc/schema.md) promises protojson's output, not just what it accepts.

usage: tetragon-fields.py FILE...   (JSON lines; "-" = stdin)
prints one line per problem; exit 1 if any.
"""
import json
import re
import sys

# ------------------------------------------------------------ the facts --
# Type names: "string", "u32", "i32", "u64", "i64", "bool", "bytes", "ts",
# "w_u32", "w_i32", "w_bool" (wrappers), "map_ss", ("msg", Name),
# ("enum", Name), ("rep", T).  "opaque" marks a field that exists in
# Tetragon but that nswatch never writes: writing it fails the check
# until its type is written down here.

MESSAGES = {
    # events.proto: GetEventsResponse (event oneof numbers 1, 5, 9, 10,
    # 11, 12, 27, 28, 29, 40000, 40001; 1000.. the envelope)
    "GetEventsResponse": {
        "process_exec": ("msg", "ProcessExec"),
        "process_exit": ("msg", "ProcessExit"),
        "process_kprobe": ("msg", "ProcessKprobe"),
        "process_tracepoint": "opaque",
        "process_loader": "opaque",
        "process_uprobe": "opaque",
        "process_throttle": ("msg", "ProcessThrottle"),
        "process_lsm": "opaque",
        "process_usdt": "opaque",
        "test": "opaque",
        "rate_limit_info": "opaque",
        "node_name": "string",
        "time": "ts",
        "aggregation_info": "opaque",
        "cluster_name": "string",
        "node_labels": "map_ss",
    },
    # events.proto: ProcessThrottle {ThrottleType type = 1; string cgroup = 2}
    "ProcessThrottle": {
        "type": ("enum", "ThrottleType"),
        "cgroup": "string",
    },
    # tetragon.proto
    "ProcessExec": {
        "process": ("msg", "Process"),
        "parent": ("msg", "Process"),
        "ancestors": ("rep", ("msg", "Process")),
    },
    "ProcessExit": {
        "process": ("msg", "Process"),
        "parent": ("msg", "Process"),
        "signal": "string",
        "status": "u32",
        "time": "ts",
        "ancestors": ("rep", ("msg", "Process")),
    },
    "ProcessKprobe": {
        "process": ("msg", "Process"),
        "parent": ("msg", "Process"),
        "function_name": "string",
        "args": ("rep", ("msg", "KprobeArgument")),
        "return": ("msg", "KprobeArgument"),
        "action": ("enum", "KprobeAction"),
        "kernel_stack_trace": "opaque",
        "policy_name": "string",
        "return_action": ("enum", "KprobeAction"),
        "message": "string",
        "tags": ("rep", "string"),
        "user_stack_trace": "opaque",
        "ancestors": ("rep", ("msg", "Process")),
        "data": ("rep", ("msg", "KprobeArgument")),
    },
    "Process": {
        "exec_id": "string",
        "pid": "w_u32",
        "uid": "w_u32",
        "cwd": "string",
        "binary": "string",
        "arguments": "string",
        "flags": "string",
        "start_time": "ts",
        "auid": "w_u32",
        "pod": ("msg", "Pod"),
        "docker": "string",
        "parent_exec_id": "string",
        "refcnt": "u32",
        "cap": ("msg", "Capabilities"),
        "ns": ("msg", "Namespaces"),
        "tid": "w_u32",
        "process_credentials": "opaque",
        "binary_properties": "opaque",
        "user": "opaque",
        "in_init_tree": "w_bool",
        "environment_variables": "opaque",
    },
    "Pod": {
        "namespace": "string",
        "name": "string",
        "uid": "string",
        "container": ("msg", "Container"),
        "pod_labels": "map_ss",
        "workload": "string",
        "workload_kind": "string",
        "pod_annotations": "map_ss",
    },
    "Container": {
        "id": "string",
        "name": "string",
        "image": ("msg", "Image"),
        "start_time": "ts",
        "pid": "w_u32",
        "maybe_exec_probe": "bool",
        "security_context": ("msg", "SecurityContext"),
    },
    "Image": {"id": "string", "name": "string"},
    "SecurityContext": {"privileged": "bool"},
    "Capabilities": {
        "permitted": ("rep", ("enum", "CapabilitiesType")),
        "effective": ("rep", ("enum", "CapabilitiesType")),
        "inheritable": ("rep", ("enum", "CapabilitiesType")),
    },
    "Namespaces": {k: ("msg", "Namespace") for k in (
        "uts", "ipc", "mnt", "pid", "pid_for_children", "net", "time",
        "time_for_children", "cgroup", "user")},
    "Namespace": {"inum": "u32", "is_host": "bool"},
    # KprobeArgument: a oneof `arg` plus `string label = 18`
    "KprobeArgument": {
        "string_arg": "string",
        "int_arg": "i32",
        "skb_arg": "opaque",
        "size_arg": "u64",
        "bytes_arg": "bytes",
        "path_arg": "opaque",
        "file_arg": "opaque",
        "truncated_bytes_arg": "opaque",
        "sock_arg": "opaque",
        "cred_arg": "opaque",
        "long_arg": "i64",
        "bpf_attr_arg": "opaque",
        "perf_event_arg": "opaque",
        "bpf_map_arg": "opaque",
        "uint_arg": "u32",
        "user_namespace_arg": "opaque",
        "capability_arg": "opaque",
        "process_credentials_arg": "opaque",
        "user_ns_arg": "opaque",
        "module_arg": "opaque",
        "linux_binprm_arg": "opaque",
        "net_dev_arg": "opaque",
        "bpf_cmd_arg": "opaque",
        "syscall_id": "opaque",
        "sockaddr_arg": "opaque",
        "bpf_prog_arg": "opaque",
        "error_arg": "opaque",
        "sockaddrun_arg": "opaque",
        "label": "string",
    },
}

# oneofs: at most one member may be present (protojson refuses two)
ONEOFS = {
    "GetEventsResponse": [k for k, t in MESSAGES["GetEventsResponse"].items()
                          if k not in ("node_name", "time",
                                       "aggregation_info", "cluster_name",
                                       "node_labels")],
    "KprobeArgument": [k for k in MESSAGES["KprobeArgument"]
                       if k != "label"],
}

ENUMS = {
    "ThrottleType": ["THROTTLE_UNKNOWN", "THROTTLE_START", "THROTTLE_STOP"],
    "KprobeAction": [
        "KPROBE_ACTION_UNKNOWN", "KPROBE_ACTION_POST",
        "KPROBE_ACTION_FOLLOWFD", "KPROBE_ACTION_SIGKILL",
        "KPROBE_ACTION_UNFOLLOWFD", "KPROBE_ACTION_OVERRIDE",
        "KPROBE_ACTION_COPYFD", "KPROBE_ACTION_GETURL",
        "KPROBE_ACTION_DNSLOOKUP", "KPROBE_ACTION_NOPOST",
        "KPROBE_ACTION_SIGNAL", "KPROBE_ACTION_TRACKSOCK",
        "KPROBE_ACTION_UNTRACKSOCK", "KPROBE_ACTION_NOTIFYENFORCER",
        "KPROBE_ACTION_CLEANUPENFORCERNOTIFICATION", "KPROBE_ACTION_SET",
    ],
    # capabilities.proto: values 0..40; value 1 is spelled DAC_OVERRIDE
    "CapabilitiesType": [
        "CAP_CHOWN", "DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
        "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
        "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ],
}

# our extension: a top-level key Tetragon discards
EXTENSION_KEYS = {"nswatch"}
# a line of its own: {"nswatch_stats": {...}, "node_name", "time"}
STATS_KEY = "nswatch_stats"

TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.(\d{3}|\d{6}|\d{9}))?Z$")
U64_RE = re.compile(r"^(0|[1-9][0-9]*)$")
I64_RE = re.compile(r"^-?(0|[1-9][0-9]*)$")
B64_RE = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_scalar(t, v, path, errs, in_oneof):
    ok = True
    zero = False
    if t == "string":
        ok = isinstance(v, str)
        zero = v == ""
    elif t in ("u32", "w_u32"):
        ok = is_int(v) and 0 <= v <= 0xffffffff
        zero = v == 0
    elif t in ("i32", "w_i32"):
        ok = is_int(v) and -0x80000000 <= v <= 0x7fffffff
        zero = v == 0
    elif t == "u64":
        ok = isinstance(v, str) and bool(U64_RE.match(v)) and \
            int(v) < 1 << 64
        zero = v == "0"
    elif t == "i64":
        ok = isinstance(v, str) and bool(I64_RE.match(v)) and \
            -(1 << 63) <= int(v) < 1 << 63
        zero = v == "0"
    elif t in ("bool", "w_bool"):
        ok = isinstance(v, bool)
        zero = v is False
    elif t == "bytes":
        ok = isinstance(v, str) and bool(B64_RE.match(v)) and \
            len(v) % 4 == 0
        zero = v == ""
    elif t == "ts":
        ok = isinstance(v, str) and bool(TS_RE.match(v))
    elif t == "map_ss":
        ok = isinstance(v, dict) and \
            all(isinstance(x, str) for x in v.values())
    else:
        errs.append(f"{path}: no such type {t!r} in the facts")
        return
    if not ok:
        errs.append(f"{path}: {json.dumps(v)} is not a {t}")
    elif zero and not t.startswith("w_") and not in_oneof:
        errs.append(f"{path}: zero value {json.dumps(v)} written "
                    f"(protojson omits it)")


def check_value(t, v, path, errs, in_oneof=False):
    if t == "opaque":
        errs.append(f"{path}: Tetragon field nswatch does not write "
                    f"(its type is not in our facts)")
    elif isinstance(t, tuple) and t[0] == "rep":
        if not isinstance(v, list):
            errs.append(f"{path}: not an array")
            return
        if not v:
            errs.append(f"{path}: empty array written (protojson "
                        f"omits it)")
        for i, x in enumerate(v):
            check_value(t[1], x, f"{path}[{i}]", errs)
    elif isinstance(t, tuple) and t[0] == "msg":
        check_msg(t[1], v, path, errs)
    elif isinstance(t, tuple) and t[0] == "enum":
        if not isinstance(v, str) or v not in ENUMS[t[1]]:
            errs.append(f"{path}: {json.dumps(v)} is not a "
                        f"{t[1]} name")
    else:
        check_scalar(t, v, path, errs, in_oneof)


def check_msg(name, obj, path, errs):
    if not isinstance(obj, dict):
        errs.append(f"{path}: not an object ({name})")
        return
    fields = MESSAGES[name]
    oneof = ONEOFS.get(name, [])
    members = [k for k in obj if k in oneof]
    if len(members) > 1:
        errs.append(f"{path}: several members of a oneof: {members}")
    for k, v in obj.items():
        p = f"{path}.{k}" if path else k
        if k not in fields:
            errs.append(f"{p}: not a field of Tetragon's {name}")
            continue
        check_value(fields[k], v, p, errs, in_oneof=k in oneof)


def check_line(obj, errs):
    if not isinstance(obj, dict):
        errs.append("line is not a JSON object")
        return
    if STATS_KEY in obj:
        extra = set(obj) - {STATS_KEY, "node_name", "time"}
        if extra:
            errs.append(f"stats line with other keys: {sorted(extra)}")
        env = {k: v for k, v in obj.items() if k != STATS_KEY}
        check_msg("GetEventsResponse", env, "", errs)
        return
    env = {k: v for k, v in obj.items() if k not in EXTENSION_KEYS}
    if "nswatch" in obj and not isinstance(obj["nswatch"], dict):
        errs.append("nswatch: not an object")
    events = [k for k in env if k in ONEOFS["GetEventsResponse"]]
    if len(events) != 1:
        errs.append(f"{len(events)} event keys (want exactly one)")
    check_msg("GetEventsResponse", env, "", errs)


def main(argv):
    bad = 0
    lines = 0
    for fn in argv[1:] or ["-"]:
        f = sys.stdin if fn == "-" else open(fn, encoding="utf-8")
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            lines += 1
            errs = []
            try:
                obj = json.loads(line)
            except ValueError as e:
                errs.append(f"not JSON: {e}")
            else:
                check_line(obj, errs)
            for e in errs:
                bad += 1
                print(f"{fn}:{n}: {e}")
    print(f"# {lines} lines, {bad} problems", file=sys.stderr)
    return 1 if bad or not lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
