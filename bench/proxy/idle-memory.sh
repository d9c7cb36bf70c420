#!/usr/bin/env bash
# Memory per held idle connection, for HTTP/1.1, HTTP/2 and TCP connections (issue 13 item 3).
#
# For each round, protocol and contender, a fresh proxy is started and warmed (wrk; h2load for
# HTTP/2), then LOW_CONNECTIONS (1,000) connections are opened through it by
# bench/lib/loadclient.py (one request each, IDLE_PARALLEL (64) being opened at a time, then
# held idle) and its resident set is read; HIGH_CONNECTIONS - LOW_CONNECTIONS (7,000) more are
# opened and held, and the resident set is read again. Figure 1, the resident slope:
# (RSS at 8,000 - RSS at 1,000) / 7,000 in bytes per connection. Taking the slope between two
# loads rather than the growth from none leaves out what the first connections cost once (the
# JIT compiling the accept path, pools and arenas growing to their working size).
#
# Figure 2, Spillway only (HEAP=1, the default): retained Java heap per connection. At 8,000
# held connections `jcmd PID GC.class_histogram` (which runs a full GC first) counts the live
# heap; the 7,000 extra connections are then closed, and once the proxy holds 1,000 again a
# second histogram is taken: (heap at 8,000 - heap at 1,000) / 7,000. The histograms come after
# the resident readings, so their full GCs do not move the resident figure. The classes that
# grew most per connection are printed to the log (stderr) for the last round, and both
# histograms are kept in the work directory with KEEP_WORK=1.
#
# Figure 3: the resident set at LOW_CONNECTIONS, in KiB (what the process costs before the slope).
#
# Protocols: http1 (HTTP/1.1 keep-alive, through an http vServer / HAProxy mode http), h2
# (HTTP/2 over cleartext with prior knowledge through the same; HAProxy detects the preface),
# tcp (through a tcp vServer / HAProxy mode tcp: each held client connection also holds one to
# the backend). Spillway runs with the launcher's JVM flags (bin/spillway) unless
# SPILLWAY_JAVA_OPTS says otherwise.
#   PROTOCOLS="http1 tcp" ROUNDS=5 bench/proxy/idle-memory.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# the launcher's default JVM options, read from bin/spillway, so that the figure is the launcher's
launcher_opts=$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' "$here/../../bin/spillway")
[ -n "$launcher_opts" ] || { echo "no default_java_opts line in bin/spillway" >&2; exit 1; }
SPILLWAY_JAVA_OPTS="${SPILLWAY_JAVA_OPTS:-$launcher_opts}"
CONTENDERS="${CONTENDERS:-spillway haproxy}"
PROTOCOLS="${PROTOCOLS:-http1 h2 tcp}"
LOW_CONNECTIONS="${LOW_CONNECTIONS:-1000}"
HIGH_CONNECTIONS="${HIGH_CONNECTIONS:-8000}"
HAPROXY_MAXCONN="${HAPROXY_MAXCONN:-9000}"
# no splice pipes: an idle connection needs none, and their descriptors (maxconn / 4 pairs) would not
# fit with 2 x 9,000 connection descriptors under the 20,000 the bench raises its limit to
HAPROXY_SPLICE="${HAPROXY_SPLICE:-0}"
SETTLE="${SETTLE:-2}"
IDLE_PARALLEL="${IDLE_PARALLEL:-64}"
WARMUP="${WARMUP:-1}"
HEAP="${HEAP:-1}"
READY_SECONDS="${READY_SECONDS:-300}"
source "$here/../lib/common.sh"
source "$here/../lib/contenders.sh"
source "$here/../lib/throughput.sh"

# held PORT: established connections on the proxy's listening port (server side).
held() {
    ss -Htn state established "( sport = :$1 )" 2>/dev/null | wc -l
}

