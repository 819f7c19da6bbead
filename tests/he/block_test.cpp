// Shortcut, residual block, pooling + FC: the remaining ResNet layers against the float reference.
#include <gtest/gtest.h>

#include <cmath>

#include "he/conv.h"
#include "he/pool_fc.h"
#include "he/reference.h"
#include "he/residual.h"
#include "he/shortcut.h"
#include "he/slot_sim_backend.h"
#include "util/error.h"

namespace ola::he {
namespace {

double relu(double x) { return x > 0 ? x : 0.0; }

Dense random_dense(int out, int in, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Dense d{out, in, std::vector<double>(static_cast<std::size_t>(out) * in), std::vector<double>(static_cast<std::size_t>(out))};
  for (double& v : d.weights) v = u(rng);
  for (double& v : d.bias) v = u(rng);
  return d;
}

TEST(Shortcut, OptionAMatchesSubsampleAndPad) {
  for (int gap : {1, 2}) {
    const FeatureMap x = test::random_map(8, 8, 8, 40 + gap);
    const Layout in = make_layout(8, 8, 8, gap, 2048);
    const CompiledConv sc = compile_shortcut(in, 16, 4);
    SlotSimBackend be({2048, 3, 2, 40, std::nullopt});
    const auto y = conv(be, be.encrypt(pack(in, x)), sc);
    EXPECT_EQ(be.level(y), 2);
    EXPECT_EQ(test::max_abs_diff(unpack(sc.out, be.decrypt(y)), test::reference_shortcut(x, 16, 4)), 0.0);
  }
  EXPECT_THROW(option_a_shortcut(8, 12, 5), Error);
}

TEST(PoolFc, MatchesAveragePoolingThenDense) {
  for (int gap : {1, 2, 4}) {
    const int c = 4 * gap * gap;
    const FeatureMap x = test::random_map(c, 16 / gap, 16 / gap, 50 + gap);
    const Layout in = make_layout(c, 16 / gap, 16 / gap, gap, 8192);
    const Dense fc = random_dense(10, c, 60 + gap);
    const CompiledPoolFc p = compile_pool_fc(in, fc);
    const auto steps = rotation_steps(p);
    SlotSimBackend be({8192, 3, 2, 40, std::set<int>(steps.begin(), steps.end())});
    const auto y = pool_fc(be, be.encrypt(pack(in, x)), p);
    EXPECT_EQ(be.level(y), 2);
    const auto got = unpack_logits(p, be.decrypt(y));
    const auto want = test::reference_pool_fc(x, fc);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(got[j], want[j], 1e-12) << "gap " << gap << " class " << j;
  }
  EXPECT_THROW(compile_pool_fc(make_layout(4, 2, 2, 1, 64), random_dense(10, 4, 1)), Error);  // 10 > 2*2
  EXPECT_THROW(compile_pool_fc(make_layout(4, 4, 4, 1, 64), random_dense(10, 3, 1)), Error);
}

// Unused slots hold p(0) != 0 after an activation; the layers must ignore them.
TEST(ResidualBlock, DownsamplingBlockThenPoolFcMatchesTheFloatModel) {
  const int slots = 1 << 13;
  const FeatureMap x = test::random_map(8, 16, 16, 70);
  const Conv2d c1 = test::random_conv(16, 8, 2, 71);
  const Conv2d c2 = test::random_conv(16, 16, 1, 72);
  const Dense fc = random_dense(10, 16, 73);
  auto act = [](double v) { return relu(v) + 0.25; };  // non-zero at 0 on purpose

  const Layout in = make_layout(8, 16, 16, 1, slots);
  const CompiledConv k1 = compile_conv(in, c1);
  const CompiledConv k2 = compile_conv(k1.out, c2);
  const CompiledConv sc = compile_shortcut(in, 16, 4);
  const CompiledPoolFc head = compile_pool_fc(k2.out, fc);
  ASSERT_EQ(sc.out, k2.out);
  SlotSimBackend be({slots, 10, 8, 40, std::nullopt});
  const auto a = sim_activation(act, 3);
  const auto ct = be.encrypt(pack(in, x));
  const auto h = a(be, conv(be, ct, k1));               // 10 -> 9 -> 6
  const auto main = conv(be, h, k2);                    // 5
  const auto skip = conv(be, ct, sc);                   // 9
  const auto sum = a(be, add_residual(be, main, skip)); // 5 -> 2
  EXPECT_EQ(be.level(sum), 2);
  const auto logits_ct = pool_fc(be, sum, head);
  EXPECT_EQ(be.level(logits_ct), 1);

  FeatureMap r = test::reference_conv(x, c1);
  for (double& v : r.data) v = act(v);
  r = test::add_maps(test::reference_conv(r, c2), test::reference_shortcut(x, 16, 4));
  for (double& v : r.data) v = act(v);
  const auto want = test::reference_pool_fc(r, fc);
  const auto got = unpack_logits(head, be.decrypt(logits_ct));
  for (std::size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(got[j], want[j], 1e-10) << j;
}

}  // namespace
}  // namespace ola::he
