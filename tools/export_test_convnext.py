#!/usr/bin/python3
"""Writes a tiny random ConvNeXt-style ONNX model and its PyTorch logits, for OLA's importer test.

The block is the one of tools/train_convnext.py (depthwise 7x7 conv, BatchNorm, 1x1 conv, GELU with
erf, 1x1 conv, layer scale, residual), written again here with random weights and BatchNorm
statistics, so the test covers a real torch.onnx export (Erf pattern, Mul by a [C,1,1] constant,
BatchNormalization with no conv before it, adaptive average pooling, Flatten, Gemm).
Input image n, element i (C order over [3,32,32]): sin(0.001 * (n * 3072 + i) * 7.0).
Run: /usr/bin/python3 tools/export_test_convnext.py tests/nn/data/convnext_tiny.onnx \
         tests/nn/data/convnext_tiny_logits.txt
"""
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.BatchNorm2d(dim)
        self.pw1 = nn.Conv2d(dim, 4 * dim, 1)
        self.act = nn.GELU()
        self.pw2 = nn.Conv2d(4 * dim, dim, 1)
        self.gamma = nn.Parameter(torch.rand(dim, 1, 1) + 0.5)

    def forward(self, x):
        return x + self.gamma * self.pw2(self.act(self.pw1(self.norm(self.dw(x)))))


class Tiny(nn.Module):
    def __init__(self, dims=(8, 16)):
        super().__init__()
        layers = [nn.Conv2d(3, dims[0], 3, padding=1), nn.BatchNorm2d(dims[0]), Block(dims[0]),
                  nn.BatchNorm2d(dims[0]), nn.Conv2d(dims[0], dims[1], 2, stride=2), Block(dims[1])]
        self.features = nn.Sequential(*layers)
        self.head_norm = nn.BatchNorm2d(dims[1])
        self.fc = nn.Linear(dims[1], 10)

    def forward(self, x):
        x = self.head_norm(self.features(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def main():
    torch.manual_seed(5)
    model = Tiny()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.3, 0.3)
    model.eval()
    n = 4
    idx = np.arange(n * 3072, dtype=np.float64)
    x = torch.from_numpy(np.sin(0.001 * idx * 7.0).astype(np.float32).reshape(n, 3, 32, 32))
    torch.onnx.export(model, x, sys.argv[1], opset_version=13, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True,
                      training=torch.onnx.TrainingMode.EVAL)
    with torch.no_grad():
        y = model(x).numpy()
    np.savetxt(sys.argv[2], y, fmt="%.8e")


if __name__ == "__main__":
    main()
