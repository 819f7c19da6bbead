// `ola optimize`: the OLA optimizer end to end - candidates per activation site, accuracy impact
// by plaintext simulation, the time model from a cost table, the dynamic program, the plan file and
// a report (docs/optimizer.md, docs/plan-format.md).
//
//   ola optimize --model M --calib C --budget 0.5 --out plan.json [--costs costs.json]
//                [--report DIR] [--json] [--heldout FILE --heldout-skip N] [--heldout-count 500]
//                [--calib-images 1000] [--cache-dir DIR] [--impact simulate|proxy] [--margin 0.2]
//                [--degrees 2,3,5] [--alphas 7,13] [--units 200] [--threads T] [--quiet]
//
// --calib is a calibration JSON of `ola calibrate` or a CIFAR-10 binary (its first --calib-images
// records are calibrated on). Held-out images default to the records right after those.
// --costs defaults to data/costs-n16.json of the source tree when that file exists, and
// --baseline-costs (more chains to price the alpha = 13 baseline on) to data/costs-n16-deep.json
// when --costs is defaulted too ("none" disables it).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/progress_bar.h"
#include "he/program/program_linear_ops.h"
#include "ola/baselines.h"
#include "ola/pipeline.h"
#include "ola/plan.h"
#include "ola/report/report.h"
#include "util/error.h"

