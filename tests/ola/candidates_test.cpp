#include "ola/candidates.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ola/plan_error.h"

namespace ola::opt {
namespace {

// A ReLU site whose inputs are ~N(0.5, 1) clipped to [-3, 4], as a 64-bin histogram.
nn::SiteStatistics site() {
  nn::SiteStatistics s;
  s.site = 0;
  s.name = "relu_0";
  s.activation = approx::Activation::relu;
  s.min = -3.0;
  s.max = 4.0;
  s.histogram.resize(64);
  for (int i = 0; i < 64; ++i) {
    const double x = s.min + (s.max - s.min) * (i + 0.5) / 64.0;
    s.histogram[static_cast<std::size_t>(i)] = static_cast<std::uint64_t>(1e5 * std::exp(-0.5 * (x - 0.5) * (x - 0.5)));
    s.count += s.histogram[static_cast<std::size_t>(i)];
  }
  return s;
}

TEST(Candidates, IntervalIsRangePlusMargin) {
  const auto [lo, hi] = site_interval(site(), 0.1);
  EXPECT_DOUBLE_EQ(lo, -3.7);
  EXPECT_DOUBLE_EQ(hi, 4.7);
  nn::SiteStatistics empty = site();
  empty.count = 0;
  EXPECT_THROW(site_interval(empty, 0.1), PlanError);
  EXPECT_THROW(site_interval(site(), -0.1), PlanError);
}

TEST(Candidates, WlsAndCompositeWithCountsFromApprox) {
  CandidateSettings cs;
  EXPECT_DOUBLE_EQ(cs.margin, 0.2);  // the documented default (docs/optimizer.md, "Range margin")
  cs.margin = 0.05;
  cs.wls_degrees = {2, 3, 7, 15};
  cs.alphas = {7, 13};
  const auto c = make_candidates(site(), cs);
  ASSERT_EQ(c.size(), 6U);
  double prev_mse = 1e300;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(c[static_cast<std::size_t>(i)].kind, approx::Kind::wls);
    EXPECT_EQ(c[static_cast<std::size_t>(i)].degree(), cs.wls_degrees[static_cast<std::size_t>(i)]);
    EXPECT_GT(c[static_cast<std::size_t>(i)].counts.depth, 0);
    EXPECT_LT(c[static_cast<std::size_t>(i)].metrics.weighted_mse, prev_mse);  // more degree, less error
    prev_mse = c[static_cast<std::size_t>(i)].metrics.weighted_mse;
    EXPECT_DOUBLE_EQ(c[static_cast<std::size_t>(i)].lo, -3.35);
  }
  // Published depths (docs/method.md): degree 7 -> 3, degree 15 -> 4.
  EXPECT_EQ(c[2].counts.depth, 3);
  EXPECT_EQ(c[3].counts.depth, 4);
  EXPECT_EQ(c[4].kind, approx::Kind::composite_relu);
  EXPECT_EQ(c[5].alpha, 13);
  EXPECT_GT(c[5].counts.depth, c[4].counts.depth);
  EXPECT_GT(c[5].metrics.weighted_mse, 0.0);
  EXPECT_LT(c[5].metrics.weighted_mse, c[4].metrics.weighted_mse);
}

TEST(Candidates, PerChannelWlsCandidatesFitEachChannelOnItsOwnInterval) {
  // Two channels: one on the lower half of the site's range, one on the upper half.
  nn::SiteStatistics s = site();
  s.channel_histograms.assign(2, std::vector<std::uint64_t>(64, 0));
  for (int i = 0; i < 64; ++i) s.channel_histograms[i < 32 ? 0 : 1][static_cast<std::size_t>(i)] = s.histogram[static_cast<std::size_t>(i)];
  CandidateSettings cs;
  cs.margin = 0.0;
  cs.wls_degrees = {3};
  cs.alphas = {};
  cs.per_channel_degrees = {2, 3};
  const auto c = make_candidates(s, cs);
  ASSERT_EQ(c.size(), 3U);
  EXPECT_FALSE(c[0].has_channel_polys());
  for (std::size_t i : {1U, 2U}) {
    EXPECT_EQ(c[i].kind, approx::Kind::wls);
    ASSERT_TRUE(c[i].has_channel_polys());
    EXPECT_EQ(c[i].channels.size(), 2U);
    EXPECT_EQ(c[i].degree(), cs.per_channel_degrees[i - 1]);
    EXPECT_DOUBLE_EQ(c[i].channels[0].lo, -3.0);  // channel 0's inputs span [-3, 0.5]
    EXPECT_DOUBLE_EQ(c[i].channels[1].hi, 4.0);
    EXPECT_LE(approx::per_channel_error_gain(c[i], approx::ChannelBasis::site_interval),
              approx::kMaxPerChannelErrorGain);
  }
  // Same degree, same counts; each channel's own narrower interval fits better than the site's.
  EXPECT_EQ(c[2].counts.depth, c[0].counts.depth);
  EXPECT_LT(c[2].metrics.weighted_mse, c[0].metrics.weighted_mse);
  // A channel on 1/16 of the site's range around ReLU's kink needs coefficients ~16^7 on the site's interval at
  // degree 7: CKKS could not evaluate it precisely, so it is not offered.
  nn::SiteStatistics narrow = s;
  narrow.channel_histograms.assign(2, std::vector<std::uint64_t>(64, 0));
  for (int i = 0; i < 64; ++i) {
    narrow.channel_histograms[i >= 26 && i < 30 ? 0 : 1][static_cast<std::size_t>(i)] = s.histogram[static_cast<std::size_t>(i)];
  }
  cs.per_channel_degrees = {7};
  EXPECT_EQ(make_candidates(narrow, cs).size(), 1U);
  // Where the layers before the site map each channel onto its own interval, it is offered.
  cs.channel_basis = approx::ChannelBasis::own_interval;
  const auto own = make_candidates(narrow, cs);
  ASSERT_EQ(own.size(), 2U);
  EXPECT_GT(approx::per_channel_error_gain(own[1], approx::ChannelBasis::site_interval),
            approx::kMaxPerChannelErrorGain);
  EXPECT_LE(approx::per_channel_error_gain(own[1], approx::ChannelBasis::own_interval),
            approx::kMaxPerChannelErrorGain);
  cs.channel_basis = approx::ChannelBasis::site_interval;
  // A floor on a channel's width: channel 0 (4 of 64 bins) widened about its centre to half the
  // site's interval; channel 1, wider already, kept; inside the site's interval either way.
  const auto plain = channel_distributions(narrow, cs.margin);
  const auto floored = channel_distributions(narrow, cs.margin, 0.5);
  const auto [site_lo, site_hi] = site_interval(narrow, cs.margin);
  EXPECT_LT(plain[0].hi - plain[0].lo, 0.2 * (site_hi - site_lo));
  EXPECT_NEAR(floored[0].hi - floored[0].lo, 0.5 * (site_hi - site_lo), 1e-12);
  EXPECT_NEAR(floored[0].lo + floored[0].hi, plain[0].lo + plain[0].hi, 1e-12);
  EXPECT_DOUBLE_EQ(floored[1].lo, plain[1].lo);
  EXPECT_DOUBLE_EQ(floored[1].hi, plain[1].hi);
  const auto whole = channel_distributions(narrow, cs.margin, 1.0);
  EXPECT_DOUBLE_EQ(whole[0].lo, site_lo);
  EXPECT_DOUBLE_EQ(whole[0].hi, site_hi);
  cs.channel_min_width = 0.5;
  cs.channel_basis = approx::ChannelBasis::own_interval;
  const auto wide = make_candidates(narrow, cs);
  ASSERT_EQ(wide.size(), 2U);
  EXPECT_NEAR(wide[1].channels[0].hi - wide[1].channels[0].lo, 0.5 * (site_hi - site_lo), 1e-12);
  cs.channel_min_width = 0.0;
  cs.channel_basis = approx::ChannelBasis::site_interval;
  // Asked for without per-channel histograms: refused, naming the calibration option.
  try {
    make_candidates(site(), cs);
    FAIL() << "no error";
  } catch (const PlanError& e) {
    EXPECT_NE(std::string(e.what()).find("--channel-bins"), std::string::npos) << e.what();
  }
}

TEST(Candidates, DepthFilterAndGeluHasNoComposite) {
  CandidateSettings cs;
  cs.wls_degrees = {3, 7, 31};
  cs.alphas = {13};
  cs.max_depth = 4;
  auto c = make_candidates(site(), cs);
  ASSERT_EQ(c.size(), 2U);  // degree 31 (depth 5) and alpha 13 (depth 14) dropped
  nn::SiteStatistics g = site();
  g.activation = approx::Activation::gelu;
  cs.max_depth = 1 << 20;
  c = make_candidates(g, cs);
  EXPECT_EQ(c.size(), 3U);
  cs.max_depth = 1;
  EXPECT_THROW(make_candidates(g, cs), PlanError);
}

}  // namespace
}  // namespace ola::opt
