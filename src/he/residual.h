// Residual addition with level and scale alignment: the branch with more levels left is dropped
// to the other's level (free in CKKS: primes are discarded, no rescale); if the two scales differ
// (an activation polynomial moved one), that branch spends one of its spare levels on match_scale.
#pragma once

#include <cmath>
#include <string>

#include "he/backend.h"
#include "util/error.h"

namespace ola::he {

/// a + b at min(level(a), level(b)).
/// Level: the lower of the two inputs. Scale: the lower-level operand's.
/// @throws ola::Error if the scales differ (relative 1e-9) and the levels are equal: there is no
///         spare level to align the scales with.
template <SlotBackend B>
typename B::Ciphertext add_residual(B& be, const typename B::Ciphertext& a, const typename B::Ciphertext& b) {
  const bool a_higher = be.level(a) > be.level(b);
  const auto& hi = a_higher ? a : b;
  const auto& lo = a_higher ? b : a;
  const int l = be.level(lo);
  const double s_lo = be.scale(lo);
  const double s_hi = be.scale(hi);
  if (std::abs(s_hi - s_lo) <= 1e-9 * std::max(s_hi, s_lo)) {
    return be.level(hi) == l ? be.add(lo, hi) : be.add(lo, be.drop_to_level(hi, l));
  }
  if (be.level(hi) == l) {
    throw Error(ola::mismatch("add_residual", "scales at equal level " + std::to_string(l),
                              std::to_string(s_lo), std::to_string(s_hi)));
  }
  const auto aligned = be.level(hi) == l + 1 ? hi : be.drop_to_level(hi, l + 1);
  return be.add(lo, be.match_scale(aligned, s_lo));
}

}  // namespace ola::he
