# Common parts of the bench/ scripts: sourced, never run.
#
# Gives a scenario a private work directory, starts and stops processes by pid (every one
# started through bench_start is stopped by the EXIT trap, children of NGINX's master
# included), waits for ports with a bounded poll, installs the Debian peers once, and
# records each round's figures for bench/lib/report.py.
#
# Knobs every scenario reads (environment): ROUNDS, DURATION (seconds), WARMUP (seconds),
# THREADS (worker threads of every proxy: Spillway event loops, HAProxy nbthread, NGINX
# worker_processes), CONTENDERS, SPILLWAY_JAR, SPILLWAY_CMD, SPILLWAY_JAVA_OPTS,
# KEEP_WORK=1 (keep the work directory with configs and logs), RESULTS_DIR.

BENCH_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_DIR="$(cd "$BENCH_LIB/.." && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"

ROUNDS="${ROUNDS:-5}"
DURATION="${DURATION:-8}"
WARMUP="${WARMUP:-10}"
THREADS="${THREADS:-$(nproc)}"
CONTENDERS="${CONTENDERS:-spillway haproxy nginx}"
SPILLWAY_JAR="${SPILLWAY_JAR:-$REPO_ROOT/spillway-app/target/spillway.jar}"
SPILLWAY_JAVA_OPTS="${SPILLWAY_JAVA_OPTS:--XX:+UseParallelGC}"
SPILLWAY_CMD_SET="${SPILLWAY_CMD:+1}"
# CONFIG and THREADS in the command are replaced by the generated file and $THREADS.
SPILLWAY_CMD="${SPILLWAY_CMD:-java $SPILLWAY_JAVA_OPTS -jar $SPILLWAY_JAR run -c CONFIG --threads THREADS}"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/results}"
PORT_WAIT_SECONDS="${PORT_WAIT_SECONDS:-30}"

BENCH_PIDS=()

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# bench_init SCENARIO: work directory, descriptor limit, cleanup trap.
bench_init() {
    SCENARIO="$1"
    WORK="$(mktemp -d "/tmp/spillway-proxybench-$SCENARIO.XXXXXX")"
    chmod 755 "$WORK"
    ROUNDS_TSV="$WORK/rounds.tsv"
    : >"$ROUNDS_TSV"
    ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    log "$SCENARIO: work directory $WORK"
}

bench_cleanup() {
    local rc=$?
    local i
    for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
        bench_stop "${BENCH_PIDS[i]}"
    done
    if [ "${KEEP_WORK:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
        log "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    return "$rc"
}

# ensure_packages: the Debian peers and tools, installed only when one is missing.
ensure_packages() {
    local missing=0 tool
    for tool in haproxy nginx wrk h2load openssl python3 ss pgrep; do
        command -v "$tool" >/dev/null || missing=1
    done
    [ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || missing=1
    if [ "$missing" = 1 ]; then
        log "installing haproxy nginx wrk nghttp2-client libnginx-mod-stream (and openssl python3 iproute2 procps)"
        apt-get update -qq >"$WORK/apt.log" 2>&1 || die "apt-get update failed (see $WORK/apt.log)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy nginx wrk nghttp2-client \
            libnginx-mod-stream openssl python3 iproute2 procps >>"$WORK/apt.log" 2>&1 \
            || die "apt-get install failed (see $WORK/apt.log)"
    fi
}

# free_ports N: N distinct free loopback ports (bound together, so distinct, then released).
free_ports() {
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

# bench_start NAME CMD...: starts CMD in the background with its output in $WORK/NAME.log;
# sets STARTED_PID (the command's own pid) and remembers it for the EXIT trap.
bench_start() {
    local name="$1"
    shift
    "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    STARTED_PID=$!
    BENCH_PIDS+=("$STARTED_PID")
}

# alive PID: the process exists and is not a zombie waiting to be reaped.
alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# bench_stop PID: SIGTERM, up to 5 s, then SIGKILL (with its children); reaps it.
bench_stop() {
    local pid="$1" i child
    if alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 50); do
            alive "$pid" || break
            sleep 0.1
        done
        if alive "$pid"; then
            for child in $(pgrep -P "$pid" 2>/dev/null); do kill -KILL "$child" 2>/dev/null || true; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}

# wait_port PORT PID [SECONDS]: polls until PORT accepts connections; fails when PID dies.
wait_port() {
    local port="$1" pid="$2" limit="${3:-$PORT_WAIT_SECONDS}"
    local deadline=$((SECONDS + limit))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        alive "$pid" || return 1
        sleep 0.05
    done
    return 1
}

# rss_kb PID: resident set of PID and all its descendants, in KiB (NGINX: master + workers).
rss_kb() {
    local pid="$1" total=0 kb child
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
    for child in $(pgrep -P "$pid" 2>/dev/null); do
        total=$((total + $(rss_kb "$child")))
    done
    echo "$total"
}

# record ROUND CONTENDER METRIC VALUE: one raw figure of one round.
record() {
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$ROUNDS_TSV"
}

# report KIND ARGS...: prints the markdown table and writes
# bench/results/<scenario>-<UTC date and time>.json (KIND: rounds or spillover).
report() {
    local kind="$1"
    shift
    local extra=() who="$CONTENDERS"
    [ "$SCENARIO" = spillover ] && who="$SPILLOVER_CONTENDER"
    if [[ " $who " == *" spillway "* ]]; then
        extra+=(--param "spillwayCmd=$SPILLWAY_CMD")
    fi
    python3 "$BENCH_LIB/report.py" "$kind" --scenario "$SCENARIO" --tsv "$ROUNDS_TSV" \
        --results-dir "$RESULTS_DIR" --repo "$REPO_ROOT" --contenders "$CONTENDERS" "${extra[@]}" "$@"
}

versions_json() {
    python3 - "$CONTENDERS" <<'EOF'
import json, subprocess, sys
def first(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        text = (out.stdout + out.stderr).strip().splitlines()
        return text[0] if text else ""
    except Exception as e:
        return "unavailable: %s" % e
v = {"haproxy": first(["haproxy", "-v"]), "nginx": first(["nginx", "-v"]),
     "wrk": first(["wrk", "-v"]), "kernel": first(["uname", "-r"])}
if "spillway" in sys.argv[1].split():
    v["java"] = first(["java", "-version"])
print(json.dumps(v))
EOF
}
