// The ciphertext backend runs the same schedule as the plain and counting backends: same values
// (up to CKKS noise), same operation counts, and exactly the schedule's depth in levels.
#include "ckks/poly/ciphertext_backend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "ckks/core/ckks.h"

namespace ola::ckks {
namespace {

struct Ctx {
  Params params{test_literal_n13()};  // 7 levels: degrees up to 127
  KeyGenerator keygen{params};
  Encoder encoder{params};
  Encryptor encryptor{params, keygen.secret_key()};
  Decryptor decryptor{params, keygen.secret_key()};
  Evaluator evaluator{params, EvaluationKeys{std::make_shared<RelinKey>(keygen.relin_key()), nullptr}};
};

Ctx& ctx() {
  static Ctx c;
  return c;
}

/// Forwards to CiphertextBackend and counts exactly as CountingBackend does.
struct CountingCiphertextBackend {
  using Value = Ciphertext;
  CiphertextBackend inner;
  CountingBackend counter;
  Value mul(const Value& a, const Value& b) {
    counter.mul({depth(a)}, {depth(b)});
    return inner.mul(a, b);
  }
  Value mul_const(const Value& a, double c) {
    counter.mul_const({depth(a)}, c);
    return inner.mul_const(a, c);
  }
  Value mul_int(const Value& a, long k) { return inner.mul_int(a, k); }
  Value add(const Value& a, const Value& b) {
    counter.add({depth(a)}, {depth(b)});
    return inner.add(a, b);
  }
  Value sub(const Value& a, const Value& b) {
    counter.sub({depth(a)}, {depth(b)});
    return inner.sub(a, b);
  }
  Value add_const(const Value& a, double c) {
    counter.add_const({depth(a)}, c);
    return inner.add_const(a, c);
  }
  Value const_value(double c) { return inner.const_value(c); }
  int depth(const Value& a) const { return inner.depth(a); }
};

std::vector<double> random_coeffs(int degree, bool odd, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> c(degree + 1);
  for (int k = 0; k <= degree; ++k) c[k] = (odd && k % 2 == 0) ? 0.0 : u(rng) / (1 + k);
  return c;
}

class PolyDegrees : public ::testing::TestWithParam<std::pair<int, bool>> {};

TEST_P(PolyDegrees, MatchesPlainScheduleCountsAndDepth) {
  const auto [degree, odd] = GetParam();
  Ctx& c = ctx();
  std::mt19937_64 rng(degree * 2 + odd);
  const auto coeffs = random_coeffs(degree, odd, rng);
  const PolyPlan plan = plan_poly(coeffs);
  const int n = 64;
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> x(n);
  for (auto& v : x) v = u(rng);
  const int top = c.params.max_level();
  const Ciphertext ct = c.encryptor.encrypt(c.encoder.encode(std::span<const double>(x), top, c.params.default_scale(), n));

  CountingCiphertextBackend be{CiphertextBackend(c.evaluator, top, ct.scale), {}};
  const Ciphertext out = evaluate(be, ct, plan);
  const PolyCounts want = counts(plan);
  EXPECT_EQ(be.counter.counts.nonscalar_mults, want.nonscalar_mults);
  EXPECT_EQ(be.counter.counts.scalar_mults, want.scalar_mults);
  EXPECT_EQ(be.counter.counts.additions, want.additions);
  EXPECT_EQ(be.counter.counts.depth, want.depth);
  EXPECT_EQ(top - out.level, plan.depth);  // levels actually consumed
  EXPECT_EQ(plan.depth, ceil_log2(degree + 1));

  const auto got = c.encoder.decode_real(c.decryptor.decrypt(out));
  double err = 0;
  for (int i = 0; i < n; ++i) err = std::max(err, std::abs(got[i] - static_cast<double>(clenshaw(coeffs, x[i]))));
  EXPECT_LT(err, 1e-5) << "degree " << degree;

  // The free function gives the same level.
  EXPECT_EQ(evaluate_poly(c.evaluator, ct, plan).level, out.level);
}

INSTANTIATE_TEST_SUITE_P(Degrees, PolyDegrees,
                         ::testing::Values(std::pair{1, false}, std::pair{3, true}, std::pair{7, false},
                                           std::pair{15, true}, std::pair{27, true}, std::pair{31, false},
                                           std::pair{63, true}));

TEST(PolyEvaluator, CompositionConsumesTheSumOfDepths) {
  Ctx& c = ctx();
  const std::vector<double> p1{0.0, 1.5, 0.0, -0.5};  // 1.5 T1 - 0.5 T3 (odd, maps [-1,1] into [-1,1])
  const std::vector<PolyPlan> plans{plan_poly(p1), plan_poly(p1)};
  const std::vector<double> x{0.3, -0.7, 0.9, 0.05};
  const int top = c.params.max_level();
  const Ciphertext ct = c.encryptor.encrypt(c.encoder.encode(std::span<const double>(x), top, c.params.default_scale(), 4));
  const Ciphertext out = evaluate_poly_composite(c.evaluator, ct, plans);
  EXPECT_EQ(top - out.level, 2 * plans[0].depth);
  const auto got = c.encoder.decode_real(c.decryptor.decrypt(out));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double y = static_cast<double>(clenshaw(p1, clenshaw(p1, x[i])));
    EXPECT_NEAR(got[i], y, 1e-5);
  }
}

TEST(PolyEvaluator, RejectsTooLowLevelAndConstants) {
  Ctx& c = ctx();
  std::mt19937_64 rng(9);
  const PolyPlan plan = plan_poly(random_coeffs(15, false, rng));
  const std::vector<double> x{0.5};
  const Ciphertext low = c.encryptor.encrypt(c.encoder.encode(std::span<const double>(x), 3, c.params.default_scale(), 1));
  EXPECT_THROW(evaluate_poly(c.evaluator, low, plan), OperandError);
  const std::vector<double> constant{0.25};
  EXPECT_THROW(evaluate_poly(c.evaluator, low, plan_poly(constant)), Error);
}

}  // namespace
}  // namespace ola::ckks
