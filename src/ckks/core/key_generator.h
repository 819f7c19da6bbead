// KeyGenerator: samples a secret key and derives public, relinearisation and Galois keys from it.
#pragma once

#include <cstdint>
#include <span>

#include "ckks/core/keys.h"
#include "ckks/core/params.h"

namespace ola::ckks {

/// Holds one secret key (sampled at construction with libsodium randomness, following
/// params.secret(), with a fresh random KeyId) and makes keys for it, each tagged with that id.
/// Error e ~ rounded Gaussian, sigma 3.2. Secret temporaries (a*s, s^2, s(X^g)) are wiped
/// before they are freed. Thread safety: const methods are safe to call concurrently.
/// A fresh secret key for `params` with the given distribution (hamming_weight is used only for
/// fixed_hamming), sampled with libsodium randomness, with a fresh random KeyId.
/// @throws OperandError if a fixed Hamming weight is outside 1..N.
SecretKey sample_secret_key(const Params& params, SecretDistribution distribution, int hamming_weight);

class KeyGenerator {
 public:
  /// Samples a fresh secret key and key-pair id.
  explicit KeyGenerator(Params params);
  /// Uses an existing secret key (and its id). @throws OperandError if it was made for other
  /// parameters.
  KeyGenerator(Params params, SecretKey secret_key);

  const Params& params() const { return params_; }
  const SecretKey& secret_key() const { return sk_; }

  PublicKey public_key() const;
  RelinKey relin_key() const;
  /// Keys for left rotations by each of `steps` (duplicates and steps = 0 mod N/2 are skipped)
  /// plus, if `conjugation`, the conjugation key. `level` (default: max_level) is the highest
  /// ciphertext level the keys will rotate: a key at level l has l + 1 + k limbs and
  /// digits_at(l) digits, so keys for the low levels of a network are several times smaller;
  /// Evaluator refuses (OperandError) a ciphertext above a key's level.
  /// @throws OperandError if level is outside 0..max_level (-1 means max_level).
  GaloisKeys galois_keys(std::span<const int> steps, bool conjugation = false, int level = -1) const;
  /// One switching key s(X^g) -> s for the Galois element g, for ciphertexts up to `level`.
  /// @throws OperandError if g is even or not in 1..2N-1, or level is outside 0..max_level
  ///         (-1 means max_level).
  SwitchingKey galois_key(std::uint64_t galois_element, int level = -1) const;
  /// A switching key s_from -> this secret key (s_from given in NTT form over QP, L+1+k limbs)
  /// for ciphertexts up to `level` (-1 means max_level).
  /// @throws OperandError if level is outside 0..max_level.
  SwitchingKey switching_key(const RnsPoly& s_from_qp, int level = -1) const;
  /// A level-0 switching key s_from -> this secret key over q_0 p_0 only (Level0SwitchingKey).
  /// @throws ParamError if the parameters have no special prime p_0 > q_0.
  Level0SwitchingKey level0_switching_key(const RnsPoly& s_from_qp) const;
  /// Samples an ephemeral secret s_e of Hamming weight `hamming_weight` and returns the
  /// sparse-secret encapsulation keys s -> s_e (level 0) and s_e -> s (max_level) of this key
  /// pair; s_e is wiped before returning. @throws OperandError if hamming_weight is outside 1..N.
  EncapsulationKeys encapsulation_keys(int hamming_weight) const;

 private:
  Params params_;
  SecretKey sk_;
};

}  // namespace ola::ckks
