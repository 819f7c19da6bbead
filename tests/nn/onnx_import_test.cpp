#include "nn/onnx/onnx_import.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nn/error.h"
#include "nn/exec/executor.h"
#include "nn/onnx_builder.h"
#include "nn/reference_ops.h"

namespace ola::nn {
namespace {

using test::OnnxBuilder;

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const ModelError& e) {
    return e.what();
  }
  return "no ModelError";
}

// Conv (no bias) -> BatchNormalization -> Relu -> GlobalAveragePool -> Flatten -> Gemm
struct SmallCnn {
  OnnxBuilder b{{3, 8, 8}};
  std::vector<float> w, gamma, beta, mean, var, fc, fc_b;
  SmallCnn() {
    w = b.random("w", {4, 3, 3, 3});
    gamma = b.random("gamma", {4});
    beta = b.random("beta", {4});
    mean = b.random("mean", {4});
    var = {0.5f, 1.0f, 2.0f, 0.25f};
    b.initializer("var", {4}, var);
    fc = b.random("fc", {5, 4});
    fc_b = b.random("fc_b", {5});
    auto& conv = b.node("Conv", {"input", "w"}, "c", "/conv1/Conv");
    OnnxBuilder::attr(conv, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
    OnnxBuilder::attr(conv, "kernel_shape", std::vector<std::int64_t>{3, 3});
    auto& bn = b.node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, "bn", "/bn1/BN");
    OnnxBuilder::attr(bn, "epsilon", 1e-5f);
    OnnxBuilder::attr(bn, "momentum", 0.9f);
    b.node("Relu", {"bn"}, "r", "/layer1/Relu");
    b.node("GlobalAveragePool", {"r"}, "p");
    auto& fl = b.node("Flatten", {"p"}, "f");
    OnnxBuilder::attr(fl, "axis", std::int64_t{1});
    auto& gemm = b.node("Gemm", {"f", "fc", "fc_b"}, "logits");
    OnnxBuilder::attr(gemm, "transB", std::int64_t{1});
    b.output("logits");
  }
  /// The same network computed naively in the test.
  Tensor reference(const Tensor& x) const {
    Tensor c = test::naive_conv(x, w, {}, 4, 3, 3, 1, 1, 1, 1, 1, 1);
    const std::int64_t n = x.shape[0];
    Tensor out = zeros({n, 5});
    for (std::int64_t i = 0; i < n; ++i) {
      double pooled[4];
      for (int ch = 0; ch < 4; ++ch) {
        double s = 0;
        for (int k = 0; k < 64; ++k) {
          double v = c.data[static_cast<std::size_t>((i * 4 + ch) * 64 + k)];
          v = (v - mean[ch]) / std::sqrt(var[ch] + 1e-5) * gamma[ch] + beta[ch];
          s += std::max(v, 0.0);
        }
        pooled[ch] = s / 64;
      }
      for (int o = 0; o < 5; ++o) {
        double s = fc_b[o];
        for (int ch = 0; ch < 4; ++ch) s += fc[o * 4 + ch] * pooled[ch];
        out.data[static_cast<std::size_t>(i * 5 + o)] = static_cast<float>(s);
      }
    }
    return out;
  }
};

TEST(OnnxImport, SmallCnnFoldsBatchNormAndMatchesNaiveReference) {
  SmallCnn m;
  const Graph g = import_onnx_bytes(m.b.bytes(), "small.onnx");
  ASSERT_EQ(g.sites.size(), 1u);
  EXPECT_EQ(g.sites[0].name, "relu_0 (/layer1/Relu)");
  for (const Node& n : g.nodes) EXPECT_NE(n.op, OpKind::affine) << "BatchNormalization not folded";
  EXPECT_EQ(g.nodes.size(), 5u);  // conv+bn, relu, gap, reshape, linear
  EXPECT_EQ(parameter_count(g), 4 * 27 + 4 + 5 * 4 + 5);
  EXPECT_EQ(g.value(g.output).shape, (Shape{1, 5}));
  const Tensor x = test::random_tensor({3, 3, 8, 8}, 7);
  const Tensor y = run_batch(g, x);
  EXPECT_LT(test::max_abs_diff(y, m.reference(x)), 1e-4);
}

