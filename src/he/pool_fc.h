// Global average pooling followed by the final fully connected layer on the multiplexed layout:
// rotate-and-add sums of each channel's pixels, one masked product per class on hoisted rotations,
// and a rotate-and-add sum over the channel positions (docs/packing.md, "Pooling and FC").
#pragma once

#include <span>
#include <vector>

#include "he/backend.h"
#include "he/layout.h"
#include "util/error.h"

namespace ola::he {

/// logits[j] = bias[j] + sum_c weights[j * in_features + c] * v[c].
///
/// Invariants (validate_dense): sizes >= 1, weights of size out * in, bias empty or of size out.
/// Thread safety: a plain value; concurrent reads are safe.
struct Dense {
  int out_features = 0;
  int in_features = 0;
  std::vector<double> weights;
  std::vector<double> bias;
};

/// @throws ola::Error naming the field if an invariant of Dense does not hold.
void validate_dense(const Dense& d);

/// Average pooling + Dense, ready to run.
struct CompiledPoolFc {
  Layout in;
  int classes = 0;
  std::vector<int> pool_steps;               ///< rotate-and-add steps over the H x W pixels
  std::vector<int> place_steps;              ///< hoisted: -delta_j moves class j's products apart
  std::vector<std::vector<double>> masks;    ///< masks[j]: W[j][c] / (H W) at slot_of(c,0,0) + delta_j
  std::vector<int> sum_steps;                ///< rotate-and-add steps over the channel positions
  std::vector<double> bias_slots;            ///< bias[j] at delta_j (empty if no bias)
  std::vector<int> logit_slots;              ///< delta_j = slot_of(0, j / W, j % W)
};

/// @throws ola::Error if fc.in_features != in.channels, H or W is not a power of two, or
///         fc.out_features > H * W (each class needs its own pixel position).
CompiledPoolFc compile_pool_fc(const Layout& in, const Dense& fc);

/// Rotation steps it performs, in [1, slots), ascending.
std::vector<int> rotation_steps(const CompiledPoolFc& p);

/// The logits from a decrypted slot vector. @throws ola::Error if slots.size() != p.in.slots.
std::vector<double> unpack_logits(const CompiledPoolFc& p, std::span<const double> slots);

/// Encrypted average pooling + FC. Level: consumes one. @pre level(in) >= 1, in packed in p.in.
/// @throws ola::Error if level(in) < 1.
template <SlotBackend B>
typename B::Ciphertext pool_fc(B& be, const typename B::Ciphertext& in, const CompiledPoolFc& p) {
  const int level = be.level(in);
  if (level < 1) throw Error(ola::mismatch("pool_fc", "input level", ">= 1", level));
  auto pooled = in;
  for (int s : p.pool_steps) be.add_inplace(pooled, be.rotate(pooled, s));
  const auto placed = be.rotate_hoisted(pooled, p.place_steps);
  auto z = be.mul_plain(placed[0], be.encode_for_mul(p.masks[0], level));
  for (std::size_t j = 1; j < placed.size(); ++j) {
    be.add_inplace(z, be.mul_plain(placed[j], be.encode_for_mul(p.masks[j], level)));
  }
  z = be.rescale(z);
  for (int s : p.sum_steps) be.add_inplace(z, be.rotate(z, s));
  if (!p.bias_slots.empty()) z = be.add_plain(z, be.encode_like(p.bias_slots, z));
  return z;
}

}  // namespace ola::he
