#!/usr/bin/env bash
# TLS-terminated HTTP/1.1 keep-alive: a self-signed RSA 2048 certificate made here with
# openssl, wrk over https with CONNECTIONS (64) connections, plain HTTP to the backend.
# Figures: requests/s and p99 latency, as per-round ratios.
#   CONTENDERS="haproxy nginx" ROUNDS=2 DURATION=3 bench/proxy/tls.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
source "$here/../lib/throughput.sh"
CONNECTIONS="${CONNECTIONS:-64}"

bench_init tls
run_throughput tls / "$CONNECTIONS"
# shellcheck disable=SC2046 # word lists by design
report rounds --title "TLS-terminated HTTP/1.1 keep-alive, ${CONNECTIONS} connections, 12-byte response" \
    --metric "rps:higher:requests/s:int" --metric "p99_ms:lower:p99 ms:f2" \
    --param "connections=$CONNECTIONS" --param "certificate=RSA 2048 self-signed" $(throughput_params) \
    --versions "$(versions_json)"
