// Encrypted bootstrapping on test-only rings (N = 2^12): full and sparse slots, the real pair,
// stage-by-stage checks, levels and errors.
#include "ckks/boot/bootstrapper.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>

#include "ckks/boot/boot_params.h"
#include "ckks/boot/boot_test_support.h"
#include "ckks/boot/mod_raise.h"
#include "ckks/core/ckks.h"

namespace ola::ckks {
namespace {

struct Ctx {
  Params params{bootstrap_test_params(12)};
  KeyGenerator keygen{params};
  Encoder encoder{params};
  Encryptor encryptor{params, keygen.secret_key()};
  Decryptor decryptor{params, keygen.secret_key()};

  Evaluator evaluator_for(std::size_t slots, const BootstrapLiteral& lit) {
    const auto steps = bootstrap_rotation_steps(params, lit, slots);
    return Evaluator(params, EvaluationKeys{std::make_shared<RelinKey>(keygen.relin_key()),
                                            std::make_shared<GaloisKeys>(keygen.galois_keys(steps, true))});
  }
};

Ctx& ctx() {
  static Ctx c;
  return c;
}

using boot_test::max_error;
using boot_test::random_slots;

Ciphertext encrypt_at_zero(Ctx& c, const std::vector<std::complex<double>>& z) {
  return c.encryptor.encrypt(c.encoder.encode(std::span<const std::complex<double>>(z), 0, c.params.default_scale(), z.size()));
}

TEST(ModRaise, DecryptsToMessagePlusMultipleOfQ0) {
  Ctx& c = ctx();
  const auto z = random_slots(8, 1);
  const Ciphertext ct = encrypt_at_zero(c, z);
  const Ciphertext raised = mod_raise(c.params, ct, c.params.max_level());
  EXPECT_EQ(raised.level, c.params.max_level());
  // Modulo q_0 the raised ciphertext decrypts to the same message.
  Ciphertext back = Evaluator(c.params).drop_to_level(raised, 0);
  EXPECT_LT(max_error(c.encoder.decode(c.decryptor.decrypt(back)), z), 1e-6);
  EXPECT_THROW(mod_raise(c.params, raised, 3), OperandError);
  EXPECT_THROW(mod_raise(c.params, ct, c.params.max_level() + 1), OperandError);
}

class BootSlots : public ::testing::TestWithParam<std::size_t> {};

TEST_P(BootSlots, BootstrapRecoversTheMessageAtLevelsAfter) {
  Ctx& c = ctx();
  const std::size_t slots = GetParam();
  const BootstrapLiteral lit = bootstrap_test_literal();
  const Evaluator ev = c.evaluator_for(slots, lit);
  const Bootstrapper boot(ev, c.encoder, lit, slots);
  EXPECT_EQ(boot.depth(), 2 + 9 + 2);
  EXPECT_EQ(boot.levels_after(), 2);
  const auto z = random_slots(slots, 10 + slots);
  const Ciphertext out = boot.bootstrap(encrypt_at_zero(c, z));
  EXPECT_EQ(out.level, boot.levels_after());
  EXPECT_EQ(out.slots, slots);
  EXPECT_DOUBLE_EQ(out.scale, c.params.default_scale());
  const double err = max_error(c.encoder.decode(c.decryptor.decrypt(out)), z);
  EXPECT_LT(std::log2(err), -20) << "precision bits " << -std::log2(err);
  // The output is usable: one more multiplication by a constant and a rescale.
  Ciphertext half = ev.mul_const(out, 0.5, static_cast<double>(c.params.q(out.level)));
  ev.rescale_inplace(half);
  const auto h = c.encoder.decode(c.decryptor.decrypt(half));
  for (std::size_t i = 0; i < slots; ++i) EXPECT_NEAR(std::abs(h[i] - 0.5 * z[i]), 0.0, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Slots, BootSlots, ::testing::Values(std::size_t{2048}, std::size_t{64}));

// Galois keys made each at the level bootstrap_rotation_levels gives (below the top for SlotToCoeff)
// serve a whole bootstrap: the evaluator refuses a rotation above its key's level, so a level set too
// low would throw here instead of passing.
TEST(Bootstrapper, KeysAtTheirRotationLevelsSuffice) {
  Ctx& c = ctx();
  const std::size_t slots = 64;
  const BootstrapLiteral lit = bootstrap_test_literal();
  const std::map<int, int> levels = bootstrap_rotation_levels(c.params, lit, slots);
  std::vector<int> keys;
  for (const auto& [s, l] : levels) keys.push_back(s);
  EXPECT_EQ(keys, bootstrap_rotation_steps(c.params, lit, slots));
  GaloisKeys gk;
  gk.params_fingerprint = c.params.fingerprint();
  gk.key_id = c.keygen.secret_key().key_id;
  int below_top = 0;
  for (const auto& [s, l] : levels) {
    const std::uint64_t g = galois_element_for_step(c.params, s);
    if (g == 1 || gk.has(g)) continue;
    gk.keys.emplace(g, c.keygen.galois_key(g, l));
    below_top += l < c.params.max_level() ? 1 : 0;
  }
  const std::uint64_t conj = galois_element_conjugate(c.params);
  gk.keys.emplace(conj, c.keygen.galois_key(conj));
  EXPECT_GT(below_top, 0);  // the SlotToCoeff steps not shared with CoeffToSlot
  const Evaluator ev(c.params, EvaluationKeys{std::make_shared<RelinKey>(c.keygen.relin_key()),
                                              std::make_shared<GaloisKeys>(std::move(gk))});
  const Bootstrapper boot(ev, c.encoder, lit, slots);
  const auto z = random_slots(slots, 77);
  const Ciphertext out = boot.bootstrap(encrypt_at_zero(c, z));
  EXPECT_LT(std::log2(max_error(c.encoder.decode(c.decryptor.decrypt(out)), z)), -20);
}

/// `period` repeated to fill n slots.
std::vector<std::complex<double>> repeated(const std::vector<std::complex<double>>& period, std::size_t n) {
  std::vector<std::complex<double>> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = period[i % period.size()];
  return v;
}

TEST(Bootstrapper, SparseBootstrapOfAPeriodicFullSlotCiphertextReturnsIt) {
  // A full-slot (2048) ciphertext whose slots repeat with period 64 is the 64-sparse encoding:
  // the 64-slot bootstrapper refreshes it and it comes back with 2048 slots, every copy intact.
  Ctx& c = ctx();
  const std::size_t n = 64;
  const std::size_t full = c.params.max_slots();
  const BootstrapLiteral lit = bootstrap_test_literal();
  const Evaluator ev = c.evaluator_for(n, lit);
  const Bootstrapper boot(ev, c.encoder, lit, n);
  const auto z = repeated(random_slots(n, 21), full);
  const Ciphertext out = boot.bootstrap(encrypt_at_zero(c, z));
  EXPECT_EQ(out.level, boot.levels_after());
  EXPECT_EQ(out.slots, full);
  const double err = max_error(c.encoder.decode(c.decryptor.decrypt(out)), z);
  EXPECT_LT(std::log2(err), -20) << "precision bits " << -std::log2(err);

  // Not periodic: SubSum projects, slot i becomes the mean of the slots i + k * 64 (as documented;
  // he/slot_sim_backend.h models the same).
  const auto w = random_slots(full, 22);
  std::vector<std::complex<double>> mean(n);
  for (std::size_t i = 0; i < full; ++i) mean[i % n] += w[i] / static_cast<double>(full / n);
  const Ciphertext projected = boot.bootstrap(encrypt_at_zero(c, w));
  EXPECT_LT(std::log2(max_error(c.encoder.decode(c.decryptor.decrypt(projected)), repeated(mean, full))), -20);
  EXPECT_GT(max_error(repeated(mean, full), w), 0.1);  // the projection is not the identity here

  // 128 slots (a multiple of 64, periodic) also go through, and keep their count.
  const auto y = repeated(random_slots(n, 23), 2 * n);
  const Ciphertext out128 = boot.bootstrap(encrypt_at_zero(c, y));
  EXPECT_EQ(out128.slots, 2 * n);
  EXPECT_LT(std::log2(max_error(c.encoder.decode(c.decryptor.decrypt(out128)), y)), -20);
}

TEST(Bootstrapper, RealPairCarriesTwoVectors) {
  Ctx& c = ctx();
  const std::size_t slots = 2048;
  const BootstrapLiteral lit = bootstrap_test_literal();
  const Evaluator ev = c.evaluator_for(slots, lit);
  const Bootstrapper boot(ev, c.encoder, lit, slots);
  const auto a = random_slots(slots, 3, true);
  const auto b = random_slots(slots, 4, true);
  const auto [ra, rb] = boot.bootstrap_real_pair(encrypt_at_zero(c, a), encrypt_at_zero(c, b));
  EXPECT_EQ(ra.level, boot.levels_after());
  EXPECT_LT(std::log2(max_error(c.encoder.decode(c.decryptor.decrypt(ra)), a)), -20);
  EXPECT_LT(std::log2(max_error(c.encoder.decode(c.decryptor.decrypt(rb)), b)), -20);
}

TEST(Bootstrapper, StagesMatchThePlainPipeline) {
  // Decrypt after each stage and compare with the plain matrices / EvalMod applied to the
  // decrypted input of that stage.
  Ctx& c = ctx();
  const std::size_t slots = 64;
  const BootstrapLiteral lit = bootstrap_test_literal();
  const Evaluator ev = c.evaluator_for(slots, lit);
  const Bootstrapper boot(ev, c.encoder, lit, slots);
  const BootMatrices bm = make_boot_matrices(64, static_cast<int>(c.params.max_slots()), 2, 2);
  const Ciphertext raised = boot.raise(encrypt_at_zero(c, random_slots(slots, 8)));
  ASSERT_EQ(raised.slots, static_cast<std::size_t>(bm.dim));
  ComplexVector x = c.encoder.decode(c.decryptor.decrypt(raised));  // V(t / (q0 K)), 2n-periodic
  for (const auto& m : bm.cts) x = apply_matrix(m, x);
  const std::vector<Ciphertext> u = boot.coeff_to_slot(raised);
  ASSERT_EQ(u.size(), 1u);  // sparse: [Re | Im] in one ciphertext
  const auto got_u = c.encoder.decode(c.decryptor.decrypt(u[0]));
  double err_cts = 0;
  for (int p = 0; p < bm.dim; ++p) err_cts = std::max(err_cts, std::abs(got_u[p] - 2.0 * x[p].real()));
  EXPECT_LT(err_cts, 1e-9) << err_cts;
  const Ciphertext g = boot.eval_mod_ct(u[0]);
  EXPECT_EQ(u[0].level - g.level, boot.eval_mod().depth());
  const auto got_g = c.encoder.decode(c.decryptor.decrypt(g));
  const double k = lit.eval_mod.k_range;
  double err_mod = 0;
  for (int p = 0; p < bm.dim; ++p) {
    const long double want = eval_mod_plain(boot.eval_mod(), k * got_u[p].real()) / boot.eval_mod().output_factor();
    err_mod = std::max(err_mod, std::abs(got_g[p].real() - static_cast<double>(want)));
  }
  EXPECT_LT(err_mod, 1e-9) << err_mod;
}

TEST(Bootstrapper, MissingKeysAndWrongSlotsAreReported) {
  Ctx& c = ctx();
  const BootstrapLiteral lit = bootstrap_test_literal();
  const Evaluator no_keys(c.params, EvaluationKeys{std::make_shared<RelinKey>(c.keygen.relin_key()), nullptr});
  EXPECT_THROW(Bootstrapper(no_keys, c.encoder, lit, 64), OperandError);
  const Evaluator ev = c.evaluator_for(64, lit);
  const Bootstrapper boot(ev, c.encoder, lit, 64);
  EXPECT_THROW(boot.bootstrap(encrypt_at_zero(c, random_slots(32, 5))), OperandError);
  BootstrapLiteral deep = lit;
  deep.eval_mod.cos_degree = 255;  // depth 8 + 5 + 2 + 2 = 17 > 15 levels
  deep.eval_mod.double_angle = 5;
  EXPECT_THROW(Bootstrapper(ev, c.encoder, deep, 64), ParamError);
}

}  // namespace
}  // namespace ola::ckks
