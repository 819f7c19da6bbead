// The report's three charts as SVG documents: the predicted Pareto front with the chosen plan and
// the baselines, a per-site input histogram with the exact activation and the chosen polynomial,
// and the predicted time per step stacked by kind.
#pragma once

#include <string>
#include <vector>

#include "nn/calib/calibration.h"
#include "ola/optimizer.h"
#include "ola/plan.h"

namespace ola::opt {

/// Front (predicted top-1 loss vs predicted seconds) as a staircase, the plan as a red dot, the
/// budget as a dashed line, and each feasible baseline with a known loss as a labelled square
/// (baselines without a predicted loss are drawn as horizontal dashed lines).
std::string pareto_svg(const std::vector<FrontPoint>& front, const Plan& plan);

/// Histogram of the site's calibrated inputs (bars, scaled to the plot) with the exact activation
/// (black) and the chosen approximation (red) on the approximation's interval.
std::string site_svg(const nn::SiteStatistics& stats, const PlanSite& site);

/// One stacked bar per step with a nonzero time: bootstrap (grey), activation (red), linear (blue).
std::string time_svg(const Plan& plan);

}  // namespace ola::opt
