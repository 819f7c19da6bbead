// The optimizer proper: from a flattened network, priced candidates and their measured impacts to
// the minimum-time plan within an accuracy budget, the whole Pareto front and the baselines.
// Loading models, calibration and images is the caller's job (see pipeline.h).
#pragma once

#include <functional>
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

/// What a whole-plan simulation measured (on held-out calibration images, never the test set).
struct PlanCheck {
  int images = 0;
  double disagreement_points = 0.0;   ///< top-1 predictions that differ from the exact model
  double accuracy_drop_points = 0.0;  ///< exact top-1 minus plan top-1 (negative: the plan is better)
  double mean_kl = 0.0;
};

/// Simulates the whole model with one approximation per site (index = site).
using PlanChecker = std::function<PlanCheck(const std::vector<approx::Approximation>&)>;

struct OptimizerSettings {
  double budget = 0.5;         ///< top-1 percentage points
  int units_per_budget = 200;  ///< DP quantisation: the KL budget is this many units
  /// The front covers total KL up to front_factor x the KL budget. With a check, a front whose
  /// fastest plan passes is widened 4x at a time (up to kMaxFrontFactor) until it holds every
  /// plan: the loss model can overstate the measured loss several times over.
  int front_factor = 16;
  /// Selection by simulation (docs/optimizer.md, "Choosing the plan"): when set, the plan is the
  /// fastest front point whose whole-plan check has accuracy_drop <= budget and disagreement <=
  /// max_disagreement_factor x budget, found by bisection over the front; if even the front's most
  /// accurate point fails, that point is kept and `selection` says the budget was not met. When
  /// unset the plan is the DP's optimum at the budget under the loss model.
  PlanChecker check;
  double max_disagreement_factor = 2.0;
};

/// Widest front the selection widens to by itself (DP tables grow linearly with it).
inline constexpr int kMaxFrontFactor = 256;

/// One front point whose plan was simulated during selection.
struct CheckedPoint {
  int units = 0;
  double seconds = 0.0;
  double predicted_points = 0.0;
  PlanCheck check;
  bool accepted = false;
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
  double dp_seconds = 0.0;  ///< wall time of solve_dp (the last front's)
  int front_factor = 0;     ///< the front's width used, in KL budgets (settings' or widened)
  DpSolution solution;
  std::vector<CheckedPoint> checks;  ///< selection by simulation, in the order simulated
  std::string selection;             ///< how the plan was chosen (one sentence)
  bool budget_met = true;            ///< false if selection by simulation found no plan within the budget
};

/// DP choices of a site: every measured candidate whose loss fits the front, with
/// ms_at_level[r] = activation_ms(candidate, level r) x ciphertexts, loss_units = ceil(KL / quantum).
/// Candidates dominated by another (no deeper, no dearer at any level, no more loss units) are
/// dropped. `kept` receives the index into `site.approximations` of each choice.
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
