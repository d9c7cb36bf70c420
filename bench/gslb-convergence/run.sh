#!/usr/bin/env bash
# GSLB convergence benchmark: aggregators x branches (8 x 32 unless told) and a master in one JVM on loopback.
# Usage: bench/gslb-convergence/run.sh [intervalMs] [changesPerKind] [recoveries] [aggregators] [branchesPerAggregator]
# Prints a markdown table and writes JSON to bench/results/. Bounded: the program gives up
# 400 s after the hierarchy is up; this script kills it after TIMEOUT (900 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
INTERVAL_MS="${1:-500}"
CHANGES="${2:-20}"
RECOVERIES="${3:-3}"
AGGREGATORS="${4:-8}"
BRANCHES="${5:-32}"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

mvn -B -o -q -pl spillway-gslb -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
CP="spillway-gslb/target/test-classes:spillway-gslb/target/classes:$(cat spillway-gslb/target/bench-classpath.txt)"

timeout "${TIMEOUT:-900}" java -Xmx2g ${JAVA_OPTS:-} -cp "$CP" io.spillway.gslb.hierarchy.ConvergenceBench \
    "$INTERVAL_MS" "$CHANGES" "$RECOVERIES" bench/results "$COMMIT" "$AGGREGATORS" "$BRANCHES"
