#include "he/slot_sim_backend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "he/residual.h"
#include "util/error.h"

namespace ola::he {
namespace {

SlotSimBackend small(std::optional<std::set<int>> keys = std::nullopt) {
  return SlotSimBackend({8, 5, 3, 30, std::move(keys)});
}

TEST(SlotSimBackend, MulPlainAndRescaleConsumeOneLevelAndRestoreTheScale) {
  auto be = small();
  const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8};
  const auto ct = be.encrypt(v);
  EXPECT_EQ(be.level(ct), 5);
  const auto prod = be.mul_plain(ct, be.encode_for_mul(std::vector<double>(8, 0.5), 5));
  EXPECT_EQ(be.level(prod), 5);
  EXPECT_GT(be.scale(prod), be.scale(ct) * 1e8);
  const auto r = be.rescale(prod);
  EXPECT_EQ(be.level(r), 4);
  EXPECT_NEAR(be.scale(r) / be.scale(ct), 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(be.decrypt(r)[3], 2.0);
  EXPECT_EQ(be.stats().plain_mults, 1);
  EXPECT_EQ(be.stats().rescales, 1);
  // Constants follow the same rule.
  const auto c = be.rescale(be.mul_const(r, 3.0));
  EXPECT_EQ(be.level(c), 3);
  EXPECT_DOUBLE_EQ(be.decrypt(c)[3], 6.0);
}

TEST(SlotSimBackend, MismatchedLevelsOrScalesAreBugs) {
  auto be = small();
  const auto a = be.encrypt(std::vector<double>(8, 1.0));
  const auto b = be.rescale(be.mul_const(a, 2.0));
  EXPECT_THROW(be.add(a, b), std::logic_error);
  const auto unscaled = be.mul_const(a, 2.0);  // scale Delta^2, not rescaled
  EXPECT_THROW(be.add(a, unscaled), std::logic_error);
  EXPECT_THROW(be.rescale(be.drop_to_level(a, 0)), std::logic_error);
  EXPECT_THROW(be.encode_for_mul(std::vector<double>(8, 1.0), 0), Error);
  EXPECT_THROW(be.encrypt(std::vector<double>(7, 1.0)), Error);
}

TEST(SlotSimBackend, RotateIsALeftRotationAndNeedsKeys) {
  auto be = small(std::set<int>{1, -2});
  const auto ct = be.encrypt(std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7});
  EXPECT_DOUBLE_EQ(be.decrypt(be.rotate(ct, 1))[0], 1.0);
  EXPECT_DOUBLE_EQ(be.decrypt(be.rotate(ct, 6))[0], 6.0);  // -2 mod 8 has a key
  EXPECT_THROW(be.rotate(ct, 3), Error);
  EXPECT_EQ(be.stats().rotations, 2);
  const auto rs = be.rotate_hoisted(ct, {0, 1, -2});
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_DOUBLE_EQ(be.decrypt(rs[0])[0], 0.0);
  EXPECT_DOUBLE_EQ(be.decrypt(rs[2])[0], 6.0);
  EXPECT_EQ(be.stats().hoisted_rotations, 2);
  EXPECT_EQ(be.stats().hoist_batches, 1);
}

// A rotation sum counts as CKKS runs it: a lazy rotation per rotated term, an addition per term
// after the first, and one ModDown (rotation sum) when any term was rotated.
TEST(SlotSimBackend, RotationSumsCountLazyRotationsAndOneModDown) {
  auto be = small(std::set<int>{1, -2});
  const auto ct = be.encrypt(std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7});
  SlotSimBackend::RotationSum sum;
  be.add_rotated(sum, ct, 0);
  be.add_rotated(sum, ct, 1);
  be.add_rotated(sum, ct, -2);
  EXPECT_THROW(be.add_rotated(sum, ct, 3), Error);  // no key: the sum is unchanged
  const auto out = be.finish_rotations(std::move(sum));
  EXPECT_DOUBLE_EQ(be.decrypt(out)[0], 0.0 + 1.0 + 6.0);
  EXPECT_DOUBLE_EQ(be.decrypt(out)[7], 7.0 + 0.0 + 5.0);
  EXPECT_EQ(be.stats().lazy_rotations, 2);
  EXPECT_EQ(be.stats().rotations, 0);
  EXPECT_EQ(be.stats().additions, 2);
  EXPECT_EQ(be.stats().rotation_sums, 1);
  SlotSimBackend::RotationSum unrotated;
  be.add_rotated(unrotated, ct, 8);  // 8 = 0 mod 8 slots: no key switch, no ModDown
  (void)be.finish_rotations(std::move(unrotated));
  EXPECT_EQ(be.stats().rotation_sums, 1);
  EXPECT_THROW(be.finish_rotations(SlotSimBackend::RotationSum{}), Error);
}

TEST(SlotSimBackend, CiphertextProductRescalesAndNeedsEqualLevels) {
  auto be = small();
  const auto a = be.encrypt(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8});
  const auto b = be.encrypt(std::vector<double>(8, -0.5));
  const auto p = be.mul(a, b);
  EXPECT_EQ(be.level(p), 4);
  EXPECT_DOUBLE_EQ(be.scale(p), be.scale(a) * be.scale(b) / be.prime(5));
  EXPECT_DOUBLE_EQ(be.decrypt(p)[6], -3.5);
  EXPECT_EQ(be.stats().ct_mults, 1);
  EXPECT_THROW(be.mul(p, a), std::logic_error);
  EXPECT_THROW(be.mul(be.drop_to_level(a, 0), be.drop_to_level(b, 0)), std::logic_error);
}

