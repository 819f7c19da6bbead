// `ola keygen --params NAME --model M --plan P --out-secret sk.bin --out-eval evk.bin`: the client
// makes a secret key (its file only, mode 0600) and the evaluation keys the server needs for this
// model and plan: relinearisation + exactly the program's Galois keys (docs/he-workflow.md).
#include <cstdio>
#include <memory>
#include <string>

#include "ckks/core/ckks.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "he/io/party_files.h"
#include "he/program/program_files.h"

namespace ola::cli {
namespace {

struct KeygenOptions {
  std::string params = "test-n13", model, plan, out_secret, out_eval;
  bool json = false;
};

void run(const KeygenOptions& o) {
  const ckks::Params params(he::params_literal_by_name(o.params));
  const he::Program p = he::load_program(o.model, o.plan, he::program_options_for(params));
  const ckks::KeyGenerator keygen(params);
  const std::string fp = he::program_fingerprint(p);
  he::save_client_secret(o.out_secret, {params, keygen.secret_key(), p.input_layout, p.options.fresh_level, fp});
  he::save_evaluation_keys(o.out_eval, {params, keygen.relin_key(), keygen.galois_keys(p.rotation_steps),
                                        p.rotation_steps, fp});
  if (o.json) {
    print_json({{"params", o.params},
                {"params_fingerprint", params.fingerprint()},
                {"program", fp},
                {"galois_keys", p.rotation_steps.size()},
                {"bootstraps", p.bootstraps},
                {"secret", o.out_secret},
                {"eval", o.out_eval}});
  } else {
    std::printf("keys for %s (%zu Galois keys, program %s): secret %s, evaluation %s\n", o.params.c_str(),
                p.rotation_steps.size(), fp.substr(0, 16).c_str(), o.out_secret.c_str(), o.out_eval.c_str());
  }
}

OLA_REGISTER_COMMAND("keygen", "Client: make a secret key file and the evaluation keys of a model + plan",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<KeygenOptions>();
                       sub.add_option("--params", o->params, "parameter set: test-n12, test-n13, test-n14")
                           ->capture_default_str();
                       sub.add_option("--model,--program", o->model, "ONNX model")->required();
                       sub.add_option("--plan", o->plan, "OLA plan JSON (ola optimize)")->required();
                       sub.add_option("--out-secret", o->out_secret, "secret key file (written 0600)")->required();
                       sub.add_option("--out-eval", o->out_eval, "evaluation key file for the server")->required();
                       sub.add_flag("--json", o->json, "print one JSON object");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace
}  // namespace ola::cli
