#!/usr/bin/env bash
# run_fuzzer.sh FUZZER CORPUS SECONDS: fuzzes for SECONDS on a scratch copy of CORPUS; a crash fails the test
# and leaves its input (crash-*) in the scratch folder, printed for turning into a regression test.
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3
work=$(mktemp -d)
cp -r "$corpus"/. "$work"/ 2>/dev/null || true
cd "$work"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 . \
  || { echo "fuzzer failed; inputs in $work"; ls "$work" | grep -E '^(crash|leak|timeout|oom)-' || true; exit 1; }
rm -rf "$work"
