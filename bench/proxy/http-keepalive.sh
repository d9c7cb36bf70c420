#!/usr/bin/env bash
# HTTP/1.1 keep-alive through each proxy: wrk, CONNECTIONS (64) connections, a 12-byte
# response. Figures: requests/s and p99 latency, as per-round ratios of Spillway to HAProxy
# and to NGINX. One command; about (WARMUP + ROUNDS x DURATION) x contenders seconds.
#   CONTENDERS="haproxy nginx" ROUNDS=2 DURATION=3 bench/proxy/http-keepalive.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
source "$here/../lib/throughput.sh"
CONNECTIONS="${CONNECTIONS:-64}"

bench_init http-keepalive
run_throughput http / "$CONNECTIONS"
# shellcheck disable=SC2046 # word lists by design
report rounds --title "HTTP/1.1 keep-alive, ${CONNECTIONS} connections, 12-byte response" \
    --metric "rps:higher:requests/s:int" --metric "p99_ms:lower:p99 ms:f2" --metric "p50_ms:lower:p50 ms:f2" \
    --param "connections=$CONNECTIONS" $(throughput_params) --versions "$(versions_json)"
