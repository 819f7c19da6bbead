// `ola infer --model M --plan P --eval evk.bin --in ct.bin --out logits.ct`: the server runs the
// compiled program on an encrypted image with the evaluation keys only (it refuses secret key files
// and keys of other parameters or programs), bootstrapping with one ckks::Bootstrapper per slot
// count the program bootstraps at, built from those keys (with keys made `--keys-per-stage`: each
// stage's keys read from the key file when its bootstrapper is built, freed with it), printing
// progress per layer and a per-layer time and level breakdown on stderr.
// `ola infer --simulate --model M --plan P --params NAME [--image F] --index I --json`: the same
// program on the plaintext slot simulator (the reference the encrypted run must agree with).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "ckks/core/ckks.h"
#include "cli/command.h"
#include "cli/image_normalization.h"
#include "cli/json_output.h"
#include "he/ckks_backend.h"
#include "he/ckks_session.h"
#include "he/io/param_sets.h"
#include "he/io/party_files.h"
#include "he/program/activations.h"
#include "he/program/program_files.h"
#include "he/program/run_program.h"
#include "he/slot_sim_backend.h"
#include "nn/data/cifar10.h"
#include "nn/data/data_files.h"
#include "util/error.h"

namespace ola::cli {
namespace {

struct InferOptions {
  std::string model, plan, eval, in, out, params = "test-n13", image, data;
  std::int64_t index = 0;
  int slots = 0;
  bool stage_bootstraps = false;
  bool simulate = false, json = false, quiet = false;
  int threads = 0;  ///< ckks::set_threads (0: all cores)
  ImageNormalization norm;  ///< with --simulate: the model's preprocessing
};

struct Breakdown {
  std::vector<double> seconds;
  std::vector<int> levels;
};

he::StepObserver progress(const he::Program& p, Breakdown& b, bool quiet) {
  return [&p, &b, quiet](std::size_t i, const he::ProgramStep& s, double sec, int level) {
    b.seconds.push_back(sec);
    b.levels.push_back(level);
    if (!quiet) {
      std::fprintf(stderr, "[%zu/%zu] %-10s %-40s level %2d -> %2d  %8.3f s\n", i + 1, p.steps.size(),
                   he::to_string(s.op).c_str(), he::step_label(s).c_str(), s.level_before, level, sec);
    }
  };
}

void print_breakdown(const he::Program& p, const Breakdown& b, double total) {
  std::map<std::string, std::pair<int, double>> by_op;
  for (std::size_t i = 0; i < b.seconds.size(); ++i) {
    auto& e = by_op[he::to_string(p.steps[i].op)];
    ++e.first;
    e.second += b.seconds[i];
  }
  std::fprintf(stderr, "per-layer breakdown (step, op, name, level in -> out, seconds):\n");
  for (std::size_t i = 0; i < b.seconds.size(); ++i) {
    std::fprintf(stderr, "  %3zu %-10s %-40s %2d -> %2d %9.3f\n", i, he::to_string(p.steps[i].op).c_str(),
                 p.steps[i].name.c_str(), p.steps[i].level_before, b.levels[i], b.seconds[i]);
  }
  for (const auto& [op, e] : by_op) {
    std::fprintf(stderr, "  total %-10s x%-3d %9.3f s (%.1f%%)\n", op.c_str(), e.first, e.second,
                 total > 0 ? 100.0 * e.second / total : 0.0);
  }
  std::fprintf(stderr, "  total %.3f s, %d bootstraps\n", total, p.bootstraps);
}

void print_logits(const std::vector<double>& logits, bool json, const char* what) {
  const auto cls = std::max_element(logits.begin(), logits.end()) - logits.begin();
  if (json) {
    print_json({{"class", cls}, {"logits", logits}});
  } else {
    std::printf("%s class %ld, logits", what, static_cast<long>(cls));
    for (double v : logits) std::printf(" %.6g", v);
    std::printf("\n");
  }
}

void run_simulation(const InferOptions& o) {
  const he::ParamSet pset = he::param_set_by_name(o.params);
  const ckks::Params params(pset.params);
  const he::Program p =
      he::load_program(o.model, o.plan, he::program_options_for(params, pset.boot, o.slots, o.stage_bootstraps));
  const auto path = nn::resolve_data_file(nn::DataRole::test_images, o.image, o.data);
  nn::CifarOptions co;
  co.first = static_cast<std::size_t>(o.index + 1);
  apply_normalization(o.norm, co, "ola infer --simulate");
  const nn::ImageSet set = nn::load_cifar10(path, co);
  he::SlotSimBackend be({p.options.slots, p.options.fresh_level, p.options.boot_level, 40, std::nullopt});
  const auto acts = he::sim_program_activations(p);
  const auto tails = he::sim_program_activation_tails(p);
  const auto in = be.encrypt(he::pack(p.input_layout, he::image_map(set.images, o.index)));
  Breakdown b;  // the program's levels and bootstraps per layer, as an encrypted run would show them
  const auto t0 = std::chrono::steady_clock::now();
  const auto out = he::run_program<he::SlotSimBackend>(be, p, in, acts, progress(p, b, o.quiet), tails);
  if (!o.quiet) print_breakdown(p, b, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  print_logits(he::unpack_logits(p.head, be.decrypt(out)), o.json, "simulated");
}

void run(const InferOptions& o) {
  if (o.simulate) return run_simulation(o);
  if (o.eval.empty() || o.in.empty() || o.out.empty()) {
    throw Error(ola::mismatch("ola infer", "options", "--eval, --in and --out (or --simulate)", "a missing one"));
  }
  ckks::set_threads(o.threads);
  he::EvaluationKeys keys = he::load_evaluation_keys(o.eval);
  const he::ParamSet pset = he::param_set_by_name(keys.param_set);
  if (!(ckks::Params(pset.params) == keys.params)) {
    throw Error(ola::mismatch(o.eval, "params", "the chain of set " + pset.name, keys.params.summary()));
  }
  const he::Program p = he::load_program(
      o.model, o.plan, he::program_options_for(keys.params, pset.boot, keys.slots, keys.stage_bootstraps));
  const std::string fp = he::program_fingerprint(p);
  if (fp != keys.program) {
    throw Error(ola::mismatch(o.eval, "program", fp + " (this model and plan)",
                              keys.program + " (keys made for another model, plan or parameter set)"));
  }
  const he::KeyPlan kp = he::key_plan(keys.params, pset.boot, p,
                                      keys.stage_slots.empty() ? he::KeyResidency::together : he::KeyResidency::per_stage);
  if (keys.stage_slots != kp.bootstrap_slots && !keys.stage_slots.empty()) {
    throw Error(ola::mismatch(o.eval, "stage_slots", "the program's bootstrap slot counts", "other counts"));
  }
  for (int s : kp.rotation_steps) {
    if (!std::binary_search(keys.rotation_steps.begin(), keys.rotation_steps.end(), s)) {
      throw Error(ola::mismatch(o.eval, "galois keys", "a key for rotation " + std::to_string(s), "none"));
    }
  }
  const ckks::Ciphertext in = he::load_input_ciphertext(o.in, keys.params);
  const auto b0 = std::chrono::steady_clock::now();
  he::StageKeyLoader stage_keys;
  if (!keys.stage_slots.empty()) {  // each stage's keys read with its bootstrapper
    stage_keys = [&o, &keys, key_id = keys.relin.key_id](int slots) {
      return std::make_shared<const ckks::GaloisKeys>(he::load_stage_galois_keys(o.eval, keys.params, key_id, slots));
    };
  }
  he::CkksSession session(keys.params, std::make_shared<const ckks::RelinKey>(std::move(keys.relin)),
                          std::make_shared<const ckks::GaloisKeys>(std::move(keys.galois)), pset.boot, p, stage_keys,
                          keys.encapsulation);
  if (!session.live_bootstrappers().empty() && !o.quiet) {
    std::string counts;
    for (int n : session.bootstrap_slots()) counts += (counts.empty() ? "" : ", ") + std::to_string(n);
    const int first = session.live_bootstrappers().front();
    std::fprintf(stderr, "bootstrappers for %s slots: %d ready in %.1f s (output level %d)%s\n", counts.c_str(), first,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - b0).count(),
                 session.bootstrapper(first)->levels_after(),
                 session.bootstrap_slots().size() > 1 ? ", each other one built at its first bootstrap" : "");
  }
  he::CkksBackend& be = session.backend();
  const auto acts = he::ckks_program_activations(p);
  const auto tails = he::ckks_program_activation_tails(p);
  Breakdown b;
  const auto t0 = std::chrono::steady_clock::now();
  const ckks::Ciphertext out = he::run_program<he::CkksBackend>(be, p, in, acts, progress(p, b, o.quiet), tails);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  he::save_encrypted_logits(o.out, {out, p.head.logit_slots, fp}, keys.params);
  print_breakdown(p, b, total);
  if (o.json) {
    print_json({{"seconds", total}, {"bootstraps", be.stats().bootstraps}, {"rotations", be.stats().rotations},
                {"lazy_rotations", be.stats().lazy_rotations}, {"hoisted_rotations", be.stats().hoisted_rotations},
                {"out", o.out}});
  }
}

OLA_REGISTER_COMMAND("infer", "Server: run a model + plan on an encrypted image with evaluation keys only",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<InferOptions>();
                       sub.add_option("--model", o->model, "ONNX model")->required();
                       sub.add_option("--plan", o->plan, "OLA plan JSON")->required();
                       sub.add_option("--eval", o->eval, "evaluation key file (ola keygen --out-eval)");
                       sub.add_option("--in", o->in, "input ciphertext (ola encrypt)");
                       sub.add_option("--out", o->out, "encrypted logits file");
                       sub.add_flag("--simulate", o->simulate, "run the program on the plaintext simulator instead");
                       sub.add_option("--params", o->params, "parameter set (with --simulate): " + he::param_set_names())
                           ->capture_default_str();
                       sub.add_option("--slots", o->slots, "slots (with --simulate; 0 = N/2)")->capture_default_str();
                       sub.add_flag("--stage-bootstraps", o->stage_bootstraps,
                                    "with --simulate: bootstrap each register at its period (per-stage sparse); "
                                    "without, the key file says");
                       sub.add_option("--image", o->image, "CIFAR-10 file (with --simulate; default bundled)");
                       sub.add_option("--index", o->index, "image index (with --simulate)")->check(CLI::NonNegativeNumber);
                       add_normalization_options(sub, o->norm);
                       sub.add_option("--data", o->data, "full data folder (default $OLA_DATA)");
                       sub.add_option("--threads", o->threads, "threads of the CKKS kernels (0: all cores)")
                           ->capture_default_str()
                           ->check(CLI::NonNegativeNumber);
                       sub.add_flag("--json", o->json, "print one JSON object on stdout");
                       sub.add_flag("--quiet", o->quiet, "no per-layer progress lines");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace
}  // namespace ola::cli
