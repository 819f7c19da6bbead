// Test helper: naive double-precision reference kernels to check the optimised ones against.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "nn/ir/tensor.h"

namespace ola::nn::test {

/// Direct convolution, NCHW, weight [O, C/group, kh, kw], bias [O].
inline Tensor naive_conv(const Tensor& x, const std::vector<float>& w, const std::vector<float>& b, std::int64_t out_c,
                         std::int64_t kh, std::int64_t kw, int stride, int pad_t, int pad_l, int pad_b, int pad_r, int group) {
  const std::int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  const std::int64_t oh = (h + pad_t + pad_b - kh) / stride + 1, ow = (wd + pad_l + pad_r - kw) / stride + 1;
  const std::int64_t cg = c / group, og = out_c / group;
  Tensor y = zeros({n, out_c, oh, ow});
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t o = 0; o < out_c; ++o)
      for (std::int64_t oy = 0; oy < oh; ++oy)
        for (std::int64_t ox = 0; ox < ow; ++ox) {
          double s = b.empty() ? 0.0 : b[static_cast<std::size_t>(o)];
          const std::int64_t grp = o / og;
          for (std::int64_t ci = 0; ci < cg; ++ci)
            for (std::int64_t ky = 0; ky < kh; ++ky)
              for (std::int64_t kx = 0; kx < kw; ++kx) {
                const std::int64_t iy = oy * stride - pad_t + ky, ix = ox * stride - pad_l + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                s += static_cast<double>(w[static_cast<std::size_t>(((o * cg + ci) * kh + ky) * kw + kx)]) *
                     x.data[static_cast<std::size_t>(((i * c + grp * cg + ci) * h + iy) * wd + ix)];
              }
          y.data[static_cast<std::size_t>(((i * out_c + o) * oh + oy) * ow + ox)] = static_cast<float>(s);
        }
  return y;
}

inline Tensor random_tensor(const Shape& shape, unsigned seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, scale);
  Tensor t = zeros(shape);
  for (auto& v : t.data) v = d(rng);
  return t;
}

inline double max_abs_diff(const Tensor& a, const Tensor& b) {
  if (a.data.size() != b.data.size()) return INFINITY;
  double m = 0;
  for (std::size_t i = 0; i < a.data.size(); ++i) m = std::max(m, std::abs(static_cast<double>(a.data[i]) - b.data[i]));
  return m;
}

}  // namespace ola::nn::test
