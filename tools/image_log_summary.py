#!/usr/bin/python3
"""Summarise `ola bench infer --image-log` files: agreement of encrypted and simulated classes.

The 100-image agreement run of issue 7 spans sessions (`--first-image S --images K` appends one
JSON line per finished image). This script merges one or more logs and prints, per run label
(plan / baseline) and plan file (relative to the checkout when inside it): the distinct images covered, which are missing from 0..N-1, how
many agree with the plan's simulation, encrypted top-1 against the labels, the largest logit error
in bits and the mean seconds per image. An image logged twice must agree with itself in class.

    /usr/bin/python3 tools/image_log_summary.py LOG [LOG ...] [--expect 100] [--json]
"""

import argparse
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def plan_key(path):
    """A plan path as logged, relative to the checkout when it lies inside it, so runs started with
    an absolute and with a relative path to the same plan file are one group."""
    norm = os.path.normpath(path)
    if os.path.isabs(norm) and os.path.commonpath([norm, REPO]) == REPO:
        return os.path.relpath(norm, REPO)
    return norm


def summarise(lines, expect):
    groups = {}
    for n, line in enumerate(lines, 1):
        rec = json.loads(line)
        key = (rec["run"], plan_key(rec["plan"]), rec["params"])
        groups.setdefault(key, {}).setdefault(rec["image"], []).append((n, rec))
    out = []
    for (run, plan, params), images in sorted(groups.items()):
        conflicts = [i for i, recs in images.items() if len({r["class"] for _, r in recs}) > 1]
        first = {i: recs[0][1] for i, recs in images.items()}
        agree = sum(r["class"] == r["simulated_class"] for r in first.values())
        correct = sum(r["class"] == r["label"] for r in first.values())
        worst = max(r["logit_error_bits"] for r in first.values())
        seconds = sum(r["seconds"] for r in first.values()) / len(first)
        missing = [i for i in range(expect) if i not in first] if expect else []
        out.append({"run": run, "plan": plan, "params": params, "images": len(first),
                    "agreeing": agree, "encrypted_top1": correct / len(first),
                    "disagreeing_images": sorted(i for i, r in first.items() if r["class"] != r["simulated_class"]),
                    "max_logit_error_bits": worst, "mean_seconds": seconds,
                    "missing": missing, "conflicting_repeats": sorted(conflicts)})
    return out


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("logs", nargs="+")
    p.add_argument("--expect", type=int, default=100, help="images 0..N-1 the run should cover (0: any)")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    lines = []
    for path in a.logs:
        with open(path) as f:
            lines += [l for l in f if l.strip()]
    if not lines:
        sys.exit(f"{', '.join(a.logs)}: no image lines")
    rows = summarise(lines, a.expect)
    if a.json:
        print(json.dumps(rows, indent=1))
        return
    for r in rows:
        miss = r["missing"]
        miss_s = "none" if not miss else f"{len(miss)} ({miss[0]}..{miss[-1]})"
        print(f"{r['run']} {r['plan']} {r['params']}: {r['agreeing']}/{r['images']} agree with the simulation "
              f"(disagreeing: {r['disagreeing_images'] or 'none'}), encrypted top-1 {100 * r['encrypted_top1']:.1f}%, "
              f"max logit error 2^{r['max_logit_error_bits']:.1f}, {r['mean_seconds']:.1f} s/image, "
              f"missing of 0..{a.expect - 1}: {miss_s}, conflicting repeats: {r['conflicting_repeats'] or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:])