TEST(SlotSimBackend, ProductsWithBasePlaintextsLandOnTheBaseScale) {
  auto be = small();
  const auto drifted = be.with_scale_factor(be.encrypt(std::vector<double>(8, 2.0)), 1.7);
  const auto r = be.rescale(be.mul_plain(drifted, be.encode_for_mul_to_base(std::vector<double>(8, 0.5), drifted)));
  EXPECT_EQ(be.level(r), 4);
  EXPECT_DOUBLE_EQ(be.scale(r), std::ldexp(1.0, 30));
  EXPECT_DOUBLE_EQ(be.decrypt(r)[1], 1.0);
  EXPECT_EQ(be.stats().encodes, 1);
}

TEST(SlotSimBackend, BootstrapAndActivationMoveLevels) {
  auto be = small();
  auto ct = be.encrypt(std::vector<double>(8, -2.0));
  ct = sim_activation([](double x) { return x * x; }, 2)(be, ct);
  EXPECT_EQ(be.level(ct), 3);
  EXPECT_DOUBLE_EQ(be.decrypt(ct)[0], 4.0);
  EXPECT_THROW(be.map_slots(be.drop_to_level(ct, 1), [](double x) { return x; }, 2), std::logic_error);
  ct = be.bootstrap(be.drop_to_level(ct, 0), 8);
  EXPECT_EQ(be.level(ct), 3);
  EXPECT_EQ(be.stats().bootstraps, 1);
}

TEST(SlotSimBackend, SparseBootstrapNeedsSlotsThatRepeatWithItsPeriod) {
  auto be = small();  // 8 slots
  const auto periodic = be.encrypt(std::vector<double>{1.0, -2.0, 1.0, -2.0, 1.0, -2.0, 1.0, -2.0});
  const auto r = be.bootstrap(be.drop_to_level(periodic, 0), 2);
  EXPECT_EQ(be.level(r), 3);
  EXPECT_EQ(be.decrypt(r), be.decrypt(periodic));
  EXPECT_NO_THROW(be.bootstrap(periodic, 4));  // period 2 repeats with period 4 too
  EXPECT_NO_THROW(be.bootstrap(periodic, 8));  // n = slots: no condition
  // Period 4 but not 2: a 2-sparse bootstrap would average the copies (ckks::Bootstrapper), so the
  // simulator refuses it as a program bug instead of silently differing from CKKS.
  const auto p4 = be.encrypt(std::vector<double>{1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0});
  EXPECT_NO_THROW(be.bootstrap(p4, 4));
  EXPECT_THROW(be.bootstrap(p4, 2), std::logic_error);
  EXPECT_THROW(be.bootstrap(p4, 3), Error);
  EXPECT_THROW(be.bootstrap(p4, 16), Error);
  EXPECT_EQ(be.stats().bootstraps, 4);
}

TEST(SlotSimBackend, ResidualAddAlignsLevelsByDropping) {
  auto be = small();
  const auto a = be.encrypt(std::vector<double>(8, 1.0));
  const auto b = be.rescale(be.mul_const(be.rescale(be.mul_const(a, 2.0)), 2.0));
  const auto s = add_residual(be, a, b);
  EXPECT_EQ(be.level(s), 3);
  EXPECT_DOUBLE_EQ(be.decrypt(s)[5], 5.0);
  EXPECT_EQ(be.level(add_residual(be, b, a)), 3);
  EXPECT_EQ(be.stats().level_drops, 2);
}

TEST(SlotSimBackend, ResidualAddAlignsDriftedScalesWithASpareLevel) {
  auto be = small();
  const auto a = be.encrypt(std::vector<double>(8, 1.0));
  const auto drifted = be.with_scale_factor(be.rescale(be.mul_const(a, 2.0)), 1.0 + 1e-6);  // level 4
  const auto deep = be.rescale(be.mul_const(be.rescale(be.mul_const(a, 3.0)), 1.0));      // level 3
  EXPECT_THROW(be.add(deep, be.drop_to_level(drifted, 3)), std::logic_error);
  const auto s = add_residual(be, drifted, deep);
  EXPECT_EQ(be.level(s), 3);
  EXPECT_DOUBLE_EQ(be.scale(s), be.scale(deep));
  EXPECT_DOUBLE_EQ(be.decrypt(s)[0], 5.0);
  EXPECT_THROW(add_residual(be, be.drop_to_level(drifted, 3), deep), Error);
}

TEST(SlotSimBackend, RejectsBadConfig) {
  EXPECT_THROW(SlotSimBackend({6, 5, 3, 30, std::nullopt}), Error);
  EXPECT_THROW(SlotSimBackend({8, 5, 6, 30, std::nullopt}), Error);
  EXPECT_THROW(SlotSimBackend({8, 5, 3, 70, std::nullopt}), Error);
}

}  // namespace
}  // namespace ola::he
