// Evaluates a SlotTransform on a backend ciphertext with hoisted baby-step rotations, one plaintext
// multiplication per diagonal, one rotation per giant step and a single rescale.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "he/backend.h"
#include "he/slot_transform.h"
#include "util/error.h"

namespace ola::he {

/// out = T(in): sum_g rotate( sum_b rotate(diag_{g+b}, -g) (.) rotate(in, b), g ), rescaled once,
/// then out += rotate(out, s) for each replicate step (Halevi-Shoup 2018, Sec. 4.1). Each giant
/// step's inner sum is one fused mul_plain_sum over its diagonals; the giant-step rotations share
/// one ModDown (backend add_rotated).
/// Level: consumes one (result at level(in) - 1). Scale: exactly the backend's base scale, whatever
/// in's (encode_for_mul_to_base, he/backend.h).
/// A giant step's plaintexts are encoded together before its inner sum, so memory peaks at
/// #babies + 2 ciphertexts plus the largest giant step's plaintexts.
/// @pre level(in) >= 1.
/// @throws ola::Error if level(in) < 1 or the backend's slot count differs from t.slots.
/// @throws whatever the backend throws for a missing rotation key.
template <SlotBackend B>
typename B::Ciphertext apply_transform(B& be, const typename B::Ciphertext& in, const SlotTransform& t) {
  using Ct = typename B::Ciphertext;
  if (be.slots() != t.slots) throw Error(ola::mismatch("apply_transform", "backend slots", t.slots, be.slots()));
  const int level = be.level(in);
  if (level < 1) throw Error(ola::mismatch("apply_transform", "input level", ">= 1", level));
  const BsgsSplit& sp = t.split;
  const std::vector<Ct> babies = be.rotate_hoisted(in, sp.baby_steps);
  auto baby_index = [&](int b) {
    return static_cast<std::size_t>(std::lower_bound(sp.baby_steps.begin(), sp.baby_steps.end(), b) -
                                    sp.baby_steps.begin());
  };
  typename B::RotationSum acc{};
  for (int g : sp.giant_steps) {
    // The giant step's diagonals, encoded, and their baby rotations: one fused inner product.
    std::vector<typename B::Plaintext> pts;
    std::vector<const Ct*> terms;
    for (std::size_t d = 0; d < t.shifts.size(); ++d) {
      if (giant_of(sp, t.shifts[d]) != g) continue;
      pts.push_back(be.encode_for_mul_to_base(prerotated_diagonal(t, d, g), in));
      terms.push_back(&babies[baby_index(baby_of(sp, t.shifts[d]))]);
    }
    OLA_CHECK(!terms.empty(), "apply_transform: giant step " << g << " without diagonals");
    const Ct inner = be.mul_plain_sum(std::span<const Ct* const>(terms), std::span<const typename B::Plaintext>(pts));
    pts.clear();
    be.add_rotated(acc, inner, g);
  }
  Ct out = be.rescale(be.finish_rotations(std::move(acc)));
  for (int s : t.replicate_steps) be.add_inplace(out, be.rotate(out, s));
  return out;
}

}  // namespace ola::he
