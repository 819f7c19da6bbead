#include "nn/sim/simulate.h"

#include <gtest/gtest.h>

#include <cmath>

#include "approx/fit_error.h"
#include "nn/error.h"
#include "nn/onnx/onnx_import.h"
#include "nn/onnx_builder.h"
#include "nn/ops/elementwise.h"
#include "nn/reference_ops.h"
#include "nn/sim/approximation_json.h"
#include "nn/sim/site_cache.h"

namespace ola::nn {
namespace {

using test::OnnxBuilder;

/// The identity x written as a degree-1 Chebyshev polynomial on [lo, hi] (a "wls" replacement whose
/// effect is known exactly: the site stops clipping negatives).
approx::Approximation identity_poly(double lo, double hi) {
  approx::Approximation a;
  a.activation = approx::Activation::relu;
  a.kind = approx::Kind::wls;
  a.lo = lo;
  a.hi = hi;
  a.stages = {approx::ChebPoly{lo, hi, {(lo + hi) / 2, (hi - lo) / 2}}};
  return a;
}

/// A residual network: conv-relu, then a block relu(conv(relu(conv(x))) + x), GAP, linear.
/// Sites: relu_0 (stem), relu_1 (inner), relu_2 (after the residual add).
Graph residual_model() {
  OnnxBuilder b({2, 6, 6});
  b.random("w0", {4, 2, 3, 3}, 0.5f);
  b.random("b0", {4}, 0.2f);
  b.random("w1", {4, 4, 3, 3}, 0.4f);
  b.random("w2", {4, 4, 3, 3}, 0.4f);
  b.random("fc", {3, 4}, 1.0f);
  b.random("fcb", {3}, 0.1f);
  for (auto [w, in, out] : {std::tuple{"w0", "input", "c0"}, std::tuple{"w1", "r0", "c1"}, std::tuple{"w2", "r1", "c2"}}) {
    auto& c = std::string(w) == "w0" ? b.node("Conv", {in, w, "b0"}, out, std::string("/") + out) : b.node("Conv", {in, w}, out, std::string("/") + out);
    OnnxBuilder::attr(c, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  }
  b.node("Relu", {"c0"}, "r0", "/stem/Relu");
  b.node("Relu", {"c1"}, "r1", "/block/Relu");
  b.node("Add", {"c2", "r0"}, "s", "/block/Add");
  b.node("Relu", {"s"}, "r2", "/block/Relu_1");
  b.node("GlobalAveragePool", {"r2"}, "p");
  b.node("Flatten", {"p"}, "f");
  auto& gemm = b.node("Gemm", {"f", "fc", "fcb"}, "y");
  OnnxBuilder::attr(gemm, "transB", std::int64_t{1});
  b.output("y");
  return import_onnx_bytes(b.bytes(), "res.onnx");
}

TEST(Metrics, KlArgmaxAgreement) {
  EXPECT_NEAR(kl_divergence(std::vector<float>{1, 2, 3}, std::vector<float>{1, 2, 3}), 0.0, 1e-15);
  // KL([.5,.5] || softmax([0, log 3]) = [.25,.75]) = .5 ln 2 + .5 ln(2/3)
  EXPECT_NEAR(kl_divergence(std::vector<float>{0, 0}, std::vector<float>{0, static_cast<float>(std::log(3.0))}),
              0.5 * std::log(2.0) + 0.5 * std::log(2.0 / 3.0), 1e-7);
  Tensor exact{{3, 2}, {1, 0, 0, 1, 1, 0}};
  Tensor approx{{3, 2}, {1, 0, 1, 0, NAN, 0}};
  const std::vector<int> labels{0, 0, 1};
  const Metrics m = compare_logits(exact, approx, labels);
  EXPECT_EQ(m.correct, 2u);
  EXPECT_EQ(m.agree, 1u);
  EXPECT_EQ(m.nonfinite, 1u);
  EXPECT_TRUE(std::isinf(m.mean_kl));
  EXPECT_THROW(compare_logits(exact, Tensor{{2, 2}, {0, 0, 0, 0}}, labels), ola::Error);
}

TEST(Simulate, ExactPlanAgreesAndIdentityReplacementCountsOutOfRange) {
  const Graph g = residual_model();
  ASSERT_EQ(g.sites.size(), 3u);
  EXPECT_EQ(g.sites[2].name, "relu_2 (/block/Relu_1)");
  const Tensor images = test::random_tensor({30, 2, 6, 6}, 21);
  const std::vector<int> labels(30, 1);
  const SimulationResult exact = simulate(g, images, labels, {});
  EXPECT_EQ(exact.metrics.agree, 30u);
  EXPECT_EQ(exact.metrics.mean_kl, 0.0);

  // Site 1 replaced by the identity on [-0.5, 0.5]: the count of inputs outside must equal a direct count.
  SiteReplacements rep(3);
  rep[1] = identity_poly(-0.5, 0.5);
  std::uint64_t outside = 0, seen = 0;
  RunHooks observe;
  observe.observe_site_input = [&](int site, const Tensor& x) {
    if (site != 1) return;
    for (float v : x.data) outside += (v < -0.5f || v > 0.5f);
    seen += static_cast<std::uint64_t>(x.size());
  };
  run_batch(g, images, observe);
  const SimulationResult r = simulate(g, images, labels, rep);
  EXPECT_EQ(r.stats.inputs[1], seen);
  EXPECT_EQ(r.stats.out_of_range[1], outside);
  EXPECT_GT(outside, 0u);
  EXPECT_EQ(r.stats.out_of_range[0], 0u);
  EXPECT_GT(r.metrics.mean_kl, 0.0);  // removing a ReLU changes the logits
  EXPECT_EQ(r.metrics.images, 30u);
  const SiteReplacements wrong(2);
  EXPECT_THROW(simulate(g, images, labels, wrong), ola::Error);
}

TEST(SiteCache, SuffixOfAResidualBlockCachesTheSkipBranch) {
  const Graph g = residual_model();
  const SuffixPlan p = plan_suffix(g, 1);  // inner ReLU of the block
  ASSERT_FALSE(p.nodes.empty());
  EXPECT_EQ(p.nodes[0], g.sites[1].node);
  // Inputs: the site's own input (c1) and the skip branch (r0), nothing else.
  std::vector<std::string> names;
  for (int id : p.inputs) names.push_back(g.value(id).name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"c1", "r0"}));
}

TEST(SiteCache, SuffixRunEqualsFullRunForEverySite) {
  const Graph g = residual_model();
  const Tensor images = test::random_tensor({25, 2, 6, 6}, 33);
  std::vector<int> labels(25);
  for (int i = 0; i < 25; ++i) labels[static_cast<std::size_t>(i)] = i % 3;
  ExecOptions o;
  o.batch_size = 8;
  const SiteCache cache = build_site_cache(g, images, labels, o);
  EXPECT_GT(cache.bytes(), 0u);
  for (int site = 0; site < 3; ++site) {
    const approx::Approximation cand = identity_poly(-1.0, 1.0);
    const SiteImpact impact = evaluate_site(g, cache, site, cand, o);
    SiteReplacements rep(3);
    rep[static_cast<std::size_t>(site)] = cand;
    const SimulationResult full = simulate(g, images, labels, rep, o);
    EXPECT_EQ(impact.logits.data, full.logits.data) << "site " << site;
    EXPECT_EQ(impact.out_of_range, full.stats.out_of_range[static_cast<std::size_t>(site)]);
    EXPECT_EQ(impact.inputs, full.stats.inputs[static_cast<std::size_t>(site)]);
    EXPECT_EQ(impact.metrics.agree, full.metrics.agree);
    EXPECT_DOUBLE_EQ(impact.metrics.mean_kl, full.metrics.mean_kl);
  }
  approx::Approximation gelu = identity_poly(-1, 1);
  gelu.activation = approx::Activation::gelu;
  EXPECT_THROW(evaluate_site(g, cache, 0, gelu, o), ola::Error);
  const std::vector<int> only{2};
  const SiteCache partial = build_site_cache(g, images, labels, o, only);
  EXPECT_THROW(evaluate_site(g, partial, 0, identity_poly(-1, 1), o), ola::Error);
  EXPECT_LT(partial.bytes(), cache.bytes());
}

TEST(ApproximationJson, RoundTripAndErrors) {
  approx::Approximation a = identity_poly(-3.25, 7.5);
  a.kind = approx::Kind::composite_relu;
  a.alpha = 13;
  a.stages.push_back(approx::ChebPoly{-1, 1, {0.0, 1.2345678901234567, 0.0, -0.1}});
  a.counts = {14, 27, 5, 30};
  a.metrics = {1e-5, 0.03125};
  const approx::Approximation b = approximation_from_json(nlohmann::json::parse(to_json(a).dump()), "x");
  EXPECT_EQ(b.kind, a.kind);
  EXPECT_EQ(b.alpha, 13);
  EXPECT_EQ(b.lo, a.lo);
  ASSERT_EQ(b.stages.size(), 2u);
  EXPECT_EQ(b.stages[1].coeffs, a.stages[1].coeffs);
  EXPECT_EQ(b.counts.nonscalar_mults, 27);
  EXPECT_EQ(b.metrics.max_error, 0.03125);
  nlohmann::json j = to_json(a);
  j["lo"] = 9.0;
  EXPECT_THROW(approximation_from_json(j, "x"), DataError);
  j = to_json(a);
  j["kind"] = "magic";
  EXPECT_THROW(approximation_from_json(j, "x"), DataError);
  j = to_json(a);
  j.erase("hi");
  try {
    approximation_from_json(j, "plan.json: [0].approximation");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("plan.json: [0].approximation: hi: expected present, got absent"), std::string::npos) << e.what();
  }
}

