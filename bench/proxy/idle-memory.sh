#!/usr/bin/env bash
# Resident memory per idle keep-alive connection: for each round and contender, a fresh
# proxy is started and warmed with wrk; its resident set (with its children: NGINX's
# workers) is read, IDLE_CONNECTIONS (5000) keep-alive connections are opened through it by
# bench/lib/loadclient.py (one request each, IDLE_PARALLEL (64) being opened at a time so
# that every proxy's pool of backend connections stays small, then held idle), and the
# resident set is read again. Figure: (RSS after - RSS before) / connections, in bytes, as per-round ratios.
# HAProxy's maxconn is raised to HAPROXY_MAXCONN (6000) here so that it can hold them.
#   CONTENDERS="haproxy nginx" ROUNDS=2 bench/proxy/idle-memory.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IDLE_CONNECTIONS="${IDLE_CONNECTIONS:-5000}"
HAPROXY_MAXCONN="${HAPROXY_MAXCONN:-6000}"
SETTLE="${SETTLE:-1}"
IDLE_PARALLEL="${IDLE_PARALLEL:-64}"
WARMUP="${WARMUP:-1}"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
source "$here/../lib/throughput.sh"

# held PORT: established connections on the proxy's listening port (server side).
held() {
    ss -Htn state established "( sport = :$1 )" 2>/dev/null | wc -l
}

bench_init idle-memory
ensure_packages
read -ra names <<<"$CONTENDERS"
for c in "${names[@]}"; do
    [ "$c" = direct ] && die "idle-memory measures proxies; leave out 'direct'"
done
BACKEND_PORT=$(free_ports 1)
start_backend "$BACKEND_PORT"
for round in $(seq 1 "$ROUNDS"); do
    for c in "${names[@]}"; do
        # A fresh port for every start: nothing left of the previous instance can be in the way.
        port=$(free_ports 1)
        start_contender "$c" http "$port" "$BACKEND_PORT"
        pid=$CONTENDER_PID
        [ "$WARMUP" -gt 0 ] && run_wrk "http://127.0.0.1:$port/" "$WARMUP" 64 >/dev/null
        sleep "$SETTLE"
        before=$(rss_kb "$pid")
        log "$c: RSS before $before KiB; opening $IDLE_CONNECTIONS connections"
        bench_start "client-$c-$round" python3 "$BENCH_LIB/loadclient.py" idle --port "$port" \
            --connections "$IDLE_CONNECTIONS" --parallel "$IDLE_PARALLEL" --hold 120
        client=$STARTED_PID
        deadline=$((SECONDS + 90))
        until grep -qs '^READY' "$WORK/client-$c-$round.log"; do
            alive "$client" || die "idle client ended early: $(tail -5 "$WORK/client-$c-$round.log")"
            [ "$SECONDS" -lt "$deadline" ] || die "idle client not ready within 90s"
            sleep 0.2
        done
        log "$c: $(grep '^READY' "$WORK/client-$c-$round.log")"
        sleep "$SETTLE"
        after=$(rss_kb "$pid")
        open=$(held "$port")
        ready=$(grep '^READY' "$WORK/client-$c-$round.log")
        bench_stop "$client"
        bench_stop "$pid"
        failed=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$ready")
        per=$(awk -v a="$after" -v b="$before" -v n="$IDLE_CONNECTIONS" 'BEGIN {printf "%.1f", (a - b) * 1024 / n}')
        record "$round" "$c" bytes_per_conn "$per"
        record "$round" "$c" rss_before_kib "$before"
        record "$round" "$c" rss_after_kib "$after"
        record "$round" "$c" held "$open"
        record "$round" "$c" errors "${failed:-0}"
        log "round $round/$ROUNDS $c: RSS ${before} KiB -> ${after} KiB, $open held ($ready): $per bytes/connection"
    done
done
report rounds --title "Resident memory per idle keep-alive connection, ${IDLE_CONNECTIONS} connections" \
    --metric "bytes_per_conn:lower:bytes/connection:int" --metric "held:higher:connections held:int" \
    --metric "rss_before_kib:lower:RSS before (KiB):int" --metric "rss_after_kib:lower:RSS after (KiB):int" \
    --param "connections=$IDLE_CONNECTIONS" --param "rounds=$ROUNDS" --param "threads=$THREADS" \
    --param "warmup=${WARMUP}s" --param "settle=${SETTLE}s" --param "haproxyMaxconn=$HAPROXY_MAXCONN" \
    --versions "$(versions_json)"
