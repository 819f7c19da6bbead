#include "ckks/core/keys.h"

#include "ckks/core/errors.h"
#include "util/secure_memory.h"

namespace ola::ckks {

std::array<Modulus, 2> level0_key_moduli(const Params& params) {
  if (params.p_count() == 0 || params.q_moduli()[0].value >= params.p_moduli()[0].value) {
    throw ParamError(ola::mismatch("level0_key_moduli", "q_0 and p_0", "a special prime p_0 > q_0",
                                   params.p_count() == 0 ? std::string("no special prime")
                                                         : "q_0 = " + std::to_string(params.q_moduli()[0].value) +
                                                               ", p_0 = " + std::to_string(params.p_moduli()[0].value)));
  }
  return {params.q_moduli()[0], params.p_moduli()[0]};
}

RnsPoly level0_key_a(const Params& params, const Seed& seed) {
  RnsPoly a(params.n(), 2);
  sample_uniform(derive_seed(seed, 0), level0_key_moduli(params), a);
  return a;
}

void SecretKey::wipe() noexcept {
  secure_wipe(coeffs);
  secure_wipe(s_qp.data);
}

SecretKey::~SecretKey() { wipe(); }

SecretKey& SecretKey::operator=(const SecretKey& other) {
  if (this != &other) {
    wipe();  // the vectors may reallocate below: the old buffers must not leave with s in them
    coeffs = other.coeffs;
    s_qp = other.s_qp;
    params_fingerprint = other.params_fingerprint;
    key_id = other.key_id;
  }
  return *this;
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    wipe();
    coeffs = std::move(other.coeffs);
    s_qp = std::move(other.s_qp);
    params_fingerprint = std::move(other.params_fingerprint);
    key_id = other.key_id;
  }
  return *this;
}

std::uint64_t galois_element_for_step(const Params& params, int step) {
  const std::uint64_t two_n = 2 * params.n();
  const std::int64_t slots = static_cast<std::int64_t>(params.n() / 2);
  std::int64_t s = step % slots;
  if (s < 0) s += slots;
  // 5^s mod 2N.
  std::uint64_t g = 1, b = 5;
  auto e = static_cast<std::uint64_t>(s);
  while (e != 0) {
    if (e & 1) g = (g * b) & (two_n - 1);
    b = (b * b) & (two_n - 1);
    e >>= 1;
  }
  return g;
}

std::uint64_t galois_element_conjugate(const Params& params) { return 2 * params.n() - 1; }

}  // namespace ola::ckks
