// The whole `ola optimize` pipeline on files: model, calibration, held-out images and cost table
// in; candidates, impacts, the optimizer's plan and front, and a whole-plan check out.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nn/calib/calibration.h"
#include "nn/ir/graph.h"
#include "nn/sim/metrics.h"
#include "ola/candidates.h"
#include "ola/impact.h"
#include "ola/optimizer.h"
#include "util/progress.h"

namespace ola::opt {

enum class ImpactMode {
  simulate,  ///< every (site, candidate) by suffix re-evaluation (default)
  proxy,     ///< s_l * MSE_l: one probe per site measured, the rest scaled by weighted MSE
};

/// Thread safety: a plain value.
struct PipelineSettings {
  std::filesystem::path model;
  /// Calibration JSON written by `ola calibrate` (nn/calib), or a CIFAR-10 binary whose first
  /// `calibration_images` records are calibrated on here.
  std::filesystem::path calibration;
  std::size_t calibration_images = 1000;
  std::filesystem::path costs;        ///< cost table JSON
  /// More cost tables (other parameter sets, e.g. the deeper n16-deep chain) on which the alpha = 13
  /// baseline is also priced: the baseline may run on whichever chain suits it best, the plan on
  /// `costs`. Each adds a baseline "uniform_relu_alpha13_on_<params>" to the plan.
  std::vector<std::filesystem::path> baseline_costs;
  /// Held-out images (CIFAR-10 binary); empty: the calibration's own data file, records after the
  /// ones calibrated on.
  std::filesystem::path heldout;
  std::size_t heldout_skip = 0;       ///< records skipped when `heldout` is given
  std::size_t heldout_count = 500;
  /// Selection by simulation (OptimizerSettings::check): whole plans along the front are simulated
  /// on the calibration file's records after the calibrated and held-out ones (at most
  /// select_count; the held-out images when none are left or `heldout` is a separate file).
  bool select_by_simulation = true;
  /// What-if studies only: price every bootstrap as measured but let it leave this many levels
  /// (0: as measured). The plan's parameter set and notes say so; such a plan cannot run encrypted
  /// on our chain.
  int what_if_levels_after = 0;
  std::size_t select_count = 2000;
  /// Selection images from this CIFAR-10 file instead (its first select_count records), e.g.
  /// JPEG-decoded training records: harder for the model than the lossless ones it was trained
  /// on, so closer to test-set behaviour. Never a test file.
  std::filesystem::path select_file;
  /// The encrypted executor's counts of the model's linear layers at `slots` slots
  /// (TimeModel::linear_ops; the CLI passes he::linear_ops_by_node: ola/ cannot see he/). Unset:
  /// linear layers are estimated. If it throws ola::Error (a model the executor cannot compile), the
  /// estimate is used and the plan's notes say why.
  std::function<std::map<std::string, LinearOps>(const nn::Graph&, int slots)> linear_ops;
  ImpactMode impact_mode = ImpactMode::simulate;
  CandidateSettings candidates;
  ImpactOptions impact;
  OptimizerSettings optimizer;
};

struct PipelineResult {
  OptimizerOutput output;  ///< output.plan is complete (fingerprints, parameter set)
  std::vector<SiteCandidates> sites;
  nn::Calibration calibration;
  LossModel loss;
  TimeModel time_model;
  Network network;
  nn::Metrics heldout_check;  ///< the whole plan simulated on the held-out images
  std::size_t select_images = 0;  ///< images the selection simulated on (0: no selection)
  double candidate_seconds = 0.0, impact_seconds = 0.0, check_seconds = 0.0;
};

/// Runs the pipeline. Progress stages "candidates", "impact", "check".
/// @throws ola::Error if a file is missing or invalid (naming it), if the calibration does not match
///         the model (site count or activation), if there are fewer held-out records than
///         requested, and as run_optimizer.
PipelineResult run_pipeline(const PipelineSettings& settings, const Progress& progress = {});

}  // namespace ola::opt
