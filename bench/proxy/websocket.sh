#!/usr/bin/env bash
# WebSocket echo through each proxy: CONNECTIONS (64) clients ping-ponging 64-byte messages with
# an echo service behind Spillway's http vServer and behind HAProxy in http mode (NGINX needs
# explicit Upgrade configuration per location and is left out). Figures: messages/s and p99
# round trip, as per-round ratios of Spillway to HAProxy, contenders alternated, ROUNDS rounds.
# The service and the load are Node with the `ws` package (installed from npm into the work
# directory on first use); the load client is the same for both, so it bounds both alike.
#   ROUNDS=5 DURATION=8 bench/proxy/websocket.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONTENDERS="${CONTENDERS:-spillway haproxy}"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
source "$here/../lib/throughput.sh"
CONNECTIONS="${CONNECTIONS:-64}"
HAPROXY_MAXCONN="${HAPROXY_MAXCONN:-20000}"
HAPROXY_SPLICE=0

bench_init websocket
ensure_packages
command -v node >/dev/null || die "node is needed (apt-get install nodejs)"
( cd "$WORK" && npm init -y >/dev/null && npm install --silent ws@8 >/dev/null ) || die "npm install ws failed"
cp "$here/ws/echo-server.mjs" "$here/ws/echo-client.mjs" "$WORK/"
read -ra CONTENDER_NAMES <<<"$CONTENDERS"
read -ra ports <<<"$(free_ports $((${#CONTENDER_NAMES[@]} + 1)))"
BACKEND_PORT=${ports[0]}
bench_start backend node "$WORK/echo-server.mjs" "$BACKEND_PORT"
wait_port "$BACKEND_PORT" "$STARTED_PID" || die "echo service did not listen"
declare -A PORT_OF PID_OF
i=1
for c in "${CONTENDER_NAMES[@]}"; do
    PORT_OF[$c]=${ports[i]}
    i=$((i + 1))
    start_contender "$c" http "${PORT_OF[$c]}" "$BACKEND_PORT"
    PID_OF[$c]=$CONTENDER_PID
done
run_ws() {
    timeout $(($2 + 30)) node "$WORK/echo-client.mjs" "ws://127.0.0.1:$1/" "$CONNECTIONS" "$2" 64 | grep '^BENCH '
}
for c in "${CONTENDER_NAMES[@]}"; do
    log "warm-up $c ${WARMUP}s"
    run_ws "${PORT_OF[$c]}" "$WARMUP" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
    for c in "${CONTENDER_NAMES[@]}"; do
        alive "${PID_OF[$c]}" || die "$c died; log: $WORK/$c.log"
        line=$(run_ws "${PORT_OF[$c]}" "$DURATION")
        messages=$(field "$line" messages)
        duration=$(field "$line" duration_us)
        record "$round" "$c" mps "$(awk -v n="$messages" -v d="$duration" 'BEGIN {printf "%.3f", n / (d / 1e6)}')"
        record "$round" "$c" p99_ms "$(awk -v u="$(field "$line" p99_us)" 'BEGIN {printf "%.3f", u / 1000}')"
        record "$round" "$c" errors "$(field "$line" errors)"
        log "round $round/$ROUNDS $c: $line"
    done
done
report rounds --title "WebSocket echo, ${CONNECTIONS} connections, 64-byte messages" \
    --metric "mps:higher:messages/s:int" --metric "p99_ms:lower:p99 ms:f2" \
    --param "connections=$CONNECTIONS" --param "rounds=$ROUNDS" --param "duration=${DURATION}s" \
    --param "warmup=${WARMUP}s" --versions "$(versions_json)"
