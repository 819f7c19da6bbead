#include "approx/remez.h"

#include <gtest/gtest.h>

#include <cmath>

#include "approx/fit_error.h"
#include "approx/minimax.h"
#include "ckks/poly/schedule.h"

namespace ola::approx {
namespace {

// Best approximation of t^n by degree n-1 on [-1, 1] leaves 2^(1-n) T_n (Chebyshev).
TEST(Remez, ReproducesChebyshevAlternant) {
  for (int n : {3, 4, 6}) {
    const MpFunction f = [n](mpfr_ptr out, mpfr_srcptr t) { mpfr_pow_ui(out, t, static_cast<unsigned long>(n), MPFR_RNDN); };
    std::vector<int> basis;
    for (int k = 0; k < n; ++k) basis.push_back(k);
    const RemezResult r = remez(f, -1.0, 1.0, basis);
    EXPECT_NEAR(r.levelled_error, std::ldexp(1.0, 1 - n), 1e-12) << n;
    EXPECT_NEAR(r.max_error, std::ldexp(1.0, 1 - n), 1e-10) << n;
  }
}

TEST(Remez, SignStageEquioscillates) {
  const SignStage s = fit_sign_stage(7, 0.1);
  // The error 1 - p reaches +-E at the ends of [0.1, 1] and never exceeds E inside.
  double worst = 0.0;
  for (int i = 0; i <= 20000; ++i) {
    const double x = 0.1 + 0.9 * i / 20000.0;
    worst = std::max(worst, std::abs(1.0 - static_cast<double>(ckks::clenshaw(s.poly.coeffs, x))));
  }
  // Levelled to the Remez tolerance (1e-7 relative).
  const double tol = 2e-7 * s.error;
  EXPECT_NEAR(worst, s.error, tol);
  EXPECT_NEAR(std::abs(1.0 - static_cast<double>(ckks::clenshaw(s.poly.coeffs, 0.1))), s.error, tol);
  EXPECT_NEAR(std::abs(1.0 - static_cast<double>(ckks::clenshaw(s.poly.coeffs, 1.0))), s.error, tol);
  for (std::size_t k = 0; k < s.poly.coeffs.size(); k += 2) EXPECT_EQ(s.poly.coeffs[k], 0.0);
}

TEST(Remez, BadInput) {
  const MpFunction one = [](mpfr_ptr out, mpfr_srcptr) { mpfr_set_ui(out, 1, MPFR_RNDN); };
  EXPECT_THROW(remez(one, 0.5, 0.5, {0}), FitError);
  EXPECT_THROW(remez(one, -2.0, 1.0, {0}), FitError);
  EXPECT_THROW(remez(one, -1.0, 1.0, {}), FitError);
  EXPECT_THROW(remez(one, -1.0, 1.0, {1, 1}), FitError);
  EXPECT_THROW(fit_sign_stage(6, 0.1), FitError);
  EXPECT_THROW(fit_sign_stage(7, 0.0), FitError);
  EXPECT_THROW(fit_minimax(Activation::gelu, 0, -1, 1), FitError);
  EXPECT_THROW(fit_minimax(Activation::gelu, 300, -1, 1), FitError);
  EXPECT_THROW(fit_minimax(Activation::gelu, 3, 1, -1), FitError);
}

TEST(Minimax, ActivationFitsAreEquioscillatingAndOptimal) {
  // Minimax of GELU on [-6, 6], degree 6: its max error is below a least-squares-like fit's
  // (the Chebyshev interpolant), and the odd/even structure of relu is not required.
  const ChebPoly p = fit_minimax(Activation::gelu, 6, -6.0, 6.0);
  double worst = 0.0;
  for (int i = 0; i <= 40000; ++i) {
    const double x = -6.0 + 12.0 * i / 40000.0;
    worst = std::max(worst, std::abs(activation_value(Activation::gelu, x) -
                                     static_cast<double>(ckks::clenshaw(p.coeffs, x / 6.0))));
  }
  // Chebyshev interpolant at 7 nodes: a valid polynomial, so minimax must not be worse.
  std::vector<double> ci(7, 0.0);
  for (int k = 0; k < 7; ++k) {
    for (int j = 0; j < 7; ++j) {
      const double th = M_PI * (j + 0.5) / 7.0;
      ci[static_cast<std::size_t>(k)] += 2.0 / 7.0 * activation_value(Activation::gelu, 6.0 * std::cos(th)) * std::cos(k * th);
    }
  }
  ci[0] /= 2.0;
  double worst_interp = 0.0;
  for (int i = 0; i <= 40000; ++i) {
    const double x = -6.0 + 12.0 * i / 40000.0;
    worst_interp = std::max(worst_interp, std::abs(activation_value(Activation::gelu, x) -
                                                   static_cast<double>(ckks::clenshaw(ci, x / 6.0))));
  }
  EXPECT_LT(worst, worst_interp);
  EXPECT_GT(worst, 0.0);
}

}  // namespace
}  // namespace ola::approx
