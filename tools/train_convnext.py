#!/usr/bin/python3
"""Train OLA's small CIFAR-10 ConvNeXt backbone once on CPU and export it to ONNX.

Purpose: issue 8 needs a ConvNeXt whose GELUs OLA replaces by degree-3 polynomials without
retraining. No CIFAR-10 ConvNeXt checkpoint exists here, so this script trains one (fixed seed,
CPU fp32) and exports `models/convnext_cifar.onnx` (opset 13, input "input" [N,3,32,32], output
"logits" [N,10]). Architecture and the reasons for each choice: docs/convnext.md.

Run with Debian's interpreter (/usr/bin/python3: torch 1.13, onnx 1.12, numpy), e.g.
    nice -n 19 /usr/bin/python3 tools/train_convnext.py --time-budget-min 120 \
        > models/convnext_train.log 2>&1
Bounded pre-GELU inputs (issue 8: a degree-3 polynomial can only follow GELU over a few units):
--gelu-bound B --gelu-penalty W adds W x mean over GELU sites of mean(relu(|x| - B)^2) of each
GELU's input to the loss, so the trained backbone (still an exact-GELU network) keeps its pre-GELU
values within about +-B; --init-from CKPT starts from a trained checkpoint's weights (fresh
optimizer and schedule), e.g. to fine-tune the unbounded backbone under the penalty.
Other modes: --bench (time a few training steps per candidate size), --check-onnx PATH
(re-run an exported graph with an independent op-by-op interpreter and compare with PyTorch).

Training data: /work/shared/data/cifar-10-jpeg/data_batch_1..4.bin (40,000 JPEG-decoded records),
with records 0..3999 of data_batch_1 replaced by the lossless official ones. Test data is only
ever evaluated, never trained on.
"""

import argparse
import hashlib
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/work/shared/data"
TRAIN_JPEG = [f"{DATA}/cifar-10-jpeg/data_batch_{i}.bin" for i in range(1, 5)]
TRAIN_LOSSLESS_FIRST4000 = f"{DATA}/cifar-10-lossless-subset/data_batch_1_first4000.bin"
TEST_LOSSLESS_1000 = f"{DATA}/cifar-10-lossless-subset/test_batch_first1000.bin"
TEST_JPEG_10K = f"{DATA}/cifar-10-jpeg/test_batch.bin"

# Preprocessing baked into the exported model's contract (documented in models/README.md):
# input = (pixel / 255 - MEAN[c]) / STD[c]. CIFAR-10 training-set statistics.
MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2470, 0.2435, 0.2616)
RECORD = 3073


# ----------------------------------------------------------------------------------------- data
def load_bin(path):
    """Return (images uint8 [n,3,32,32], labels int64 [n]) of a CIFAR-10 binary file."""
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size % RECORD != 0:
        raise ValueError(f"{path}: size: expected a multiple of {RECORD}, got {raw.size}")
    raw = raw.reshape(-1, RECORD)
    labels = raw[:, 0].astype(np.int64)
    if labels.max() > 9:
        raise ValueError(f"{path}: label: expected 0..9, got {labels.max()}")
    return torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32).copy()), torch.from_numpy(labels)


def load_train():
    """40,000 training records; records 0..3999 replaced by the lossless official ones."""
    parts = [load_bin(p) for p in TRAIN_JPEG]
    x = torch.cat([p[0] for p in parts])
    y = torch.cat([p[1] for p in parts])
    lx, ly = load_bin(TRAIN_LOSSLESS_FIRST4000)
    if not torch.equal(ly, y[: len(ly)]):
        raise ValueError(f"{TRAIN_LOSSLESS_FIRST4000}: labels: expected those of data_batch_1 "
                         "records 0..3999, got a different sequence")
    x[: len(lx)] = lx
    return x, y


def normalize(x_uint8):
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (x_uint8.float() / 255.0 - mean) / std


def augment(x, gen):
    """Standard CIFAR augmentation on a uint8 batch: random crop 32 from zero-padded 40, h-flip."""
    n = x.shape[0]
    padded = F.pad(x, (4, 4, 4, 4))
    dx = torch.randint(0, 9, (n,), generator=gen)
    dy = torch.randint(0, 9, (n,), generator=gen)
    out = torch.empty_like(x)
    for i in range(n):
        out[i] = padded[i, :, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32]
    flip = torch.rand(n, generator=gen) < 0.5
    out[flip] = out[flip].flip(3)
    return out


