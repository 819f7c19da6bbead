#include "ckks/boot/eval_mod.h"

#include <cmath>
#include <numbers>
#include <string>

#include "util/error.h"

namespace ola::ckks {

namespace {

int ceil_log2(int v) {
  int d = 0;
  while ((1 << d) < v) ++d;
  return d;
}

}  // namespace

double EvalModPoly::output_factor() const { return 1.0 / (2.0 * std::numbers::pi); }

int EvalModPoly::depth() const {
  int d = ceil_log2(cos_series.degree() + 1) + literal.double_angle;
  if (literal.arcsine_degree > 0) d += ceil_log2(literal.arcsine_degree + 1);
  return d;
}

EvalModPoly make_eval_mod(const EvalModLiteral& lit) {
  if (lit.k_range < 1) throw Error(ola::mismatch("EvalModLiteral", "k_range", ">= 1", lit.k_range));
  if (lit.double_angle < 0 || lit.double_angle > 8) {
    throw Error(ola::mismatch("EvalModLiteral", "double_angle", "0..8", lit.double_angle));
  }
  if (lit.cos_degree < 1 || lit.cos_degree > 255) {
    throw Error(ola::mismatch("EvalModLiteral", "cos_degree", "1..255", lit.cos_degree));
  }
  if (lit.arcsine_degree != 0 &&
      (lit.arcsine_degree < 3 || lit.arcsine_degree > 15 || lit.arcsine_degree % 2 == 0)) {
    throw Error(ola::mismatch("EvalModLiteral", "arcsine_degree", "0 or odd 3..15", lit.arcsine_degree));
  }
  EvalModPoly p;
  p.literal = lit;
  const long double two_pi = 2.0L * std::numbers::pi_v<long double>;
  const long double scale = std::ldexp(1.0L, -lit.double_angle);
  p.cos_series = chebyshev_interpolate(
      [&](long double x) { return std::cos(two_pi * (x - 0.25L) * scale); }, -lit.k_range, lit.k_range,
      lit.cos_degree);
  if (lit.arcsine_degree > 0) {
    // arcsin(s) = sum_j (2j)! / (4^j (j!)^2 (2j + 1)) s^(2j+1)
    p.arcsine.assign(lit.arcsine_degree + 1, 0.0);
    long double c = 1.0L;  // (2j)! / (4^j (j!)^2)
    for (int j = 0; 2 * j + 1 <= lit.arcsine_degree; ++j) {
      p.arcsine[2 * j + 1] = static_cast<double>(c / (2 * j + 1));
      c *= (2.0L * j + 1) / (2.0L * j + 2);
    }
  }
  return p;
}

long double eval_mod_plain(const EvalModPoly& p, long double x) {
  long double c = evaluate(p.cos_series, x);
  for (int i = 0; i < p.literal.double_angle; ++i) c = 2.0L * c * c - 1.0L;
  long double g = c;  // sin(2 pi x)
  if (!p.arcsine.empty()) {
    long double acc = 0, pw = 1;
    for (std::size_t k = 0; k < p.arcsine.size(); ++k) {
      acc += p.arcsine[k] * pw;
      pw *= c;
    }
    g = acc;
  }
  return g * p.output_factor();
}

}  // namespace ola::ckks