TEST(OnnxImport, BatchNormWithoutConvStaysAffine) {
  OnnxBuilder b({2, 4, 4});
  b.initializer("g", {2}, {2.0f, 3.0f});
  b.initializer("b", {2}, {1.0f, -1.0f});
  b.initializer("m", {2}, {0.5f, 0.0f});
  b.initializer("v", {2}, {4.0f, 1.0f});
  auto& bn = b.node("BatchNormalization", {"input", "g", "b", "m", "v"}, "y");
  OnnxBuilder::attr(bn, "epsilon", 0.0f);
  b.output("y");
  const Graph g = import_onnx_bytes(b.bytes(), "bn.onnx");
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, OpKind::affine);
  Tensor x = zeros({1, 2, 4, 4});
  x.data[0] = 1.5f;   // channel 0: (1.5 - 0.5) / 2 * 2 + 1 = 2
  x.data[16] = 2.0f;  // channel 1: 2 * 3 - 1 = 5
  const Tensor y = run_batch(g, x);
  EXPECT_FLOAT_EQ(y.data[0], 2.0f);
  EXPECT_FLOAT_EQ(y.data[16], 5.0f);
}

/// x -> Gelu in PyTorch's erf form (three association orders), then Relu; one GELU site each.
class GeluPattern : public ::testing::TestWithParam<int> {};

TEST_P(GeluPattern, FusesIntoOneSite) {
  OnnxBuilder b({6});
  b.scalar("sqrt2", std::sqrt(2.0f));
  b.scalar("inv_sqrt2", 1.0f / std::sqrt(2.0f));
  b.scalar("one", 1.0f);
  b.scalar("half", 0.5f);
  const int form = GetParam();
  if (form == 0) {  // ((x * (1 + erf(x / sqrt2))) * 0.5), torch 1.13 export
    b.node("Div", {"input", "sqrt2"}, "u");
    b.node("Erf", {"u"}, "e", "/act/Erf");
    b.node("Add", {"e", "one"}, "a");
    b.node("Mul", {"input", "a"}, "m");
    b.node("Mul", {"m", "half"}, "y");
  } else if (form == 1) {  // (x * 0.5) * (1 + erf(x * 1/sqrt2))
    b.node("Mul", {"input", "inv_sqrt2"}, "u");
    b.node("Erf", {"u"}, "e", "/act/Erf");
    b.node("Add", {"one", "e"}, "a");
    b.node("Mul", {"input", "half"}, "h");
    b.node("Mul", {"h", "a"}, "y");
  } else {  // x * ((1 + erf(x / sqrt2)) * 0.5)
    b.node("Div", {"input", "sqrt2"}, "u");
    b.node("Erf", {"u"}, "e", "/act/Erf");
    b.node("Add", {"e", "one"}, "a");
    b.node("Mul", {"a", "half"}, "h");
    b.node("Mul", {"input", "h"}, "y");
  }
  b.node("Relu", {"y"}, "z");
  b.output("z");
  const Graph g = import_onnx_bytes(b.bytes(), "gelu.onnx");
  ASSERT_EQ(g.sites.size(), 2u);
  EXPECT_EQ(g.sites[0].activation, approx::Activation::gelu);
  EXPECT_EQ(g.sites[0].name, "gelu_0 (/act/Erf)");
  EXPECT_EQ(g.nodes.size(), 2u);
  Tensor x{{1, 6}, {-3.0f, -1.0f, -0.1f, 0.0f, 0.7f, 2.5f}};
  const Tensor y = run_batch(g, x);
  for (int i = 0; i < 6; ++i) {
    const double v = x.data[static_cast<std::size_t>(i)];
    EXPECT_NEAR(y.data[static_cast<std::size_t>(i)], std::max(0.0, 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)))), 1e-6);
  }
}
INSTANTIATE_TEST_SUITE_P(Forms, GeluPattern, ::testing::Values(0, 1, 2));

TEST(OnnxImport, ErfThatIsNotGeluStaysErf) {
  OnnxBuilder b({3});
  b.scalar("two", 2.0f);
  b.node("Div", {"input", "two"}, "u");
  b.node("Erf", {"u"}, "y");
  b.output("y");
  const Graph g = import_onnx_bytes(b.bytes(), "erf.onnx");
  EXPECT_TRUE(g.sites.empty());
  const Tensor y = run_batch(g, Tensor{{1, 3}, {-1.0f, 0.0f, 4.0f}});
  EXPECT_NEAR(y.data[2], std::erf(2.0), 1e-6);
}

