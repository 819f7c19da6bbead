#include "he/io/galois_key_maker.h"

namespace ola::he {

ckks::GaloisKeys make_galois_keys(const ckks::KeyGenerator& keygen, const KeyPlan& kp) {
  const ckks::Params& params = keygen.params();
  ckks::GaloisKeys gk;
  gk.params_fingerprint = params.fingerprint();
  gk.key_id = keygen.secret_key().key_id;  // the key pair, checked against ciphertexts (ckks/core)
  for (int s : kp.rotation_steps) {
    const std::uint64_t g = ckks::galois_element_for_step(params, s);
    if (g == 1 || gk.has(g)) continue;
    const auto level = kp.key_level.find(s);
    gk.keys.emplace(g, keygen.galois_key(g, level != kp.key_level.end() ? level->second : params.max_level()));
  }
  if (kp.conjugation) {
    const std::uint64_t g = ckks::galois_element_conjugate(params);
    gk.keys.emplace(g, keygen.galois_key(g));
  }
  return gk;
}

double galois_key_bytes(const ckks::GaloisKeys& keys) {
  double bytes = 0.0;
  for (const auto& [g, k] : keys.keys) {
    for (const auto& p : k.b) bytes += 8.0 * static_cast<double>(p.data.size());
    for (const auto& p : k.a) bytes += 8.0 * static_cast<double>(p.data.size());
  }
  return bytes;
}

}  // namespace ola::he
