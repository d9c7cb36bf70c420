#!/usr/bin/env bash
# A/B of the admission decision (AdmissionBenchmark) between two builds of bench/jmh, e.g.
# before and after a change: the two jars alternate, ROUNDS rounds (default 5), one JMH fork
# each (3 warm-up + 5 measurement iterations of 1 s, -prof gc). Prints per scenario the median
# ns per decision and bytes per decision of each build, and the median after/before ratio with
# its min-max over the rounds; writes all runs into one JSON under bench/results/.
#   bench/jmh/admission-ab.sh BEFORE.jar AFTER.jar
# A jar of an older commit: git worktree add /tmp/before REV && (cd /tmp/before &&
#   mvn -B -q -DskipTests -pl bench/jmh -am package) && cp /tmp/before/bench/jmh/target/benchmarks.jar BEFORE.jar
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
before="${1:?usage: admission-ab.sh BEFORE.jar AFTER.jar}"
after="${2:?usage: admission-ab.sh BEFORE.jar AFTER.jar}"
rounds="${ROUNDS:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stamp="$(date -u +%Y%m%dT%H%MZ)"
for r in $(seq 1 "$rounds"); do
    for c in before after; do
        jar="$before"; [ "$c" = after ] && jar="$after"
        load="$(cut -d' ' -f1-3 /proc/loadavg)"
        echo "round $r $c (load average $load)" >&2
        timeout 300 java -jar "$jar" AdmissionBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc \
            -rf json -rff "$work/$c-$r.json" > "$work/$c-$r.out" 2>&1
        echo "$load" > "$work/$c-$r.load"
    done
done
python3 - "$work" "$here/../results/jmh-admission-ab-$stamp.json" <<'PY'
import json, glob, statistics, sys, os
work, out = sys.argv[1], sys.argv[2]
runs, res = [], {}
for f in sorted(glob.glob(f"{work}/*.json")):
    name = os.path.basename(f)[:-5]
    contender, rnd = name.rsplit("-", 1)
    load = open(f"{work}/{name}.load").read().strip()
    for b in json.load(open(f)):
        sc = b["params"]["scenario"]
        ns = b["primaryMetric"]["score"]
        alloc = b["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")
        runs.append({"contender": contender, "round": int(rnd), "scenario": sc, "loadAverage": load,
                     "nsPerDecision": ns, "bytesPerDecision": alloc})
        res.setdefault(sc, {}).setdefault(contender, {})[int(rnd)] = (ns, alloc)
json.dump({"benchmark": "AdmissionBenchmark.admitAndRelease", "runs": runs}, open(out, "w"), indent=1)
print("| scenario | before ns (min-max) | after ns (min-max) | after/before median (min-max) | B/op before / after |")
print("| --- | --- | --- | --- | --- |")
for sc, by in res.items():
    common = sorted(set(by.get("before", {})) & set(by.get("after", {})))
    ratio = [by["after"][r][0] / by["before"][r][0] for r in common]
    def cell(c):
        v = [x[0] for x in by.get(c, {}).values()]
        return "%.0f (%.0f-%.0f)" % (statistics.median(v), min(v), max(v)) if v else "-"
    def alloc(c):
        return "%.3f" % max(x[1] for x in by[c].values()) if c in by else "-"
    rcell = "%.2f (%.2f-%.2f)" % (statistics.median(ratio), min(ratio), max(ratio)) if ratio else "-"
    print(f"| {sc} | {cell('before')} | {cell('after')} | {rcell} | {alloc('before')} / {alloc('after')} |")
print(f"JSON: {out}", file=sys.stderr)
PY
