#include <gtest/gtest.h>

#include "nn/ir/graph.h"
#include "nn/onnx/onnx_import.h"
#include "nn/onnx_builder.h"

namespace ola::nn {
namespace {

using test::OnnxBuilder;

// relu_0 on a conv; relu_1 on conv + relu_0 (a residual block); relu_2 on the graph input plus
// relu_1 (no linear layer before); relu_3 on conv + conv where both convs' outputs are read twice.
TEST(ChannelAffineFoldable, ConvOrAddOfAConvReadOnceOnly) {
  OnnxBuilder b{{2, 4, 4}};
  b.random("w1", {2, 2, 3, 3});
  b.random("w2", {2, 2, 3, 3});
  b.random("w3", {2, 2, 3, 3});
  b.random("w4", {2, 2, 3, 3});
  b.conv("input", "w1", "", "c1");
  b.node("Relu", {"c1"}, "r0");
  b.conv("r0", "w2", "", "c2");
  b.node("Add", {"c2", "r0"}, "s1");
  b.node("Relu", {"s1"}, "r1");
  b.node("Add", {"input", "r1"}, "s2");
  b.node("Relu", {"s2"}, "r2");
  b.conv("r2", "w3", "", "c3");
  b.conv("r2", "w4", "", "c4");
  b.node("Add", {"c3", "c4"}, "s3");
  b.node("Add", {"c3", "c4"}, "s4");
  b.node("Relu", {"s3"}, "r3");
  b.node("Add", {"r3", "s4"}, "out");
  b.output("out");
  const Graph g = import_onnx_bytes(b.bytes(), "fold.onnx");
  ASSERT_EQ(g.sites.size(), 4U);
  EXPECT_TRUE(channel_affine_foldable(g, 0));
  EXPECT_TRUE(channel_affine_foldable(g, 1));
  EXPECT_FALSE(channel_affine_foldable(g, 2));
  EXPECT_FALSE(channel_affine_foldable(g, 3));
  EXPECT_THROW(channel_affine_foldable(g, 4), std::out_of_range);
}

}  // namespace
}  // namespace ola::nn
