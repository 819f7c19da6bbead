// lower_for_he: the folds of per-channel constants into the neighbouring linear layers are exact
// (the lowered graph computes what the imported one does) and leave only ops the compiler runs.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "he/program/lower_graph.h"
#include "nn/exec/executor.h"
#include "nn/tiny_convnext.h"

namespace ola::he {
namespace {

nn::Tensor random_images(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  nn::Tensor t = nn::zeros({n, 3, 16, 16});
  for (float& v : t.data) v = u(rng);
  return t;
}

int count(const nn::Graph& g, nn::OpKind op) {
  int c = 0;
  for (const nn::Node& n : g.nodes) c += n.op == op;
  return c;
}

TEST(LowerGraph, FoldsLayerScalesAndBatchNormsOfATinyConvNextExactly) {
  const nn::Graph g = nn::test::tiny_convnext();
  ASSERT_EQ(count(g, nn::OpKind::mul), 2);     // the layer scales
  ASSERT_EQ(count(g, nn::OpKind::affine), 2);  // before the downsampling conv and in the head
  const nn::Graph low = lower_for_he(g);
  EXPECT_EQ(count(low, nn::OpKind::mul), 0);
  EXPECT_EQ(count(low, nn::OpKind::affine), 0);
  EXPECT_EQ(low.nodes.size(), g.nodes.size() - 4);
  ASSERT_EQ(low.sites.size(), g.sites.size());
  for (std::size_t i = 0; i < g.sites.size(); ++i) EXPECT_EQ(low.sites[i].name, g.sites[i].name);
  const nn::Tensor x = random_images(3, 7);
  const nn::Tensor want = nn::run_batch(g, x), got = nn::run_batch(low, x);
  ASSERT_EQ(want.data.size(), got.data.size());
  for (std::size_t i = 0; i < want.data.size(); ++i) {
    EXPECT_NEAR(got.data[i], want.data[i], 1e-4 * (1.0 + std::abs(want.data[i]))) << i;
  }
}

TEST(LowerGraph, LeavesAnAffineBeforeAPaddedConvAndSharedValuesAlone) {
  // affine -> 3x3 conv with padding 1: folding would change the border (s * 0 + t), so it stays.
  nn::test::OnnxBuilder b({2, 4, 4});
  b.random("w", {2, 2, 3, 3});
  b.random("bias", {2});
  b.random("g", {2});
  b.random("be", {2});
  b.random("m", {2});
  b.initializer("v", {2}, {1.0f, 2.0f});
  b.node("BatchNormalization", {"input", "g", "be", "m", "v"}, "bn");
  auto& c = b.node("Conv", {"bn", "w", "bias"}, "c");
  nn::test::OnnxBuilder::attr(c, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  // A layer scale on a conv output that something else reads too: not folded.
  b.random("s", {2, 1, 1});
  b.node("Mul", {"c", "s"}, "sc");
  b.node("Add", {"sc", "c"}, "y");
  b.output("y");
  const nn::Graph g = nn::import_onnx_bytes(b.bytes(), "padded.onnx");
  const nn::Graph low = lower_for_he(g);
  EXPECT_EQ(count(low, nn::OpKind::affine), 1);
  EXPECT_EQ(count(low, nn::OpKind::mul), 1);
}

}  // namespace
}  // namespace ola::he
