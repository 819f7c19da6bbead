// Small valid inputs shared by the fuzz seed generator and the security tests: two tiny ONNX
// models (built with the nn tests' OnnxBuilder), a calibration of one, and a two-site plan.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/calib/calibration.h"
#include "nn/onnx/onnx_import.h"
#include "nn/onnx_builder.h"
#include "ola/plan.h"

namespace ola::fuzz {

/// Conv (no bias) -> BatchNormalization -> Relu -> GlobalAveragePool -> Flatten -> Gemm on 3x8x8.
inline ola::nn::test::OnnxBuilder small_cnn() {
  using ola::nn::test::OnnxBuilder;
  OnnxBuilder b{{3, 8, 8}};
  b.random("w", {4, 3, 3, 3});
  b.random("gamma", {4});
  b.random("beta", {4});
  b.random("mean", {4});
  b.initializer("var", {4}, {0.5f, 1.0f, 2.0f, 0.25f});
  b.random("fc", {5, 4});
  b.random("fc_b", {5});
  auto& conv = b.node("Conv", {"input", "w"}, "c", "/conv1/Conv");
  OnnxBuilder::attr(conv, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  OnnxBuilder::attr(conv, "kernel_shape", std::vector<std::int64_t>{3, 3});
  auto& bn = b.node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, "bn", "/bn1/BN");
  OnnxBuilder::attr(bn, "epsilon", 1e-5f);
  b.node("Relu", {"bn"}, "r", "/layer1/Relu");
  b.node("GlobalAveragePool", {"r"}, "p");
  auto& fl = b.node("Flatten", {"p"}, "f");
  OnnxBuilder::attr(fl, "axis", std::int64_t{1});
  auto& gemm = b.node("Gemm", {"f", "fc", "fc_b"}, "logits");
  OnnxBuilder::attr(gemm, "transB", std::int64_t{1});
  b.output("logits");
  return b;
}

/// Depthwise conv, GELU in PyTorch's erf form, residual Add, Reshape, MatMul.
inline ola::nn::test::OnnxBuilder gelu_block() {
  using ola::nn::test::OnnxBuilder;
  OnnxBuilder b{{2, 4, 4}};
  b.random("dw", {2, 1, 3, 3});
  b.scalar("sqrt2", std::sqrt(2.0f));
  b.scalar("one", 1.0f);
  b.scalar("half", 0.5f);
  b.ints("shape", {-1, 32});
  b.random("m", {32, 3});
  auto& conv = b.node("Conv", {"input", "dw"}, "c", "/dw/Conv");
  OnnxBuilder::attr(conv, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  OnnxBuilder::attr(conv, "group", std::int64_t{2});
  b.node("Div", {"c", "sqrt2"}, "u");
  b.node("Erf", {"u"}, "e", "/act/Erf");
  b.node("Add", {"e", "one"}, "a");
  b.node("Mul", {"c", "a"}, "g");
  b.node("Mul", {"g", "half"}, "y");
  b.node("Add", {"y", "input"}, "res");
  b.node("Reshape", {"res", "shape"}, "flat");
  b.node("MatMul", {"flat", "m"}, "out");
  b.output("out");
  return b;
}

/// Statistics of small_cnn() over 4 fixed images (reservoir 6, 8 histogram bins).
inline ola::nn::Calibration small_calibration() {
  const auto bytes = small_cnn().bytes();
  const ola::nn::Graph g = ola::nn::import_onnx_bytes(bytes, "small_cnn.onnx");
  ola::nn::Tensor images = ola::nn::zeros({4, 3, 8, 8});
  for (std::size_t i = 0; i < images.data.size(); ++i) images.data[i] = std::sin(0.37f * static_cast<float>(i));
  ola::nn::CalibrationOptions o;
  o.reservoir_size = 6;
  o.histogram_bins = 8;
  return ola::nn::calibrate(g, images, o);
}

/// A valid two-site plan (a WLS and a composite ReLU site, one bootstrap, two baselines).
inline ola::opt::Plan small_plan() {
  ola::opt::Plan p;
  p.model = "small_cnn.onnx";
  p.model_fingerprint = "aa";
  p.calibration_fingerprint = "bb";
  p.cost_table_fingerprint = "cc";
  p.parameter_set = "test";
  p.bootstrap_cost = "estimated";
  p.loss_metric = "kl";
  p.budget = 0.5;
  p.loss_quantum = 0.005;
  for (int i = 0; i < 2; ++i) {
    ola::opt::PlanSite s;
    s.index = i;
    s.name = "relu_" + std::to_string(i);
    s.range_lo = -3.0;
    s.range_hi = 4.0;
    s.approximation.kind = i == 0 ? ola::approx::Kind::wls : ola::approx::Kind::composite_relu;
    s.approximation.lo = -3.5;
    s.approximation.hi = 4.5;
    s.approximation.alpha = i == 0 ? 0 : 7;
    s.approximation.stages = {{-3.5, 4.5, {0.1, 0.5, 0.25}}};
    if (i == 1) s.approximation.stages = {{-1, 1, {0, 1.2, 0, -0.3}}, {-1, 1, {0, 1.1, 0, -0.2}}};
    s.approximation.counts = {2 + i, 2, 3, 4};
    s.level_before = 9;
    s.level_after = 7 - i;
    s.bootstrap_before = i == 1;
    s.predicted_ms = 1500.0;
    p.sites.push_back(s);
    p.steps.push_back({ola::opt::StepKind::linear, "conv", -1, false, 10, 9, 250.0, 0.0});
    p.steps.push_back({ola::opt::StepKind::activation, s.name, i, s.bootstrap_before, 9, 7, 1500.0 + (i == 1 ? 900.0 : 0.0),
                       i == 1 ? 900.0 : 0.0});
  }
  p.totals = {5000.0, 1000.0, 3000.0, 1000.0, 1, 0.25};
  p.baselines.push_back({"uniform_relu_alpha13", "relu a=13", true, {9000.0, 4000.0, 4000.0, 1000.0, 2, 0.0}, 0, ""});
  p.baselines.push_back({"uniform_wls", "none", false, {}, 0, ""});
  p.notes = {"seed"};
  return p;
}

}  // namespace ola::fuzz
