#include "he/io/galois_key_maker.h"

#include <set>
#include <utility>

namespace ola::he {

ckks::GaloisKeys make_galois_keys(const ckks::KeyGenerator& keygen, const KeyPlan& kp, bool trim_linear_keys) {
  const ckks::Params& params = keygen.params();
  const std::set<int> linear(kp.linear_only_steps.begin(), kp.linear_only_steps.end());
  const auto kept = static_cast<std::size_t>(params.digits_at(kp.linear_level));
  ckks::GaloisKeys gk;
  gk.params_fingerprint = params.fingerprint();
  for (int s : kp.rotation_steps) {
    const std::uint64_t g = ckks::galois_element_for_step(params, s);
    if (g == 1 || gk.has(g)) continue;
    ckks::SwitchingKey key = keygen.galois_key(g);
    if (trim_linear_keys && linear.count(s) != 0 && kept < key.b.size()) {
      key.b.resize(kept);
      key.a.resize(kept);
      key.b.shrink_to_fit();
      key.a.shrink_to_fit();
    }
    gk.keys.emplace(g, std::move(key));
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
