// Exact rewrites of an imported graph into the layer forms the encrypted compiler runs
// (compile_program): per-channel constants folded into the linear layers next to them, so a
// ConvNeXt's layer scale and its BatchNorms that have no convolution before them cost nothing.
#pragma once

#include "nn/ir/graph.h"

namespace ola::he {

/// Returns `g` with, in order:
///  1. each `mul` of a value by a per-channel constant ([C,1,1] or [1,C,1,1]; e.g. ConvNeXt's layer
///     scale gamma) whose value is the output of a conv read by nothing else folded into that conv
///     (W'[o] = W[o] * s[o], b'[o] = b[o] * s[o]);
///  2. each `affine` (BatchNorm with no conv before it) whose output is read only by a conv without
///     padding folded into that conv: conv(s * x + t) = conv_{W[o][i] s[i]}(x) + sum_i W[o][i] t[i]
///     (exact only without padding: a padded border would see s * 0 + t, so padded convs are left);
///  3. each `affine` read only by global_average_pool -> reshape -> linear folded into the linear
///     layer (the pool commutes with a per-channel map): W'[:, i] = W[:, i] s[i], b' = b + W t.
/// Sites keep their indices (renumbered in the same order). Anything else is left as it is; the
/// compiler refuses what it cannot run.
/// @throws nn::ModelError if the result fails nn::validate (a bug, not bad input).
nn::Graph lower_for_he(nn::Graph g);

}  // namespace ola::he
