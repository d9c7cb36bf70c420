#!/usr/bin/env bash
# gRPC unary calls through each proxy, HTTP/2 in clear text on both sides (h2c by prior
# knowledge), in front of the same gRPC server: the tests' grpc-java service (test.Echo/Unary,
# spillway-proxy's GrpcBenchServer) run with the module's test classpath. h2load drives
# CLIENTS (16) connections of STREAMS (10) concurrent calls each, every call a POST of one
# pre-encoded gRPC message (MESSAGE, "hello"; the answer is "hello!" and grpc-status 0).
# Before the rounds, one call through each contender is checked with curl: the answer's
# message and grpc-status 0 in the trailers.
# Figures: calls/s and mean call time, per-round ratios of Spillway to HAProxy and to the
# server direct (calibration), contenders alternated, ROUNDS rounds.
#   ROUNDS=5 DURATION=8 bench/proxy/grpc.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONTENDERS="${CONTENDERS:-spillway haproxy direct}"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
source "$here/../lib/throughput.sh"
CLIENTS="${CLIENTS:-16}"
STREAMS="${STREAMS:-10}"
MESSAGE="${MESSAGE:-hello}"
GRPC_SERVER_JAVA_OPTS="${GRPC_SERVER_JAVA_OPTS:--Xmx512m -XX:+UseParallelGC}"
METHOD=/test.Echo/Unary

bench_init grpc
ensure_packages
command -v curl >/dev/null || die "curl is needed to check one call per contender"

# The gRPC server's classpath: spillway-proxy's test classes and their dependencies (offline).
log "building spillway-proxy's test classpath (mvn -o test-compile dependency:build-classpath)"
(cd "$REPO_ROOT" && mvn -B -o -q -pl spillway-proxy -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test) >"$WORK/mvn.log" 2>&1 \
    || die "the test classpath did not build (see $WORK/mvn.log)"
proxy_module="$REPO_ROOT/spillway-proxy"
GRPC_CP="$proxy_module/target/test-classes:$proxy_module/target/classes:$(cat "$proxy_module/target/test-classpath.txt")"
grpc_version=$(tr ':' '\n' <<<"$GRPC_CP" | sed -n 's#.*/grpc-netty-shaded-\(.*\)\.jar$#\1#p' | head -1)

# call.bin: the gRPC length-prefixed message (not compressed, 4-byte big-endian length).
python3 - "$MESSAGE" "$WORK/call.bin" "$WORK/answer.bin" <<'EOF'
import sys
def frame(text):
    body = text.encode()
    return b"\0" + len(body).to_bytes(4, "big") + body
open(sys.argv[2], "wb").write(frame(sys.argv[1]))
open(sys.argv[3], "wb").write(frame(sys.argv[1] + "!"))
EOF

read -ra CONTENDER_NAMES <<<"$CONTENDERS"
read -ra ports <<<"$(free_ports $((${#CONTENDER_NAMES[@]} + 1)))"
BACKEND_PORT=${ports[0]}
# shellcheck disable=SC2086 # the options are a plain word list
bench_start grpc-server java $GRPC_SERVER_JAVA_OPTS -cp "$GRPC_CP" io.spillway.proxy.GrpcBenchServer "$BACKEND_PORT"
BACKEND_PID=$STARTED_PID
wait_port "$BACKEND_PORT" "$BACKEND_PID" || die "the gRPC server did not listen on $BACKEND_PORT (see $WORK/grpc-server.log)"
declare -A PORT_OF PID_OF
i=1
for c in "${CONTENDER_NAMES[@]}"; do
    if [ "$c" = direct ]; then
        PORT_OF[$c]=$BACKEND_PORT
    else
        PORT_OF[$c]=${ports[i]}
    fi
    i=$((i + 1))
    start_contender "$c" grpc "${PORT_OF[$c]}" "$BACKEND_PORT"
    PID_OF[$c]=$CONTENDER_PID
    log "$c listening on 127.0.0.1:${PORT_OF[$c]} (pid ${PID_OF[$c]})"
done

