#!/usr/bin/env bash
# Master failover benchmark (issue 12): two masters of one site on a real etcd, an aggregator
# listing both, two branches; the active master is stopped cleanly or crashed, alternately.
# Usage: bench/master-failover/run.sh [intervalMs] [rounds]
# Needs /usr/bin/etcd (apt-get install -y etcd-server). Prints a markdown table and writes JSON
# to bench/results/. Bounded: the program gives up after 240 s; this script kills it after 300 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
INTERVAL_MS="${1:-200}"
ROUNDS="${2:-5}"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

mvn -B -o -q -pl spillway-gslb -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
CP="spillway-gslb/target/test-classes:spillway-gslb/target/classes:$(cat spillway-gslb/target/bench-classpath.txt)"

timeout 300 java -Xmx512m -cp "$CP" io.spillway.gslb.master.FailoverBench \
    "$INTERVAL_MS" "$ROUNDS" bench/results "$COMMIT"
