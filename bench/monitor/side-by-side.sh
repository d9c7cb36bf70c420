#!/usr/bin/env bash
# Monitors at scale, side by side (issue 13, item 5): SERVICES HTTP health checks every second
# against one real HTTP server (NGINX, a separate process listening on SERVICES loopback ports,
# one per service), by the real appliance (`bin/spillway run` with a generated YAML of SERVICES
# services, each with an HTTP monitor at 1 s) and by HAProxy (`option httpchk GET /`, SERVICES
# `server ... check inter 1s` lines), alternately, ROUNDS rounds. Optionally a third contender,
# MonitorBench (the monitor runtime alone, in a test harness) against the same server, whose own
# scheduling-lag figures cross-check the server-side ones.
#
# Measured per contender and round, over MEASURE seconds after WARMUP seconds:
# - CPU per probe: the checker's utime+stime (/proc/PID/stat) over the window divided by the
#   probes the server logged in that window (NGINX access log, one line per request);
# - probes/s achieved against SERVICES per second, and the share answered 200;
# - lateness as the server sees it: for each port (= one service), the gap between two
#   consecutive probes minus the interval, p50/p99/max. For Spillway this is its scheduling lag
#   (a probe is planned one interval after the previous one started); for HAProxy it also holds
#   the previous check's duration (HAProxy plans the next check after the previous one ended),
#   well under a millisecond on loopback.
#
# Usage: bench/monitor/side-by-side.sh
# Environment: SERVICES (5000), ROUNDS (5), WARMUP (10 s), MEASURE (20 s),
#   CONTENDERS ("spillway haproxy monitorbench"; also "baseline": the appliance jar BASELINE_JAR,
#   e.g. main's, to measure a change before/after in the same rounds), CHECKER_CPUS (0) and SERVER_CPUS (1): `taskset`
#   lists for the checkers and for NGINX (empty: no pinning), FIRST_PORT (21000: SERVICES ports
#   from there must be free; below the kernel's ephemeral range), JFR_DIR (record the appliance
#   with JFR's profile settings into this directory, and each Java contender's CPU by thread over
#   the window into threads-NAME-ROUND.txt there), KEEP_WORK=1.
# Java contenders also get loopCpuPerProbeUs: the CPU of their event loops alone (threads
#   spillway-N-N) per probe, which leaves out the JIT compiler and GC threads.
# Output: bench/results/monitor-side-by-side-<UTC date>.json and a summary on stderr.
# Bounded: each contender runs WARMUP+MEASURE seconds (plus its start, at most START_TIMEOUT, 300 s) and is
# stopped by pid; everything stays on 127.0.0.1.
set -euo pipefail
SERVICES=${SERVICES:-5000}
WARMUP=${WARMUP:-10}
MEASURE=${MEASURE:-20}
CONTENDERS=${CONTENDERS:-spillway haproxy monitorbench}
CHECKER_CPUS=${CHECKER_CPUS-0}
SERVER_CPUS=${SERVER_CPUS-1}
FIRST_PORT=${FIRST_PORT:-21000}
. "$(dirname "$0")/../lib/common.sh"
ROOT="$REPO_ROOT"
bench_init monitor-side-by-side
ensure_packages
LAST_PORT=$((FIRST_PORT + SERVICES - 1))
HZ=$(getconf CLK_TCK)

# command prefixes pinning to a CPU list (taskset execs the command: its pid stays the process's)
PIN_CHECKER=(); [ -n "$CHECKER_CPUS" ] && PIN_CHECKER=(taskset -c "$CHECKER_CPUS")
PIN_SERVER=(); [ -n "$SERVER_CPUS" ] && PIN_SERVER=(taskset -c "$SERVER_CPUS")

cpu_ticks() { # PID: utime+stime of the process (all its threads), in clock ticks
    awk '{print $14 + $15}' "/proc/$1/stat"
}

server_ticks() { # the NGINX worker's (the master's children's) utime+stime, in clock ticks
    local child total=0
    for child in $(pgrep -P "$SERVER_PID"); do total=$((total + $(cpu_ticks "$child"))); done
    echo "$total"
}

