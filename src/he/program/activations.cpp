#include "he/program/activations.h"

#include "he/ckks_activation.h"
#include "util/error.h"

namespace ola::he {

std::vector<ActivationFn<SlotSimBackend>> sim_program_activations(const Program& p) {
  std::vector<ActivationFn<SlotSimBackend>> fns;
  for (const ProgramActivation& a : p.activations) {
    fns.push_back(sim_activation(
        [approximation = a.approximation, s = a.t_scale, b = a.t_shift, c = a.out_factor](double u) {
          return c * approx::evaluate(approximation, (u - b) / s);
        },
        a.depth));
  }
  return fns;
}

std::vector<ActivationFn<CkksBackend>> ckks_program_activations(const Program& p) {
  std::vector<ActivationFn<CkksBackend>> fns;
  for (const ProgramActivation& a : p.activations) {
    if (a.approximation.kind == approx::Kind::composite_relu) {
      fns.push_back(ckks_composite_relu_activation(a.approximation, a.out_factor));
      continue;
    }
    if (a.approximation.stages.size() != 1) {
      throw Error(ola::mismatch("ckks_program_activations: site " + std::to_string(a.site), "approximation",
                                "one stage (wls, minimax) or composite_relu", a.approximation.label()));
    }
    approx::ChebPoly q = a.approximation.stages[0];
    for (double& c : q.coeffs) c *= a.out_factor;
    fns.push_back(ckks_chebyshev_activation(q));
  }
  return fns;
}

}  // namespace ola::he
