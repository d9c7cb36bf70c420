#!/usr/bin/env bash
# GSLB report interval down to 1 ms (SPEC G1): one real branch appliance reporting to one real
# aggregator appliance (`spillway run`, the launcher's JVM flags) every INTERVALS (each in turn),
# idle otherwise. After WARMUP seconds, measures each process's CPU (user + system, from
# /proc/PID/stat) over MEASURE seconds, and samples the aggregator's view of the branch
# (/api/v1/gslb/sites: lastReportAgeMs, interval.millis) during the window.
#
# Usage: bench/gslb-interval/run.sh
# Environment: INTERVALS ("1ms 100ms"), WARMUP (5 s), MEASURE (10 s).
# Output: a table on stdout; processes stopped by pid (EXIT trap).
set -euo pipefail
INTERVALS=${INTERVALS:-"1ms 100ms"}
WARMUP=${WARMUP:-5}
MEASURE=${MEASURE:-10}
. "$(dirname "$0")/../lib/common.sh"
ROOT="$REPO_ROOT"
SECRET=interval-bench-secret
TOKEN=interval-bench-token
bench_init gslb-interval
"$ROOT/bin/spillway" --help >/dev/null 2>&1 || true   # builds the fat jar when missing
LAUNCHER_FLAGS="-XX:+UseParallelGC -XX:TrimNativeHeapInterval=1000 -Dio.netty.leakDetection.level=disabled"
HZ=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

printf '| interval | branch CPU (%% of a core) | aggregator CPU (%% of a core) | last report age at the aggregator (ms, max of %s samples) | interval.millis reported (min–max) |\n' 20
printf '| --- | --- | --- | --- | --- |\n'
for interval in $INTERVALS; do
  read -r px pa pv <<<"$(free_ports 3)"
  cat >"$WORK/agg.yaml" <<YAML
admin: {listen: 127.0.0.1:$pa, token: $TOKEN}
gslb:
  site: agg
  role: aggregator
  exchange: {listen: 127.0.0.1:$px, interval: $interval, staleAfter: 3s, secret: $SECRET}
  domains:
    - name: app.example.test
YAML
  cat >"$WORK/branch.yaml" <<YAML
services:
  - {name: web, address: 127.0.0.1:9, protocol: http, capacity: 100}
vservers:
  - {name: shop, listen: 127.0.0.1:$pv, protocol: http, services: [web]}
gslb:
  site: branch-a
  role: branch
  exchange: {aggregator: 127.0.0.1:$px, interval: $interval, staleAfter: 3s, secret: $SECRET}
  publish:
    - {domain: app.example.test, vserver: shop, address: 127.0.0.1:$pv}
YAML
  bench_start "agg-$interval" env SPILLWAY_JAVA_OPTS="$LAUNCHER_FLAGS" "$ROOT/bin/spillway" run -c "$WORK/agg.yaml"
  agg=$STARTED_PID
  wait_port "$px" "$agg" 60 || die "aggregator did not listen (see $WORK/agg-$interval.log)"
  bench_start "branch-$interval" env SPILLWAY_JAVA_OPTS="$LAUNCHER_FLAGS" "$ROOT/bin/spillway" run -c "$WORK/branch.yaml"
  branch=$STARTED_PID
  wait_port "$pv" "$branch" 60 || die "branch did not listen (see $WORK/branch-$interval.log)"
  sleep "$WARMUP"
  b0=$(cpu_ticks "$branch"); a0=$(cpu_ticks "$agg"); t0=$(date +%s.%N)
  ages=(); millis=()
  for _ in $(seq 20); do
    sleep "$(python3 -c "print($MEASURE / 20)")"
    read -r age ms < <(curl -s -m 5 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$pa/api/v1/gslb/sites" \
      | python3 -c 'import json,sys; s=[x for x in json.load(sys.stdin) if x["site"]=="branch-a"][0]; print(s["lastReportAgeMs"], s["domains"][0]["interval"]["millis"])')
    ages+=("$age"); millis+=("$ms")
  done
  b1=$(cpu_ticks "$branch"); a1=$(cpu_ticks "$agg"); t1=$(date +%s.%N)
  python3 - "$interval" "$HZ" "$t0" "$t1" "$b0" "$b1" "$a0" "$a1" "${ages[*]}" "${millis[*]}" <<'PY'
import sys
interval, hz, t0, t1, b0, b1, a0, a1, ages, millis = sys.argv[1:]
wall = float(t1) - float(t0)
pct = lambda x0, x1: 100.0 * (int(x1) - int(x0)) / int(hz) / wall
ages = [int(a) for a in ages.split()]
millis = [int(m) for m in millis.split()]
print(f"| {interval} | {pct(b0, b1):.1f} | {pct(a0, a1):.1f} | {max(ages)} | {min(millis)}–{max(millis)} |")
PY
  bench_stop "$branch"; bench_stop "$agg"
done