TEST(OnnxImport, DepthwiseStridedAsymmetricPadsMatchNaive) {
  for (int group : {1, 2, 6}) {
    OnnxBuilder b({6, 9, 7});
    const std::int64_t out_c = 6;
    auto w = b.random("w", {out_c, 6 / group, 3, 3});
    auto bias = b.random("bias", {out_c});
    auto& conv = b.node("Conv", {"input", "w", "bias"}, "y");
    OnnxBuilder::attr(conv, "group", std::int64_t{group});
    OnnxBuilder::attr(conv, "strides", std::vector<std::int64_t>{2, 2});
    OnnxBuilder::attr(conv, "pads", std::vector<std::int64_t>{1, 0, 2, 1});
    b.output("y");
    const Graph g = import_onnx_bytes(b.bytes(), "dw.onnx");
    const Tensor x = test::random_tensor({2, 6, 9, 7}, 3);
    const Tensor y = run_batch(g, x);
    const Tensor r = test::naive_conv(x, w, bias, out_c, 3, 3, 2, 1, 0, 2, 1, group);
    ASSERT_EQ(y.shape, r.shape) << "group " << group;
    EXPECT_LT(test::max_abs_diff(y, r), 1e-4) << "group " << group;
  }
}

TEST(OnnxImport, OptionAShortcutSlicePadAdd) {
  // y = relu(x[:, :, ::2, ::2] zero-padded 2 channels each side) + conv stride 2 ... here: Add of the two.
  OnnxBuilder b({2, 4, 4});
  b.ints("starts", {0});
  b.ints("ends", {INT64_MAX});
  b.ints("axes2", {2});
  b.ints("axes3", {3});
  b.ints("steps", {2});
  b.ints("pads", {0, 2, 0, 0, 0, 2, 0, 0});
  b.node("Slice", {"input", "starts", "ends", "axes2", "steps"}, "s1");
  b.node("Slice", {"s1", "starts", "ends", "axes3", "steps"}, "s2");
  b.node("Pad", {"s2", "pads"}, "p");
  b.node("Relu", {"p"}, "y");
  b.output("y");
  const Graph g = import_onnx_bytes(b.bytes(), "shortcut.onnx");
  ASSERT_EQ(g.value(g.output).shape, (Shape{1, 6, 2, 2}));
  Tensor x = zeros({1, 2, 4, 4});
  for (std::size_t i = 0; i < x.data.size(); ++i) x.data[i] = static_cast<float>(i);
  const Tensor y = run_batch(g, x);
  // channel 2 of y = channel 0 of x at (0,0),(0,2),(2,0),(2,2)
  EXPECT_EQ(y.data[2 * 4 + 0], 0.0f);
  EXPECT_EQ(y.data[2 * 4 + 1], 2.0f);
  EXPECT_EQ(y.data[2 * 4 + 2], 8.0f);
  EXPECT_EQ(y.data[3 * 4 + 3], 16.0f + 10.0f);
  EXPECT_EQ(y.data[0], 0.0f);          // padding
  EXPECT_EQ(y.data[5 * 4 + 3], 0.0f);  // padding
}

