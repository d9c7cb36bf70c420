#!/usr/bin/env bash
# Spillover under load (SPEC S3-S5): a primary vServer and its backup, each with one service
# of capacity 100 (two NGINX backends that answer "primary" or "backup"), whenFull: redirect.
# After WARMUP (10) seconds of the same load (not counted: the backends tell it apart by its
# path; then the admin API must show every slot given back), CONCURRENCY (300) clients of
# bench/lib/loadclient.py load it for DURATION (10) seconds, each
# keeping its connection for PER_CONNECTION (100) requests (0: the whole run), reconnecting
# after a redirect. Reported: requests served by the primary and the backup (as the client
# saw them and as the backends counted them), redirects, errors (must be 0), and the admin
# API's counters (peak activeConnections sampled every 0.5 s, threshold, spillovers,
# redirects, drops). Exit status 1 when an error occurred or the counts disagree.
#
# Spillway only. SPILLOVER_CONTENDER=haproxy runs the same load against an HAProxy
# emulation (be_conn-based routing, no admin API) to check the harness itself; its figures
# are not a comparison.
#   bench/proxy/spillover.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DURATION="${DURATION:-10}"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
CONCURRENCY="${CONCURRENCY:-300}"
CAPACITY="${CAPACITY:-100}"
PER_CONNECTION="${PER_CONNECTION:-100}"
CLIENT_TIMEOUT="${CLIENT_TIMEOUT:-5}"
SPILLOVER_CONTENDER="${SPILLOVER_CONTENDER:-spillway}"

# start_backends PRIMARY_PORT BACKUP_PORT: one NGINX, one server per backend, each with its
# own access log (one line per request served) so that the backends count for themselves.
start_backends() {
    local dir="$WORK/backends"
    mkdir -p "$dir"
    chmod 755 "$dir"
    {
        nginx_main "$dir" 1
        echo "http {"
        nginx_http_common "$dir"
        local name port
        for name in primary backup; do
            port=$1
            shift
            cat <<EOF
    server {
        listen 127.0.0.1:$port backlog=4096;
        access_log $dir/$name.access.log combined;
        location = / { return 200 "$name\\n"; }
    }
EOF
        done
        echo "}"
    } >"$dir/nginx.conf"
    start_nginx backends "$dir/nginx.conf"
    BACKENDS_PID=$STARTED_PID
}

spillway_spill_config() {
    local port="$1" primary="$2" backup="$3" admin="$4" redirect="$5"
    cat <<EOF
admin:
  listen: 127.0.0.1:$admin
services:
  - name: primary-1
    address: 127.0.0.1:$primary
    protocol: http
    capacity: $CAPACITY
  - name: backup-1
    address: 127.0.0.1:$backup
    protocol: http
    capacity: $CAPACITY
vservers:
  - name: primary
    listen: 127.0.0.1:$port
    protocol: http
    services: [primary-1]
    spillover:
      method: dynamicconnection
      backup: backup
      whenFull: redirect
      redirectUrl: http://127.0.0.1:$redirect/full
  - name: backup
    protocol: http
    services: [backup-1]
    spillover:
      method: dynamicconnection
EOF
}

haproxy_spill_config() {
    local port="$1" primary="$2" backup="$3" redirect="$4"
    cat <<EOF
global
    nbthread $THREADS
    maxconn $HAPROXY_MAXCONN

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-keep-alive 60s
    http-reuse always

frontend fe
    bind 127.0.0.1:$port
    acl primary_full be_conn(primary) ge $CAPACITY
    acl backup_full be_conn(backup) ge $CAPACITY
    http-request redirect location http://127.0.0.1:$redirect/full code 302 if primary_full backup_full
    use_backend backup if primary_full
    default_backend primary

backend primary
    server p1 127.0.0.1:$primary

backend backup
    server b1 127.0.0.1:$backup
EOF
}

# served NAME: requests for / (not the warm-up's /?warmup) the backend NAME answered with
# 200, from its own access log (combined format: $7 is the path, $9 the status).
served() {
    local f="$WORK/backends/$1.access.log"
    [ -f "$f" ] || { echo 0; return; }
    awk '$7 == "/" && $9 == 200' "$f" | wc -l
}

bench_init spillover
ensure_packages
read -r port primary backup admin redirect <<<"$(free_ports 5)"
start_backends "$primary" "$backup"
wait_port "$primary" "$BACKENDS_PID" && wait_port "$backup" "$BACKENDS_PID" \
    || die "backends did not start (see $WORK/backends.log)"
mkdir -p "$WORK/$SPILLOVER_CONTENDER"
admin_url=""
case "$SPILLOVER_CONTENDER" in
    spillway)
        spillway_spill_config "$port" "$primary" "$backup" "$admin" "$redirect" >"$WORK/spillway/spillway.yaml"
        start_spillway spillway "$WORK/spillway/spillway.yaml"
        admin_url="http://127.0.0.1:$admin"
        wait_port "$admin" "$STARTED_PID" || die "Spillway's admin API did not listen (see $WORK/spillway.log)"
        ;;
    haproxy)
        haproxy_spill_config "$port" "$primary" "$backup" "$redirect" >"$WORK/haproxy/haproxy.cfg"
        bench_start haproxy haproxy -db -f "$WORK/haproxy/haproxy.cfg"
        ;;
    *) die "SPILLOVER_CONTENDER is spillway or haproxy" ;;
esac
proxy_pid=$STARTED_PID
wait_port "$port" "$proxy_pid" || die "$SPILLOVER_CONTENDER did not listen on $port (see $WORK/$SPILLOVER_CONTENDER.log)"
log "$SPILLOVER_CONTENDER on 127.0.0.1:$port; $CONCURRENCY clients for ${DURATION}s"
client_args=(spill --port "$port" --concurrency "$CONCURRENCY" --duration "$DURATION"
    --warmup "$WARMUP" --per-connection "$PER_CONNECTION" --timeout "$CLIENT_TIMEOUT")
[ -n "$admin_url" ] && client_args+=(--admin "$admin_url")
timeout $((WARMUP + DURATION + 60)) python3 "$BENCH_LIB/loadclient.py" "${client_args[@]}" >"$WORK/client.json" \
    2>"$WORK/client.err" || die "spillover client failed: $(tail -5 "$WORK/client.err")"
alive "$proxy_pid" || die "$SPILLOVER_CONTENDER died during the load (see $WORK/$SPILLOVER_CONTENDER.log)"
notes=(--note "client: $CONCURRENCY concurrent connections, $PER_CONNECTION requests per connection (0: unlimited), a redirected client closes and reconnects at once; a request unanswered after ${CLIENT_TIMEOUT}s is an error")
[ "$SPILLOVER_CONTENDER" = haproxy ] \
    && notes+=(--note "HAProxy emulation (be_conn routing, no admin API): a check of the harness, not of spillover")
report spillover --title "Spillover under load: capacity $CAPACITY + $CAPACITY, $CONCURRENCY clients, ${DURATION}s" \
    --client "$WORK/client.json" --contender "$SPILLOVER_CONTENDER" \
    --backend-primary "$(served primary)" --backend-backup "$(served backup)" \
    --param "concurrency=$CONCURRENCY" --param "duration=${DURATION}s" --param "capacity=$CAPACITY" \
    --param "perConnection=$PER_CONNECTION" --param "warmup=${WARMUP}s" --param "clientTimeout=${CLIENT_TIMEOUT}s" \
    --param "threads=$THREADS" "${notes[@]}"
