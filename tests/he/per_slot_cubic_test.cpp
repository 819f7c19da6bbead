#include "he/per_slot_cubic.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "he/slot_sim_backend.h"

namespace ola::he {
namespace {

double chebyshev_cubic(const SlotCubic& p, std::size_t i, double t) {
  const double t2 = 2.0 * t * t - 1.0, t3 = 2.0 * t * t2 - t;
  return p.c[0][i] + p.c[1][i] * t + p.c[2][i] * t2 + p.c[3][i] * t3;
}

TEST(PerSlotCubic, EverySlotEvaluatesItsOwnCoefficientsAtDepthTwo) {
  SlotSimBackend be({64, 5, 5, 40, std::nullopt});
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  SlotCubic p;
  for (auto& v : p.c) {
    v.resize(64);
    for (double& x : v) x = 3.0 * u(rng);
  }
  p.c[3][7] = 0.0;  // a quadratic slot and a linear one
  p.c[3][8] = p.c[2][8] = 0.0;
  std::vector<double> t(64);
  for (double& x : t) x = u(rng);
  const SimCiphertext in = be.encrypt(t);
  const SimCiphertext out = evaluate_slot_cubic(be, in, p);
  EXPECT_EQ(out.level, 3);
  EXPECT_EQ(be.stats().ct_mults, 2);
  EXPECT_EQ(be.stats().plain_mults, 2);
  for (std::size_t i = 0; i < 64; ++i) EXPECT_NEAR(out.slots[i], chebyshev_cubic(p, i, t[i]), 1e-12) << i;
  // Two more levels are there at 3: it runs again; at 1 it is refused.
  EXPECT_NO_THROW(evaluate_slot_cubic(be, out, p));
  EXPECT_THROW(evaluate_slot_cubic(be, be.drop_to_level(in, 1), p), Error);
  SlotCubic short_one = p;
  short_one.c[2].pop_back();
  EXPECT_THROW(evaluate_slot_cubic(be, in, short_one), Error);
}

}  // namespace
}  // namespace ola::he
