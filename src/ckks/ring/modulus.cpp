#include "ckks/ring/modulus.h"

#include "util/error.h"

namespace ola::ckks {

Modulus::Modulus(u64 q) : value(q) {
  if (q < 2 || q >= kMaxModulus) throw Error(ola::mismatch("Modulus", "q", "2..2^61-1", q));
  // floor(2^128 / q) = floor((2^128 - 1) / q) since q is not a power of two > 1 (or q = 2, exact).
  const u128 all = ~u128{0};
  u128 r = all / q;
  if ((q & (q - 1)) == 0) r += 1;  // power of two: 2^128/q exactly
  ratio_hi = static_cast<u64>(r >> 64);
  ratio_lo = static_cast<u64>(r);
}

u64 pow_mod(u64 a, u64 e, const Modulus& m) {
  u64 r = 1 % m.value;
  u64 b = reduce_64(a, m);
  while (e != 0) {
    if (e & 1) r = mul_mod(r, b, m);
    b = mul_mod(b, b, m);
    e >>= 1;
  }
  return r;
}

u64 inv_mod(u64 a, const Modulus& m) {
  const u64 r = reduce_64(a, m);
  if (r == 0) throw Error(ola::mismatch("inv_mod", "a mod " + std::to_string(m.value), "non-zero", 0));
  return pow_mod(r, m.value - 2, m);
}

}  // namespace ola::ckks
