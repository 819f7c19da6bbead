// Minimax fits of activations and of composite sign stages (see minimax.h).
#include "approx/minimax.h"

#include <cmath>
#include <string>

#include "approx/fit_error.h"
#include "approx/remez.h"
#include "ckks/poly/schedule.h"

namespace ola::approx {
namespace {

void check_interval(const char* where, double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
    throw FitError(ola::mismatch(where, "interval [lo, hi]", "finite lo < hi",
                                 "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]"));
  }
}

void check_degree(const char* where, int degree) {
  if (degree < 1 || degree > kMaxDegree) {
    throw FitError(ola::mismatch(where, "degree", "1.." + std::to_string(kMaxDegree), degree));
  }
}

// x = ((hi - lo) t + lo + hi) / 2, then the activation, all in MPFR.
MpFunction activation_mp(Activation act, double lo, double hi) {
  return [act, lo, hi](mpfr_ptr out, mpfr_srcptr t) {
    const mpfr_prec_t p = mpfr_get_prec(out);
    mpfr_t x, u;
    mpfr_init2(x, p);
    mpfr_init2(u, p);
    mpfr_mul_d(x, t, 0.5 * (hi - lo), MPFR_RNDN);
    mpfr_add_d(x, x, 0.5 * (hi + lo), MPFR_RNDN);
    switch (act) {
      case Activation::relu:
        if (mpfr_sgn(x) > 0) mpfr_set(out, x, MPFR_RNDN);
        else mpfr_set_zero(out, 1);
        break;
      case Activation::gelu:  // x/2 (1 + erf(x / sqrt 2))
        mpfr_sqrt_ui(u, 2, MPFR_RNDN);
        mpfr_div(u, x, u, MPFR_RNDN);
        mpfr_erf(u, u, MPFR_RNDN);
        mpfr_add_ui(u, u, 1, MPFR_RNDN);
        mpfr_mul(out, u, x, MPFR_RNDN);
        mpfr_div_2ui(out, out, 1, MPFR_RNDN);
        break;
      case Activation::silu:  // x / (1 + exp(-x))
        mpfr_neg(u, x, MPFR_RNDN);
        mpfr_exp(u, u, MPFR_RNDN);
        mpfr_add_ui(u, u, 1, MPFR_RNDN);
        mpfr_div(out, x, u, MPFR_RNDN);
        break;
    }
    mpfr_clear(x);
    mpfr_clear(u);
  };
}

}  // namespace

ChebPoly fit_minimax(Activation act, int degree, double lo, double hi) {
  check_interval("fit_minimax", lo, hi);
  check_degree("fit_minimax", degree);
  std::vector<int> basis;
  for (int k = 0; k <= degree; ++k) basis.push_back(k);
  const RemezResult r = remez(activation_mp(act, lo, hi), -1.0, 1.0, basis);
  return ChebPoly{lo, hi, r.coeffs};
}

SignStage fit_sign_stage(int degree, double lower) {
  check_degree("fit_sign_stage", degree);
  if (degree % 2 == 0) throw FitError(ola::mismatch("fit_sign_stage", "degree", "odd", degree));
  if (!(lower > 0.0 && lower < 1.0)) {
    throw FitError(ola::mismatch("fit_sign_stage", "lower", "in (0, 1)", lower));
  }
  std::vector<int> basis;
  for (int k = 1; k <= degree; k += 2) basis.push_back(k);
  const MpFunction one = [](mpfr_ptr out, mpfr_srcptr) { mpfr_set_ui(out, 1, MPFR_RNDN); };
  const RemezResult r = remez(one, lower, 1.0, basis);
  SignStage s;
  s.poly = ChebPoly{-1.0, 1.0, r.coeffs};
  s.lower = lower;
  s.error = r.max_error;
  return s;
}

std::vector<SignStage> design_composite_sign(const std::vector<int>& degrees, double eps) {
  if (degrees.empty()) throw FitError(ola::mismatch("design_composite_sign", "degrees.size()", ">= 1", 0));
  if (!(eps > 0.0 && eps < 1.0)) {
    throw FitError(ola::mismatch("design_composite_sign", "eps", "in (0, 1)", eps));
  }
  std::vector<SignStage> stages;
  double lower = eps;
  for (std::size_t i = 0; i < degrees.size(); ++i) {
    SignStage s = fit_sign_stage(degrees[i], lower);
    if (i + 1 < degrees.size()) {
      // Outputs on [lower, 1] lie in [1 - E, 1 + E]; dividing by 1 + E maps them into
      // [(1 - E) / (1 + E), 1], the next stage's interval (Lee et al. 2021, Sec. 4).
      const double scale = 1.0 + s.error;
      for (double& c : s.poly.coeffs) c /= scale;
      lower = (1.0 - s.error) / scale;
      if (!(lower > 0.0)) {
        throw FitError(ola::mismatch("design_composite_sign", "stage " + std::to_string(i) + " error",
                                     "< 1 (eps too small for these degrees)", s.error));
      }
    }
    stages.push_back(std::move(s));
  }
  return stages;
}

double composite_sign_error(const std::vector<ChebPoly>& stages, double eps, int points) {
  double worst = 0.0;
  const int half = points / 2;
  for (int i = 0; i < points; ++i) {
    // First half geometric on [eps, min(1, 64 eps)], second half uniform on [eps, 1].
    double x;
    if (i < half) {
      const double top = std::min(1.0, 64.0 * eps);
      x = eps * std::pow(top / eps, static_cast<double>(i) / (half - 1));
    } else {
      x = eps + (1.0 - eps) * static_cast<double>(i - half) / (points - half - 1);
    }
    long double s = x;
    for (const auto& st : stages) s = ckks::clenshaw(st.coeffs, s);
    worst = std::max(worst, static_cast<double>(std::abs(s - 1.0L)));
  }
  return worst;
}

}  // namespace ola::approx
