#include "nn/ops/layout.h"

#include <omp.h>

#include <algorithm>

#include "util/error.h"

namespace ola::nn {
namespace {

int thread_count(int threads) { return threads > 0 ? threads : omp_get_max_threads(); }

std::vector<std::int64_t> strides_of(const Shape& s) {
  std::vector<std::int64_t> st(s.size(), 1);
  for (std::int64_t i = static_cast<std::int64_t>(s.size()) - 2; i >= 0; --i) {
    st[static_cast<std::size_t>(i)] = st[static_cast<std::size_t>(i) + 1] * s[static_cast<std::size_t>(i) + 1];
  }
  return st;
}

Tensor with_batch(const Shape& out_shape, std::int64_t batch) {
  Tensor y;
  y.shape = out_shape;
  y.shape[0] = batch;
  y.data.resize(static_cast<std::size_t>(numel(y.shape)));
  return y;
}

/// Fills y by reading x: `map(axis, idx)` gives the input offset contributed by output index idx
/// on that axis, or -1 if the element is padding (then y gets `fill`).
template <class Map>
void gather(const Tensor& x, Tensor& y, float fill, int threads, Map map) {
  const std::size_t r = y.shape.size();
  const std::int64_t inner = y.shape[r - 1];
  const std::int64_t outer = inner ? y.size() / inner : 0;
#pragma omp parallel for num_threads(thread_count(threads)) schedule(static)
  for (std::int64_t o = 0; o < outer; ++o) {
    std::int64_t rem = o, base = 0;
    bool padding = false;
    for (std::int64_t i = static_cast<std::int64_t>(r) - 2; i >= 0; --i) {
      const std::size_t u = static_cast<std::size_t>(i);
      const std::int64_t off = map(u, rem % y.shape[u]);
      rem /= y.shape[u];
      if (off < 0) padding = true;
      base += off;
    }
    float* dst = y.data.data() + o * inner;
    for (std::int64_t k = 0; k < inner; ++k) {
      const std::int64_t off = padding ? -1 : map(r - 1, k);
      dst[k] = off < 0 ? fill : x.data[static_cast<std::size_t>(base + off)];
    }
  }
}

}  // namespace

Tensor pad(const Tensor& x, const PadAttrs& a, const Shape& out_shape, int threads) {
  Tensor y = with_batch(out_shape, x.shape[0]);
  const auto st = strides_of(x.shape);
  gather(x, y, a.value, threads, [&](std::size_t axis, std::int64_t i) -> std::int64_t {
    const std::int64_t j = i - a.begin[axis];
    return (j < 0 || j >= x.shape[axis]) ? -1 : j * st[axis];
  });
  return y;
}

Tensor slice(const Tensor& x, const SliceAttrs& a, const Shape& out_shape, int threads) {
  Tensor y = with_batch(out_shape, x.shape[0]);
  const auto st = strides_of(x.shape);
  gather(x, y, 0.0f, threads, [&](std::size_t axis, std::int64_t i) -> std::int64_t {
    return axis == 0 ? i * st[0] : (a.starts[axis] + i * a.steps[axis]) * st[axis];
  });
  return y;
}

Tensor transpose(const Tensor& x, const std::vector<int>& perm, const Shape& out_shape, int threads) {
  Tensor y = with_batch(out_shape, x.shape[0]);
  const auto st = strides_of(x.shape);
  gather(x, y, 0.0f, threads, [&](std::size_t axis, std::int64_t i) -> std::int64_t {
    return i * st[static_cast<std::size_t>(perm[axis])];
  });
  return y;
}

Tensor concat(const std::vector<const Tensor*>& xs, int axis, const Shape& out_shape) {
  Tensor y = with_batch(out_shape, xs.at(0)->shape[0]);
  const std::size_t ax = static_cast<std::size_t>(axis);
  std::int64_t outer = 1, inner = 1;
  for (std::size_t i = 0; i < ax; ++i) outer *= y.shape[i];
  for (std::size_t i = ax + 1; i < y.shape.size(); ++i) inner *= y.shape[i];
  std::int64_t offset = 0;
  for (const Tensor* x : xs) {
    const std::int64_t chunk = x->shape[ax] * inner;
    for (std::int64_t o = 0; o < outer; ++o) {
      std::copy(x->data.begin() + o * chunk, x->data.begin() + (o + 1) * chunk,
                y.data.begin() + o * y.shape[ax] * inner + offset);
    }
    offset += chunk;
  }
  return y;
}

Tensor reduce_mean(const Tensor& x, const std::vector<int>& axes, const Shape& out_shape, int threads) {
  Tensor y = with_batch(out_shape, x.shape[0]);
  std::int64_t reduced = 1;
  for (int ax : axes) reduced *= x.shape[static_cast<std::size_t>(ax)];
  const bool trailing = !axes.empty() && axes.back() == static_cast<int>(x.shape.size()) - 1 &&
                        axes.front() == static_cast<int>(x.shape.size()) - static_cast<int>(axes.size());
  const float inv = 1.0f / static_cast<float>(reduced);
  if (trailing) {  // contiguous blocks (global average pool)
    const std::int64_t outer = y.size();
#pragma omp parallel for num_threads(thread_count(threads)) schedule(static)
    for (std::int64_t o = 0; o < outer; ++o) {
      double s = 0.0;
      for (std::int64_t k = 0; k < reduced; ++k) s += x.data[static_cast<std::size_t>(o * reduced + k)];
      y.data[static_cast<std::size_t>(o)] = static_cast<float>(s) * inv;
    }
    return y;
  }
  // General case: accumulate each input element into its output position.
  const std::size_t r = x.shape.size();
  std::vector<std::int64_t> out_stride(r, 0);
  {
    std::int64_t st = 1;
    for (std::int64_t i = static_cast<std::int64_t>(r) - 1; i >= 0; --i) {
      const std::size_t u = static_cast<std::size_t>(i);
      if (std::find(axes.begin(), axes.end(), static_cast<int>(i)) != axes.end()) continue;
      out_stride[u] = st;
      st *= x.shape[u];
    }
  }
  std::vector<double> acc(y.data.size(), 0.0);
  for (std::int64_t e = 0; e < x.size(); ++e) {
    std::int64_t rem = e, o = 0;
    for (std::int64_t i = static_cast<std::int64_t>(r) - 1; i >= 0; --i) {
      const std::size_t u = static_cast<std::size_t>(i);
      o += (rem % x.shape[u]) * out_stride[u];
      rem /= x.shape[u];
    }
    acc[static_cast<std::size_t>(o)] += x.data[static_cast<std::size_t>(e)];
  }
  for (std::size_t i = 0; i < acc.size(); ++i) y.data[i] = static_cast<float>(acc[i]) * inv;
  return y;
}

}  // namespace ola::nn