# hold NAME PORT PROTOCOL COUNT: opens COUNT idle connections and waits (bounded) until they
# are all open; sets STARTED_PID (the client, which holds them until it is stopped).
hold() {
    local name="$1" port="$2" protocol="$3" count="$4"
    local client_protocol=http1
    [ "$protocol" = h2 ] && client_protocol=h2
    bench_start "$name" python3 "$BENCH_LIB/loadclient.py" idle --port "$port" --protocol "$client_protocol" \
        --connections "$count" --parallel "$IDLE_PARALLEL" --hold 300
    local client=$STARTED_PID deadline=$((SECONDS + READY_SECONDS))
    until grep -qs '^READY' "$WORK/$name.log"; do
        alive "$client" || die "idle client ended early: $(tail -5 "$WORK/$name.log")"
        [ "$SECONDS" -lt "$deadline" ] || die "idle client not ready within ${READY_SECONDS}s"
        sleep 0.2
    done
    log "$name: $(grep '^READY' "$WORK/$name.log")"
    STARTED_PID=$client
}

# failed NAME: connections the client NAME could not open (or that got no 200).
failed() {
    sed -n 's/^READY .*failed=\([0-9]*\).*/\1/p' "$WORK/$1.log"
}

# heap_bytes PID FILE: live heap after a full GC (the class histogram's total), kept in FILE.
heap_bytes() {
    jcmd "$1" GC.class_histogram >"$2" 2>&1 || die "jcmd GC.class_histogram failed: $(tail -3 "$2")"
    awk '/^Total/ {print $3}' "$2"
}

# heap_growth LOW HIGH N: the classes whose live bytes grew most between two histograms, per connection.
heap_growth() {
    python3 - "$1" "$2" "$3" <<'EOF'
import re, sys
def read(path):
    out = {}
    for line in open(path):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            out[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return out
low, high, n = read(sys.argv[1]), read(sys.argv[2]), int(sys.argv[3])
rows = []
for cls, (count, size) in high.items():
    c0, s0 = low.get(cls, (0, 0))
    rows.append(((size - s0) / n, (count - c0) / n, cls))
rows.sort(reverse=True)
for size, count, cls in rows[:25]:
    print("  %8.1f B  %6.2f objects  %s" % (size, count, cls))
EOF
}

bench_init idle-memory
ensure_packages
read -ra names <<<"$CONTENDERS"
read -ra protocols <<<"$PROTOCOLS"
for c in "${names[@]}"; do
    [ "$c" = direct ] && die "idle-memory measures proxies; leave out 'direct'"
    [ "$c" = nginx ] && [[ " $PROTOCOLS " == *" h2 "* ]] && die "NGINX speaks no HTTP/2 over cleartext on an http/1.1 port: leave it out or set PROTOCOLS"
done
for p in "${protocols[@]}"; do
    case "$p" in http1 | h2 | tcp) ;; *) die "unknown protocol $p (http1, h2, tcp)" ;; esac
