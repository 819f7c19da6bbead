// Key types: secret key, public key, and the switching keys of hybrid key switching (relinearisation
// and Galois keys), plus the Galois elements of rotations and conjugation.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "ckks/core/key_id.h"
#include "ckks/core/params.h"
#include "ckks/ring/rns_poly.h"
#include "ckks/ring/sampler.h"

namespace ola::ckks {

/// The secret s. Invariants: coeffs has N entries in {-1, 0, 1}; s_qp is s in NTT form modulo
/// q_0..q_L, p_0..p_{k-1} (L + 1 + k limbs); key_id identifies its key pair.
/// Memory: the destructor and both assignments wipe the old coeffs and s_qp (sodium_memzero)
/// before the memory is freed; a moved-from key holds nothing. Copies are separate secrets,
/// each wiped when it goes.
/// Thread safety: value type.
struct SecretKey {
  std::vector<std::int8_t> coeffs;
  RnsPoly s_qp;
  std::string params_fingerprint;
  KeyId key_id;

  SecretKey() = default;
  SecretKey(const SecretKey&) = default;
  SecretKey(SecretKey&&) noexcept = default;
  SecretKey& operator=(const SecretKey& other);
  SecretKey& operator=(SecretKey&& other) noexcept;
  ~SecretKey();
  /// Zeros coeffs and s_qp in place (sizes kept); the key is unusable afterwards.
  void wipe() noexcept;
};

/// (b, a) = (-a*s + e, a) modulo q_0..q_L, NTT form. Thread safety: value type.
struct PublicKey {
  RnsPoly b, a;
  std::string params_fingerprint;
  KeyId key_id;
};

/// Hybrid key-switching key from s' to s (Han-Ki, CT-RSA 2020, section 3; Bossuat et al.,
/// Eurocrypt 2021, section 3): for each digit j, over QP (L + 1 + k limbs, NTT form),
///   b_j = -a_j * s + e_j + P * [Q/Q_j * ((Q/Q_j)^-1 mod Q_j)] * s',   a_j uniform,
/// so b_j mod q_i = -a_j s + e_j + [i in digit j] * P * s'. The a_j are expanded from `seed`
/// (a_j = sample_uniform(derive_seed(seed, j))), so files store only b_j and the seed.
/// A key made for `level` l < L holds only q_0..q_l, p_0..p_{k-1} (l + 1 + k limbs) and
/// digits_at(l) digits: it switches ciphertexts at levels 0..l only (smaller, fewer digits).
/// Thread safety: value type.
struct SwitchingKey {
  std::vector<RnsPoly> b;  ///< digits_at(level) polys of level + 1 + k limbs
  std::vector<RnsPoly> a;  ///< as b (expanded from seed)
  Seed seed{};
  int level = 0;           ///< highest ciphertext level this key switches
};

/// Switches s^2 -> s (relinearisation after a ciphertext product).
struct RelinKey {
  SwitchingKey key;
  std::string params_fingerprint;
  KeyId key_id;
};

/// Switching keys from s(X^g) -> s(X), one per Galois element g (odd, < 2N).
struct GaloisKeys {
  std::map<std::uint64_t, SwitchingKey> keys;
  std::string params_fingerprint;
  KeyId key_id;

  bool has(std::uint64_t galois_element) const { return keys.count(galois_element) != 0; }
};

/// A key that switches ciphertexts at level 0 only, over the two primes q_0 and p_0 (the first
/// special prime) instead of q_0 and all of P:
///   b = -a s + e + p_0 s'  mod q_0 p_0,   a = sample_uniform(derive_seed(seed, 0)) over q_0, p_0.
/// Its RLWE sample lives at modulus q_0 p_0 (109 bits in n16) where a sparse secret s is still
/// 128-bit secure (Bossuat, Troncoso-Pastoriza, Hubaux, ACNS 2022, section 4.3: the key s -> s_e is
/// made at "Q_0 P_0" for that reason); switching computes round(c (b, a) / p_0) mod q_0
/// (detail::level0_key_switch), whose error is |c e| / p_0 <= q_0 / p_0 |e| N plus the rounding, so the
/// parameters must have q_0 < p_0. Thread safety: value type.
struct Level0SwitchingKey {
  RnsPoly b;  ///< 2 limbs, q_0 then p_0, NTT form
  RnsPoly a;  ///< as b (expanded from seed)
  Seed seed{};
};

/// The moduli {q_0, p_0} of a Level0SwitchingKey.
/// @throws ParamError if `params` has no special prime or q_0 >= p_0 (the switch's error would
///         not be small).
std::array<Modulus, 2> level0_key_moduli(const Params& params);

/// The uniform a of a Level0SwitchingKey, expanded from its seed (what key generation samples and
/// a key file's reader re-expands). @throws ParamError as level0_key_moduli.
RnsPoly level0_key_a(const Params& params, const Seed& seed);

/// Sparse-secret encapsulation keys (Bossuat, Troncoso-Pastoriza, Hubaux, "Bootstrapping for
/// approximate homomorphic encryption with negligible failure-probability by using sparse-secret
/// encapsulation", ACNS 2022, eprint 2022/024, section 4): the main secret s may be dense (secure
/// at the HE-standard modulus), while ModRaise runs under an ephemeral sparse secret s_e of
/// Hamming weight h, so its overflow I = round(<ct, s_e> / q_0) stays within a small EvalMod range.
///  * to_sparse: s -> s_e at level 0, a key of the ephemeral key pair over q_0 p_0 only (an RLWE
///    sample under s_e at that small modulus, see Level0SwitchingKey);
///  * from_sparse: s_e -> s at max_level (an RLWE sample under the dense s, like a Galois key).
/// s_e itself is discarded after key generation. Thread safety: value type.
struct EncapsulationKeys {
  Level0SwitchingKey to_sparse;
  SwitchingKey from_sparse;
  int hamming_weight = 0;  ///< of s_e
  std::string params_fingerprint;
  KeyId key_id;            ///< the main key pair's
};

/// Galois element 5^step mod 2N of a left rotation by `step` slots (step taken modulo N/2, so a
/// negative step is a right rotation). Rotations act identically on sparse packings of n slots
/// for step modulo n.
std::uint64_t galois_element_for_step(const Params& params, int step);
/// Galois element 2N - 1 (X -> X^-1) of complex conjugation of every slot.
std::uint64_t galois_element_conjugate(const Params& params);

}  // namespace ola::ckks
