#include "ola/report/charts.h"
#include "ola/report/svg.h"

#include <gtest/gtest.h>

namespace ola::opt {
namespace {

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

Plan plan() {
  Plan p;
  p.budget = 0.5;
  p.totals.predicted_ms = 200000;
  p.totals.predicted_loss = 0.4;
  p.totals.bootstraps = 1;
  p.totals.bootstrap_ms = 40000;
  p.steps.push_back({StepKind::linear, "conv<0>", -1, true, 10, 9, 50000, 40000});
  p.steps.push_back({StepKind::activation, "relu_0", 0, false, 9, 6, 3000, 0});
  p.steps.push_back({StepKind::skip_open, "skip", -1, false, 6, 6, 0, 0});
  Baseline b;
  b.name = "uniform_relu_alpha13";
  b.description = "a=13 & co";
  b.feasible = true;
  b.totals.predicted_ms = 800000;
  p.baselines.push_back(b);
  p.baselines.push_back({"uniform_wls", "none", false, {}, 0, ""});
  return p;
}

TEST(Svg, EscapesAndWellFormedDocument) {
  svg::Svg s;
  svg::text(s, 1, 2, "a<b & \"c\"");
  const std::string doc = svg::to_string(s);
  EXPECT_NE(doc.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos);
  EXPECT_EQ(doc.rfind("<svg", 0), 0U);
  EXPECT_NE(doc.find("</svg>"), std::string::npos);
  const auto [lo, hi] = svg::nice_range(0.013, 0.87);
  EXPECT_LE(lo, 0.013);
  EXPECT_GE(hi, 0.87);
  const auto [a, b] = svg::nice_range(2.0, 2.0);
  EXPECT_LT(a, b);
}

TEST(Charts, ParetoMarksPlanBudgetAndBaselines) {
  const std::vector<FrontPoint> front = {{0, 0.0, 500.0}, {10, 0.2, 300.0}, {40, 0.4, 200.0}};
  const std::string s = pareto_svg(front, plan());
  EXPECT_EQ(count(s, "<circle"), 3U + 1U);           // front points + the plan
  EXPECT_NE(s.find("<title>OLA plan</title>"), std::string::npos);
  EXPECT_NE(s.find("uniform_relu_alpha13"), std::string::npos);
  EXPECT_EQ(s.find(">uniform_wls<"), std::string::npos);  // infeasible: not drawn
  EXPECT_NE(s.find("stroke-dasharray"), std::string::npos);  // budget line
}

TEST(Charts, TimeBarsStackBootstrapOverOwnTime) {
  const std::string s = time_svg(plan());
  EXPECT_NE(s.find("conv&lt;0&gt;: bootstrap"), std::string::npos);
  EXPECT_NE(s.find("relu_0: 3.00 s"), std::string::npos);
  EXPECT_EQ(s.find("skip:"), std::string::npos);  // zero-time steps have no bar
}

TEST(Charts, SiteShowsHistogramExactAndPolynomial) {
  nn::SiteStatistics st;
  st.name = "relu_0";
  st.min = -2;
  st.max = 3;
  st.histogram = {1, 5, 9, 5, 1};
  PlanSite site;
  site.name = "relu_0";
  site.approximation.kind = approx::Kind::wls;
  site.approximation.lo = -2.5;
  site.approximation.hi = 3.5;
  site.approximation.stages = {{-2.5, 3.5, {0.5, 1.2, 0.6}}};
  const std::string s = site_svg(st, site);
  EXPECT_EQ(count(s, "<polyline"), 2U);
  EXPECT_GE(count(s, "fill=\"#c6dbef\""), 5U);
  EXPECT_NE(s.find("wls d=2"), std::string::npos);
  // A per-channel approximation (which approx::evaluate refuses element-wise) is drawn by its
  // site-wide fit, and the chart says so.
  site.approximation.channels = {{-2.5, 0.0, {0.1, 0.2, 0.3}}, {0.0, 3.5, {1.0, 1.1, 0.2}}};
  const std::string pc = site_svg(st, site);
  EXPECT_EQ(count(pc, "<polyline"), 2U);
  EXPECT_NE(pc.find("per-channel"), std::string::npos);
  EXPECT_NE(pc.find("site-wide fit of the chosen 2 per-channel polynomials"), std::string::npos);
}

}  // namespace
}  // namespace ola::opt
