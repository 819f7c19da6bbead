// `ola bench infer --model M --plan P --images K [--params NAME] --json`: keygen, encrypt, infer and
// decrypt (in memory, he/encrypted_run.h, as `ola demo`) on K test images (the first K, or from
// `--first-image S` on), compared
// with the plaintext simulation of the same program. With a bootstrapping set (test-boot-n12/13,
// n16) the bootstrappers (one per bootstrap slot count) are built like `ola infer` does
// (he/ckks_session.h: the first up front, the others at their first bootstrap); one progress line
// per step on stderr.
// `--baseline-alpha A` runs the uniform baseline instead of the plan's polynomials: composite
// minimax ReLU of precision A at every ReLU site on the plan's intervals (plan_replacements.h),
// bootstraps wherever the compiler needs them (the plan's placement is not used; a composite deeper
// than the levels after a bootstrap is split by one). `--compare-baseline A` runs the plan, then
// that baseline, in one process and prints both with the ratio baseline / plan; with
// `--baseline-params NAME` the baseline runs on that parameter set (e.g. n16-deep, whose longer
// window holds an alpha = 13 composite and a convolution per bootstrap, as MPCNN's chain does).
// `--keys-per-stage` keeps each bootstrap slot count's keys in a file of their own, loaded with
// that count's bootstrapper (he/io/param_sets.h KeyResidency::per_stage): less memory, a load per
// stage (counted in bootstrapper_setup).
// `--mean/--std` give the model's preprocessing (ImageNet's by default; CIFAR's for the ConvNeXt).
// `--image-log FILE` appends one JSON line per finished image (index, classes, logit error,
// seconds), so a long agreement run stopped part-way keeps what it measured and can go on from
// `--first-image`.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ckks/core/ckks.h"
#include "cli/command.h"
#include "cli/image_normalization.h"
#include "cli/json_output.h"
#include "cli/plan_replacements.h"
#include "he/ckks_session.h"
#include "he/encrypted_run.h"
#include "he/io/param_sets.h"
#include "he/io/party_files.h"
#include "he/program/program_files.h"
#include "nn/data/cifar10.h"
#include "nn/data/data_files.h"
#include "nn/onnx/onnx_import.h"
#include "ola/plan.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/process_memory.h"

