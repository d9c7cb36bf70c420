#!/usr/bin/env bash
# Slow-client attacks side by side (issue 11): slowhttptest slow headers (-H, slowloris), slow
# body (-B, R-U-Dead-Yet) and slow read (-X) against Spillway and HAProxy, each configured to
# the same defence: 5 s to send a head or a body, 5 s for a client to read, at most 50
# connections per client address, 200 concurrent requests to the service. The attacker comes
# from 127.0.0.1; normal clients (a new connection per request, 5 s timeout) from 127.0.0.2.
# Figure: the share of normal requests served during each attack, per contender and round.
#   ROUNDS=3 ATTACK_SECONDS=30 ATTACK_CONNECTIONS=1000 bench/proxy/slowhttp.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
ROUNDS="${ROUNDS:-3}"
ATTACK_SECONDS="${ATTACK_SECONDS:-30}"
ATTACK_CONNECTIONS="${ATTACK_CONNECTIONS:-1000}"
# the contenders this scenario knows (NGINX has no per-client connection limit to match)
CONTENDERS="$(for c in $CONTENDERS; do case "$c" in spillway | haproxy) printf '%s ' "$c" ;; esac; done)"
ATTACKS="${ATTACKS:-H B X}"

bench_init slowhttp
ensure_packages
command -v slowhttptest >/dev/null || {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slowhttptest >>"$WORK/apt.log" 2>&1 \
        || die "apt-get install slowhttptest failed (see $WORK/apt.log)"
}
read -r backend port admin <<<"$(free_ports 3)"
start_backend "$backend"

spillway_slow_config() {
    cat <<YAML
admin: {listen: 127.0.0.1:$admin}
services:
  - {name: backend, address: 127.0.0.1:$backend, protocol: http, capacity: 200}
vservers:
  - name: bench
    listen: 127.0.0.1:$port
    protocol: http
    services: [backend]
    timeouts: {header: 5s, body: 5s, send: 5s, idle: 5s}
    limits: {perClient: 50}
YAML
}

haproxy_slow_config() {
    cat <<CFG
global
    nbthread $THREADS
    maxconn 9000

defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 30s
    timeout http-request 5s
    timeout http-keep-alive 5s

frontend fe
    bind 127.0.0.1:$port
    stick-table type ip size 100k store conn_cur
    tcp-request connection track-sc0 src
    tcp-request connection reject if { sc0_conn_cur gt 50 }
    option http-buffer-request
    default_backend be

backend be
    server b1 127.0.0.1:$backend maxconn 200
CFG
}

start_slow_contender() {
    local name="$1" dir="$WORK/$1"
    mkdir -p "$dir"
    case "$name" in
        spillway)
            spillway_slow_config >"$dir/spillway.yaml"
            start_spillway spillway "$dir/spillway.yaml"
            ;;
        haproxy)
            haproxy_slow_config >"$dir/haproxy.cfg"
            haproxy -c -q -f "$dir/haproxy.cfg" >"$dir/check.log" 2>&1 \
                || die "haproxy rejected its configuration: $(cat "$dir/check.log")"
            bench_start haproxy haproxy -db -f "$dir/haproxy.cfg"
            ;;
    esac
    CONTENDER_PID=$STARTED_PID
    wait_port "$port" "$CONTENDER_PID" 120 || die "$name did not listen on $port (see $WORK/$name.log)"
}

# normal_clients SECONDS: new-connection GETs from 127.0.0.2, 8 at a time; prints "ok attempted".
normal_clients() {
    python3 - "$port" "$1" <<'PY'
import asyncio, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
ok = attempted = 0
async def one():
    global ok, attempted
    attempted += 1
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port, local_addr=("127.0.0.2", 0)), 5)
        w.write(b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        data = await asyncio.wait_for(r.read(), 5)
        w.close()
        if data.startswith(b"HTTP/1.1 200"):
            ok += 1
    except Exception:
        pass
async def worker(deadline):
    while time.monotonic() < deadline:
        await one()
        await asyncio.sleep(0.05)
async def main():
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(worker(deadline) for _ in range(8)))
asyncio.run(main())
print(ok, attempted)
PY
}

attack_args() {
    local url="http://127.0.0.1:$port/"
    case "$1" in
        H) echo "-H -c $ATTACK_CONNECTIONS -r 200 -i 10 -x 24 -p 3 -l $ATTACK_SECONDS -u $url" ;;
        B) echo "-B -c $ATTACK_CONNECTIONS -r 200 -i 10 -s 65536 -x 10 -p 3 -l $ATTACK_SECONDS -t POST -u $url" ;;
        X) echo "-X -c $ATTACK_CONNECTIONS -r 200 -k 1 -n 5 -w 10 -y 20 -z 32 -p 3 -l $ATTACK_SECONDS -u ${url}bulk" ;;
    esac
}

for round in $(seq 1 "$ROUNDS"); do
    for name in $CONTENDERS; do
        start_slow_contender "$name"
        normal_clients 3 >/dev/null # warm-up
        for attack in $ATTACKS; do
            # shellcheck disable=SC2046 # a word list by design
            timeout $((ATTACK_SECONDS + 60)) slowhttptest $(attack_args "$attack") -o "$WORK/$name-$attack-$round" \
                >"$WORK/$name-$attack-$round.log" 2>&1 &
            attacker=$!
            sleep 5 # let the attack build up
            read -r ok attempted <<<"$(normal_clients $((ATTACK_SECONDS - 10)))"
            wait "$attacker" 2>/dev/null || true
            served=$(python3 -c "print(round(100 * $ok / max(1, $attempted), 1))")
            log "round $round $name -$attack: $ok of $attempted normal requests served ($served%)"
            record "$round" "$name" "served_pct_$attack" "$served"
        done
        bench_stop "$CONTENDER_PID"
    done
done
metrics=()
for attack in $ATTACKS; do metrics+=(--metric "served_pct_$attack:higher:normal requests served during -$attack, %:f1"); done
report rounds --title "Slow clients (slowhttptest), normal requests served during each attack" "${metrics[@]}" \
    --param "attackConnections=$ATTACK_CONNECTIONS" --param "attackSeconds=$ATTACK_SECONDS" \
    --param "loadAverage=$(cut -d' ' -f1 /proc/loadavg)" --versions "$(versions_json)"
