// Ciphertext: an RLWE encryption (c0, c1[, c2]) of a CKKS message with its level, scale and slots.
#pragma once

#include <cstddef>
#include <vector>

#include "ckks/core/key_id.h"
#include "ckks/ring/rns_poly.h"

namespace ola::ckks {

/// Decrypts as c0 + c1*s (+ c2*s^2) = m (mod q_0...q_level).
/// Invariants: parts.size() is 2 (or 3 after mul_no_relin); each part has level + 1 limbs;
/// all parts in NTT form when ntt (the default; every Evaluator operation expects it).
/// key_id names the key pair it was encrypted under (Encryptor sets it, Evaluator carries it,
/// files store it; unknown when built by hand). Thread safety: value type.
struct Ciphertext {
  std::vector<RnsPoly> parts;
  int level = 0;
  double scale = 1.0;
  std::size_t slots = 0;
  bool ntt = true;
  KeyId key_id;

  std::size_t degree() const { return parts.empty() ? 0 : parts.size() - 1; }
  std::size_t limbs() const { return static_cast<std::size_t>(level) + 1; }
};

}  // namespace ola::ckks
