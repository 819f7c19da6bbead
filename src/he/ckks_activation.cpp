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

namespace {

/// The validated pieces of a composite ReLU: plans of the sign stages [0, m-1) and of
/// h = out_factor (B / 2) (1 + stages[m-1]).
struct CompositePlans {
  std::vector<ckks::PolyPlan> inner;
  ckks::PolyPlan outer;
};

CompositePlans composite_plans(const approx::Approximation& a, double out_factor, const std::string& who) {
  if (a.kind != approx::Kind::composite_relu) {
    throw Error(ola::mismatch(who, "approximation kind", "composite_relu", a.label()));
  }
  if (!std::isfinite(out_factor)) {
    throw Error(ola::mismatch(who, "out_factor", "finite", out_factor));
  }
  (void)approx::compile(a);  // validates the stages (FitError is an ola::Error)
  CompositePlans c;
  for (std::size_t i = 0; i + 1 < a.stages.size(); ++i) c.inner.push_back(ckks::plan_poly(a.stages[i].coeffs));
  // h = out_factor (B / 2) (1 + s_m): relu(x) = x (1 + s_m) / 2 = t * h with t = x / B.
  const double half = 0.5 * out_factor * std::max(std::abs(a.lo), std::abs(a.hi));
  std::vector<double> h = a.stages.back().coeffs;
  for (double& v : h) v *= half;
  h[0] += half;
  c.outer = ckks::plan_poly(h);
  return c;
}

/// t * h(s): t spends its spare level on a product by 1 that makes t * h land exactly on the
/// default scale, so the poly evaluator's scale drift (S_(l-1) = S_l^2 / q_l, which squares any
/// input drift per level) never carries from one activation into the next.
ckks::Ciphertext finish_relu(CkksBackend& be, const ckks::PolyPlan& outer, const ckks::Ciphertext& s,
                             const ckks::Ciphertext& t) {
  const ckks::Ciphertext hv = ckks::evaluate_poly(be.evaluator(), s, outer);
  const ckks::Params& params = be.evaluator().params();
  const double q = static_cast<double>(params.q(static_cast<std::size_t>(hv.level)));
  const ckks::Ciphertext tt =
      be.match_scale(be.drop_to_level(t, hv.level + 1), params.default_scale() * q / hv.scale);
  return be.mul(tt, hv);
}

}  // namespace

ActivationFn<CkksBackend> ckks_composite_relu_activation(const approx::Approximation& a, double out_factor) {
  CompositePlans c = composite_plans(a, out_factor, "ckks_composite_relu_activation");
  return [inner = std::move(c.inner), outer = std::move(c.outer)](CkksBackend& be, const ckks::Ciphertext& t) {
    const ckks::Ciphertext s = inner.empty() ? t : ckks::evaluate_poly_composite(be.evaluator(), t, inner);
    return finish_relu(be, outer, s, t);
  };
}

SplitActivation ckks_split_composite_relu_activation(const approx::Approximation& a, double out_factor, int split) {
  CompositePlans c = composite_plans(a, out_factor, "ckks_split_composite_relu_activation");
  if (split < 1 || split > static_cast<int>(c.inner.size())) {
    throw Error(ola::mismatch("ckks_split_composite_relu_activation", "split",
                              "1.." + std::to_string(c.inner.size()), split));
  }
  const auto k = static_cast<std::ptrdiff_t>(split);
  std::vector<ckks::PolyPlan> head(c.inner.begin(), c.inner.begin() + k);
  std::vector<ckks::PolyPlan> rest(c.inner.begin() + k, c.inner.end());
  SplitActivation r;
  r.head = [head = std::move(head)](CkksBackend& be, const ckks::Ciphertext& t) {
    return ckks::evaluate_poly_composite(be.evaluator(), t, head);
  };
  r.tail = [rest = std::move(rest), outer = std::move(c.outer)](CkksBackend& be, const ckks::Ciphertext& s0,
                                                                 const ckks::Ciphertext& t) {
    const ckks::Ciphertext s = rest.empty() ? s0 : ckks::evaluate_poly_composite(be.evaluator(), s0, rest);
    return finish_relu(be, outer, s, t);
  };
  return r;
}

}  // namespace ola::he
