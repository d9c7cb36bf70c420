# The wrk-driven scenarios (keep-alive, close, TCP bulk, TLS): sourced after contenders.sh.
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
    declare -gA PORT_OF PID_OF
    local i=1 c
    for c in "${CONTENDER_NAMES[@]}"; do
        if [ "$c" = direct ]; then
            PORT_OF[$c]=$BACKEND_PORT
        else
            PORT_OF[$c]=${ports[i]}
        fi
        i=$((i + 1))
        start_contender "$c" "$mode" "${PORT_OF[$c]}" "$BACKEND_PORT"
        PID_OF[$c]=$CONTENDER_PID
        log "$c listening on 127.0.0.1:${PORT_OF[$c]} (pid ${PID_OF[$c]})"
    done
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
