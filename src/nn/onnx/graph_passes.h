// Rewrites of an imported graph: BatchNormalization folded into the convolution before it, PyTorch's
// erf form of GELU fused into one activation site, and removal of nodes the output does not need.
#pragma once

#include "nn/ir/graph.h"

namespace ola::nn {

/// Folds each affine node (BatchNormalization) whose input is a conv output used by nothing else
/// into that conv: W'[o] = W[o] * scale[o], b'[o] = b[o] * scale[o] + shift[o] (Ioffe & Szegedy
/// 2015, eq. in Alg. 2, at inference). Affine nodes with no such conv stay as they are.
void fold_affine_into_conv(Graph& g);

/// Replaces x * 0.5 * (1 + erf(x / sqrt 2)) (PyTorch's export of nn.GELU: Div or Mul by 1/sqrt 2,
/// Erf, Add 1, and two Muls in any of the three association orders) by one GELU activation node
/// named after the Erf node. Intermediate values must have no other consumer.
void fuse_gelu(Graph& g);

/// Drops nodes whose output does not reach the graph output.
void prune_dead_nodes(Graph& g);

}  // namespace ola::nn
