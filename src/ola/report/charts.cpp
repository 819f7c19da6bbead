#include "ola/report/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ola/report/svg.h"

namespace ola::opt {

namespace {
std::string seconds_label(double s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}
}  // namespace

std::string pareto_svg(const std::vector<FrontPoint>& front, const Plan& plan) {
  svg::Svg s;
  s.width = 800;  // room for the longest legend label (uniform_relu_alpha13_on_n16-deep)
  s.height = 420;
  double xmax = plan.budget * 1.2, ymax = plan.totals.predicted_ms / 1000.0;
  for (const auto& p : front) {
    xmax = std::max(xmax, p.loss_points);
    ymax = std::max(ymax, p.seconds);
  }
  for (const auto& b : plan.baselines) {
    if (b.feasible) ymax = std::max(ymax, b.totals.predicted_ms / 1000.0);
  }
  svg::Axes a;
  a.width = 460;
  std::tie(a.xmin, a.xmax) = svg::nice_range(0.0, xmax);
  std::tie(a.ymin, a.ymax) = svg::nice_range(0.0, ymax * 1.05);
  svg::draw_axes(s, a, "predicted top-1 loss (points)", "predicted time (s)", "Pareto front: time vs accuracy loss");
  std::vector<std::pair<double, double>> stairs;
  for (std::size_t i = 0; i < front.size(); ++i) {
    if (i > 0) stairs.push_back({a.px(front[i].loss_points), a.py(front[i - 1].seconds)});
    stairs.push_back({a.px(front[i].loss_points), a.py(front[i].seconds)});
  }
  if (!front.empty()) stairs.push_back({a.px(a.xmax), a.py(front.back().seconds)});
  svg::polyline(s, stairs, "#1f77b4");
  for (const auto& p : front) svg::circle(s, a.px(p.loss_points), a.py(p.seconds), 2, "#1f77b4");
  svg::line(s, a.px(plan.budget), a.top, a.px(plan.budget), a.top + a.height, "#888", 1, "4,3");
  svg::text(s, a.px(plan.budget) + 3, a.top + 12, "budget " + std::to_string(plan.budget).substr(0, 4), 10);
  svg::circle(s, a.px(plan.totals.predicted_loss), a.py(plan.totals.predicted_ms / 1000.0), 5, "#d62728", "OLA plan");
  double legend_y = a.top + 10;
  auto legend = [&](const std::string& color, const std::string& label) {
    svg::rect(s, a.left + a.width + 10, legend_y - 8, 10, 10, color);
    svg::text(s, a.left + a.width + 24, legend_y, label, 10);
    legend_y += 16;
  };
  legend("#1f77b4", "front (min time per loss)");
  legend("#d62728", "OLA plan");
  const std::vector<std::string> colors = {"#2ca02c", "#9467bd", "#8c564b", "#ff7f0e"};
  for (std::size_t i = 0; i < plan.baselines.size(); ++i) {
    const Baseline& b = plan.baselines[i];
    if (!b.feasible) continue;
    const std::string c = colors[i % colors.size()];
    const double y = a.py(b.totals.predicted_ms / 1000.0);
    if (b.totals.predicted_loss > 0.0 && b.totals.predicted_loss <= a.xmax) {
      svg::rect(s, a.px(b.totals.predicted_loss) - 5, y - 5, 10, 10, c, b.description);
    } else {
      svg::line(s, a.left, y, a.left + a.width, y, c, 1, "6,3");
    }
    legend(c, b.name);
  }
  return svg::to_string(s);
}

std::string site_svg(const nn::SiteStatistics& st, const PlanSite& site) {
  svg::Svg s;
  // A per-channel approximation is drawn by its site-wide fit (stages[0], fitted on the whole
  // site's distribution alongside the channels' own polynomials).
  approx::Approximation ap = site.approximation;
  const std::size_t channels = ap.channels.size();
  ap.channels.clear();
  const double lo = std::min(ap.lo, st.min), hi = std::max(ap.hi, st.max);
  constexpr int kPoints = 400;
  double ymin = 0.0, ymax = 0.0;
  std::vector<double> xs(kPoints), exact(kPoints), poly(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    xs[static_cast<std::size_t>(i)] = ap.lo + (ap.hi - ap.lo) * i / (kPoints - 1.0);
    exact[static_cast<std::size_t>(i)] = approx::activation_value(st.activation, xs[static_cast<std::size_t>(i)]);
    poly[static_cast<std::size_t>(i)] = approx::evaluate(ap, xs[static_cast<std::size_t>(i)]);
    ymin = std::min({ymin, exact[static_cast<std::size_t>(i)], poly[static_cast<std::size_t>(i)]});
    ymax = std::max({ymax, exact[static_cast<std::size_t>(i)], poly[static_cast<std::size_t>(i)]});
  }
  svg::Axes a;
  std::tie(a.xmin, a.xmax) = svg::nice_range(lo, hi);
  std::tie(a.ymin, a.ymax) = svg::nice_range(ymin, ymax);
  svg::draw_axes(s, a, "input x", "activation", site.name + ": " + site.approximation.label());
  // Histogram, scaled to the plot height (its own scale, not the y axis).
  if (!st.histogram.empty()) {
    const double peak = static_cast<double>(*std::max_element(st.histogram.begin(), st.histogram.end()));
    const std::size_t n = st.histogram.size();
    const std::size_t group = std::max<std::size_t>(1, n / 128);  // at most ~128 bars
    for (std::size_t i = 0; i < n; i += group) {
      double c = 0;
      for (std::size_t k = i; k < std::min(n, i + group); ++k) c = std::max(c, static_cast<double>(st.histogram[k]));
      const double x0 = st.min + (st.max - st.min) * static_cast<double>(i) / static_cast<double>(n);
      const double x1 = st.min + (st.max - st.min) * static_cast<double>(std::min(n, i + group)) / static_cast<double>(n);
      const double h = peak > 0 ? std::sqrt(c / peak) * a.height : 0.0;  // sqrt scale shows the tails
      svg::rect(s, a.px(x0), a.top + a.height - h, a.px(x1) - a.px(x0), h, "#c6dbef");
    }
  }
  std::vector<std::pair<double, double>> pe, pp;
  for (int i = 0; i < kPoints; ++i) {
    pe.push_back({a.px(xs[static_cast<std::size_t>(i)]), a.py(exact[static_cast<std::size_t>(i)])});
    pp.push_back({a.px(xs[static_cast<std::size_t>(i)]), a.py(poly[static_cast<std::size_t>(i)])});
  }
  svg::polyline(s, pe, "black", 1.5);
  svg::polyline(s, pp, "#d62728", 1.5);
  svg::text(s, a.left + 8, a.top + 14,
            channels == 0 ? std::string("blue: input histogram (sqrt scale); black: exact; red: chosen")
                          : "blue: input histogram (sqrt scale); black: exact; red: the site-wide fit of the chosen " +
                                std::to_string(channels) + " per-channel polynomials",
            10);
  return svg::to_string(s);
}

std::string time_svg(const Plan& plan) {
  svg::Svg s;
  std::vector<const PlanStep*> steps;
  double ymax = 0.0;
  for (const auto& st : plan.steps) {
    if (st.ms > 0.0) {
      steps.push_back(&st);
      ymax = std::max(ymax, st.ms / 1000.0);
    }
  }
  s.width = std::max(640.0, 120.0 + 9.0 * static_cast<double>(steps.size()));
  svg::Axes a;
  a.width = s.width - 120;
  a.xmin = 0;
  a.xmax = 5.0 * std::ceil(std::max<double>(1.0, static_cast<double>(steps.size())) / 5.0);  // integer ticks
  std::tie(a.ymin, a.ymax) = svg::nice_range(0.0, ymax);
  svg::draw_axes(s, a, "step (main path order)", "predicted time (s)", "Predicted time per step and kind");
  const double bw = a.width / a.xmax;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PlanStep& st = *steps[i];
    const double boot = st.bootstrap_ms;
    const double own = st.ms - boot;
    const double x = a.px(static_cast<double>(i)) + bw * 0.1;
    const double y_boot = a.py(boot / 1000.0);
    svg::rect(s, x, y_boot, bw * 0.8, a.py(0) - y_boot, "#7f7f7f", st.name + ": bootstrap");
    const double y_own = a.py((boot + own) / 1000.0);
    svg::rect(s, x, y_own, bw * 0.8, y_boot - y_own, st.kind == StepKind::activation ? "#d62728" : "#1f77b4",
              st.name + ": " + seconds_label(own / 1000.0));
  }
  svg::text(s, a.left, a.top - 6, "grey: bootstrap; red: activation polynomial; blue: linear layer / add", 10);
  return svg::to_string(s);
}

}  // namespace ola::opt
