#!/usr/bin/env bash
# Monitor scale benchmark (SPEC M2): probes N services every interval on loopback.
# Usage: bench/monitor/run.sh [services=5000] [type=tcp|http] [interval=1s] [duration=20s] [peers=4] [threads=0]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -o -q -pl spillway-monitor -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
cp="spillway-monitor/target/test-classes:spillway-monitor/target/classes:$(cat spillway-monitor/target/test-classpath.txt)"
exec java -Xmx512m -Dlogback.configurationFile=bench/monitor/logback-bench.xml -cp "$cp" \
    io.spillway.monitor.bench.MonitorBench "$@"
