// Chebyshev interpolation of a smooth function on an interval, the series EvalMod evaluates.
// (ckks/boot sits below approx/ in the layering, so it carries this small routine itself.)
#pragma once

#include <functional>
#include <vector>

namespace ola::ckks {

/// p(x) = sum_k coeffs[k] T_k(t), t = (2x - lo - hi) / (hi - lo), on [lo, hi].
/// Thread safety: a plain value; concurrent reads are safe.
struct ChebyshevSeries {
  double lo = -1.0;
  double hi = 1.0;
  std::vector<double> coeffs;
  int degree() const { return static_cast<int>(coeffs.size()) - 1; }
};

/// Interpolates f at the degree + 1 Chebyshev nodes of the first kind on [lo, hi] (sums in long
/// double). The interpolant's error is within a factor (2 + 2/pi log(d+1)) of the best
/// polynomial approximation of that degree (Trefethen, "Approximation Theory and Approximation
/// Practice", Ch. 16).
/// @throws ola::Error if degree < 0 or lo >= hi.
ChebyshevSeries chebyshev_interpolate(const std::function<long double(long double)>& f, double lo, double hi,
                                      int degree);

/// Clenshaw evaluation. @pre the series has at least one coefficient.
long double evaluate(const ChebyshevSeries& s, long double x);

/// Max |f(x) - p(x)| over `samples` equally spaced points of [lo, hi] (samples >= 2).
double max_error_on_grid(const ChebyshevSeries& s, const std::function<long double(long double)>& f,
                         int samples = 4097);

}  // namespace ola::ckks
