// Candidate polynomials per activation site (docs/method.md step 3): WLS fits of several degrees
// on the site's calibrated range plus a margin, and composite minimax ReLUs per precision alpha.
// Fitting, operation counts and error metrics all come from approx/.
#pragma once

#include <utility>
#include <vector>

#include "approx/approximation.h"
#include "approx/distribution.h"
#include "approx/wls.h"
#include "nn/calib/calibration.h"

namespace ola::opt {

/// Default WLS degrees: every degree 2..15 (BSGS depths 2..4, where each extra degree is cheap and
/// the accuracy gain per level is largest), then four of depth 5 (19, 23, 27, 31): above depth 4
/// one level costs more than the finer steps are worth, so a few representatives suffice; depth 6
/// and more (degree >= 32) would leave at most 3 of a 10-level bootstrap window for the rest.
std::vector<int> default_wls_degrees();

/// Thread safety: a plain value.
struct CandidateSettings {
  std::vector<int> wls_degrees = default_wls_degrees();
  std::vector<int> alphas = {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};  ///< composite ReLU (ReLU sites only)
  /// Degrees of per-channel WLS candidates (approx::make_wls_per_channel: one polynomial per input
  /// channel on that channel's calibrated distribution and interval; our extension of the method,
  /// docs/optimizer.md "Per-channel candidates"). Empty (default): none. Needs a calibration with
  /// per-channel histograms (`ola calibrate --channel-bins`). A candidate whose channels the
  /// executor could not evaluate precisely (approx::per_channel_error_gain in `channel_basis`
  /// above approx::kMaxPerChannelErrorGain) is not offered.
  std::vector<int> per_channel_degrees = {};
  /// Where the executor writes the site's per-channel polynomials: own_interval where the layers
  /// before the site absorb a per-channel affine map (nn::channel_affine_foldable; the pipeline
  /// sets it per site), else the site's interval.
  approx::ChannelBasis channel_basis = approx::ChannelBasis::site_interval;
  /// channel_distributions' min_width for the per-channel candidates (0: none).
  double channel_min_width = 0.0;
  /// The range is [min - margin * w, max + margin * w], w = max - min of the calibration, so
  /// held-out inputs slightly beyond the calibration extremes stay inside (docs/optimizer.md).
  double margin = 0.2;
  double uniform_weight = 1e-3;  ///< approx::WlsOptions::uniform_weight
  /// Candidates deeper than this are dropped (they could never fit between two bootstraps with
  /// the linear layer before them); the pipeline sets it to levels_after - input_level - 1.
  int max_depth = 1 << 20;
};

/// The site's polynomial interval: calibrated [min, max] widened by the margin.
/// @throws PlanError if the site saw no inputs (count 0) or min/max are not finite.
std::pair<double, double> site_interval(const nn::SiteStatistics& s, double margin);

/// The site's calibrated input distribution as a histogram over [min, max].
/// @throws PlanError if the histogram is empty or min == max (a constant input).
approx::Distribution site_distribution(const nn::SiteStatistics& s);

/// Each input channel's calibrated distribution (its histogram over the site's [min, max]) and
/// interval (the span of its non-empty bins widened by `margin` of that span per side), weighted
/// by its input count. A channel whose inputs fill fewer than 2 bins gets the site's distribution
/// and site_interval (a cubic needs more distinct points). With min_width > 0 an interval narrower
/// than min_width times the site_interval's width is widened about its centre to that width (kept
/// inside the site_interval): inputs a little beyond a narrow channel's calibrated span are then
/// not far outside its polynomial's interval in units of its width.
/// @throws PlanError as site_interval / site_distribution, or if the calibration has no
///         per-channel histograms (`ola calibrate --channel-bins`).
std::vector<approx::ChannelDistribution> channel_distributions(const nn::SiteStatistics& s, double margin,
                                                               double min_width = 0.0);

/// Every candidate of one site, each with counts and metrics (weighted MSE on the calibrated
/// distribution, max error on the interval) from approx/. Composite ReLUs only for ReLU sites.
/// @throws PlanError as site_interval / site_distribution / channel_distributions (per-channel
///         degrees without per-channel histograms), or if settings ask for no candidate.
/// @throws approx::FitError if a fit fails (degree out of range, alpha out of 4..14).
std::vector<approx::Approximation> make_candidates(const nn::SiteStatistics& s, const CandidateSettings& settings);

}  // namespace ola::opt
