// The OLA plan: per activation site the chosen polynomial, where to bootstrap, the predicted time
// and accuracy loss, with fingerprints of the model, calibration and cost table it was made from.
// Its JSON form is specified in docs/plan-format.md ("format": "ola-plan", version 1).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "approx/approximation.h"
#include "ola/dp.h"

namespace ola::opt {

/// One activation site of a plan.
struct PlanSite {
  int index = 0;
  std::string name;                   ///< nn site name, e.g. "relu_3 (/layer1/layer1.0/Relu_1)"
  double range_lo = 0.0;              ///< calibrated input range (before the margin)
  double range_hi = 0.0;
  approx::Approximation approximation;  ///< valid on [approximation.lo, approximation.hi]
  int level_before = 0;               ///< level the polynomial starts at (after any bootstrap)
  int level_after = 0;
  bool bootstrap_before = false;      ///< a bootstrap right before this activation
  double predicted_loss = 0.0;        ///< budget units (top-1 points, see docs/optimizer.md)
  double predicted_ms = 0.0;          ///< the polynomial's time, all ciphertexts, bootstrap excluded
  std::int64_t ciphertexts = 1;
};

/// One step of the encrypted main path (linear, activation, skip open/merge), in order.
struct PlanStep {
  StepKind kind = StepKind::linear;
  std::string name;
  int site = -1;
  bool bootstrap_before = false;
  int level_before = 0;
  int level_after = 0;
  double ms = 0.0;            ///< step time including its bootstrap
  double bootstrap_ms = 0.0;  ///< of which the bootstrap before it
};

/// Totals of a plan or a baseline, in the same units.
struct PlanTotals {
  double predicted_ms = 0.0;
  double bootstrap_ms = 0.0;
  double activation_ms = 0.0;
  double linear_ms = 0.0;  ///< linear layers and residual adds
  int bootstraps = 0;
  double predicted_loss = 0.0;
};

/// A baseline priced with the same time model.
struct Baseline {
  std::string name;         ///< "uniform_relu_alpha13" or "uniform_wls"
  std::string description;  ///< e.g. "relu a=13 {15,15,27}, one bootstrap per convolution"
  bool feasible = false;    ///< false if it cannot meet its constraint (then totals are unset)
  PlanTotals totals;
  /// Bootstraps placed inside activations that are deeper than the chain's window (0: the
  /// placement is exactly one bootstrap per convolution). JSON "split_bootstraps", optional.
  int split_bootstraps = 0;
  /// The he parameter set of the cost table it was priced on, when the table names one (JSON
  /// "parameter_set", optional); empty for the plan's own table.
  std::string parameter_set;
};

/// Thread safety: a plain value.
struct Plan {
  std::string model;                   ///< model file it was made for
  std::string model_fingerprint;
  std::string calibration_fingerprint;
  std::string cost_table_fingerprint;
  std::string parameter_set;           ///< e.g. "ckks-n16-boot (log_n 16, levels_after 9, input 0)"
  std::string bootstrap_cost;          ///< "measured" or "estimated"
  std::string loss_metric;             ///< how per-site loss was measured (docs/optimizer.md)
  double budget = 0.0;                 ///< top-1 percentage points
  double loss_quantum = 0.0;           ///< budget units per DP unit
  std::vector<PlanSite> sites;
  std::vector<PlanStep> steps;
  PlanTotals totals;
  std::vector<Baseline> baselines;
  std::vector<std::string> notes;      ///< what is estimated, assumptions
};

std::string to_string(StepKind k);
/// @throws ola::FormatError for an unknown name.
StepKind step_kind_from_string(const std::string& s, const std::string& where);

nlohmann::json plan_to_json(const Plan& p);

/// @throws ola::FormatError if "format" is not "ola-plan" or "version" is not 1, a field is missing
///         or mistyped, a site's approximation is invalid (approximation_from_json), site indices
///         are not 0..n-1 in order, or a level is negative.
Plan plan_from_json(const nlohmann::json& j, const std::string& where);

/// Writes the plan atomically. @throws ola::Error if the file cannot be written.
void save_plan(const Plan& p, const std::filesystem::path& path);
/// @throws ola::Error if unreadable; ola::FormatError if not valid JSON or not a valid plan.
Plan load_plan(const std::filesystem::path& path);

}  // namespace ola::opt