TEST(ApproximationJson, ReplacementListBySiteNameIndexOrOnnxName) {
  const Graph g = residual_model();
  const nlohmann::json a = to_json(identity_poly(-2, 2));
  nlohmann::json plan = nlohmann::json::array();
  plan.push_back({{"site", "relu_0"}, {"approximation", a}});
  plan.push_back({{"site", 2}, {"approximation", a}});
  SiteReplacements r = replacements_from_json(g, plan, "p.json");
  EXPECT_TRUE(r[0] && !r[1] && r[2]);
  EXPECT_EQ(to_json(g, r).size(), 2u);
  plan = nlohmann::json::array({{{"site", "/block/Relu"}, {"approximation", a}}});
  r = replacements_from_json(g, plan, "p.json");
  EXPECT_TRUE(r[1]);
  plan = nlohmann::json::array({{{"site", "relu_9"}, {"approximation", a}}});
  EXPECT_THROW(replacements_from_json(g, plan, "p.json"), DataError);
  plan = nlohmann::json::array({{{"site", 0}, {"approximation", a}}, {{"site", "relu_0"}, {"approximation", a}}});
  EXPECT_THROW(replacements_from_json(g, plan, "p.json"), DataError);
  nlohmann::json gelu = a;
  gelu["activation"] = "gelu";
  plan = nlohmann::json::array({{{"site", 0}, {"approximation", gelu}}});
  EXPECT_THROW(replacements_from_json(g, plan, "p.json"), DataError);
}

