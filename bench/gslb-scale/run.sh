#!/usr/bin/env bash
# GSLB at scale: BRANCHES simulated branches (ScaleBench, over the real exchange protocol) report
# every INTERVAL_MS to aggregator A of two real `spillway run` aggregators, A and B, peered with
# each other. Reports A's CPU per report (and B's CPU per relayed report) and convergence of a load
# change to both aggregators. Contenders alternate round by round (A B A B ...).
#
# Usage: bench/gslb-scale/run.sh
# Environment: BRANCHES (1000), INTERVAL_MS (100), ROUNDS (5), WARMUP (20 s), MEASURE (20 s),
#   CHANGES (40 per round), SPLIT (0: every branch reports to A; 1: half to A, half to B),
#   CONTENDERS ("current", or e.g. "base=/tmp/old.jar current": name=jar, where "current" runs
#   bin/spillway, i.e. the fat jar of this checkout, built when stale), JFR_DIR (record aggregator A
#   with JFR's profile settings into this directory).
# Output: one JSON line per round and contender in bench/results/gslb-scale-<date>.jsonl, and a summary.
# Bounded: observers get 60 s to connect, then branches connect in batches of 50, each given at
# most 10 s; the driver gives up after that + WARMUP + MEASURE + 120 s; the script kills it 15 s
# later. A failed round is logged and left out of the summary.
set -euo pipefail
BRANCHES=${BRANCHES:-1000}
INTERVAL_MS=${INTERVAL_MS:-100}
WARMUP=${WARMUP:-20}
MEASURE=${MEASURE:-20}
CHANGES=${CHANGES:-40}
SPLIT=${SPLIT:-0}
CONTENDERS=${CONTENDERS:-current}
. "$(dirname "$0")/../lib/common.sh"
ROOT="$REPO_ROOT"
SECRET=scale-bench-secret
STAMP=$(date -u +%Y-%m-%dT%H-%M-%S)
OUT="$RESULTS_DIR/gslb-scale-$STAMP.jsonl"
COMMIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
bench_init gslb-scale

log "compiling the driver (spillway-gslb test classes) and the appliance"
BUILD=(mvn -B -q -pl spillway-gslb -am test-compile
       org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
       -Dmdep.outputFile="$WORK/cp" -Dmdep.includeScope=test)
(cd "$ROOT" && timeout 600 "${BUILD[@]}" -o >/dev/null 2>&1) || (cd "$ROOT" && timeout 600 "${BUILD[@]}" >/dev/null)
CP="$ROOT/spillway-gslb/target/test-classes:$ROOT/spillway-gslb/target/classes:$(cat "$WORK/cp")"
SPILLWAY_REBUILD=1 "$ROOT/bin/spillway" --help >/dev/null 2>&1 || true   # builds the fat jar when stale
LAUNCHER_FLAGS="-XX:+UseParallelGC -XX:TrimNativeHeapInterval=1000 -Dio.netty.leakDetection.level=disabled"

aggregator_config() { # site listen peer
  cat <<YAML
gslb:
  site: $1
  role: aggregator
  exchange:
    listen: 127.0.0.1:$2
    peers: [127.0.0.1:$3]
    interval: ${INTERVAL_MS}ms
    secret: $SECRET
  domains:
    - {name: app.example.test, method: leastload, ttl: 5s}
YAML
}

start_aggregator() { # name contender-jar config [extra JVM flags]; sets STARTED_PID
  if [ "$2" = current ]; then
    bench_start "$1" env SPILLWAY_JAVA_OPTS="$LAUNCHER_FLAGS ${4:-}" "$ROOT/bin/spillway" run -c "$3"
  else
    bench_start "$1" java $LAUNCHER_FLAGS ${4:-} -jar "$2" run -c "$3"
  fi
}

log "$BRANCHES branches every $INTERVAL_MS ms, $ROUNDS rounds, contenders: $CONTENDERS; results: $OUT"
for round in $(seq "$ROUNDS"); do
  for contender in $CONTENDERS; do
    name=${contender%%=*}; jar=${contender#*=}
    read -r pa pb <<<"$(free_ports 2)"
    aggregator_config agg-a "$pa" "$pb" >"$WORK/a.yaml"
    aggregator_config agg-b "$pb" "$pa" >"$WORK/b.yaml"
    jfr=""; [ -n "${JFR_DIR:-}" ] && jfr="-XX:StartFlightRecording:filename=$JFR_DIR/a-$name-$round.jfr,settings=profile"
    start_aggregator "a-$name-$round" "$jar" "$WORK/a.yaml" "$jfr"; pid_a=$STARTED_PID
    start_aggregator "b-$name-$round" "$jar" "$WORK/b.yaml"; pid_b=$STARTED_PID
    wait_port "$pa" "$pid_a" 120 || die "aggregator A did not listen (see $WORK/a-$name-$round.log)"
    wait_port "$pb" "$pid_b" 120 || die "aggregator B did not listen (see $WORK/b-$name-$round.log)"
    targets=$pa; [ "$SPLIT" = 1 ] && targets="$pa,$pb"
    log "round $round $name: aggregators A :$pa (pid $pid_a), B :$pb (pid $pid_b); load average $(cut -d' ' -f1-3 /proc/loadavg)"
    timeout $((WARMUP + MEASURE + 10 * (BRANCHES / 50 + 1) + 195)) java -Xmx512m -cp "$CP" io.spillway.gslb.hierarchy.ScaleBench \
      "$SECRET" "$targets" "$pa,$pb" "$pid_a,$pid_b" "$BRANCHES" "$INTERVAL_MS" "$WARMUP" "$MEASURE" "$CHANGES" \
      "$OUT" "$name round $round commit $COMMIT" >"$WORK/driver-$name-$round.log" 2>&1 \
      || log "round $round $name failed: $(tail -n 2 "$WORK/driver-$name-$round.log" | tr '\n' ' ')"
    grep -E "connected;|cpu per report|convergence \(" "$WORK/driver-$name-$round.log" >&2 || true
    bench_stop "$pid_a"; bench_stop "$pid_b"
  done
done
log "summary (cpu per report at A, us; convergence p99, intervals):"
python3 - "$OUT" <<'PY'
import json, sys, statistics
try:
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
except FileNotFoundError:
    rows = []
by = {}
for r in rows:
    name = r["label"].split(" round ")[0]
    by.setdefault(name, []).append(r)
for name, rs in by.items():
    rs = [r for r in rs if r["aggregators"][0]["cpuPerReportUs"] is not None]
    if not rs:
        continue
    cpu = [r["aggregators"][0]["cpuPerReportUs"] for r in rs]
    p99 = [r["convergence"]["p99Intervals"] for r in rs]
    print(f"{name}: cpu/report median {statistics.median(cpu):.1f} us (min {min(cpu):.1f}, max {max(cpu):.1f}); "
          f"convergence p99 median {statistics.median(p99):.2f} intervals (min {min(p99):.2f}, max {max(p99):.2f}); "
          f"load averages {[r['loadAverage'] for r in rs]}")
names = list(by)
if len(names) == 2:
    a, b = (by[n] for n in names)
    ratios = [x["aggregators"][0]["cpuPerReportUs"] / y["aggregators"][0]["cpuPerReportUs"] for x, y in zip(a, b)]
    print(f"cpu per report {names[0]}/{names[1]}: median {statistics.median(ratios):.2f} "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f})")
PY
