#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run Splunk's "Cisco Isovalent - Nsenter Usage in Kubernetes Pod" on
nswatch output, without Splunk.

The detection (splunk/security_content,
detections/endpoint/cisco_isovalent___nsenter_usage_in_kubernetes_pod.yml,
search identical in its v3 and v4 of 2026-03) is, with its macros
expanded (`cisco_isovalent_process_exec` is only
`sourcetype=cisco:isovalent:processExec`; the `_filter` macro is empty;
`security_content_ctime` only formats the two times):

  sourcetype=cisco:isovalent:processExec process_name="nsenter"
  | eval WorkloadAncestorsBinary=mvjoin(parent_process_name, " <- ")
  | stats count min(_time) as firstTime max(_time) as lastTime
          values(process) as process
          values(WorkloadAncestorsBinary) as WorkloadAncestorsBinary
    by cluster_name container_id pod_name pod_namespace pod_image_name
       parent_process_name process_name process_exec process_id node_name

This program mirrors, step by step:
 1. index time: the sourcetype.  Every line enters as cisco:isovalent
    (contrib/splunk/inputs.conf); the REGEX of the transform that
    props.conf's [cisco:isovalent] TRANSFORMS-* names
    (contrib/splunk/transforms.conf) re-types matching lines to its
    FORMAT's sourcetype.  Lines are never cut: props.conf must say
    TRUNCATE = 0.
 2. search time: KV_MODE = json gives every JSON leaf as a field named by
    its dotted path (arrays as multivalue fields, not needed here);
    top-level node_name/cluster_name/time are fields as they are.  Then
    each EVAL-<field> of the event's sourcetype stanza in
    contrib/splunk/props.conf.  Only the expressions in EVAL_FORMS below
    are understood; an EVAL this program does not know fails the run, so
    props.conf and this mirror cannot drift apart.  The Cisco Security
    Cloud app's own props are not public; its field list
    (data_sources/cisco_isovalent_process_exec.yml: cluster_name,
    container_id, pod_name, pod_namespace, pod_image_name, process,
    process_name, process_id, process_exec, parent_process_name, ...)
    and its sample events fix what each field must hold, and our props.conf
    derives them that way.
 3. the search: `process_name="nsenter"` (a search-time field comparison:
    case-insensitive value match), the eval, and stats ... by, which
    drops every event in which any BY field is null (absent or empty).

