#include "he/per_slot_poly.h"

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

double chebyshev(const SlotPoly& p, std::size_t i, double t) {
  double prev = 1.0, cur = t, sum = p.c[0][i];
  for (std::size_t k = 1; k < p.c.size(); ++k) {
    sum += p.c[k][i] * cur;
    const double next = 2.0 * t * cur - prev;
    prev = cur;
    cur = next;
  }
  return sum;
}

TEST(PerSlotPoly, DegreeSevenEvaluatesEverySlotsOwnCoefficientsAtDepthThree) {
  SlotSimBackend be({64, 5, 5, 40, std::nullopt});
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (const std::size_t terms : {8U, 6U, 3U}) {
    SlotPoly p;
    p.c.assign(terms, std::vector<double>(64));
    for (auto& v : p.c) {
      for (double& x : v) x = 2.0 * u(rng);
    }
    std::vector<double> t(64);
    for (double& x : t) x = u(rng);
    const SimCiphertext out = evaluate_slot_poly(be, be.encrypt(t), p);
    EXPECT_EQ(out.level, terms > 4 ? 2 : 3) << terms;
    for (std::size_t i = 0; i < 64; ++i) EXPECT_NEAR(out.slots[i], chebyshev(p, i, t[i]), 1e-11) << terms << " " << i;
  }
  SlotPoly p;
  p.c.assign(8, std::vector<double>(64, 0.5));
  EXPECT_THROW(evaluate_slot_poly(be, be.drop_to_level(be.encrypt(std::vector<double>(64, 0.1)), 2), p), Error);
}

TEST(PerSlotPoly, DegreesUpToThirtyOneDivideByChebyshevDoublesAtTheScalarDepth) {
  SlotSimBackend be({64, 7, 7, 40, std::nullopt});
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (const std::size_t terms : {9U, 16U, 20U, 32U}) {
    SlotPoly p;
    p.c.assign(terms, std::vector<double>(64));
    for (auto& v : p.c) {
      for (double& x : v) x = u(rng);
    }
    std::vector<double> t(64);
    for (double& x : t) x = u(rng);
    t[0] = 1.0;  // the ends of the interval, where every T_k is +-1
    t[1] = -1.0;
    const OpStats before = be.stats();
    const SimCiphertext out = evaluate_slot_poly(be, be.encrypt(t), p);
    const OpStats n = be.stats() - before;
    const approx::PerSlotOps ops = approx::per_slot_ops(static_cast<int>(terms) - 1);
    EXPECT_EQ(out.level, 7 - ops.depth) << terms;
    EXPECT_EQ(ops.depth, terms > 16 ? 5 : 4) << terms;
    // What the optimizer prices (ola/time_model) is what runs.
    EXPECT_EQ(n.ct_mults, ops.ct_mults) << terms;
    EXPECT_EQ(n.plain_mults, ops.plain_mults) << terms;
    EXPECT_EQ(n.const_mults, ops.const_mults) << terms;
    EXPECT_EQ(n.additions, ops.adds + ops.plain_adds) << terms;
    EXPECT_EQ(n.encodes, ops.plain_mults + ops.plain_adds) << terms;
    for (std::size_t i = 0; i < 64; ++i) EXPECT_NEAR(out.slots[i], chebyshev(p, i, t[i]), 1e-10) << terms << " " << i;
  }
  SlotPoly p;
  p.c.assign(32, std::vector<double>(64, 0.5));
  EXPECT_THROW(evaluate_slot_poly(be, be.drop_to_level(be.encrypt(std::vector<double>(64, 0.1)), 4), p), Error);
  EXPECT_NO_THROW(evaluate_slot_poly(be, be.drop_to_level(be.encrypt(std::vector<double>(64, 0.1)), 5), p));
  p.c.assign(33, std::vector<double>(64, 0.5));  // degree 32
  EXPECT_THROW(evaluate_slot_poly(be, be.encrypt(std::vector<double>(64, 0.1)), p), Error);
}

}  // namespace
}  // namespace ola::he
