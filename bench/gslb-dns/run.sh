#!/usr/bin/env bash
# GSLB DNS answers: Spillway's authoritative DNS server (least load over three branches)
# against gdnsd serving the same names from a static zone, measured with dnsperf.
# The two run alternately (S G S G ...) for ROUNDS rounds of SECS seconds each, after one
# unmeasured warm-up (two rounds for Spillway: the JVM compiles its hot paths first); the figure is the
# median of the per-round ratios Spillway/gdnsd, with its min and max (BENCHMARKS.md).
#
# Environment: ROUNDS (default 5), SECS (5), THREADS (server threads; default: cores),
# CLIENTS (dnsperf clients, 8), OUTSTANDING (dnsperf queries in flight, 200).
# Needs root or the packages already installed: dnsperf gdnsd.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-5}
THREADS=${THREADS:-$(nproc)}
CLIENTS=${CLIENTS:-8}
OUTSTANDING=${OUTSTANDING:-200}
WORK=$(mktemp -d /tmp/spillway-bench-dns.XXXXXX)
SPILLWAY_PID=""
GDNSD_PID=""

cleanup() {
  for pid in "$SPILLWAY_PID" "$GDNSD_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

log() { echo "[gslb-dns] $*" >&2; }

# --- tools -----------------------------------------------------------------
if ! command -v dnsperf >/dev/null || ! command -v gdnsd >/dev/null; then
  log "installing dnsperf and gdnsd"
  apt-get update >/dev/null
  apt-get install -y dnsperf gdnsd >/dev/null
fi
GDNSD=$(command -v gdnsd || echo /usr/sbin/gdnsd)

# --- build and classpath ---------------------------------------------------
log "compiling spillway-gslb (test classes) and resolving its classpath"
BUILD=(mvn -B -q -pl spillway-gslb -am test-compile
       org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
       -Dmdep.outputFile="$WORK/cp" -Dmdep.includeScope=test)
(cd "$ROOT" && timeout 300 "${BUILD[@]}" -o >/dev/null 2>&1) || (cd "$ROOT" && timeout 300 "${BUILD[@]}" >/dev/null)
CP="$ROOT/spillway-gslb/target/test-classes:$ROOT/spillway-gslb/target/classes:$(cat "$WORK/cp")"

# A port free for both UDP and TCP on loopback, for gdnsd (Spillway picks its own).
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

# Sends one A query for app1.example.com; succeeds when an answer with the query's id comes back.
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

wait_answering() { # port name
  for _ in $(seq 100); do answers "$1" && return 0; sleep 0.2; done
  log "$2 does not answer on port $1"; return 1
}

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
cat > "$WORK/gdnsd/zones/example.com" <<'EOF'
$TTL 3600
@     SOA ns hostmaster 1 3600 600 604800 60
@     NS  ns
ns    A   127.0.0.1
app1  5 A 10.0.0.3
app2  5 A 10.0.0.3
app3  5 A 10.0.0.3
app4  5 A 10.0.0.3
EOF
"$GDNSD" -c "$WORK/gdnsd" start >"$WORK/gdnsd.log" 2>&1 &
GDNSD_PID=$!
wait_answering "$GPORT" gdnsd || { cat "$WORK/gdnsd.log" >&2; exit 1; }

# --- Spillway --------------------------------------------------------------
java -Xms256m -Xmx256m -XX:+UseParallelGC -cp "$CP" io.spillway.gslb.dns.DnsBenchMain "$THREADS" 0 \
  >"$WORK/spillway.log" 2>&1 &
SPILLWAY_PID=$!
SPORT=""
for _ in $(seq 300); do
  SPORT=$(sed -n 's/^READY udp=\([0-9]*\).*/\1/p' "$WORK/spillway.log")
  [ -n "$SPORT" ] && break
  kill -0 "$SPILLWAY_PID" 2>/dev/null || break
  sleep 0.2
done
[ -n "$SPORT" ] || { log "Spillway did not start"; cat "$WORK/spillway.log" >&2; exit 1; }
wait_answering "$SPORT" Spillway
EPOLL=$(sed -n 's/^READY .*epoll=\(.*\)$/\1/p' "$WORK/spillway.log")

# --- dnsperf ---------------------------------------------------------------
for d in app1 app2 app3 app4; do echo "$d.example.com A"; done > "$WORK/queries"

perf() { # port -> queries per second (0 on failure)
  local out
  out=$(timeout $((SECS + 20)) dnsperf -s 127.0.0.1 -p "$1" -d "$WORK/queries" -l "$SECS" \
        -c "$CLIENTS" -q "$OUTSTANDING" -t 2 2>&1 || true)
  echo "$out" > "$WORK/last-dnsperf.txt"
  local qps
  qps=$(echo "$out" | sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1/p')
  local lost
  lost=$(echo "$out" | sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p')
  echo "${qps:-0} ${lost:-?}"
}

log "warm-up (not measured): Spillway on $SPORT (epoll=$EPOLL) 2x${SECS}s, gdnsd on $GPORT ${SECS}s"
perf "$SPORT" >/dev/null
perf "$SPORT" >/dev/null
perf "$GPORT" >/dev/null

S_QPS=(); G_QPS=(); RATIOS=(); S_LOST=(); G_LOST=()
for r in $(seq "$ROUNDS"); do
  read -r s sl < <(perf "$SPORT")
  read -r g gl < <(perf "$GPORT")
  ratio=$(python3 -c "print(f'{($s/$g) if $g > 0 else 0:.3f}')")
  S_QPS+=("$s"); G_QPS+=("$g"); RATIOS+=("$ratio"); S_LOST+=("$sl"); G_LOST+=("$gl")
  log "round $r: Spillway $s q/s (lost $sl), gdnsd $g q/s (lost $gl), ratio $ratio"
done

# --- report ----------------------------------------------------------------
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
STAMP=$(date -u +%Y-%m-%dT%H-%M-%SZ)
mkdir -p "$ROOT/bench/results"
JSON="$ROOT/bench/results/gslb-dns-$STAMP.json"
python3 - "$JSON" "$COMMIT" "$STAMP" "$(nproc)" "$THREADS" "$SECS" "$CLIENTS" "$OUTSTANDING" "$EPOLL" \
  "${S_QPS[*]}" "${G_QPS[*]}" "${RATIOS[*]}" "${S_LOST[*]}" "${G_LOST[*]}" <<'EOF'
import json, statistics, sys
(path, commit, stamp, cores, threads, secs, clients, outstanding, epoll,
 s, g, r, sl, gl) = sys.argv[1:]
s = [float(x) for x in s.split()]; g = [float(x) for x in g.split()]; r = [float(x) for x in r.split()]
sl = sl.split(); gl = gl.split()
doc = {
    "benchmark": "gslb-dns", "date": stamp, "commit": commit, "cores": int(cores),
    "serverThreads": int(threads), "secondsPerRound": int(secs), "dnsperfClients": int(clients),
    "dnsperfOutstanding": int(outstanding), "spillwayEpoll": epoll == "true",
    "names": ["app1.example.com", "app2.example.com", "app3.example.com", "app4.example.com"],
    "rounds": [{"round": i + 1, "spillwayQps": s[i], "gdnsdQps": g[i], "ratio": r[i],
                "spillwayLost": int(sl[i]) if sl[i].isdigit() else None,
                "gdnsdLost": int(gl[i]) if gl[i].isdigit() else None} for i in range(len(r))],
    "medianRatio": statistics.median(r), "minRatio": min(r), "maxRatio": max(r),
    "spillwayMedianQps": statistics.median(s), "gdnsdMedianQps": statistics.median(g),
}
with open(path, "w") as f:
    json.dump(doc, f, indent=2)
print("| round | Spillway q/s | gdnsd q/s | ratio |")
print("| ---: | ---: | ---: | ---: |")
for x in doc["rounds"]:
    print(f"| {x['round']} | {x['spillwayQps']:,.0f} | {x['gdnsdQps']:,.0f} | {x['ratio']:.2f} |")
print()
print(f"Median ratio Spillway/gdnsd: **{doc['medianRatio']:.2f}** (min {doc['minRatio']:.2f}, "
      f"max {doc['maxRatio']:.2f}); medians {doc['spillwayMedianQps']:,.0f} vs {doc['gdnsdMedianQps']:,.0f} q/s; "
      f"{cores} cores, {threads} server threads, commit {commit}.")
print(f"JSON: {path}")
EOF