namespace ola::cli {
namespace {

struct OptimizeOptions {
  std::vector<std::string> baseline_costs;
  std::string model, calib, costs, out, report, heldout, cache_dir, impact = "simulate";
  double budget = 0.5, margin = 0.2;
  std::size_t heldout_skip = 0, heldout_count = 500, calib_images = 1000;
  int units = 200, threads = 0, front_factor = 16, what_if_levels_after = 0;
  std::string select = "simulate", select_images;
  std::size_t select_count = 2000;
  double max_disagreement = 2.0, channel_min_width = 0.0;
  std::vector<int> degrees, alphas, per_channel_degrees;
  bool json = false, quiet = false, estimate_linear = false;
};

/// data/<name> of the source tree if it exists, else "".
std::string bundled_table(const char* name) {
  const auto p = std::filesystem::path(OLA_SOURCE_DIR) / "data" / name;
  return std::filesystem::exists(p) ? p.string() : std::string();
}

void run(const OptimizeOptions& o) {
  opt::PipelineSettings s;
  s.model = o.model;
  s.calibration = o.calib;
  s.calibration_images = o.calib_images;
  s.costs = o.costs.empty() ? bundled_table("costs-n16.json") : o.costs;
  if (s.costs.empty()) {
    throw Error("optimize: --costs: expected a cost table JSON (`ola bench costs`), got none");
  }
  if (o.baseline_costs.empty()) {
    const std::string deep = bundled_table("costs-n16-deep.json");
    if (o.costs.empty() && !deep.empty()) s.baseline_costs.push_back(deep);
  } else if (!(o.baseline_costs.size() == 1 && o.baseline_costs.front() == "none")) {
    s.baseline_costs.assign(o.baseline_costs.begin(), o.baseline_costs.end());
  }
  s.heldout = o.heldout;
  s.heldout_skip = o.heldout_skip;
  s.heldout_count = o.heldout_count;
  if (o.impact == "simulate") {
    s.impact_mode = opt::ImpactMode::simulate;
  } else if (o.impact == "proxy") {
    s.impact_mode = opt::ImpactMode::proxy;
  } else {
    throw Error(ola::mismatch("optimize", "--impact", "simulate or proxy", o.impact));
  }
  s.candidates.margin = o.margin;
  if (!o.degrees.empty()) s.candidates.wls_degrees = o.degrees;
  if (!o.alphas.empty()) s.candidates.alphas = o.alphas;
  s.candidates.per_channel_degrees = o.per_channel_degrees;
  s.candidates.channel_min_width = o.channel_min_width;
  s.impact.exec.threads = o.threads;
  s.impact.cache_dir = o.cache_dir;
  s.optimizer.budget = o.budget;
  s.optimizer.units_per_budget = o.units;
  s.optimizer.front_factor = o.front_factor;
  s.optimizer.max_disagreement_factor = o.max_disagreement;
  if (o.select != "simulate" && o.select != "model") {
    throw Error(ola::mismatch("optimize", "--select", "simulate or model", o.select));
  }
  s.select_by_simulation = o.select == "simulate";
  s.select_count = o.select_count;
  s.select_file = o.select_images;
  s.what_if_levels_after = o.what_if_levels_after;
  if (!o.estimate_linear) s.linear_ops = he::linear_ops_at_slots;

  const opt::PipelineResult r = opt::run_pipeline(s, make_progress_bar(!o.quiet && !o.json));
  const opt::Plan& p = r.output.plan;
  opt::save_plan(p, o.out);
  if (!o.report.empty()) opt::write_report(o.report, r);

  const opt::Baseline* base = opt::headline_baseline(p);
  const opt::Baseline* bound = opt::find_baseline(p, "uniform_relu_alpha13");
  const opt::Baseline* wls = opt::find_baseline(p, "uniform_wls");
  const opt::Baseline* native = opt::find_baseline(p, "uniform_relu_alpha13_native");
  if (o.json) {
    nlohmann::json j = {{"plan", o.out},
                        {"predicted_seconds", p.totals.predicted_ms / 1000.0},
                        {"bootstraps", p.totals.bootstraps},
                        {"predicted_loss", p.totals.predicted_loss},
                        {"budget", p.budget},
                        {"bootstrap_cost", p.bootstrap_cost},
                        {"heldout_disagreement", 100.0 * (1.0 - r.heldout_check.agreement)},
                        {"heldout_mean_kl", r.heldout_check.mean_kl},
                        {"heldout_images", r.heldout_check.images},
                        {"dp_seconds", r.output.dp_seconds},
                        {"impact_seconds", r.impact_seconds},
                        {"front_points", r.output.front.size()},
                        {"front_factor", r.output.front_factor},
                        {"selection", r.output.selection},
                        {"budget_met", r.output.budget_met},
                        {"select_images", r.select_images},
                        {"select_simulations", r.output.checks.size()}};
    j["baseline_seconds"] = base ? nlohmann::json(base->totals.predicted_ms / 1000.0) : nlohmann::json(nullptr);
    j["baseline_bootstraps"] = base ? nlohmann::json(base->totals.bootstraps) : nlohmann::json(nullptr);
    j["speedup"] = base ? nlohmann::json(base->totals.predicted_ms / p.totals.predicted_ms) : nlohmann::json(nullptr);
    j["baseline_name"] = base ? nlohmann::json(base->name) : nlohmann::json(nullptr);
    j["baseline_lower_bound_seconds"] = bound ? nlohmann::json(bound->totals.predicted_ms / 1000.0) : nlohmann::json(nullptr);
    j["speedup_vs_lower_bound"] = bound ? nlohmann::json(bound->totals.predicted_ms / p.totals.predicted_ms) : nlohmann::json(nullptr);
    j["baseline_native_seconds"] = native ? nlohmann::json(native->totals.predicted_ms / 1000.0) : nlohmann::json(nullptr);
    j["baseline_native_bootstraps"] = native ? nlohmann::json(native->totals.bootstraps) : nlohmann::json(nullptr);
    j["wls_baseline_seconds"] = wls ? nlohmann::json(wls->totals.predicted_ms / 1000.0) : nlohmann::json(nullptr);
    j["wls_baseline"] = wls ? nlohmann::json(wls->description) : nlohmann::json(nullptr);
    print_json(j);
    return;
  }
  std::printf("plan: %s (%zu sites)\n", o.out.c_str(), p.sites.size());
  std::printf("predicted: %.1f s, %d bootstraps, loss %.3f points (budget %.3f)\n", p.totals.predicted_ms / 1000.0,
              p.totals.bootstraps, p.totals.predicted_loss, p.budget);
  for (const auto& b : p.baselines) {
    if (b.feasible) {
      std::printf("baseline %s: %.1f s, %d bootstraps (%.2fx) - %s\n", b.name.c_str(), b.totals.predicted_ms / 1000.0,
                  b.totals.bootstraps, b.totals.predicted_ms / p.totals.predicted_ms, b.description.c_str());
    } else {
      std::printf("baseline %s: infeasible - %s\n", b.name.c_str(), b.description.c_str());
    }
  }
  if (base) {
    std::printf("speed-up: %.2fx against %s (one bootstrap per convolution, measured chain or lower bound)\n",
                base->totals.predicted_ms / p.totals.predicted_ms, base->name.c_str());
  }
  std::printf("held-out check (%zu images): disagreement %.2f points, mean KL %.5f\n", r.heldout_check.images,
              100.0 * (1.0 - r.heldout_check.agreement), r.heldout_check.mean_kl);
  std::printf("chosen: %s\n", r.output.selection.c_str());
  std::printf("bootstrap cost: %s; DP %.3f s\n", p.bootstrap_cost.c_str(), r.output.dp_seconds);
  if (!o.report.empty()) std::printf("report: %s/report.md\n", o.report.c_str());
}

}  // namespace

OLA_REGISTER_COMMAND("optimize", "Choose a polynomial per activation site and bootstrap placement (OLA dynamic program)",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<OptimizeOptions>();
                       sub.add_option("--model", o->model, "ONNX model")->required();
                       sub.add_option("--calib", o->calib, "calibration JSON (ola calibrate) or CIFAR-10 binary")->required();
                       sub.add_option("--budget", o->budget, "accuracy budget, top-1 percentage points")->capture_default_str();
                       sub.add_option("--out", o->out, "plan JSON to write")->required();
                       sub.add_option("--costs", o->costs, "cost table JSON (ola bench costs); default data/costs-n16.json if present");
                       sub.add_option("--baseline-costs", o->baseline_costs,
                                      "more cost tables (other chains) to price the alpha = 13 baseline on; default "
                                      "data/costs-n16-deep.json when --costs is defaulted; none: only --costs");
                       sub.add_option("--report", o->report, "folder for report.md and SVG charts");
                       sub.add_flag("--json", o->json, "print one JSON object");
                       sub.add_option("--heldout", o->heldout, "CIFAR-10 binary of held-out images (default: the calibration file after the calibrated records)");
                       sub.add_option("--heldout-skip", o->heldout_skip, "records of --heldout to skip")->capture_default_str();
                       sub.add_option("--heldout-count", o->heldout_count, "held-out images for the impact simulation")->capture_default_str();
                       sub.add_option("--calib-images", o->calib_images, "records calibrated on when --calib is a CIFAR-10 binary")->capture_default_str();
                       sub.add_option("--cache-dir", o->cache_dir, "folder of the impact cache (default: no cache)");
                       sub.add_option("--impact", o->impact, "simulate (every candidate) or proxy (s_l * MSE)")->capture_default_str();
                       sub.add_option("--margin", o->margin, "range margin, fraction of the calibrated width per side")->capture_default_str();
                       sub.add_option("--degrees", o->degrees, "WLS degrees (default 2..15,19,23,27,31)")->delimiter(',');
                       sub.add_option("--alphas", o->alphas, "composite ReLU precisions, 4..14 (default all)")->delimiter(',');
                       sub.add_option("--per-channel-degrees", o->per_channel_degrees,
                                      "also per-channel WLS candidates of these degrees (--calib: a calibration JSON "
                                      "made with --channel-bins; the encrypted executor runs degree <= 31)")
                           ->delimiter(',');
                       sub.add_option("--channel-min-width", o->channel_min_width,
                                      "per-channel candidates: each channel's interval at least this fraction of "
                                      "the site's width (0: none)")
                           ->check(CLI::Range(0.0, 1.0))
                           ->capture_default_str();
                       sub.add_option("--units", o->units, "DP quantisation: units per budget")->capture_default_str();
                       sub.add_option("--select", o->select, "plan choice: simulate (fastest front plan passing a whole-model simulation) or model (loss model only)")->capture_default_str();
                       sub.add_option("--select-count", o->select_count, "images for --select simulate (records after the held-out ones)")->capture_default_str();
                       sub.add_option("--select-images", o->select_images, "CIFAR-10 binary for --select simulate (its first --select-count records; default: the calibration file after the held-out records)");
                       sub.add_option("--max-disagreement", o->max_disagreement, "--select simulate: changed predictions allowed, in budgets")->capture_default_str();
                       sub.add_option("--front-factor", o->front_factor, "the front covers total KL up to this many KL budgets")->capture_default_str();
                       sub.add_option("--what-if-levels-after", o->what_if_levels_after, "study only: bootstraps leave this many levels at the measured price (plan not runnable)");
                       sub.add_option("--threads", o->threads, "threads (0: OpenMP default)")->capture_default_str();
                       sub.add_flag("--estimate-linear", o->estimate_linear, "price linear layers by the packing estimate, not by the encrypted executor's counts");
                       sub.add_flag("--quiet", o->quiet, "no progress bar");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace ola::cli
