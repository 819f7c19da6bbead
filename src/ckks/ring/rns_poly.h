// RnsPoly: a polynomial of Z[X]/(X^N + 1) stored as residues modulo a list of primes (one limb per
// prime), plus limb-wise kernels over it. Which prime each limb uses is fixed by the caller's
// context (ckks/core: limbs 0..l are q_0..q_l, then optionally the special primes p_0..p_{k-1}).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "ckks/ring/modulus.h"

namespace ola::ckks {

/// Residues of one polynomial, limb-major: data[i * n + j] = coefficient (or NTT value) j mod
/// prime i. Invariant: data.size() == limbs * n; each value in [0, q_i).
/// Thread safety: a value type; concurrent reads are safe, writes are not.
struct RnsPoly {
  std::size_t n = 0;
  std::size_t limbs = 0;
  std::vector<u64> data;

  RnsPoly() = default;
  RnsPoly(std::size_t n_, std::size_t limbs_) : n(n_), limbs(limbs_), data(n_ * limbs_, 0) {}

  u64* limb(std::size_t i) { return data.data() + i * n; }
  const u64* limb(std::size_t i) const { return data.data() + i * n; }
  /// Removes the last limbs so that `k` remain. @pre k <= limbs.
  void truncate(std::size_t k) {
    limbs = k;
    data.resize(k * n);
  }
  bool operator==(const RnsPoly&) const = default;
};

/// Limb-wise kernels on the first `count` limbs: `mods[i]` is the modulus of limb i; inputs in
/// [0, q_i), outputs in [0, q_i); `out` may alias an input. They run over limbs with OpenMP
/// (ckks::threads()). @pre every operand and `mods` have at least `count` limbs (OLA_CHECK).
void poly_add(const RnsPoly& a, const RnsPoly& b, RnsPoly& out, std::span<const Modulus> mods, std::size_t count);
void poly_sub(const RnsPoly& a, const RnsPoly& b, RnsPoly& out, std::span<const Modulus> mods, std::size_t count);
void poly_neg(const RnsPoly& a, RnsPoly& out, std::span<const Modulus> mods, std::size_t count);
/// Pointwise product (NTT form).
void poly_mul(const RnsPoly& a, const RnsPoly& b, RnsPoly& out, std::span<const Modulus> mods, std::size_t count);
/// out += a * b pointwise.
void poly_mul_add(const RnsPoly& a, const RnsPoly& b, RnsPoly& out, std::span<const Modulus> mods, std::size_t count);
/// Multiplies limb i by scalars[i] (< q_i).
void poly_mul_scalar(const RnsPoly& a, std::span<const u64> scalars, RnsPoly& out, std::span<const Modulus> mods,
                     std::size_t count);
/// Adds scalars[i] to every value of limb i (a constant polynomial in NTT form).
void poly_add_scalar(const RnsPoly& a, std::span<const u64> scalars, RnsPoly& out, std::span<const Modulus> mods,
                     std::size_t count);

}  // namespace ola::ckks
