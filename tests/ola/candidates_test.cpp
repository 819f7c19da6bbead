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
