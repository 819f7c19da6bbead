// A real torch.onnx export of a tiny random ConvNeXt-style network (tools/export_test_convnext.py):
// GELU erf patterns fused, BatchNormalization without a preceding conv kept as affine, depthwise
// 7x7 convolutions, layer scale, and logits equal to PyTorch's.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "nn/exec/executor.h"
#include "nn/onnx/onnx_import.h"

namespace ola::nn {
namespace {

TEST(ConvNextExport, ImportsFusesGeluAndMatchesPyTorchLogits) {
  const std::string dir = std::string(OLA_SOURCE_DIR) + "/tests/nn/data/";
  const Graph g = import_onnx(dir + "convnext_tiny.onnx");
  ASSERT_EQ(g.sites.size(), 2u);
  for (const auto& s : g.sites) EXPECT_EQ(s.activation, approx::Activation::gelu) << s.name;
  int erf = 0, affine = 0, depthwise = 0;
  for (const Node& n : g.nodes) {
    erf += n.op == OpKind::erf;
    affine += n.op == OpKind::affine;
    if (const auto* c = std::get_if<ConvAttrs>(&n.attrs)) depthwise += c->group > 1;
  }
  EXPECT_EQ(erf, 0) << "every Erf belongs to a fused GELU";
  EXPECT_EQ(affine, 2) << "BatchNorm before the downsampling conv and the head norm stay affine";
  EXPECT_EQ(depthwise, 2);
  Tensor x = zeros({4, 3, 32, 32});
  for (std::size_t i = 0; i < x.data.size(); ++i) x.data[i] = static_cast<float>(std::sin(0.001 * static_cast<double>(i) * 7.0));
  const Tensor y = run_batch(g, x);
  std::ifstream in(dir + "convnext_tiny_logits.txt");
  std::vector<double> ref;
  for (double v; in >> v;) ref.push_back(v);
  ASSERT_EQ(ref.size(), y.data.size());
  for (std::size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(y.data[i], ref[i], 1e-4 * (1 + std::abs(ref[i]))) << i;
}

}  // namespace
}  // namespace ola::nn