thread_ticks() { # PID: "TICKS NAME" per thread of PID, names with digits folded (loop-1, loop-2: loop-N)
    python3 - "$1" <<'PY'
import collections, os, re, sys
pid = sys.argv[1]
ticks = collections.Counter()
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        fields = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    ticks[re.sub(r"[0-9]+", "N", name)] += int(fields[11]) + int(fields[12])
for name, t in ticks.items():
    print(t, name)
PY
}

thread_share() { # BEFORE AFTER: each thread group's share of the process CPU between two thread_ticks
    python3 - "$1" "$2" <<'PY'
import sys
def read(p):
    d = {}
    for line in open(p):
        t, name = line.rstrip("\n").split(" ", 1)
        d[name] = int(t)
    return d
a, b = read(sys.argv[1]), read(sys.argv[2])
delta = {n: b[n] - a.get(n, 0) for n in b}
total = sum(delta.values()) or 1
for n, d in sorted(delta.items(), key=lambda x: -x[1]):
    if d > 0:
        print(f"{100.0 * d / total:5.1f}%  {d} ticks  {n}")
PY
}

python3 - "$FIRST_PORT" "$LAST_PORT" <<'PY' || die "ports $FIRST_PORT-$LAST_PORT are not all free on 127.0.0.1 (set FIRST_PORT)"
import socket, sys
held = []
for port in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    held.append(s)
PY