# check_call NAME PORT: one call with curl over h2c; the answer and grpc-status 0 (a trailer).
check_call() {
    local out="$WORK/check-$1"
    timeout 30 curl -sS -v --http2-prior-knowledge --data-binary "@$WORK/call.bin" \
        -H 'content-type: application/grpc' -H 'te: trailers' -o "$out.body" \
        "http://127.0.0.1:$2$METHOD" 2>"$out.log" || die "curl failed through $1: $(cat "$out.log")"
    grep -q '^< HTTP/2 200' "$out.log" || die "no HTTP/2 200 through $1: $(cat "$out.log")"
    grep -q '^< grpc-status: 0' "$out.log" || die "no grpc-status 0 through $1: $(cat "$out.log")"
    cmp -s "$out.body" "$WORK/answer.bin" || die "wrong answer through $1: $(od -c "$out.body" | head -5)"
    log "$1: one call answered '$MESSAGE!' with grpc-status 0"
}

# run_h2load PORT SECONDS: one "rps=… mean_ms=… errors=…" line; errors counts failed, errored
# and timed-out calls and 3xx, 4xx, 5xx answers.
run_h2load() {
    local out
    out=$(timeout $(($2 + 30)) h2load -d "$WORK/call.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
        -c "$CLIENTS" -m "$STREAMS" -t "$THREADS" -D "$2" "http://127.0.0.1:$1$METHOD" 2>&1) \
        || die "h2load failed against port $1: $out"
    python3 - "$out" <<'EOF'
import re, sys
out = sys.argv[1]
rps = re.search(r"finished in [^,]+, ([0-9.]+) req/s", out).group(1)
r = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", out)
done, succeeded, failed, errored, timeout = (int(r.group(i)) for i in range(3, 8))
other = sum(int(n) for n in re.search(r"status codes: \d+ 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out).groups())
if succeeded == 0:
    sys.exit("no call succeeded:\n" + out)
mean = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", out).group(1)
unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
m = re.match(r"([0-9.]+)(us|ms|s)", mean)
errors = failed + errored + timeout + other
print(f"rps={rps} mean_ms={float(m.group(1)) * unit[m.group(2)]:.3f} errors={errors} succeeded={succeeded}")
EOF
}

for c in "${CONTENDER_NAMES[@]}"; do
    check_call "$c" "${PORT_OF[$c]}"
done
if [ "$WARMUP" -gt 0 ]; then
    for c in "${CONTENDER_NAMES[@]}"; do
        log "warm-up $c ${WARMUP}s"
        run_h2load "${PORT_OF[$c]}" "$WARMUP" >/dev/null
    done
fi
for round in $(seq 1 "$ROUNDS"); do
    for c in "${CONTENDER_NAMES[@]}"; do
        alive "${PID_OF[$c]}" || die "$c died; log: $WORK/$c.log"
        line=$(run_h2load "${PORT_OF[$c]}" "$DURATION")
        record "$round" "$c" rps "$(field "$line" rps)"
        record "$round" "$c" mean_ms "$(field "$line" mean_ms)"
        record "$round" "$c" errors "$(field "$line" errors)"
        log "round $round/$ROUNDS $c: $line"
    done
done
# After the rounds, the calls still work everywhere (nothing was left broken by the load).
for c in "${CONTENDER_NAMES[@]}"; do
    check_call "$c" "${PORT_OF[$c]}"
done
report rounds --title "gRPC unary calls over h2c, ${CLIENTS} connections x ${STREAMS} streams, grpc-java ${grpc_version} server" \
    --metric "rps:higher:calls/s:int" --metric "mean_ms:lower:mean ms:f2" \
    --param "clients=$CLIENTS" --param "streams=$STREAMS" --param "message=$MESSAGE" --param "rounds=$ROUNDS" \
    --param "duration=${DURATION}s" --param "warmup=${WARMUP}s" --param "threads=$THREADS" \
    --param "grpcJava=$grpc_version" --param "grpcServerJavaOpts=$GRPC_SERVER_JAVA_OPTS" \
    --versions "$(versions_json)"
