// Word-size modular arithmetic for NTT-friendly primes q < 2^61: Barrett reduction of 128-bit
// values and Shoup multiplication by precomputed constants (Harvey, "Faster arithmetic for
// number-theoretic transforms", J. Symb. Comp. 2014, sections 2-3).
#pragma once

#include <cstdint>

namespace ola::ckks {

using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128;

/// Largest supported prime: lazy butterflies keep values in [0, 4q), which must fit in 63 bits.
inline constexpr u64 kMaxModulus = (u64{1} << 61);

/// A prime modulus with its Barrett constant floor(2^128 / q).
/// Invariant: 2 <= value < 2^61. Thread safety: immutable value type, safe to share.
struct Modulus {
  u64 value = 0;
  u64 ratio_hi = 0;  ///< floor(2^128 / value) >> 64
  u64 ratio_lo = 0;  ///< floor(2^128 / value) mod 2^64

  Modulus() = default;
  /// @throws ola::Error if q < 2 or q >= 2^61.
  explicit Modulus(u64 q);
};

inline u64 mul_hi(u64 a, u64 b) { return static_cast<u64>((static_cast<u128>(a) * b) >> 64); }

/// x mod q for any 128-bit x (Barrett with the two-word ratio; result in [0, q)).
inline u64 reduce_128(u128 x, const Modulus& m) {
  const u64 x0 = static_cast<u64>(x);
  const u64 x1 = static_cast<u64>(x >> 64);
  // floor(x * ratio / 2^128), up to an error of 2 (the dropped low partial products).
  const u64 carry = mul_hi(x0, m.ratio_lo);
  const u128 t0 = static_cast<u128>(x0) * m.ratio_hi;
  const u64 t0_lo = static_cast<u64>(t0) + carry;
  const u64 t0_hi = static_cast<u64>(t0 >> 64) + (t0_lo < carry ? 1 : 0);
  const u128 t1 = static_cast<u128>(x1) * m.ratio_lo;
  const u64 t1_lo = static_cast<u64>(t1);
  const u64 c2 = static_cast<u64>(t1 >> 64) + ((t1_lo + t0_lo) < t1_lo ? 1 : 0);
  const u64 quot = x1 * m.ratio_hi + t0_hi + c2;
  u64 r = x0 - quot * m.value;
  r = r >= m.value ? r - m.value : r;
  r = r >= m.value ? r - m.value : r;
  return r;
}

inline u64 reduce_64(u64 x, const Modulus& m) { return reduce_128(x, m); }
inline u64 add_mod(u64 a, u64 b, u64 q) {
  const u64 s = a + b;
  return s >= q ? s - q : s;
}
inline u64 sub_mod(u64 a, u64 b, u64 q) { return a >= b ? a - b : a + q - b; }
inline u64 neg_mod(u64 a, u64 q) { return a == 0 ? 0 : q - a; }
inline u64 mul_mod(u64 a, u64 b, const Modulus& m) { return reduce_128(static_cast<u128>(a) * b, m); }

/// Shoup constant floor(w * 2^64 / q) for a fixed multiplicand w < q.
inline u64 shoup(u64 w, u64 q) { return static_cast<u64>((static_cast<u128>(w) << 64) / q); }
/// x * w mod q in [0, 2q) for any x < 2^64, given ws = shoup(w, q).
inline u64 mul_shoup_lazy(u64 x, u64 w, u64 ws, u64 q) { return x * w - mul_hi(x, ws) * q; }
/// x * w mod q in [0, q).
inline u64 mul_shoup(u64 x, u64 w, u64 ws, u64 q) {
  const u64 r = mul_shoup_lazy(x, w, ws, q);
  return r >= q ? r - q : r;
}

/// a^e mod q.
u64 pow_mod(u64 a, u64 e, const Modulus& m);
/// a^-1 mod q for prime q. @throws ola::Error if a = 0 mod q.
u64 inv_mod(u64 a, const Modulus& m);
/// Centered lift of x in [0, q) to (-q/2, q/2].
inline std::int64_t center(u64 x, u64 q) {
  return x > (q >> 1) ? -static_cast<std::int64_t>(q - x) : static_cast<std::int64_t>(x);
}
/// Signed value v mod q in [0, q).
inline u64 from_signed(std::int64_t v, const Modulus& m) {
  if (v >= 0) return reduce_64(static_cast<u64>(v), m);
  const u64 r = reduce_64(static_cast<u64>(-(v + 1)) + 1, m);
  return neg_mod(r, m.value);
}

}  // namespace ola::ckks
