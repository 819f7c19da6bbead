#include "ckks/core/key_generator.h"

#include <algorithm>
#include <set>

#include "ckks/core/errors.h"
#include "ckks/core/params_context.h"
#include "ckks/core/poly_transform.h"
#include "ckks/ring/sampler.h"
#include "util/secure_memory.h"

namespace ola::ckks {

namespace {
constexpr double kSigma = 3.2;

/// A fresh error e (NTT form) over q_0..q_{q_limbs-1} (and P if with_p); the integer samples are
/// wiped (e with the public b reveals s).
RnsPoly gaussian_ntt(const Params& params, std::size_t q_limbs, bool with_p) {
  auto e = sample_gaussian(params.n(), kSigma);
  WipeOnExit wipe_e(e);
  std::vector<Modulus> mods(params.q_moduli().begin(), params.q_moduli().begin() + static_cast<std::ptrdiff_t>(q_limbs));
  if (with_p) mods.insert(mods.end(), params.p_moduli().begin(), params.p_moduli().end());
  RnsPoly out(params.n(), mods.size());
  signed_to_rns(e, mods, out);
  to_ntt(out, params, q_limbs, with_p);
  return out;
}

/// `level` or, for -1, max_level. @throws OperandError if outside 0..max_level.
int checked_level(const Params& params, int level, const char* where) {
  if (level == -1) return params.max_level();
  if (level < 0 || level > params.max_level()) {
    throw OperandError(ola::mismatch(where, "key level", "0.." + std::to_string(params.max_level()) + " (or -1 = max)", level));
  }
  return level;
}

/// The limbs q_0..q_level, p_0..p_{k-1} of x (given over q_0..q_L, p_0..p_{k-1}).
RnsPoly restrict_to_level(const RnsPoly& x, const Params& params, int level) {
  const std::size_t n = params.n(), nq = static_cast<std::size_t>(level) + 1, k = params.p_count();
  RnsPoly out(n, nq + k);
  std::copy(x.limb(0), x.limb(0) + nq * n, out.limb(0));
  std::copy(x.limb(params.q_count()), x.limb(params.q_count()) + k * n, out.limb(nq));
  return out;
}
}  // namespace

SecretKey sample_secret_key(const Params& params, SecretDistribution distribution, int hamming_weight) {
  const std::size_t n = params.n();
  if (distribution == SecretDistribution::fixed_hamming &&
      (hamming_weight < 1 || static_cast<std::size_t>(hamming_weight) > n)) {
    throw OperandError(ola::mismatch("sample_secret_key", "hamming_weight", "1..N = " + std::to_string(n), hamming_weight));
  }
  SecretKey sk;
  sk.coeffs = distribution == SecretDistribution::fixed_hamming
                  ? sample_ternary_hamming(n, static_cast<std::size_t>(hamming_weight))
                  : sample_ternary(n);
  const auto mods = params.qp_moduli(params.max_level());
  sk.s_qp = RnsPoly(n, mods.size());
  signed_to_rns(std::span<const std::int8_t>(sk.coeffs), mods, sk.s_qp);
  to_ntt(sk.s_qp, params, params.q_count(), true);
  sk.params_fingerprint = params.fingerprint();
  sk.key_id = KeyId::random();
  return sk;
}

KeyGenerator::KeyGenerator(Params params)
    : params_(std::move(params)), sk_(sample_secret_key(params_, params_.secret(), params_.hamming_weight())) {}

KeyGenerator::KeyGenerator(Params params, SecretKey secret_key) : params_(std::move(params)), sk_(std::move(secret_key)) {
  if (sk_.params_fingerprint != params_.fingerprint()) {
    throw OperandError(ola::mismatch("KeyGenerator", "secret key parameters", params_.fingerprint(),
                                     sk_.params_fingerprint));
  }
}

PublicKey KeyGenerator::public_key() const {
  const std::size_t nq = params_.q_count();
  PublicKey pk;
  pk.a = RnsPoly(params_.n(), nq);
  sample_uniform(random_seed(), params_.q_moduli(), pk.a);
  pk.b = gaussian_ntt(params_, nq, false);
  // b = -a*s + e
  RnsPoly as(params_.n(), nq);
  WipeOnExit wipe_as(as.data);  // a*s with the public a reveals s
  poly_mul(pk.a, sk_.s_qp, as, params_.q_moduli(), nq);
  poly_sub(pk.b, as, pk.b, params_.q_moduli(), nq);
  pk.params_fingerprint = params_.fingerprint();
  pk.key_id = sk_.key_id;
  return pk;
}

SwitchingKey KeyGenerator::switching_key(const RnsPoly& s_from_full, int level_in) const {
  const detail::ParamsContext& ctx = params_.context();
  const int level = checked_level(params_, level_in, "KeyGenerator::switching_key");
  const std::size_t nq = static_cast<std::size_t>(level) + 1;
  const auto mods = params_.qp_moduli(level);
  const std::size_t total = mods.size();
  const int digits = params_.digits_at(level);
  // s and s_from over q_0..q_level, P (the same limbs as full ones when level = L).
  RnsPoly s = restrict_to_level(sk_.s_qp, params_, level);
  WipeOnExit wipe_s(s.data);
  SwitchingKey key;
  key.seed = random_seed();
  key.level = level;
  RnsPoly as(params_.n(), total);
  WipeOnExit wipe_as(as.data);
  for (int j = 0; j < digits; ++j) {
    RnsPoly a(params_.n(), total);
    sample_uniform(derive_seed(key.seed, static_cast<std::uint64_t>(j)), mods, a);
    RnsPoly b = gaussian_ntt(params_, nq, true);
    poly_mul(a, s, as, mods, total);
    poly_sub(b, as, b, mods, total);
    // + P * s_from on the limbs of digit j (the gadget factor is P there and 0 elsewhere).
    for (std::size_t i = ctx.digit_begin(j); i < ctx.digit_end(j, level); ++i) {
      const u64 q = mods[i].value;
      const u64 w = ctx.p_mod_q[i], ws = shoup(w, q);
      u64* bi = b.limb(i);
      const u64* si = s_from_full.limb(i);
      for (std::size_t c = 0; c < params_.n(); ++c) bi[c] = add_mod(bi[c], mul_shoup(si[c], w, ws, q), q);
    }
    key.a.push_back(std::move(a));
    key.b.push_back(std::move(b));
  }
  return key;
}

Level0SwitchingKey KeyGenerator::level0_switching_key(const RnsPoly& s_from_full) const {
  const detail::ParamsContext& ctx = params_.context();
  const std::array<Modulus, 2> mods = level0_key_moduli(params_);
  const std::size_t n = params_.n(), p0_limb = params_.q_count();  // p_0's limb in a full QP poly
  const auto on_q0_p0 = [&](const RnsPoly& full) {
    RnsPoly out(n, 2);
    std::copy(full.limb(0), full.limb(0) + n, out.limb(0));
    std::copy(full.limb(p0_limb), full.limb(p0_limb) + n, out.limb(1));
    return out;
  };
  RnsPoly s = on_q0_p0(sk_.s_qp);
  WipeOnExit wipe_s(s.data);
  Level0SwitchingKey key;
  key.seed = random_seed();
  key.a = level0_key_a(params_, key.seed);
  {
    auto e = sample_gaussian(n, kSigma);
    WipeOnExit wipe_e(e);
    key.b = RnsPoly(n, 2);
    signed_to_rns(e, mods, key.b);
  }
  ctx.q_ntt[0].forward(key.b.limb(0));
  ctx.p_ntt[0].forward(key.b.limb(1));
  RnsPoly as(n, 2);
  WipeOnExit wipe_as(as.data);
  poly_mul(key.a, s, as, mods, 2);
  poly_sub(key.b, as, key.b, mods, 2);
  // + p_0 s_from: (p_0 mod q_0) s_from on q_0's limb, nothing on p_0's.
  const u64 q = mods[0].value, w = mods[1].value % q, ws = shoup(w, q);
  u64* b0 = key.b.limb(0);
  const u64* from = s_from_full.limb(0);
  for (std::size_t c = 0; c < n; ++c) b0[c] = add_mod(b0[c], mul_shoup(from[c], w, ws, q), q);
  return key;
}

EncapsulationKeys KeyGenerator::encapsulation_keys(int hamming_weight) const {
  const SecretKey sparse = sample_secret_key(params_, SecretDistribution::fixed_hamming, hamming_weight);
  EncapsulationKeys keys;
  // s -> s_e is a key of the ephemeral pair: b = -a s_e + e + p_0 s over q_0 p_0 only.
  keys.to_sparse = KeyGenerator(params_, sparse).level0_switching_key(sk_.s_qp);
  keys.from_sparse = switching_key(sparse.s_qp, params_.max_level());
  keys.hamming_weight = hamming_weight;
  keys.params_fingerprint = params_.fingerprint();
  keys.key_id = sk_.key_id;
  return keys;  // `sparse` is wiped by its destructor
}

RelinKey KeyGenerator::relin_key() const {
  const auto mods = params_.qp_moduli(params_.max_level());
  RnsPoly s2(params_.n(), mods.size());
  WipeOnExit wipe_s2(s2.data);
  poly_mul(sk_.s_qp, sk_.s_qp, s2, mods, mods.size());
  return RelinKey{switching_key(s2), params_.fingerprint(), sk_.key_id};
}

SwitchingKey KeyGenerator::galois_key(std::uint64_t g, int level) const {
  if ((g & 1) == 0 || g >= 2 * params_.n()) {
    throw OperandError(ola::mismatch("KeyGenerator::galois_key", "galois element",
                                     "odd in 1.." + std::to_string(2 * params_.n() - 1), g));
  }
  const int l = checked_level(params_, level, "KeyGenerator::galois_key");
  const auto perm = galois_permutation_ntt(params_.n(), g);
  RnsPoly sg(params_.n(), sk_.s_qp.limbs);
  WipeOnExit wipe_sg(sg.data);
  apply_galois_ntt(sk_.s_qp, sg, sk_.s_qp.limbs, perm);
  return switching_key(sg, l);
}

GaloisKeys KeyGenerator::galois_keys(std::span<const int> steps, bool conjugation, int level) const {
  const int l = checked_level(params_, level, "KeyGenerator::galois_keys");
  std::set<std::uint64_t> elements;
  for (int s : steps) {
    const std::uint64_t g = galois_element_for_step(params_, s);
    if (g != 1) elements.insert(g);
  }
  if (conjugation) elements.insert(galois_element_conjugate(params_));
  GaloisKeys gk;
  gk.params_fingerprint = params_.fingerprint();
  gk.key_id = sk_.key_id;
  for (std::uint64_t g : elements) gk.keys.emplace(g, galois_key(g, l));
  return gk;
}

}  // namespace ola::ckks
