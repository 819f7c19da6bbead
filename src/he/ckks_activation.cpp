#include "he/ckks_activation.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "approx/compiled.h"
#include "ckks/poly/ciphertext_backend.h"
#include "ckks/poly/schedule.h"
#include "util/error.h"

namespace ola::he {

ActivationFn<CkksBackend> ckks_chebyshev_activation(const approx::ChebPoly& p) {
  const ckks::PolyPlan plan = ckks::plan_poly(p.coeffs);
  if (plan.degree < 1) {
    throw Error(ola::mismatch("ckks_chebyshev_activation", "polynomial degree", ">= 1", plan.degree));
  }
  return [plan](CkksBackend& be, const ckks::Ciphertext& ct) {
    return ckks::evaluate_poly(be.evaluator(), ct, plan);
  };
}

ActivationFn<CkksBackend> ckks_composite_relu_activation(const approx::Approximation& a, double out_factor) {
  if (a.kind != approx::Kind::composite_relu) {
    throw Error(ola::mismatch("ckks_composite_relu_activation", "approximation kind", "composite_relu", a.label()));
  }
  if (!std::isfinite(out_factor)) {
    throw Error(ola::mismatch("ckks_composite_relu_activation", "out_factor", "finite", out_factor));
  }
  (void)approx::compile(a);  // validates the stages (FitError is an ola::Error)
  std::vector<ckks::PolyPlan> inner;
  for (std::size_t i = 0; i + 1 < a.stages.size(); ++i) inner.push_back(ckks::plan_poly(a.stages[i].coeffs));
  // h = out_factor (B / 2) (1 + s_m): relu(x) = x (1 + s_m) / 2 = t * h with t = x / B.
  const double half = 0.5 * out_factor * std::max(std::abs(a.lo), std::abs(a.hi));
  std::vector<double> h = a.stages.back().coeffs;
  for (double& v : h) v *= half;
  h[0] += half;
  return [inner = std::move(inner), outer = ckks::plan_poly(h)](CkksBackend& be, const ckks::Ciphertext& t) {
    const ckks::Ciphertext s = inner.empty() ? t : ckks::evaluate_poly_composite(be.evaluator(), t, inner);
    const ckks::Ciphertext hv = ckks::evaluate_poly(be.evaluator(), s, outer);
    // t spends its spare level on a product by 1 that makes t * h land exactly on the default
    // scale: the poly evaluator's scale drift (S_(l-1) = S_l^2 / q_l, which squares any input
    // drift per level) then never carries from one activation into the next.
    const ckks::Params& params = be.evaluator().params();
    const double q = static_cast<double>(params.q(static_cast<std::size_t>(hv.level)));
    const ckks::Ciphertext tt =
        be.match_scale(be.drop_to_level(t, hv.level + 1), params.default_scale() * q / hv.scale);
    return be.mul(tt, hv);
  };
}

}  // namespace ola::he
