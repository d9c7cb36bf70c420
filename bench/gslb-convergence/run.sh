#!/usr/bin/env bash
# GSLB convergence benchmark: 8 aggregators x 32 branches and a master in one JVM on loopback.
# Usage: bench/gslb-convergence/run.sh [intervalMs] [changesPerKind] [recoveries]
# Prints a markdown table and writes JSON to bench/results/. Bounded: the program gives up
# after 240 s; this script kills it after 300 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
INTERVAL_MS="${1:-500}"
CHANGES="${2:-20}"
RECOVERIES="${3:-3}"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

mvn -B -o -q -pl spillway-gslb -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
CP="spillway-gslb/target/test-classes:spillway-gslb/target/classes:$(cat spillway-gslb/target/bench-classpath.txt)"

timeout 300 java -Xmx1g -cp "$CP" io.spillway.gslb.hierarchy.ConvergenceBench \
    "$INTERVAL_MS" "$CHANGES" "$RECOVERIES" bench/results "$COMMIT"
