// Chebyshev -> monomial conversion (see chebyshev.h).
#include "approx/chebyshev.h"

namespace ola::approx {

std::vector<double> to_monomial(const ChebPoly& p) {
  const std::size_t n = p.coeffs.size();
  if (n == 0) return {};
  // Monomial coefficients (in t) of T_k by T_{k+1} = 2 t T_k - T_{k-1}.
  std::vector<long double> in_t(n, 0.0L);
  std::vector<long double> prev(n, 0.0L), cur(n, 0.0L), next(n, 0.0L);
  prev[0] = 1.0L;  // T_0
  in_t[0] += static_cast<long double>(p.coeffs[0]);
  if (n > 1) {
    cur[1] = 1.0L;  // T_1
    in_t[1] += static_cast<long double>(p.coeffs[1]);
  }
  for (std::size_t k = 2; k < n; ++k) {
    for (std::size_t j = 0; j < n; ++j) next[j] = (j > 0 ? 2.0L * cur[j - 1] : 0.0L) - prev[j];
    for (std::size_t j = 0; j < n; ++j) in_t[j] += static_cast<long double>(p.coeffs[k]) * next[j];
    prev.swap(cur);
    cur.swap(next);
  }
  // Substitute t = s x + r, s = 2 / (hi - lo), r = -(lo + hi) / (hi - lo): Horner on polynomials.
  const long double s = 2.0L / (static_cast<long double>(p.hi) - p.lo);
  const long double r = -(static_cast<long double>(p.lo) + p.hi) / (static_cast<long double>(p.hi) - p.lo);
  std::vector<long double> out(n, 0.0L);
  for (std::size_t k = n; k-- > 0;) {
    // out = out * (s x + r) + in_t[k]
    std::vector<long double> tmp(n, 0.0L);
    for (std::size_t j = 0; j < n; ++j) {
      tmp[j] += out[j] * r;
      if (j + 1 < n) tmp[j + 1] += out[j] * s;
    }
    tmp[0] += in_t[k];
    out.swap(tmp);
  }
  return std::vector<double>(out.begin(), out.end());
}

long double evaluate_monomial(const std::vector<double>& m, long double x) {
  long double y = 0.0L;
  for (std::size_t k = m.size(); k-- > 0;) y = y * x + static_cast<long double>(m[k]);
  return y;
}

}  // namespace ola::approx
