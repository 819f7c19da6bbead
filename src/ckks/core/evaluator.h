// Evaluator: homomorphic operations on CKKS ciphertexts (add, multiply, rescale, rotate, ...) with
// automatic level, scale and key checks. Holds evaluation keys only, never the secret key.
#pragma once

#include <complex>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "ckks/core/ciphertext.h"
#include "ckks/core/keys.h"
#include "ckks/core/params.h"
#include "ckks/core/plaintext.h"

namespace ola::ckks {

/// The evaluation keys an Evaluator may use; each may be absent (then the operations needing
/// it throw OperandError naming the missing key).
struct EvaluationKeys {
  EvaluationKeys() = default;
  EvaluationKeys(std::shared_ptr<const RelinKey> relin_key, std::shared_ptr<const GaloisKeys> galois_keys,
                 std::shared_ptr<const EncapsulationKeys> encapsulation_keys = nullptr)
      : relin(std::move(relin_key)), galois(std::move(galois_keys)), encapsulation(std::move(encapsulation_keys)) {}

  std::shared_ptr<const RelinKey> relin;
  std::shared_ptr<const GaloisKeys> galois;
  /// Sparse-secret encapsulation keys (bootstrapping with an ephemeral sparse secret), optional.
  std::shared_ptr<const EncapsulationKeys> encapsulation;
};

struct EvaluatorOptions {
  /// Two scales s1, s2 are "equal" when |s1 - s2| <= scale_tolerance * max(s1, s2).
  double scale_tolerance = 1e-9;
};

/// The ModUp of a ciphertext's c1 (hybrid key switching, Han-Ki 2020 Alg. 2): each digit extended
/// to q_0..q_level, p_0..p_{k-1} in NTT form. Computed once, reused by many rotations (hoisting,
/// Halevi-Shoup 2018 section 5). Invariant: digits.size() == params.digits_at(level).
struct HoistedDecomposition {
  int level = 0;
  std::vector<RnsPoly> digits;
};

/// A sum of rotated ciphertexts whose key switches share one ModDown (lazy ModDown across the
/// giant steps of a BSGS matrix product, part of the "double hoisting" of Bossuat, Mouchet,
/// Troncoso-Pastoriza, Hubaux, Eurocrypt 2021, ePrint 2020/1203). Built by
/// Evaluator::add_rotated, turned into a ciphertext by Evaluator::finish_rotations. Invariants:
/// `partial` has no parts until the first term; then its parts[0] holds the sum of the terms'
/// permuted c0 (and the unrotated terms' c1 in parts[1]) over Q_level; ks0 and ks1 hold the sum
/// of the key-switching inner products over Q_level P_level (0 limbs until the first rotated
/// term). Value type; never decrypt `partial`.
struct RotationSum {
  Ciphertext partial;
  RnsPoly ks0, ks1;
};

/// Conventions of every method:
///  * Inputs must be of this evaluator's parameters, degree 1 (unless stated), NTT form, with
///    parts of level + 1 limbs; otherwise OperandError.
///  * Binary ct-ct / ct-pt operations need equal levels (ct-pt: pt.level >= ct.level, its extra
///    limbs are ignored) and equal slots; additions also need equal scales (relative tolerance).
///    A mismatch throws OperandError naming both values: "Evaluator::add: level: expected 5, got 3".
///  * Key pairs: results carry their inputs' key_id; two ciphertexts, or a ciphertext and a key,
///    of different key pairs (both ids known) throw OperandError ("... key pair ...: expected
///    <id>, got <id>"), as does a relinearisation or Galois key made for a level below the
///    ciphertext's ("... level of the Galois key for rotation step 3 (element 125): expected >= 5
///    (the ciphertext's level), got 2 ...").
///  * `op(a, b)` returns a new ciphertext; `op_inplace(a, b)` overwrites a.
///  * Rotations by k move slot j+k to slot j (left rotation), modulo the slot count.
/// Thread safety: const methods are safe to call concurrently (internal OpenMP over limbs).
class Evaluator {
 public:
  /// @throws OperandError if a key was made for other parameters, or the relinearisation and
  ///         Galois keys belong to different key pairs.
  explicit Evaluator(Params params, EvaluationKeys keys = {}, EvaluatorOptions options = {});

  const Params& params() const { return params_; }
  const EvaluationKeys& keys() const { return keys_; }
  bool has_relin_key() const { return keys_.relin != nullptr; }
  bool has_rotation_key(int step) const;
  bool has_conjugation_key() const;

