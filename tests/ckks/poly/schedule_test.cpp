#include "ckks/poly/schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace ola::ckks {
namespace {

std::vector<double> random_coeffs(int degree, bool odd, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> c(static_cast<std::size_t>(degree) + 1, 0.0);
  for (int k = 0; k <= degree; ++k) {
    if (odd && k % 2 == 0) continue;
    c[static_cast<std::size_t>(k)] = u(rng);
  }
  if (c.back() == 0.0) c.back() = 0.5;
  return c;
}

// Published odd-BSGS costs (method.md, after Lee et al. 2021/2022): degree -> {depth, non-scalar}.
TEST(Schedule, OddCountsMatchPublishedTable) {
  std::mt19937_64 rng(1);
  const int table[][3] = {{3, 2, 2}, {5, 3, 3}, {7, 3, 5}, {15, 4, 8}, {27, 5, 10}, {31, 5, 12}, {63, 6, 17}};
  for (const auto& row : table) {
    const auto c = random_coeffs(row[0], true, rng);
    const PolyCounts n = counts(plan_poly(c));
    EXPECT_EQ(n.depth, row[1]) << "degree " << row[0];
    EXPECT_EQ(n.nonscalar_mults, row[2]) << "degree " << row[0];
  }
}

TEST(Schedule, DepthIsMinimalForEveryDegree) {
  std::mt19937_64 rng(2);
  for (int d = 1; d <= 63; ++d) {
    for (bool odd : {false, true}) {
      if (odd && d % 2 == 0) continue;
      const auto c = random_coeffs(d, odd, rng);
      const PolyPlan plan = plan_poly(c);
      const PolyCounts n = counts(plan);
      EXPECT_EQ(n.depth, ceil_log2(d + 1)) << "degree " << d << (odd ? " odd" : " general");
      EXPECT_EQ(plan.odd, odd) << "degree " << d;
    }
  }
}

TEST(Schedule, EvenPolynomialsUseMinimalDepth) {
  std::mt19937_64 rng(6);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int d = 2; d <= 62; d += 2) {
    std::vector<double> c(static_cast<std::size_t>(d) + 1, 0.0);
    for (int k = 0; k <= d; k += 2) c[static_cast<std::size_t>(k)] = u(rng);
    const PolyPlan plan = plan_poly(c);
    EXPECT_TRUE(plan.even) << d;
    EXPECT_EQ(counts(plan).depth, ceil_log2(d + 1)) << d;
    EXPECT_NEAR(evaluate_plain(plan, 0.61), static_cast<double>(clenshaw(c, 0.61L)), 1e-12 * d);
  }
}

TEST(Schedule, PlainEvaluationAgreesWithClenshaw) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> ut(-1.0, 1.0);
  for (int d = 1; d <= 63; ++d) {
    for (bool odd : {false, true}) {
      const auto c = random_coeffs(d, odd, rng);
      const PolyPlan plan = plan_poly(c);
      double scale = 0.0;
      for (double v : c) scale += std::abs(v);
      for (int s = 0; s < 50; ++s) {
        const double t = ut(rng);
        const long double ref = clenshaw(c, t);
        EXPECT_NEAR(evaluate_plain(plan, t), static_cast<double>(ref), 1e-12 * scale)
            << "degree " << d << " t " << t;
        EXPECT_NEAR(static_cast<double>(evaluate_plain(plan, static_cast<long double>(t))),
                    static_cast<double>(ref), 1e-14 * scale);
      }
    }
  }
}

TEST(Schedule, EveryFixedPlanIsCorrectAndWithinDepth) {
  std::mt19937_64 rng(4);
  for (int d : {2, 9, 16, 27, 40}) {
    const auto c = random_coeffs(d, false, rng);
    for (int k = 1; k <= d; ++k) {
      for (GiantRule rule : {GiantRule::largest, GiantRule::smallest}) {
        const PolyPlan plan = plan_poly(c, k, rule);
        EXPECT_EQ(counts(plan).depth, ceil_log2(d + 1));
        EXPECT_NEAR(evaluate_plain(plan, 0.37), static_cast<double>(clenshaw(c, 0.37)), 1e-11);
      }
    }
  }
}

TEST(Schedule, ConstantAndTrailingZeros) {
  const std::vector<double> c0{2.5};
  EXPECT_EQ(evaluate_plain(plan_poly(c0), 0.3), 2.5);
  EXPECT_EQ(counts(plan_poly(c0)).depth, 0);
  const std::vector<double> c1{0.5, 2.0, 0.0, 0.0};
  const PolyPlan p = plan_poly(c1);
  EXPECT_EQ(p.degree, 1);
  EXPECT_EQ(counts(p).depth, 1);
  EXPECT_DOUBLE_EQ(evaluate_plain(p, 0.25), 1.0);
}

TEST(Schedule, CompositeDepthAddsUp) {
  std::mt19937_64 rng(5);
  std::vector<PolyPlan> plans{plan_poly(random_coeffs(15, true, rng)),
                              plan_poly(random_coeffs(15, true, rng)),
                              plan_poly(random_coeffs(27, true, rng))};
  const PolyCounts n = counts(plans);
  EXPECT_EQ(n.depth, 4 + 4 + 5);
  EXPECT_EQ(n.nonscalar_mults, 8 + 8 + 10);
  PlainBackend<double> be;
  double v = 0.3;
  for (const auto& p : plans) v = evaluate_plain(p, v);
  EXPECT_DOUBLE_EQ(evaluate_composite(be, 0.3, std::span<const PolyPlan>(plans)), v);
}

TEST(Schedule, BadInputThrows) {
  const std::vector<double> empty;
  EXPECT_THROW(plan_poly(empty), ola::Error);
  const std::vector<double> nan{1.0, std::nan("")};
  EXPECT_THROW(plan_poly(nan), ola::Error);
  const std::vector<double> ok{1.0, 2.0};
  EXPECT_THROW(plan_poly(ok, 0, GiantRule::largest), ola::Error);
}

}  // namespace
}  // namespace ola::ckks
