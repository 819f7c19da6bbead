// Float kernels that move data without arithmetic on it (pad, slice, concat, transpose) and the
// mean reductions (global average pool, ReduceMean).
#pragma once

#include "nn/ir/graph.h"

namespace ola::nn {

/// Constant padding: out_shape = x.shape + begin + end per axis.
Tensor pad(const Tensor& x, const PadAttrs& a, const Shape& out_shape, int threads);

/// out[i...] = x[starts + i * steps ...] per axis; the batch axis is copied whole.
Tensor slice(const Tensor& x, const SliceAttrs& a, const Shape& out_shape, int threads);

/// Concatenation along `axis` (> 0) of inputs agreeing on all other dims.
Tensor concat(const std::vector<const Tensor*>& xs, int axis, const Shape& out_shape);

/// out[i_0, ..., i_r] = x[index with axis perm[k] = i_k].
Tensor transpose(const Tensor& x, const std::vector<int>& perm, const Shape& out_shape, int threads);

/// Mean over `axes` (sorted); out_shape already has them removed or set to 1.
Tensor reduce_mean(const Tensor& x, const std::vector<int>& axes, const Shape& out_shape, int threads);

}  // namespace ola::nn
