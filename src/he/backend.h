// The slot-vector arithmetic the encrypted executor is written against (a C++20 concept), so the
// same layer code runs on the plaintext simulator (he/slot_sim_backend.h) and on CKKS ciphertexts.
//
// Conventions every backend follows:
//  * rotate(ct, k) is a left rotation: result[i] = ct[(i + k) mod n]; k may be negative.
//  * Levels count the primes that can still be rescaled away: a mul_plain or mul_const followed
//    by rescale consumes one level; rescale needs level >= 1.
//  * mul(a, b) is the ciphertext x ciphertext product, relinearised and rescaled: both operands at
//    one level >= 1, output one level lower at scale a.scale * b.scale / q_level (the caller
//    aligns levels with drop_to_level; the scale moves with the primes, as in ckks/poly).
//  * encode_for_mul(v, level) makes a plaintext whose scale equals the prime rescale will divide
//    by at that level, so mul_plain + rescale returns a ciphertext at the input's scale; hence all
//    ciphertexts of a layer share one scale. Polynomial evaluation may move the scale slightly
//    (ckks/poly keeps S_(l-1) = S_l^2 / q_l); match_scale(ct, s) brings a ciphertext to scale s
//    exactly at the cost of one level (a product by 1 encoded at the right scale, then rescale).
//  * encode_for_mul_to_base(v, ct) makes a plaintext at ct's level whose product with ct, after
//    rescale, lands exactly on the backend's base scale (CKKS: the parameters' default scale),
//    whatever ct's scale: the linear layers use it, so every layer output starts from the same
//    scale and the polynomial evaluator's drift (which squares per level) cannot compound.
//  * add_rotated(sum, ct, k) adds rotate(ct, k) to a RotationSum (value-initialised = empty) and
//    finish_rotations(sum) returns the sum: CKKS shares one ModDown among the key switches
//    (ckks::Evaluator::add_rotated); the terms need one level, scale and slot count.
//  * bootstrap(ct, n) refreshes ct's level, reading it as the n-sparse encoding: n is a power of
//    two dividing slots() and ct's slots repeat with period n (what the multiplexed layout gives a
//    register, he/layout.h Layout::period()); CKKS then bootstraps with n slots (cheaper for
//    smaller n), and a vector that does not repeat would come back as the mean of its copies.
#pragma once

#include <concepts>
#include <functional>
#include <span>
#include <utility>
#include <vector>

namespace ola::he {

/// Operation counters a backend keeps (rotations split into single and hoisted ones).
struct OpStats {
  long rotations = 0;          ///< single (non-hoisted) key-switching rotations
  long hoisted_rotations = 0;  ///< rotations done inside rotate_hoisted (non-zero steps)
  long hoist_batches = 0;      ///< rotate_hoisted calls (one shared decomposition each)
  long lazy_rotations = 0;     ///< add_rotated terms with a non-zero step (their ModDown shared)
  long rotation_sums = 0;      ///< finish_rotations of sums with such a term (one ModDown each)
  long plain_mults = 0;        ///< mul_plain
  long mul_sum_terms = 0;      ///< terms of mul_plain_sum (a product and an addition each, fused)
  long ct_mults = 0;           ///< mul (ciphertext x ciphertext, with relinearisation)
  long encodes = 0;            ///< plaintexts encoded (encode_for_mul, encode_like)
  long const_mults = 0;        ///< mul_const
  long additions = 0;          ///< add, sub, add_plain
  long rescales = 0;
  long level_drops = 0;        ///< drop_to_level calls that removed at least one level
  long bootstraps = 0;
};

OpStats operator-(const OpStats& a, const OpStats& b);

/// A slot-vector backend. Ciphertext and Plaintext are value types of the backend.
template <class B>
concept SlotBackend = requires(B& b, const typename B::Ciphertext& ct, typename B::Ciphertext& out,
                               typename B::RotationSum& sum,
                               const typename B::Plaintext& pt, std::span<const double> values,
                               int level, int step, const std::vector<int>& steps, double c) {
  { b.slots() } -> std::convertible_to<int>;
  { b.level(ct) } -> std::convertible_to<int>;
  { b.scale(ct) } -> std::convertible_to<double>;
  { b.match_scale(ct, c) } -> std::same_as<typename B::Ciphertext>;
  { b.encode_for_mul(values, level) } -> std::same_as<typename B::Plaintext>;
  { b.encode_like(values, ct) } -> std::same_as<typename B::Plaintext>;
  { b.encode_for_mul_to_base(values, ct) } -> std::same_as<typename B::Plaintext>;
  { b.add(ct, ct) } -> std::same_as<typename B::Ciphertext>;
  { b.add_inplace(out, ct) };
  { b.sub(ct, ct) } -> std::same_as<typename B::Ciphertext>;
  { b.add_plain(ct, pt) } -> std::same_as<typename B::Ciphertext>;
  { b.mul_plain(ct, pt) } -> std::same_as<typename B::Ciphertext>;
  { b.mul_plain_sum(std::span<const typename B::Ciphertext* const>{}, std::span<const typename B::Plaintext>{}) }
      -> std::same_as<typename B::Ciphertext>;
  { b.mul_const(ct, c) } -> std::same_as<typename B::Ciphertext>;
  { b.mul(ct, ct) } -> std::same_as<typename B::Ciphertext>;
  { b.rescale(ct) } -> std::same_as<typename B::Ciphertext>;
  { b.drop_to_level(ct, level) } -> std::same_as<typename B::Ciphertext>;
  { b.rotate(ct, step) } -> std::same_as<typename B::Ciphertext>;
  { b.rotate_hoisted(ct, steps) } -> std::same_as<std::vector<typename B::Ciphertext>>;
  { b.add_rotated(sum, ct, step) };
  { b.finish_rotations(std::move(sum)) } -> std::same_as<typename B::Ciphertext>;
  { b.bootstrap(ct, step) } -> std::same_as<typename B::Ciphertext>;
};

/// Activation hook: evaluates an activation polynomial on a ciphertext with the backend's own
/// polynomial evaluator (CKKS: ckks/poly; simulator: slot-wise, consuming the polynomial's depth).
template <class B>
using ActivationFn = std::function<typename B::Ciphertext(B&, const typename B::Ciphertext&)>;

/// Second half of an activation split by a bootstrap (he/program/program.h, activation_tail):
/// (backend, s = the bootstrapped head output, t = the activation's input) -> the activation's output.
template <class B>
using ActivationTailFn =
    std::function<typename B::Ciphertext(B&, const typename B::Ciphertext&, const typename B::Ciphertext&)>;

}  // namespace ola::he
