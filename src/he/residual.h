// Residual addition with level alignment: the branch with more levels left is dropped to the
// other's level (free in CKKS: primes are discarded, no rescale), then the two are added.
#pragma once

#include "he/backend.h"

namespace ola::he {

/// a + b at min(level(a), level(b)). @pre a and b at the same scale (true for outputs of he/
/// layers, see he/backend.h). Level: the lower of the two inputs.
template <SlotBackend B>
typename B::Ciphertext add_residual(B& be, const typename B::Ciphertext& a, const typename B::Ciphertext& b) {
  const int la = be.level(a);
  const int lb = be.level(b);
  if (la == lb) return be.add(a, b);
  if (la > lb) return be.add(be.drop_to_level(a, lb), b);
  return be.add(a, be.drop_to_level(b, la));
}

}  // namespace ola::he
