#!/usr/bin/env bash
# Runs every data-plane scenario of bench/proxy one after the other (each under 5 minutes
# with the defaults) and prints their tables; the JSON of each lands in bench/results/.
# The environment is passed through (CONTENDERS, ROUNDS, DURATION, ...). Spillover is
# Spillway only: it is skipped when CONTENDERS leaves Spillway out, unless
# SPILLOVER_CONTENDER=haproxy asks for the harness check.
#   bench/run-all.sh
#   CONTENDERS="haproxy nginx" bench/run-all.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
contenders="${CONTENDERS:-spillway haproxy nginx}"
scenarios=(http-keepalive http-close tcp-bulk tls idle-memory spillover)
failed=()
for s in "${scenarios[@]}"; do
    if [ "$s" = spillover ] && [[ " $contenders " != *" spillway "* ]] && [ -z "${SPILLOVER_CONTENDER:-}" ]; then
        echo "spillover: skipped (Spillway is not among the contenders)" >&2
        continue
    fi
    echo "== $s" >&2
    start=$SECONDS
    if timeout 600 bash "$here/proxy/$s.sh"; then
        echo "== $s done in $((SECONDS - start))s" >&2
    else
        echo "== $s FAILED after $((SECONDS - start))s" >&2
        failed+=("$s")
    fi
    echo
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
