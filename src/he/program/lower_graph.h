// Exact rewrites of an imported graph into the layer forms the encrypted compiler runs
// (compile_program): per-channel constants folded into the linear layers next to them, so a
// ConvNeXt's layer scale and its BatchNorms that have no convolution before them cost nothing.
#pragma once

#include "nn/ir/graph.h"

namespace ola::he {

/// Returns `g` after nn::fold_channel_constants (nn/onnx/graph_passes.h: layer scales into the conv
/// before them, BatchNorms without a conv before them into the unpadded conv or the linear head
/// after them). Sites keep their indices (renumbered in the same order). Anything else is left as it is; the
/// compiler refuses what it cannot run.
/// @throws nn::ModelError if the result fails nn::validate (a bug, not bad input).
nn::Graph lower_for_he(nn::Graph g);

}  // namespace ola::he
