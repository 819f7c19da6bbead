// Operation counts of the encrypted linear layers (convolution, option-A shortcut, pooling + FC)
// with the multiplexed packing, as pure functions of the shapes: the linear-layer part of the
// optimizer's time model. The counts are exactly what the he/ layer functions perform (tested
// against SlotSimBackend's counters in tests/he/linear_cost_test.cpp).
#pragma once

#include <string>
#include <vector>

#include "he/backend.h"
#include "he/layout.h"
#include "he/slot_transform.h"
#include "ola/time_model.h"

namespace ola::he {

/// Counts of one linear layer: the optimizer's value type (ola/time_model.h), which prices them
/// with a cost table at the layer's input level (an upper bound: the few rotate-and-add steps after
/// the rescale run one level lower). Plaintexts are encoded on the fly (a ResNet-20 network's
/// diagonals would need ~20 GB at N = 2^16), so every diagonal also counts one encode.
using LinearCost = opt::LinearOps;

/// The counts a backend recorded (e.g. the difference of stats() around one layer), with `depth`
/// the levels the layer consumed.
LinearCost cost_from_stats(const OpStats& s, int depth);

/// Counts of apply_transform(t) (he/apply_transform.h): one hoisted decomposition for the non-zero
/// baby steps, one lazy rotation per non-zero giant step (closed by one ModDown), one rotation per
/// replicate step, one product and one encode per diagonal, one rescale; depth 1.
LinearCost transform_cost(const SlotTransform& t);

/// Shape of a "same"-padded convolution on the multiplexed layout.
struct ConvShape {
  int c_in = 16;
  int c_out = 16;
  int height = 32;  ///< input H
  int width = 32;   ///< input W
  int kernel = 3;
  int stride = 1;   ///< 1 or 2
  int gap = 1;      ///< input gap k
  int slots = 1 << 15;
  bool bias = true;
  bool depthwise = false;  ///< channel co reads only channel ci == co (c_in == c_out; ConvNeXt)
};

/// Counts of conv() for a dense kernel (every weight non-zero) of this shape; with depthwise, for a
/// Conv2d whose weights are zero except where co == ci.
/// @throws ola::Error if the shape has no valid layout (see make_layout) or kernel/stride invalid.
/// @throws ola::Error if depthwise and c_in != c_out.
LinearCost conv_cost(const ConvShape& s, double baby_cost = 0.5);

/// For comparison only (not what he/ executes): the counts of MPCNN's multiplexed parallel
/// convolution (Lee et al., ICML 2022, Sec. 4.2, "MulParConv") on the same layout, as we read the
/// algorithm: (kernel^2 - 1) rotations of the input; for each of q = ceil(C_out / p_in) rounds
/// (p_in = input copies) kernel^2 plaintext products, 2 log2(k) + log2(t') rotations summing the
/// input channels, then one masked product and rotation per output channel (C_out - 1 non-zero);
/// p_out - 1 rotations replicating the output; two levels.
/// @throws ola::Error as conv_cost.
LinearCost mpcnn_conv_cost(const ConvShape& s);

/// Counts of the option-A shortcut (compile_shortcut) from `in` to c_out channels.
/// @throws ola::Error as compile_shortcut.
LinearCost shortcut_cost(const Layout& in, int c_out, int pad_before);

/// Counts of pool_fc() on `in` with `classes` outputs (with bias).
/// @throws ola::Error as compile_pool_fc.
LinearCost pool_fc_cost(const Layout& in, int classes);

/// One linear layer of a network with its counts.
struct NamedLinearCost {
  std::string name;   ///< e.g. "stage2.block0.conv1"
  Layout in;          ///< input layout
  LinearCost cost;
};

/// The linear layers of the CIFAR ResNet-(6n+2) of He et al. 2016 (3 stages of n basic blocks,
/// 16/32/64 channels, option-A shortcuts, 3x32x32 input packed at gap 1, 10 classes) in order.
/// @throws ola::Error if blocks_per_stage < 1 or the layouts do not fit in `slots`.
std::vector<NamedLinearCost> resnet_cifar_linear_costs(int blocks_per_stage, int slots = 1 << 15);

}  // namespace ola::he
