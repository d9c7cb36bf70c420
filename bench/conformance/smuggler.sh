#!/usr/bin/env bash
# Runs the outside request-smuggling scanner defparam/smuggler (every mutation of its
# exhaustive configuration, CL.TE and TE.CL) against Spillway's http vServer and against HAProxy
# 2.6, side by side, both in front of the same echo service (Node's http module, which itself
# parses strictly). A finding is a desync the scanner could provoke.
#   bench/conformance/smuggler.sh /path/to/smuggler-checkout
# Needs python3, node, haproxy and a built jar. Loopback only; every process is stopped by pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
smuggler="${1:?usage: smuggler.sh SMUGGLER_CHECKOUT}"
config="${CONFIG:-exhaustive}"
work="$(mktemp -d /tmp/spillway-smuggler.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

backend=$(free_port); spill=$(free_port); hap=$(free_port)
node "$here/echo-backend.mjs" "$backend" & pids+=($!)
cat > "$work/spillway.yaml" <<YAML
services:
  - {name: echo, address: 127.0.0.1:$backend, protocol: http, capacity: 1000}
vservers:
  - {name: front, listen: 127.0.0.1:$spill, protocol: http, services: [echo]}
YAML
java -jar "$root/spillway-app/target/spillway.jar" run -c "$work/spillway.yaml" > "$work/spillway.log" 2>&1 & pids+=($!)
printf 'defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nfrontend f\n  bind 127.0.0.1:%s\n  default_backend b\nbackend b\n  server echo 127.0.0.1:%s\n' \
    "$hap" "$backend" > "$work/haproxy.cfg"
haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 & pids+=($!)
wait_port "$backend"; wait_port "$spill"; wait_port "$hap"

for target in "spillway:$spill" "haproxy:$hap"; do
    name=${target%%:*}; port=${target##*:}
    ( cd "$smuggler" && python3 smuggler.py -u "http://127.0.0.1:$port/" -c "$config.py" -t 3 --no-color \
        -l "$work/$name.findings" > "$work/$name.out" 2>&1 ) || true
    clean() { tr '\r' '\n' < "$work/$name.out" | sed 's/\x1b\[[0-9;]*m//g'; }
    mutations=$(clean | grep -cE '^\s*\[[^]]+\]\s*: (OK|DISCONNECTED|TIMEOUT|.*Issue Found)' || true)
    findings=$(clean | grep -ci 'issue found' || true)
    echo "$name: $mutations mutations tried, $findings potential desyncs found (log: $work/$name.out)"
done
