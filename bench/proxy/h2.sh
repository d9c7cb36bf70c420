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
declare -A PORT_OF PID_OF
i=1
for c in "${CONTENDER_NAMES[@]}"; do
    PORT_OF[$c]=${ports[i]}
    i=$((i + 1))
    start_contender "$c" h2 "${PORT_OF[$c]}" "$BACKEND_PORT"
    PID_OF[$c]=$CONTENDER_PID
done
# run_h2load PORT SECONDS: one "rps=… mean_ms=… failed=…" line
run_h2load() {
    local out
    out=$(timeout $(($2 + 30)) h2load -c "$CLIENTS" -m "$STREAMS" -t "$THREADS" -D "$2" "https://127.0.0.1:$1/" 2>&1) \
        || die "h2load failed against port $1: $out"
    grep -qi 'application protocol: h2' <<<"$out" || die "no h2 negotiated on port $1: $out"
    python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
rps = re.search(r"finished in [^,]+, ([0-9.]+) req/s", out).group(1)
failed = re.search(r"requests: .* (\d+) failed", out).group(1)
mean = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", out).group(1)
unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
m = re.match(r"([0-9.]+)(us|ms|s)", mean)
print(f"rps={rps} mean_ms={float(m.group(1)) * unit[m.group(2)]:.3f} failed={failed}")
PY
}
for c in "${CONTENDER_NAMES[@]}"; do
    log "warm-up $c ${WARMUP}s"
    run_h2load "${PORT_OF[$c]}" "$WARMUP" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
    for c in "${CONTENDER_NAMES[@]}"; do
        alive "${PID_OF[$c]}" || die "$c died; log: $WORK/$c.log"
        line=$(run_h2load "${PORT_OF[$c]}" "$DURATION")
        record "$round" "$c" rps "$(field "$line" rps)"
        record "$round" "$c" mean_ms "$(field "$line" mean_ms)"
        record "$round" "$c" errors "$(field "$line" failed)"
        log "round $round/$ROUNDS $c: $line"
    done
done
report rounds --title "HTTP/2 over TLS, ${CLIENTS} connections x ${STREAMS} streams, 12-byte response" \
    --metric "rps:higher:requests/s:int" --metric "mean_ms:lower:mean ms:f2" \
    --param "clients=$CLIENTS" --param "streams=$STREAMS" --param "rounds=$ROUNDS" --param "duration=${DURATION}s" \
    --param "warmup=${WARMUP}s" --versions "$(versions_json)"