log "compiling MonitorBench (spillway-monitor test classes) and the appliance"
(cd "$ROOT" && timeout 600 mvn -B -o -q -pl spillway-monitor -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/cp" -Dmdep.includeScope=test >"$WORK/mvn.log" 2>&1) \
    || die "test-compile failed (see $WORK/mvn.log)"
BENCH_CP="$ROOT/spillway-monitor/target/test-classes:$ROOT/spillway-monitor/target/classes:$(cat "$WORK/cp")"
SPILLWAY_REBUILD=1 "$ROOT/bin/spillway" --help >/dev/null 2>&1 || true   # builds the fat jar when stale

# --- the server: NGINX, one worker, one listening port per service, one log line per request
srv="$WORK/server"
mkdir -p "$srv"
{
    nginx_main_lines() {
        cat <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $srv/nginx.pid;
error_log $srv/error.log crit;
worker_rlimit_nofile $((SERVICES * 2 + 4000));
events { worker_connections $((SERVICES + 4000)); }
EOF
    }
    nginx_main_lines
    echo "http {"
    echo "    log_format probe '\$msec \$server_port \$status';"
    echo "    access_log $srv/access.log probe buffer=256k flush=1s;"
    echo "    client_body_temp_path $srv/cb; proxy_temp_path $srv/p; fastcgi_temp_path $srv/f;"
    echo "    uwsgi_temp_path $srv/u; scgi_temp_path $srv/s;"
    echo "    keepalive_timeout 0;"
    echo "    server {"
    for port in $(seq "$FIRST_PORT" "$LAST_PORT"); do echo "        listen 127.0.0.1:$port;"; done
    echo "        location / { return 200 \"ok\\n\"; }"
    echo "    }"
    echo "}"
} >"$srv/nginx.conf"
nginx -t -q -p "$srv" -c "$srv/nginx.conf" >"$WORK/nginx-check.log" 2>&1 \
    || die "nginx rejected its configuration: $(cat "$WORK/nginx-check.log")"
bench_start server "${PIN_SERVER[@]}" nginx -p "$srv" -c "$srv/nginx.conf"
SERVER_PID=$STARTED_PID
wait_port "$LAST_PORT" "$SERVER_PID" 30 || die "nginx did not listen (see $WORK/server.log)"
log "NGINX (pid $SERVER_PID, cpus ${SERVER_CPUS:-any}) on 127.0.0.1:$FIRST_PORT-$LAST_PORT"

# --- the contenders' configurations
spillway_config() { # ADMIN_PORT
    echo "admin:"
    echo "  listen: 127.0.0.1:$1"
    echo "monitors:"
    echo "  - {name: hc, type: http, interval: 1s, timeout: 1s, failures: 3, successes: 1, request: GET /}"
    echo "services:"
    for i in $(seq 0 $((SERVICES - 1))); do
        echo "  - {name: s$i, address: 127.0.0.1:$((FIRST_PORT + i)), protocol: http, monitors: [hc]}"
    done
}
haproxy_config() { # LISTEN_PORT (HAProxy starts only with a listener; nothing connects to it)
    cat <<EOF
global
    maxconn $((SERVICES + 1000))
defaults
    mode http
    timeout connect 1s
    timeout check 1s
    timeout client 10s
    timeout server 10s
frontend idle
    bind 127.0.0.1:$1
    default_backend checked
backend checked
    option httpchk GET /
    default-server check inter 1s fall 3 rise 1
EOF
    for i in $(seq 0 $((SERVICES - 1))); do
        echo "    server s$i 127.0.0.1:$((FIRST_PORT + i))"
    done
}
haproxy_config "$(free_ports 1)" >"$WORK/haproxy.cfg"
haproxy -c -q -f "$WORK/haproxy.cfg" >"$WORK/haproxy-check.log" 2>&1 \
    || die "haproxy rejected its configuration: $(cat "$WORK/haproxy-check.log")"
LAUNCHER_FLAGS="-XX:+UseParallelGC -XX:TrimNativeHeapInterval=1000 -Dio.netty.leakDetection.level=disabled"

start_contender() { # NAME ROUND; sets CHECKER_PID (or dies)
    local name="$1" round="$2"
    case "$name" in
        spillway)
            local admin jfr=""
            admin=$(free_ports 1)
            spillway_config "$admin" >"$WORK/spillway.yaml"
            [ -n "${JFR_DIR:-}" ] && jfr="-XX:StartFlightRecording:filename=$JFR_DIR/monitor-spillway-$round.jfr,settings=profile"
            bench_start "spillway-$round" "${PIN_CHECKER[@]}" env SPILLWAY_JAVA_OPTS="$LAUNCHER_FLAGS $jfr" \
                "$ROOT/bin/spillway" run -c "$WORK/spillway.yaml"
            CHECKER_PID=$STARTED_PID
            wait_port "$admin" "$CHECKER_PID" "${START_TIMEOUT:-300}" || die "spillway did not start (see $WORK/spillway-$round.log)"
            ;;
        baseline)
            # the appliance of another build (BASELINE_JAR, e.g. main's), run as bin/spillway runs a jar
            local admin
            admin=$(free_ports 1)
            spillway_config "$admin" >"$WORK/baseline.yaml"
            bench_start "baseline-$round" "${PIN_CHECKER[@]}" java $LAUNCHER_FLAGS -jar "$BASELINE_JAR" \
                run -c "$WORK/baseline.yaml"
            CHECKER_PID=$STARTED_PID
            wait_port "$admin" "$CHECKER_PID" "${START_TIMEOUT:-300}" || die "baseline did not start (see $WORK/baseline-$round.log)"
            ;;
        haproxy)
            bench_start "haproxy-$round" "${PIN_CHECKER[@]}" haproxy -db -f "$WORK/haproxy.cfg"
            CHECKER_PID=$STARTED_PID
            sleep 0.5
            alive "$CHECKER_PID" || die "haproxy did not start (see $WORK/haproxy-$round.log)"
            ;;
        monitorbench)
            # runs WARMUP+MEASURE (its own warm-up: one interval plus 2 s) and reports its lag itself
            bench_start "monitorbench-$round" "${PIN_CHECKER[@]}" java -Xmx512m \
                -Dlogback.configurationFile="$ROOT/bench/monitor/logback-bench.xml" -cp "$BENCH_CP" \
                io.spillway.monitor.bench.MonitorBench services="$SERVICES" type=http interval=1s timeout=1s \
                duration="$((WARMUP + MEASURE + 5))s" target="127.0.0.1:$FIRST_PORT-$LAST_PORT" "request=GET /"
            CHECKER_PID=$STARTED_PID
            sleep 1
            alive "$CHECKER_PID" || die "MonitorBench did not start (see $WORK/monitorbench-$round.log)"
            ;;
        *) die "unknown contender '$name' (known: spillway baseline haproxy monitorbench)" ;;
    esac
}

