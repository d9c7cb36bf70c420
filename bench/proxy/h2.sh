#!/usr/bin/env bash
# HTTP/2 over TLS (ALPN h2) through each proxy, HTTP/1.1 keep-alive to the backend: h2load with
# CLIENTS (16) connections of STREAMS (10) concurrent streams each, a 12-byte response.
# Figures: requests/s and mean request time, as per-round ratios of Spillway to HAProxy and
# NGINX (both terminating h2 here), contenders alternated, ROUNDS rounds.
#   ROUNDS=5 DURATION=8 bench/proxy/h2.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
source "$here/../lib/throughput.sh"
CLIENTS="${CLIENTS:-16}"
STREAMS="${STREAMS:-10}"

bench_init h2
ensure_packages
make_cert
read -ra CONTENDER_NAMES <<<"$CONTENDERS"
read -ra ports <<<"$(free_ports $((${#CONTENDER_NAMES[@]} + 1)))"
BACKEND_PORT=${ports[0]}
start_backend "$BACKEND_PORT"
start_contenders h2 "${ports[@]:1}"
SCHEME=https h2load_rounds /
report rounds --title "HTTP/2 over TLS, ${CLIENTS} connections x ${STREAMS} streams, 12-byte response" \
    --metric "rps:higher:requests/s:int" --metric "mean_ms:lower:mean ms:f2" \
    --param "clients=$CLIENTS" --param "streams=$STREAMS" --param "rounds=$ROUNDS" --param "duration=${DURATION}s" \
    --param "warmup=${WARMUP}s" --versions "$(versions_json)"
