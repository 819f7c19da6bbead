// `ola demo`: the main job on the bundled default (data/: ResNet-20, 1,000 calibration and 100 test
// images, the measured N = 2^16 cost table): calibrate, optimize, simulate the plan against the exact
// model and the uniform alpha = 13 baseline, write the plan and the report, then (--encrypt) keygen,
// encrypt, infer and decrypt the first test image with the plan at the `n16-dense` parameter set (128-bit), compared
// with the plaintext simulation of the same program.
//
//   ola demo [--out DIR] [--budget 0.5] [--encrypt auto|yes|no] [--assume-mem-gb G] [--json] [--quiet]
//            [--threads T]
//
// The encrypted stage takes about 11 minutes and 15 GB peak RSS on a ResNet-20 image
// (docs/he-workflow.md); `auto` runs it when /proc/meminfo's MemAvailable is at least 18 GB and
// otherwise says what it would need and how to run it.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/plan_replacements.h"
#include "cli/progress_bar.h"
#include "he/encrypted_run.h"
#include "he/io/param_sets.h"
#include "he/program/program_files.h"
#include "he/program/program_linear_ops.h"
#include "nn/data/cifar10.h"
#include "nn/onnx/onnx_import.h"
#include "nn/sim/simulate.h"
#include "ola/baselines.h"
#include "ola/pipeline.h"
#include "ola/plan.h"
#include "ola/report/report.h"
#include "util/data_paths.h"
#include "util/error.h"
#include "util/process_memory.h"

namespace ola::cli {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// MemAvailable below which `--encrypt auto` skips the encrypted stage (measured peak RSS 14.75 GB at n16 for
/// ResNet-20, docs/he-workflow.md, plus room for the rest of the machine).
constexpr double kEncryptMemGb = 18.0;
constexpr const char* kEncryptParams = "n16-dense";  // 128-bit by the HE-standard table (docs/security.md)

struct DemoOptions {
  std::string out = "ola-demo";
  std::string encrypt = "auto";
  double budget = 0.5;
  double assume_mem_gb = -1.0;  ///< < 0: read /proc/meminfo
  int threads = 0;
  bool json = false, quiet = false;
};

/// MemAvailable of /proc/meminfo in GB (2^30 bytes, as `free -g`); nullopt if it cannot be read.
std::optional<double> mem_available_gb() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (in >> key >> kb) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kb / 1048576.0;
  }
  return std::nullopt;
}

/// Whether the encrypted stage runs, and why (for the report).
struct EncryptDecision {
  bool run = false;
  std::string reason;
  std::optional<double> mem_gb;
};

EncryptDecision decide_encrypt(const DemoOptions& o) {
  if (o.encrypt == "no") return {false, "skipped (--encrypt no)", std::nullopt};
  const std::optional<double> mem = o.assume_mem_gb >= 0 ? std::optional<double>(o.assume_mem_gb) : mem_available_gb();
  if (o.encrypt == "yes") return {true, "--encrypt yes", mem};
  char buf[256];
  if (mem && *mem >= kEncryptMemGb) {
    std::snprintf(buf, sizeof buf, "--encrypt auto: %.1f GB available >= %.0f GB", *mem, kEncryptMemGb);
    return {true, buf, mem};
  }
  if (mem) {
    std::snprintf(buf, sizeof buf, "skipped: %.1f GB available, needs %.0f GB", *mem, kEncryptMemGb);
  } else {
    std::snprintf(buf, sizeof buf, "skipped: MemAvailable unknown (no /proc/meminfo), needs %.0f GB", kEncryptMemGb);
  }
  return {false, buf, mem};
}

