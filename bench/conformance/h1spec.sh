#!/usr/bin/env bash
# Runs the outside conformance suite uNetworking/h1spec against Spillway's http vServer and
# against HAProxy 2.6 in http mode, side by side, both in front of the same echo service.
#   bench/conformance/h1spec.sh /path/to/h1spec-checkout
# Needs node and esbuild (npm; ESBUILD=path), haproxy and a built jar (spillway-app/target/spillway.jar).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
h1spec="${1:?usage: h1spec.sh H1SPEC_CHECKOUT}"
"${ESBUILD:-esbuild}" "$h1spec/http_test.ts" --format=esm --platform=node --log-level=warning --outfile="$WORK/http_test.mjs"
{ cat "$here/deno-shim.mjs"; cat "$WORK/http_test.mjs"; } > "$WORK/run.mjs"
start_targets
for target in "spillway:$SPILLWAY_PORT" "haproxy:$HAPROXY_PORT"; do
    echo "### ${target%%:*}"
    node "$WORK/run.mjs" 127.0.0.1 "${target##*:}" 2>&1 | sort || true
done
