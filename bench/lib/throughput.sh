# The wrk-driven scenarios (keep-alive, close, TCP bulk, TLS) and the h2load-driven ones (h2,
# grpc): sourced after contenders.sh.
#
# One backend, every contender started once on its own port, a warm-up per contender
# (discarded), then ROUNDS rounds in which the contenders take turns (A B C A B C ...), each
# for DURATION seconds with the same wrk command. Every round's figures are recorded, the
# report divides them round by round.

WRK_THREADS="${WRK_THREADS:-2}"

# run_wrk URL SECONDS CONNECTIONS EXTRA...: prints wrk's BENCH line (see wrk-report.lua).
run_wrk() {
    local url="$1" seconds="$2" conns="$3"
    shift 3
    local out
    out=$(timeout $((seconds + 30)) wrk -t "$WRK_THREADS" -c "$conns" -d "${seconds}s" --latency \
        -s "$BENCH_LIB/wrk-report.lua" "$@" "$url" 2>&1) || die "wrk failed against $url: $out"
    local line
    line=$(grep '^BENCH ' <<<"$out") || die "wrk printed no figures: $out"
    echo "$line"
}

# field LINE KEY: the value of KEY=... in a BENCH line.
field() {
    local kv
    for kv in $1; do
        case "$kv" in "$2="*) echo "${kv#*=}"; return 0 ;; esac
    done
    echo 0
}

# run_throughput MODE PATH CONNECTIONS EXTRA...: the whole scenario up to the recorded rounds.
# Sets CONTENDER_NAMES; figures recorded: wrk's raw requests, bytes and duration_us, and
# from them rps, bps; p99_ms, p50_ms, errors (every wrk error counter summed).
run_throughput() {
    local mode="$1" path="$2" conns="$3"
    shift 3
    ensure_packages
    [ "$mode" = tls ] && make_cert
    read -ra CONTENDER_NAMES <<<"$CONTENDERS"
    [ "${#CONTENDER_NAMES[@]}" -ge 1 ] || die "CONTENDERS is empty"
    local ports
    read -ra ports <<<"$(free_ports $((${#CONTENDER_NAMES[@]} + 1)))"
    BACKEND_PORT=${ports[0]}
    start_backend "$BACKEND_PORT"
    start_contenders "$mode" "${ports[@]:1}"
    local c
    local scheme=http
    [ "$mode" = tls ] && scheme=https
    if [ "$WARMUP" -gt 0 ]; then
        for c in "${CONTENDER_NAMES[@]}"; do
            log "warm-up $c ${WARMUP}s"
            run_wrk "$scheme://127.0.0.1:${PORT_OF[$c]}$path" "$WARMUP" "$conns" "$@" >/dev/null
        done
    fi
    local round line requests duration
    for round in $(seq 1 "$ROUNDS"); do
        for c in "${CONTENDER_NAMES[@]}"; do
            alive "${PID_OF[$c]}" || die "$c (pid ${PID_OF[$c]}) died; log: $WORK/$c.log"
            line=$(run_wrk "$scheme://127.0.0.1:${PORT_OF[$c]}$path" "$DURATION" "$conns" "$@")
            requests=$(field "$line" requests)
            duration=$(field "$line" duration_us)
            record "$round" "$c" requests "$requests"
            record "$round" "$c" bytes "$(field "$line" bytes)"
            record "$round" "$c" duration_us "$duration"
            record "$round" "$c" rps "$(awk -v n="$requests" -v d="$duration" 'BEGIN {printf "%.3f", n / (d / 1e6)}')"
            record "$round" "$c" bps "$(awk -v n="$(field "$line" bytes)" -v d="$duration" 'BEGIN {printf "%.0f", n / (d / 1e6)}')"
            record "$round" "$c" p99_ms "$(awk -v u="$(field "$line" p99_us)" 'BEGIN {printf "%.3f", u / 1000}')"
            record "$round" "$c" p50_ms "$(awk -v u="$(field "$line" p50_us)" 'BEGIN {printf "%.3f", u / 1000}')"
            local errors=0 k
            for k in connect read write status timeout; do
                errors=$((errors + $(field "$line" "$k")))
            done
            record "$round" "$c" errors "$errors"
            log "round $round/$ROUNDS $c: $line"
        done
    done
}

