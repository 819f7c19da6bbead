#include "ola/candidates.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "approx/composite.h"
#include "approx/metrics.h"
#include "approx/wls.h"
#include "ola/plan_error.h"

namespace ola::opt {

std::vector<int> default_wls_degrees() {
  std::vector<int> d;
  for (int k = 2; k <= 15; ++k) d.push_back(k);
  for (int k : {19, 23, 27, 31}) d.push_back(k);
  return d;
}

std::pair<double, double> site_interval(const nn::SiteStatistics& s, double margin) {
  const std::string where = "calibration: site " + s.name;
  if (s.count == 0) throw PlanError(ola::mismatch(where, "count", "> 0 inputs", 0));
  if (!std::isfinite(s.min) || !std::isfinite(s.max) || !(s.min < s.max)) {
    throw PlanError(ola::mismatch(where, "[min, max]", "a finite non-empty interval",
                                  "[" + std::to_string(s.min) + ", " + std::to_string(s.max) + "]"));
  }
  if (!(margin >= 0.0)) throw PlanError(ola::mismatch("candidates", "margin", ">= 0", margin));
  const double w = s.max - s.min;
  return {s.min - margin * w, s.max + margin * w};
}

namespace {

/// A histogram of `bins` equal-width counts over the site's [min, max] as a Distribution.
approx::Distribution over_site_range(const nn::SiteStatistics& s, const std::vector<std::uint64_t>& bins) {
  const std::size_t n = bins.size();
  std::vector<double> edges(n + 1), counts(n);
  for (std::size_t i = 0; i <= n; ++i) edges[i] = s.min + (s.max - s.min) * static_cast<double>(i) / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) counts[i] = static_cast<double>(bins[i]);
  return approx::Distribution::histogram(std::move(edges), std::move(counts));
}

}  // namespace

approx::Distribution site_distribution(const nn::SiteStatistics& s) {
  const std::string where = "calibration: site " + s.name;
  if (s.histogram.empty()) throw PlanError(ola::mismatch(where, "histogram", "at least one bin", 0));
  if (!(s.min < s.max)) throw PlanError(ola::mismatch(where, "max", "> min = " + std::to_string(s.min), s.max));
  return over_site_range(s, s.histogram);
}

std::vector<approx::ChannelDistribution> channel_distributions(const nn::SiteStatistics& s, double margin,
                                                               double min_width) {
  const approx::Distribution site_dist = site_distribution(s);
  const auto [site_lo, site_hi] = site_interval(s, margin);
  if (s.channel_histograms.empty()) {
    throw PlanError(ola::mismatch("calibration: site " + s.name, "channel_histograms",
                                  "per-channel histograms (ola calibrate --channel-bins N)", "none"));
  }
  std::vector<approx::ChannelDistribution> out;
  out.reserve(s.channel_histograms.size());
  for (const auto& h : s.channel_histograms) {
    const std::size_t n = h.size();
    std::size_t first = n, last = 0, filled = 0;
    double weight = 0.0;
    for (std::size_t b = 0; b < n; ++b) {
      if (h[b] == 0) continue;
      first = std::min(first, b);
      last = b;
      ++filled;
      weight += static_cast<double>(h[b]);
    }
    if (filled < 2) {
      out.push_back({site_dist, site_lo, site_hi, weight});
      continue;
    }
    approx::Distribution dist = over_site_range(s, h);
    const double lo = dist.edges[first], hi = dist.edges[last + 1], w = hi - lo;
    double a = lo - margin * w, b = hi + margin * w;
    const double floor = min_width * (site_hi - site_lo);
    if (b - a < floor) {
      const double centre = std::clamp(0.5 * (a + b), site_lo + 0.5 * floor, site_hi - 0.5 * floor);
      a = centre - 0.5 * floor;
      b = centre + 0.5 * floor;
    }
    out.push_back({std::move(dist), a, b, weight});
  }
  return out;
}

std::vector<approx::Approximation> make_candidates(const nn::SiteStatistics& s, const CandidateSettings& settings) {
  const auto [lo, hi] = site_interval(s, settings.margin);
  const approx::Distribution dist = site_distribution(s);
  std::vector<approx::Approximation> out;
  approx::WlsOptions wo;
  wo.uniform_weight = settings.uniform_weight;
  for (int d : settings.wls_degrees) {
    approx::Approximation a = approx::make_wls(s.activation, d, lo, hi, dist, wo);
    if (a.counts.depth <= settings.max_depth) out.push_back(std::move(a));
  }
  if (!settings.per_channel_degrees.empty()) {
    const std::vector<approx::ChannelDistribution> channels =
        channel_distributions(s, settings.margin, settings.channel_min_width);
    for (int d : settings.per_channel_degrees) {
      approx::Approximation a = approx::make_wls_per_channel(s.activation, d, lo, hi, dist, channels, wo);
      // Not offered where CKKS could not evaluate it precisely (channels too narrow for the site).
      if (a.counts.depth <= settings.max_depth &&
          approx::per_channel_error_gain(a, settings.channel_basis) <= approx::kMaxPerChannelErrorGain) {
        out.push_back(std::move(a));
      }
    }
  }
  if (s.activation == approx::Activation::relu) {
    for (int alpha : settings.alphas) {
      approx::Approximation a = approx::make_composite_relu(alpha, lo, hi);
      if (a.counts.depth > settings.max_depth) continue;
      a.metrics = approx::error_metrics(a, &dist);
      out.push_back(std::move(a));
    }
  }
  if (out.empty()) {
    throw PlanError(ola::mismatch("candidates: site " + s.name, "candidates",
                                  "at least one of depth <= " + std::to_string(settings.max_depth), 0));
  }
  return out;
}

}  // namespace ola::opt
