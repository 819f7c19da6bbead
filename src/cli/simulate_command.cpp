// `ola simulate --model M [--plan P] [--images FILE] [--count N] --json`: runs images through the
// exact model and through the model whose activation sites are replaced by the plan's polynomials,
// and prints top-1, agreement with the exact model, mean KL and per-site out-of-range counts.
// The plan is an OLA plan (`ola optimize`) or nn's replacement list [{"site": name or index,
// "approximation": {...}}] (nn/sim/approximation_json.h); without --plan every site stays exact.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/image_normalization.h"
#include "cli/json_output.h"
#include "cli/plan_replacements.h"
#include "cli/progress_bar.h"
#include "nn/data/cifar10.h"
#include "nn/data/data_files.h"
#include "nn/error.h"
#include "nn/onnx/onnx_import.h"
#include "nn/sim/approximation_json.h"
#include "nn/sim/simulate.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace ola::cli {
namespace {

struct SimulateOptions {
  std::string model, plan, images, data;
  std::size_t count = 0;
  int baseline_alpha = 0;
  ImageNormalization norm;
  std::size_t batch = 128;
  int threads = 0;
  bool json = false, quiet = false;
};

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

void run(const SimulateOptions& o) {
  const auto model_path = nn::resolve_data_file(nn::DataRole::model, o.model, o.data);
  const auto image_path = nn::resolve_data_file(nn::DataRole::test_images, o.images, o.data);
  const nn::Graph g = nn::import_onnx(model_path);
  nn::SiteReplacements rep(g.sites.size());
  if (o.baseline_alpha > 0) {
    if (o.plan.empty()) throw ola::Error("ola simulate: --baseline-alpha: expected an OLA plan (--plan) for the intervals, got none");
    rep = uniform_composite_relu(g, opt::load_plan(o.plan), o.baseline_alpha);
  } else if (!o.plan.empty()) {
    rep = load_replacements(g, o.plan);  // OLA plan or nn replacement list
  }
  nn::CifarOptions co;
  co.first = o.count;
  apply_normalization(o.norm, co, "ola simulate");
  const nn::ImageSet set = nn::load_cifar10(image_path, co);
  nn::ExecOptions eo;
  eo.batch_size = o.batch;
  eo.threads = o.threads;
  const auto t0 = std::chrono::steady_clock::now();
  const nn::SimulationResult r = nn::simulate(g, set.images, set.labels, rep, eo, make_progress_bar(!o.quiet));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const nn::Metrics exact = nn::compare_logits(r.exact_logits, r.exact_logits, set.labels);
  nlohmann::json sites = nlohmann::json::array();
  for (const auto& s : g.sites) {
    const auto i = static_cast<std::size_t>(s.index);
    nlohmann::json js = {{"index", s.index},
                         {"name", s.name},
                         {"replaced", rep[i].has_value()},
                         {"approximation", rep[i] ? rep[i]->label() : std::string("exact")},
                         {"inputs", r.stats.inputs[i]},
                         {"out_of_range", r.stats.out_of_range[i]},
                         {"out_of_range_fraction", r.stats.inputs[i] > 0 ? static_cast<double>(r.stats.out_of_range[i]) /
                                                                               static_cast<double>(r.stats.inputs[i])
                                                                         : 0.0}};
    if (rep[i]) {
      js["lo"] = rep[i]->lo;
      js["hi"] = rep[i]->hi;
    }
    sites.push_back(js);
  }
  if (o.json) {
    print_json({{"model", model_path.string()},
                {"images", image_path.string()},
                {"count", r.metrics.images},
                {"plan", o.plan},
                {"baseline_alpha", o.baseline_alpha},
                {"top1", r.metrics.top1},
                {"exact_top1", exact.top1},
                {"agreement", r.metrics.agreement},
                {"mean_kl", number_or_null(r.metrics.mean_kl)},
                {"nonfinite_images", r.metrics.nonfinite},
                {"seconds", seconds},
                {"sites", sites}});
    return;
  }
  std::printf("%s on %zu images of %s%s\n", model_path.c_str(), r.metrics.images, image_path.c_str(),
              o.plan.empty() ? " (exact)"
              : o.baseline_alpha > 0 ? (" with composite ReLU alpha = " + std::to_string(o.baseline_alpha) + " on the intervals of " + o.plan).c_str()
                                     : (" with plan " + o.plan).c_str());
  std::printf("top-1 %.2f%% (exact model %.2f%%), agreement %.2f%%, mean KL %.3g, %.2f s\n", 100 * r.metrics.top1,
              100 * exact.top1, 100 * r.metrics.agreement, r.metrics.mean_kl, seconds);
  for (const auto& s : sites) {
    if (s["replaced"].get<bool>()) {
      std::printf("  %-44s %-24s out of range %llu / %llu (%.2e)\n", s["name"].get<std::string>().c_str(),
                  s["approximation"].get<std::string>().c_str(), static_cast<unsigned long long>(s["out_of_range"].get<std::uint64_t>()),
                  static_cast<unsigned long long>(s["inputs"].get<std::uint64_t>()), s["out_of_range_fraction"].get<double>());
    }
  }
}

OLA_REGISTER_COMMAND("simulate", "Plaintext simulation of a plan: top-1, agreement and KL vs the exact model",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<SimulateOptions>();
                       sub.add_option("--model", o->model, "ONNX file or name (default: bundled resnet20.onnx)");
                       sub.add_option("--plan", o->plan, "OLA plan (ola optimize) or replacement list JSON [{site, approximation}] (default: exact)");
                       sub.add_option("--baseline-alpha", o->baseline_alpha, "simulate the uniform baseline instead: composite ReLU of this alpha at every ReLU site, on the --plan's intervals")->check(CLI::Range(4, 14));
                       sub.add_option("--images", o->images, "CIFAR-10 binary file (default: bundled 100 test images)");
                       sub.add_option("--count", o->count, "use the first N images (default: all)");
                       sub.add_option("--data", o->data, "full data folder (default $OLA_DATA)");
                       add_normalization_options(sub, o->norm);
                       sub.add_option("--batch", o->batch, "images per batch")->capture_default_str()->check(CLI::PositiveNumber);
                       sub.add_option("--threads", o->threads, "threads (0: all cores)")->capture_default_str();
                       sub.add_flag("--json", o->json, "print one JSON object");
                       sub.add_flag("--quiet", o->quiet, "no progress bar");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace
}  // namespace ola::cli
