// Key switching with the part of the special modulus a level needs (Params::p_count_at,
// ckks/core/key_switch.h): the fewest special primes that exceed every digit of the level by the
// margin, keys made with all of them, and rotations, hoisted rotations and relinearisations that
// stay precise at every level of a chain whose levels use 1, 2 and 3 of its 4 special primes.
#include <cmath>

#include "ckks/core/params_context.h"
#include "ckks_fixture.h"

namespace ola::ckks {
namespace {
using testing::cd;
using testing::precision_bits;
using testing::random_values;

/// N = 2^12 (test-only): q = {50, 35 x 6}, four 55-bit special primes, dnum 3 (digits of 3
/// primes): levels 0, 1 and 2.. need 1, 2 and 3 of the 4 special primes.
ParamsLiteral trimmed_literal() {
  return ParamsLiteral{.log_n = 12, .log_q = {50, 35, 35, 35, 35, 35, 35}, .log_p = {55, 55, 55, 55}, .dnum = 3,
                       .log_default_scale = 35, .test_only = true};
}

double log2_product(std::span<const Modulus> m, std::size_t begin, std::size_t end) {
  double bits = 0;
  for (std::size_t i = begin; i < end; ++i) bits += std::log2(static_cast<double>(m[i].value));
  return bits;
}

/// The rule Params::p_count_at follows, checked from the primes: P_l exceeds every digit of level
/// l by the margin, and one prime fewer would not (unless P_l is all of P).
void expect_fewest_primes_over_every_digit(const Params& params) {
  const auto q = params.q_moduli();
  const auto p = params.p_moduli();
  const auto alpha = static_cast<std::size_t>(params.alpha());
  for (int l = 0; l <= params.max_level(); ++l) {
    double widest = 0;
    for (int j = 0; j < params.digits_at(l); ++j) {
      const std::size_t b = static_cast<std::size_t>(j) * alpha;
      widest = std::max(widest, log2_product(q, b, std::min<std::size_t>(b + alpha, static_cast<std::size_t>(l) + 1)));
    }
    const std::size_t k = params.p_count_at(l);
    ASSERT_GE(k, 1U);
    ASSERT_LE(k, params.p_count());
    if (k < params.p_count()) {
      EXPECT_GE(log2_product(p, 0, k), widest + detail::kKeySwitchMarginBits) << "level " << l;
    }
    EXPECT_LT(log2_product(p, 0, k - 1), widest + detail::kKeySwitchMarginBits) << "level " << l;
    if (l > 0) {
      EXPECT_GE(k, params.p_count_at(l - 1)) << "level " << l;
    }
  }
}

TEST(SpecialModulus, EachLevelUsesTheFewestSpecialPrimesOverItsDigits) {
  const Params params(trimmed_literal());
  expect_fewest_primes_over_every_digit(params);
  EXPECT_EQ(params.p_count_at(0), 1U);  // q_0 (50 bits) under one 55-bit prime
  EXPECT_EQ(params.p_count_at(1), 2U);  // 85 bits
  for (int l = 2; l <= params.max_level(); ++l) EXPECT_EQ(params.p_count_at(l), 3U) << l;  // 120 bits
  EXPECT_THROW((void)params.p_count_at(7), OperandError);
  EXPECT_THROW((void)params.p_count_at(-1), OperandError);
  // The fixture's chain (two 60-bit special primes over digits of 100 bits) needs both everywhere.
  const Params n13(test_literal_n13());
  expect_fewest_primes_over_every_digit(n13);
  for (int l = 1; l <= n13.max_level(); ++l) EXPECT_EQ(n13.p_count_at(l), 2U) << l;
}

TEST(SpecialModulus, SwitchingAtEveryLevelIsPreciseWithKeysOfTheWholeModulus) {
  const Params params(trimmed_literal());
  const KeyGenerator keygen(params);
  const std::vector<int> steps = {1, 5};
  auto relin = std::make_shared<const RelinKey>(keygen.relin_key());
  auto galois = std::make_shared<const GaloisKeys>(keygen.galois_keys(steps, true));
  for (const auto& [g, key] : galois->keys) EXPECT_EQ(key.b[0].limbs, params.q_count() + 4U);  // all of P
  const Evaluator ev(params, EvaluationKeys{relin, galois});
  const Encoder encoder(params);
  const Encryptor encryptor(params, keygen.secret_key());
  const Decryptor decryptor(params, keygen.secret_key());
  const std::size_t slots = 64;
  const auto v = random_values(slots, 11);
  std::vector<cd> rot5(slots), square(slots);
  for (std::size_t i = 0; i < slots; ++i) {
    rot5[i] = v[(i + 5) % slots];
    square[i] = v[i] * v[i];
  }
  const auto decrypt = [&](const Ciphertext& ct) { return encoder.decode(decryptor.decrypt(ct)); };
  for (int l = 0; l <= params.max_level(); ++l) {
    const Ciphertext ct = encryptor.encrypt(encoder.encode(v, l, params.default_scale(), slots));
    // A wrong R^-1 factor or a special modulus below a digit leaves no correct bit; the encryption
    // noise alone allows about 23 bits at scale 2^35.
    EXPECT_GE(precision_bits(decrypt(ev.rotate(ct, 5)), rot5), 18.0) << "level " << l;
    EXPECT_GE(precision_bits(decrypt(ev.rotate_hoisted(ct, steps)[1]), rot5), 18.0) << "level " << l;
    std::vector<cd> conj(slots);
    for (std::size_t i = 0; i < slots; ++i) conj[i] = std::conj(v[i]);
    EXPECT_GE(precision_bits(decrypt(ev.conjugate(ct)), conj), 18.0) << "level " << l;
    if (l > 0) {
      const Ciphertext sq = ev.rescale(ev.mul(ct, ct));
      EXPECT_GE(precision_bits(decrypt(sq), square), 16.0) << "level " << l;
    }
  }
}

}  // namespace
}  // namespace ola::ckks