# ---------------------------------------------------------------------------------------- model
class Block(nn.Module):
    """ConvNeXt block (Liu et al., CVPR 2022, Fig. 4) with BatchNorm in place of LayerNorm.

    x + gamma * pw2(GELU(pw1(BN(dw7x7(x))))). BN in eval mode is a per-channel affine map, so
    under HE it folds into the depthwise conv; gamma (layer scale) folds into pw2.
    """

    def __init__(self, dim, ls_init):
        super().__init__()
        self.dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.BatchNorm2d(dim)
        self.pw1 = nn.Conv2d(dim, 4 * dim, 1)
        self.act = nn.GELU()  # approximate='none': exact x * Phi(x) with erf; ONNX Erf pattern
        self.pw2 = nn.Conv2d(4 * dim, dim, 1)
        self.gamma = nn.Parameter(torch.full((dim, 1, 1), ls_init))

    def forward(self, x):
        return x + self.gamma * self.pw2(self.act(self.pw1(self.norm(self.dw(x)))))


class ConvNeXtCifar(nn.Module):
    """3-stage ConvNeXt for 32x32: stem, stages of Blocks separated by BN + 2x2/2 conv, head.

    Head: BN2d, global average pool, linear. BN before the pool equals BN after it at inference
    (both affine per channel, the pool is linear), and keeps the ONNX graph 4-D until Flatten.
    The only nonlinearity is GELU.
    """

    def __init__(self, dims, depths, stem, ls_init, num_classes=10):
        super().__init__()
        if stem == "conv3":
            stem_layer = nn.Conv2d(3, dims[0], 3, padding=1)
        elif stem == "patch2":
            stem_layer = nn.Conv2d(3, dims[0], 2, stride=2)
        else:
            raise ValueError(f"ConvNeXtCifar: stem: expected conv3 or patch2, got {stem}")
        layers = [stem_layer, nn.BatchNorm2d(dims[0])]
        for s, (dim, depth) in enumerate(zip(dims, depths)):
            if s > 0:
                layers += [nn.BatchNorm2d(dims[s - 1]), nn.Conv2d(dims[s - 1], dim, 2, stride=2)]
            layers += [Block(dim, ls_init) for _ in range(depth)]
        self.features = nn.Sequential(*layers)
        self.head_norm = nn.BatchNorm2d(dims[-1])
        self.fc = nn.Linear(dims[-1], num_classes)

    def forward(self, x):
        x = self.head_norm(self.features(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def build(args):
    return ConvNeXtCifar(args.dims, args.depths, args.stem, args.ls_init)


def param_groups(model, wd):
    """AdamW groups: weight decay on conv/linear weights only (not on BN, biases, layer scale)."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if p.ndim >= 2 and not name.endswith("gamma") else no_decay).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


# ------------------------------------------------------------------------------------- training
@torch.no_grad()
def evaluate(model, x, y, batch=500):
    model.eval()
    correct = 0
    for i in range(0, len(x), batch):
        correct += (model(normalize(x[i:i + batch])).argmax(1) == y[i:i + batch]).sum().item()
    return 100.0 * correct / len(x)


def export_onnx(model, path):
    """Export in eval mode (opset 13, dynamic N) to a temp file, then rename (atomic)."""
    model.eval()
    tmp = path + ".tmp"
    torch.onnx.export(model, torch.zeros(1, 3, 32, 32), tmp, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                      do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    os.replace(tmp, path)


def save_checkpoint(model, opt, epoch, step, elapsed_s, args, path):
    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": epoch,
                "step": step, "elapsed_s": elapsed_s, "args": vars(args)}, tmp)
    os.replace(tmp, path)


def lr_at(progress, warm_frac, base_lr):
    """Linear warm-up over warm_frac of training, then cosine decay to 0 at progress 1."""
    if progress < warm_frac:
        return base_lr * max(progress / warm_frac, 0.02)
    p = min((progress - warm_frac) / (1.0 - warm_frac), 1.0)
    return 0.5 * base_lr * (1.0 + math.cos(math.pi * p))


class GeluInputs:
    """Collects the input of every GELU of a model during training forward passes."""

    def __init__(self, model):
        self.inputs = []
        for m in model.modules():
            if isinstance(m, nn.GELU):
                m.register_forward_pre_hook(self._hook)

    def _hook(self, module, inputs):
        if module.training:
            self.inputs.append(inputs[0])

    def take(self):
        out, self.inputs = self.inputs, []
        return out


def range_penalty(inputs, bound):
    """Mean over sites of mean(relu(|x| - bound)^2): zero while every input stays within +-bound."""
    return sum(F.relu(x.abs() - bound).pow(2).mean() for x in inputs) / len(inputs)


def train(args):
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    xtr, ytr = load_train()
    xte, yte = load_bin(TEST_LOSSLESS_1000)
    init = torch.load(args.init_from, map_location="cpu") if args.init_from else None
    if init is not None:  # the checkpoint's architecture, whatever the command line says
        for k in ("dims", "depths", "stem", "ls_init"):
            setattr(args, k, init["args"][k])
    model = build(args)
    if init is not None:
        model.load_state_dict(init["model"])
    gelu_inputs = GeluInputs(model)
    nparams = sum(p.numel() for p in model.parameters())
    print(f"command: {sys.executable} {' '.join(sys.argv)}")
    print(f"torch {torch.__version__} start {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"model dims={args.dims} depths={args.depths} stem={args.stem} params={nparams}")
    print(f"train records={len(xtr)} test_lossless1000={len(xte)} batch={args.batch} "
          f"lr={args.lr} wd={args.wd} label_smoothing={args.label_smoothing} seed={args.seed} "
          f"threads={torch.get_num_threads()} budget_min={args.time_budget_min} "
          f"init_from={args.init_from} gelu_bound={args.gelu_bound} gelu_penalty={args.gelu_penalty}",
          flush=True)
    opt = torch.optim.AdamW(param_groups(model, args.wd), lr=args.lr, betas=(0.9, 0.999))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    steps_per_epoch = len(xtr) // args.batch  # drop the last partial batch
    budget_s = args.time_budget_min * 60.0
    t0 = time.time()
    planned_epochs = args.max_epochs  # re-planned from the measured first epoch
    step = 0
    epoch = 0
    if args.resume:
        # Continue a run from its end-of-epoch checkpoint. Without a re-plan the planned epochs
        # stay --max-epochs, so the wall-clock term of the progress drives the cosine to the end
        # of the budget. The augmentation stream restarts from seed + epoch (not bit-identical).
        ck = torch.load(args.resume, map_location="cpu")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        epoch = ck["epoch"]
        step = ck.get("step", epoch * steps_per_epoch)
        elapsed_s = ck.get("elapsed_s")
        if elapsed_s is None:
            elapsed_s = args.resume_elapsed_min * 60.0
        t0 = time.time() - elapsed_s
        gen = torch.Generator().manual_seed(args.seed + epoch)
        print(f"resumed {args.resume}: epoch={epoch} step={step} "
              f"elapsed_min={elapsed_s / 60:.1f}", flush=True)
    done = False
    while not done:
        epoch += 1
        model.train()
        te = time.time()
        perm = torch.randperm(len(xtr), generator=gen)
        loss_sum, correct, seen = 0.0, 0, 0
        pen_sum, outside, total_in, max_in = 0.0, 0, 0, 0.0
        for b in range(steps_per_epoch):
            # Progress drives the schedule: the larger of step progress over the planned epochs
            # and wall-clock progress over the budget, so the cosine always completes in time.
            total_steps = planned_epochs * steps_per_epoch
            progress = max(step / total_steps, (time.time() - t0) / budget_s)
            if progress >= 1.0:
                done = True
                break
            for g in opt.param_groups:
                g["lr"] = lr_at(progress, args.warmup_frac, args.lr)
            idx = perm[b * args.batch:(b + 1) * args.batch]
            xb = normalize(augment(xtr[idx], gen))
            yb = ytr[idx]
            out = model(xb)
            loss = loss_fn(out, yb)
            acts = gelu_inputs.take()
            if args.gelu_penalty > 0:
                pen = range_penalty(acts, args.gelu_bound)
                loss = loss + args.gelu_penalty * pen
                pen_sum += pen.item() * len(yb)
            if b % 50 == 0:  # monitor the pre-GELU range on a sample of batches
                with torch.no_grad():
                    for x in acts:
                        outside += (x.abs() > max(args.gelu_bound, 1e-12)).sum().item()
                        total_in += x.numel()
                        max_in = max(max_in, x.abs().max().item())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += loss.item() * len(yb)
            correct += (out.argmax(1) == yb).sum().item()
            seen += len(yb)
        if seen == 0:
            break
        epoch_s = time.time() - te
        if epoch == 1:
            # Size the schedule from the first epoch: epochs that fit in the budget (with margin
            # for the shared machine's load), at most --max-epochs.
            fit = int(budget_s * args.plan_margin / epoch_s)
            planned_epochs = max(1, min(args.max_epochs, fit))
            print(f"plan: first epoch {epoch_s:.0f}s -> planned_epochs={planned_epochs}",
                  flush=True)
        acc = evaluate(model, xte, yte)
        print(f"epoch {epoch}/{planned_epochs} steps={seen // args.batch} "
              f"train_loss={loss_sum / seen:.4f} train_acc={100.0 * correct / seen:.2f} "
              f"test_acc_lossless1000={acc:.2f} lr_end={opt.param_groups[0]['lr']:.2e} "
              f"gelu_penalty_mean={pen_sum / seen:.4g} gelu_outside_bound={outside / max(total_in, 1):.3g} "
              f"gelu_max_abs={max_in:.1f} "
              f"epoch_s={epoch_s:.0f} elapsed_min={(time.time() - t0) / 60:.1f}", flush=True)
        save_checkpoint(model, opt, epoch, step, time.time() - t0, args, args.checkpoint)
        export_onnx(model, args.onnx)
        if step >= planned_epochs * steps_per_epoch:
            done = True
    print(f"training done: epochs={epoch} steps={step} "
          f"minutes={(time.time() - t0) / 60:.1f}", flush=True)
    xj, yj = load_bin(TEST_JPEG_10K)
    print(f"final test_acc_lossless1000={evaluate(model, xte, yte):.2f} "
          f"test_acc_jpeg10k={evaluate(model, xj, yj):.2f}", flush=True)
    check_onnx(args.onnx, model)


# ------------------------------------------------------------------------------ ONNX checking
def _attr(node, name, default):
    import onnx
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def run_onnx_graph(graph, x):
    """Execute an ONNX graph op by op with torch functional ops (independent of the nn.Module).

    Supports the ops this exporter emits; raises ValueError naming any other op.
    """
    from onnx import numpy_helper
    env = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    env[graph.input[0].name] = x
    for node in graph.node:
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            y = torch.from_numpy(numpy_helper.to_array(_attr(node, "value", None)).copy())
        elif op == "Conv":
            pads = _attr(node, "pads", [0, 0, 0, 0])
            if pads[0] != pads[2] or pads[1] != pads[3]:
                raise ValueError(f"{node.name}: pads: expected symmetric, got {pads}")
            y = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None,
                         stride=tuple(_attr(node, "strides", [1, 1])), padding=(pads[0], pads[1]),
                         dilation=tuple(_attr(node, "dilations", [1, 1])),
                         groups=_attr(node, "group", 1))
        elif op == "BatchNormalization":
            eps = _attr(node, "epsilon", 1e-5)
            shape = (1, -1) + (1,) * (i[0].ndim - 2)
            y = (i[0] - i[3].view(shape)) / torch.sqrt(i[4].view(shape) + eps) \
                * i[1].view(shape) + i[2].view(shape)
        elif op == "Erf":
            y = torch.erf(i[0])
        elif op in ("Add", "Mul", "Div", "Sub"):
            y = {"Add": torch.add, "Mul": torch.mul, "Div": torch.div, "Sub": torch.sub}[op](
                i[0], i[1])
        elif op == "GlobalAveragePool":
            y = i[0].mean(dim=(2, 3), keepdim=True)
        elif op == "Flatten":
            y = torch.flatten(i[0], _attr(node, "axis", 1))
        elif op == "Gemm":
            a = i[0].t() if _attr(node, "transA", 0) else i[0]
            b = i[1].t() if _attr(node, "transB", 0) else i[1]
            y = _attr(node, "alpha", 1.0) * (a @ b)
            if len(i) > 2:
                y = y + _attr(node, "beta", 1.0) * i[2]
        else:
            raise ValueError(f"{node.name}: op_type: expected one of the supported ops, got {op}")
        env[node.output[0]] = y
    return env[graph.output[0].name]


def check_onnx(path, model=None, n_images=16):
    """onnx.checker, op census, then interpreter output vs PyTorch on lossless test images."""
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = {}
    for node in m.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    if model is None:
        ck = torch.load(args_checkpoint_for(path), map_location="cpu")
        a = argparse.Namespace(**ck["args"])
        model = build(a)
        model.load_state_dict(ck["model"])
    model.eval()
    x, y = load_bin(TEST_LOSSLESS_1000)
    xb = normalize(x[:n_images])
    with torch.no_grad():
        ref = model(xb)
        got = run_onnx_graph(m.graph, xb)
    diff = (ref - got).abs().max().item()
    agree = (ref.argmax(1) == got.argmax(1)).sum().item()
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    print(f"onnx {path}: checker ok, opset {m.opset_import[0].version}, "
          f"nodes {len(m.graph.node)}, ops {dict(sorted(ops.items()))}")
    print(f"onnx {path}: size {os.path.getsize(path)} bytes, sha256 {digest}")
    print(f"onnx vs pytorch on {n_images} lossless test images: max_abs_diff={diff:.3e} "
          f"argmax_agree={agree}/{n_images}", flush=True)
    if diff > 1e-3 or agree != n_images:
        raise SystemExit(f"{path}: onnx vs pytorch: expected max_abs_diff <= 1e-3 and "
                         f"{n_images}/{n_images} agreement, got {diff:.3e} and {agree}")


def args_checkpoint_for(onnx_path):
    return ARGS.checkpoint


# ------------------------------------------------------------------------------------ bench
def bench(args):
    """Time a few training steps for candidate sizes, to pick one that fits the budget."""
    gen = torch.Generator().manual_seed(args.seed)
    x = torch.randint(0, 256, (args.batch, 3, 32, 32), dtype=torch.uint8)
    y = torch.randint(0, 10, (args.batch,))
    for spec in args.bench_specs:
        stem, dims, depths = spec.split(":")
        a = argparse.Namespace(**vars(args))
        a.stem, a.dims = stem, [int(v) for v in dims.split(",")]
        a.depths = [int(v) for v in depths.split(",")]
        model = build(a)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        times = []
        for s in range(args.bench_steps + 1):
            t = time.time()
            loss = F.cross_entropy(model(normalize(augment(x, gen))), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            times.append(time.time() - t)
        per_step = sorted(times[1:])[len(times[1:]) // 2]
        print(f"bench {spec}: params={sum(p.numel() for p in model.parameters())} "
              f"median_step_s={per_step:.3f} est_epoch_s={per_step * 40000 / args.batch:.0f}",
              flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dims", type=lambda s: [int(v) for v in s.split(",")], default=[64, 128, 256])
    p.add_argument("--depths", type=lambda s: [int(v) for v in s.split(",")], default=[2, 2, 2])
    p.add_argument("--stem", choices=["conv3", "patch2"], default="patch2")
    p.add_argument("--ls-init", type=float, default=0.1, help="layer-scale initial value")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--wd", type=float, default=0.05)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--warmup-frac", type=float, default=0.03)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--time-budget-min", type=float, default=120.0,
                   help="wall-clock budget; the LR schedule always finishes within it")
    p.add_argument("--max-epochs", type=int, default=60)
    p.add_argument("--plan-margin", type=float, default=0.9,
                   help="fraction of budget/first-epoch-time to plan as epochs")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p.add_argument("--onnx", default=os.path.join(root, "models", "convnext_cifar.onnx"))
    p.add_argument("--checkpoint",
                   default=os.path.join(root, "build-convnext", "convnext_cifar.ckpt.pt"))
    p.add_argument("--resume", metavar="CKPT", help="continue from an end-of-epoch checkpoint")
    p.add_argument("--resume-elapsed-min", type=float, default=0.0,
                   help="budget already used, for checkpoints that do not record it")
    p.add_argument("--init-from", metavar="CKPT",
                   help="start from this checkpoint's weights (fresh optimizer and schedule)")
    p.add_argument("--gelu-bound", type=float, default=0.0,
                   help="pre-GELU inputs beyond +-B are penalised (with --gelu-penalty)")
    p.add_argument("--gelu-penalty", type=float, default=0.0,
                   help="weight of mean(relu(|x| - B)^2) over GELU inputs in the loss (0: off)")
    p.add_argument("--bench", action="store_true")
    p.add_argument("--bench-specs", nargs="+",
                   default=["patch2:64,128,256:2,2,2", "conv3:32,64,128:2,2,2"])
    p.add_argument("--bench-steps", type=int, default=5)
    p.add_argument("--check-onnx", metavar="PATH",
                   help="only check an exported ONNX against --checkpoint")
    return p.parse_args(argv)


if __name__ == "__main__":
    ARGS = parse_args(sys.argv[1:])
    torch.set_num_threads(ARGS.threads)
    os.makedirs(os.path.dirname(ARGS.onnx), exist_ok=True)
    os.makedirs(os.path.dirname(ARGS.checkpoint), exist_ok=True)
    if ARGS.bench:
        bench(ARGS)
    elif ARGS.check_onnx:
        check_onnx(ARGS.check_onnx)
    else:
        train(ARGS)
