// A polynomial of degree <= 3 whose Chebyshev coefficients differ from slot to slot, evaluated on
// any slot backend at depth 2 (the depth of one cubic): what per-channel activation polynomials
// (approx::Approximation::channels) become once every channel's cubic is written on its site's
// interval (approx::on_interval) and its coefficients are spread over that channel's slots.
//
// With T_2 = 2 t^2 - 1 and T_3 = 2 t T_2 - t:
//   c0 + c1 t + c2 T_2 + c3 T_3 = (2 c3 (.) t + c2) * T_2 + (c1 - c3) (.) t + c0
// ((.) slot-wise products with plaintext vectors): one ciphertext square, one ciphertext product and
// two plaintext products, each term two levels deep at most.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "he/backend.h"
#include "util/error.h"

namespace ola::he {

/// Per-slot Chebyshev coefficients: slot i evaluates sum_k c[k][i] T_k(t_i) for k = 0..3.
/// Thread safety: a plain value.
struct SlotCubic {
  std::array<std::vector<double>, 4> c;
};

/// Evaluates `p` on the ciphertext t (values in [-1, 1] for the coefficients' accuracy; any value is
/// computed as the polynomial). Levels: consumes 2. Scale: the product's, t.scale^3 / (q_l q_(l-1))
/// (the linear layer after it lands back on the base scale, he/backend.h).
/// @throws ola::Error if a coefficient vector's length differs from be.slots() or t's level is < 2.
template <SlotBackend B>
typename B::Ciphertext evaluate_slot_cubic(B& be, const typename B::Ciphertext& t, const SlotCubic& p) {
  const auto n = static_cast<std::size_t>(be.slots());
  for (const auto& v : p.c) {
    if (v.size() != n) throw Error(ola::mismatch("evaluate_slot_cubic", "coefficient slots", n, v.size()));
  }
  const int level = be.level(t);
  if (level < 2) throw Error(ola::mismatch("evaluate_slot_cubic", "input level", ">= 2", level));
  std::vector<double> a(n), b(n), minus_one(n, -1.0);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = 2.0 * p.c[3][i];
    b[i] = p.c[1][i] - p.c[3][i];
  }
  const auto square = be.mul(t, t);
  auto t2 = be.add_plain(be.add(square, square), be.encode_like(minus_one, square));
  auto u = be.rescale(be.mul_plain(t, be.encode_for_mul(a, level)));
  u = be.add_plain(u, be.encode_like(p.c[2], u));
  auto y = be.mul(u, t2);
  auto w = be.rescale(be.mul_plain(t, be.encode_for_mul(b, level)));
  be.add_inplace(y, be.match_scale(w, be.scale(y)));
  return be.add_plain(y, be.encode_like(p.c[0], y));
}

}  // namespace ola::he
