// EvalMod's polynomial approximation of x - round(x), checked in (long) double precision.
#include "ckks/boot/eval_mod.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "util/error.h"

namespace ola::ckks {
namespace {

// Worst |eval_mod(I + e) - e| over integers |I| <= K - 1 and |e| <= e_max.
double worst_error(const EvalModPoly& p, double e_max) {
  double worst = 0;
  const int k = p.literal.k_range - 1;
  for (int i = -k; i <= k; ++i) {
    for (int s = -64; s <= 64; ++s) {
      const long double e = e_max * s / 64.0L;
      worst = std::max(worst, static_cast<double>(std::fabs(eval_mod_plain(p, i + e) - e)));
    }
  }
  return worst;
}

TEST(ChebyshevInterpolation, ReproducesPolynomialsAndConverges) {
  const auto cubic = [](long double x) { return 3 * x * x * x - x + 0.5L; };
  const auto s = chebyshev_interpolate(cubic, -2, 3, 3);
  EXPECT_LT(max_error_on_grid(s, cubic), 1e-14);
  const auto e8 = max_error_on_grid(chebyshev_interpolate([](long double x) { return std::exp(x); }, -1, 1, 8),
                                    [](long double x) { return std::exp(x); });
  const auto e16 = max_error_on_grid(chebyshev_interpolate([](long double x) { return std::exp(x); }, -1, 1, 16),
                                     [](long double x) { return std::exp(x); });
  EXPECT_LT(e8, 2e-8);  // ~ 1 / (2^7 9!) for exp
  EXPECT_LT(e16, 1e-15);
  EXPECT_THROW(chebyshev_interpolate(cubic, 1, 1, 3), Error);
  EXPECT_THROW(chebyshev_interpolate(cubic, -1, 1, -1), Error);
}

TEST(EvalMod, CosineSeriesIsAccurateOnWholeRange) {
  const EvalModPoly p = make_eval_mod({.k_range = 12, .double_angle = 3, .cos_degree = 63});
  const long double scale = 1.0L / 8;
  const auto f = [&](long double x) { return std::cos(2 * std::numbers::pi_v<long double> * (x - 0.25L) * scale); };
  EXPECT_LT(max_error_on_grid(p.cos_series, f), 1e-15);
  EXPECT_EQ(p.depth(), 6 + 3);
}

TEST(EvalMod, SineOnlyErrorIsTheCubicTerm) {
  // sin(2 pi e) / (2 pi) - e ~ -(2 pi)^2 e^3 / 6: about 2^-24.3 at e = 2^-9.
  const EvalModPoly p = make_eval_mod({.k_range = 12, .double_angle = 3, .cos_degree = 63});
  const double e = std::ldexp(1.0, -9);
  const double expected = 4 * std::numbers::pi * std::numbers::pi * e * e * e / 6;
  const double got = worst_error(p, e);
  EXPECT_NEAR(got, expected, 0.02 * expected);
}

TEST(EvalMod, ArcsineCorrectionRemovesTheCubicError) {
  const double e = std::ldexp(1.0, -9);
  const EvalModPoly plain = make_eval_mod({.k_range = 12, .double_angle = 3, .cos_degree = 63});
  const EvalModPoly corrected =
      make_eval_mod({.k_range = 12, .double_angle = 3, .cos_degree = 63, .arcsine_degree = 3});
  EXPECT_LT(worst_error(corrected, e), worst_error(plain, e) / 1000);
  EXPECT_LT(std::log2(worst_error(corrected, e)), -36);
  EXPECT_EQ(corrected.depth(), plain.depth() + 2);
}

TEST(EvalMod, TooLowDegreeIsInaccurate) {
  // Degree 15 cannot follow cos over [-12, 12] / 8 well: the test would catch a bad series.
  const EvalModPoly low = make_eval_mod({.k_range = 12, .double_angle = 3, .cos_degree = 15});
  EXPECT_GT(worst_error(low, std::ldexp(1.0, -12)), 1e-6);
}

TEST(EvalMod, DefaultSettingsReachBootstrappingPrecision) {
  // The default (K = 12, r = 3, degree 31 => depth 8): the series and double angles add almost
  // nothing to the sine's own cubic error, 2^-27.3 at |e| = 2^-10.
  const EvalModPoly p = make_eval_mod({});
  const double e = std::ldexp(1.0, -10);
  const double cubic = 4 * std::numbers::pi * std::numbers::pi * e * e * e / 6;
  EXPECT_LT(worst_error(p, e), 1.02 * cubic);
  EXPECT_EQ(p.depth(), 5 + 3);
}

TEST(EvalMod, RejectsBadLiterals) {
  EXPECT_THROW(make_eval_mod({.k_range = 0}), Error);
  EXPECT_THROW(make_eval_mod({.double_angle = 9}), Error);
  EXPECT_THROW(make_eval_mod({.cos_degree = 0}), Error);
  EXPECT_THROW(make_eval_mod({.arcsine_degree = 4}), Error);
}

}  // namespace
}  // namespace ola::ckks
