// Shared by the program tests: a small residual CNN whose activation sites read a convolution, a
// convolution plus an activation (a residual block) and two activations, and per-channel ReLU
// polynomials fitted on each channel's observed inputs.
#pragma once

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "approx/wls.h"
#include "nn/exec/executor.h"
#include "nn/onnx/onnx_import.h"
#include "nn/onnx_builder.h"

namespace ola::he::testing {

/// conv(3->4) -> relu_0 -> conv(4->4) -> add(., relu_0) -> relu_1 -> add(relu_1, relu_0) -> relu_2
/// -> avgpool -> fc(4->10). Output channel 0 of both convolutions has its weights and bias times
/// `channel0` (< 1: a channel whose inputs span a small part of its site's interval).
inline nn::Graph residual_cnn(float channel0 = 1.0f) {
  nn::test::OnnxBuilder b({3, 8, 8});
  std::mt19937 rng(5);
  auto weights = [&](const std::string& name, std::vector<std::int64_t> dims, float scale) {
    std::uniform_real_distribution<float> u(-scale, scale);
    std::int64_t n = 1;
    for (auto d : dims) n *= d;
    std::vector<float> v(static_cast<std::size_t>(n));
    for (float& x : v) x = u(rng);
    const std::size_t per_channel = v.size() / static_cast<std::size_t>(dims[0]);
    for (std::size_t i = 0; i < per_channel; ++i) v[i] *= channel0;
    b.initializer(name, dims, v);
  };
  weights("w1", {4, 3, 3, 3}, 0.5f);
  weights("b1", {4}, 0.3f);
  weights("w2", {4, 4, 3, 3}, 0.4f);
  weights("b2", {4}, 0.3f);
  b.random("fc", {10, 4}, 0.8f);
  b.random("fc_b", {10}, 0.2f);
  b.conv("input", "w1", "b1", "c1", "/c1");
  b.node("Relu", {"c1"}, "r1", "/r1");
  b.conv("r1", "w2", "b2", "c2", "/c2");
  b.node("Add", {"c2", "r1"}, "a1", "/a1");
  b.node("Relu", {"a1"}, "r2", "/r2");
  b.node("Add", {"r2", "r1"}, "a2", "/a2");
  b.node("Relu", {"a2"}, "r3", "/r3");
  b.classifier_head("r3");
  return nn::import_onnx_bytes(b.bytes(), "residual_cnn.onnx");
}

/// Per site: a minimax ReLU of `degree` on the site's observed input range of `images` plus 20%
/// (stages[0]) and one per input channel on that channel's observed range plus 20% (kind wls, as
/// per-channel fits are).
inline std::vector<approx::Approximation> fit_channel_sites(const nn::Graph& g, const nn::Tensor& images, int degree) {
  std::vector<std::vector<std::pair<double, double>>> ranges(g.sites.size());
  nn::RunHooks hooks;
  hooks.observe_site_input = [&](int site, const nn::Tensor& t) {
    auto& r = ranges[static_cast<std::size_t>(site)];
    const auto c = static_cast<std::size_t>(t.shape[1]);
    const auto plane = static_cast<std::size_t>(t.shape[2] * t.shape[3]);
    r.resize(c, {0.0, 0.0});
    for (std::size_t i = 0; i < t.data.size(); ++i) {
      auto& [lo, hi] = r[(i / plane) % c];
      lo = std::min(lo, static_cast<double>(t.data[i]));
      hi = std::max(hi, static_cast<double>(t.data[i]));
    }
  };
  nn::run_model(g, images, {}, hooks);
  auto fit = [degree](double lo, double hi) {
    const double m = 0.2 * (hi - lo) + 1e-3;
    return approx::make_minimax(approx::Activation::relu, degree, lo - m, hi + m);
  };
  std::vector<approx::Approximation> sites;
  for (const auto& r : ranges) {
    double lo = 0.0, hi = 0.0;
    for (const auto& [l, h] : r) lo = std::min(lo, l), hi = std::max(hi, h);
    approx::Approximation a = fit(lo, hi);
    a.kind = approx::Kind::wls;
    for (const auto& [l, h] : r) a.channels.push_back(fit(l, h).stages.at(0));
    sites.push_back(std::move(a));
  }
  return sites;
}

}  // namespace ola::he::testing
