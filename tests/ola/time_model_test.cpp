#include "ola/time_model.h"

#include <gtest/gtest.h>

#include "ola/plan_error.h"

namespace ola::opt {
namespace {

CostTable table(int top, bool with_bootstrap) {
  CostTable t;
  for (int l = 0; l <= top; ++l) {
    LevelCost c;
    c.level = l;
    c.limbs = l + 1;
    c.mul_relin_ms = 10.0 * (l + 1);
    c.rescale_ms = 1.0 * (l + 1);
    c.rotate_ms = 9.0 * (l + 1);
    c.hoisted_rotate_ms = 4.0 * (l + 1);
    c.hoist_decompose_ms = 5.0 * (l + 1);
    c.mul_plain_ms = 0.5 * (l + 1);
    c.mul_const_ms = 0.25 * (l + 1);
    c.add_ms = 0.125 * (l + 1);
    c.encode_ms = 0.75 * (l + 1);
    c.encode_rep2_ms = 0.5 * (l + 1);
    c.encode_rep4_ms = 0.25 * (l + 1);
    c.encode_rep8_ms = 0.125 * (l + 1);
    c.mul_sum_term_ms = 0.375 * (l + 1);
    c.lazy_rotate_ms = 7.0 * (l + 1);
    c.mod_down_ms = 1.5 * (l + 1);
    t.levels.push_back(c);
  }
  if (with_bootstrap) t.bootstrap.push_back({32768, 20.0, 12, 1});
  return t;
}

TEST(TimeModel, PolynomialCostIsCountsTimesLevelPrices) {
  const CostTable t = table(20, true);
  const approx::OpCounts n{4, 8, 10, 16};
  // level 5: mul_relin 60, rescale 6, mul_const 1.5, add 0.75
  EXPECT_DOUBLE_EQ(polynomial_ms(n, t.at(5)), 8 * 66.0 + 10 * 1.5 + 16 * 0.75);
  EXPECT_LT(polynomial_ms(n, t.at(3)), polynomial_ms(n, t.at(4)));
}

TEST(TimeModel, PerChannelPolynomialsPayThePerSlotEvaluation) {
  const CostTable t = table(20, true);
  approx::Approximation a;
  a.kind = approx::Kind::wls;
  a.stages = {{-1, 1, std::vector<double>(8, 0.1)}};
  a.counts = {3, 4, 7, 9};
  EXPECT_DOUBLE_EQ(activation_ms(a, t.at(5)), polynomial_ms(a.counts, t.at(5)));
  a.channels = {a.stages[0], a.stages[0]};
  // level 5: mul_relin 60, rescale 6, mul_plain 3, mul_const 1.5, encode 4.5, add 0.75. Degree 7
  // per slot: 5 ciphertext products, 4 plaintext products, 3 scale matches, 6 plaintext additions,
  // 5 additions (approx::per_slot_ops), whatever a.counts says.
  EXPECT_DOUBLE_EQ(activation_ms(a, t.at(5)),
                   5 * 66.0 + 4 * (3.0 + 4.5 + 6.0) + 3 * (1.5 + 6.0) + 6 * (0.75 + 4.5) + 5 * 0.75);
  const TimeModel tm = make_time_model(t);
  const auto ms = activation_ms_at_levels(a, tm, 2);
  EXPECT_DOUBLE_EQ(ms[5], 2 * activation_ms(a, t.at(5)));
  // Degree 31: 19 ciphertext products, 16 plaintext products, 15 scale matches, 20 plaintext
  // additions, 19 additions.
  a.stages[0].coeffs.assign(32, 0.1);
  a.channels = {a.stages[0]};
  EXPECT_DOUBLE_EQ(activation_ms(a, t.at(5)),
                   19 * 66.0 + 16 * (3.0 + 4.5 + 6.0) + 15 * (1.5 + 6.0) + 20 * (0.75 + 4.5) + 19 * 0.75);
}

TEST(TimeModel, CiphertextCountFromMultiplexedPacking) {
  EXPECT_EQ(ciphertexts(16 * 32 * 32, kDefaultSlots), 1);
  EXPECT_EQ(ciphertexts(64 * 32 * 32, kDefaultSlots), 2);
  EXPECT_EQ(ciphertexts(32769, kDefaultSlots), 2);
  EXPECT_EQ(ciphertexts(1, kDefaultSlots), 1);
}

TEST(TimeModel, MeasuredBootstrapIsUsed) {
  const TimeModel m = make_time_model(table(20, true));
  EXPECT_FALSE(m.bootstrap.estimated);
  EXPECT_DOUBLE_EQ(m.bootstrap.ms_per_ciphertext, 20000.0);
  EXPECT_EQ(m.bootstrap.levels_after, 12);
  EXPECT_EQ(m.bootstrap.input_level, 1);
}

TEST(TimeModel, SparseBootstrapPricedBySmallestEntryHoldingTheTensor) {
  CostTable t = table(20, true);  // 32768 slots: 20 s
  t.bootstrap.push_back({4096, 12.0, 12, 1});
  t.bootstrap.push_back({16384, 16.0, 12, 1});
  const TimeModel m = make_time_model(t);
  EXPECT_DOUBLE_EQ(m.bootstrap.ms_per_ciphertext, 20000.0);
  EXPECT_DOUBLE_EQ(bootstrap_ms(m, 64 * 8 * 8), 12000.0);     // 4096 values: 4096 slots
  EXPECT_DOUBLE_EQ(bootstrap_ms(m, 32 * 16 * 16), 16000.0);   // 8192 values: next entry 16384
  EXPECT_DOUBLE_EQ(bootstrap_ms(m, 16 * 32 * 32), 16000.0);
  EXPECT_DOUBLE_EQ(bootstrap_ms(m, 20000), 20000.0);
  EXPECT_DOUBLE_EQ(bootstrap_ms(m, 3 * 32768), 60000.0);      // three full-slot ciphertexts
  t.bootstrap.push_back({8192, 14.0, 11, 1});                 // disagrees on levels_after
  EXPECT_THROW(make_time_model(t), PlanError);
}

TEST(TimeModel, EstimatedBootstrapIsMarkedAndPlausible) {
  const TimeModel m = make_time_model(table(24, false));
  EXPECT_TRUE(m.bootstrap.estimated);
  EXPECT_EQ(m.bootstrap.levels_after, 24 - kEstimatedBootstrapDepth);
  EXPECT_FALSE(m.bootstrap.formula.empty());
  // It must cost more than the EvalMod products alone at the lowest bootstrap level and less
  // than 1000 top-level products.
  const LevelCost& low = m.table.at(m.bootstrap.levels_after);
  EXPECT_GT(m.bootstrap.ms_per_ciphertext, 20 * (low.mul_relin_ms + low.rescale_ms));
  EXPECT_LT(m.bootstrap.ms_per_ciphertext, 1000 * m.table.at(24).mul_relin_ms);
}

TEST(TimeModel, ErrorsWhenLevelsCannotHoldBootstrap) {
  EXPECT_THROW(make_time_model(table(10, false)), PlanError);  // too short to estimate
  EXPECT_THROW(make_time_model(table(8, true)), PlanError);    // levels_after 12 > top 8
}

TEST(TimeModel, LinearCostsGrowWithWork) {
  const CostTable t = table(20, true);
  LinearShape c16{LinearShape::Op::conv, 16, 16, 32, 32, 3, 1};
  LinearShape c32{LinearShape::Op::conv, 32, 32, 16, 16, 3, 1};
  LinearShape c64{LinearShape::Op::conv, 64, 64, 8, 8, 3, 1};
  // Same tensor size but more output channels per input ciphertext -> more rounds.
  EXPECT_GT(linear_ms(c64, t.at(8), kDefaultSlots), linear_ms(c16, t.at(8), kDefaultSlots));
  EXPECT_GT(linear_ms(c32, t.at(8), kDefaultSlots), 0.0);
  EXPECT_GT(linear_ms(c16, t.at(9), kDefaultSlots), linear_ms(c16, t.at(8), kDefaultSlots));
  LinearShape strided = c16;
  strided.stride = 2;
  EXPECT_GT(linear_ms(strided, t.at(8), kDefaultSlots), linear_ms(c16, t.at(8), kDefaultSlots));
  EXPECT_EQ(linear_depth(c16), 1);
  EXPECT_EQ(linear_depth({LinearShape::Op::global_average_pool, 64, 64, 8, 8, 1, 1}), 0);
  // conv 16x32x32: p = 2 channels per round, 8 rounds of 9 products; 8 * (4 + 1) rotations; 8
  // hoisted input rotations; 1 rescale; every product encodes its plaintext.
  const LevelCost& l = t.at(0);
  const double want = 72 * (l.mul_plain_ms + l.encode_ms + l.add_ms) + 40 * (l.rotate_ms + l.add_ms) +
                      8 * l.hoisted_rotate_ms + l.hoist_decompose_ms + l.rescale_ms;
  EXPECT_DOUBLE_EQ(linear_ms(c16, l, kDefaultSlots), want);
}

TEST(TimeModel, CountedLinearOpsArePricedPerOperation) {
  const CostTable t = table(20, true);
  const LevelCost& l = t.at(5);
  const LinearOps a{3, 7, 1, 20, 30, 21, 1, 25, 1, 1};
  const double want = 3 * l.rotate_ms + 7 * l.hoisted_rotate_ms + l.hoist_decompose_ms + 20 * l.mul_plain_ms +
                      30 * l.mul_sum_term_ms + 21 * l.encode_ms + 25 * l.add_ms + l.rescale_ms;
  EXPECT_DOUBLE_EQ(linear_ops_ms(a, l), want);
  EXPECT_DOUBLE_EQ(linear_ops_ms(LinearOps{}, l), 0.0);
  const LinearOps b{1, 0, 0, 2, 0, 2, 1, 3, 1, 1};
  EXPECT_EQ(a + b, (LinearOps{4, 7, 1, 22, 30, 23, 1, 28, 2, 2}));
  EXPECT_FALSE(a == b);
}

// Giant steps added to one rotation sum pay a lazy rotation each and one ModDown for the sum.
TEST(TimeModel, RotationSumsArePricedPerTermPlusOneModDown) {
  const CostTable t = table(20, true);
  const LevelCost& l = t.at(5);
  LinearOps giants;
  giants.lazy_rotations = 6;
  giants.rotation_sums = 1;
  EXPECT_DOUBLE_EQ(linear_ops_ms(giants, l), 6 * l.lazy_rotate_ms + l.mod_down_ms);
  LinearOps eager;
  eager.rotations = 6;
  EXPECT_LT(linear_ops_ms(giants, l), linear_ops_ms(eager, l));
  LinearOps more;
  more.lazy_rotations = 2;
  more.rotation_sums = 1;
  const LinearOps sum = giants + more;
  EXPECT_EQ(sum.lazy_rotations, 8);
  EXPECT_EQ(sum.rotation_sums, 2);
  EXPECT_FALSE(giants == eager);
  EXPECT_FALSE(sum == giants);
}

// Periodic plaintexts are priced at the encoder's subring cost; a sum keeps the dearer price.
TEST(TimeModel, PeriodicEncodesArePricedByRepeats) {
  const CostTable t = table(20, true);
  const LevelCost& l = t.at(5);
  ASSERT_LT(l.encode_rep8_ms, l.encode_rep4_ms);
  ASSERT_LT(l.encode_rep4_ms, l.encode_rep2_ms);
  ASSERT_LT(l.encode_rep2_ms, l.encode_ms);
  LinearOps a;
  a.encodes = 10;
  for (int repeats : {1, 2, 4, 8, 64}) {
    a.encode_repeats = repeats;
    EXPECT_DOUBLE_EQ(linear_ops_ms(a, l), 10 * l.encode_ms_for(repeats)) << repeats;
  }
  EXPECT_DOUBLE_EQ(l.encode_ms_for(1), l.encode_ms);
  EXPECT_DOUBLE_EQ(l.encode_ms_for(3), l.encode_rep2_ms);
  EXPECT_DOUBLE_EQ(l.encode_ms_for(64), l.encode_rep8_ms);
  LinearOps b;
  b.encodes = 1;
  b.encode_repeats = 2;
  a.encode_repeats = 8;
  EXPECT_EQ((a + b).encode_repeats, 2);
  EXPECT_EQ((a + LinearOps{}).encode_repeats, 8);  // no encodes: no price to merge
}

}  // namespace
}  // namespace ola::opt
