// Plaintext: an encoded (not encrypted) CKKS message polynomial with its level, scale and slots.
#pragma once

#include <cstddef>

#include "ckks/ring/rns_poly.h"

namespace ola::ckks {

/// An encoded message m(X) with m ~= scale * (the slot values' canonical-embedding preimage).
/// Invariants: poly.limbs == level + 1 (limb i modulo q_i); slots a power of two <= N/2;
/// `ntt` says whether poly holds NTT values (default, as produced by Encoder) or coefficients.
/// Thread safety: value type.
struct Plaintext {
  RnsPoly poly;
  int level = 0;
  double scale = 1.0;
  std::size_t slots = 0;
  bool ntt = true;
};

}  // namespace ola::ckks