TEST(OnnxImport, TransposeMatMulReduceMeanConcatReshape) {
  // x [N,2,3] -> Transpose(0,2,1) [N,3,2] -> MatMul W[2,4] [N,3,4] -> Sub c -> Div d
  //   -> Concat(axis 2, with itself) [N,3,8] -> ReduceMean(axes 1, keepdims 0) [N,8] -> Reshape [N,2,4] -> Identity
  OnnxBuilder b({2, 3});
  auto w = b.random("W", {2, 4});
  b.initializer("c", {4}, {1.0f, 2.0f, 3.0f, 4.0f});
  b.scalar("d", 2.0f);
  b.ints("shape", {-1, 2, 4});
  auto& t = b.node("Transpose", {"input"}, "t");
  OnnxBuilder::attr(t, "perm", std::vector<std::int64_t>{0, 2, 1});
  b.node("MatMul", {"t", "W"}, "mm");
  b.node("Sub", {"mm", "c"}, "s");
  b.node("Div", {"s", "d"}, "q");
  auto& cat = b.node("Concat", {"q", "q"}, "cat");
  OnnxBuilder::attr(cat, "axis", std::int64_t{-1});
  auto& rm = b.node("ReduceMean", {"cat"}, "rm");
  OnnxBuilder::attr(rm, "axes", std::vector<std::int64_t>{1});
  OnnxBuilder::attr(rm, "keepdims", std::int64_t{0});
  b.node("Reshape", {"rm", "shape"}, "r");
  b.node("Identity", {"r"}, "y");
  b.output("y");
  const Graph g = import_onnx_bytes(b.bytes(), "misc.onnx");
  EXPECT_EQ(g.value(g.output).shape, (Shape{1, 2, 4}));
  const Tensor x = test::random_tensor({2, 2, 3}, 11);
  const Tensor y = run_batch(g, x);
  ASSERT_EQ(y.shape, (Shape{2, 2, 4}));
  for (int n = 0; n < 2; ++n) {
    for (int j = 0; j < 8; ++j) {
      double mean = 0;
      for (int r = 0; r < 3; ++r) {  // row r of t = column r of x
        double mm = 0;
        for (int k = 0; k < 2; ++k) mm += x.data[static_cast<std::size_t>(n * 6 + k * 3 + r)] * w[static_cast<std::size_t>(k * 4 + j % 4)];
        mean += (mm - (j % 4 + 1)) / 2.0;
      }
      EXPECT_NEAR(y.data[static_cast<std::size_t>(n * 8 + j)], mean / 3, 1e-5);
    }
  }
}

TEST(OnnxImport, ConstantNodesAndConstantFolding) {
  OnnxBuilder b({3});
  auto& c = b.node("Constant", {}, "k");
  auto* a = c.add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto_AttributeType_TENSOR);
  a->mutable_t()->set_data_type(onnx::TensorProto_DataType_FLOAT);
  a->mutable_t()->add_dims(3);
  for (float v : {1.0f, 2.0f, 3.0f}) a->mutable_t()->add_float_data(v);
  b.scalar("two", 2.0f);
  b.node("Mul", {"k", "two"}, "k2");  // folded at import
  b.node("Add", {"input", "k2"}, "y");
  b.output("y");
  const Graph g = import_onnx_bytes(b.bytes(), "const.onnx");
  EXPECT_EQ(g.nodes.size(), 1u);
  const Tensor y = run_batch(g, Tensor{{1, 3}, {0.5f, 0.5f, 0.5f}});
  EXPECT_EQ(y.data, (std::vector<float>{2.5f, 4.5f, 6.5f}));
}

TEST(OnnxImport, UnsupportedOpNamesFileNodeAndOp) {
  OnnxBuilder b({3});
  b.node("Softmax", {"input"}, "y", "/head/Softmax");
  b.output("y");
  const std::string e = error_of([&] { import_onnx_bytes(b.bytes(), "m.onnx"); });
  EXPECT_NE(e.find("m.onnx"), std::string::npos) << e;
  EXPECT_NE(e.find("/head/Softmax"), std::string::npos) << e;
  EXPECT_NE(e.find("got Softmax"), std::string::npos) << e;
}

TEST(OnnxImport, UnsupportedAttributeValueAndUnknownAttribute) {
  {
    OnnxBuilder b({1, 5, 5});
    b.random("w", {1, 1, 3, 3});
    auto& conv = b.node("Conv", {"input", "w"}, "y", "/conv/Conv");
    OnnxBuilder::attr(conv, "dilations", std::vector<std::int64_t>{2, 2});
    b.output("y");
    const std::string e = error_of([&] { import_onnx_bytes(b.bytes(), "m.onnx"); });
    EXPECT_NE(e.find("m.onnx: node /conv/Conv (Conv): attribute dilations: expected [1,1], got [2,2]"), std::string::npos) << e;
  }
  {
    OnnxBuilder b({3});
    auto& r = b.node("Relu", {"input"}, "y", "/r");
    OnnxBuilder::attr(r, "flavour", std::int64_t{3});
    b.output("y");
    const std::string e = error_of([&] { import_onnx_bytes(b.bytes(), "m.onnx"); });
    EXPECT_NE(e.find("node /r (Relu): attribute flavour: unsupported"), std::string::npos) << e;
  }
  {
    OnnxBuilder b({3});
    auto& p = b.node("Pad", {"input"}, "y", "/pad");
    OnnxBuilder::attr(p, "mode", std::string("reflect"));
    b.output("y");
    const std::string e = error_of([&] { import_onnx_bytes(b.bytes(), "m.onnx"); });
    EXPECT_NE(e.find("attribute mode: expected constant, got reflect"), std::string::npos) << e;
  }
}

