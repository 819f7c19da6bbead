#include "approx/wls.h"

#include <gtest/gtest.h>

#include <cmath>

#include "approx/chebyshev.h"
#include "approx/fit_error.h"
#include "approx/metrics.h"

namespace ola::approx {
namespace {

// N(0,1) as a fine histogram on [-10, 10] (bin masses from the normal CDF).
Distribution standard_normal(int bins = 20000) {
  std::vector<double> edges, counts;
  for (int i = 0; i <= bins; ++i) edges.push_back(-10.0 + 20.0 * i / bins);
  auto cdf = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  for (int i = 0; i < bins; ++i) counts.push_back(cdf(edges[static_cast<std::size_t>(i) + 1]) - cdf(edges[static_cast<std::size_t>(i)]));
  return Distribution::histogram(edges, counts);
}

// method.md check values for weight N(0,1), no uniform weight.
TEST(Wls, CheckValuesStandardNormal) {
  const Distribution n01 = standard_normal();
  const WlsOptions none{0.0};
  const auto relu = to_monomial(fit_wls(Activation::relu, 2, -10.0, 10.0, n01, none));
  ASSERT_EQ(relu.size(), 3u);
  EXPECT_NEAR(relu[0], 0.199471, 2e-6);
  EXPECT_NEAR(relu[1], 0.5, 2e-6);
  EXPECT_NEAR(relu[2], 0.199471, 2e-6);
  const auto gelu = to_monomial(fit_wls(Activation::gelu, 2, -10.0, 10.0, n01, none));
  EXPECT_NEAR(gelu[0], 0.070524, 2e-6);
  EXPECT_NEAR(gelu[1], 0.5, 2e-6);
  EXPECT_NEAR(gelu[2], 0.211571, 2e-6);
}

// Skewed data (shifted exponential quantiles, no RNG): WLS wins in weighted MSE against the
// minimax fit of the same degree on the same interval; minimax wins in max error.
TEST(Wls, BeatsMinimaxInWeightedMseOnSkewedData) {
  std::vector<double> s;
  for (int i = 0; i < 4000; ++i) s.push_back(-1.5 + -std::log(1.0 - (i + 0.5) / 4000.0) * 0.8);
  const Distribution d = Distribution::from_samples(s);
  for (Activation act : {Activation::gelu, Activation::relu, Activation::silu}) {
    for (int degree : {2, 3, 5}) {
      const Approximation w = make_wls(act, degree, -2.0, 8.0, d);
      const Approximation m = make_minimax(act, degree, -2.0, 8.0, &d);
      EXPECT_LT(w.metrics.weighted_mse, m.metrics.weighted_mse) << to_string(act) << " d=" << degree;
      EXPECT_LE(m.metrics.max_error, w.metrics.max_error * (1.0 + 1e-6)) << to_string(act) << " d=" << degree;
      EXPECT_EQ(w.counts.depth, degree == 2 ? 2 : degree == 3 ? 2 : 3);
    }
  }
}

TEST(Wls, SamplesAndHistogramAgree) {
  // The same uniform density on [0, 1] as samples (midpoints) and as a 100-bin histogram.
  std::vector<double> s, edges, counts;
  for (int i = 0; i < 20000; ++i) s.push_back((i + 0.5) / 20000.0);
  for (int i = 0; i <= 100; ++i) edges.push_back(i / 100.0);
  counts.assign(100, 7.0);
  const auto a = fit_wls(Activation::silu, 4, 0.0, 1.0, Distribution::from_samples(s));
  const auto b = fit_wls(Activation::silu, 4, 0.0, 1.0, Distribution::histogram(edges, counts));
  for (std::size_t k = 0; k < a.coeffs.size(); ++k) EXPECT_NEAR(a.coeffs[k], b.coeffs[k], 1e-7);
}

// With all data in a narrow band, the uniform weight keeps the polynomial bounded elsewhere.
TEST(Wls, UniformWeightBoundsTails) {
  std::vector<double> s;
  for (int i = 0; i < 500; ++i) s.push_back(-0.5 + i / 499.0);
  const Distribution d = Distribution::from_samples(s);
  const Approximation with = make_wls(Activation::gelu, 9, -8.0, 8.0, d);
  const Approximation without = make_wls(Activation::gelu, 9, -8.0, 8.0, d, WlsOptions{0.0});
  EXPECT_LT(with.metrics.max_error, 1.0);
  EXPECT_GT(without.metrics.max_error, 10.0 * with.metrics.max_error);
}

TEST(Wls, ChebyshevAndMonomialAgreeWhereStable) {
  std::vector<double> s;
  for (int i = 0; i < 3000; ++i) s.push_back(-4.0 + 8.0 * i / 2999.0);
  const Distribution d = Distribution::from_samples(s);
  for (int degree : {2, 3, 5, 8, 11}) {
    const ChebPoly p = fit_wls(Activation::gelu, degree, -4.0, 4.0, d);
    const auto m = to_monomial(p);
    for (double x = -4.0; x <= 4.0; x += 0.125) {
      EXPECT_NEAR(static_cast<double>(evaluate_monomial(m, x)), evaluate(p, x), 1e-10) << degree << " " << x;
    }
  }
}

TEST(Wls, BadInput) {
  const Distribution d = Distribution::histogram({-1.0, 0.0, 1.0}, {1.0, 2.0});
  EXPECT_THROW(fit_wls(Activation::relu, 3, 1.0, -1.0, d), FitError);       // inverted
  EXPECT_THROW(fit_wls(Activation::relu, 3, 0.0, 0.0, d), FitError);        // empty interval
  EXPECT_THROW(fit_wls(Activation::relu, 0, -1.0, 1.0, d), FitError);       // degree too low
  EXPECT_THROW(fit_wls(Activation::relu, 1000, -1.0, 1.0, d), FitError);    // degree too high
  EXPECT_THROW(fit_wls(Activation::relu, 3, 5.0, 6.0, d), FitError);        // no weight inside
  EXPECT_THROW(fit_wls(Activation::relu, 3, -1.0, 1.0, d, WlsOptions{-1.0}), FitError);
  EXPECT_THROW(fit_wls(Activation::relu, 3, -1.0, std::nan(""), d), FitError);
  // Rank deficient: two distinct samples cannot determine a cubic without uniform weight.
  const Distribution two = Distribution::from_samples({0.1, 0.2, 0.1});
  EXPECT_THROW(fit_wls(Activation::relu, 3, -1.0, 1.0, two, WlsOptions{0.0}), FitError);
  EXPECT_NO_THROW(fit_wls(Activation::relu, 3, -1.0, 1.0, two));
  try {
    fit_wls(Activation::relu, 0, -1.0, 1.0, d);
  } catch (const FitError& e) {
    EXPECT_NE(std::string(e.what()).find("fit_wls: degree: expected 1..255, got 0"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ola::approx

namespace ola::approx {
namespace {

// N(mu, sigma) as a histogram on [mu - 6 sigma, mu + 6 sigma].
Distribution normal(double mu, double sigma, int bins = 2000) {
  std::vector<double> edges, counts;
  for (int i = 0; i <= bins; ++i) edges.push_back(mu + sigma * (-6.0 + 12.0 * i / bins));
  auto cdf = [&](double x) { return 0.5 * std::erfc(-(x - mu) / (sigma * std::sqrt(2.0))); };
  for (int i = 0; i < bins; ++i) counts.push_back(cdf(edges[static_cast<std::size_t>(i) + 1]) - cdf(edges[static_cast<std::size_t>(i)]));
  return Distribution::histogram(edges, counts);
}

// Two channels with inputs around -1.5 and +1.5: each channel's own cubic fits its inputs far
// better than the site's cubic on the pooled inputs, and the per-channel approximation refuses to
// be evaluated without a channel index.
TEST(Wls, PerChannelCubicsFitEachChannelBetterThanTheSitesCubic) {
  const Distribution left = normal(-1.5, 0.4), right = normal(1.5, 0.4);
  // The site: both channels pooled, as one histogram on the union of their supports.
  std::vector<double> pooled_edges, pooled_counts;
  for (int i = 0; i <= 4000; ++i) pooled_edges.push_back(-4.5 + 9.0 * i / 4000);
  auto cdf = [](double x, double mu) { return 0.5 * std::erfc(-(x - mu) / (0.4 * std::sqrt(2.0))); };
  for (int i = 0; i < 4000; ++i) {
    const double a = pooled_edges[static_cast<std::size_t>(i)], b = pooled_edges[static_cast<std::size_t>(i) + 1];
    pooled_counts.push_back(cdf(b, -1.5) - cdf(a, -1.5) + cdf(b, 1.5) - cdf(a, 1.5));
  }
  const Distribution site = Distribution::histogram(pooled_edges, pooled_counts);
  const WlsOptions none{0.0};
  const Approximation a = make_wls_per_channel(Activation::gelu, 3, -4.5, 4.5, site,
                                               {{left, -3.9, 0.9, 1.0}, {right, -0.9, 3.9, 1.0}}, none);
  ASSERT_EQ(a.channels.size(), 2u);
  EXPECT_EQ(a.label(), "wls d=3 per-channel");
  const PerSlotOps ops = per_slot_ops(3);  // the counts of the executor's per-slot evaluation
  EXPECT_EQ(a.counts.depth, ops.depth);
  EXPECT_EQ(a.counts.nonscalar_mults, ops.ct_mults);
  EXPECT_EQ(a.counts.scalar_mults, ops.plain_mults + ops.const_mults);
  EXPECT_EQ(a.counts.additions, ops.adds + ops.plain_adds);
  EXPECT_THROW(evaluate(a, 0.5), FitError);
  const Approximation site_only = make_wls(Activation::gelu, 3, -4.5, 4.5, site, none);
  const Distribution* per[2] = {&left, &right};
  for (std::size_t c = 0; c < 2; ++c) {
    const Approximation ch = channel_approximation(a, c);
    EXPECT_EQ(ch.channels.size(), 0u);
    EXPECT_EQ(ch.stages.size(), 1u);
    const double own = error_metrics(ch, per[c]).weighted_mse;
    const double shared = error_metrics(site_only, per[c]).weighted_mse;
    EXPECT_LT(own * 20.0, shared) << "channel " << c << ": " << own << " vs " << shared;
  }
  EXPECT_LT(a.metrics.weighted_mse * 20.0, site_only.metrics.weighted_mse);
  EXPECT_THROW(channel_approximation(a, 2), FitError);
  EXPECT_THROW(make_wls_per_channel(Activation::gelu, 3, -4.5, 4.5, site, {}, none), FitError);
}

}  // namespace
}  // namespace ola::approx
