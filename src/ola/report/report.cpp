#include "ola/report/report.h"

#include <cstdio>
#include <sstream>

#include "ola/report/charts.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace ola::opt {

namespace {

std::string f(double v, int prec = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

std::string speedup(double base, double ours) { return ours > 0.0 ? f(base / ours, 2) + "x" : "-"; }

}  // namespace

std::string report_markdown(const PipelineResult& r) {
  const Plan& p = r.output.plan;
  std::ostringstream os;
  os << "# OLA plan for " << p.model << "\n\n";
  os << "Budget: " << f(p.budget, 3) << " top-1 points. Parameter set: " << p.parameter_set
     << ". Bootstrap cost: " << p.bootstrap_cost << ".\n\n";
  os << "Loss metric: " << p.loss_metric << ".\n\n";
  os << "## Totals (predicted)\n\n";
  os << "| plan | time (s) | bootstraps | bootstrap (s) | activations (s) | linear (s) | predicted loss (points) | speed-up of OLA |\n";
  os << "|---|---|---|---|---|---|---|---|\n";
  auto row = [&](const std::string& name, const PlanTotals& t, bool loss_known) {
    os << "| " << name << " | " << f(t.predicted_ms / 1000.0, 1) << " | " << t.bootstraps << " | "
       << f(t.bootstrap_ms / 1000.0, 1) << " | " << f(t.activation_ms / 1000.0, 1) << " | "
       << f(t.linear_ms / 1000.0, 1) << " | " << (loss_known ? f(t.predicted_loss, 3) : "-") << " | "
       << speedup(t.predicted_ms, p.totals.predicted_ms) << " |\n";
  };
  row("OLA", p.totals, true);
  for (const auto& b : p.baselines) {
    if (b.feasible) {
      row(b.name + " (" + b.description + ")", b.totals, b.totals.predicted_loss > 0.0);
    } else {
      os << "| " << b.name << " | infeasible: " << b.description << " | | | | | | |\n";
    }
  }
  os << "\nWhole plan simulated on " << r.heldout_check.images << " held-out calibration images: top-1 disagreement "
     << f(100.0 * (1.0 - r.heldout_check.agreement), 2) << " points, mean KL " << f(r.heldout_check.mean_kl, 5)
     << " (predicted " << f(p.totals.predicted_loss, 3) << " points).\n\n";
  os << "## Sites\n\n";
  os << "| # | site | calibrated range | interval | chosen | depth | level in -> out | bootstrap before | predicted loss (points) | time (s) | out of range (held-out) |\n";
  os << "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const PlanSite& s : p.sites) {
    std::uint64_t oor = 0, inputs = 0;
    const SiteCandidates& sc = r.sites.at(static_cast<std::size_t>(s.index));
    for (std::size_t c = 0; c < sc.approximations.size(); ++c) {
      if (sc.approximations[c].label() == s.approximation.label() && sc.impacts[c].measured) {
        oor = sc.impacts[c].out_of_range;
        inputs = sc.impacts[c].inputs;
      }
    }
    os << "| " << s.index << " | " << s.name << " | [" << f(s.range_lo) << ", " << f(s.range_hi) << "] | ["
       << f(s.approximation.lo) << ", " << f(s.approximation.hi) << "] | " << s.approximation.label() << " | "
       << s.approximation.counts.depth << " | " << s.level_before << " -> " << s.level_after << " | "
       << (s.bootstrap_before ? "yes" : "") << " | " << f(s.predicted_loss, 4) << " | " << f(s.predicted_ms / 1000.0, 2)
       << " | " << oor << " / " << inputs << " |\n";
  }
  os << "\n## Choice\n\n" << r.output.selection << ".\n";
  if (!r.output.checks.empty()) {
    os << "\nFront points simulated on " << r.select_images << " selection images, in bisection order:\n\n"
       << "| KL units | predicted time (s) | predicted loss (points) | measured top-1 loss (points) | changed predictions "
          "(points) | mean KL | accepted |\n|---|---|---|---|---|---|---|\n";
    for (const CheckedPoint& c : r.output.checks) {
      os << "| " << c.units << " | " << f(c.seconds, 1) << " | " << f(c.predicted_points, 3) << " | "
         << f(c.check.accuracy_drop_points, 2) << " | " << f(c.check.disagreement_points, 2) << " | "
         << f(c.check.mean_kl, 5) << " | " << (c.accepted ? "yes" : "no") << " |\n";
    }
  }
  os << "\n## Pareto front (predicted)\n\n| loss (points) | time (s) |\n|---|---|\n";
  for (const auto& fp : r.output.front) os << "| " << f(fp.loss_points, 3) << " | " << f(fp.seconds, 1) << " |\n";
  os << "\n## Notes\n\n";
  for (const auto& n : p.notes) os << "- " << n << "\n";
  os << "\nDP wall time " << f(r.output.dp_seconds, 3) << " s; candidates " << f(r.candidate_seconds, 1)
     << " s; impact " << f(r.impact_seconds, 1) << " s; whole-plan check " << f(r.check_seconds, 1) << " s.\n\n";
  os << "Charts: `pareto.svg`, `time.svg`, `sites/site_<i>.svg`.\n";
  return os.str();
}

void write_report(const std::filesystem::path& dir, const PipelineResult& r) {
  std::error_code ec;
  std::filesystem::create_directories(dir / "sites", ec);
  if (ec) throw Error(ola::mismatch(dir.string(), "report folder", "a folder that can be created", ec.message()));
  const Plan& p = r.output.plan;
  write_file_atomic(dir / "report.md", report_markdown(r));
  write_file_atomic(dir / "pareto.svg", pareto_svg(r.output.front, p));
  write_file_atomic(dir / "time.svg", time_svg(p));
  for (const PlanSite& s : p.sites) {
    write_file_atomic(dir / "sites" / ("site_" + std::to_string(s.index) + ".svg"),
                      site_svg(r.calibration.sites.at(static_cast<std::size_t>(s.index)), s));
  }
}

}  // namespace ola::opt
