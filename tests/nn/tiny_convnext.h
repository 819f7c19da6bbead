// A ConvNeXt-style network (input 3x16x16) small enough for the test-only rings (built as ONNX bytes, imported by
// nn): 2x2 stride-2 patchify stem + BatchNorm, two blocks x + gamma * pw2(GELU(pw1(BN(dw7x7(x)))))
// separated by BatchNorm + 2x2 stride-2 conv, head BatchNorm -> pool -> linear. The GELUs are in
// PyTorch's erf form (fused into sites by nn), the BatchNorms after the downsampling and in the
// head have no conv before them (affine nodes), the layer scales are Mul nodes.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "nn/onnx/onnx_import.h"
#include "nn/onnx_builder.h"

namespace ola::nn::test {

/// `expansion`: the inverted bottleneck's width factor (ConvNeXt: 4).
inline Graph tiny_convnext(int expansion = 4) {
  using test::OnnxBuilder;
  OnnxBuilder b({3, 16, 16});
  b.scalar("sqrt2", std::sqrt(2.0f));
  b.scalar("one", 1.0f);
  b.scalar("half", 0.5f);
  const auto batch_norm = [&b](const std::string& x, const std::string& out, int c) {
    b.random(out + "_g", {c}, 0.5f);
    b.random(out + "_b", {c}, 0.3f);
    b.random(out + "_m", {c}, 0.3f);
    std::vector<float> var(static_cast<std::size_t>(c));
    for (int i = 0; i < c; ++i) var[static_cast<std::size_t>(i)] = 0.5f + 0.1f * static_cast<float>(i);
    b.initializer(out + "_v", {c}, var);
    auto& n = b.node("BatchNormalization", {x, out + "_g", out + "_b", out + "_m", out + "_v"}, out, "/" + out);
    OnnxBuilder::attr(n, "epsilon", 1e-5f);
  };
  const auto conv = [&b](const std::string& x, const std::string& out, int c_out, int c_in, int k, int stride,
                         int pad, int group) {
    b.random(out + "_w", {c_out, c_in / group, k, k}, 1.0f / static_cast<float>(k));
    b.random(out + "_bias", {c_out}, 0.2f);
    auto& n = b.node("Conv", {x, out + "_w", out + "_bias"}, out, "/" + out);
    OnnxBuilder::attr(n, "pads", std::vector<std::int64_t>{pad, pad, pad, pad});
    OnnxBuilder::attr(n, "strides", std::vector<std::int64_t>{stride, stride});
    OnnxBuilder::attr(n, "group", std::int64_t{group});
  };
  const auto block = [&](const std::string& x, const std::string& p, int c) {
    conv(x, p + "dw", c, c, 7, 1, 3, c);
    batch_norm(p + "dw", p + "norm", c);
    conv(p + "norm", p + "pw1", expansion * c, c, 1, 1, 0, 1);
    b.node("Div", {p + "pw1", "sqrt2"}, p + "u");
    b.node("Erf", {p + "u"}, p + "e", "/" + p + "act/Erf");
    b.node("Add", {p + "e", "one"}, p + "a");
    b.node("Mul", {p + "pw1", p + "a"}, p + "m");
    b.node("Mul", {p + "m", "half"}, p + "gelu");
    conv(p + "gelu", p + "pw2", c, expansion * c, 1, 1, 0, 1);
    b.random(p + "gamma", {c, 1, 1}, 0.8f);
    b.node("Mul", {p + "pw2", p + "gamma"}, p + "scaled", "/" + p + "Mul");
    b.node("Add", {x, p + "scaled"}, p + "out", "/" + p + "Add");
  };
  conv("input", "stem", 4, 3, 2, 2, 0, 1);
  batch_norm("stem", "stem_bn", 4);
  block("stem_bn", "b1_", 4);
  batch_norm("b1_out", "down_bn", 4);
  conv("down_bn", "down", 8, 4, 2, 2, 0, 1);
  block("down", "b2_", 8);
  batch_norm("b2_out", "head_bn", 8);
  b.node("GlobalAveragePool", {"head_bn"}, "pool");
  auto& fl = b.node("Flatten", {"pool"}, "flat");
  OnnxBuilder::attr(fl, "axis", std::int64_t{1});
  b.random("fc", {10, 8}, 0.8f);
  b.random("fc_b", {10}, 0.2f);
  auto& gemm = b.node("Gemm", {"flat", "fc", "fc_b"}, "logits");
  OnnxBuilder::attr(gemm, "transB", std::int64_t{1});
  b.output("logits");
  return nn::import_onnx_bytes(b.bytes(), "tiny_convnext.onnx");
}

}  // namespace ola::nn::test