TEST(OnnxImport, MissingInitializerIsNamed) {
  OnnxBuilder b({2, 4, 4});
  b.node("Conv", {"input", "weights_that_are_not_there"}, "y", "/conv/Conv");
  b.output("y");
  const std::string e = error_of([&] { import_onnx_bytes(b.bytes(), "m.onnx"); });
  EXPECT_NE(e.find("/conv/Conv"), std::string::npos) << e;
  EXPECT_NE(e.find("weights_that_are_not_there"), std::string::npos) << e;
  EXPECT_NE(e.find("missing initializer"), std::string::npos) << e;
}

TEST(OnnxImport, WrongShapesAreErrors) {
  {
    OnnxBuilder b({3, 4, 4});
    b.random("w", {2, 5, 3, 3});  // C_in 5 != 3
    b.node("Conv", {"input", "w"}, "y", "/conv/Conv");
    b.output("y");
    const std::string e = error_of([&] { import_onnx_bytes(b.bytes(), "m.onnx"); });
    EXPECT_NE(e.find("weight shape[1]: expected 3, got 5"), std::string::npos) << e;
  }
  {
    OnnxBuilder b({3, 4, 4});
    b.initializer("w", {2, 3, 3, 3}, std::vector<float>(10, 0.0f));  // 10 values for 54
    b.node("Conv", {"input", "w"}, "y", "/conv/Conv");
    b.output("y");
    const std::string e = error_of([&] { import_onnx_bytes(b.bytes(), "m.onnx"); });
    EXPECT_NE(e.find("initializer w: values: expected 54, got 10"), std::string::npos) << e;
  }
  {
    OnnxBuilder b({3, 4, 4});
    b.initializer_raw("w", {2, 3, 3, 3}, std::vector<float>(53, 0.0f));
    b.node("Conv", {"input", "w"}, "y", "/conv/Conv");
    b.output("y");
    const std::string e = error_of([&] { import_onnx_bytes(b.bytes(), "m.onnx"); });
    EXPECT_NE(e.find("raw_data bytes: expected 216, got 212"), std::string::npos) << e;
  }
  {
    OnnxBuilder b({3});
    b.initializer("c", {4}, {1, 2, 3, 4});
    b.node("Add", {"input", "c"}, "y", "/add");
    b.output("y");
    const std::string e = error_of([&] { import_onnx_bytes(b.bytes(), "m.onnx"); });
    EXPECT_NE(e.find("node /add (Add): broadcast"), std::string::npos) << e;
  }
}

TEST(OnnxImport, TruncatedFilesNeverCrash) {
  SmallCnn m;
  const auto bytes = m.b.bytes();
  int errors = 0;
  for (std::size_t len = 0; len < bytes.size(); len += 7) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_THROW(import_onnx_bytes(cut, "cut.onnx"), ModelError) << "length " << len;
    ++errors;
  }
  EXPECT_GT(errors, 10);
  const std::string e = error_of([] { import_onnx_bytes(std::vector<std::uint8_t>{0x0a, 0x50, 0x01}, "junk.onnx"); });
  EXPECT_NE(e.find("junk.onnx: contents: expected an ONNX ModelProto"), std::string::npos) << e;
}

TEST(OnnxImport, ImportOfMissingFileIsAnError) {
  EXPECT_THROW(import_onnx("/nonexistent/model.onnx"), ola::Error);
}

}  // namespace
}  // namespace ola::nn

namespace ola::nn {
namespace {

// Deterministic byte mutations of a valid model: each import either succeeds or throws
// ola::Error (ModelError for the file), never crashes or throws anything else.
TEST(OnnxImport, MutatedFilesGiveErrorsNotCrashes) {
  SmallCnn m;
  const auto bytes = m.b.bytes();
  std::mt19937 rng(99);
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    auto mutated = bytes;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) mutated[rng() % mutated.size()] = static_cast<std::uint8_t>(rng());
    try {
      const Graph g = import_onnx_bytes(mutated, "mutated.onnx");
      validate(g);
    } catch (const ola::Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 100);
}

}  // namespace
}  // namespace ola::nn
