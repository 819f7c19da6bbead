#include "he/conv.h"

#include <gtest/gtest.h>

#include "he/reference.h"
#include "he/slot_sim_backend.h"
#include "util/error.h"

namespace ola::he {
namespace {

// Runs conv on the simulator with keys for exactly rotation_steps() and compares with the float
// reference; returns the ops it took.
OpStats check_conv(const FeatureMap& x, const Conv2d& c, int gap, int slots) {
  const Layout in = make_layout(x.channels, x.height, x.width, gap, slots);
  const CompiledConv cc = compile_conv(in, c);
  const auto steps = rotation_steps(cc.transform);
  SlotSimBackend be({slots, 3, 2, 40, std::set<int>(steps.begin(), steps.end())});
  const auto y = conv(be, be.encrypt(pack(in, x)), cc);
  EXPECT_EQ(be.level(y), 2);
  const auto want = test::reference_conv(x, c);
  const auto slots_out = be.decrypt(y);
  EXPECT_LT(test::max_abs_diff(unpack(cc.out, slots_out), want), 1e-12);
  // The output copies are filled, so the next layer may rely on the period.
  const int p = cc.out.period();
  for (int i = 0; i < slots; ++i) {
    EXPECT_EQ(slots_out[static_cast<std::size_t>(i)], slots_out[static_cast<std::size_t>(i % p)]) << i;
    if (::testing::Test::HasFailure()) break;
  }
  return be.stats();
}

TEST(Conv, Small4x8x8Stride1) { check_conv(test::random_map(4, 8, 8, 1), test::random_conv(4, 4, 1, 2), 1, 1024); }

TEST(Conv, ChannelCountsThatDoNotFillBlocks) {
  check_conv(test::random_map(3, 8, 8, 3), test::random_conv(5, 3, 1, 4), 1, 1024);
  check_conv(test::random_map(6, 4, 4, 5), test::random_conv(3, 6, 1, 6), 2, 1024);  // gap 2, partial block
}

TEST(Conv, MultiplexedInputGap2And4) {
  check_conv(test::random_map(8, 8, 8, 7), test::random_conv(8, 8, 1, 8), 2, 2048);
  check_conv(test::random_map(16, 4, 4, 9), test::random_conv(16, 16, 1, 10), 4, 4096);
}

TEST(Conv, Stride2DownsamplesIntoTheDoubledGap) {
  check_conv(test::random_map(4, 8, 8, 11), test::random_conv(8, 4, 2, 12), 1, 1024);
  check_conv(test::random_map(8, 8, 8, 13), test::random_conv(16, 8, 2, 14), 2, 2048);
}

TEST(Conv, Medium16x16x16) {
  check_conv(test::random_map(16, 16, 16, 15), test::random_conv(16, 16, 1, 16), 1, 8192);
  check_conv(test::random_map(16, 16, 16, 17), test::random_conv(32, 16, 2, 18), 1, 8192);
}

TEST(Conv, ResNet20Stage1ShapeAtFullSlots) {
  const OpStats s = check_conv(test::random_map(16, 32, 32, 19), test::random_conv(16, 16, 1, 20), 1, 1 << 15);
  EXPECT_EQ(s.mul_sum_terms, 16 * 9);  // 16 block shifts x 9 taps
  EXPECT_EQ(s.rescales, 1);
}

TEST(Conv, ResNet20DownsamplingShapeAtFullSlots) {
  check_conv(test::random_map(16, 32, 32, 21), test::random_conv(32, 16, 2, 22), 1, 1 << 15);
}

TEST(Conv, DepthwiseAndPointwiseForConvNeXt) {
  check_conv(test::random_map(16, 16, 16, 32), test::depthwise(test::random_conv(16, 16, 1, 33, 7)), 1, 4096);
  check_conv(test::random_map(16, 8, 8, 34), test::depthwise(test::random_conv(16, 16, 1, 35, 7)), 2, 4096);
  check_conv(test::random_map(16, 8, 8, 36), test::random_conv(64, 16, 1, 37, 1), 2, 4096);
}

TEST(Conv, MissingRotationKeyIsRefused) {
  const Layout in = make_layout(4, 8, 8, 1, 1024);
  const CompiledConv cc = compile_conv(in, test::random_conv(4, 4, 1, 23));
  auto steps = rotation_steps(cc.transform);
  ASSERT_FALSE(steps.empty());
  steps.pop_back();
  SlotSimBackend be({1024, 3, 2, 40, std::set<int>(steps.begin(), steps.end())});
  EXPECT_THROW(conv(be, be.encrypt(pack(in, test::random_map(4, 8, 8, 24))), cc), Error);
}

TEST(Conv, FoldBatchNormMatchesConvThenNorm) {
  const Conv2d c = test::random_conv(2, 2, 1, 25);
  const std::vector<double> gamma{1.5, -0.5}, beta{0.1, 0.2}, mean{0.3, -0.4}, var{2.0, 0.5};
  const Conv2d f = fold_batch_norm(c, gamma, beta, mean, var, 1e-5);
  const FeatureMap x = test::random_map(2, 4, 4, 26);
  const FeatureMap a = test::reference_conv(x, c);
  const FeatureMap b = test::reference_conv(x, f);
  for (int co = 0; co < 2; ++co) {
    const double s = gamma[co] / std::sqrt(var[co] + 1e-5);
    EXPECT_NEAR(b.at(co, 1, 2), (a.at(co, 1, 2) - mean[co]) * s + beta[co], 1e-12);
  }
  EXPECT_THROW(fold_batch_norm(c, {1.0}, beta, mean, var, 1e-5), Error);
  EXPECT_THROW(fold_batch_norm(c, gamma, beta, mean, {-1.0, 1.0}, 0.0), Error);
}

TEST(Conv, RejectsInvalidConvolutions) {
  const Layout in = make_layout(4, 8, 8, 1, 1024);
  Conv2d c = test::random_conv(4, 4, 1, 27);
  c.pad = 0;
  EXPECT_THROW(compile_conv(in, c), Error);
  EXPECT_THROW(compile_conv(in, test::random_conv(4, 3, 1, 28)), Error);   // c_in mismatch
  c = test::random_conv(4, 4, 3, 29);
  EXPECT_THROW(compile_conv(in, c), Error);  // stride 3
  c = test::random_conv(4, 4, 1, 30);
  c.weights.pop_back();
  EXPECT_THROW(compile_conv(in, c), Error);
  EXPECT_THROW(compile_conv(make_layout(4, 8, 8, 1, 256), test::random_conv(8, 4, 1, 31)), Error);  // no room
}

}  // namespace
}  // namespace ola::he
