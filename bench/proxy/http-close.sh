#!/usr/bin/env bash
# HTTP/1.1 with a new client connection per request (wrk -H 'Connection: close'), 12-byte
# response; the proxies keep their backend connections alive. Figure: requests/s, as
# per-round ratios of Spillway to HAProxy and to NGINX.
#   CONTENDERS="haproxy nginx" ROUNDS=2 DURATION=3 bench/proxy/http-close.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
source "$here/../lib/throughput.sh"
CONNECTIONS="${CONNECTIONS:-64}"

bench_init http-close
run_throughput http / "$CONNECTIONS" -H "Connection: close"
# shellcheck disable=SC2046 # word lists by design
report rounds --title "HTTP/1.1, new connection per request (Connection: close), ${CONNECTIONS} concurrent" \
    --metric "rps:higher:requests/s:int" --metric "p99_ms:lower:p99 ms:f2" \
    --param "connections=$CONNECTIONS" $(throughput_params) --versions "$(versions_json)"
