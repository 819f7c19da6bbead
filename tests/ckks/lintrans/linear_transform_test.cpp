// Encrypted diagonal matrix-vector products (test-only ring N = 2^12) against the plain product.
#include "ckks/lintrans/linear_transform.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "ckks/core/ckks.h"

namespace ola::ckks {
namespace {

struct Ctx {
  Params params{test_literal_n12()};
  KeyGenerator keygen{params};
  Encoder encoder{params};
  Encryptor encryptor{params, keygen.secret_key()};
  Decryptor decryptor{params, keygen.secret_key()};
};

Ctx& ctx() {
  static Ctx c;
  return c;
}

ComplexVector random_vector(int n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  ComplexVector v(n);
  for (auto& c : v) c = {u(rng), u(rng)};
  return v;
}

double run(const DiagonalMatrix& m, int n1, std::uint64_t seed, int* rotations_used = nullptr) {
  Ctx& c = ctx();
  std::mt19937_64 rng(seed);
  const BsgsPlan plan = plan_bsgs(m, n1);
  const auto steps = rotation_set(plan);
  auto keys = std::make_shared<GaloisKeys>(c.keygen.galois_keys(steps));
  const Evaluator ev(c.params, EvaluationKeys{nullptr, keys});
  const ComplexVector x = random_vector(m.dim, rng);
  const int level = c.params.max_level();
  const Ciphertext ct = c.encryptor.encrypt(c.encoder.encode(std::span<const Complex>(x), level,
                                                              c.params.default_scale(), m.dim));
  const LinearTransform lt =
      encode_linear_transform(c.encoder, m, plan, level, static_cast<double>(c.params.q(level)));
  EXPECT_EQ(rotation_steps(lt), steps);
  if (rotations_used) *rotations_used = static_cast<int>(steps.size());
  Ciphertext y = apply_linear_transform(ev, ct, lt);
  EXPECT_EQ(y.level, level);
  ev.rescale_inplace(y);
  EXPECT_NEAR(y.scale / c.params.default_scale(), 1.0, 1e-9);
  const auto got = c.encoder.decode(c.decryptor.decrypt(y));
  const ComplexVector want = apply_matrix(m, x);
  double err = 0;
  for (int i = 0; i < m.dim; ++i) err = std::max(err, std::abs(got[i] - want[i]));
  return err;
}

TEST(LinearTransform, DenseMatrixFullSlots) {
  std::mt19937_64 rng(1);
  const int n = static_cast<int>(ctx().params.max_slots());
  DiagonalMatrix m{n, {}};
  for (int k = 0; k < 64; ++k) m.diagonals[k] = random_vector(n, rng);  // a band of 64 diagonals
  m.diagonals[n - 1] = random_vector(n, rng);
  int rotations = 0;
  const double err = run(m, 0, 2, &rotations);
  EXPECT_LT(err, 1e-6);
  EXPECT_LE(rotations, 20);  // BSGS: about 2 sqrt(64), not the 64 of the plain diagonal method
}

TEST(LinearTransform, SparseSlotsFewDiagonalsEveryBabyStep) {
  std::mt19937_64 rng(3);
  DiagonalMatrix m{64, {}};
  for (int k : {0, 1, 8, 63}) m.diagonals[k] = random_vector(64, rng);
  for (int n1 : {1, 4, 64}) EXPECT_LT(run(m, n1, 4 + n1), 1e-6) << "n1=" << n1;
}

TEST(LinearTransform, MissingKeyAndSlotMismatchAreReported) {
  Ctx& c = ctx();
  std::mt19937_64 rng(5);
  DiagonalMatrix m{64, {}};
  m.diagonals[3] = random_vector(64, rng);
  const BsgsPlan plan = plan_bsgs(m, 1);
  const LinearTransform lt = encode_linear_transform(c.encoder, m, plan, 2, 1 << 20);
  const Evaluator ev(c.params);
  const ComplexVector x = random_vector(64, rng);
  const Ciphertext ct = c.encryptor.encrypt(c.encoder.encode(std::span<const Complex>(x), 2, 1 << 20, 64));
  EXPECT_THROW(apply_linear_transform(ev, ct, lt), OperandError);
  const Ciphertext ct32 = c.encryptor.encrypt(c.encoder.encode(std::span<const Complex>(x).first(32), 2, 1 << 20, 32));
  EXPECT_THROW(apply_linear_transform(ev, ct32, lt), OperandError);
  const Ciphertext high = c.encryptor.encrypt(c.encoder.encode(std::span<const Complex>(x), 3, 1 << 20, 64));
  EXPECT_THROW(apply_linear_transform(ev, high, lt), OperandError);
}

}  // namespace
}  // namespace ola::ckks
