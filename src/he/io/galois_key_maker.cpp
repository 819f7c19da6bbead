#include "he/io/galois_key_maker.h"

#include <map>
#include <vector>

#include "util/error.h"

namespace ola::he {

namespace {

/// Keys for `steps`, each at key_level[step] (max_level if absent), + conjugation at max_level.
ckks::GaloisKeys make_keys(const ckks::KeyGenerator& keygen, const std::vector<int>& steps,
                           const std::map<int, int>& key_level, bool conjugation) {
  const ckks::Params& params = keygen.params();
  ckks::GaloisKeys gk;
  gk.params_fingerprint = params.fingerprint();
  gk.key_id = keygen.secret_key().key_id;  // the key pair, checked against ciphertexts (ckks/core)
  for (int s : steps) {
    const std::uint64_t g = ckks::galois_element_for_step(params, s);
    if (g == 1 || gk.has(g)) continue;
    const auto level = key_level.find(s);
    gk.keys.emplace(g, keygen.galois_key(g, level != key_level.end() ? level->second : params.max_level()));
  }
  if (conjugation) {
    const std::uint64_t g = ckks::galois_element_conjugate(params);
    gk.keys.emplace(g, keygen.galois_key(g));
  }
  return gk;
}

}  // namespace

ckks::GaloisKeys make_galois_keys(const ckks::KeyGenerator& keygen, const KeyPlan& kp) {
  return make_keys(keygen, kp.rotation_steps, kp.key_level, kp.conjugation);
}

ckks::GaloisKeys make_stage_galois_keys(const ckks::KeyGenerator& keygen, const KeyPlan& kp, int slots) {
  const auto it = kp.stage_key_level.find(slots);
  if (it == kp.stage_key_level.end()) {
    throw Error(ola::mismatch("make_stage_galois_keys", "slots", "a bootstrap slot count of a per-stage key plan", slots));
  }
  std::vector<int> steps;
  for (const auto& [step, level] : it->second) steps.push_back(step);
  return make_keys(keygen, steps, it->second, true);
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
