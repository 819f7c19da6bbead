#!/usr/bin/env bash
# Goes on with a 100-image agreement run of issue 7 (ola bench infer --image-log): runs the first
# stretch of consecutive images of 0..99 that LOG lacks for PLAN, on a private copy of the ola binary (so that rebuilding
# the tree does not touch the running program), with a memory watchdog that stops the run when
# the machine's available memory falls below WATCHDOG_MB (default 1500): a second N = 2^16 job
# beside it would otherwise take the machine down. Progress goes to stderr; the JSON summary of
# the run to stdout. A run stopped part way loses only its current image: call the script again.
#
#   tools/resume_agreement.sh LOG MODEL PLAN [more ola bench infer options]
#   e.g. tools/resume_agreement.sh docs/runs/agreement-resnet32-n16.jsonl \
#          ../shared/data/models/resnet32.onnx docs/plans/resnet32-n16-session5.json \
#          --params n16 --stage-bootstraps --keys-per-stage --threads 2
# Environment: OLA (binary, default build/ola), EXPECT (images, default 100), WATCHDOG_MB,
# DRY_RUN=1 (print the command it would run, run nothing).
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,15p' "$0" >&2
  exit 2
fi
log=$1 model=$2 plan=$3
shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
ola=${OLA:-$here/build/ola}
expect=${EXPECT:-100}
watchdog_kb=$(( ${WATCHDOG_MB:-1500} * 1024 ))
[ -x "$ola" ] || { echo "resume_agreement: no ola binary at $ola (build it, or set OLA)" >&2; exit 2; }
for f in "$model" "$plan"; do [ -f "$f" ] || { echo "resume_agreement: no such file: $f" >&2; exit 2; }; done

# The first run of consecutive missing images: "first count" (count 0: none missing).
range="0 $expect"
if [ -s "$log" ]; then
  # PLAN is matched as the summary groups plans (image_log_summary.plan_key: relative to the
  # checkout when inside it), so an absolute and a relative path to the same file are one plan.
  range=$(/usr/bin/python3 "$here/tools/image_log_summary.py" "$log" --expect "$expect" --json | /usr/bin/python3 -c '
import json, os, sys
sys.path.insert(0, sys.argv[3])
from image_log_summary import plan_key
plan, expect = plan_key(os.path.abspath(sys.argv[1])), int(sys.argv[2])
missing = list(range(expect))
for g in json.load(sys.stdin):
    if g["run"] == "plan" and g["plan"] == plan:
        missing = sorted(g["missing"])
if not missing:
    print(0, 0)
else:
    count = 1
    while count < len(missing) and missing[count] == missing[0] + count:
        count += 1
    print(missing[0], count)' "$plan" "$expect" "$here/tools")
fi
read -r first count <<< "$range"
if [ "$count" -eq 0 ]; then
  echo "resume_agreement: $log already covers images 0..$((expect - 1)) for $plan" >&2
  exit 0
fi

if [ "${DRY_RUN:-0}" = 1 ]; then
  echo "$ola bench infer --model $model --plan $plan --first-image $first --images $count --image-log $log --json $*"
  exit 0
fi
work=$(mktemp -d /tmp/ola-agreement.XXXXXX)
copy=$work/ola_agreement_$$
cp "$ola" "$copy"
cleanup() { [ -n "${watchdog:-}" ] && kill "$watchdog" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
( while sleep 5; do
    avail=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
    if [ "$avail" -lt "$watchdog_kb" ]; then
      echo "resume_agreement: MemAvailable ${avail} kB below ${watchdog_kb} kB, stopping the run" >&2
      pkill -f "$copy" || true
    fi
  done ) &
watchdog=$!
echo "resume_agreement: images $first..$((first + count - 1)) of $plan into $log" >&2
"$copy" bench infer --model "$model" --plan "$plan" --first-image "$first" --images "$count" \
  --image-log "$log" --json "$@"
