// `ola keygen --params NAME --model M --plan P --out-secret sk.bin --out-eval evk.bin`: the client
// makes a secret key (its file only, mode 0600) and the evaluation keys the server needs for this
// model and plan: relinearisation + exactly the program's Galois keys, and for a program that
// bootstraps the Galois steps of its bootstrappers (one per bootstrap slot count) and the
// conjugation key (docs/he-workflow.md); the keys only the program's layers use are made at the
// highest level those layers rotate at. The key count and memory are printed before the keys are
// made. With `--keys-per-stage` each bootstrap slot count's keys go into a section of their own,
// which `ola infer` loads when that stage's bootstrapper is built and frees after it
// (he/io/param_sets.h KeyResidency::per_stage).
#include <cstdio>
#include <memory>
#include <string>

#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "he/ckks_session.h"
#include "he/io/galois_key_maker.h"
#include "he/io/param_sets.h"
#include "he/io/party_files.h"
#include "he/program/program_files.h"
#include "util/error.h"

namespace ola::cli {
namespace {

struct KeygenOptions {
  std::string params = "test-n13", model, plan, out_secret, out_eval;
  int slots = 0;
  bool stage_bootstraps = false, keys_per_stage = false;
  bool json = false, estimate_only = false;
  int threads = 0;  ///< ckks::set_threads (0: all cores)
};

void run(const KeygenOptions& o) {
  if (!o.estimate_only && (o.out_secret.empty() || o.out_eval.empty())) {
    throw Error(ola::mismatch("ola keygen", "options", "--out-secret and --out-eval (or --estimate-only)", "a missing one"));
  }
  ckks::set_threads(o.threads);
  const he::ParamSet pset = he::param_set_by_name(o.params);
  const ckks::Params params(pset.params);
  const he::Program p =
      he::load_program(o.model, o.plan, he::program_options_for(params, pset.boot, o.slots, o.stage_bootstraps));
  const he::KeyPlan kp = he::key_plan(params, pset.boot, p,
                                      o.keys_per_stage ? he::KeyResidency::per_stage : he::KeyResidency::together);
  std::fprintf(stderr, "%s\n", he::describe_key_plan(params, p, kp).c_str());
  if (o.estimate_only) {
    // The server's memory besides ciphertexts and the linear layers' plaintexts: the evaluation
    // keys and the bootstrappers it holds at once (he/ckks_session.h: one at a time per stage).
    const he::BootstrapperMemory bm = he::bootstrapper_memory(params, pset.boot, p);
    if (!bm.bytes_by_slots.empty()) {
      std::fprintf(stderr, "bootstrapper matrices: %.2f GB for all %zu, at most %.2f GB at once; keys held + that: %.2f GB\n",
                   bm.total_bytes / 1e9, bm.bytes_by_slots.size(), bm.peak_bytes / 1e9,
                   (kp.resident_bytes + bm.peak_bytes) / 1e9);
    }
    print_json({{"params", o.params},
                {"slots", p.options.slots},
                {"bootstraps", p.bootstraps},
                {"bootstraps_by_slots", json_by_int_key(he::bootstraps_by_slots(p))},
                {"galois_keys", kp.galois_keys},
                {"eval_key_bytes", kp.bytes},
                {"resident_key_bytes", kp.resident_bytes},
                {"keys_per_stage", !kp.stage_key_level.empty()},
                {"eval_key_bytes_full_level", kp.bytes_full_level},
                {"linear_only_keys", kp.linear_only_steps.size()},
                {"linear_level", kp.linear_level},
                {"bootstrapper_bytes_by_slots", json_by_int_key(bm.bytes_by_slots)},
                {"bootstrapper_bytes_peak", bm.peak_bytes},
                {"bootstrapper_bytes_total", bm.total_bytes},
                {"eval_key_and_bootstrapper_bytes", kp.resident_bytes + bm.peak_bytes}});
    return;
  }
  const ckks::KeyGenerator keygen(params);
  const std::string fp = he::program_fingerprint(p);
  he::save_client_secret(o.out_secret, {params, keygen.secret_key(), p.input_layout, p.options.fresh_level, fp});
  he::EvaluationKeys eval{params,    keygen.relin_key(), he::make_galois_keys(keygen, kp), kp.rotation_steps, fp,
                          pset.name, p.options.slots,        o.stage_bootstraps, {}, {}};
  if (kp.encapsulation) eval.encapsulation = ckks::bootstrap_encapsulation_keys(keygen, *pset.boot);
  for (const auto& [slots, levels] : kp.stage_key_level) eval.stage_slots.push_back(slots);
  // Each stage's set made as its section is written: one set alive at a time.
  he::save_evaluation_keys(o.out_eval, eval, [&](int slots) { return he::make_stage_galois_keys(keygen, kp, slots); });
  if (o.json) {
    print_json({{"params", o.params},
                {"params_fingerprint", params.fingerprint()},
                {"program", fp},
                {"slots", p.options.slots},
                {"galois_keys", kp.galois_keys},
                {"eval_key_bytes", kp.bytes},
                {"bootstraps", p.bootstraps},
                {"bootstraps_by_slots", json_by_int_key(he::bootstraps_by_slots(p))},
                {"secret", o.out_secret},
                {"eval", o.out_eval}});
  } else {
    std::printf("keys for %s (%zu Galois keys, program %s): secret %s, evaluation %s\n", o.params.c_str(),
                kp.galois_keys, fp.substr(0, 16).c_str(), o.out_secret.c_str(), o.out_eval.c_str());
  }
}

OLA_REGISTER_COMMAND("keygen", "Client: make a secret key file and the evaluation keys of a model + plan",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<KeygenOptions>();
                       sub.add_option("--params", o->params, "parameter set: " + he::param_set_names())
                           ->capture_default_str();
                       sub.add_option("--slots", o->slots, "slots (power of two <= N/2; 0 = N/2): sparse packing and bootstrapping")
                           ->capture_default_str();
                       sub.add_flag("--stage-bootstraps", o->stage_bootstraps,
                                    "bootstrap each register at its period (per-stage sparse: a bootstrapper and keys per period)");
                       sub.add_flag("--keys-per-stage", o->keys_per_stage,
                                    "each bootstrap slot count's keys in a section of their own, loaded by infer "
                                    "with that stage's bootstrapper (less server memory)");
                       sub.add_option("--model,--program", o->model, "ONNX model")->required();
                       sub.add_option("--plan", o->plan, "OLA plan JSON (ola optimize)")->required();
                       sub.add_option("--out-secret", o->out_secret, "secret key file (written 0600)");
                       sub.add_option("--out-eval", o->out_eval, "evaluation key file for the server");
                       sub.add_flag("--estimate-only", o->estimate_only,
                                    "print the key count and memory (JSON) and make no keys");
                       sub.add_option("--threads", o->threads, "threads of the CKKS kernels (0: all cores)")
                           ->capture_default_str()
                           ->check(CLI::NonNegativeNumber);
                       sub.add_flag("--json", o->json, "print one JSON object");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace
}  // namespace ola::cli
