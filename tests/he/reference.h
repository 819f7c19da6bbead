// Float reference implementations and random inputs for the he/ tests (straightforward loops,
// independent of the slot packing).
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "he/conv.h"
#include "he/feature_map.h"
#include "he/pool_fc.h"

namespace ola::he::test {

inline FeatureMap random_map(int c, int h, int w, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  FeatureMap m = zero_feature_map(c, h, w);
  for (double& v : m.data) v = u(rng);
  return m;
}

inline Conv2d random_conv(int c_out, int c_in, int stride, unsigned seed, int kernel = 3) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  Conv2d c{c_out, c_in, kernel, stride, (kernel - 1) / 2, {}, {}};
  c.weights.resize(static_cast<std::size_t>(c_out) * c_in * kernel * kernel);
  for (double& v : c.weights) v = u(rng);
  c.bias.resize(static_cast<std::size_t>(c_out));
  for (double& v : c.bias) v = u(rng);
  return c;
}

/// The same convolution with every weight of co != ci set to zero (a depthwise convolution).
inline Conv2d depthwise(Conv2d c) {
  const std::size_t kk = static_cast<std::size_t>(c.kernel) * c.kernel;
  for (int co = 0; co < c.c_out; ++co) {
    for (int ci = 0; ci < c.c_in; ++ci) {
      if (co == ci) continue;
      for (std::size_t t = 0; t < kk; ++t) c.weights[(static_cast<std::size_t>(co) * c.c_in + ci) * kk + t] = 0.0;
    }
  }
  return c;
}

/// Direct convolution with zero padding.
inline FeatureMap reference_conv(const FeatureMap& in, const Conv2d& c) {
  const int oh = (in.height + 2 * c.pad - c.kernel) / c.stride + 1;
  const int ow = (in.width + 2 * c.pad - c.kernel) / c.stride + 1;
  FeatureMap out = zero_feature_map(c.c_out, oh, ow);
  for (int co = 0; co < c.c_out; ++co) {
    for (int y = 0; y < oh; ++y) {
      for (int x = 0; x < ow; ++x) {
        double s = c.bias.empty() ? 0.0 : c.bias[static_cast<std::size_t>(co)];
        for (int ci = 0; ci < c.c_in; ++ci) {
          for (int ky = 0; ky < c.kernel; ++ky) {
            for (int kx = 0; kx < c.kernel; ++kx) {
              const int iy = y * c.stride + ky - c.pad;
              const int ix = x * c.stride + kx - c.pad;
              if (iy < 0 || iy >= in.height || ix < 0 || ix >= in.width) continue;
              s += c.weights[((static_cast<std::size_t>(co) * c.c_in + ci) * c.kernel + ky) * c.kernel + kx] *
                   in.at(ci, iy, ix);
            }
          }
        }
        out.at(co, y, x) = s;
      }
    }
  }
  return out;
}

/// x[:, :, ::2, ::2] padded with pad_before zero channels in front, up to c_out channels.
inline FeatureMap reference_shortcut(const FeatureMap& in, int c_out, int pad_before) {
  FeatureMap out = zero_feature_map(c_out, in.height / 2, in.width / 2);
  for (int c = 0; c < in.channels; ++c) {
    for (int y = 0; y < out.height; ++y) {
      for (int x = 0; x < out.width; ++x) out.at(c + pad_before, y, x) = in.at(c, 2 * y, 2 * x);
    }
  }
  return out;
}

inline std::vector<double> reference_pool_fc(const FeatureMap& in, const Dense& fc) {
  std::vector<double> pooled(static_cast<std::size_t>(in.channels), 0.0);
  for (int c = 0; c < in.channels; ++c) {
    for (int y = 0; y < in.height; ++y) {
      for (int x = 0; x < in.width; ++x) pooled[static_cast<std::size_t>(c)] += in.at(c, y, x);
    }
    pooled[static_cast<std::size_t>(c)] /= in.height * in.width;
  }
  std::vector<double> logits(static_cast<std::size_t>(fc.out_features), 0.0);
  for (int j = 0; j < fc.out_features; ++j) {
    double s = fc.bias.empty() ? 0.0 : fc.bias[static_cast<std::size_t>(j)];
    for (int c = 0; c < fc.in_features; ++c) {
      s += fc.weights[static_cast<std::size_t>(j) * fc.in_features + c] * pooled[static_cast<std::size_t>(c)];
    }
    logits[static_cast<std::size_t>(j)] = s;
  }
  return logits;
}

inline FeatureMap add_maps(const FeatureMap& a, const FeatureMap& b) {
  FeatureMap r = a;
  for (std::size_t i = 0; i < r.data.size(); ++i) r.data[i] += b.data[i];
  return r;
}

inline FeatureMap map_values(FeatureMap m, double (*f)(double)) {
  for (double& v : m.data) v = f(v);
  return m;
}

inline double max_abs_diff(const FeatureMap& a, const FeatureMap& b) {
  double d = 0.0;
  for (std::size_t i = 0; i < a.data.size(); ++i) d = std::max(d, std::abs(a.data[i] - b.data[i]));
  return d;
}

}  // namespace ola::he::test