namespace ola::cli {
namespace {

struct BenchInferOptions {
  std::string model, plan, params = "test-n13", image, data;
  std::size_t images = 1;
  std::size_t first_image = 0;  ///< index of the first test image run
  std::string image_log;        ///< JSON lines file appended per image (empty: none)
  ImageNormalization norm;      ///< the model's preprocessing
  int slots = 0;
  bool stage_bootstraps = false;
  bool keys_per_stage = false;  ///< KeyResidency::per_stage
  int threads = 0;              ///< ckks::set_threads (0: all cores)
  int baseline_alpha = 0;  ///< > 0: run the uniform composite ReLU baseline instead of the plan
  int compare_alpha = 0;   ///< > 0: run the plan, then this baseline, in one process
  std::string baseline_params;  ///< the compared baseline's parameter set (empty: --params)
  bool json = false;
};

/// log2 of an absolute error; -1074 (log2 of the smallest positive double) for an exact 0.
double error_bits(double err) { return err > 0 ? std::log2(err) : -1074.0; }

std::size_t argmax(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

/// The plan's program, or (alpha > 0) the uniform composite ReLU baseline on the plan's intervals:
/// every ReLU site composite of precision alpha, other sites keep the plan's polynomial, no
/// bootstrap placement from the plan (the compiler inserts what the levels need).
he::Program build_program(const BenchInferOptions& o, const ckks::Params& params, const he::ParamSet& pset,
                          int alpha) {
  const he::ProgramOptions po = he::program_options_for(params, pset.boot, o.slots, o.stage_bootstraps);
  if (alpha <= 0) return he::load_program(o.model, o.plan, po);
  const nn::Graph g = nn::import_onnx(o.model);
  const opt::Plan plan = opt::load_plan(o.plan);
  const nn::SiteReplacements rep = uniform_composite_relu(g, plan, alpha);
  std::vector<approx::Approximation> sites;
  for (std::size_t i = 0; i < rep.size(); ++i) {
    sites.push_back(rep[i].has_value() ? *rep[i] : plan.sites.at(i).approximation);
  }
  return he::compile_program(g, sites, po);
}

/// keygen, encrypt, infer, decrypt of `p` on the images, compared with its simulation.
nlohmann::json bench_program(const BenchInferOptions& o, const ckks::Params& params, const he::ParamSet& pset,
                             const he::Program& p, const nn::ImageSet& set, const std::string& label) {
  reset_peak_rss();
  const he::KeyPlan kp = he::key_plan(params, pset.boot, p,
                                      o.keys_per_stage ? he::KeyResidency::per_stage : he::KeyResidency::together);
  std::fprintf(stderr, "%s: %s\n", label.c_str(), he::describe_key_plan(params, p, kp).c_str());
  // Seconds per step kind, summed over the images (bootstrap / linear / activation / add, and
  // bootstrapper_setup: the part of a bootstrap step spent building its bootstrapper).
  std::map<std::string, double> by_kind;
  std::map<int, double> boot_by_slots;  // bootstrap seconds per slot count, summed over the images
  const he::CkksSession* session = nullptr;
  double built_seconds = 0.0;  // the session's bootstrapper setup seconds at the previous step
  he::EncryptedRunHooks hooks;
  hooks.on_keygen = [](double sec) { std::fprintf(stderr, "keygen %.1f s\n", sec); };
  hooks.on_setup = [&](double sec, const he::CkksSession& s) {
    session = &s;
    built_seconds = s.bootstrapper_build_seconds();
    if (s.bootstrap_slots().size() > 1) {
      std::fprintf(stderr, "backend setup (matrices of the first of %zu bootstrappers; the others at their first bootstrap) %.1f s\n",
                   s.bootstrap_slots().size(), sec);
    } else {
      std::fprintf(stderr, "backend setup (matrices of %zu bootstrappers) %.1f s\n", s.live_bootstrappers().size(), sec);
    }
  };
  hooks.on_step = [&](std::size_t i, const he::ProgramStep& s, double sec, int level) {
    std::fprintf(stderr, "[%zu/%zu] %-10s %-40s level %2d -> %2d  %8.3f s\n", i + 1, p.steps.size(),
                 he::to_string(s.op).c_str(), he::step_label(s).c_str(), s.level_before, level, sec);
    const double build = session->bootstrapper_build_seconds() - built_seconds;
    built_seconds += build;
    switch (s.op) {
      case he::ProgramOp::conv:
      case he::ProgramOp::shortcut:
      case he::ProgramOp::pool_fc:
      case he::ProgramOp::sum: by_kind["linear"] += sec; break;
      case he::ProgramOp::activation:
      case he::ProgramOp::activation_tail: by_kind["activation"] += sec; break;
      case he::ProgramOp::bootstrap:
        by_kind["bootstrap"] += sec - build;
        boot_by_slots[s.slots] += sec - build;
        if (build > 0.0) by_kind["bootstrapper_setup"] += build;
        break;
      case he::ProgramOp::add: by_kind["add"] += sec; break;
    }
  };
  double max_err = 0.0, max_logit = 0.0;
  std::size_t agree = 0, correct = 0;
  hooks.on_image = [&](std::size_t i, const he::EncryptedImage& image) {
    const auto& got = image.logits;
    const auto& want = image.simulated_logits;
    const std::size_t index = o.first_image + i;
    agree += argmax(got) == argmax(want);
    correct += static_cast<int>(argmax(got)) == set.labels.at(i);
    double err = 0.0;
    for (std::size_t j = 0; j < got.size(); ++j) err = std::max(err, std::abs(got[j] - want[j]));
    for (double w : want) max_logit = std::max(max_logit, std::abs(w));
    max_err = std::max(max_err, err);
    std::fprintf(stderr, "%s image %zu: class %zu (simulation %zu, label %d) %.1f s\n", label.c_str(), index, argmax(got),
                 argmax(want), set.labels.at(i), image.infer_seconds);
    if (!o.image_log.empty()) {
      const nlohmann::json line{{"run", label},
                                {"plan", o.plan},
                                {"params", pset.name},
                                {"image", index},
                                {"class", argmax(got)},
                                {"simulated_class", argmax(want)},
                                {"label", set.labels.at(i)},
                                {"logit_error_bits", error_bits(err)},
                                {"seconds", image.infer_seconds},
                                {"logits", got},
                                {"simulated_logits", want}};
      append_line(o.image_log, line.dump());  // one whole line per image, on disk as it ends
    }
  };
  const he::EncryptedRun r = he::run_encrypted(params, pset.boot, p, kp, set.images, o.images, hooks);
  const double n = static_cast<double>(std::max<std::size_t>(o.images, 1));
  nlohmann::json kinds = nlohmann::json::object();
  for (const auto& [k, v] : by_kind) kinds[k] = v / n;
  const std::map<int, int> boot_counts = he::bootstraps_by_slots(p);
  std::map<int, double> boot_mean;  // seconds per bootstrap of each slot count
  for (const auto& [slots, sec] : boot_by_slots) boot_mean[slots] = sec / (n * boot_counts.at(slots));
  return {{"run", label},
          {"seconds_per_image", r.infer_seconds / n},
          {"seconds_per_image_by_kind", kinds},
          {"keygen_seconds", r.keygen_seconds},
          {"setup_seconds", r.setup_seconds},
          {"bootstrapper_builds", r.bootstrapper_builds},
          {"bootstrapper_build_seconds", r.bootstrapper_build_seconds},
          {"slots", p.options.slots},
          {"bootstraps", p.bootstraps},
          {"bootstraps_by_slots", json_by_int_key(boot_counts)},
          {"seconds_per_bootstrap_by_slots", json_by_int_key(boot_mean)},
          {"galois_keys", kp.galois_keys},
          {"eval_key_bytes", r.eval_key_bytes},
          {"keys_per_stage", !kp.stage_key_level.empty()},
          {"resident_key_bytes", kp.resident_bytes},
          {"eval_key_bytes_full_level", kp.bytes_full_level},
          {"peak_rss_mb", peak_rss_mb()},
          {"first_image", o.first_image},
          {"agreement", static_cast<double>(agree) / n},
          {"agreeing_images", agree},
          {"encrypted_top1", static_cast<double>(correct) / n},
          {"max_abs_logit", max_logit},
          {"max_logit_error", max_err},
          {"max_logit_error_bits", error_bits(max_err)}};
}

void run(const BenchInferOptions& o) {
  if (o.baseline_alpha > 0 && o.compare_alpha > 0) {
    throw Error(ola::mismatch("ola bench infer", "options", "--baseline-alpha or --compare-baseline", "both"));
  }
  if (!o.baseline_params.empty() && o.compare_alpha <= 0) {
    throw Error(ola::mismatch("ola bench infer", "--baseline-params", "used with --compare-baseline", "without it"));
  }
  ckks::set_threads(o.threads);
  if (!o.image_log.empty()) {  // before the long runs: a log that cannot be written fails now
    const std::filesystem::path log(o.image_log);
    const auto dir = log.has_parent_path() ? log.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(dir)) {
      throw Error(ola::mismatch("ola bench infer", "--image-log " + o.image_log, "a file in an existing folder",
                                "folder " + dir.string() + " missing"));
    }
  }
  const he::ParamSet pset = he::param_set_by_name(o.params);
  const ckks::Params params(pset.params);
  const auto path = nn::resolve_data_file(nn::DataRole::test_images, o.image, o.data);
  nn::CifarOptions co;
  co.first = o.first_image + o.images;
  apply_normalization(o.norm, co, "ola bench infer");
  nn::ImageSet set = nn::load_cifar10(path, co);
  if (o.first_image > 0) {  // keep images first_image .. first_image + images - 1
    set.images = nn::slice_batch(set.images, static_cast<std::int64_t>(o.first_image), static_cast<std::int64_t>(o.images));
    set.labels.erase(set.labels.begin(), set.labels.begin() + static_cast<std::ptrdiff_t>(o.first_image));
  }
  nlohmann::json j{{"model", o.model}, {"plan", o.plan}, {"params", o.params}, {"images", o.images},
                   {"first_image", o.first_image}, {"threads", ckks::threads()}};
  if (o.compare_alpha > 0) {
    // Compile both first: a baseline that does not compile fails before the long plan run.
    const he::ParamSet base_set = o.baseline_params.empty() ? pset : he::param_set_by_name(o.baseline_params);
    const ckks::Params base_params(base_set.params);
    const he::Program base = build_program(o, base_params, base_set, o.compare_alpha);
    nlohmann::json plan_j = bench_program(o, params, pset, build_program(o, params, pset, 0), set, "plan");
    // The plan's numbers now, so a baseline that runs out of memory or time does not take them along.
    std::fprintf(stderr, "plan_run: %s\n", plan_j.dump().c_str());
    nlohmann::json base_j = bench_program(o, base_params, base_set, base, set, "baseline");
    base_j["baseline_alpha"] = o.compare_alpha;
    base_j["params"] = o.baseline_params.empty() ? o.params : o.baseline_params;
    const double ps = plan_j["seconds_per_image"].get<double>();
    j["ratio"] = ps > 0 ? base_j["seconds_per_image"].get<double>() / ps : 0.0;
    j["plan_run"] = std::move(plan_j);
    j["baseline_run"] = std::move(base_j);
  } else {
    j.update(bench_program(o, params, pset, build_program(o, params, pset, o.baseline_alpha), set,
                           o.baseline_alpha > 0 ? "baseline" : "plan"));
    if (o.baseline_alpha > 0) j["baseline_alpha"] = o.baseline_alpha;
  }
  j["process_peak_rss_mb"] = peak_rss_since_start_mb();
  if (o.json) {
    print_json(j);
  } else {
    std::printf("%s\n", j.dump(2).c_str());
  }
}

OLA_REGISTER_BENCH("infer", "Encrypted inference end to end on K test images vs the plaintext simulation (JSON)",
                   [](CLI::App& sub) {
                     auto o = std::make_shared<BenchInferOptions>();
                     sub.add_option("--model", o->model, "ONNX model")->required();
                     sub.add_option("--plan", o->plan, "OLA plan JSON")->required();
                     sub.add_option("--images", o->images, "number of test images")->capture_default_str()->check(CLI::PositiveNumber);
                     sub.add_option("--first-image", o->first_image, "index of the first test image run")
                         ->capture_default_str();
                     sub.add_option("--image-log", o->image_log,
                                    "append one JSON line per finished image to this file (a long run keeps its results)");
                     sub.add_option("--params", o->params, "parameter set: " + he::param_set_names())->capture_default_str();
                     sub.add_option("--slots", o->slots, "slots (power of two <= N/2; 0 = N/2)")->capture_default_str();
                     sub.add_flag("--stage-bootstraps", o->stage_bootstraps,
                                  "bootstrap each register at its period (per-stage sparse: a bootstrapper and keys per period)");
                     sub.add_flag("--keys-per-stage", o->keys_per_stage,
                                  "hold one stage's bootstrapping keys at a time (written to a temporary file at keygen, "
                                  "loaded with the stage's bootstrapper)");
                     sub.add_option("--image-file", o->image, "CIFAR-10 file (default: bundled test images)");
                     sub.add_option("--data", o->data, "full data folder (default $OLA_DATA)");
                     add_normalization_options(sub, o->norm);
                     sub.add_option("--baseline-alpha", o->baseline_alpha,
                                    "run the uniform composite ReLU baseline of this precision instead of the plan")
                         ->check(CLI::Range(1, 30));
                     sub.add_option("--compare-baseline", o->compare_alpha,
                                    "run the plan and the baseline of this precision in one process, with the ratio")
                         ->check(CLI::Range(1, 30));
                     sub.add_option("--baseline-params", o->baseline_params,
                                    "with --compare-baseline: the baseline's parameter set (default --params): " +
                                        he::param_set_names());
                     sub.add_option("--threads", o->threads, "threads of the CKKS kernels (0: all cores)")
                         ->capture_default_str()
                         ->check(CLI::NonNegativeNumber);
                     sub.add_flag("--json", o->json, "print one JSON object");
                     sub.callback([o] { run(*o); });
                   });

}  // namespace
}  // namespace ola::cli