# throughput_params: the --param arguments every wrk scenario reports.
throughput_params() {
    echo "--param rounds=$ROUNDS --param duration=${DURATION}s --param warmup=${WARMUP}s --param threads=$THREADS" \
        "--param wrkThreads=$WRK_THREADS --param backendWorkers=$BACKEND_WORKERS"
}

# start_contenders MODE PORT...: starts every contender of CONTENDER_NAMES (set by the caller)
# in MODE in front of BACKEND_PORT, each on the next PORT (direct: the backend's own port);
# sets PORT_OF and PID_OF.
start_contenders() {
    local mode="$1" i=2 c
    declare -gA PORT_OF PID_OF
    for c in "${CONTENDER_NAMES[@]}"; do
        if [ "$c" = direct ]; then
            PORT_OF[$c]=$BACKEND_PORT
        else
            PORT_OF[$c]=${!i}
        fi
        i=$((i + 1))
        start_contender "$c" "$mode" "${PORT_OF[$c]}" "$BACKEND_PORT"
        PID_OF[$c]=$CONTENDER_PID
        log "$c listening on 127.0.0.1:${PORT_OF[$c]} (pid ${PID_OF[$c]})"
    done
}

# run_h2load URL SECONDS H2LOAD_ARGS...: h2load with CLIENTS connections of STREAMS streams for
# SECONDS; one "rps=… mean_ms=… errors=… succeeded=…" line. HTTP/2 must have been spoken (h2 by
# ALPN or h2c); errors counts failed, errored and timed-out requests and 3xx, 4xx, 5xx answers.
run_h2load() {
    local url="$1" seconds="$2" out
    shift 2
    out=$(timeout $((seconds + 30)) h2load -c "$CLIENTS" -m "$STREAMS" -t "$THREADS" -D "$seconds" "$@" "$url" 2>&1) \
        || die "h2load failed against $url: $out"
    grep -qi 'application protocol: h2' <<<"$out" || die "no HTTP/2 with $url: $out"
    python3 - "$out" <<'EOF'
import re, sys
out = sys.argv[1]
rps = re.search(r"finished in [^,]+, ([0-9.]+) req/s", out).group(1)
r = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", out)
succeeded, failed, errored, timeout = (int(g) for g in r.groups())
if succeeded == 0:
    sys.exit("no request succeeded:\n" + out)
other = sum(int(n) for n in re.search(r"status codes: \d+ 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out).groups())
mean = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", out).group(1)
unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
m = re.match(r"([0-9.]+)(us|ms|s)", mean)
errors = failed + errored + timeout + other
print(f"rps={rps} mean_ms={float(m.group(1)) * unit[m.group(2)]:.3f} errors={errors} succeeded={succeeded}")
EOF
}

# h2load_rounds PATH H2LOAD_ARGS...: a warm-up per contender, then ROUNDS rounds of run_h2load
# against http(s)://127.0.0.1:PORT_OF[c]PATH (SCHEME, default http), contenders alternated;
# records rps, mean_ms and errors.
h2load_rounds() {
    local path="$1" round c line
    shift
    if [ "$WARMUP" -gt 0 ]; then
        for c in "${CONTENDER_NAMES[@]}"; do
            log "warm-up $c ${WARMUP}s"
            run_h2load "${SCHEME:-http}://127.0.0.1:${PORT_OF[$c]}$path" "$WARMUP" "$@" >/dev/null
        done
    fi
    for round in $(seq 1 "$ROUNDS"); do
        for c in "${CONTENDER_NAMES[@]}"; do
            alive "${PID_OF[$c]}" || die "$c (pid ${PID_OF[$c]}) died; log: $WORK/$c.log"
            line=$(run_h2load "${SCHEME:-http}://127.0.0.1:${PORT_OF[$c]}$path" "$DURATION" "$@")
            record "$round" "$c" rps "$(field "$line" rps)"
            record "$round" "$c" mean_ms "$(field "$line" mean_ms)"
            record "$round" "$c" errors "$(field "$line" errors)"
            log "round $round/$ROUNDS $c: $line"
        done
    done
}
