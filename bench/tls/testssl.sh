#!/usr/bin/env bash
# testssl.sh against an https vServer of a real appliance (bin/spillway run), on loopback, with an
# RSA and an ECDSA certificate made here by openssl. Reports every finding at MEDIUM or above,
# apart those of the self-signed test certificate and the application's headers; exits 1 when the
# product causes one. Usage: bench/tls/testssl.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
command -v testssl >/dev/null || { apt-get install -y testssl.sh >/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

SPILLWAY_REBUILD=1 timeout 900 "$here/bin/spillway" --version >/dev/null  # the jar of this checkout
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
status=0
for kind in rsa ecdsa; do
  if [ "$kind" = rsa ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
      -keyout "$out/$kind.key" -out "$out/$kind.pem" 2>/dev/null
  else
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
      -addext subjectAltName=DNS:localhost -keyout "$out/$kind.key" -out "$out/$kind.pem" 2>/dev/null
  fi
  port=$(free_port); backend=$(free_port)
  cat > "$out/$kind.yaml" <<YAML
services:
  - {name: web, address: 127.0.0.1:$backend, protocol: http, capacity: 100}
vservers:
  - name: front
    listen: 127.0.0.1:$port
    protocol: https
    tls: {certificate: $out/$kind.pem, key: $out/$kind.key}
    services: [web]
YAML
  python3 -m http.server "$backend" --bind 127.0.0.1 >/dev/null 2>&1 & backend_pid=$!
  "$here/bin/spillway" run --config "$out/$kind.yaml" >"$out/$kind.spillway.log" 2>&1 & pid=$!
  pids=("$pid" "$backend_pid")
  for _ in $(seq 1 900); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done  # the launcher may build first
  rm -f "$out/$kind.json"
  # every check that can find a fault; not the client simulations and the full cipher listing
  testssl --quiet --color 0 --warnings off --protocols --std --fs --server-preference --server-defaults \
    --headers --vulnerable --jsonfile "$out/$kind.json" "127.0.0.1:$port" >"$out/$kind.txt" 2>&1 || true
  kill "$pid" "$backend_pid" 2>/dev/null || true
  wait "$pid" "$backend_pid" 2>/dev/null || true
  python3 - "$out/$kind.json" "$kind" <<'PY' || status=1
import json, sys
findings = json.load(open(sys.argv[1]))
order = ["OK", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL", "WARN", "FATAL"]
counts = {}
bad, elsewhere = [], []
# Not the product's doing: the certificate is a self-signed one made for this run (trust, expiry,
# revocation), and security headers such as HSTS are the application's, which the proxy passes on.
def not_ours(fid):
    return fid.startswith("cert_") or fid in ("security_headers", "HSTS")
for f in findings:
    sev = f.get("severity", "INFO")
    counts[sev] = counts.get(sev, 0) + 1
    if sev in ("MEDIUM", "HIGH", "CRITICAL", "FATAL"):
        (elsewhere if not_ours(f["id"]) else bad).append(f"{sev} {f['id']}: {f['finding']}")
print(f"{sys.argv[2]}: " + ", ".join(f"{k} {counts[k]}" for k in order if k in counts))
print(f"  findings above LOW caused by the product: {len(bad)}")
for b in bad:
    print("    " + b)
print(f"  findings above LOW from the test certificate or the application: {len(elsewhere)}")
for b in elsewhere:
    print("    " + b)
sys.exit(1 if bad else 0)
PY
done
echo "details: $out"
exit $status
