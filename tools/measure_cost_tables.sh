#!/usr/bin/env bash
# Re-measures the optimizer's cost tables of several N = 2^16 chains in one sitting, so a plan and
# its alpha = 13 baseline are priced by the same binary on the same machine state: per-level
# operation costs at every level (one thread, thread CPU time, median of 9), then the sparse-slot
# bootstraps of each ResNet stage (one thread, median of the warm runs of BOOT_REPEAT). The sets
# alternate: every set's per-level costs first, then for each slot count every set's bootstrap, so
# a slow stretch of the machine falls on all sets rather than on one.
#
#   tools/measure_cost_tables.sh [OUT_DIR]      (default data/; logs in OUT_DIR/measure-costs.log)
#
# Needs the machine to itself: the n16-deep 2^14-slot bootstrap alone peaks near 20 GB. Took 12.4
# minutes for two sets at BOOT_REPEAT=3 on the project's 2-core VM (session 16, idle:
# docs/runs/measure-costs-session16.log). Writes each table to a temporary name and moves it over
# OUT_DIR/costs-SET.json only when all of its entries are measured, so a failed run leaves the old
# tables as they were. Environment: OLA (default build/ola); SETS (default "n16-deep n16"), SLOTS
# (default "16384 8192 4096") and BOOT_REPEAT (default 3: bootstraps per slot count, the first one
# cold) to measure other sets, e.g. SETS=test-boot-n12 SLOTS="256 128".
set -euo pipefail
cd "$(dirname "$0")/.."
out_dir="${1:-data}"
ola="${OLA:-build/ola}"
sets="${SETS:-n16-deep n16}"
boot_repeat="${BOOT_REPEAT:-3}"
log="$out_dir/measure-costs.log"
[[ -x "$ola" ]] || { echo "measure_cost_tables: $ola not found or not executable (build it: scripts/setup)" >&2; exit 2; }
[[ "$boot_repeat" =~ ^[1-9][0-9]*$ ]] || { echo "measure_cost_tables: BOOT_REPEAT must be a positive integer, got '$boot_repeat'" >&2; exit 2; }
mkdir -p "$out_dir"
: > "$log"
tmp_of() { echo "$out_dir/.costs-$1.json.measuring"; }
for set in $sets; do
  rm -f "$(tmp_of "$set")"
  echo "$(date -u +%FT%TZ) $set: per-level costs" | tee -a "$log"
  "$ola" bench costs --params "$set" --threads 1 --repeat 9 --out "$(tmp_of "$set")" --json >> "$log"
done
for slots in ${SLOTS:-16384 8192 4096}; do
  for set in $sets; do
    echo "$(date -u +%FT%TZ) $set: bootstrap of $slots slots" | tee -a "$log"
    "$ola" bench bootstrap --params "$set" --slots "$slots" --threads 1 --repeat "$boot_repeat" \
      --costs "$(tmp_of "$set")" --json >> "$log"
  done
done
for set in $sets; do
  mv "$(tmp_of "$set")" "$out_dir/costs-$set.json"
  echo "$(date -u +%FT%TZ) $set: wrote $out_dir/costs-$set.json" | tee -a "$log"
done
