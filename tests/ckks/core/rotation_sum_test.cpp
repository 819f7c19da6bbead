// Evaluator::add_rotated / finish_rotations: sums of rotations with one shared ModDown.
#include <gtest/gtest.h>

#include <vector>

#include "ckks/core/evaluator.h"
#include "ckks_fixture.h"

namespace ola::ckks {
namespace {
using testing::cd;
using testing::contains;
using testing::Ctx;
using testing::error_of;
using testing::precision_bits;
using testing::random_values;
using testing::rotated;

constexpr std::size_t kSlots = 4096;  // N/2 at N = 2^13

TEST(RotationSum, OneRotatedTermIsExactlyTheRotation) {
  const Ctx& c = Ctx::get();
  const Ciphertext a = c.encrypt(random_values(kSlots, 31), 5);
  for (int step : {1, 77, -7}) {
    RotationSum sum;
    c.eval->add_rotated(sum, a, step);
    const Ciphertext lazy = c.eval->finish_rotations(std::move(sum));
    const Ciphertext eager = c.eval->rotate(a, step);
    ASSERT_EQ(lazy.level, eager.level);
    EXPECT_EQ(lazy.scale, eager.scale);
    EXPECT_EQ(lazy.slots, eager.slots);
    for (std::size_t k = 0; k < 2; ++k) EXPECT_TRUE(lazy.parts[k].data == eager.parts[k].data) << "step " << step;
  }
}

// Terms at the top level and near the bottom (fewer special primes there: p_used), with the
// unrotated term first or in the middle: the lazy sum decrypts to the sum of the rotations as
// well as rotate + add does, and differs from it by rounding only.
TEST(RotationSum, SumOfRotationsMatchesRotateAndAdd) {
  const Ctx& c = Ctx::get();
  const Evaluator& e = *c.eval;
  for (int level : {c.params.max_level(), 1}) {
    for (const std::vector<int>& steps : {std::vector<int>{0, 1, 77, -7, 2047}, std::vector<int>{3, 0, 1000}}) {
      std::vector<std::vector<cd>> values;
      std::vector<Ciphertext> cts;
      for (std::size_t i = 0; i < steps.size(); ++i) {
        values.push_back(random_values(kSlots, 40 + static_cast<unsigned>(i)));
        cts.push_back(c.encrypt(values.back(), level));
      }
      std::vector<cd> want(kSlots);
      RotationSum sum;
      Ciphertext eager;
      for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto r = rotated(values[i], steps[i]);
        for (std::size_t j = 0; j < kSlots; ++j) want[j] += r[j];
        e.add_rotated(sum, cts[i], steps[i]);
        eager = i == 0 ? e.rotate(cts[i], steps[i]) : e.add(eager, e.rotate(cts[i], steps[i]));
      }
      const Ciphertext lazy = e.finish_rotations(std::move(sum));
      EXPECT_EQ(lazy.level, level);
      const double lazy_bits = precision_bits(c.decrypt(lazy), want);
      const double eager_bits = precision_bits(c.decrypt(eager), want);
      EXPECT_GE(lazy_bits, 20.0) << "level " << level << " first step " << steps[0];
      EXPECT_GE(lazy_bits, eager_bits - 1.0) << "level " << level << " first step " << steps[0];
      EXPECT_GE(precision_bits(c.decrypt(lazy), c.decrypt(eager)), 20.0);
    }
  }
}

TEST(RotationSum, RefusesEmptySumsAndMismatchedTerms) {
  const Ctx& c = Ctx::get();
  const Evaluator& e = *c.eval;
  const auto v = random_values(kSlots, 50);
  const Ciphertext top = c.encrypt(v);
  EXPECT_TRUE(contains(error_of<OperandError>([&] { e.finish_rotations(RotationSum{}); }),
                       "Evaluator::finish_rotations: terms: expected >= 1, got 0"));
  RotationSum sum;
  e.add_rotated(sum, top, 1);
  EXPECT_TRUE(contains(error_of<OperandError>([&] { e.add_rotated(sum, c.encrypt(v, 2), 1); }),
                       "Evaluator::add_rotated: level: expected 7 (first operand), got 2 (second operand)"));
  Ciphertext scaled = top;
  scaled.scale *= 2;
  EXPECT_TRUE(contains(error_of<OperandError>([&] { e.add_rotated(sum, scaled, 1); }), "scale"));
  EXPECT_TRUE(contains(error_of<OperandError>([&] { e.add_rotated(sum, top, 6); }), "rotation step 6"));
  // The failed additions left the sum as it was: one rotation of top.
  EXPECT_GE(precision_bits(c.decrypt(e.finish_rotations(std::move(sum))), rotated(v, 1)), 25.0);
}

}  // namespace
}  // namespace ola::ckks
