// Chebyshev -> monomial conversion and change of interval (see chebyshev.h).
#include "approx/chebyshev.h"

#include <cmath>
#include <numbers>
#include <string>

#include "approx/fit_error.h"
#include "util/error.h"

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

ChebPoly on_interval(const ChebPoly& p, double lo, double hi) {
  if (p.coeffs.empty() || !std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
    throw FitError(ola::mismatch("on_interval", "polynomial and interval", "coefficients and finite lo < hi",
                                 std::to_string(p.coeffs.size()) + " coefficients on [" + std::to_string(lo) + ", " +
                                     std::to_string(hi) + "]"));
  }
  // Discrete Chebyshev transform at the nodes t_j = cos(pi (j + 1/2) / n) of [lo, hi]:
  // c_k = (2 - [k = 0]) / n sum_j p(x_j) T_k(t_j), exact for degree < n.
  const std::size_t n = p.coeffs.size();
  const long double half = (static_cast<long double>(hi) - lo) / 2.0L, mid = (static_cast<long double>(hi) + lo) / 2.0L;
  const long double s = 2.0L / (static_cast<long double>(p.hi) - p.lo);
  const long double r = -(static_cast<long double>(p.lo) + p.hi) / (static_cast<long double>(p.hi) - p.lo);
  std::vector<long double> sums(n, 0.0L);
  for (std::size_t j = 0; j < n; ++j) {
    const long double theta = std::numbers::pi_v<long double> * (static_cast<long double>(j) + 0.5L) / static_cast<long double>(n);
    const long double u = s * (mid + half * std::cos(theta)) + r;  // the node in p's own variable
    long double value = 0.0L, t_prev = 1.0L, t_cur = u;
    for (std::size_t k = 0; k < n; ++k) {
      const long double tk = k == 0 ? 1.0L : (k == 1 ? u : 2.0L * u * t_cur - t_prev);
      if (k >= 2) {
        t_prev = t_cur;
        t_cur = tk;
      }
      value += static_cast<long double>(p.coeffs[k]) * tk;
    }
    for (std::size_t k = 0; k < n; ++k) sums[k] += value * std::cos(static_cast<long double>(k) * theta);
  }
  ChebPoly q;
  q.lo = lo;
  q.hi = hi;
  for (std::size_t k = 0; k < n; ++k) {
    q.coeffs.push_back(static_cast<double>(sums[k] * (k == 0 ? 1.0L : 2.0L) / static_cast<long double>(n)));
  }
  return q;
}

long double evaluate_monomial(const std::vector<double>& m, long double x) {
  long double y = 0.0L;
  for (std::size_t k = m.size(); k-- > 0;) y = y * x + static_cast<long double>(m[k]);
  return y;
}

}  // namespace ola::approx
