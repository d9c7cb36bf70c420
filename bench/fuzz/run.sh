#!/usr/bin/env bash
# Fuzzes every Jazzer target for real, one at a time, MINUTES each (default 5), and records the
# executions, coverage and findings of each run in bench/fuzz/README.md (the results table).
#
#   bench/fuzz/run.sh MINUTES [Class#method ...]
#
# Each target runs as `JAZZER_FUZZ=1 mvn test -Dtest=Class#method` in its module. A finding
# fails the run of its target; Jazzer writes the input as crash-* (or timeout-*, leak-*) into the
# target's regression corpus (src/test/resources/<package>/<Class>Inputs/<method>/), which
# `mvn verify` then replays: fix the code, keep the input. The corpus the fuzzer grows lies in
# <module>/.cifuzz-corpus/ (not committed). Logs: bench/fuzz/logs/.
#
# Run without fuzzing, `mvn verify` replays the committed inputs only (seconds).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

MINUTES=${1:-5}
shift || true
if ! [[ "$MINUTES" =~ ^[0-9]+$ ]] || [ "$MINUTES" -lt 1 ]; then
  echo "usage: $0 MINUTES [Class#method ...]" >&2
  exit 2
fi

# module  Class#method
TARGETS=(
  "spillway-proxy Http1DecoderFuzzTest#requestDecoder"
  "spillway-proxy Http1DecoderFuzzTest#responseDecoder"
  "spillway-proxy HeadWritersFuzzTest#requestHeadRoundTrip"
  "spillway-proxy HeadWritersFuzzTest#responseHeadRoundTrip"
  "spillway-proxy Http2ClientConnectionFuzzTest#clientConnection"
  "spillway-gslb DnsResponderFuzzTest#respond"
  "spillway-gslb ExchangeFrameFuzzTest#beforeAuthentication"
  "spillway-gslb ExchangeFrameFuzzTest#afterAuthentication"
  "spillway-config ConfigLoaderFuzzTest#parse"
  "spillway-admin AdminRouterFuzzTest#serve"
)
if [ $# -gt 0 ]; then
  selected=()
  for t in "${TARGETS[@]}"; do
    for want in "$@"; do
      [ "${t#* }" = "$want" ] && selected+=("$t")
    done
  done
  TARGETS=("${selected[@]}")
fi

LOGS=bench/fuzz/logs
RESULTS=bench/fuzz/results.tsv
mkdir -p "$LOGS"
[ -f "$RESULTS" ] || printf 'date\ttarget\tminutes\texecutions\texec/s\tcoverage\tfeatures\tcorpus\tfindings\n' > "$RESULTS"

for t in "${TARGETS[@]}"; do
  module=${t%% *}
  target=${t#* }
  log="$LOGS/${target/\#/.}.log"
  before=$(find "$module/src/test/resources" -name 'crash-*' -o -name 'timeout-*' -o -name 'leak-*' -o -name 'slow-unit-*' 2>/dev/null | wc -l)
  echo "== $target: $MINUTES min"
  status=0
  # jazzer.hooks: Jazzer's method hooks (also its string-compare guidance) are on for fuzzing.
  # leak.level: the test's TrackingAllocator finds an unreleased buffer at once, on the input
  # that leaked it, so Netty's GC-driven detector is left off for speed.
  # surefire.forkTimeout: the test JVM may run the whole fuzzing time (the default ends it at 10 min).
  # No per-input timeout is set: JUnit's would bound the whole fuzzing run; libFuzzer's own
  # (1200 s) applies, and the outer timeout ends a run that hangs (it then shows as failed).
  JAZZER_FUZZ=1 timeout $((MINUTES * 60 + 600)) mvn -B -pl "$module" -am test \
      -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.max_duration="${MINUTES}m" -Djazzer.hooks=true -Dleak.level=disabled \
      -Dsurefire.forkTimeout=$((MINUTES * 60 + 300)) \
      > "$log" 2>&1 || status=$?
  after=$(find "$module/src/test/resources" -name 'crash-*' -o -name 'timeout-*' -o -name 'leak-*' -o -name 'slow-unit-*' 2>/dev/null | wc -l)
  # libFuzzer's closing lines: "#N DONE cov: C ft: F corp: K/..." and "Done N runs in S second(s)"
  done_line=$(grep -a -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  last_line=$(grep -a -E '^#[0-9]+[[:space:]]+(pulse|NEW|REDUCE|DONE|INITED)' "$log" | tail -1 || true)
  line=${done_line:-$last_line}
  runs=$(grep -a -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $2" "$5}' || true)
  execs=${runs%% *}
  secs=${runs##* }
  [ -n "$execs" ] || execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$line")
  [ -n "$secs" ] && [ "$secs" != "$runs" ] || secs=$((MINUTES * 60))
  rate=$(( ${execs:-0} / (secs > 0 ? secs : 1) ))
  cov=$(grep -oE 'cov: [0-9]+' <<<"$line" | awk '{print $2}' || true)
  ft=$(grep -oE 'ft: [0-9]+' <<<"$line" | awk '{print $2}' || true)
  corp=$(grep -oE 'corp: [0-9]+' <<<"$line" | awk '{print $2}' || true)
  findings=$((after - before))
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then
    findings="failed (exit $status, see $log)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$target" "$MINUTES" \
      "${execs:-?}" "$rate" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$findings" | tee -a "$RESULTS"
done

# The table in README.md: the latest run of each target.
python3 - "$RESULTS" bench/fuzz/README.md <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
latest = {}
for r in rows:
    latest[r[1]] = r
table = ["| target | date | minutes | executions | exec/s | coverage (edges) | features | corpus | findings |",
         "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
for target, r in latest.items():
    table.append("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s |" % (target, r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8]))
readme = open(sys.argv[2]).read()
start, end = "<!-- results -->", "<!-- /results -->"
a, b = readme.index(start) + len(start), readme.index(end)
open(sys.argv[2], "w").write(readme[:a] + "\n" + "\n".join(table) + "\n" + readme[b:])
PY
echo "results: $RESULTS, table: bench/fuzz/README.md"
