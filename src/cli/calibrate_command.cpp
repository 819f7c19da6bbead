// `ola calibrate --model M --images FILE [--count N] [--plan P] --out calib.json [--json]`: runs
// calibration images through the exact model (or, with --plan, the model with the plan's
// polynomials in place) and writes every activation site's input statistics
// (docs/calibration-format.md) with fingerprints of the model, data and plan.
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/image_normalization.h"
#include "cli/json_output.h"
#include "cli/plan_replacements.h"
#include "cli/progress_bar.h"
#include "nn/calib/calibration_json.h"
#include "nn/data/cifar10.h"
#include "nn/data/data_files.h"
#include "nn/onnx/onnx_import.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/hash.h"

namespace ola::cli {
namespace {

struct CalibrateOptions {
  std::string model, images, out, data, plan;
  std::size_t count = 0;
  std::size_t reservoir = nn::kDefaultReservoirSize;
  int bins = nn::kDefaultHistogramBins;
  int channel_bins = 0;
  ImageNormalization norm;
  std::size_t batch = 128;
  int threads = 0;
  bool json = false, quiet = false;
};

void run(const CalibrateOptions& o) {
  const auto model_path = nn::resolve_data_file(nn::DataRole::model, o.model, o.data);
  const auto image_path = nn::resolve_data_file(nn::DataRole::calibration_images, o.images, o.data);
  const std::vector<std::uint8_t> model_bytes = read_file_bytes(model_path);
  const nn::Graph g = nn::import_onnx_bytes(model_bytes, model_path.string());
  nn::CifarOptions co;
  co.first = o.count;
  apply_normalization(o.norm, co, "ola calibrate");
  const nn::ImageSet set = nn::load_cifar10(image_path, co);
  nn::CalibrationOptions opt;
  opt.reservoir_size = o.reservoir;
  opt.histogram_bins = o.bins;
  opt.channel_histogram_bins = o.channel_bins;
  opt.exec.batch_size = o.batch;
  opt.exec.threads = o.threads;
  nn::SiteReplacements replacements;
  std::string plan_fingerprint;
  if (!o.plan.empty()) {
    const std::string plan_text = read_file_text(o.plan);  // read once: what is used is what is digested
    replacements = replacements_from_text(g, plan_text, o.plan);
    plan_fingerprint = hash_hex(plan_text);
    opt.replacements = &replacements;
  }
  nn::Calibration cal = nn::calibrate(g, set.images, opt, make_progress_bar(!o.quiet));
  cal.source = {model_path.string(), hash_hex(model_bytes), image_path.string(), set.fingerprint, co.mean, co.std,
                o.plan, plan_fingerprint};
  write_file_atomic(o.out, nn::to_json(cal).dump());
  if (o.json) {
    nlohmann::json sites = nlohmann::json::array();
    for (const auto& s : cal.sites) {
      sites.push_back({{"index", s.site}, {"name", s.name}, {"min", s.min}, {"max", s.max}, {"quantiles", s.quantiles}});
    }
    print_json({{"out", o.out},
                {"fingerprint", nn::calibration_fingerprint(cal)},
                {"model", cal.source.model_path},
                {"images", cal.source.data_path},
                {"count", cal.images},
                {"sites", sites}});
    return;
  }
  std::printf("calibrated %s on %zu images of %s -> %s\n", cal.source.model_path.c_str(), cal.images,
              cal.source.data_path.c_str(), o.out.c_str());
  std::printf("%-44s %10s %10s %10s %10s\n", "site", "min", "q0.001", "q0.999", "max");
  for (const auto& s : cal.sites) {
    std::printf("%-44s %10.4f %10.4f %10.4f %10.4f\n", s.name.c_str(), s.min, s.quantiles[0], s.quantiles[4], s.max);
  }
}

OLA_REGISTER_COMMAND("calibrate", "Record each activation site's input statistics over calibration images (JSON)",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<CalibrateOptions>();
                       sub.add_option("--model", o->model, "ONNX file or name (default: bundled resnet20.onnx)");
                       sub.add_option("--images", o->images, "CIFAR-10 binary file (default: bundled calibration images)");
                       sub.add_option("--count", o->count, "use the first N images (default: all)");
                       sub.add_option("--plan", o->plan,
                                      "calibrate with this plan's (or replacement list's) polynomials in place: "
                                      "each site's inputs as the approximated model feeds them");
                       sub.add_option("--out", o->out, "calibration JSON to write")->required();
                       sub.add_option("--data", o->data, "full data folder (default $OLA_DATA)");
                       sub.add_option("--reservoir", o->reservoir, "reservoir sample size per site")->capture_default_str();
                       sub.add_option("--bins", o->bins, "histogram bins per site")->capture_default_str()->check(CLI::PositiveNumber);
                       sub.add_option("--channel-bins", o->channel_bins,
                                      "also a histogram of this many bins per input channel (for uniform-plan --per-channel; 0: none)")
                           ->capture_default_str()
                           ->check(CLI::NonNegativeNumber);
                       add_normalization_options(sub, o->norm);
                       sub.add_option("--batch", o->batch, "images per batch")->capture_default_str()->check(CLI::PositiveNumber);
                       sub.add_option("--threads", o->threads, "threads (0: all cores)")->capture_default_str();
                       sub.add_flag("--json", o->json, "print a JSON summary instead of a table");
                       sub.add_flag("--quiet", o->quiet, "no progress bar");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace
}  // namespace ola::cli
