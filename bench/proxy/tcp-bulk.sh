#!/usr/bin/env bash
# TCP (L4) relay of bulk data: wrk fetches a 1 MiB file over CONNECTIONS (8) keep-alive
# connections through HAProxy mode tcp (option splice-auto unless HAPROXY_SPLICE=0), NGINX
# stream and Spillway protocol tcp. Figure: bytes/s, as per-round ratios.
#   CONTENDERS="haproxy nginx" ROUNDS=2 DURATION=3 bench/proxy/tcp-bulk.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
source "$here/../lib/throughput.sh"
CONNECTIONS="${CONNECTIONS:-8}"

bench_init tcp-bulk
run_throughput tcp /bulk "$CONNECTIONS"
# shellcheck disable=SC2046 # word lists by design
report rounds --title "TCP relay, 1 MiB responses, ${CONNECTIONS} connections" \
    --metric "bps:higher:GB/s:gb" --metric "rps:higher:responses/s:int" \
    --param "connections=$CONNECTIONS" --param "haproxySplice=$HAPROXY_SPLICE" $(throughput_params) \
    --versions "$(versions_json)"
