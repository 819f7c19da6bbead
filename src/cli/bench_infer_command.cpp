// `ola bench infer --model M --plan P --images K [--params NAME] --json`: keygen, encrypt, infer and
// decrypt (in memory, the same code as the four commands) on the first K test images, compared
// with the plaintext simulation of the same program. With a bootstrapping set (test-boot-n12/13,
// n16) the bootstrapper is built like `ola infer` does; one progress line per step on stderr.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "ckks/core/ckks.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "he/ckks_backend.h"
#include "he/ckks_session.h"
#include "he/io/galois_key_maker.h"
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

struct BenchInferOptions {
  std::string model, plan, params = "test-n13", image, data;
  std::size_t images = 1;
  int slots = 0;
  bool json = false;
};

std::size_t argmax(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

void run(const BenchInferOptions& o) {
  const he::ParamSet pset = he::param_set_by_name(o.params);
  const ckks::Params params(pset.params);
  const he::Program p = he::load_program(o.model, o.plan, he::program_options_for(params, pset.boot, o.slots));
  const he::KeyPlan kp = he::key_plan(params, pset.boot, p);
  std::fprintf(stderr, "%s\n", he::describe_key_plan(params, p, kp).c_str());
  const auto path = nn::resolve_data_file(nn::DataRole::test_images, o.image, o.data);
  nn::CifarOptions co;
  co.first = o.images;
  const nn::ImageSet set = nn::load_cifar10(path, co);

  const auto k0 = std::chrono::steady_clock::now();
  const ckks::KeyGenerator keygen(params);
  auto relin = std::make_shared<const ckks::RelinKey>(keygen.relin_key());
  auto galois = std::make_shared<const ckks::GaloisKeys>(he::make_galois_keys(keygen, kp));
  const double key_bytes = he::galois_key_bytes(*galois) + he::switching_key_bytes(params);
  const double keygen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - k0).count();
  std::fprintf(stderr, "keygen %.1f s\n", keygen_s);
  const auto b0 = std::chrono::steady_clock::now();
  he::CkksSession session(params, std::move(relin), std::move(galois), kp.bootstrapper ? pset.boot : std::nullopt,
                          p.options.slots);
  const double setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - b0).count();
  std::fprintf(stderr, "backend setup (bootstrapper matrices) %.1f s\n", setup_s);
  const ckks::Encoder& encoder = session.encoder();
  const ckks::Encryptor encryptor(params, keygen.secret_key());
  const ckks::Decryptor decryptor(params, keygen.secret_key());
  he::CkksBackend& be = session.backend();
  const he::StepObserver observe = [&p](std::size_t i, const he::ProgramStep& s, double sec, int level) {
    std::fprintf(stderr, "[%zu/%zu] %-10s %-40s level %2d -> %2d  %8.3f s\n", i + 1, p.steps.size(),
                 he::to_string(s.op).c_str(), s.name.c_str(), s.level_before, level, sec);
  };
  const auto acts = he::ckks_program_activations(p);
  const auto sim_acts = he::sim_program_activations(p);

  double infer_s = 0.0, max_err = 0.0;
  std::size_t agree = 0;
  for (std::size_t i = 0; i < o.images; ++i) {
    const auto slots = he::pack(p.input_layout, he::image_map(set.images, static_cast<std::int64_t>(i)));
    const ckks::Ciphertext in =
        encryptor.encrypt(encoder.encode(slots, p.options.fresh_level, params.default_scale(), slots.size()));
    const auto t0 = std::chrono::steady_clock::now();
    const ckks::Ciphertext out = he::run_program<he::CkksBackend>(be, p, in, acts, observe);
    infer_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto got = he::unpack_logits(p.head, encoder.decode_real(decryptor.decrypt(out)));
    he::SlotSimBackend sim({p.options.slots, p.options.fresh_level, p.options.boot_level, 40, std::nullopt});
    const auto want = he::unpack_logits(
        p.head, sim.decrypt(he::run_program<he::SlotSimBackend>(sim, p, sim.encrypt(slots), sim_acts)));
    agree += argmax(got) == argmax(want);
    for (std::size_t j = 0; j < got.size(); ++j) max_err = std::max(max_err, std::abs(got[j] - want[j]));
    std::fprintf(stderr, "image %zu: class %zu (simulation %zu)\n", i, argmax(got), argmax(want));
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double n = static_cast<double>(std::max<std::size_t>(o.images, 1));
  const nlohmann::json j{{"model", o.model},
                         {"plan", o.plan},
                         {"params", o.params},
                         {"images", o.images},
                         {"seconds_per_image", infer_s / n},
                         {"keygen_seconds", keygen_s},
                         {"setup_seconds", setup_s},
                         {"slots", p.options.slots},
                         {"bootstraps", p.bootstraps},
                         {"galois_keys", kp.galois_keys},
                         {"eval_key_bytes", key_bytes},
                         {"eval_key_bytes_full_level", kp.bytes_full_level},
                         {"peak_rss_mb", static_cast<double>(ru.ru_maxrss) / 1024.0},
                         {"agreement", static_cast<double>(agree) / n},
                         {"max_logit_error", max_err},
                         {"max_logit_error_bits", max_err > 0 ? std::log2(max_err) : -1074.0}};
  if (o.json) {
    print_json(j);
  } else {
    std::printf("%s\n", j.dump(2).c_str());
  }
}

OLA_REGISTER_BENCH("infer", "Encrypted inference end to end on the first K test images vs the plaintext simulation (JSON)",
                   [](CLI::App& sub) {
                     auto o = std::make_shared<BenchInferOptions>();
                     sub.add_option("--model", o->model, "ONNX model")->required();
                     sub.add_option("--plan", o->plan, "OLA plan JSON")->required();
                     sub.add_option("--images", o->images, "number of test images")->capture_default_str()->check(CLI::PositiveNumber);
                     sub.add_option("--params", o->params, "parameter set: " + he::param_set_names())->capture_default_str();
                     sub.add_option("--slots", o->slots, "slots (power of two <= N/2; 0 = N/2)")->capture_default_str();
                     sub.add_option("--image-file", o->image, "CIFAR-10 file (default: bundled test images)");
                     sub.add_option("--data", o->data, "full data folder (default $OLA_DATA)");
                     sub.add_flag("--json", o->json, "print one JSON object");
                     sub.callback([o] { run(*o); });
                   });

}  // namespace
}  // namespace ola::cli