done
[ "$HIGH_CONNECTIONS" -gt "$LOW_CONNECTIONS" ] || die "HIGH_CONNECTIONS must be above LOW_CONNECTIONS"
extra=$((HIGH_CONNECTIONS - LOW_CONNECTIONS))
BACKEND_PORT=$(free_ports 1)
start_backend "$BACKEND_PORT"
for round in $(seq 1 "$ROUNDS"); do
    for c in "${names[@]}"; do
        errors=0
        for p in "${protocols[@]}"; do
            mode=http
            [ "$p" = tcp ] && mode=tcp
            # a fresh port for every start: nothing left of the previous instance can be in the way
            port=$(free_ports 1)
            start_contender "$c" "$mode" "$port" "$BACKEND_PORT"
            pid=$CONTENDER_PID
            if [ "$WARMUP" -gt 0 ]; then
                if [ "$p" = h2 ]; then
                    timeout $((WARMUP + 30)) h2load -c 16 -m 10 -t "$WRK_THREADS" -D "$WARMUP" \
                        "http://127.0.0.1:$port/" >"$WORK/warmup-h2.log" 2>&1 \
                        || die "h2load failed against $c: $(tail -5 "$WORK/warmup-h2.log")"
                else
                    run_wrk "http://127.0.0.1:$port/" "$WARMUP" 64 >/dev/null
                fi
            fi
            hold "low-$c-$p-$round" "$port" "$p" "$LOW_CONNECTIONS"
            low_client=$STARTED_PID
            sleep "$SETTLE"
            rss_low=$(rss_kb "$pid")
            hold "high-$c-$p-$round" "$port" "$p" "$extra"
            high_client=$STARTED_PID
            sleep "$SETTLE"
            rss_high=$(rss_kb "$pid")
            open=$(held "$port")
            slope=$(awk -v a="$rss_high" -v b="$rss_low" -v n="$extra" 'BEGIN {printf "%.1f", (a - b) * 1024 / n}')
            errors=$((errors + $(failed "low-$c-$p-$round") + $(failed "high-$c-$p-$round")))
            record "$round" "$c" "${p}_rss" "$slope"
            record "$round" "$c" "${p}_held" "$open"
            record "$round" "$c" "${p}_rss_low" "$rss_low"
            line="RSS ${rss_low} KiB at $LOW_CONNECTIONS -> ${rss_high} KiB at $HIGH_CONNECTIONS ($open held): $slope B/connection"
            if [ "$c" = spillway ] && [ "$HEAP" = 1 ]; then
                heap_high=$(heap_bytes "$pid" "$WORK/heap-$p-$round-high.txt")
                bench_stop "$high_client"
                deadline=$((SECONDS + 30))
                until [ "$(held "$port")" -le "$LOW_CONNECTIONS" ]; do
                    [ "$SECONDS" -lt "$deadline" ] || die "$c still holds $(held "$port") connections 30s after $extra were closed"
                    sleep 0.2
                done
                sleep "$SETTLE"
                heap_low=$(heap_bytes "$pid" "$WORK/heap-$p-$round-low.txt")
                heap=$(awk -v a="$heap_high" -v b="$heap_low" -v n="$extra" 'BEGIN {printf "%.1f", (a - b) / n}')
                record "$round" "$c" "${p}_heap" "$heap"
                line="$line; heap $heap_low -> $heap_high bytes: $heap B/connection"
                if [ "$round" = "$ROUNDS" ]; then
                    log "$p: what $c's live heap holds per connection (classes that grew most):"
                    heap_growth "$WORK/heap-$p-$round-low.txt" "$WORK/heap-$p-$round-high.txt" "$extra" >&2
                fi
            fi
            bench_stop "$high_client"
            bench_stop "$low_client"
            bench_stop "$pid"
            log "round $round/$ROUNDS $c $p: $line"
        done
        record "$round" "$c" errors "$errors"
    done
done
metrics=()
for p in "${protocols[@]}"; do
    metrics+=(--metric "${p}_rss:lower:$p RSS bytes/connection:int")
    [ "$HEAP" = 1 ] && metrics+=(--metric "${p}_heap:lower:$p heap bytes/connection:int")
done
for p in "${protocols[@]}"; do
    metrics+=(--metric "${p}_rss_low:lower:$p RSS at $LOW_CONNECTIONS (KiB):int")
done
for p in "${protocols[@]}"; do
    metrics+=(--metric "${p}_held:higher:$p connections held:int")
done
report rounds --title "Memory per held idle connection, slope from ${LOW_CONNECTIONS} to ${HIGH_CONNECTIONS} connections" \
    "${metrics[@]}" \
    --param "protocols=$PROTOCOLS" --param "low=$LOW_CONNECTIONS" --param "high=$HIGH_CONNECTIONS" \
    --param "rounds=$ROUNDS" --param "threads=$THREADS" --param "warmup=${WARMUP}s" --param "settle=${SETTLE}s" \
    --param "heap=$HEAP" --param "haproxyMaxconn=$HAPROXY_MAXCONN" \
    --versions "$(versions_json)"
