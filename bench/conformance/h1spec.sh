#!/usr/bin/env bash
# Runs the outside conformance suite uNetworking/h1spec against Spillway's http vServer and
# against HAProxy 2.6 in http mode, side by side, both in front of the same echo service.
#   bench/conformance/h1spec.sh /path/to/h1spec-checkout
# Needs node and esbuild (npm), haproxy and a built jar (spillway-app/target/spillway.jar).
# Everything listens on 127.0.0.1; every process started here is stopped by pid on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
h1spec="${1:?usage: h1spec.sh H1SPEC_CHECKOUT}"
esbuild="${ESBUILD:-esbuild}"
work="$(mktemp -d /tmp/spillway-h1spec.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

"$esbuild" "$h1spec/http_test.ts" --format=esm --platform=node --log-level=warning --outfile="$work/http_test.mjs"
{ cat "$here/deno-shim.mjs"; cat "$work/http_test.mjs"; } > "$work/run.mjs"

backend=$(free_port); spill=$(free_port); hap=$(free_port)
node "$here/echo-backend.mjs" "$backend" & pids+=($!)
cat > "$work/spillway.yaml" <<YAML
services:
  - {name: echo, address: 127.0.0.1:$backend, protocol: http, capacity: 1000}
vservers:
  - {name: front, listen: 127.0.0.1:$spill, protocol: http, services: [echo]}
YAML
java -jar "$root/spillway-app/target/spillway.jar" run -c "$work/spillway.yaml" > "$work/spillway.log" 2>&1 & pids+=($!)
cat > "$work/haproxy.cfg" <<CFG
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend f
  bind 127.0.0.1:$hap
  default_backend b
backend b
  server echo 127.0.0.1:$backend
CFG
haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 & pids+=($!)
wait_port "$backend"; wait_port "$spill"; wait_port "$hap"

for target in "spillway:$spill" "haproxy:$hap"; do
    name=${target%%:*}; port=${target##*:}
    echo "### $name"
    node "$work/run.mjs" 127.0.0.1 "$port" 2>&1 | sort || true
done
