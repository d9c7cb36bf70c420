#!/usr/bin/env bash
# Fault drills (issue 11, item 9): see run.py for what each drill does and reports.
# Usage: bench/drills/run.sh [--out DIR] [--clients N] [--server-timeout SECONDS]
set -euo pipefail
exec python3 "$(dirname "${BASH_SOURCE[0]}")/run.py" "$@"
