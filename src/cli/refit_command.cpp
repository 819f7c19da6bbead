// `ola refit --model M --plan P --calib C --out P2 [--uniform-weight W] [--threads T] [--json]`:
// the OLA plan P with every polynomial refitted sequentially (ola/plan_refit.h): same kinds,
// degrees, levels and bootstraps, each polynomial fitted on the inputs of the already-refitted
// earlier sites, recalibrating on C's own images and settings (one pass per site after the first).
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/calibration_images.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/progress_bar.h"
#include "nn/calib/calibration_json.h"
#include "nn/onnx/onnx_import.h"
#include "ola/calibration_match.h"
#include "ola/plan_error.h"
#include "ola/plan_refit.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/hash.h"

namespace ola::cli {
namespace {

struct RefitOptions {
  std::string model, plan, calib, out;
  opt::RefitSettings settings;
  int threads = 0;
  bool json = false, quiet = false;
};

void run(const RefitOptions& o) {
  const std::string where = "ola refit";
  const std::vector<std::uint8_t> model_bytes = read_file_bytes(o.model);
  const std::string model_fp = hash_hex(model_bytes);
  const nn::Graph g = nn::import_onnx_bytes(model_bytes, o.model);
  const opt::Plan plan = opt::load_plan(o.plan);
  if (plan.model_fingerprint != model_fp) {
    throw opt::PlanError(ola::mismatch(where + ": " + o.plan, "model_fingerprint", model_fp + " (of " + o.model + ")",
                                       plan.model_fingerprint));
  }
  const nn::Calibration cal = nn::load_calibration(o.calib);
  opt::check_calibration_matches(g, cal, model_fp, o.calib, o.model);
  const nn::ImageSet set = load_calibration_images(cal, o.calib, where);
  nn::CalibrationOptions copt = nn::calibration_options_of(cal);
  copt.exec.threads = o.threads;
  const opt::Plan refit = opt::refit_plan_sequentially(plan, g, set.images, cal, copt, o.settings, make_progress_bar(!o.quiet));
  opt::save_plan(refit, o.out);

  nlohmann::json sites = nlohmann::json::array();
  for (std::size_t i = 0; i < refit.sites.size(); ++i) {
    const auto& before = plan.sites[i].approximation;
    const auto& after = refit.sites[i].approximation;
    sites.push_back({{"index", i},
                     {"name", refit.sites[i].name},
                     {"label", after.label()},
                     {"lo_before", before.lo},
                     {"hi_before", before.hi},
                     {"lo", after.lo},
                     {"hi", after.hi},
                     {"weighted_mse", after.metrics.weighted_mse}});
  }
  if (o.json) {
    print_json({{"out", o.out}, {"plan", o.plan}, {"calibration", o.calib}, {"sites", sites}});
    return;
  }
  std::printf("refitted %zu sites of %s sequentially on %zu images -> %s\n", refit.sites.size(), o.plan.c_str(),
              cal.images, o.out.c_str());
  std::printf("%-44s %-16s %21s %21s\n", "site", "polynomial", "interval before", "interval after");
  for (const auto& s : sites) {
    std::printf("%-44s %-16s [%8.3f, %8.3f] [%8.3f, %8.3f]\n", s["name"].get<std::string>().c_str(),
                s["label"].get<std::string>().c_str(), s["lo_before"].get<double>(), s["hi_before"].get<double>(),
                s["lo"].get<double>(), s["hi"].get<double>());
  }
}

OLA_REGISTER_COMMAND("refit", "Refit a plan's polynomials sequentially: each on the inputs the refitted earlier sites feed it",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<RefitOptions>();
                       sub.add_option("--model", o->model, "ONNX model the plan was made for")->required();
                       sub.add_option("--plan", o->plan, "OLA plan (ola optimize)")->required();
                       sub.add_option("--calib", o->calib, "calibration JSON of the exact model (ola calibrate); its images are reused")->required();
                       sub.add_option("--out", o->out, "refitted plan to write")->required();
                       sub.add_option("--uniform-weight", o->settings.uniform_weight,
                                      "WLS sites: uniform weight over the interval, relative to the data")->capture_default_str();
                       sub.add_option("--threads", o->threads, "threads (0: all cores)")->capture_default_str();
                       sub.add_flag("--json", o->json, "print one JSON object");
                       sub.add_flag("--quiet", o->quiet, "no progress bar");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace
}  // namespace ola::cli
