#include "he/conv.h"

#include <cmath>
#include <set>
#include <string>

#include "util/error.h"

namespace ola::he {

void validate_conv(const Conv2d& c) {
  if (c.c_out < 1 || c.c_in < 1) {
    throw Error(ola::mismatch("Conv2d", "c_out, c_in", ">= 1",
                         std::to_string(c.c_out) + ", " + std::to_string(c.c_in)));
  }
  if (c.kernel < 1 || c.kernel % 2 == 0) throw Error(ola::mismatch("Conv2d", "kernel", "odd >= 1", c.kernel));
  if (c.pad != (c.kernel - 1) / 2) throw Error(ola::mismatch("Conv2d", "pad", (c.kernel - 1) / 2, c.pad));
  if (c.stride != 1 && c.stride != 2) throw Error(ola::mismatch("Conv2d", "stride", "1 or 2", c.stride));
  const std::size_t nw = static_cast<std::size_t>(c.c_out) * c.c_in * c.kernel * c.kernel;
  if (c.weights.size() != nw) throw Error(ola::mismatch("Conv2d", "weights.size()", nw, c.weights.size()));
  if (!c.bias.empty() && c.bias.size() != static_cast<std::size_t>(c.c_out)) {
    throw Error(ola::mismatch("Conv2d", "bias.size()", "0 or " + std::to_string(c.c_out), c.bias.size()));
  }
}

Conv2d fold_batch_norm(Conv2d conv, const std::vector<double>& gamma, const std::vector<double>& beta,
                       const std::vector<double>& mean, const std::vector<double>& var, double eps) {
  validate_conv(conv);
  const std::size_t n = static_cast<std::size_t>(conv.c_out);
  for (const auto* v : {&gamma, &beta, &mean, &var}) {
    if (v->size() != n) throw Error(ola::mismatch("fold_batch_norm", "parameter size", n, v->size()));
  }
  if (conv.bias.empty()) conv.bias.assign(n, 0.0);
  const std::size_t per_out = conv.weights.size() / n;
  for (std::size_t co = 0; co < n; ++co) {
    if (!(var[co] + eps > 0.0)) {
      throw Error(ola::mismatch("fold_batch_norm", "var[" + std::to_string(co) + "] + eps", "> 0", var[co] + eps));
    }
    const double s = gamma[co] / std::sqrt(var[co] + eps);
    for (std::size_t i = 0; i < per_out; ++i) conv.weights[co * per_out + i] *= s;
    conv.bias[co] = (conv.bias[co] - mean[co]) * s + beta[co];
  }
  return conv;
}

Layout conv_output_layout(const Layout& in, const Conv2d& conv) {
  if (conv.c_in != in.channels) throw Error(ola::mismatch("conv", "input channels", conv.c_in, in.channels));
  return conv.stride == 1 ? make_layout(conv.c_out, in.height, in.width, in.gap, in.slots)
                          : strided_layout(in, conv.c_out);
}

CompiledConv compile_conv(const Layout& in, const Conv2d& conv, double baby_cost) {
  validate_conv(conv);
  CompiledConv cc{in, conv_output_layout(in, conv), {}, {}};
  const Layout& out = cc.out;
  const int k = conv.kernel;
  std::vector<SlotTerm> terms;
  terms.reserve(static_cast<std::size_t>(out.channels) * out.height * out.width * in.channels * k * k);
  for (int co = 0; co < out.channels; ++co) {
    for (int y = 0; y < out.height; ++y) {
      for (int x = 0; x < out.width; ++x) {
        const int o = slot_of(out, co, y, x);
        for (int ci = 0; ci < in.channels; ++ci) {
          for (int ky = 0; ky < k; ++ky) {
            const int iy = conv.stride * y + ky - conv.pad;
            if (iy < 0 || iy >= in.height) continue;
            for (int kx = 0; kx < k; ++kx) {
              const int ix = conv.stride * x + kx - conv.pad;
              if (ix < 0 || ix >= in.width) continue;
              const double w = conv.weights[((static_cast<std::size_t>(co) * in.channels + ci) * k + ky) * k + kx];
              if (w != 0.0) terms.push_back({o, slot_of(in, ci, iy, ix), w});
            }
          }
        }
      }
    }
  }
  if (terms.empty()) throw Error(ola::mismatch("compile_conv", "non-zero weights", ">= 1", 0));
  cc.transform = compile_transform(terms, in.slots, in.period(), out.period(), baby_cost);
  if (!conv.bias.empty()) {
    FeatureMap b = zero_feature_map(out.channels, out.height, out.width);
    for (int co = 0; co < out.channels; ++co) {
      for (int y = 0; y < out.height; ++y) {
        for (int x = 0; x < out.width; ++x) b.at(co, y, x) = conv.bias[static_cast<std::size_t>(co)];
      }
    }
    cc.bias_slots = pack(out, b);
  }
  return cc;
}

std::vector<int> conv_shifts(const Layout& in, int c_out, int kernel, int stride, int pad,
                             const std::function<bool(int, int)>& connected) {
  Conv2d shape{c_out, in.channels, kernel, stride, pad, {}, {}};
  const Layout out = conv_output_layout(in, shape);
  std::set<int> shifts;
  // For each tap, one output pixel where it reads inside the map (if any): the shift is the same
  // for every such pixel because the output gap is stride x the input gap.
  auto first_valid = [&](int k_off, int out_size, int in_size) {
    for (int y = 0; y < out_size; ++y) {
      const int iy = stride * y + k_off - pad;
      if (iy >= 0 && iy < in_size) return y;
    }
    return -1;
  };
  for (int ky = 0; ky < kernel; ++ky) {
    const int y = first_valid(ky, out.height, in.height);
    if (y < 0) continue;
    for (int kx = 0; kx < kernel; ++kx) {
      const int x = first_valid(kx, out.width, in.width);
      if (x < 0) continue;
      for (int co = 0; co < c_out; ++co) {
        const int o = slot_of(out, co, y, x);
        for (int ci = 0; ci < in.channels; ++ci) {
          if (!connected(co, ci)) continue;
          const int i = slot_of(in, ci, stride * y + ky - pad, stride * x + kx - pad);
          shifts.insert(signed_mod(static_cast<long>(i) - o, in.period()));
        }
      }
    }
  }
  return {shifts.begin(), shifts.end()};
}

}  // namespace ola::he