/// identity_poly with channel c scaled by c + 1, as per-channel polynomials.
approx::Approximation scaled_per_channel(double lo, double hi, int channels) {
  approx::Approximation a = identity_poly(lo, hi);
  for (int c = 0; c < channels; ++c) {
    const double k = c + 1.0;
    a.channels.push_back(approx::ChebPoly{lo, hi, {k * (lo + hi) / 2, k * (hi - lo) / 2}});
  }
  return a;
}

// Per-channel polynomials: element [n, c, ...] goes through channels[c] (in the executor too:
// all-ones scales equal the site-level identity), the JSON keeps them, and a list whose channel
// count is not the site's is refused.
TEST(ApproximationJson, PerChannelPolynomialsRunPerChannelAndRoundTrip) {
  Tensor t = test::random_tensor({2, 4, 3, 3}, 11);
  const Tensor x = t;
  const approx::Approximation a = scaled_per_channel(-5, 5, 4);
  approximate_inplace(t, a, 1);
  for (std::size_t k = 0; k < t.data.size(); ++k) {
    const double scale = static_cast<double>((k / 9) % 4) + 1.0;
    EXPECT_NEAR(t.data[k], scale * x.data[k], 1e-5 * (1 + std::abs(x.data[k]))) << k;
  }
  Tensor three = test::random_tensor({2, 3, 3, 3}, 12);
  EXPECT_THROW(approximate_inplace(three, a, 1), approx::FitError);

  const Graph g = residual_model();  // relu_0 reads conv c0's 4 channels
  approx::Approximation ones = identity_poly(-5, 5);
  ones.channels.assign(4, ones.stages[0]);
  SiteReplacements per(3), site(3);
  per[0] = ones;
  site[0] = identity_poly(-5, 5);
  const Tensor images = test::random_tensor({3, 2, 6, 6}, 13);
  RunHooks hp, hs;
  hp.replacements = &per;
  hs.replacements = &site;
  const Tensor yp = run_batch(g, images, hp), ys = run_batch(g, images, hs);
  EXPECT_EQ(yp.data, ys.data);

  const approx::Approximation back = approximation_from_json(nlohmann::json::parse(to_json(a).dump()), "x");
  ASSERT_EQ(back.channels.size(), 4u);
  EXPECT_EQ(back.channels[3].coeffs, a.channels[3].coeffs);
  EXPECT_EQ(back.label(), "wls d=1 per-channel");
  nlohmann::json plan = nlohmann::json::array({{{"site", "relu_0"}, {"approximation", to_json(a)}}});
  EXPECT_TRUE(replacements_from_json(g, plan, "p.json")[0]);
  plan[0]["approximation"]["channels"].erase(0);
  try {
    replacements_from_json(g, plan, "p.json");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("channels: expected one per input channel of relu_0 (4), got 3"), std::string::npos) << e.what();
  }
  nlohmann::json j = to_json(a);
  j["channels"][1]["coeffs"].push_back(0.5);  // degree 2 beside the stage's degree 1
  EXPECT_THROW(approximation_from_json(j, "x"), DataError);
  j = to_json(a);
  j["kind"] = "minimax";
  EXPECT_THROW(approximation_from_json(j, "x"), DataError);
}

}  // namespace
}  // namespace ola::nn

namespace ola::nn {
namespace {

TEST(Executor, ResultsDoNotDependOnThreadsOrBatchSize) {
  const Graph g = residual_model();
  const Tensor images = test::random_tensor({37, 2, 6, 6}, 77);
  ExecOptions one{5, 1}, two{5, 2}, big{37, 2};
  const Tensor a = run_model(g, images, one);
  EXPECT_EQ(run_model(g, images, two).data, a.data) << "threads";
  // Another batch size only changes how images are grouped; each image's logits stay close.
  const Tensor c = run_model(g, images, big);
  EXPECT_LT(test::max_abs_diff(a, c), 1e-5);
  RunStats stats;
  SiteReplacements rep(3);
  rep[2] = identity_poly(-0.25, 0.25);
  RunHooks hooks;
  hooks.replacements = &rep;
  run_model(g, images, two, hooks, &stats);
  RunStats serial;
  run_model(g, images, one, hooks, &serial);
  EXPECT_EQ(stats.out_of_range, serial.out_of_range);
  EXPECT_EQ(stats.inputs[2], 37u * 4 * 6 * 6);
}

}  // namespace
}  // namespace ola::nn
