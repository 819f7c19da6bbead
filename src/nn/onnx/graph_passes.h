// Rewrites of an imported graph: BatchNormalization folded into the convolution before it, PyTorch's
// erf form of GELU fused into one activation site, and removal of nodes the output does not need.
#pragma once

#include "nn/ir/graph.h"

namespace ola::nn {

/// Folds each affine node (BatchNormalization) whose input is a conv output used by nothing else
/// into that conv: W'[o] = W[o] * scale[o], b'[o] = b[o] * scale[o] + shift[o] (Ioffe & Szegedy
/// 2015, eq. in Alg. 2, at inference). Affine nodes with no such conv stay as they are.
void fold_affine_into_conv(Graph& g);

/// Folds per-channel constants into the linear layers next to them, exactly (the encrypted
/// compiler's input form, he/program/lower_graph.h; not run at import):
///  1. each `mul` of a conv output read by nothing else by a per-channel constant ([C,1,1] or
///     [1,C,1,1]; e.g. ConvNeXt's layer scale) into that conv (W'[o] = W[o] s[o], b'[o] = b[o] s[o]);
///     the conv keeps its name;
///  2. each `affine` read only by a conv without padding into that conv: conv(s x + t) =
///     conv_{W[o][i] s[i]}(x) + sum_i W[o][i] t[i] (with padding the border would see s * 0 + t,
///     so padded convs are left);
///  3. each `affine` read only by global_average_pool -> reshape -> linear into the linear layer
///     (the pool commutes with a per-channel map): W'[:, i] = W[:, i] s[i], b' = b + W t.
/// Sites are not renumbered (the caller runs number_sites).
void fold_channel_constants(Graph& g);

/// Replaces x * 0.5 * (1 + erf(x / sqrt 2)) (PyTorch's export of nn.GELU: Div or Mul by 1/sqrt 2,
/// Erf, Add 1, and two Muls in any of the three association orders) by one GELU activation node
/// named after the Erf node. Intermediate values must have no other consumer.
void fuse_gelu(Graph& g);

/// Drops nodes whose output does not reach the graph output.
void prune_dead_nodes(Graph& g);

}  // namespace ola::nn
