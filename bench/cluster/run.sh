#!/usr/bin/env bash
# Cluster benchmark (issue 12): three `bin/spillway run` appliances in one cluster over a real
# etcd, one backend that counts the connections it holds, racing clients spread 70/20/10 over the
# nodes and shifted to 10/20/70 and back every round. Reports the backend's peak against the
# capacity (must never exceed it), utilisation and the time for the shares to follow a shift.
# Driver: io.spillway.app.ClusterBench (spillway-app's test sources; what it measures is written
# there and in bench/cluster/README.md).
# Usage: bench/cluster/run.sh [intervalMs=200] [rounds=5] [capacity=40] [demand=1.5] [phaseSeconds=8]
# Needs /usr/bin/etcd (apt-get install -y etcd-server). Prints a markdown table and writes JSON
# to bench/results/. Bounded: the driver gives up after 300 s; this script kills it after 360 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

# the appliances run from the launcher's jar, rebuilt when older than the sources
SPILLWAY_REBUILD=1 bin/spillway --version >/dev/null
mvn -B -q -pl spillway-app -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
CP="spillway-app/target/test-classes:spillway-app/target/classes:$(cat spillway-app/target/bench-classpath.txt)"

timeout 360 java -Xmx512m -cp "$CP" io.spillway.app.ClusterBench \
    "$PWD/bin/spillway" bench/results "$COMMIT" "$@"
