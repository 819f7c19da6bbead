// Encrypted 2-D convolution (odd kernel, "same" padding, stride 1 or 2) on the multiplexed layout,
// compiled into a SlotTransform; a stride-2 convolution writes directly into the gap-2k layout
// (MPCNN's downsampling, Lee et al. ICML 2022, Sec. 4.2), so no separate repacking step exists.
#pragma once

#include <functional>
#include <vector>

#include "he/apply_transform.h"
#include "he/backend.h"
#include "he/layout.h"
#include "he/slot_transform.h"

namespace ola::he {

/// A convolution with folded batch norm: out[co](y, x) = bias[co] +
///   sum_{ci, ky, kx} weights[((co * c_in + ci) * kernel + ky) * kernel + kx] * in[ci](s*y + ky - pad, s*x + kx - pad)
/// (zero outside the map).
///
/// Invariants (validate_conv): kernel odd, pad == (kernel - 1) / 2, stride 1 or 2, weights of size
/// c_out * c_in * kernel^2, bias empty or of size c_out.
/// Thread safety: a plain value; concurrent reads are safe.
struct Conv2d {
  int c_out = 0;
  int c_in = 0;
  int kernel = 3;
  int stride = 1;
  int pad = 1;
  std::vector<double> weights;
  std::vector<double> bias;
};

/// @throws ola::Error naming the field if an invariant of Conv2d does not hold.
void validate_conv(const Conv2d& c);

/// Folds y = gamma * (x - mean) / sqrt(var + eps) + beta into the convolution's weights and bias.
/// @throws ola::Error if a vector's size is not c_out, or var + eps <= 0 for some channel.
Conv2d fold_batch_norm(Conv2d conv, const std::vector<double>& gamma, const std::vector<double>& beta,
                       const std::vector<double>& mean, const std::vector<double>& var, double eps);

/// A convolution ready to run: output layout, diagonal form and the packed bias.
struct CompiledConv {
  Layout in;
  Layout out;
  SlotTransform transform;
  std::vector<double> bias_slots;  ///< packed bias (empty if the convolution has none)
};

/// The output layout of `conv` on `in`: same gap for stride 1, strided_layout for stride 2.
/// @throws ola::Error if conv.c_in != in.channels or the output layout is invalid.
Layout conv_output_layout(const Layout& in, const Conv2d& conv);

/// Compiles `conv` for input layout `in`. Terms with weight exactly 0 are left out.
/// @throws ola::Error as validate_conv and conv_output_layout.
CompiledConv compile_conv(const Layout& in, const Conv2d& conv, double baby_cost = 0.5);

/// Diagonal shifts of a convolution on `in` whose channel pair (co, ci) is used iff connected(co, ci)
/// (every kernel tap of a used pair assumed non-zero), without building the terms: the shift of a
/// tap does not depend on the pixel (docs/packing.md, "Why few diagonals").
/// @throws ola::Error as conv_output_layout.
std::vector<int> conv_shifts(const Layout& in, int c_out, int kernel, int stride, int pad,
                             const std::function<bool(int, int)>& connected);

/// Encrypted convolution. Level: consumes one. @pre level(in) >= 1, in packed in cc.in.
/// @throws ola::Error as apply_transform.
template <SlotBackend B>
typename B::Ciphertext conv(B& be, const typename B::Ciphertext& in, const CompiledConv& cc) {
  auto out = apply_transform(be, in, cc.transform);
  if (!cc.bias_slots.empty()) out = be.add_plain(out, be.encode_like(cc.bias_slots, out));
  return out;
}

}  // namespace ola::he
