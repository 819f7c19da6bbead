#include "ola/uniform_fits.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ola/candidates.h"
#include "ola/plan_error.h"

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

}  // namespace
}  // namespace ola::opt
