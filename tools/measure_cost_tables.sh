#!/usr/bin/env bash
# Re-measures the optimizer's cost tables of both N = 2^16 chains in one sitting, so the plan (n16)
# and the alpha = 13 baseline (n16-deep) are priced by the same binary on the same machine state:
# per-level operation costs at every level (one thread, thread CPU time, median of 9), then the
# sparse-slot bootstraps of each ResNet stage (one thread, median of the warm runs of 3).
#
#   tools/measure_cost_tables.sh [OUT_DIR]      (default data/; logs in OUT_DIR/measure-costs.log)
#
# Needs the machine to itself: the n16-deep 2^14-slot bootstrap alone peaks near 20 GB. Took 12.4
# minutes on the project's 2-core VM (session 16, idle: docs/runs/measure-costs-session16.log).
# Writes each table to a temporary name and moves it over OUT_DIR/costs-SET.json only when all of
# its entries are measured, so a failed run leaves the old tables as they were. Environment: OLA (default build/ola); SETS (default "n16-deep n16") and
# SLOTS (default "16384 8192 4096") to measure other sets, e.g. SETS=test-boot-n12 SLOTS="256 128".
set -euo pipefail
cd "$(dirname "$0")/.."
out_dir="${1:-data}"
ola="${OLA:-build/ola}"
log="$out_dir/measure-costs.log"
[[ -x "$ola" ]] || { echo "measure_cost_tables: $ola not found or not executable (build it: scripts/setup)" >&2; exit 2; }
mkdir -p "$out_dir"
: > "$log"
for set in ${SETS:-n16-deep n16}; do
  final="$out_dir/costs-$set.json"
  tmp="$out_dir/.costs-$set.json.measuring"
  rm -f "$tmp"
  echo "$(date -u +%FT%TZ) $set: per-level costs" | tee -a "$log"
  "$ola" bench costs --params "$set" --threads 1 --repeat 9 --out "$tmp" --json >> "$log"
  for slots in ${SLOTS:-16384 8192 4096}; do
    echo "$(date -u +%FT%TZ) $set: bootstrap of $slots slots" | tee -a "$log"
    "$ola" bench bootstrap --params "$set" --slots "$slots" --threads 1 --repeat 3 --costs "$tmp" --json >> "$log"
  done
  mv "$tmp" "$final"
  echo "$(date -u +%FT%TZ) $set: wrote $final" | tee -a "$log"
done