  // --- additions (level and scale unchanged) ---
  /// @throws OperandError on level, scale or slot mismatch
  Ciphertext add(const Ciphertext& a, const Ciphertext& b) const;
  void add_inplace(Ciphertext& a, const Ciphertext& b) const;
  Ciphertext sub(const Ciphertext& a, const Ciphertext& b) const;
  void sub_inplace(Ciphertext& a, const Ciphertext& b) const;
  Ciphertext add(const Ciphertext& a, const Plaintext& b) const;
  void add_inplace(Ciphertext& a, const Plaintext& b) const;
  Ciphertext sub(const Ciphertext& a, const Plaintext& b) const;
  void sub_inplace(Ciphertext& a, const Plaintext& b) const;
  /// Adds the constant c to every slot (encoded at a.scale, exact: Re(c) + Im(c) X^(N/2)).
  Ciphertext add_const(const Ciphertext& a, std::complex<double> c) const;
  void add_const_inplace(Ciphertext& a, std::complex<double> c) const;
  Ciphertext negate(const Ciphertext& a) const;
  void negate_inplace(Ciphertext& a) const;

  // --- multiplications (no automatic rescale) ---
  /// Product with relinearisation; result scale a.scale * b.scale, degree 1.
  /// @pre a relinearisation key. @throws OperandError if the relin key is missing, on level or
  /// slot mismatch.
  Ciphertext mul(const Ciphertext& a, const Ciphertext& b) const;
  void mul_inplace(Ciphertext& a, const Ciphertext& b) const;
  /// Product without relinearisation: degree 2 (only relinearize / decrypt accept degree 2).
  Ciphertext mul_no_relin(const Ciphertext& a, const Ciphertext& b) const;
  Ciphertext square(const Ciphertext& a) const;
  void square_inplace(Ciphertext& a) const;
  /// Degree 2 -> 1 with the relinearisation key. @throws OperandError if it is missing or a has
  /// degree other than 2 (degree 1 is returned unchanged).
  Ciphertext relinearize(const Ciphertext& a) const;
  void relinearize_inplace(Ciphertext& a) const;
  /// Ciphertext-plaintext product; result scale a.scale * b.scale.
  Ciphertext mul(const Ciphertext& a, const Plaintext& b) const;
  void mul_inplace(Ciphertext& a, const Plaintext& b) const;
  /// sum_k cts[k] (.) pts[k] in one pass (lazy 128-bit accumulation, ring/rns_poly.h): what a
  /// diagonal linear transform's inner sum needs, about twice as fast as products plus additions.
  /// Result at the ciphertexts' level and scale cts[0].scale * pts[0].scale.
  /// @throws OperandError if there are no terms or the two lists differ in length
  /// @throws OperandError if a ciphertext is not of degree 1 in NTT form, the ciphertexts differ in
  ///         level, slots or key pair, a plaintext is below their level or in coefficient form,
  ///         or a term's scale differs from the first's by a relative 2^-40 or more
  Ciphertext mul_sum(std::span<const Ciphertext* const> cts, std::span<const Plaintext* const> pts) const;
  /// Multiplies by an integer k: no level cost, scale unchanged.
  Ciphertext mul_integer(const Ciphertext& a, std::int64_t k) const;
  void mul_integer_inplace(Ciphertext& a, std::int64_t k) const;
  /// Multiplies every slot by the real constant c, encoded as round(c * const_scale); the result
  /// scale is a.scale * const_scale (rescale afterwards). A good const_scale is q_level, which
  /// makes the following rescale restore a.scale exactly.
  /// @throws OperandError if const_scale <= 0 or |c * const_scale| >= 2^62.
  Ciphertext mul_const(const Ciphertext& a, double c, double const_scale) const;
  void mul_const_inplace(Ciphertext& a, double c, double const_scale) const;
  /// Complex constant (Re(c) + Im(c) X^(N/2) scaled by const_scale); same scale rule.
  Ciphertext mul_const(const Ciphertext& a, std::complex<double> c, double const_scale) const;
  void mul_const_inplace(Ciphertext& a, std::complex<double> c, double const_scale) const;
  /// Multiplies by the monomial X^k (k modulo 2N; X^N = -1). Level and scale unchanged.
  Ciphertext mul_monomial(const Ciphertext& a, std::int64_t k) const;
  void mul_monomial_inplace(Ciphertext& a, std::int64_t k) const;

