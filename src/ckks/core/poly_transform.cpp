#include "ckks/core/poly_transform.h"

#include "ckks/core/params_context.h"
#include "ckks/ring/threads.h"
#include "util/error.h"

namespace ola::ckks {

namespace {
template <class F>
void for_limbs(RnsPoly& a, const Params& params, std::size_t q_limbs, bool with_p, F&& f) {
  const std::size_t total = q_limbs + (with_p ? params.p_count() : 0);
  OLA_CHECK(a.limbs >= total && a.n == params.n(), "poly has " << a.limbs << " limbs, need " << total);
#pragma omp parallel for num_threads(threads()) if (total > 1 && threads() > 1)
  for (std::size_t i = 0; i < total; ++i) {
    const NttTables& t = i < q_limbs ? params.q_ntt(i) : params.p_ntt(i - q_limbs);
    f(t, a.limb(i));
  }
}
}  // namespace

void to_ntt(RnsPoly& a, const Params& params, std::size_t q_limbs, bool with_p) {
  for_limbs(a, params, q_limbs, with_p, [](const NttTables& t, u64* x) { t.forward(x); });
}

void to_coeff(RnsPoly& a, const Params& params, std::size_t q_limbs, bool with_p) {
  for_limbs(a, params, q_limbs, with_p, [](const NttTables& t, u64* x) { t.inverse(x); });
}

void to_ntt_inplace(Ciphertext& ct, const Params& params) {
  if (ct.ntt) return;
  for (auto& p : ct.parts) to_ntt(p, params, ct.limbs());
  ct.ntt = true;
}

void to_coeff_inplace(Ciphertext& ct, const Params& params) {
  if (!ct.ntt) return;
  for (auto& p : ct.parts) to_coeff(p, params, ct.limbs());
  ct.ntt = false;
}

std::vector<std::uint32_t> galois_permutation_ntt(std::size_t n, std::uint64_t g) {
  OLA_CHECK((g & 1) == 1 && g < 2 * n, "Galois element " << g);
  int log_n = 0;
  while ((std::size_t{1} << log_n) < n) ++log_n;
  std::vector<std::uint32_t> perm(n);
  const std::uint64_t mask = 2 * n - 1;
  for (std::size_t i = 0; i < n; ++i) {
    // Index i holds a(psi^(2 brv(i) + 1)); X -> X^g maps it to a(psi^(g (2 brv(i) + 1))).
    const std::uint64_t e = 2 * bit_reverse(i, log_n) + 1;
    const std::uint64_t ge = (g * e) & mask;
    perm[i] = static_cast<std::uint32_t>(bit_reverse(static_cast<std::size_t>((ge - 1) >> 1), log_n));
  }
  return perm;
}

void apply_galois_ntt(const RnsPoly& in, RnsPoly& out, std::size_t limbs, const std::vector<std::uint32_t>& perm) {
  OLA_CHECK(in.limbs >= limbs && out.limbs >= limbs && &in != &out, "apply_galois_ntt operands");
  const std::size_t n = in.n;
#pragma omp parallel for num_threads(threads()) if (limbs > 1 && threads() > 1)
  for (std::size_t i = 0; i < limbs; ++i) {
    const u64* x = in.limb(i);
    u64* y = out.limb(i);
    for (std::size_t j = 0; j < n; ++j) y[j] = x[perm[j]];
  }
}

void apply_galois_coeff(const RnsPoly& in, RnsPoly& out, std::size_t limbs, std::uint64_t g,
                        std::span<const Modulus> mods) {
  OLA_CHECK(in.limbs >= limbs && out.limbs >= limbs && &in != &out, "apply_galois_coeff operands");
  const std::size_t n = in.n;
  const std::uint64_t mask = 2 * n - 1;
  for (std::size_t i = 0; i < limbs; ++i) {
    const u64 q = mods[i].value;
    const u64* x = in.limb(i);
    u64* y = out.limb(i);
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t t = (k * g) & mask;
      if (t < n) {
        y[t] = x[k];
      } else {
        y[t - n] = x[k] == 0 ? 0 : q - x[k];
      }
    }
  }
}

}  // namespace ola::ckks
