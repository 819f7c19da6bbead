#include "ola/uniform_fits.h"

#include <gtest/gtest.h>

#include <cmath>

#include "approx/composite.h"
#include "approx/metrics.h"
#include "approx/wls.h"
#include "nn/onnx/onnx_import.h"
#include "nn/onnx_builder.h"
#include "nn/reference_ops.h"
#include "ola/candidates.h"
#include "ola/plan_error.h"
#include "ola/plan_refit.h"

namespace ola::opt {
namespace {

// A GELU site whose inputs are ~N(mu, 1) over [lo, hi], as a 128-bin histogram.
nn::SiteStatistics gelu_site(int index, double lo, double hi, double mu) {
  nn::SiteStatistics s;
  s.site = index;
  s.name = "gelu_" + std::to_string(index);
  s.activation = approx::Activation::gelu;
  s.min = lo;
  s.max = hi;
  s.histogram.resize(128);
  for (std::size_t i = 0; i < 128; ++i) {
    const double x = lo + (hi - lo) * (static_cast<double>(i) + 0.5) / 128.0;
    s.histogram[i] = 1 + static_cast<std::uint64_t>(1e5 * std::exp(-0.5 * (x - mu) * (x - mu)));
    s.count += s.histogram[i];
  }
  return s;
}

nn::Calibration two_sites() {
  nn::Calibration c;
  c.sites = {gelu_site(0, -8, 6, -0.5), gelu_site(1, -20, 12, 0.3)};
  return c;
}

TEST(UniformFits, RuleNamesRoundTripAndUnknownOnesAreRejected) {
  for (const char* n : {"wls", "ls", "minimax"}) EXPECT_EQ(to_string(fit_rule_from_string(n, "x", "kind")), n);
  EXPECT_THROW(fit_rule_from_string("spline", "x", "kind"), PlanError);
}

TEST(UniformFits, PerSiteIntervalsOrTheirUnion) {
  const nn::Calibration c = two_sites();
  UniformFitSettings s;
  s.margin = 0.1;
  auto fits = uniform_fits(c, s);
  ASSERT_EQ(fits.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto [lo, hi] = site_interval(c.sites[i], 0.1);
    EXPECT_DOUBLE_EQ(fits[i].lo, lo);
    EXPECT_DOUBLE_EQ(fits[i].hi, hi);
    EXPECT_EQ(fits[i].degree(), 3);
    EXPECT_EQ(fits[i].activation, approx::Activation::gelu);
  }
  s.global_range = true;
  fits = uniform_fits(c, s);
  const auto [glo, ghi] = union_interval(c, 0.1);
  EXPECT_DOUBLE_EQ(glo, -20 - 3.2);
  EXPECT_DOUBLE_EQ(ghi, 12 + 3.2);  // site 1 reaches further on both sides
  for (const auto& a : fits) {
    EXPECT_DOUBLE_EQ(a.lo, glo);
    EXPECT_DOUBLE_EQ(a.hi, ghi);
  }
  EXPECT_THROW(union_interval(nn::Calibration{}, 0.1), PlanError);
}

// On the same interval each rule is best on its own criterion: WLS on the site's distribution,
// minimax in the worst case, least squares in between on both.
TEST(UniformFits, EachRuleIsBestOnItsOwnCriterion) {
  const nn::Calibration c = two_sites();
  UniformFitSettings s;
  s.rule = FitRule::wls;
  const auto wls = uniform_fits(c, s);
  s.rule = FitRule::least_squares;
  const auto ls = uniform_fits(c, s);
  s.rule = FitRule::minimax;
  const auto mm = uniform_fits(c, s);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(ls[i].kind, approx::Kind::wls);
    EXPECT_EQ(mm[i].kind, approx::Kind::minimax);
    EXPECT_LT(wls[i].metrics.weighted_mse, ls[i].metrics.weighted_mse);
    EXPECT_LT(wls[i].metrics.weighted_mse, mm[i].metrics.weighted_mse);
    EXPECT_LT(mm[i].metrics.max_error, ls[i].metrics.max_error);
    EXPECT_LT(ls[i].metrics.max_error, wls[i].metrics.max_error);
  }
}

// Two channels of a site, inputs around -2 and +3 (16 bins each over the site's [-8, 6]), plus a
// channel that saw one bin only (it falls back to the site's distribution and interval).
TEST(UniformFits, PerChannelFitsEachChannelOnItsOwnBins) {
  nn::Calibration c;
  c.sites = {gelu_site(0, -8, 6, -0.5)};
  nn::SiteStatistics& s = c.sites[0];
  s.channel_histograms.assign(3, std::vector<std::uint64_t>(14, 0));
  // Bins of width 1 over [-8, 6]: channel 0 fills [-4, -1], channel 1 [1, 5], channel 2 only [0, 1].
  for (std::size_t b = 4; b < 7; ++b) s.channel_histograms[0][b] = 100 + 10 * b;
  for (std::size_t b = 9; b < 13; ++b) s.channel_histograms[1][b] = 50;
  s.channel_histograms[2][8] = 7;
  const auto ch = channel_distributions(s, 0.5);
  ASSERT_EQ(ch.size(), 3u);
  EXPECT_DOUBLE_EQ(ch[0].lo, -4 - 1.5);
  EXPECT_DOUBLE_EQ(ch[0].hi, -1 + 1.5);
  EXPECT_DOUBLE_EQ(ch[1].lo, 1 - 2.0);
  EXPECT_DOUBLE_EQ(ch[1].hi, 5 + 2.0);
  EXPECT_DOUBLE_EQ(ch[0].weight, 140.0 + 150.0 + 160.0);
  EXPECT_DOUBLE_EQ(ch[1].weight, 200.0);
  const auto [slo, shi] = site_interval(s, 0.5);
  EXPECT_DOUBLE_EQ(ch[2].lo, slo);
  EXPECT_DOUBLE_EQ(ch[2].hi, shi);

  UniformFitSettings set;
  set.margin = 0.5;
  set.uniform_weight = 0.0;
  set.per_channel = true;
  const auto fits = uniform_fits(c, set);
  ASSERT_EQ(fits.size(), 1u);
  ASSERT_EQ(fits[0].channels.size(), 3u);
  EXPECT_DOUBLE_EQ(fits[0].channels[0].lo, ch[0].lo);
  EXPECT_DOUBLE_EQ(fits[0].channels[1].hi, ch[1].hi);
  EXPECT_EQ(fits[0].channels[1].degree(), 3);
  EXPECT_EQ(fits[0].label(), "wls d=3 per-channel");
  // Channel 0's cubic is closer to GELU on its inputs than the site's cubic.
  const approx::Approximation own = approx::channel_approximation(fits[0], 0);
  const double own_mse = approx::error_metrics(own, &ch[0].dist).weighted_mse;
  approx::Approximation site = fits[0];
  site.channels.clear();
  EXPECT_LT(own_mse, approx::error_metrics(site, &ch[0].dist).weighted_mse);

  set.rule = FitRule::minimax;
  EXPECT_THROW(uniform_fits(c, set), PlanError);
  set.rule = FitRule::wls;
  c.sites[0].channel_histograms.clear();
  EXPECT_THROW(uniform_fits(c, set), PlanError);
}

// Three ReLU sites in a chain (conv, relu) x 3, then a global average.
nn::Graph three_relu_chain() {
  nn::test::OnnxBuilder b({2, 6, 6});
  b.random("w1", {3, 2, 3, 3}, 0.6f);
  b.random("w2", {3, 3, 1, 1}, 0.8f);
  b.random("w3", {2, 3, 1, 1}, 0.8f);
  auto& c1 = b.node("Conv", {"input", "w1"}, "c1", "/c1");
  nn::test::OnnxBuilder::attr(c1, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  b.node("Relu", {"c1"}, "r1", "/r1");
  b.node("Conv", {"r1", "w2"}, "c2", "/c2");
  b.node("Relu", {"c2"}, "r2", "/r2");
  b.node("Conv", {"r2", "w3"}, "c3", "/c3");
  b.node("Relu", {"c3"}, "r3", "/r3");
  b.node("GlobalAveragePool", {"r3"}, "p");
  b.node("Flatten", {"p"}, "y");
  b.output("y");
  return nn::import_onnx_bytes(b.bytes(), "chain.onnx");
}

nn::CalibrationOptions small_calibration_options() {
  nn::CalibrationOptions o;
  o.reservoir_size = 100;
  o.histogram_bins = 64;
  return o;
}

bool same_fit(const approx::Approximation& a, const approx::Approximation& b) {
  return a.lo == b.lo && a.hi == b.hi && a.stages.size() == 1 && b.stages.size() == 1 &&
         a.stages[0].coeffs == b.stages[0].coeffs;
}

// The sequential fits are the definition: site k fitted on a calibration with sites 0..k-1 already
// replaced by their sequential fits (site 0: the exact calibration), and they differ from the
// one-calibration fits after site 0.
TEST(UniformFits, SequentialFitsFitEachSiteOnTheApproximatedInputs) {
  const nn::Graph g = three_relu_chain();
  const nn::Tensor images = nn::test::random_tensor({16, 2, 6, 6}, 11);
  nn::CalibrationOptions o = small_calibration_options();
  const nn::Calibration exact = nn::calibrate(g, images, o);
  UniformFitSettings set;
  set.degree = 2;  // far enough from relu to move the later sites' inputs
  set.margin = 0.1;
  const auto one_pass = uniform_fits(exact, set);
  int stages_seen = 0;
  const auto seq = sequential_uniform_fits(g, images, exact, nn::calibration_options_of(exact), set,
                                           [&](std::size_t, std::size_t, std::string_view stage) {
                                             stages_seen += stage == "sequential fit 2/2";
                                           });
  ASSERT_EQ(seq.size(), 3u);
  EXPECT_GT(stages_seen, 0);
  EXPECT_TRUE(same_fit(seq[0], one_pass[0]));
  nn::SiteReplacements before(3);
  for (std::size_t k = 1; k < 3; ++k) {
    before[k - 1] = seq[k - 1];
    o.replacements = &before;
    const auto direct = uniform_fits(nn::calibrate(g, images, o), set);
    EXPECT_TRUE(same_fit(seq[k], direct[k])) << "site " << k;
    EXPECT_FALSE(same_fit(seq[k], one_pass[k])) << "site " << k;
  }
  set.global_range = true;
  EXPECT_THROW(sequential_uniform_fits(g, images, exact, nn::calibration_options_of(exact), set), PlanError);
}

TEST(UniformFits, CalibrationOptionsOfACalibrationReproduceIt) {
  const nn::Graph g = three_relu_chain();
  const nn::Tensor images = nn::test::random_tensor({6, 2, 6, 6}, 3);
  nn::CalibrationOptions o;
  o.reservoir_size = 40;
  o.histogram_bins = 32;
  o.channel_histogram_bins = 8;
  o.seed[0] = 0xab;
  o.seed[31] = 0x07;
  const nn::Calibration c = nn::calibrate(g, images, o);
  const nn::CalibrationOptions back = nn::calibration_options_of(c);
  EXPECT_EQ(back.seed, o.seed);
  const nn::Calibration again = nn::calibrate(g, images, back);
  EXPECT_EQ(again.sites[2].sample, c.sites[2].sample);
  EXPECT_EQ(again.sites[2].channel_histograms, c.sites[2].channel_histograms);
  nn::Calibration bad = c;
  bad.seed_hex[5] = 'x';
  EXPECT_THROW(nn::calibration_options_of(bad), Error);
}

// A plan's refit keeps each site's kind, degree or alpha, margin and levels, and fits site k on the
// inputs of the refitted sites before it; exact sites stay exact; plans that do not fit the
// calibration are refused.
TEST(PlanRefit, RefitsEachSiteLikeItsKindOnTheApproximatedInputs) {
  const nn::Graph g = three_relu_chain();
  const nn::Tensor images = nn::test::random_tensor({16, 2, 6, 6}, 5);
  nn::CalibrationOptions o = small_calibration_options();
  const nn::Calibration exact = nn::calibrate(g, images, o);
  const double margin = 0.15;
  Plan plan;
  for (std::size_t i = 0; i < 3; ++i) {
    PlanSite ps;
    ps.index = static_cast<int>(i);
    ps.name = exact.sites[i].name;
    ps.range_lo = exact.sites[i].min;
    ps.range_hi = exact.sites[i].max;
    const auto [lo, hi] = site_interval(exact.sites[i], margin);
    const approx::Distribution dist = site_distribution(exact.sites[i]);
    if (i == 0) ps.approximation = approx::make_wls(approx::Activation::relu, 2, lo, hi, dist);
    if (i == 1) ps.approximation = approx::make_composite_relu(6, lo, hi);
    if (i == 2) ps.approximation.kind = approx::Kind::exact;
    ps.level_before = 9 - static_cast<int>(i);
    plan.sites.push_back(ps);
  }
  const Plan refit = refit_plan_sequentially(plan, g, images, exact, nn::calibration_options_of(exact));
  ASSERT_EQ(refit.sites.size(), 3u);
  // Site 0 sees the exact inputs: the same fit.
  EXPECT_EQ(refit.sites[0].approximation.stages[0].coeffs, plan.sites[0].approximation.stages[0].coeffs);
  // Site 1: alpha 6 on the interval (same margin) of its inputs behind site 0's quadratic.
  nn::SiteReplacements before = {plan.sites[0].approximation, std::nullopt, std::nullopt};
  o.replacements = &before;
  const nn::Calibration behind = nn::calibrate(g, images, o);
  const auto [lo1, hi1] = site_interval(behind.sites[1], margin);
  const approx::Approximation& a1 = refit.sites[1].approximation;
  EXPECT_EQ(a1.kind, approx::Kind::composite_relu);
  EXPECT_EQ(a1.alpha, 6);
  EXPECT_NEAR(a1.lo, lo1, 1e-9);
  EXPECT_NEAR(a1.hi, hi1, 1e-9);
  EXPECT_GT(std::abs(a1.hi - plan.sites[1].approximation.hi), 1e-3);  // the inputs did move
  EXPECT_NEAR(refit.sites[1].range_hi, behind.sites[1].max, 1e-9);
  EXPECT_EQ(a1.counts.depth, plan.sites[1].approximation.counts.depth);
  EXPECT_EQ(refit.sites[2].approximation.kind, approx::Kind::exact);
  EXPECT_EQ(refit.sites[1].level_before, 8);
  EXPECT_EQ(refit.notes.size(), plan.notes.size() + 1);

  Plan renamed = plan;
  renamed.sites[1].name = "relu_9";
  EXPECT_THROW(refit_plan_sequentially(renamed, g, images, exact, nn::calibration_options_of(exact)), PlanError);
  Plan per_channel = plan;
  per_channel.sites[0].approximation.channels.resize(3, per_channel.sites[0].approximation.stages[0]);
  EXPECT_THROW(refit_plan_sequentially(per_channel, g, images, exact, nn::calibration_options_of(exact)), PlanError);
  Plan shorter = plan;
  shorter.sites.pop_back();
  EXPECT_THROW(refit_plan_sequentially(shorter, g, images, exact, nn::calibration_options_of(exact)), PlanError);
}

}  // namespace
}  // namespace ola::opt
