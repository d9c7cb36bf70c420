# Shared by h1spec.sh and smuggler.sh: the echo service, Spillway's http vServer and HAProxy in
# http mode in front of it, all on 127.0.0.1; every process is stopped by pid on exit.
# After start_targets: WORK, BACKEND, SPILLWAY_PORT, HAPROXY_PORT.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
WORK="$(mktemp -d /tmp/spillway-conformance.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

start_targets() {
    BACKEND=$(free_port); SPILLWAY_PORT=$(free_port); HAPROXY_PORT=$(free_port)
    node "$here/echo-backend.mjs" "$BACKEND" & pids+=($!)
    printf 'services:\n  - {name: echo, address: 127.0.0.1:%s, protocol: http, capacity: 1000}\nvservers:\n  - {name: front, listen: 127.0.0.1:%s, protocol: http, services: [echo]}\n' \
        "$BACKEND" "$SPILLWAY_PORT" > "$WORK/spillway.yaml"
    java -jar "$root/spillway-app/target/spillway.jar" run -c "$WORK/spillway.yaml" > "$WORK/spillway.log" 2>&1 & pids+=($!)
    printf 'defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nfrontend f\n  bind 127.0.0.1:%s\n  default_backend b\nbackend b\n  server echo 127.0.0.1:%s\n' \
        "$HAPROXY_PORT" "$BACKEND" > "$WORK/haproxy.cfg"
    haproxy -f "$WORK/haproxy.cfg" -db > "$WORK/haproxy.log" 2>&1 & pids+=($!)
    wait_port "$BACKEND" && wait_port "$SPILLWAY_PORT" && wait_port "$HAPROXY_PORT"
}
