// Polynomials of degree <= 7 whose Chebyshev coefficients differ from slot to slot, evaluated on
// any slot backend at the depth of one such polynomial with scalar coefficients (2 for degree <= 3,
// 3 for 4..7): what per-channel activation polynomials (approx::Approximation::channels) become once
// every channel's polynomial is written on its site's interval (approx::on_interval) and its
// coefficients are spread over that channel's slots.
//
// Degree <= 3, with T_2 = 2 t^2 - 1 and T_3 = 2 t T_2 - t:
//   c0 + c1 t + c2 T_2 + c3 T_3 = (2 c3 (.) t + c2) * T_2 + (c1 - c3) (.) t + c0
// ((.) slot-wise products with plaintext vectors): one ciphertext square, one ciphertext product and
// two plaintext products, each term two levels deep at most.
// Degree 4..7, with T_4 = 2 T_2^2 - 1 and T_(4+j) = 2 T_4 T_j - T_(4-j) (Chebyshev division by T_4):
//   sum_k c_k T_k = q * T_4 + r,  q = c4 + 2 c5 T_1 + 2 c6 T_2 + 2 c7 T_3,
//                                 r = c0 + (c1 - c7) T_1 + (c2 - c6) T_2 + (c3 - c5) T_3,
// q and r two per-slot cubics at depth 2 (sharing T_2), their product with T_4 at depth 3.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "approx/approximation.h"
#include "he/backend.h"
#include "util/error.h"

namespace ola::he {

/// Per-slot Chebyshev coefficients: slot i evaluates sum_k c[k][i] T_k(t_i) for k = 0..3.
/// Thread safety: a plain value.
struct SlotCubic {
  std::array<std::vector<double>, 4> c;
};

/// Per-slot Chebyshev coefficients of any degree <= 7: slot i evaluates sum_k c[k][i] T_k(t_i).
/// Thread safety: a plain value.
struct SlotPoly {
  std::vector<std::vector<double>> c;
};

namespace detail {

/// The per-slot cubic p given t (level l) and T_2 = 2 t^2 - 1 (level l - 1): level l - 2.
template <SlotBackend B>
typename B::Ciphertext slot_cubic_with_t2(B& be, const typename B::Ciphertext& t, const typename B::Ciphertext& t2,
                                          const SlotCubic& p) {
  const auto n = static_cast<std::size_t>(be.slots());
  const int level = be.level(t);
  std::vector<double> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = 2.0 * p.c[3][i];
    b[i] = p.c[1][i] - p.c[3][i];
  }
  auto u = be.rescale(be.mul_plain(t, be.encode_for_mul(a, level)));
  u = be.add_plain(u, be.encode_like(p.c[2], u));
  auto y = be.mul(u, t2);
  auto w = be.rescale(be.mul_plain(t, be.encode_for_mul(b, level)));
  be.add_inplace(y, be.match_scale(w, be.scale(y)));
  return be.add_plain(y, be.encode_like(p.c[0], y));
}

/// 2 x^2 - 1 (one level below x).
template <SlotBackend B>
typename B::Ciphertext chebyshev_double(B& be, const typename B::Ciphertext& x) {
  const auto square = be.mul(x, x);
  const std::vector<double> minus_one(static_cast<std::size_t>(be.slots()), -1.0);
  return be.add_plain(be.add(square, square), be.encode_like(minus_one, square));
}

}  // namespace detail

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
  return detail::slot_cubic_with_t2(be, t, detail::chebyshev_double(be, t), p);
}

/// Evaluates `p` (1 to 8 coefficient vectors) on t: evaluate_slot_cubic's levels and scale for
/// degree <= 3; for degree 4..7 three levels, q * T_4 + r as in the file comment.
/// @throws ola::Error if p has no or more than 8 coefficient vectors, one's length differs from
///         be.slots(), or t's level is below the depth.
template <SlotBackend B>
typename B::Ciphertext evaluate_slot_poly(B& be, const typename B::Ciphertext& t, const SlotPoly& p) {
  const auto n = static_cast<std::size_t>(be.slots());
  static_assert(approx::kMaxPerChannelDegree == 7, "q T_4 + r covers degree 7 at most");
  if (p.c.empty() || p.c.size() > 8) {
    throw Error(ola::mismatch("evaluate_slot_poly", "coefficient vectors", "1..8 (degree <= 7)", p.c.size()));
  }
  for (const auto& v : p.c) {
    if (v.size() != n) throw Error(ola::mismatch("evaluate_slot_poly", "coefficient slots", n, v.size()));
  }
  std::vector<std::vector<double>> c(8, std::vector<double>(n, 0.0));  // zero above p's degree
  for (std::size_t k = 0; k < p.c.size(); ++k) c[k] = p.c[k];
  if (p.c.size() <= 4) return evaluate_slot_cubic(be, t, SlotCubic{{c[0], c[1], c[2], c[3]}});
  const int level = be.level(t);
  if (level < 3) throw Error(ola::mismatch("evaluate_slot_poly", "input level (degree 4..7)", ">= 3", level));
  SlotCubic q{{c[4], c[5], c[6], c[7]}}, r{{c[0], c[1], c[2], c[3]}};
  for (std::size_t j = 1; j < 4; ++j) {
    for (std::size_t i = 0; i < n; ++i) {
      q.c[j][i] *= 2.0;           // 2 c_(4+j)
      r.c[j][i] -= c[8 - j][i];   // c_j - c_(8-j)
    }
  }
  const auto t2 = detail::chebyshev_double(be, t);
  const auto t4 = detail::chebyshev_double(be, t2);
  auto y = be.mul(detail::slot_cubic_with_t2(be, t, t2, q), t4);
  be.add_inplace(y, be.match_scale(detail::slot_cubic_with_t2(be, t, t2, r), be.scale(y)));
  return y;
}

}  // namespace ola::he
