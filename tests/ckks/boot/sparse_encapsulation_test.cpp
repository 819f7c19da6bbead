// Sparse-secret encapsulation (Bossuat et al. 2022): with a dense (uniform ternary) main secret,
// bootstrapping fails unless ModRaise runs under an ephemeral sparse secret; the switching keys
// themselves, and the checks that refuse missing or mismatched keys. Test-only ring N = 2^12.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>

#include "ckks/boot/boot_params.h"
#include "ckks/boot/boot_test_support.h"
#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"

namespace ola::ckks {
namespace {

constexpr int kEphemeralWeight = 32;

ParamsLiteral dense_literal() {
  ParamsLiteral lit = bootstrap_test_params(12);
  lit.secret = SecretDistribution::uniform_ternary;
  return lit;
}

struct DenseCtx {
  Params params{dense_literal()};
  KeyGenerator keygen{params};
  Encoder encoder{params};
  Encryptor encryptor{params, keygen.secret_key()};
  Decryptor decryptor{params, keygen.secret_key()};
  std::shared_ptr<const EncapsulationKeys> encapsulation =
      std::make_shared<EncapsulationKeys>(keygen.encapsulation_keys(kEphemeralWeight));

  Evaluator evaluator_for(std::size_t slots, const BootstrapLiteral& lit, bool with_encapsulation) {
    const auto steps = bootstrap_rotation_steps(params, lit, slots);
    return Evaluator(params, EvaluationKeys{std::make_shared<RelinKey>(keygen.relin_key()),
                                            std::make_shared<GaloisKeys>(keygen.galois_keys(steps, true)),
                                            with_encapsulation ? encapsulation : nullptr});
  }
};

DenseCtx& ctx() {
  static DenseCtx c;
  return c;
}

using boot_test::max_error;
using boot_test::random_slots;

Ciphertext encrypt_at_zero(DenseCtx& c, const std::vector<std::complex<double>>& z) {
  return c.encryptor.encrypt(
      c.encoder.encode(std::span<const std::complex<double>>(z), 0, c.params.default_scale(), z.size()));
}

BootstrapLiteral encapsulated_literal() {
  BootstrapLiteral lit = bootstrap_test_literal();
  lit.ephemeral_hamming_weight = kEphemeralWeight;
  return lit;
}

TEST(SparseEncapsulation, KeysAreMadeForLevelZeroAndTheTop) {
  const DenseCtx& c = ctx();
  EXPECT_EQ(c.params.secret(), SecretDistribution::uniform_ternary);
  // s -> s_e lives over q_0 p_0 only (111 bits here), not q_0 P (294 bits).
  EXPECT_EQ(c.encapsulation->to_sparse.b.limbs, 2u);
  EXPECT_EQ(c.encapsulation->to_sparse.a.limbs, 2u);
  const auto mods = level0_key_moduli(c.params);
  EXPECT_EQ(mods[0].value, c.params.q_moduli()[0].value);
  EXPECT_EQ(mods[1].value, c.params.p_moduli()[0].value);
  EXPECT_EQ(c.encapsulation->from_sparse.level, c.params.max_level());
  EXPECT_EQ(c.encapsulation->hamming_weight, kEphemeralWeight);
  EXPECT_EQ(c.encapsulation->key_id, c.keygen.secret_key().key_id);
  EXPECT_THROW(c.keygen.encapsulation_keys(0), OperandError);
}

TEST(SparseEncapsulation, SwitchingToTheEphemeralSecretAndBackKeepsTheMessage) {
  DenseCtx& c = ctx();
  const Evaluator ev(c.params);
  const auto z = random_slots(64, 3);
  const Ciphertext ct = encrypt_at_zero(c, z);
  const Ciphertext sparse = ev.switch_key(ct, c.encapsulation->to_sparse);
  // Under s_e the main key no longer decrypts it ...
  EXPECT_GT(max_error(c.encoder.decode(c.decryptor.decrypt(sparse)), z), 1.0);
  // ... and switching back restores the message (the s_e -> s key serves level 0 as well).
  const Ciphertext back = ev.switch_key(sparse, c.encapsulation->from_sparse);
  EXPECT_LT(max_error(c.encoder.decode(c.decryptor.decrypt(back)), z), 1e-6);
}

TEST(SparseEncapsulation, DenseSecretBootstrapsOnlyWithEncapsulation) {
  DenseCtx& c = ctx();
  const std::size_t slots = 64;
  const auto z = random_slots(slots, 11);
  const Ciphertext in = encrypt_at_zero(c, z);

  const BootstrapLiteral lit = encapsulated_literal();
  const Bootstrapper boot(c.evaluator_for(slots, lit, true), c.encoder, lit, slots);
  const Ciphertext out = boot.bootstrap(in);
  EXPECT_EQ(out.level, boot.levels_after());
  const double err = max_error(c.encoder.decode(c.decryptor.decrypt(out)), z);
  EXPECT_LT(std::log2(err), -18) << "precision bits " << -std::log2(err);

  // The same ciphertext without encapsulation: with ~N/1.5 non-zero secret coefficients the
  // ModRaise overflow |I| exceeds EvalMod's K = 24 and the result is garbage.
  const BootstrapLiteral plain = bootstrap_test_literal();
  const Bootstrapper unsafe(c.evaluator_for(slots, plain, false), c.encoder, plain, slots);
  EXPECT_GT(max_error(c.encoder.decode(c.decryptor.decrypt(unsafe.bootstrap(in))), z), 1e-2);
}

TEST(SparseEncapsulation, EphemeralWeightLetsEvalModUseARangeOf16AndOneLevelLess) {
  // |I| <= (h + 1) / 2 = 16.5 under s_e: K = 16 with a degree-31 series (depth 5 + 3 double
  // angles) instead of the K = 24, degree-63 default (6 + 3), as in Bossuat et al.'s parameters.
  // The price is precision: the series' truncation error (~2^-33 on [-16, 16], 2^-27 after three
  // double angles) is 2^-17 relative to the message at this ring's Delta / q_0 = 2^-10 (measured
  // 16.7 bits; 22.8 with the default EvalMod above).
  DenseCtx& c = ctx();
  const std::size_t slots = 64;
  BootstrapLiteral lit = encapsulated_literal();
  lit.eval_mod = EvalModLiteral{.k_range = 16, .double_angle = 3, .cos_degree = 31};
  const Bootstrapper boot(c.evaluator_for(slots, lit, true), c.encoder, lit, slots);
  EXPECT_EQ(boot.depth(), bootstrap_test_literal().cts_levels + 8 + bootstrap_test_literal().stc_levels);
  const auto z = random_slots(slots, 12);
  const double err = max_error(c.encoder.decode(c.decryptor.decrypt(boot.bootstrap(encrypt_at_zero(c, z)))), z);
  EXPECT_LT(std::log2(err), -15.5) << "precision bits " << -std::log2(err);
}

TEST(SparseEncapsulation, EphemeralWeightLetsEvalModUseARangeOf12AtFullPrecision) {
  // n16-dense-l11's EvalMod (K = 12, degree 31, r = 3: depth 8, one level less than the default):
  // on [-12, 12] the degree-31 series is as precise as the default's (EvalMod tests), so unlike
  // K = 16 above the bootstrap keeps the default's precision. |I| >= 12 needs the 33 terms of I
  // (each in [-1/2, 1/2], sd 1.66 together) to pass 11.5: beyond 6.9 sigma.
  DenseCtx& c = ctx();
  const std::size_t slots = 64;
  BootstrapLiteral lit = encapsulated_literal();
  lit.eval_mod = bootstrap_literal_n16_dense_l11().eval_mod;
  const Bootstrapper boot(c.evaluator_for(slots, lit, true), c.encoder, lit, slots);
  EXPECT_EQ(boot.depth(), bootstrap_test_literal().cts_levels + 8 + bootstrap_test_literal().stc_levels);
  const auto z = random_slots(slots, 12);
  const double err = max_error(c.encoder.decode(c.decryptor.decrypt(boot.bootstrap(encrypt_at_zero(c, z)))), z);
  EXPECT_LT(std::log2(err), -21) << "precision bits " << -std::log2(err);
}

TEST(SparseEncapsulation, BootstrapperRefusesMissingOrMismatchedKeys) {
  DenseCtx& c = ctx();
  const std::size_t slots = 64;
  const BootstrapLiteral lit = encapsulated_literal();
  try {
    const Bootstrapper b(c.evaluator_for(slots, lit, false), c.encoder, lit, slots);
    FAIL() << "no error";
  } catch (const OperandError& e) {
    EXPECT_NE(std::string(e.what()).find("encapsulation keys: expected present"), std::string::npos) << e.what();
  }
  BootstrapLiteral other = lit;
  other.ephemeral_hamming_weight = 16;
  try {
    const Bootstrapper b(c.evaluator_for(slots, other, true), c.encoder, other, slots);
    FAIL() << "no error";
  } catch (const OperandError& e) {
    EXPECT_NE(std::string(e.what()).find("hamming weight of the encapsulation keys: expected 16, got 32"),
              std::string::npos)
        << e.what();
  }
}

TEST(SparseEncapsulation, EvaluatorRefusesEncapsulationKeysOfAnotherKeyPair) {
  DenseCtx& c = ctx();
  const KeyGenerator other(c.params);
  EXPECT_THROW(Evaluator(c.params, EvaluationKeys{std::make_shared<RelinKey>(c.keygen.relin_key()), nullptr,
                                                  std::make_shared<EncapsulationKeys>(other.encapsulation_keys(8))}),
               OperandError);
  const Ciphertext ct = encrypt_at_zero(c, random_slots(8, 5));
  Ciphertext two = ct;
  two.parts.push_back(ct.parts[1]);
  EXPECT_THROW(Evaluator(c.params).switch_key(two, c.encapsulation->to_sparse), OperandError);
  // to_sparse is made for level 0 only: a ciphertext above it is refused.
  const auto z = random_slots(8, 6);
  const Ciphertext high =
      c.encryptor.encrypt(c.encoder.encode(std::span<const std::complex<double>>(z), 3, c.params.default_scale(), 8));
  EXPECT_THROW(Evaluator(c.params).switch_key(high, c.encapsulation->to_sparse), OperandError);
}

}  // namespace
}  // namespace ola::ckks
