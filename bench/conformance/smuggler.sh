#!/usr/bin/env bash
# Runs the outside request-smuggling scanner defparam/smuggler (every mutation of its
# exhaustive configuration, CL.TE and TE.CL) against Spillway's http vServer and against HAProxy
# 2.6, side by side, both in front of the same echo service (Node's http module, which itself
# parses strictly). A finding is a desync the scanner could provoke.
#   bench/conformance/smuggler.sh /path/to/smuggler-checkout
# Needs python3, node, haproxy and a built jar.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
smuggler="${1:?usage: smuggler.sh SMUGGLER_CHECKOUT}"
config="${CONFIG:-exhaustive}"
start_targets
for target in "spillway:$SPILLWAY_PORT" "haproxy:$HAPROXY_PORT"; do
    name=${target%%:*}
    ( cd "$smuggler" && python3 smuggler.py -u "http://127.0.0.1:${target##*:}/" -c "$config.py" -t 3 --no-color \
        > "$WORK/$name.out" 2>&1 ) || true
    clean() { tr '\r' '\n' < "$WORK/$name.out" | sed 's/\x1b\[[0-9;]*m//g'; }
    mutations=$(clean | grep -cE '^\s*\[[^]]+\]\s*: (OK|DISCONNECTED|TIMEOUT|.*Issue Found)' || true)
    findings=$(clean | grep -ci 'issue found' || true)
    echo "$name: $mutations mutations tried, $findings potential desyncs found (log: $WORK/$name.out)"
done
