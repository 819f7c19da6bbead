#include "he/linear_cost.h"

#include <gtest/gtest.h>

#include <iostream>

#include "he/conv.h"
#include "he/pool_fc.h"
#include "he/reference.h"
#include "he/shortcut.h"
#include "he/slot_sim_backend.h"
#include "util/error.h"

namespace ola::he {
namespace {

LinearCost from_stats(const OpStats& s, int depth) { return cost_from_stats(s, depth); }

// conv_cost (pure, from the shape) must equal what conv() does on the simulator.
void expect_conv_cost(const ConvShape& s) {
  const Layout in = make_layout(s.c_in, s.height, s.width, s.gap, s.slots);
  Conv2d c = test::random_conv(s.c_out, s.c_in, s.stride, 80, s.kernel);
  if (s.depthwise) c = test::depthwise(c);
  const CompiledConv cc = compile_conv(in, c);
  SlotSimBackend be({s.slots, 2, 1, 40, std::nullopt});
  const auto ct = be.encrypt(pack(in, test::random_map(s.c_in, s.height, s.width, 81)));
  const auto y = conv(be, ct, cc);
  EXPECT_EQ(conv_cost(s), from_stats(be.stats(), be.level(ct) - be.level(y)))
      << s.c_in << "->" << s.c_out << " " << s.height << "x" << s.width << " stride " << s.stride << " gap " << s.gap;
}

TEST(LinearCost, ConvCostEqualsSimulatedCounts) {
  expect_conv_cost({4, 4, 8, 8, 3, 1, 1, 1024, true});
  expect_conv_cost({3, 16, 32, 32, 3, 1, 1, 1 << 15, true});
  expect_conv_cost({16, 32, 32, 32, 3, 2, 1, 1 << 15, true});
  expect_conv_cost({8, 8, 8, 8, 3, 1, 2, 2048, true});
  expect_conv_cost({16, 16, 4, 4, 3, 1, 4, 4096, true});
  expect_conv_cost({16, 32, 8, 8, 3, 2, 2, 4096, true});
  expect_conv_cost({16, 16, 16, 16, 7, 1, 1, 4096, true, true});  // ConvNeXt-style depthwise 7x7
  expect_conv_cost({16, 16, 8, 8, 7, 1, 2, 4096, true, true});
  expect_conv_cost({16, 64, 8, 8, 1, 1, 2, 4096, true});            // pointwise 1x1
  EXPECT_THROW(conv_cost({16, 32, 8, 8, 7, 1, 2, 4096, true, true}), Error);
}

TEST(LinearCost, ShortcutAndPoolFcCostsEqualSimulatedCounts) {
  const Layout in = make_layout(16, 32, 32, 1, 1 << 15);
  {
    SlotSimBackend be({1 << 15, 2, 1, 40, std::nullopt});
    const auto ct = be.encrypt(std::vector<double>(1 << 15, 0.5));
    const auto y = conv(be, ct, compile_shortcut(in, 32, 8));
    EXPECT_EQ(shortcut_cost(in, 32, 8), from_stats(be.stats(), 1));
    EXPECT_EQ(be.level(y), 1);
  }
  const Layout last = make_layout(64, 8, 8, 4, 1 << 15);
  Dense fc{10, 64, std::vector<double>(640, 0.1), std::vector<double>(10, 0.0)};
  SlotSimBackend be({1 << 15, 2, 1, 40, std::nullopt});
  const auto y = pool_fc(be, be.encrypt(std::vector<double>(1 << 15, 0.5)), compile_pool_fc(last, fc));
  EXPECT_EQ(pool_fc_cost(last, 10), from_stats(be.stats(), 1));
  EXPECT_EQ(be.level(y), 1);
}

// Prints the per-layer table of ResNet-20 (docs/packing.md) and checks its structure.
TEST(LinearCost, ResNet20Table) {
  const auto layers = resnet_cifar_linear_costs(3);
  ASSERT_EQ(layers.size(), 1u + 18u + 2u + 1u);  // conv0, 9 blocks x 2 convs, 2 shortcuts, pool_fc
  LinearCost total;
  std::cout << "layer rotations (lazy) hoisted products encodes additions depth\n";
  for (const auto& l : layers) {
    std::cout << l.name << " " << l.cost.rotations + l.cost.lazy_rotations << " (" << l.cost.lazy_rotations << ") "
              << l.cost.hoisted_rotations << " "
              << l.cost.plain_mults + l.cost.mul_sum_terms << " " << l.cost.encodes << " " << l.cost.additions << " "
              << l.cost.depth << "\n";
    EXPECT_EQ(l.cost.depth, 1);
    EXPECT_GT(l.cost.plain_mults + l.cost.mul_sum_terms, 0);
    EXPECT_EQ(l.cost.rotation_sums, l.cost.lazy_rotations > 0 ? 1 : 0) << l.name;  // one ModDown per layer
    total = total + l.cost;
  }
  std::cout << "total " << total.rotations + total.lazy_rotations << " (" << total.lazy_rotations << ") "
            << total.hoisted_rotations << " "
            << total.plain_mults + total.mul_sum_terms
            << " " << total.encodes << " " << total.additions << " " << total.depth << "\n";
  EXPECT_EQ(resnet_cifar_linear_costs(5).size(), 1u + 30u + 2u + 1u);  // ResNet-32
}

// Our convolution next to MPCNN's on the three ResNet-20 stage shapes (docs/packing.md).
TEST(LinearCost, StageConvolutionsAgainstMpcnn) {
  const ConvShape stages[] = {{16, 16, 32, 32, 3, 1, 1, 1 << 15, true},
                              {32, 32, 16, 16, 3, 1, 2, 1 << 15, true},
                              {64, 64, 8, 8, 3, 1, 4, 1 << 15, true},
                              {16, 32, 32, 32, 3, 2, 1, 1 << 15, true},
                              {32, 64, 16, 16, 3, 2, 2, 1 << 15, true}};
  std::cout << "shape ours(rot hoisted pmult depth) mpcnn(rot pmult depth)\n";
  for (const auto& s : stages) {
    const LinearCost a = conv_cost(s);
    const LinearCost b = mpcnn_conv_cost(s);
    std::cout << s.c_in << "->" << s.c_out << "x" << s.height / s.stride << " k" << s.gap << " s" << s.stride << " "
              << a.rotations + a.lazy_rotations << " " << a.hoisted_rotations << " " << a.mul_sum_terms << " "
              << a.depth << " | " << b.rotations << " " << b.plain_mults << " " << b.depth << "\n";
    EXPECT_LT(a.rotations + a.lazy_rotations + a.hoisted_rotations, b.rotations);  // fewer key switches
    EXPECT_EQ(a.rotation_sums, 1);  // the giant steps share one ModDown
    EXPECT_LT(a.depth, b.depth);
  }
  // MPCNN stage 1 by hand: 8 + 8 rounds x log2(16) + 15 + 1 rotations, 8 x 9 + 16 products.
  EXPECT_EQ(mpcnn_conv_cost(stages[0]).rotations, 8 + 8 * 4 + 15 + 1);
  EXPECT_EQ(mpcnn_conv_cost(stages[0]).plain_mults, 8 * 9 + 16);
}

}  // namespace
}  // namespace ola::he
