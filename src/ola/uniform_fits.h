// One fitting rule and one degree at every activation site: the comparison rows of issue 8
// (docs/results.md, "ConvNeXt"). OLA's own rule is `wls` (the site's calibrated distribution plus a
// small uniform weight, as make_candidates); the others are the ablations it is compared with.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "approx/approximation.h"
#include "nn/calib/calibration.h"
#include "nn/ir/graph.h"
#include "util/progress.h"

namespace ola::opt {

enum class FitRule {
  wls,            ///< weighted least squares on the site's calibrated histogram (OLA's rule)
  least_squares,  ///< least squares with uniform weight on the interval (no distribution)
  minimax,        ///< minimax (Remez) on the interval
};

/// "wls", "ls" or "minimax". @throws PlanError "<where>: <field>: expected ..." for anything else.
FitRule fit_rule_from_string(const std::string& name, const std::string& where, const std::string& field);
std::string to_string(FitRule r);

/// Thread safety: a plain value.
struct UniformFitSettings {
  FitRule rule = FitRule::wls;
  int degree = 3;
  /// false: each site's own interval (site_interval with `margin`); true: the union of all sites'
  /// intervals for every site.
  bool global_range = false;
  double margin = 0.2;           ///< as CandidateSettings::margin
  double uniform_weight = 1e-3;  ///< FitRule::wls only (approx::WlsOptions)
  /// FitRule::wls only: a polynomial per input channel too (approx::make_wls_per_channel on
  /// channel_distributions), for calibrations with per-channel histograms.
  bool per_channel = false;
};

/// The interval every site gets with global_range: [min lo, max hi] over site_interval(s, margin).
/// @throws PlanError as site_interval, or if `calibration` has no sites.
std::pair<double, double> union_interval(const nn::Calibration& calibration, double margin);

/// Site `s`'s approximation by settings' rule and degree on [lo, hi] (settings.global_range and
/// the interval are the caller's; settings.margin only widens per-channel intervals), with metrics
/// as uniform_fits'. @throws as uniform_fits (without its settings check).
approx::Approximation fit_site(const nn::SiteStatistics& s, const UniformFitSettings& settings, double lo, double hi);

/// One approximation per calibrated site (index = site index), each for the site's activation.
/// metrics.weighted_mse is always measured on the site's calibrated distribution (also for the
/// rules that do not fit against it), max_error on the polynomial's interval.
/// Per-channel fits keep make_wls_per_channel's metrics (channel-weighted MSE).
/// @throws PlanError as site_interval / site_distribution / channel_distributions, or if
///         per_channel is set with a rule other than wls or with global_range; approx::FitError if
///         the fit fails (degree outside the fitter's range).
std::vector<approx::Approximation> uniform_fits(const nn::Calibration& calibration, const UniformFitSettings& settings);

/// Fits one site's polynomial from its statistics (SiteStatistics::site is its index).
using SiteFit = std::function<approx::Approximation(const nn::SiteStatistics&)>;

/// Sequential fits (our extension, docs/convnext.md "Sequential fits"): site k's polynomial is
/// `fit` of the inputs site k receives when sites 0..k-1 already run their own sequential fits,
/// instead of `fit` of the exact model's inputs. Pass 0 fits every site on `calibration` (the exact
/// model's); pass p recalibrates `images` with pass p-1's fits in place (`options`, usually
/// nn::calibration_options_of(calibration)) and refits the sites from p on. A site's inputs depend
/// only on the sites before it (sites are numbered in topological order), so sites 0..p are final
/// after pass p and pass n-1 (n sites) is the result: n - 1 calibrations. Progress stage
/// "sequential fit p/n-1".
/// @pre calibration was made from `images` on `g` (the caller checks the fingerprints).
/// @throws what `fit` throws; ola::Error as nn::calibrate (e.g. inputs driven to infinity).
std::vector<approx::Approximation> sequential_fits(const nn::Graph& g, const nn::Tensor& images,
                                                   const nn::Calibration& calibration,
                                                   const nn::CalibrationOptions& options, const SiteFit& fit,
                                                   const Progress& progress = {});

/// sequential_fits with uniform_fits' rule, degree and interval for every site.
/// @throws PlanError as uniform_fits, or if settings.global_range is set (a shared interval makes
///         every site depend on every other).
std::vector<approx::Approximation> sequential_uniform_fits(const nn::Graph& g, const nn::Tensor& images,
                                                           const nn::Calibration& calibration,
                                                           const nn::CalibrationOptions& options,
                                                           const UniformFitSettings& settings,
                                                           const Progress& progress = {});

}  // namespace ola::opt
