#include "ckks/boot/chebyshev_interpolation.h"

#include <cmath>
#include <numbers>
#include <string>

#include "util/error.h"

namespace ola::ckks {

ChebyshevSeries chebyshev_interpolate(const std::function<long double(long double)>& f, double lo, double hi,
                                      int degree) {
  if (degree < 0) throw Error(ola::mismatch("chebyshev_interpolate", "degree", ">= 0", degree));
  if (!(lo < hi)) {
    throw Error(ola::mismatch("chebyshev_interpolate", "interval", "lo < hi",
                              "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]"));
  }
  const int m = degree + 1;
  const long double pi = std::numbers::pi_v<long double>;
  std::vector<long double> t(m), fx(m);
  for (int j = 0; j < m; ++j) {
    t[j] = std::cos(pi * (j + 0.5L) / m);
    const long double x = 0.5L * ((long double)hi - lo) * t[j] + 0.5L * ((long double)hi + lo);
    fx[j] = f(x);
  }
  ChebyshevSeries s{lo, hi, std::vector<double>(m)};
  for (int k = 0; k < m; ++k) {
    long double acc = 0;
    for (int j = 0; j < m; ++j) acc += fx[j] * std::cos(pi * k * (j + 0.5L) / m);
    s.coeffs[k] = static_cast<double>(acc * (k == 0 ? 1.0L : 2.0L) / m);
  }
  return s;
}

long double evaluate(const ChebyshevSeries& s, long double x) {
  const long double t = (2.0L * x - s.lo - s.hi) / ((long double)s.hi - s.lo);
  long double b1 = 0, b2 = 0;
  for (int k = s.degree(); k >= 1; --k) {
    const long double b0 = s.coeffs[k] + 2.0L * t * b1 - b2;
    b2 = b1;
    b1 = b0;
  }
  return s.coeffs[0] + t * b1 - b2;
}

double max_error_on_grid(const ChebyshevSeries& s, const std::function<long double(long double)>& f,
                         int samples) {
  double worst = 0;
  for (int i = 0; i < samples; ++i) {
    const long double x = s.lo + ((long double)s.hi - s.lo) * i / (samples - 1);
    worst = std::max(worst, static_cast<double>(std::fabs(f(x) - evaluate(s, x))));
  }
  return worst;
}

}  // namespace ola::ckks
