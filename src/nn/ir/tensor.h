// Dense float32 tensors in row-major (C) order, and shape helpers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ola::nn {

/// Dimensions, outermost first. For data tensors of a Graph, dim 0 is the batch (see graph.h).
using Shape = std::vector<std::int64_t>;

/// Product of the dimensions (1 for a scalar shape {}).
std::int64_t numel(const Shape& shape);

/// "[N,16,32,32]" when `batch` (dim 0 printed as N), else "[1,16,32,32]".
std::string to_string(const Shape& shape, bool batch = false);

/// A value type: a shape and its numel(shape) floats, row-major.
/// Invariant: data.size() == numel(shape) (kept by the functions of this layer).
/// Thread safety: a const Tensor may be read from many threads.
struct Tensor {
  Shape shape;
  std::vector<float> data;

  std::int64_t size() const { return static_cast<std::int64_t>(data.size()); }
  /// Elements per batch item (numel of shape[1..]); 1 for rank 0 and 1 tensors with no items.
  std::int64_t item_size() const;
};

/// A zero-filled tensor of `shape`.
Tensor zeros(const Shape& shape);

/// Rows [first, first + count) of dim 0 of `t` (copied).
/// @pre t has rank >= 1 and first + count <= t.shape[0].
Tensor slice_batch(const Tensor& t, std::int64_t first, std::int64_t count);

/// Writes `part` into rows [first, first + part.shape[0]) of `dst`.
/// @pre dst and part agree on every dim but 0, and the rows fit.
void copy_batch_into(Tensor& dst, const Tensor& part, std::int64_t first);

}  // namespace ola::nn
