#!/usr/bin/python3
"""PyTorch reference predictions of the akamaster CIFAR-10 ResNets, for checking OLA's ONNX import.

Rebuilds the akamaster ResNet (option-A shortcut) in PyTorch (own code), loads the original .th
checkpoint of ../shared/data/weights (BatchNorm NOT folded: an independent path from the ONNX file),
runs a CIFAR-10 binary file with ImageNet mean/std preprocessing and writes one predicted class per
line. Run with Debian's python (torch 1.13): /usr/bin/python3 tools/reference_predictions.py \
    --model resnet20 --images ../shared/data/cifar-10-jpeg/test_batch.bin --out preds.txt
"""
import argparse
import glob
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
DEPTH = {"resnet20": 3, "resnet32": 5, "resnet44": 7, "resnet56": 9}


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.pad = cout // 4 if (stride != 1 or cin != cout) else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        skip = x if self.pad is None else F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
        return F.relu(out + skip)


class ResNet(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        cin = 16
        for i, (cout, stride) in enumerate([(16, 1), (32, 2), (64, 2)]):
            blocks = []
            for j in range(n):
                blocks.append(Block(cin, cout, stride if j == 0 else 1))
                cin = cout
            setattr(self, "layer%d" % (i + 1), nn.Sequential(*blocks))
        self.linear = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = F.avg_pool2d(x, x.size()[3]).view(x.size(0), -1)
        return self.linear(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=sorted(DEPTH), required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--weights", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                                       "data", "weights", "akamaster-pytorch_resnet_cifar10"))
    args = ap.parse_args()
    path = glob.glob(os.path.join(args.weights, args.model + "-*.th"))[0]
    sd = torch.load(path, map_location="cpu")["state_dict"]
    model = ResNet(DEPTH[args.model])
    model.load_state_dict({k.replace("module.", "", 1): v for k, v in sd.items()}, strict=True)
    model.eval()
    raw = np.fromfile(args.images, dtype=np.uint8).reshape(-1, 3073)
    labels = raw[:, 0].astype(np.int64)
    x = raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0
    x = (x - np.array(MEAN, np.float32)[None, :, None, None]) / np.array(STD, np.float32)[None, :, None, None]
    preds = []
    with torch.no_grad():
        for i in range(0, len(x), 500):
            preds.append(model(torch.from_numpy(x[i:i + 500])).argmax(1).numpy())
    preds = np.concatenate(preds)
    with open(args.out, "w") as f:
        f.write("".join("%d\n" % p for p in preds))
    print("%s %s: top1 %.2f%% (%d/%d)" % (args.model, args.images, 100.0 * (preds == labels).mean(),
                                          (preds == labels).sum(), len(labels)))


if __name__ == "__main__":
    main()
