#include "ckks/boot/mod_raise.h"

#include <string>
#include <vector>

#include "ckks/core/errors.h"
#include "ckks/ring/modulus.h"
#include "ckks/ring/threads.h"
#include "util/error.h"

namespace ola::ckks {

Ciphertext mod_raise(const Params& params, const Ciphertext& ct, int level) {
  if (ct.level != 0) throw OperandError(ola::mismatch("mod_raise", "ct.level", 0, ct.level));
  if (ct.degree() != 1) throw OperandError(ola::mismatch("mod_raise", "ct.degree", 1, ct.degree()));
  if (!ct.ntt) throw OperandError(ola::mismatch("mod_raise", "ct.ntt", "true", "false"));
  if (level < 1 || level > params.max_level()) {
    throw OperandError(
        ola::mismatch("mod_raise", "level", "1.." + std::to_string(params.max_level()), level));
  }
  const std::size_t n = params.n();
  const u64 q0 = params.q(0);
  const auto mods = params.q_moduli();
  Ciphertext out;
  out.key_id = ct.key_id;
  out.level = level;
  out.scale = ct.scale;
  out.slots = ct.slots;
  out.ntt = true;
  for (const RnsPoly& part : ct.parts) {
    if (part.n != n || part.limbs < 1) {
      throw OperandError(ola::mismatch("mod_raise", "part.n", n, part.n));
    }
    std::vector<u64> coeffs(part.limb(0), part.limb(0) + n);
    params.q_ntt(0).inverse(coeffs.data());
    std::vector<std::int64_t> centred(n);
    for (std::size_t i = 0; i < n; ++i) centred[i] = center(coeffs[i], q0);
    RnsPoly raised(n, static_cast<std::size_t>(level) + 1);
#pragma omp parallel for num_threads(threads()) schedule(static)
    for (int j = 0; j <= level; ++j) {
      u64* dst = raised.limb(static_cast<std::size_t>(j));
      const Modulus& m = mods[static_cast<std::size_t>(j)];
      for (std::size_t i = 0; i < n; ++i) dst[i] = from_signed(centred[i], m);
      params.q_ntt(static_cast<std::size_t>(j)).forward(dst);
    }
    out.parts.push_back(std::move(raised));
  }
  return out;
}

}  // namespace ola::ckks
