// KeyGenerator: samples a secret key and derives public, relinearisation and Galois keys from it.
#pragma once

#include <cstdint>
#include <span>

#include "ckks/core/keys.h"
#include "ckks/core/params.h"

namespace ola::ckks {

/// Holds one secret key (sampled at construction with libsodium randomness, following
/// params.secret()) and makes keys for it. Error e ~ rounded Gaussian, sigma 3.2.
/// Thread safety: const methods are safe to call concurrently.
class KeyGenerator {
 public:
  /// Samples a fresh secret key.
  explicit KeyGenerator(Params params);
  /// Uses an existing secret key. @throws OperandError if it was made for other parameters.
  KeyGenerator(Params params, SecretKey secret_key);

  const Params& params() const { return params_; }
  const SecretKey& secret_key() const { return sk_; }

  PublicKey public_key() const;
  RelinKey relin_key() const;
  /// Keys for left rotations by each of `steps` (duplicates and steps = 0 mod N/2 are skipped)
  /// plus, if `conjugation`, the conjugation key.
  GaloisKeys galois_keys(std::span<const int> steps, bool conjugation = false) const;
  /// One switching key s(X^g) -> s for the Galois element g.
  /// @throws OperandError if g is even or not in 1..2N-1.
  SwitchingKey galois_key(std::uint64_t galois_element) const;
  /// A switching key s_from -> this secret key (s_from given in NTT form over QP, L+1+k limbs).
  SwitchingKey switching_key(const RnsPoly& s_from_qp) const;

 private:
  Params params_;
  SecretKey sk_;
};

}  // namespace ola::ckks
