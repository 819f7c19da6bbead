// `ola uniform-plan --model M --calib C --kind wls|ls|minimax --degree D [--global-range]
// [--per-channel] --out F`:
// one fitting rule and one degree at every activation site, written as nn's replacement list
// [{"site", "approximation"}] for `ola simulate --plan F`. The comparison rows of issue 8
// (ola/uniform_fits.h): `wls` is OLA's rule (the site's calibrated distribution, interval =
// calibrated range + --margin, as `ola optimize`'s candidates); `ls` drops the distribution
// weights (uniform weight on the interval); `minimax` fits the worst case on the interval;
// --global-range gives every site the union of all sites' intervals. --sequential fits each site
// on the inputs the already-fitted earlier sites feed it (ola/uniform_fits.h), recalibrating on
// the calibration's own images and settings.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/calibration_images.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/progress_bar.h"
#include "nn/calib/calibration_json.h"
#include "nn/onnx/onnx_import.h"
#include "nn/sim/approximation_json.h"
#include "ola/calibration_match.h"
#include "ola/uniform_fits.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/hash.h"

namespace ola::cli {
namespace {

struct UniformPlanOptions {
  std::string model, calib, out, kind = "wls";
  opt::UniformFitSettings fit;
  bool sequential = false;
  int threads = 0;
  bool json = false, quiet = false;
};

// The sequential fits of `o` on the calibration's own images.
std::vector<approx::Approximation> sequential_fits(const UniformPlanOptions& o, const nn::Graph& g,
                                                   const nn::Calibration& cal) {
  const nn::ImageSet set = load_calibration_images(cal, o.calib, "ola uniform-plan --sequential");
  nn::CalibrationOptions copt = nn::calibration_options_of(cal);
  copt.exec.threads = o.threads;
  return opt::sequential_uniform_fits(g, set.images, cal, copt, o.fit, make_progress_bar(!o.quiet));
}

void run(UniformPlanOptions o) {
  const std::string where = "ola uniform-plan";
  o.fit.rule = opt::fit_rule_from_string(o.kind, where, "--kind");
  if (o.calib.size() < 5 || o.calib.substr(o.calib.size() - 5) != ".json") {
    throw ola::Error(ola::mismatch(where, "--calib", "a calibration JSON of `ola calibrate` (*.json)", "'" + o.calib + "'"));
  }
  const std::vector<std::uint8_t> model_bytes = read_file_bytes(o.model);
  const nn::Graph g = nn::import_onnx_bytes(model_bytes, o.model);
  const nn::Calibration cal = nn::load_calibration(o.calib);
  opt::check_calibration_matches(g, cal, hash_hex(model_bytes), o.calib, o.model);
  const std::vector<approx::Approximation> fits = o.sequential ? sequential_fits(o, g, cal) : opt::uniform_fits(cal, o.fit);
  nn::SiteReplacements rep(g.sites.size());
  for (std::size_t i = 0; i < fits.size(); ++i) rep[i] = fits[i];
  write_file_atomic(o.out, nn::to_json(g, rep).dump(1));

  nlohmann::json sites = nlohmann::json::array();
  for (std::size_t i = 0; i < fits.size(); ++i) {
    const auto& a = fits[i];
    sites.push_back({{"index", i},
                     {"name", g.sites[i].name},
                     {"lo", a.lo},
                     {"hi", a.hi},
                     {"depth", a.counts.depth},
                     {"weighted_mse", a.metrics.weighted_mse},
                     {"max_error", a.metrics.max_error}});
  }
  if (o.json) {
    print_json({{"out", o.out},
                {"kind", opt::to_string(o.fit.rule)},
                {"degree", o.fit.degree},
                {"global_range", o.fit.global_range},
                {"per_channel", o.fit.per_channel},
                {"sequential", o.sequential},
                {"margin", o.fit.margin},
                {"sites", sites}});
    return;
  }
  std::printf("%s degree %d (%s%s%s) at %zu sites -> %s\n", opt::to_string(o.fit.rule).c_str(), o.fit.degree,
              o.fit.global_range ? "one global interval" : "each site's interval",
              o.fit.per_channel ? ", one polynomial per channel" : "",
              o.sequential ? ", fitted sequentially" : "", fits.size(), o.out.c_str());
  std::printf("%-44s %10s %10s %12s %12s\n", "site", "lo", "hi", "weighted MSE", "max error");
  for (const auto& s : sites) {
    std::printf("%-44s %10.4f %10.4f %12.4g %12.4g\n", s["name"].get<std::string>().c_str(), s["lo"].get<double>(),
                s["hi"].get<double>(), s["weighted_mse"].get<double>(), s["max_error"].get<double>());
  }
}

OLA_REGISTER_COMMAND("uniform-plan", "One fitting rule (wls, ls, minimax) and degree at every site, as a replacement list for ola simulate",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<UniformPlanOptions>();
                       sub.add_option("--model", o->model, "ONNX model")->required();
                       sub.add_option("--calib", o->calib, "calibration JSON of ola calibrate (ranges and distributions)")->required();
                       sub.add_option("--out", o->out, "replacement list JSON to write")->required();
                       sub.add_option("--kind", o->kind, "wls (site distribution), ls (uniform weight) or minimax")->capture_default_str();
                       sub.add_option("--degree", o->fit.degree, "polynomial degree")->capture_default_str();
                       sub.add_flag("--global-range", o->fit.global_range, "every site on the union of all sites' intervals");
                       sub.add_option("--margin", o->fit.margin, "range margin, fraction of the calibrated width per side")->capture_default_str();
                       sub.add_option("--uniform-weight", o->fit.uniform_weight, "wls: uniform weight over the interval, relative to the data")->capture_default_str();
                       sub.add_flag("--per-channel", o->fit.per_channel,
                                    "wls: also a polynomial per input channel (calibration made with --channel-bins)");
                       sub.add_flag("--sequential", o->sequential,
                                    "fit each site on the inputs the already-fitted earlier sites feed it (recalibrates "
                                    "on the calibration's images, one pass per site after the first)");
                       sub.add_option("--threads", o->threads, "--sequential: threads (0: all cores)")->capture_default_str();
                       sub.add_flag("--json", o->json, "print one JSON object");
                       sub.add_flag("--quiet", o->quiet, "no progress bar");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace
}  // namespace ola::cli
