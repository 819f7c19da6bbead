// RnsPoly: a polynomial of Z[X]/(X^N + 1) stored as residues modulo a list of primes (one limb per
// prime), plus limb-wise kernels over it. Which prime each limb uses is fixed by the caller's
// context (ckks/core: limbs 0..l are q_0..q_l, then optionally the special primes p_0..p_{k-1}).
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "ckks/ring/modulus.h"

namespace ola::ckks {

/// std::allocator, except that a value-less construct leaves the element default-initialised
/// (for u64: not written), so a vector can be sized without zeroing memory that the caller is
/// about to overwrite (RnsPoly::uninitialized). Construction with a value is unchanged.
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
  using std::allocator<T>::allocator;
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

/// Residues of one polynomial, limb-major: data[i * n + j] = coefficient (or NTT value) j mod
/// prime i. Invariant: data.size() == limbs * n; each value in [0, q_i).
/// Thread safety: a value type; concurrent reads are safe, writes are not.
struct RnsPoly {
  using Storage = std::vector<u64, DefaultInitAllocator<u64>>;
  std::size_t n = 0;
  std::size_t limbs = 0;
  Storage data;

  RnsPoly() = default;
  /// The zero polynomial.
  RnsPoly(std::size_t n_, std::size_t limbs_) : n(n_), limbs(limbs_), data(n_ * limbs_, 0) {}
  /// A polynomial whose values are not written: for results every value of which the caller
  /// overwrites before reading (saves zeroing limbs x n words, a serial pass at N = 2^16).
  /// Until then the invariant "values in [0, q_i)" does not hold.
  static RnsPoly uninitialized(std::size_t n_, std::size_t limbs_) {
    RnsPoly p;
    p.n = n_;
    p.limbs = limbs_;
    p.data = Storage(n_ * limbs_);
    return p;
  }

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
/// out = sum_k a[k] * b[k] pointwise (NTT form), the products summed in 128 bits and reduced once
/// per coefficient (every 32 terms for longer sums): one pass over the operands instead of a
/// product and an addition per term. `out` must not alias an operand.
/// @pre a.size() == b.size() >= 1 (OLA_CHECK).
void poly_inner_product(std::span<const RnsPoly* const> a, std::span<const RnsPoly* const> b, RnsPoly& out,
                        std::span<const Modulus> mods, std::size_t count);
/// Multiplies limb i by scalars[i] (< q_i).
void poly_mul_scalar(const RnsPoly& a, std::span<const u64> scalars, RnsPoly& out, std::span<const Modulus> mods,
                     std::size_t count);
/// Adds scalars[i] to every value of limb i (a constant polynomial in NTT form).
void poly_add_scalar(const RnsPoly& a, std::span<const u64> scalars, RnsPoly& out, std::span<const Modulus> mods,
                     std::size_t count);

/// Rescaling kernels of one limb (n values). centered_residue: out[j] = the centered lift of
/// in[j] (a residue mod q_from in [0, q_from): in[j] if in[j] <= q_from / 2, else in[j] - q_from)
/// reduced modulo m, in [0, m). `out` may alias `in`.
void centered_residue(const u64* in, u64* out, std::size_t n, u64 q_from, const Modulus& m);
/// x[j] = (x[j] - t[j]) * w mod q for x[j], t[j] in [0, q), given ws = shoup(w, q).
void sub_mul_shoup(u64* x, const u64* t, std::size_t n, u64 w, u64 ws, u64 q);

}  // namespace ola::ckks
