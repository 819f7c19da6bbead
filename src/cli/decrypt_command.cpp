// `ola decrypt --secret sk.bin --in logits.ct [--json]`: the client decrypts the encrypted logits
// of `ola infer` and prints the class and the logits.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "ckks/core/ckks.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "he/io/party_files.h"
#include "util/error.h"

namespace ola::cli {
namespace {

struct DecryptOptions {
  std::string secret, in;
  bool json = false;
};

void run(const DecryptOptions& o) {
  const he::ClientSecret s = he::load_client_secret(o.secret);
  const he::EncryptedLogits l = he::load_encrypted_logits(o.in, s.params);
  ckks::check_key_pair(l.ct, s.secret, o.in + ": ciphertext");  // another key pair: refused, not noise
  if (l.program != s.program) {
    throw Error(ola::mismatch(o.in, "program", s.program + " (of the secret key)", l.program));
  }
  const ckks::Encoder encoder(s.params);
  const ckks::Decryptor decryptor(s.params, s.secret);
  const auto slots = encoder.decode_real(decryptor.decrypt(l.ct));
  std::vector<double> logits;
  for (int i : l.logit_slots) {
    if (i < 0 || static_cast<std::size_t>(i) >= slots.size()) {
      throw FormatError(ola::mismatch(o.in, "logit slot", "0.." + std::to_string(slots.size() - 1), i));
    }
    logits.push_back(slots[static_cast<std::size_t>(i)]);
  }
  const auto cls = std::max_element(logits.begin(), logits.end()) - logits.begin();
  if (o.json) {
    print_json({{"class", cls}, {"logits", logits}});
  } else {
    std::printf("class %ld, logits", static_cast<long>(cls));
    for (double v : logits) std::printf(" %.6g", v);
    std::printf("\n");
  }
}

OLA_REGISTER_COMMAND("decrypt", "Client: decrypt encrypted logits into the class and logits",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<DecryptOptions>();
                       sub.add_option("--secret", o->secret, "secret key file (ola keygen)")->required();
                       sub.add_option("--in", o->in, "encrypted logits (ola infer --out)")->required();
                       sub.add_flag("--json", o->json, "print one JSON object");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace
}  // namespace ola::cli