RUNS="$WORK/runs.jsonl"
: >"$RUNS"
log "$SERVICES services every 1s, $ROUNDS rounds, contenders: $CONTENDERS; checkers on cpus ${CHECKER_CPUS:-any}"
for round in $(seq "$ROUNDS"); do
    for name in $CONTENDERS; do
        # a fresh access log for each run: move the old one away and have NGINX reopen it
        mv "$srv/access.log" "$WORK/access-old.log" 2>/dev/null || true
        kill -USR1 "$SERVER_PID"
        sleep 0.5
        rm -f "$WORK/access-old.log"
        start_contender "$name" "$round"
        sleep "$WARMUP"
        alive "$CHECKER_PID" || die "$name died during the warm-up (see $WORK/$name-$round.log)"
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        [ "$name" != haproxy ] && thread_ticks "$CHECKER_PID" >"$WORK/threads-before"
        t0=$(date +%s.%N); c0=$(cpu_ticks "$CHECKER_PID"); s0=$(server_ticks)
        sleep "$MEASURE"
        t1=$(date +%s.%N); c1=$(cpu_ticks "$CHECKER_PID"); s1=$(server_ticks)
        loop_ticks=""
        if [ "$name" != haproxy ]; then
            thread_ticks "$CHECKER_PID" >"$WORK/threads-after"
            # the event loops' CPU alone (threads spillway-N-N): the probes' steady cost, without the
            # JIT compiler, GC and JFR threads, whose share depends on how starved the machine is
            loop_ticks=$(( $(awk '$2 == "spillway-N-N" {t += $1} END {print t + 0}' "$WORK/threads-after") \
                - $(awk '$2 == "spillway-N-N" {t += $1} END {print t + 0}' "$WORK/threads-before") ))
            [ -n "${JFR_DIR:-}" ] && thread_share "$WORK/threads-before" "$WORK/threads-after" >"$JFR_DIR/threads-$name-$round.txt"
        fi
        if [ "$name" = monitorbench ]; then
            for _ in $(seq 1 200); do alive "$CHECKER_PID" || break; sleep 0.1; done
        fi
        bench_stop "$CHECKER_PID"
        sleep 1.5   # NGINX flushes its log buffer every second
        lag_line=""
        [ "$name" = monitorbench ] && lag_line=$(grep -h "scheduling lag" "$WORK/$name-$round.log" || true)
        python3 - "$srv/access.log" "$t0" "$t1" "$c0" "$c1" "$HZ" "$SERVICES" "$name" "$round" "$load" "$lag_line" "$s0" "$s1" "$loop_ticks" \
            >>"$RUNS" <<'PY'
import json, re, sys, statistics
path, t0, t1, c0, c1, hz, services, name, rnd, load, lag_line, s0, s1, loop_ticks = sys.argv[1:]
t0, t1, c0, c1, hz, services = float(t0), float(t1), int(c0), int(c1), int(hz), int(services)
last, lateness, probes, ok = {}, [], 0, 0
with open(path) as f:
    for line in f:
        parts = line.split()
        if len(parts) != 3:
            continue
        t, port = float(parts[0]), parts[1]
        if t0 <= t < t1:
            probes += 1
            ok += parts[2] == "200"
            if port in last:
                lateness.append((t - last[port] - 1.0) * 1000)
        last[port] = t
lateness.sort()
def pct(p):
    return round(lateness[min(len(lateness) - 1, int(p * len(lateness)))], 1) if lateness else None
seconds = t1 - t0
cpu_us = (c1 - c0) * 1e6 / hz
row = {"contender": name, "round": int(rnd), "seconds": round(seconds, 2), "probes": probes,
       "probesPerSecond": round(probes / seconds, 1), "expectedPerSecond": services, "answered200": ok,
       "cpuSeconds": round(cpu_us / 1e6, 2), "cpuPercentOfCore": round(cpu_us / 1e4 / seconds, 1),
       "cpuPerProbeUs": round(cpu_us / probes, 1) if probes else None,
       "serverLatenessMs": {"p50": pct(0.5), "p99": pct(0.99), "max": round(lateness[-1], 1) if lateness else None,
                            "gaps": len(lateness)},
       "serverCpuPercentOfCore": round((int(s1) - int(s0)) * 100.0 / hz / seconds, 1), "loadAverage": load}
if loop_ticks and probes:
    row["loopCpuPerProbeUs"] = round(int(loop_ticks) * 1e6 / hz / probes, 1)
