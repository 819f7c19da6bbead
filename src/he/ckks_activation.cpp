#include "he/ckks_activation.h"

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

}  // namespace ola::he