  // --- levels ---
  /// Divides by the last prime q_level (rounding): level - 1, scale / q_level.
  /// @throws OperandError if a.level == 0 or a has degree 2.
  Ciphertext rescale(const Ciphertext& a) const;
  void rescale_inplace(Ciphertext& a) const;
  /// Drops the top limbs down to `level` (mod-down without division): scale unchanged.
  /// @throws OperandError if level > a.level or level < 0.
  Ciphertext drop_to_level(const Ciphertext& a, int level) const;
  void drop_to_level_inplace(Ciphertext& a, int level) const;

  // --- automorphisms ---
  /// Left rotation by `step` slots (steps modulo the slot count; 0 returns a copy).
  /// @throws OperandError if the Galois key of this step is missing (names the step and element).
  Ciphertext rotate(const Ciphertext& a, int step) const;
  void rotate_inplace(Ciphertext& a, int step) const;
  /// Complex conjugation of every slot. @throws OperandError if the conjugation key is missing.
  Ciphertext conjugate(const Ciphertext& a) const;
  void conjugate_inplace(Ciphertext& a) const;
  /// Applies X -> X^g and switches the key back to s. @throws OperandError if g has no key.
  Ciphertext apply_galois(const Ciphertext& a, std::uint64_t galois_element) const;

  // --- hoisting ---
  /// ModUp of a.parts[1] (the costly part of key switching, done once).
  HoistedDecomposition decompose(const Ciphertext& a) const;
  /// Rotation of `a` by `step` reusing its decomposition `d` (must come from decompose(a)).
  /// @throws OperandError if d.level != a.level or the key is missing.
  Ciphertext rotate_hoisted(const Ciphertext& a, const HoistedDecomposition& d, int step) const;
  /// Rotations by each of `steps` with one shared decomposition; result[i] = rotate(a, steps[i]).
  std::vector<Ciphertext> rotate_hoisted(const Ciphertext& a, std::span<const int> steps) const;

  /// sum += rotate(a, step), keeping the key switch's result over Q_l P_l (no ModDown yet):
  /// k terms cost k ModUps and inner products but one ModDown, and one rounding error instead
  /// of k. Every term must have the first term's level, slots, scale and key pair.
  /// @throws OperandError as rotate, or naming the field where a differs from the first term.
  void add_rotated(RotationSum& sum, const Ciphertext& a, int step) const;
  /// The ciphertext sum_i rotate(a_i, step_i) of the terms added to `sum` (one ModDown).
  /// @throws OperandError if `sum` has no term.
  Ciphertext finish_rotations(RotationSum sum) const;

  // --- key switching primitive ---
  /// Returns (d0, d1) with d0 + d1*s ~= c * s' (mod q_0..q_level) for the key s' -> s.
  /// @pre c in NTT form with level + 1 limbs.
  std::pair<RnsPoly, RnsPoly> key_switch(const RnsPoly& c, int level, const SwitchingKey& key) const;
  /// `a` (degree 1, under the key's source secret s') re-encrypted under its target s:
  /// (c0 + d0, d1) with (d0, d1) = key_switch(c1). Used by sparse-secret encapsulation.
  /// @throws OperandError if a has degree other than 1 or the key was made for a level below a's.
  Ciphertext switch_key(const Ciphertext& a, const SwitchingKey& key) const;
  /// As above with a key over q_0 p_0 (Level0SwitchingKey).
  /// @throws OperandError if a has degree other than 1 or a level above 0; ParamError if the
  ///         parameters have no special prime p_0 > q_0.
  Ciphertext switch_key(const Ciphertext& a, const Level0SwitchingKey& key) const;

 private:
  /// The NTT-domain slot permutation of Galois element g: precomputed for the Galois keys held
  /// (a rotation no longer spends ~1 ms on it at N = 2^16), else computed into `scratch`.
  const std::vector<std::uint32_t>& galois_permutation(std::uint64_t g, std::vector<std::uint32_t>& scratch) const;

  Params params_;
  EvaluationKeys keys_;
  EvaluatorOptions options_;
  /// Galois element -> permutation, for every element of keys_.galois (immutable once built).
  std::shared_ptr<const std::map<std::uint64_t, std::vector<std::uint32_t>>> galois_perms_;
};

}  // namespace ola::ckks
