#!/usr/bin/env bash
# GSLB DNS answers: the real appliance (`bin/spillway run`, an aggregator fed by one branch over
# the exchange protocol) against gdnsd serving the same names from a static zone, measured with
# dnsperf and the same query file. The two run alternately (S G S G ...) for ROUNDS rounds of
# SECS seconds each, after an unmeasured warm-up (WARMUP rounds for Spillway, default 4: the JVM
# compiles its hot paths first, slowly when the machine is busy; one for gdnsd); the figure is the median of the per-round ratios Spillway/gdnsd, with its
# min and max. Because the machine may be shared, each round also records the CPU time the
# server process used (utime + stime of every thread, /proc/PID/stat) per query answered: CPU
# per answer is far less sensitive to other processes than queries per second. The load
# average is recorded before and after and per round.
#
# Environment: ROUNDS (default 5), SECS (5), WARMUP (4), THREADS (server threads of each; default: cores),
# CLIENTS (dnsperf clients, 8), OUTSTANDING (dnsperf queries in flight, 200),
# PROFILE=1 (a JFR recording of the aggregator over the measured rounds, kept in bench/results).
# Needs root or the packages already installed: dnsperf gdnsd.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-5}
WARMUP=${WARMUP:-4}
THREADS=${THREADS:-$(nproc)}
CLIENTS=${CLIENTS:-8}
OUTSTANDING=${OUTSTANDING:-200}
PROFILE=${PROFILE:-0}
WORK=$(mktemp -d /tmp/spillway-bench-dns.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

log() { echo "[gslb-dns] $*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- tools -----------------------------------------------------------------
if ! command -v dnsperf >/dev/null || ! command -v gdnsd >/dev/null; then
  log "installing dnsperf and gdnsd"
  apt-get update >/dev/null
  apt-get install -y dnsperf gdnsd >/dev/null
fi
GDNSD=$(command -v gdnsd || echo /usr/sbin/gdnsd)

# --- the appliance's jar (the launcher builds it when missing or stale) ----------
log "building the appliance if needed"
SPILLWAY_REBUILD=1 timeout 600 "$ROOT/bin/spillway" --help >/dev/null 2>&1 || true  # builds the fat jar when stale
[ -f "$ROOT/spillway-app/target/spillway.jar" ] || { log "no spillway.jar"; exit 1; }

# A port free for both UDP and TCP on loopback.
free_port() {
  python3 - <<'EOF'
import socket
while True:
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close(); continue
    u.close(); t.close(); print(port); break
EOF
}

# Sends one A query for app1.example.com; succeeds when an answer with the query's id, NOERROR
# and an address comes back.
answers() {
  python3 - "$1" <<'EOF'
import socket, sys
q = bytes.fromhex("beef01000001000000000000") + b"".join(
    bytes([len(l)]) + l.encode() for l in "app1.example.com".split(".")) + b"\x00\x00\x01\x00\x01"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.5)
try:
    s.sendto(q, ("127.0.0.1", int(sys.argv[1]))); r = s.recv(4096)
    sys.exit(0 if r[:2] == b"\xbe\xef" and r[3] & 0x0f == 0 and r[7] > 0 else 1)
except OSError:
    sys.exit(1)
EOF
}

wait_answering() { # port name tries
  for _ in $(seq "${3:-100}"); do answers "$1" && return 0; sleep 0.2; done
  log "$2 does not answer on port $1"; return 1
}

NAMES="app1 app2 app3 app4"
ANSWER=127.0.0.21

# --- gdnsd with a static zone holding the same names -----------------------
GPORT=$(free_port)
mkdir -p "$WORK/gdnsd/zones" "$WORK/gdnsd/run" "$WORK/gdnsd/state"
cat > "$WORK/gdnsd/config" <<EOF
options => {
  listen => [ 127.0.0.1 ]
  dns_port => $GPORT
  udp_threads => $THREADS
  tcp_threads => 1
  run_dir => $WORK/gdnsd/run
  state_dir => $WORK/gdnsd/state
}
EOF
{
  echo '$TTL 3600'
  echo '@     SOA ns hostmaster 1 3600 600 604800 60'
  echo '@     NS  ns'
  echo 'ns    A   127.0.0.1'
  for n in $NAMES; do echo "$n  5 A $ANSWER"; done
} > "$WORK/gdnsd/zones/example.com"
"$GDNSD" -c "$WORK/gdnsd" start >"$WORK/gdnsd.log" 2>&1 &
PIDS+=($!)
GDNSD_PID=$!
wait_answering "$GPORT" gdnsd || { cat "$WORK/gdnsd.log" >&2; exit 1; }

# --- Spillway: an aggregator answering DNS, fed by one branch ----------------
SPORT=$(free_port)
EXCHANGE=$(free_port)
BACKEND=$(free_port)
VSERVER=$(free_port)
SECRET=bench-gslb-dns-secret
# the branch's one service: a static HTTP server (its monitor keeps the vServer UP)
(cd "$WORK" && exec timeout 3600 python3 -m http.server "$BACKEND" --bind 127.0.0.1 >"$WORK/backend.log" 2>&1) &
PIDS+=($!)
{
  cat <<EOF
gslb:
  site: agg-1
  role: aggregator
  exchange:
    listen: 127.0.0.1:$EXCHANGE
    interval: 1s
    secret: $SECRET
  dns: {listen: 127.0.0.1:$SPORT, zones: [example.com]}
  domains:
EOF
  for n in $NAMES; do echo "    - {name: $n.example.com, method: leastload, ttl: 5s}"; done
} > "$WORK/aggregator.yaml"
{
  cat <<EOF
services:
  - {name: web, address: 127.0.0.1:$BACKEND, protocol: http, capacity: 100}
vservers:
  - name: app
    listen: $ANSWER:$VSERVER
    protocol: http
    services: [web]
gslb:
  site: branch-1
  role: branch
  exchange:
    aggregator: 127.0.0.1:$EXCHANGE
    interval: 1s
    secret: $SECRET
  publish:
EOF
  for n in $NAMES; do echo "    - {domain: $n.example.com, vserver: app, address: $ANSWER:$VSERVER}"; done
} > "$WORK/branch.yaml"

BASE_OPTS="-XX:+UseParallelGC -XX:TrimNativeHeapInterval=1000 -Dio.netty.leakDetection.level=disabled"
STAMP=$(date -u +%Y-%m-%dT%H-%M-%SZ)
mkdir -p "$ROOT/bench/results"
JFR=""
AGG_OPTS="$BASE_OPTS"
if [ "$PROFILE" = 1 ]; then
  JFR="$ROOT/bench/results/gslb-dns-$STAMP.jfr"
  AGG_OPTS="$BASE_OPTS -XX:StartFlightRecording=settings=profile,filename=$JFR,dumponexit=true"
fi
SPILLWAY_JAVA_OPTS="$AGG_OPTS" timeout 3600 "$ROOT/bin/spillway" run -c "$WORK/aggregator.yaml" \
  --threads "$THREADS" >"$WORK/aggregator.log" 2>&1 &
PIDS+=($!)
AGG_PID=$!
SPILLWAY_JAVA_OPTS="$BASE_OPTS -Xmx128m -XX:TieredStopAtLevel=1" timeout 3600 "$ROOT/bin/spillway" run \
  -c "$WORK/branch.yaml" --threads 1 >"$WORK/branch.log" 2>&1 &
PIDS+=($!)
log "waiting for the aggregator to answer with the branch's address"
wait_answering "$SPORT" Spillway 300 || { tail -20 "$WORK/aggregator.log" "$WORK/branch.log" >&2; exit 1; }
# the JVM: timeout's child (the launcher execs java)
JAVA_PID=$(pgrep -P "$AGG_PID" | head -1)
[ -n "$JAVA_PID" ] || { log "no JVM under the aggregator's launcher"; exit 1; }

# --- dnsperf ---------------------------------------------------------------
for n in $NAMES; do echo "$n.example.com A"; done > "$WORK/queries"

cpu_ticks() { # pid -> utime + stime of all its threads, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

perf() { # port pid -> "queries-per-second lost cpu-microseconds-per-answer"
  local out before after
  before=$(cpu_ticks "$2")
  out=$(timeout $((SECS + 20)) dnsperf -s 127.0.0.1 -p "$1" -d "$WORK/queries" -l "$SECS" \
        -c "$CLIENTS" -q "$OUTSTANDING" -t 2 2>&1 || true)
  after=$(cpu_ticks "$2")
  echo "$out" > "$WORK/last-dnsperf.txt"
  local qps lost completed
  qps=$(echo "$out" | sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1/p')
  lost=$(echo "$out" | sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p')
  completed=$(echo "$out" | sed -n 's/^ *Queries completed: *\([0-9]*\).*/\1/p')
  local us
  us=$(python3 -c "import os; c=${completed:-0}; print(f'{(($after-$before)*1e6/os.sysconf(\"SC_CLK_TCK\")/c) if c else 0:.2f}')")
  echo "${qps:-0} ${lost:-?} $us"
}

LOAD_BEFORE=$(loadavg)
log "load average $LOAD_BEFORE; warm-up (not measured): Spillway on $SPORT ${WARMUP}x${SECS}s, gdnsd on $GPORT ${SECS}s"
for _ in $(seq "$WARMUP"); do perf "$SPORT" "$JAVA_PID" >/dev/null; done
perf "$GPORT" "$GDNSD_PID" >/dev/null

S_QPS=(); G_QPS=(); RATIOS=(); S_LOST=(); G_LOST=(); LOADS=(); S_CPU=(); G_CPU=()
for r in $(seq "$ROUNDS"); do
  read -r s sl sc < <(perf "$SPORT" "$JAVA_PID")
  read -r g gl gc < <(perf "$GPORT" "$GDNSD_PID")
  ratio=$(python3 -c "print(f'{($s/$g) if $g > 0 else 0:.3f}')")
  load=$(loadavg | cut -d' ' -f1)
  S_QPS+=("$s"); G_QPS+=("$g"); RATIOS+=("$ratio"); S_LOST+=("$sl"); G_LOST+=("$gl"); LOADS+=("$load")
  S_CPU+=("$sc"); G_CPU+=("$gc")
  log "round $r: Spillway $s q/s (lost $sl, $sc us CPU/answer), gdnsd $g q/s (lost $gl, $gc us CPU/answer), ratio $ratio, load $load"
done
LOAD_AFTER=$(loadavg)
# the aggregator still answers with the branch's address (the branch kept reporting)
answers "$SPORT" || log "WARNING: the aggregator no longer answers with an address"

# --- report ----------------------------------------------------------------
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
JSON="$ROOT/bench/results/gslb-dns-$STAMP.json"
python3 - "$JSON" "$COMMIT" "$STAMP" "$(nproc)" "$THREADS" "$SECS" "$CLIENTS" "$OUTSTANDING" \
  "$LOAD_BEFORE" "$LOAD_AFTER" "$JFR" \
  "${S_QPS[*]}" "${G_QPS[*]}" "${RATIOS[*]}" "${S_LOST[*]}" "${G_LOST[*]}" "${LOADS[*]}" \
  "${S_CPU[*]}" "${G_CPU[*]}" <<'EOF'
import json, statistics, sys
(path, commit, stamp, cores, threads, secs, clients, outstanding, load_before, load_after, jfr,
 s, g, r, sl, gl, loads, sc, gc) = sys.argv[1:]
s = [float(x) for x in s.split()]; g = [float(x) for x in g.split()]; r = [float(x) for x in r.split()]
sl = sl.split(); gl = gl.split(); loads = loads.split()
sc = [float(x) for x in sc.split()]; gc = [float(x) for x in gc.split()]
# CPU ratio gdnsd/Spillway per round: above 1, Spillway spends less CPU per answer
cr = [(gc[i] / sc[i]) if sc[i] > 0 else 0 for i in range(len(sc))]
doc = {
    "benchmark": "gslb-dns", "date": stamp, "commit": commit, "cores": int(cores),
    "spillway": "bin/spillway run: aggregator (leastload, 4 domains) fed by one branch over the exchange",
    "serverThreads": int(threads), "secondsPerRound": int(secs), "dnsperfClients": int(clients),
    "dnsperfOutstanding": int(outstanding), "loadAverageBefore": load_before, "loadAverageAfter": load_after,
    "jfr": jfr or None,
    "names": ["app1.example.com", "app2.example.com", "app3.example.com", "app4.example.com"],
    "rounds": [{"round": i + 1, "spillwayQps": s[i], "gdnsdQps": g[i], "ratio": r[i], "load1": loads[i],
                "spillwayCpuMicrosPerAnswer": sc[i], "gdnsdCpuMicrosPerAnswer": gc[i], "cpuRatio": cr[i],
                "spillwayLost": int(sl[i]) if sl[i].isdigit() else None,
                "gdnsdLost": int(gl[i]) if gl[i].isdigit() else None} for i in range(len(r))],
    "medianRatio": statistics.median(r), "minRatio": min(r), "maxRatio": max(r),
    "spillwayMedianQps": statistics.median(s), "gdnsdMedianQps": statistics.median(g),
    "medianCpuRatio": statistics.median(cr), "minCpuRatio": min(cr), "maxCpuRatio": max(cr),
    "spillwayMedianCpuMicrosPerAnswer": statistics.median(sc), "gdnsdMedianCpuMicrosPerAnswer": statistics.median(gc),
}
with open(path, "w") as f:
    json.dump(doc, f, indent=2)
print("| round | Spillway q/s | gdnsd q/s | ratio | Spillway µs CPU/answer | gdnsd µs CPU/answer | CPU ratio | load (1 min) |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for x in doc["rounds"]:
    print(f"| {x['round']} | {x['spillwayQps']:,.0f} | {x['gdnsdQps']:,.0f} | {x['ratio']:.2f} | "
          f"{x['spillwayCpuMicrosPerAnswer']:.2f} | {x['gdnsdCpuMicrosPerAnswer']:.2f} | {x['cpuRatio']:.2f} | {x['load1']} |")
print()
print(f"Median ratio Spillway/gdnsd: **{doc['medianRatio']:.2f}** (min {doc['minRatio']:.2f}, "
      f"max {doc['maxRatio']:.2f}); medians {doc['spillwayMedianQps']:,.0f} vs {doc['gdnsdMedianQps']:,.0f} q/s; "
      f"{cores} cores, {threads} server threads each, commit {commit}; load average {load_before} before, "
      f"{load_after} after.")
print(f"CPU per answer, gdnsd/Spillway (above 1: Spillway spends less): **{doc['medianCpuRatio']:.2f}** "
      f"(min {doc['minCpuRatio']:.2f}, max {doc['maxCpuRatio']:.2f}); medians "
      f"{doc['spillwayMedianCpuMicrosPerAnswer']:.2f} vs {doc['gdnsdMedianCpuMicrosPerAnswer']:.2f} µs.")
print(f"JSON: {path}" + (f"; JFR: {jfr}" if jfr else ""))
EOF
