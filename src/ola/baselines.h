// The baselines OLA is compared with, priced by the same time model (docs/method.md "Baselines").
#pragma once

#include <string>
#include <vector>

#include "approx/approximation.h"
#include "ola/network.h"
#include "ola/plan.h"
#include "ola/time_model.h"

namespace ola::opt {

/// Uniform composite ReLU (MPCNN, alpha = 13 {15,15,27}) with MPCNN's placement: one bootstrap
/// per convolution (before every convolution but the first, placed before the residual skip_open
/// when one precedes it, so both branches are refreshed). If an activation does not fit in the
/// levels left (levels_after - input_level < 1 + depth), extra bootstraps are inserted inside it,
/// ceil(missing levels / bootstrap window) of them, and counted.
/// @pre per_site.size() == net.num_sites.
Baseline mpcnn_baseline(const Network& net, const TimeModel& tm, const std::vector<approx::Approximation>& per_site);

/// Fixed polynomials (one per site) with the bootstraps placed by the DP: the fastest schedule of
/// those polynomials on this chain (never slower than a fixed placement of them that fits the
/// window). Named "dp_placed", described "<label> at every site, bootstraps placed by the DP" when
/// every site has the same polynomial label; feasible = false (totals unset) if a polynomial is
/// deeper than the window after a bootstrap allows.
/// @pre per_site.size() == net.num_sites.
Baseline dp_placed_baseline(const Network& net, const TimeModel& tm, const std::vector<approx::Approximation>& per_site);

/// The feasible baseline named `name`, or null.
const Baseline* find_baseline(const Plan& plan, const std::string& name);

/// The alpha = 13 baseline a speed-up is quoted against: the fastest feasible one that runs as
/// specified (one bootstrap per convolution, no bootstrap inside an activation) on a chain whose
/// prices were measured ("uniform_relu_alpha13_native", "uniform_relu_alpha13_dp",
/// "uniform_relu_alpha13_on_<set>" or "uniform_relu_alpha13_dp_on_<set>"); when
/// no chain has the window for it, the granted-window lower bound "uniform_relu_alpha13". Null if
/// the plan has no alpha = 13 baseline.
const Baseline* headline_baseline(const Plan& plan);

/// Totals of a reconstructed DP solution (bootstrap / activation / linear split).
PlanTotals totals_of(const DpProblem& p, const DpSolution& s);

}  // namespace ola::opt
