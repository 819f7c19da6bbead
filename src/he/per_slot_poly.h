// Polynomials of degree <= 31 whose Chebyshev coefficients differ from slot to slot, evaluated on
// any slot backend at the depth of one such polynomial with scalar coefficients (2 for degree <= 3,
// 3 for 4..7, 4 for 8..15, 5 for 16..31): what per-channel activation polynomials
// (approx::Approximation::channels) become once every channel's polynomial is written on its
// site's interval (approx::on_interval) or its own, and its coefficients are spread over that
// channel's slots.
//
// Degree <= 3, with T_2 = 2 t^2 - 1 and T_3 = 2 t T_2 - t:
//   c0 + c1 t + c2 T_2 + c3 T_3 = (2 c3 (.) t + c2) * T_2 + (c1 - c3) (.) t + c0
// ((.) slot-wise products with plaintext vectors): one ciphertext square, one ciphertext product and
// two plaintext products, each term two levels deep at most.
// Degree < 2m (m = 4, 8, 16), by Chebyshev division by T_m (T_(m+j) = 2 T_m T_j - T_(m-j)):
//   sum_k c_k T_k = q * T_m + r,  q = c_m + 2 sum_(j=1..m-1) c_(m+j) T_j,
//                                 r = c_0 + sum_(j=1..m-1) (c_j - c_(2m-j)) T_j,
// q and r of degree < m evaluated the same way (sharing T_2 ... T_(m/2)), T_m = 2 T_(m/2)^2 - 1 one
// level below T_(m/2), so each halving adds one level. approx::per_slot_ops counts the operations.
#pragma once

#include <array>
#include <cstddef>
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

/// Per-slot Chebyshev coefficients of any degree <= 31 (approx::kMaxPerChannelDegree): slot i evaluates sum_k c[k][i] T_k(t_i).
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

/// sum_k c[k] T_k(t) for c.size() = 2^k terms (k >= 2), given t and doubles[i] = T_(2^(i+1))(t)
/// (doubles[i] at t's level - i - 1): level level(t) - k, by division by T_(c.size() / 2).
template <SlotBackend B>
typename B::Ciphertext slot_poly_divided(B& be, const typename B::Ciphertext& t,
                                         const std::vector<typename B::Ciphertext>& doubles,
                                         const std::vector<std::vector<double>>& c) {
  if (c.size() == 4) return slot_cubic_with_t2(be, t, doubles[0], SlotCubic{{c[0], c[1], c[2], c[3]}});
  const std::size_t m = c.size() / 2, n = c[0].size();
  std::vector<std::vector<double>> q(c.begin() + static_cast<std::ptrdiff_t>(m), c.end()),
      r(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(m));
  for (std::size_t j = 1; j < m; ++j) {
    for (std::size_t i = 0; i < n; ++i) {
      q[j][i] *= 2.0;              // 2 c_(m+j)
      r[j][i] -= c[2 * m - j][i];  // c_j - c_(2m-j)
    }
  }
  std::size_t half = 0;  // doubles[half] = T_m
  while ((std::size_t{2} << half) < m) ++half;
  auto y = be.mul(slot_poly_divided(be, t, doubles, q), doubles[half]);
  be.add_inplace(y, be.match_scale(slot_poly_divided(be, t, doubles, r), be.scale(y)));
  return y;
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

/// Evaluates `p` (1 to 32 coefficient vectors) on t: evaluate_slot_cubic's levels and scale for
/// degree <= 3; for degree 4..31 as in the file comment, at depth approx::per_slot_ops(degree).depth.
/// @throws ola::Error if p has no or more than 32 coefficient vectors, one's length differs from
///         be.slots(), or t's level is below the depth.
template <SlotBackend B>
typename B::Ciphertext evaluate_slot_poly(B& be, const typename B::Ciphertext& t, const SlotPoly& p) {
  constexpr std::size_t kMaxTerms = approx::kMaxPerChannelDegree + 1;
  static_assert(kMaxTerms == 32, "T_2, T_4, T_8, T_16: division covers degree 31 at most");
  const auto n = static_cast<std::size_t>(be.slots());
  if (p.c.empty() || p.c.size() > kMaxTerms) {
    throw Error(ola::mismatch("evaluate_slot_poly", "coefficient vectors",
                              "1.." + std::to_string(kMaxTerms) + " (degree <= " +
                                  std::to_string(approx::kMaxPerChannelDegree) + ")",
                              p.c.size()));
  }
  for (const auto& v : p.c) {
    if (v.size() != n) throw Error(ola::mismatch("evaluate_slot_poly", "coefficient slots", n, v.size()));
  }
  const int depth = p.c.size() <= 4 ? 2 : approx::per_slot_ops(static_cast<int>(p.c.size()) - 1).depth;
  const std::size_t terms = std::size_t{1} << depth;
  std::vector<std::vector<double>> c(terms, std::vector<double>(n, 0.0));  // zero above p's degree
  for (std::size_t k = 0; k < p.c.size(); ++k) c[k] = p.c[k];
  if (terms == 4) return evaluate_slot_cubic(be, t, SlotCubic{{c[0], c[1], c[2], c[3]}});
  const int level = be.level(t);
  if (level < depth) {
    throw Error(ola::mismatch("evaluate_slot_poly", "input level (degree " + std::to_string(p.c.size() - 1) + ")",
                              ">= " + std::to_string(depth), level));
  }
  std::vector<typename B::Ciphertext> doubles{detail::chebyshev_double(be, t)};  // T_2, T_4, ..., T_(terms/2)
  while (doubles.size() + 1 < static_cast<std::size_t>(depth)) doubles.push_back(detail::chebyshev_double(be, doubles.back()));
  return detail::slot_poly_divided(be, t, doubles, c);
}

}  // namespace ola::he
