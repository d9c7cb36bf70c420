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
# Bounded: the driver gives up after WARMUP + MEASURE + 120 s; the script kills it after 15 more.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BRANCHES=${BRANCHES:-1000}
INTERVAL_MS=${INTERVAL_MS:-100}
ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-20}
MEASURE=${MEASURE:-20}
CHANGES=${CHANGES:-40}
SPLIT=${SPLIT:-0}
CONTENDERS=${CONTENDERS:-current}
SECRET=scale-bench-secret
WORK=$(mktemp -d /tmp/spillway-bench-scale.XXXXXX)
STAMP=$(date -u +%Y-%m-%dT%H-%M-%S)
OUT="$ROOT/bench/results/gslb-scale-$STAMP.jsonl"
COMMIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
PIDS=()

log() { echo "[gslb-scale] $*" >&2; }
stop_all() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  PIDS=()
}
cleanup() { stop_all; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_port() {
  for _ in $(seq 600); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.1
  done
  log "port $1 did not open"; return 1
}

log "compiling the driver (spillway-gslb test classes) and the appliance"
BUILD=(mvn -B -q -pl spillway-gslb -am test-compile
       org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
       -Dmdep.outputFile="$WORK/cp" -Dmdep.includeScope=test)
(cd "$ROOT" && timeout 600 "${BUILD[@]}" -o >/dev/null 2>&1) || (cd "$ROOT" && timeout 600 "${BUILD[@]}" >/dev/null)
CP="$ROOT/spillway-gslb/target/test-classes:$ROOT/spillway-gslb/target/classes:$(cat "$WORK/cp")"
"$ROOT/bin/spillway" --help >/dev/null 2>&1 || true   # builds the fat jar when stale
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

start_aggregator() { # contender-jar config log [extra JVM flags]
  if [ "$1" = current ]; then
    SPILLWAY_JAVA_OPTS="$LAUNCHER_FLAGS ${4:-}" "$ROOT/bin/spillway" run -c "$2" >"$3" 2>&1 &
  else
    java $LAUNCHER_FLAGS ${4:-} -jar "$1" run -c "$2" >"$3" 2>&1 &
  fi
  PIDS+=($!)
}

log "$BRANCHES branches every $INTERVAL_MS ms, $ROUNDS rounds, contenders: $CONTENDERS; results: $OUT"
for round in $(seq "$ROUNDS"); do
  for contender in $CONTENDERS; do
    name=${contender%%=*}; jar=${contender#*=}
    pa=$(free_port); pb=$(free_port)
    aggregator_config agg-a "$pa" "$pb" >"$WORK/a.yaml"
    aggregator_config agg-b "$pb" "$pa" >"$WORK/b.yaml"
    jfr=""; [ -n "${JFR_DIR:-}" ] && jfr="-XX:StartFlightRecording:filename=$JFR_DIR/a-$name-$round.jfr,settings=profile"
    start_aggregator "$jar" "$WORK/a.yaml" "$WORK/a-$name-$round.log" "$jfr"; pid_a=${PIDS[-1]}
    start_aggregator "$jar" "$WORK/b.yaml" "$WORK/b-$name-$round.log"; pid_b=${PIDS[-1]}
    wait_port "$pa"; wait_port "$pb"
    targets=$pa; [ "$SPLIT" = 1 ] && targets="$pa,$pb"
    log "round $round $name: aggregators A :$pa (pid $pid_a), B :$pb (pid $pid_b); load average $(cut -d' ' -f1-3 /proc/loadavg)"
    timeout $((WARMUP + MEASURE + 135)) java -Xmx512m -cp "$CP" io.spillway.gslb.hierarchy.ScaleBench \
      "$SECRET" "$targets" "$pa,$pb" "$pid_a,$pid_b" "$BRANCHES" "$INTERVAL_MS" "$WARMUP" "$MEASURE" "$CHANGES" \
      "$OUT" "$name round $round commit $COMMIT"
    stop_all
  done
done
log "summary (cpu per report at A, us; convergence p99, intervals):"
python3 - "$OUT" <<'PY'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    name = r["label"].split(" round ")[0]
    by.setdefault(name, []).append(r)
for name, rs in by.items():
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
