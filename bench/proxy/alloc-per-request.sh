#!/usr/bin/env bash
# Bytes the JVM allocates per proxied request, HTTP/1.1 keep-alive, measured with JFR: for each
# jar given (default: the built one), Spillway is started in front of the bench backend, warmed
# up with wrk, then a JFR recording covers a fixed wrk run; the bytes allocated by every thread
# during the recording (jdk.ThreadAllocationStatistics at its start and end) divided by the
# requests wrk completed. Unlike requests/s this hardly depends on how busy the machine is.
#   bench/proxy/alloc-per-request.sh [JAR ...]        e.g. an older build's jar, then this one's
#   ACCESS_LOG=1 bench/proxy/alloc-per-request.sh      the same with the access log written
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
source "$here/../lib/throughput.sh"
CONNECTIONS="${CONNECTIONS:-64}"
SECONDS_MEASURED="${DURATION:-10}"
WRK_THREADS="${WRK_THREADS:-2}"
BACKEND_WORKERS="${BACKEND_WORKERS:-1}"
jars=("$@")
[ ${#jars[@]} -gt 0 ] || jars=("$SPILLWAY_JAR")

bench_init alloc-per-request
ensure_packages
read -r BACKEND_PORT PORT ADMIN <<<"$(free_ports 3)"
start_backend "$BACKEND_PORT"
spillway_config http "$PORT" "$BACKEND_PORT" "$ADMIN" >"$WORK/spillway.yaml"
if [ "${ACCESS_LOG:-0}" = 1 ]; then
    printf 'logging: {access: {path: %s/access.log, maxSize: 100MB, keep: 1}}\n' "$WORK" >>"$WORK/spillway.yaml"
fi
for jar in "${jars[@]}"; do
    bench_start spillway java -XX:+UseParallelGC -jar "$jar" run -c "$WORK/spillway.yaml" --threads "$THREADS"
    pid=$STARTED_PID
    wait_port "$PORT" "$pid" || die "spillway did not listen (see $WORK/spillway.log)"
    run_wrk "http://127.0.0.1:$PORT/" "$WARMUP" "$CONNECTIONS" >/dev/null
    jcmd "$pid" JFR.start name=alloc settings=profile >/dev/null
    line=$(run_wrk "http://127.0.0.1:$PORT/" "$SECONDS_MEASURED" "$CONNECTIONS")
    jcmd "$pid" JFR.stop name=alloc filename="$WORK/alloc.jfr" >/dev/null
    requests=$(field "$line" requests)
    bytes=$(jfr print --events jdk.ThreadAllocationStatistics "$WORK/alloc.jfr" | python3 -c '
import re, sys
first, last = {}, {}
for block in sys.stdin.read().split("jdk.ThreadAllocationStatistics"):
    a = re.search(r"allocated = ([0-9.]+) ([kMG]?B)", block)
    t = re.search(r"thread = \"([^\"]*)\"", block)
    if not a or not t:
        continue
    n = float(a.group(1)) * {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[a.group(2)]
    first.setdefault(t.group(1), n)
    last[t.group(1)] = n
print(int(sum(last[k] - first[k] for k in last)))')
    bench_stop "$pid"
    printf '%s: %s requests, %s bytes allocated, %s bytes per request\n' "$jar" "$requests" "$bytes" \
        "$(( bytes / (requests > 0 ? requests : 1) ))"
done
