#include "ola/uniform_fits.h"

#include <algorithm>

#include "approx/metrics.h"
#include "approx/wls.h"
#include "ola/candidates.h"
#include "ola/plan_error.h"

namespace ola::opt {

FitRule fit_rule_from_string(const std::string& name, const std::string& where, const std::string& field) {
  if (name == "wls") return FitRule::wls;
  if (name == "ls") return FitRule::least_squares;
  if (name == "minimax") return FitRule::minimax;
  throw PlanError(ola::mismatch(where, field, "wls, ls or minimax", "'" + name + "'"));
}

std::string to_string(FitRule r) {
  switch (r) {
    case FitRule::wls: return "wls";
    case FitRule::least_squares: return "ls";
    case FitRule::minimax: return "minimax";
  }
  return "?";
}

std::pair<double, double> union_interval(const nn::Calibration& calibration, double margin) {
  if (calibration.sites.empty()) throw PlanError(ola::mismatch("calibration", "sites", "at least one", 0));
  auto [lo, hi] = site_interval(calibration.sites.front(), margin);
  for (const auto& s : calibration.sites) {
    const auto [l, h] = site_interval(s, margin);
    lo = std::min(lo, l);
    hi = std::max(hi, h);
  }
  return {lo, hi};
}

namespace {

void check_settings(const UniformFitSettings& settings) {
  if (settings.per_channel && (settings.rule != FitRule::wls || settings.global_range)) {
    throw PlanError(ola::mismatch("uniform fits", "per_channel", "with rule wls on each site's interval",
                                  "rule " + to_string(settings.rule) + (settings.global_range ? ", global range" : "")));
  }
}

}  // namespace

approx::Approximation fit_site(const nn::SiteStatistics& s, const UniformFitSettings& settings, double lo, double hi) {
  const approx::Distribution dist = site_distribution(s);
  if (settings.per_channel) {
    return approx::make_wls_per_channel(s.activation, settings.degree, lo, hi, dist,
                                        channel_distributions(s, settings.margin),
                                        approx::WlsOptions{settings.uniform_weight});
  }
  approx::Approximation a;
  switch (settings.rule) {
    case FitRule::wls:
      a = approx::make_wls(s.activation, settings.degree, lo, hi, dist, approx::WlsOptions{settings.uniform_weight});
      break;
    case FitRule::least_squares:
      // Continuous L2 on [lo, hi], no data term.
      a = approx::make_wls(s.activation, settings.degree, lo, hi, approx::Distribution::uniform(lo, hi), approx::WlsOptions{0.0});
      break;
    case FitRule::minimax:
      a = approx::make_minimax(s.activation, settings.degree, lo, hi);
      break;
  }
  a.metrics = approx::error_metrics(a, &dist);
  return a;
}

std::vector<approx::Approximation> uniform_fits(const nn::Calibration& calibration, const UniformFitSettings& settings) {
  check_settings(settings);
  std::pair<double, double> global{0.0, 0.0};
  if (settings.global_range) global = union_interval(calibration, settings.margin);
  std::vector<approx::Approximation> out;
  out.reserve(calibration.sites.size());
  for (const auto& s : calibration.sites) {
    const auto [lo, hi] = settings.global_range ? global : site_interval(s, settings.margin);
    out.push_back(fit_site(s, settings, lo, hi));
  }
  return out;
}

std::vector<approx::Approximation> sequential_fits(const nn::Graph& g, const nn::Tensor& images,
                                                   const nn::Calibration& calibration,
                                                   const nn::CalibrationOptions& options, const SiteFit& fit,
                                                   const Progress& progress) {
  std::vector<approx::Approximation> fits;
  fits.reserve(calibration.sites.size());
  for (const auto& s : calibration.sites) fits.push_back(fit(s));
  const std::size_t passes = fits.empty() ? 0 : fits.size() - 1;
  nn::SiteReplacements in_place(fits.size());
  nn::CalibrationOptions o = options;
  o.replacements = &in_place;
  for (std::size_t p = 1; p <= passes; ++p) {
    for (std::size_t i = 0; i < fits.size(); ++i) in_place[i] = fits[i];
    const std::string stage = "sequential fit " + std::to_string(p) + "/" + std::to_string(passes);
    Progress pass_progress;
    if (progress) {
      pass_progress = [&progress, &stage](std::size_t done, std::size_t total, std::string_view) { progress(done, total, stage); };
    }
    const nn::Calibration cal = nn::calibrate(g, images, o, pass_progress);
    // Sites before p are final (their inputs did not change); only the later ones are refitted.
    for (std::size_t i = p; i < fits.size(); ++i) fits[i] = fit(cal.sites[i]);
  }
  return fits;
}

std::vector<approx::Approximation> sequential_uniform_fits(const nn::Graph& g, const nn::Tensor& images,
                                                           const nn::Calibration& calibration,
                                                           const nn::CalibrationOptions& options,
                                                           const UniformFitSettings& settings, const Progress& progress) {
  check_settings(settings);
  if (settings.global_range) {
    throw PlanError(ola::mismatch("sequential fits", "global_range", "false (each site's own interval)", "true"));
  }
  const SiteFit fit = [&settings](const nn::SiteStatistics& s) {
    const auto [lo, hi] = site_interval(s, settings.margin);
    return fit_site(s, settings, lo, hi);
  };
  return sequential_fits(g, images, calibration, options, fit, progress);
}

}  // namespace ola::opt
