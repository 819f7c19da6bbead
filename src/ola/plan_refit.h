// Refitting a plan's polynomials sequentially: the same kind, degree (or alpha) and depth at every
// site, so the same levels and bootstraps, but each polynomial fitted on the inputs the plan's
// already-refitted earlier polynomials feed it (ola/uniform_fits.h, sequential_fits) instead of on
// the exact model's inputs (docs/optimizer.md "Sequential refit").
#pragma once

#include "nn/calib/calibration.h"
#include "nn/ir/graph.h"
#include "ola/plan.h"
#include "util/progress.h"

namespace ola::opt {

/// Thread safety: a plain value.
struct RefitSettings {
  double uniform_weight = 1e-3;  ///< WLS sites, as CandidateSettings::uniform_weight
};

/// `plan` with every polynomial refitted sequentially on `images` (whose exact-model calibration is
/// `calibration`): a WLS site keeps its degree and gets the margin its interval had around its
/// calibrated range; a composite ReLU keeps its alpha on the new interval; exact sites stay exact.
/// Levels, bootstraps, steps and predicted times are unchanged (depths are); range_lo/range_hi
/// become the refit calibration's, calibration_fingerprint is `calibration`'s, and a note says the
/// predicted losses are the original fits'.
/// @pre calibration was made from `images` on `g`, which is the plan's model.
/// @throws PlanError if the plan's sites do not match the calibration's (count, names), or a site
///         has per-channel polynomials; ola::Error as nn::calibrate (inputs driven to infinity).
Plan refit_plan_sequentially(const Plan& plan, const nn::Graph& g, const nn::Tensor& images,
                             const nn::Calibration& calibration, const nn::CalibrationOptions& options,
                             const RefitSettings& settings = {}, const Progress& progress = {});

}  // namespace ola::opt
