#include "ola/plan_refit.h"

#include "approx/composite.h"
#include "approx/metrics.h"
#include "nn/calib/calibration_json.h"
#include "ola/candidates.h"
#include "ola/plan_error.h"
#include "ola/uniform_fits.h"

namespace ola::opt {

Plan refit_plan_sequentially(const Plan& plan, const nn::Graph& g, const nn::Tensor& images,
                             const nn::Calibration& calibration, const nn::CalibrationOptions& options,
                             const RefitSettings& settings, const Progress& progress) {
  if (plan.sites.size() != calibration.sites.size()) {
    throw PlanError(ola::mismatch("refit", "plan sites", std::to_string(calibration.sites.size()) + " (the calibration's)",
                                  plan.sites.size()));
  }
  std::vector<double> margins(plan.sites.size(), 0.0);
  for (std::size_t i = 0; i < plan.sites.size(); ++i) {
    const PlanSite& ps = plan.sites[i];
    const std::string where = "refit: plan site " + std::to_string(i);
    if (ps.name != calibration.sites[i].name) throw PlanError(ola::mismatch(where, "name", calibration.sites[i].name, ps.name));
    if (ps.approximation.has_channel_polys()) {
      throw PlanError(ola::mismatch(where, "approximation", "one polynomial for the site", "per-channel polynomials"));
    }
    // The margin the plan's interval had: lo = range_lo - margin * (range_hi - range_lo).
    const double width = ps.range_hi - ps.range_lo;
    if (ps.approximation.kind != approx::Kind::exact && width > 0) margins[i] = (ps.range_lo - ps.approximation.lo) / width;
  }
  const SiteFit fit = [&](const nn::SiteStatistics& s) {
    const approx::Approximation& old = plan.sites[static_cast<std::size_t>(s.site)].approximation;
    if (old.kind == approx::Kind::exact) return old;
    const auto [lo, hi] = site_interval(s, margins[static_cast<std::size_t>(s.site)]);
    if (old.kind == approx::Kind::composite_relu) {
      approx::Approximation a = approx::make_composite_relu(old.alpha, lo, hi);
      const approx::Distribution dist = site_distribution(s);
      a.metrics = approx::error_metrics(a, &dist);
      return a;
    }
    UniformFitSettings same;  // wls or minimax of the old degree, as uniform_fits fits them
    same.rule = old.kind == approx::Kind::wls ? FitRule::wls : FitRule::minimax;
    same.degree = old.degree();
    same.uniform_weight = settings.uniform_weight;
    return fit_site(s, same, lo, hi);
  };
  const std::vector<approx::Approximation> fits = sequential_fits(g, images, calibration, options, fit, progress);
  // The ranges the refitted polynomials were fitted on: their intervals without the margin.
  Plan out = plan;
  for (std::size_t i = 0; i < fits.size(); ++i) {
    PlanSite& ps = out.sites[i];
    if (fits[i].counts.depth != ps.approximation.counts.depth) {
      throw PlanError(ola::mismatch("refit: plan site " + std::to_string(i), "depth", ps.approximation.counts.depth,
                                    fits[i].counts.depth));
    }
    ps.approximation = fits[i];
    if (fits[i].kind != approx::Kind::exact) {
      const double m = margins[i];
      const double w = (fits[i].hi - fits[i].lo) / (1.0 + 2.0 * m);
      ps.range_lo = fits[i].lo + m * w;
      ps.range_hi = fits[i].hi - m * w;
    }
  }
  out.calibration_fingerprint = nn::calibration_fingerprint(calibration);
  out.notes.push_back("refit sequentially (ola refit): every polynomial fitted on the inputs of the already-refitted "
                      "earlier sites, same kinds, degrees and depths; predicted losses are those of the original fits");
  return out;
}

}  // namespace ola::opt