std::size_t argmax(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

/// One test image through keygen, encrypt, infer and decrypt in memory and through the plaintext
/// simulation of the same program (he::run_encrypted, as `ola bench infer`).
struct EncryptedStage {
  std::vector<double> logits, sim_logits;
  double max_error = 0, infer_seconds = 0, keygen_seconds = 0, setup_seconds = 0, peak_rss_gb = 0;
  int bootstraps = 0;
  std::size_t galois_keys = 0;
};

EncryptedStage run_encrypted(const std::filesystem::path& model, const std::filesystem::path& plan,
                             const nn::ImageSet& images, bool chatty) {
  const he::ParamSet pset = he::param_set_by_name(kEncryptParams);
  const ckks::Params params(pset.params);
  const he::Program p = he::load_program(model, plan, he::program_options_for(params, pset.boot, 0));
  const he::KeyPlan kp = he::key_plan(params, pset.boot, p);
  if (chatty) std::fprintf(stderr, "%s\n", he::describe_key_plan(params, p, kp).c_str());
  he::EncryptedRunHooks hooks;
  if (chatty) {
    hooks.on_step = [&p](std::size_t i, const he::ProgramStep& s, double sec, int level) {
      std::fprintf(stderr, "  [%zu/%zu] %-10s %-40s level %2d -> %2d  %8.3f s\n", i + 1, p.steps.size(),
                   he::to_string(s.op).c_str(), he::step_label(s).c_str(), s.level_before, level, sec);
    };
  }
  he::EncryptedRun run = he::run_encrypted(params, pset.boot, p, kp, images.images, 1, hooks);
  EncryptedStage r;
  r.bootstraps = p.bootstraps;
  r.galois_keys = kp.galois_keys;
  r.logits = std::move(run.images.at(0).logits);
  r.sim_logits = std::move(run.images.at(0).simulated_logits);
  r.keygen_seconds = run.keygen_seconds;
  r.setup_seconds = run.setup_seconds;
  r.infer_seconds = run.infer_seconds;
  for (std::size_t j = 0; j < r.logits.size(); ++j) {
    r.max_error = std::max(r.max_error, std::abs(r.logits[j] - r.sim_logits[j]));
  }
  r.peak_rss_gb = peak_rss_since_start_mb() / 1024.0;
  return r;
}

std::string bench_infer_command(const std::filesystem::path& model, const std::filesystem::path& plan) {
  return "ola bench infer --model " + model.string() + " --plan " + plan.string() + " --params " + kEncryptParams +
         " --images 1 --json";
}

std::string format_logits(const std::vector<double>& v) {
  std::ostringstream s;
  s.precision(4);
  s << std::fixed;
  for (std::size_t i = 0; i < v.size(); ++i) s << (i ? " " : "") << v[i];
  return s.str();
}

void run(const DemoOptions& o) {
  if (o.encrypt != "auto" && o.encrypt != "yes" && o.encrypt != "no") {
    throw Error(ola::mismatch("ola demo", "--encrypt", "auto, yes or no", "'" + o.encrypt + "'"));
  }
  const auto t_start = std::chrono::steady_clock::now();
  const auto data = bundled_data_dir();
  const auto model = require_file(data, "resnet20.onnx", "bundled ResNet-20 model");
  const auto calib = require_file(data, "cifar10_calib_first1000.bin", "bundled calibration images");
  const auto test = require_file(data, "cifar10_test_first100.bin", "bundled test images");
  const auto costs = require_file(data, "costs-n16.json", "bundled cost table (ola bench costs --params n16)");
  const auto deep_costs = require_file(data, "costs-n16-deep.json", "bundled cost table of the deeper chain (ola bench costs --params n16-deep)");
  const std::filesystem::path out = o.out;
  std::error_code ec;
  std::filesystem::create_directories(out / "cache", ec);
  if (ec) throw Error(ola::mismatch("ola demo", "--out", "a folder it can write", out.string() + ": " + ec.message()));
  const bool chatty = !o.json;
  const Progress progress = make_progress_bar(!o.quiet);
  const EncryptDecision enc = decide_encrypt(o);

  // 1-2. Calibrate on 700 training images, measure each candidate's impact on the other 300,
  //      price everything with the cost table and solve the dynamic program.
  if (chatty) std::printf("[1/3] calibrate + optimize: %s, calibration %s\n", model.c_str(), calib.c_str());
  opt::PipelineSettings s;
  s.model = model;
  s.calibration = calib;
  s.calibration_images = 700;
  s.heldout_count = 300;
  s.costs = costs;
  s.baseline_costs = {deep_costs};  // alpha = 13 needs 15 levels per convolution: n16-deep has them
  s.impact.cache_dir = out / "cache";
  s.impact.exec.threads = o.threads;
  s.optimizer.budget = o.budget;
  s.linear_ops = he::linear_ops_at_slots;
  const opt::PipelineResult r = opt::run_pipeline(s, progress);
  const opt::Plan& plan = r.output.plan;
  const auto plan_path = out / "plan.json";
  opt::save_plan(plan, plan_path);
  opt::write_report(out / "report", r);

  // 3. Simulate the plan and the uniform baseline on the bundled test images.
  if (chatty) std::printf("[2/3] simulate on %s\n", test.c_str());
  const nn::Graph g = nn::import_onnx(model);
  const nn::ImageSet images = nn::load_cifar10(test, nn::CifarOptions{});
  nn::ExecOptions eo;
  eo.threads = o.threads;
  const auto sim_plan = nn::simulate(g, images.images, images.labels, replacements_from_plan(g, plan, plan_path.string()), eo, progress);
  const auto sim_base = nn::simulate(g, images.images, images.labels, uniform_composite_relu(g, plan, 13), eo, progress);
  const nn::Metrics exact = nn::compare_logits(sim_plan.exact_logits, sim_plan.exact_logits, images.labels);

  const opt::Baseline* base = opt::headline_baseline(plan);
  const opt::Baseline* bound = opt::find_baseline(plan, "uniform_relu_alpha13");
  const double speedup = base ? base->totals.predicted_ms / plan.totals.predicted_ms : 0.0;

  // 4. The encrypted stage: image 0 of the test set, against the program's plaintext simulation.
  const std::size_t k = sim_plan.logits.data.size() / std::max<std::size_t>(images.labels.size(), 1);
  const std::vector<double> nn_logits(sim_plan.logits.data.begin(), sim_plan.logits.data.begin() + static_cast<std::ptrdiff_t>(k));
  const std::string how = bench_infer_command(model, plan_path);
  nlohmann::json ej{{"params", kEncryptParams}, {"image", 0}, {"label", images.labels.at(0)},
                    {"needs_mem_gb", kEncryptMemGb}, {"mem_available_gb", enc.mem_gb ? nlohmann::json(*enc.mem_gb) : nlohmann::json(nullptr)},
                    {"run", enc.run}, {"reason", enc.reason}, {"plaintext_class", argmax(nn_logits)}};
  std::optional<EncryptedStage> er;
  if (enc.run) {
    if (chatty) std::printf("[3/3] encrypted: keygen, encrypt, infer, decrypt test image 0 at %s (%s)\n", kEncryptParams, enc.reason.c_str());
    std::fflush(stdout);
    ckks::set_threads(o.threads);
    er = run_encrypted(model, plan_path, images, !o.quiet);
    ej.update({{"class", argmax(er->logits)}, {"logits", er->logits},
               {"simulated_class", argmax(er->sim_logits)}, {"simulated_logits", er->sim_logits},
               {"max_logit_error", er->max_error}, {"seconds_per_image", er->infer_seconds},
               {"keygen_seconds", er->keygen_seconds}, {"setup_seconds", er->setup_seconds},
               {"bootstraps", er->bootstraps}, {"galois_keys", er->galois_keys}, {"peak_rss_gb", er->peak_rss_gb}});
  } else {
    ej["command"] = how;
  }

  if (o.json) {
    print_json({{"plan", plan_path.string()},
                {"report", (out / "report").string()},
                {"images", images.labels.size()},
                {"exact_top1", exact.top1},
                {"plan_top1", sim_plan.metrics.top1},
                {"plan_agreement", sim_plan.metrics.agreement},
                {"baseline_top1", sim_base.metrics.top1},
                {"baseline_agreement", sim_base.metrics.agreement},
                {"predicted_seconds", plan.totals.predicted_ms / 1000.0},
                {"bootstraps", plan.totals.bootstraps},
                {"baseline_seconds", base ? nlohmann::json(base->totals.predicted_ms / 1000.0) : nlohmann::json(nullptr)},
                {"baseline_bootstraps", base ? nlohmann::json(base->totals.bootstraps) : nlohmann::json(nullptr)},
                {"speedup", base ? nlohmann::json(speedup) : nlohmann::json(nullptr)},
                {"baseline_name", base ? nlohmann::json(base->name) : nlohmann::json(nullptr)},
                {"baseline_lower_bound_seconds", bound ? nlohmann::json(bound->totals.predicted_ms / 1000.0) : nlohmann::json(nullptr)},
                {"bootstrap_cost", plan.bootstrap_cost},
                {"encrypted", ej},
                {"seconds", seconds_since(t_start)}});
    return;
  }
  if (!er) {
    std::printf("[3/3] encrypted stage %s\n", enc.reason.c_str());
    if (o.encrypt == "auto") {
      std::printf("      it needs about 15 GB peak RSS and 11 min (ResNet-20 at %s); run it with `ola demo --encrypt yes`\n"
                  "      or, with this plan, `%s`\n", kEncryptParams, how.c_str());
    }
  }
  std::printf("\nOLA demo: ResNet-20, budget %.2f top-1 points\n", o.budget);
  std::printf("  %-34s %10s %12s %11s\n", "", "top-1", "agreement", "predicted");
  std::printf("  %-34s %9.1f%% %12s %11s\n", "exact float model", 100 * exact.top1, "-", "-");
  std::printf("  %-34s %9.1f%% %11.1f%% %9.1f s\n", "OLA plan (per-site polynomials)", 100 * sim_plan.metrics.top1,
              100 * sim_plan.metrics.agreement, plan.totals.predicted_ms / 1000.0);
  if (base) {
    std::printf("  %-34s %9.1f%% %11.1f%% %9.1f s\n", "uniform ReLU alpha=13 (MPCNN)", 100 * sim_base.metrics.top1,
                100 * sim_base.metrics.agreement, base->totals.predicted_ms / 1000.0);
    std::printf("  predicted speed-up over the baseline: %.2fx (%d vs %d bootstraps, baseline %s; bootstrap cost %s)\n",
                speedup, plan.totals.bootstraps, base->totals.bootstraps, base->name.c_str(), plan.bootstrap_cost.c_str());
    if (bound && bound != base) {
      std::printf("  against the lower bound (alpha = 13 granted a 16-level window at n16's bootstrap price, %.1f s): %.2fx\n",
                  bound->totals.predicted_ms / 1000.0, bound->totals.predicted_ms / plan.totals.predicted_ms);
    }
  }
  std::printf("  (accuracy on the %zu bundled test images; the full check is `ola simulate` on 1,000+)\n",
              images.labels.size());
  if (er) {
    std::printf("  encrypted test image 0 (label %d) at %s: class %zu, plaintext simulation class %zu\n",
                images.labels.at(0), kEncryptParams, argmax(er->logits), argmax(er->sim_logits));
    std::printf("    logits encrypted  %s\n    logits simulated  %s\n", format_logits(er->logits).c_str(),
                format_logits(er->sim_logits).c_str());
    std::printf("    max logit error %.2e; %.0f s per image, %d bootstraps, keygen %.0f s, setup %.0f s, peak RSS %.2f GB\n",
                er->max_error, er->infer_seconds, er->bootstraps, er->keygen_seconds, er->setup_seconds, er->peak_rss_gb);
  }
  std::printf("plan: %s\nreport: %s\ntotal %.0f s\n", plan_path.c_str(), (out / "report" / "report.md").c_str(),
              seconds_since(t_start));
}

}  // namespace

OLA_REGISTER_COMMAND("demo", "Calibrate, optimize, simulate ResNet-20 on the bundled data, then run one image encrypted",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<DemoOptions>();
                       sub.add_option("--out", o->out, "output folder (plan, report, impact cache)")->capture_default_str();
                       sub.add_option("--budget", o->budget, "accuracy budget, top-1 percentage points")->capture_default_str();
                       sub.add_option("--threads", o->threads, "threads (0: all cores)")->capture_default_str();
                       sub.add_option("--encrypt", o->encrypt,
                                      "encrypted stage at n16-dense (~11 min, ~15 GB): auto (if MemAvailable >= 18 GB), yes or no")
                           ->capture_default_str();
                       sub.add_option("--assume-mem-gb", o->assume_mem_gb,
                                      "use this instead of /proc/meminfo's MemAvailable for --encrypt auto (GB)");
                       sub.add_flag("--json", o->json, "print one JSON object");
                       sub.add_flag("--quiet", o->quiet, "no progress bars");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace ola::cli
