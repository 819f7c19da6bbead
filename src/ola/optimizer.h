// The optimizer proper: from a flattened network, priced candidates and their measured impacts to
// the minimum-time plan within an accuracy budget, the whole Pareto front and the baselines.
// Loading models, calibration and images is the caller's job (see pipeline.h).
#pragma once

#include <string>
#include <vector>

#include "approx/approximation.h"
#include "ola/dp.h"
#include "ola/impact.h"
#include "ola/loss_model.h"
#include "ola/network.h"
#include "ola/plan.h"
#include "ola/time_model.h"

namespace ola::opt {

/// Candidates of one site with their measured impacts (impacts[i] belongs to approximations[i]).
struct SiteCandidates {
  std::string name;
  double range_lo = 0.0, range_hi = 0.0;  ///< calibrated range (before margin)
  std::vector<approx::Approximation> approximations;
  std::vector<Impact> impacts;
};

struct OptimizerSettings {
  double budget = 0.5;         ///< top-1 percentage points
  int units_per_budget = 200;  ///< DP quantisation: the KL budget is this many units
  int front_factor = 4;        ///< the front covers total KL up to front_factor x the KL budget
};

/// One point of the predicted front.
struct FrontPoint {
  int units = 0;
  double loss_points = 0.0;  ///< predicted top-1 loss at this point's KL (upper end of the unit)
  double seconds = 0.0;
};

/// Thread safety: a plain value.
struct OptimizerOutput {
  Plan plan;  ///< fingerprints, model and parameter_set left for the caller
  std::vector<FrontPoint> front;
  double dp_seconds = 0.0;  ///< wall time of solve_dp
  DpSolution solution;
};

/// DP choices of a site: every measured candidate whose loss fits the front, with
/// ms_at_level[r] = polynomial_ms(counts, level r) x ciphertexts, loss_units = ceil(KL / quantum).
/// Candidates dominated by another (no deeper, no more operations of any kind, no more loss units)
/// are dropped. `kept` receives the index into `site.approximations` of each choice.
std::vector<DpChoice> price_candidates(const SiteCandidates& site, const TimeModel& tm, std::int64_t ciphertexts,
                                       double quantum, int max_units, std::vector<int>& kept);

/// Runs the DP for the budget and builds the plan with its baselines: when `relu13` is non-empty
/// (relu13[site] = the alpha = 13 composite on that site's range), "uniform_relu_alpha13" (MPCNN
/// placement with a 16-level window at this bootstrap price, a lower bound for the baseline) and
/// "uniform_relu_alpha13_native" (this parameter set's window); always "uniform_wls".
/// @pre sites.size() == net.num_sites.
/// @throws PlanError if the budget is not positive, no plan meets the budget (naming the smallest
///         predicted loss that is feasible), or a site has no usable candidate.
OptimizerOutput run_optimizer(const Network& net, const TimeModel& tm, const std::vector<SiteCandidates>& sites,
                              const LossModel& loss, const OptimizerSettings& settings,
                              const std::vector<approx::Approximation>& relu13);

}  // namespace ola::opt