m = re.search(r"p50 ([0-9.]+)\s+p99 ([0-9.]+)\s+p99.9 ([0-9.]+)\s+max ([0-9.]+)", lag_line)
if m:
    row["selfReportedLagMs"] = dict(zip(["p50", "p99", "p99.9", "max"], map(float, m.groups())))
print(json.dumps(row))
PY
        tail -n 1 "$RUNS" >&2
    done
done

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$RESULTS_DIR/monitor-side-by-side-$STAMP.json"
python3 - "$RUNS" "$OUT" "$ROOT" "$SERVICES" "$WARMUP" "$MEASURE" "$CHECKER_CPUS" "$SERVER_CPUS" "$CONTENDERS" <<'PY'
import json, os, statistics, subprocess, sys
runs_path, out, root, services, warmup, measure, ccpu, scpu, contenders = sys.argv[1:]
rows = [json.loads(l) for l in open(runs_path) if l.strip()]
def git(*a):
    return subprocess.run(["git", "-C", root, *a], capture_output=True, text=True).stdout.strip()
def first_line(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    return ((r.stdout + r.stderr).strip().splitlines() or [""])[0]
def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": round(statistics.median(values), 2), "min": min(values), "max": max(values)}
summary = {}
for name in contenders.split():
    rs = [r for r in rows if r["contender"] == name]
    summary[name] = {"cpuPerProbeUs": spread([r["cpuPerProbeUs"] for r in rs]),
                     "probesPerSecond": spread([r["probesPerSecond"] for r in rs]),
                     "serverLatenessP99Ms": spread([r["serverLatenessMs"]["p99"] for r in rs]),
                     "selfReportedLagP99Ms": spread([r.get("selfReportedLagMs", {}).get("p99") for r in rs]),
                     "loopCpuPerProbeUs": spread([r.get("loopCpuPerProbeUs") for r in rs])}
ratios = {}
names = contenders.split()
def ratio(one, other, key="cpuPerProbeUs", label="cpuPerProbe "):
    pairs = [(a.get(key), b.get(key)) for a in rows if a["contender"] == one
             for b in rows if b["contender"] == other and b["round"] == a["round"]]
    rs = [a / b for a, b in pairs if a and b]
    ratios[label + one + "/" + other] = spread([round(r, 3) for r in rs])
for other in names:
    if other != "spillway" and "spillway" in names:
        ratio("spillway", other)
if "baseline" in names and "haproxy" in names:
    ratio("baseline", "haproxy")
if "baseline" in names and "spillway" in names:
    ratio("spillway", "baseline", "loopCpuPerProbeUs", "loopCpuPerProbe ")
doc = {"scenario": "monitor-side-by-side", "commit": git("rev-parse", "HEAD"),
       "commitDirty": bool(git("status", "--porcelain", "--untracked-files=no")),
       "cores": os.cpu_count(), "loadAverageAtEnd": list(os.getloadavg()),
       "params": {"services": int(services), "baselineJar": os.environ.get("BASELINE_JAR"), "interval": "1s", "warmupSeconds": int(warmup),
                  "measureSeconds": int(measure), "checkerCpus": ccpu, "serverCpus": scpu,
                  "server": first_line(["nginx", "-v"]), "haproxy": first_line(["haproxy", "-v"]),
                  "java": first_line(["java", "-version"])},
       "summary": summary, "ratios": ratios, "runs": rows}
with open(out, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
for name, s in summary.items():
    c, p, l = s["cpuPerProbeUs"], s["probesPerSecond"], s["serverLatenessP99Ms"]
    line = f"{name}: CPU/probe median {c['median']} us ({c['min']}-{c['max']}); probes/s {p['median']} ({p['min']}-{p['max']}) of {services}; server-side lateness p99 {l['median']} ms ({l['min']}-{l['max']})"
    if s["selfReportedLagP99Ms"]:
        q = s["selfReportedLagP99Ms"]
        line += f"; self-reported lag p99 {q['median']} ms ({q['min']}-{q['max']})"
    print(line, file=sys.stderr)
for k, v in ratios.items():
    print(f"{k}: median {v['median']} ({v['min']}-{v['max']})", file=sys.stderr)
print(f"results: {out}", file=sys.stderr)
PY