usage: splunk-nsenter.py CONTRIB_SPLUNK_DIR FILE...
prints one JSON object per stats row (the BY fields, count,
WorkloadAncestorsBinary, process) and, on stderr, the fields of every
nsenter exec event that had a null BY field (why it fell out).
"""
import configparser
import json
import re
import sys

BY = ["cluster_name", "container_id", "pod_name", "pod_namespace",
      "pod_image_name", "parent_process_name", "process_name",
      "process_exec", "process_id", "node_name"]
SOURCETYPE_IN = "cisco:isovalent"
SOURCETYPE_EXEC = "cisco:isovalent:processExec"


def field(ev, name):
    """A field as KV_MODE=json or an EVAL left it; None when null."""
    v = ev.get(name)
    return None if v is None or v == "" else v


# The EVAL expression forms we understand (SPL text with the single
# quoted field names replaced by A and B) and what they compute.
def _basename(a):
    return None if a is None else re.sub(r"^.*/", "", str(a))


def _coalesce(*vals):
    for v in vals:
        if v is not None:
            return v
    return None


def _cmdline(a, b):
    if a is None:
        return None     # null . "x" is null in SPL
    return (str(a) + " " + ("" if b is None else str(b))).strip()


EVAL_FORMS = [
    (r"^replace\('([^']+)', \"\^\.\*/\", \"\"\)$",
     lambda ev, a: _basename(field(ev, a))),
    (r"^replace\(coalesce\('([^']+)', '([^']+)'\), \"\^\.\*/\", \"\"\)$",
     lambda ev, a, b: _basename(_coalesce(field(ev, a), field(ev, b)))),
    (r"^'([^']+)'$",
     lambda ev, a: field(ev, a)),
    (r"^coalesce\('([^']+)', '([^']+)'\)$",
     lambda ev, a, b: _coalesce(field(ev, a), field(ev, b))),
    (r"^trim\('([^']+)' \. \" \" \. coalesce\('([^']+)', \"\"\)\)$",
     lambda ev, a, b: _cmdline(field(ev, a), field(ev, b))),
]


def compile_eval(expr):
    for pat, fn in EVAL_FORMS:
        m = re.match(pat, expr)
        if m:
            return lambda ev, fn=fn, g=m.groups(): fn(ev, *g)
    raise SystemExit(f"props.conf: EVAL expression not mirrored here: "
                     f"{expr}")


def load_conf(path):
    cp = configparser.ConfigParser(interpolation=None, strict=True,
                                   delimiters=("=",),
                                   comment_prefixes=("#",))
    cp.optionxform = str
    with open(path, encoding="utf-8") as f:
        cp.read_file(f)
    return cp


def flatten(obj, prefix, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            flatten(v, f"{prefix}.{k}" if prefix else k, out)
    elif isinstance(obj, list):
        pass        # multivalue fields: not read by this detection
    elif isinstance(obj, bool):
        out[prefix] = "true" if obj else "false"
    else:
        out[prefix] = obj


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    d = argv[1]
    props = load_conf(f"{d}/props.conf")
    transforms = load_conf(f"{d}/transforms.conf")
    for st in (SOURCETYPE_IN, SOURCETYPE_EXEC):
        if props.get(st, "TRUNCATE", fallback=None) != "0":
            raise SystemExit(f"props.conf [{st}]: TRUNCATE must be 0")
    routes = []
    for k, v in props[SOURCETYPE_IN].items():
        if not k.startswith("TRANSFORMS-"):
            continue
        for name in (x.strip() for x in v.split(",")):
            t = transforms[name]
            if t.get("DEST_KEY") != "MetaData:Sourcetype":
                continue
            fmt = t["FORMAT"]
            assert fmt.startswith("sourcetype::"), fmt
            routes.append((re.compile(t["REGEX"]),
                           fmt[len("sourcetype::"):]))
    evals = {}
    for st in (SOURCETYPE_IN, SOURCETYPE_EXEC):
        evals[st] = [(k[len("EVAL-"):], compile_eval(v))
                     for k, v in props[st].items() if k.startswith("EVAL-")]

    rows = {}
    for fn in argv[2:]:
        with open(fn, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line:
                    continue
                st = SOURCETYPE_IN
                for rx, to in routes:
                    if rx.search(line):
                        st = to
                        break
                ev = {}
                flatten(json.loads(line), "", ev)
                ev["sourcetype"] = st
                # SPL evaluates all EVAL-* of a stanza against the
                # extracted fields, not against each other
                ev.update({k: f(ev) for k, f in evals.get(st, [])})
                # the search
                if st != SOURCETYPE_EXEC:
                    continue
                pn = field(ev, "process_name")
                if pn is None or str(pn).lower() != "nsenter":
                    continue
                key = tuple(field(ev, b) for b in BY)
                if any(v is None for v in key):
                    print("dropped by stats (null BY field): " +
                          json.dumps({b: field(ev, b) for b in BY}),
                          file=sys.stderr)
                    continue
                r = rows.setdefault(key, {"count": 0, "process": set(),
                                          "WorkloadAncestorsBinary": set(),
                                          "firstTime": None,
                                          "lastTime": None})
                r["count"] += 1
                if field(ev, "process") is not None:
                    r["process"].add(str(field(ev, "process")))
                # mvjoin of a single value is the value
                r["WorkloadAncestorsBinary"].add(
                    str(field(ev, "parent_process_name")))
                t = field(ev, "time")
                r["firstTime"] = min(filter(None, [r["firstTime"], t]))
                r["lastTime"] = max(filter(None, [r["lastTime"], t]))
    for key, r in rows.items():
        out = dict(zip(BY, key))
        out.update(count=r["count"], firstTime=r["firstTime"],
                   lastTime=r["lastTime"], process=sorted(r["process"]),
                   WorkloadAncestorsBinary=sorted(
                       r["WorkloadAncestorsBinary"]))
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
