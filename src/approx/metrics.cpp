// Error metrics (see metrics.h).
#include "approx/metrics.h"

#include <cmath>

#include "approx/compiled.h"

namespace ola::approx {

double max_error(const Approximation& a, int points) {
  const CompiledApproximation c = compile(a);
  std::vector<double> xs;
  xs.reserve(static_cast<std::size_t>(points) + 1);
  for (int i = 0; i < points; ++i) xs.push_back(a.lo + (a.hi - a.lo) * i / std::max(1, points - 1));
  if (a.lo < 0.0 && a.hi > 0.0) xs.push_back(0.0);
  std::vector<double> ys(xs.size());
  evaluate(c, xs, ys);
  double worst = 0.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    worst = std::max(worst, std::abs(activation_value(a.activation, xs[i]) - ys[i]));
  }
  return worst;
}

double weighted_mse(const Approximation& a, const Distribution& d) {
  const auto pts = quadrature(d, a.lo, a.hi);
  const CompiledApproximation c = compile(a);
  std::vector<double> xs(pts.size()), ys(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) xs[i] = pts[i].x;
  evaluate(c, xs, ys);
  double mse = 0.0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const double e = activation_value(a.activation, xs[i]) - ys[i];
    mse += pts[i].w * e * e;
  }
  return mse;
}

ErrorMetrics error_metrics(const Approximation& a, const Distribution* d) {
  ErrorMetrics m;
  m.max_error = max_error(a);
  m.weighted_mse = d ? weighted_mse(a, *d) : 0.0;
  return m;
}

}  // namespace ola::approx
