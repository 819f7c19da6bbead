#!/usr/bin/python3
"""Feasibility check for issue 8: does a degree-3 polynomial *per channel* hold the ConvNeXt?

Per site, one cubic cannot follow GELU over the wide pre-GELU distributions of the trained
backbone (docs/results.md, "ConvNeXt"). Each channel's distribution is narrower and sits at its own
place, so a cubic fitted per channel to that channel's inputs (weighted least squares against the
empirical distribution: ordinary least squares on the sampled inputs) may do much better, at the
same multiplicative depth (the coefficients become plaintext vectors, one value per channel).

This script measures that in PyTorch, before anything is built in C++: it fits, on the pre-GELU
inputs of calibration images (lossless training records 0..999), one cubic per site and one per
(site, channel), replaces every GELU by them and reports top-1 on the JPEG-decoded test set and the
lossless test images, next to the exact model. It needs the training checkpoint of the committed
ONNX (tools/train_convnext.py --checkpoint; the ONNX alone has folded weights).

Usage:
  /usr/bin/python3 tools/convnext_channel_cubic.py --checkpoint build-convnext/run3.ckpt.pt [--threads 1]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_convnext as tc  # noqa: E402  (model definition, data loading, normalisation)

CALIB = tc.TRAIN_LOSSLESS_FIRST4000  # the data paths of the training script
TEST_JPEG = tc.TEST_JPEG_10K
TEST_LOSSLESS = tc.TEST_LOSSLESS_1000


class Recorder(nn.Module):
    """Stands in for a GELU: records a sample of its inputs per channel, returns exact GELU."""

    def __init__(self, per_channel_samples, gen):
        super().__init__()
        self.samples = None
        self.per_channel = per_channel_samples
        self.gen = gen

    def forward(self, x):
        c = x.shape[1]
        v = x.transpose(0, 1).reshape(c, -1)
        take = min(v.shape[1], 64)
        idx = torch.randint(0, v.shape[1], (take,), generator=self.gen)
        chunk = v[:, idx]
        self.samples = chunk if self.samples is None else torch.cat([self.samples, chunk], 1)
        return nn.functional.gelu(x)


class Cubic(nn.Module):
    """c0 + c1 x + c2 x^2 + c3 x^3 with coefficients per channel ([C, 4]) or shared ([1, 4])."""

    def __init__(self, coeffs):
        super().__init__()
        self.register_buffer("c", torch.as_tensor(coeffs, dtype=torch.float32))

    def forward(self, x):
        shape = (1, -1, 1, 1)
        c0, c1, c2, c3 = (self.c[:, k].view(shape) for k in range(4))
        return c0 + x * (c1 + x * (c2 + x * c3))


def fit_cubic(x):
    """Least-squares cubic to GELU on samples x (1-D float64): the distribution-weighted fit."""
    t = torch.as_tensor(x, dtype=torch.float64)
    y = nn.functional.gelu(t).numpy()
    a = np.stack([np.ones_like(x), x, x * x, x * x * x], 1)
    coef, *_ = np.linalg.lstsq(a, y, rcond=None)
    mse = float(np.mean((a @ coef - y) ** 2))
    return coef, mse


def gelu_blocks(model):
    return [b for b in model.modules() if isinstance(b, tc.Block)]


@torch.no_grad()
def top1(model, path, limit=None):
    x, y = tc.load_bin(path)
    if limit:
        x, y = x[:limit], y[:limit]
    model.eval()
    correct, preds = 0, []
    for i in range(0, len(x), 250):
        p = model(tc.normalize(x[i:i + 250])).argmax(1)
        preds.append(p)
        correct += (p == y[i:i + 250]).sum().item()
    return 100.0 * correct / len(x), torch.cat(preds)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--calib-images", type=int, default=1000)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default=None, help="write the results as JSON here")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    t0 = time.time()
    ck = torch.load(args.checkpoint, map_location="cpu")
    model = tc.build(argparse.Namespace(**ck["args"]))
    model.load_state_dict(ck["model"])
    model.eval()
    blocks = gelu_blocks(model)

    gen = torch.Generator().manual_seed(1)
    for b in blocks:
        b.act = Recorder(64, gen)
    xc, _ = tc.load_bin(CALIB)
    with torch.no_grad():
        for i in range(0, args.calib_images, 100):
            model(tc.normalize(xc[i:min(i + 100, args.calib_images)]))
    per_site, per_channel, sites = [], [], []
    for s, b in enumerate(blocks):
        v = b.act.samples.double().numpy()  # [C, samples]
        coef_site, mse_site = fit_cubic(v.reshape(-1))
        ch = [fit_cubic(v[c]) for c in range(v.shape[0])]
        per_site.append(coef_site[None, :])
        per_channel.append(np.stack([c for c, _ in ch]))
        ch_mse = float(np.mean([m for _, m in ch]))
        stds = v.std(1)
        sites.append({"site": s, "channels": int(v.shape[0]), "samples_per_channel": int(v.shape[1]),
                      "site_std": float(v.std()), "channel_std_median": float(np.median(stds)),
                      "channel_std_max": float(stds.max()), "mse_site_cubic": mse_site,
                      "mse_channel_cubic_mean": ch_mse})
        print(f"site {s}: {v.shape[0]} channels, input std {v.std():.2f} (per channel median "
              f"{np.median(stds):.2f}, max {stds.max():.2f}); cubic MSE per site {mse_site:.4f}, "
              f"per channel {ch_mse:.4f}", flush=True)

    results = {"checkpoint": args.checkpoint, "calib_images": args.calib_images, "sites": sites, "rows": []}
    for label, coeffs in (("exact", None), ("degree-3 per site", per_site), ("degree-3 per channel", per_channel)):
        for b, c in zip(blocks, coeffs or [None] * len(blocks)):
            b.act = nn.GELU() if c is None else Cubic(c)
        row = {"approximation": label}
        for name, path in (("jpeg_10k", TEST_JPEG), ("lossless_1k", TEST_LOSSLESS)):
            acc, pred = top1(model, path)
            row[name] = acc
            row[name + "_pred"] = pred
        results["rows"].append(row)
    exact = results["rows"][0]
    for row in results["rows"]:
        for name in ("jpeg_10k", "lossless_1k"):
            row[name + "_agreement"] = 100.0 * (row[name + "_pred"] == exact[name + "_pred"]).double().mean().item()
        print(f"{row['approximation']:>22}: JPEG 10k {row['jpeg_10k']:.2f}% ({row['jpeg_10k'] - exact['jpeg_10k']:+.2f}, "
              f"agreement {row['jpeg_10k_agreement']:.2f}%), lossless 1k {row['lossless_1k']:.2f}% "
              f"({row['lossless_1k'] - exact['lossless_1k']:+.2f})", flush=True)
    for row in results["rows"]:
        del row["jpeg_10k_pred"], row["lossless_1k_pred"]
    results["seconds"] = time.time() - t0
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            json.dump(results, f, indent=1)
        os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main(sys.argv[1:])
