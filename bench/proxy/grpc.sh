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
start_contenders grpc "${ports[@]:1}"

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

for c in "${CONTENDER_NAMES[@]}"; do
    check_call "$c" "${PORT_OF[$c]}"
done
h2load_rounds "$METHOD" -d "$WORK/call.bin" -H 'content-type: application/grpc' -H 'te: trailers'
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
