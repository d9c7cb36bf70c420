#!/usr/bin/env python3
"""Summarizes a JFR recording's CPU samples (jdk.ExecutionSample) and allocation samples
(jdk.ObjectAllocationSample) of the threads whose name contains FILTER: the top frames (self)
and the methods on the stack (total), as shares of the samples.

    bench/lib/jfr-top.py RECORDING.jfr [FILTER] [N]
"""
import collections, json, subprocess, sys

path = sys.argv[1]
thread_filter = sys.argv[2] if len(sys.argv) > 2 else ""
top_n = int(sys.argv[3]) if len(sys.argv) > 3 else 25


def events(kind):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", kind, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def frame(f):
    m = f["method"]
    return m["type"]["name"].split(".")[-1] + "." + m["name"]


def thread_name(e):
    t = e["values"].get("sampledThread") or e["values"].get("eventThread") or {}
    return t.get("javaName") or t.get("osName") or ""


for kind, weight_key in (("jdk.ExecutionSample", None), ("jdk.ObjectAllocationSample", "weight")):
    self_w, total_w, n = collections.Counter(), collections.Counter(), 0
    for e in events(kind):
        if thread_filter not in thread_name(e):
            continue
        frames = (e["values"].get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        w = e["values"].get(weight_key, 1) if weight_key else 1
        n += w
        self_w[frame(frames[0])] += w
        for name in set(frame(f) for f in frames):
            total_w[name] += w
    if n == 0:
        print(f"{kind}: no samples")
        continue
    unit = "bytes" if weight_key else "samples"
    print(f"== {kind}: {n} {unit} on threads matching '{thread_filter}'")
    print("-- self")
    for name, w in self_w.most_common(top_n):
        print(f"{100.0 * w / n:6.1f}%  {name}")
    print("-- total (on the stack)")
    for name, w in total_w.most_common(top_n):
        print(f"{100.0 * w / n:6.1f}%  {name}")
