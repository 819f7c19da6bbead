// A whole ResNet-20-shaped network (random weights) through every he/ linear layer on the
// simulator at n = 2^15: logits against the float model, per-layer counts against
// resnet_cifar_linear_costs, and the rotation set against what the layers ask for.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <set>

#include "he/conv.h"
#include "he/linear_cost.h"
#include "he/pool_fc.h"
#include "he/reference.h"
#include "he/residual.h"
#include "he/shortcut.h"
#include "he/slot_sim_backend.h"

namespace ola::he {
namespace {

double act(double v) { return v > 0 ? 0.5 * v : 0.05 * v; }  // stays bounded over 19 layers

TEST(ResNet20Sim, AllLinearLayersMatchTheFloatModelAndTheCostTable) {
  const int slots = 1 << 15;
  const auto table = resnet_cifar_linear_costs(3, slots);
  unsigned seed = 200;
  const FeatureMap x = test::random_map(3, 32, 32, seed++);
  SlotSimBackend be({slots, 6, 5, 40, std::nullopt});
  const auto activation = sim_activation(act, 2);

  std::size_t row = 0;
  std::vector<std::vector<int>> steps;
  // Runs one linear layer, checks its counts against the next table row.
  auto linear = [&](auto&& run, const auto& compiled_steps) {
    steps.push_back(compiled_steps);
    const OpStats before = be.stats();
    const int level_before = be.level(run.input());
    auto out = run();
    EXPECT_EQ(cost_from_stats(be.stats() - before, level_before - be.level(out)), table[row].cost)
        << table[row].name;
    ++row;
    return out;
  };
  // Bootstraps at the register's period (the compiler's choice): the simulator checks the slots repeat.
  auto refresh = [&](const SimCiphertext& ct, int need, const Layout& l) {
    return be.level(ct) < need ? be.bootstrap(ct, l.period()) : ct;
  };

  struct Run {
    std::function<SimCiphertext()> f;
    const SimCiphertext* in;
    SimCiphertext operator()() const { return f(); }
    const SimCiphertext& input() const { return *in; }
  };

  Layout layout = make_layout(3, 32, 32, 1, slots);
  FeatureMap ref = x;
  SimCiphertext ct = be.encrypt(pack(layout, x));
  auto conv_layer = [&](const SimCiphertext& in, const Layout& l, int c_out, int stride, FeatureMap& r) {
    Conv2d c = test::random_conv(c_out, l.channels, stride, seed++);
    for (double& w : c.weights) w *= 0.6;
    const CompiledConv cc = compile_conv(l, c);
    r = test::reference_conv(r, c);
    SimCiphertext out = linear(Run{[&] { return conv(be, in, cc); }, &in}, rotation_steps(cc.transform));
    return std::make_pair(out, cc.out);
  };

  auto [c0, l0] = conv_layer(refresh(ct, 1, layout), layout, 16, 1, ref);
  for (double& v : ref.data) v = act(v);
  ct = activation(be, refresh(c0, 2, l0));
  layout = l0;
  const int widths[3] = {16, 32, 64};
  for (int stage = 0; stage < 3; ++stage) {
    for (int b = 0; b < 3; ++b) {
      const int stride = (stage > 0 && b == 0) ? 2 : 1;
      const SimCiphertext in = refresh(ct, 4, layout);
      FeatureMap r1 = ref;
      auto [h, lh] = conv_layer(in, layout, widths[stage], stride, r1);
      for (double& v : r1.data) v = act(v);
      const SimCiphertext h2 = activation(be, refresh(h, 2, lh));
      FeatureMap r2 = r1;
      auto [m, lm] = conv_layer(refresh(h2, 1, lh), lh, widths[stage], 1, r2);
      SimCiphertext skip = in;
      FeatureMap rs = ref;
      if (stride == 2) {
        const int pad = (widths[stage] - layout.channels) / 2;
        const CompiledConv sc = compile_shortcut(layout, widths[stage], pad);
        skip = linear(Run{[&] { return conv(be, in, sc); }, &in}, rotation_steps(sc.transform));
        rs = test::reference_shortcut(ref, widths[stage], pad);
      }
      ref = test::add_maps(r2, rs);
      for (double& v : ref.data) v = act(v);
      ct = activation(be, refresh(add_residual(be, m, skip), 2, lm));
      layout = lm;
    }
  }
  Dense fc{10, 64, std::vector<double>(640), std::vector<double>(10)};
  for (std::size_t i = 0; i < fc.weights.size(); ++i) fc.weights[i] = std::sin(0.37 * static_cast<double>(i));
  for (std::size_t i = 0; i < fc.bias.size(); ++i) fc.bias[i] = 0.1 * static_cast<double>(i);
  const CompiledPoolFc head = compile_pool_fc(layout, fc);
  const SimCiphertext last = refresh(ct, 1, layout);
  const SimCiphertext logits = linear(Run{[&] { return pool_fc(be, last, head); }, &last}, rotation_steps(head));
  ASSERT_EQ(row, table.size());

  const auto want = test::reference_pool_fc(ref, fc);
  const auto got = unpack_logits(head, be.decrypt(logits));
  double scale = 0.0;
  for (double v : want) scale = std::max(scale, std::abs(v));
  ASSERT_GT(scale, 1e-6);  // the reference is not trivially zero
  for (std::size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(got[j], want[j], 1e-9 * (1.0 + scale)) << j;
  EXPECT_GT(be.stats().bootstraps, 0);
  // Galois keys the whole network needs (each layer's set is checked against a key-restricted
  // backend in conv_test / block_test).
  const auto all = merge_steps(steps);
  std::cout << "ResNet-20 linear layers: " << all.size() << " distinct rotation steps\n";
  EXPECT_LT(all.size(), 400u);
}

}  // namespace
}  // namespace ola::he
