// Weighted least squares in the Chebyshev basis (see wls.h).
#include "approx/wls.h"

// Eigen3 (header-only) through its system path: ola_approx does not link Eigen3::Eigen yet.
#include <Eigen/Dense>

#include <cmath>
#include <numbers>
#include <string>

#include "approx/compiled.h"
#include "approx/fit_error.h"
#include "approx/metrics.h"
#include "approx/minimax.h"

namespace ola::approx {
namespace {

// Gauss-Legendre nodes/weights on [-1, 1] by Newton on P_n (Golub-Welsch not needed for n <= 600).
void gauss_legendre(int n, std::vector<double>& x, std::vector<double>& w) {
  x.assign(static_cast<std::size_t>(n), 0.0);
  w.assign(static_cast<std::size_t>(n), 0.0);
  for (int i = 0; i < n; ++i) {
    long double z = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5));
    long double dp = 1.0L;
    for (int it = 0; it < 100; ++it) {
      long double p0 = 1.0L, p1 = z;
      for (int k = 2; k <= n; ++k) {
        const long double p2 = ((2.0L * k - 1.0L) * z * p1 - (k - 1.0L) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (z * p1 - p0) / (z * z - 1.0L);
      const long double dz = p1 / dp;
      z -= dz;
      if (std::abs(dz) < 1e-19L) break;
    }
    x[static_cast<std::size_t>(i)] = static_cast<double>(z);
    w[static_cast<std::size_t>(i)] = static_cast<double>(2.0L / ((1.0L - z * z) * dp * dp));
  }
}

}  // namespace

ChebPoly fit_wls(Activation act, int degree, double lo, double hi, const Distribution& dist,
                 const WlsOptions& options) {
  const char* where = "fit_wls";
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
    throw FitError(ola::mismatch(where, "interval [lo, hi]", "finite lo < hi",
                                 "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]"));
  }
  if (degree < 1 || degree > kMaxDegree) {
    throw FitError(ola::mismatch(where, "degree", "1.." + std::to_string(kMaxDegree), degree));
  }
  if (!std::isfinite(options.uniform_weight) || options.uniform_weight < 0.0) {
    throw FitError(ola::mismatch(where, "uniform_weight", "finite >= 0", options.uniform_weight));
  }
  std::vector<WeightedPoint> pts = quadrature(dist, lo, hi);
  if (options.uniform_weight > 0.0) {
    std::vector<double> gx, gw;
    gauss_legendre(64 + 2 * (degree + 1), gx, gw);
    for (std::size_t i = 0; i < gx.size(); ++i) {
      // gw sums to 2 over [-1, 1]: total uniform weight lambda.
      pts.push_back({0.5 * (lo + hi) + 0.5 * (hi - lo) * gx[i], options.uniform_weight * gw[i] / 2.0});
    }
  }
  using Mat = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<long double, Eigen::Dynamic, 1>;
  const Eigen::Index rows = static_cast<Eigen::Index>(pts.size()), cols = degree + 1;
  Mat A(rows, cols);
  Vec b(rows);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const auto& p = pts[static_cast<std::size_t>(i)];
    const long double sw = std::sqrt(static_cast<long double>(p.w));
    const long double t = (2.0L * p.x - lo - hi) / (static_cast<long double>(hi) - lo);
    long double tkm1 = 1.0L, tk = t;
    A(i, 0) = sw;
    if (cols > 1) A(i, 1) = sw * t;
    for (Eigen::Index k = 2; k < cols; ++k) {
      const long double tn = 2.0L * t * tk - tkm1;
      A(i, k) = sw * tn;
      tkm1 = tk;
      tk = tn;
    }
    b(i) = sw * activation_value(act, p.x);
  }
  // Unit-norm columns, then column-pivoted QR.
  Vec scale(cols);
  for (Eigen::Index k = 0; k < cols; ++k) {
    const long double n = A.col(k).norm();
    scale(k) = n > 0 ? n : 1.0L;
    A.col(k) /= scale(k);
  }
  Eigen::ColPivHouseholderQR<Mat> qr(A);
  qr.setThreshold(1e-13L);
  if (qr.rank() < cols) {
    throw FitError(ola::mismatch(where, "rank of the weighted system (distinct points in [lo, hi])",
                                 ">= " + std::to_string(cols), qr.rank()));
  }
  const Vec c = qr.solve(b);
  ChebPoly out;
  out.lo = lo;
  out.hi = hi;
  for (Eigen::Index k = 0; k < cols; ++k) out.coeffs.push_back(static_cast<double>(c(k) / scale(k)));
  return out;
}

Approximation make_wls(Activation act, int degree, double lo, double hi, const Distribution& dist,
                       const WlsOptions& options) {
  Approximation a;
  a.activation = act;
  a.kind = Kind::wls;
  a.lo = lo;
  a.hi = hi;
  a.stages = {fit_wls(act, degree, lo, hi, dist, options)};
  fill_counts(a);
  a.metrics = error_metrics(a, &dist);
  return a;
}

Approximation make_wls_per_channel(Activation act, int degree, double lo, double hi, const Distribution& site,
                                   const std::vector<ChannelDistribution>& channels_in, const WlsOptions& options) {
  double total = 0.0;
  for (const auto& ch : channels_in) total += ch.weight;
  if (channels_in.empty() || !std::isfinite(total) || !(total > 0.0)) {
    throw FitError(ola::mismatch("make_wls_per_channel", "channel weights", "at least one channel, positive finite sum",
                                 std::to_string(channels_in.size()) + " channels, sum " + std::to_string(total)));
  }
  Approximation a = make_wls(act, degree, lo, hi, site, options);
  a.metrics.weighted_mse = 0.0;
  if (degree >= 2 && degree <= kMaxPerChannelDegree) {  // what the per-slot evaluation performs
    const PerSlotOps n = per_slot_ops(degree);
    a.counts = {n.depth, n.ct_mults, n.plain_mults + n.const_mults, n.adds + n.plain_adds};
  }
  a.channels.reserve(channels_in.size());
  for (std::size_t c = 0; c < channels_in.size(); ++c) {
    const ChannelDistribution& ch = channels_in[c];
    try {
      a.channels.push_back(fit_wls(act, degree, ch.lo, ch.hi, ch.dist, options));
    } catch (const FitError& e) {
      throw FitError("channel " + std::to_string(c) + ": " + e.what());
    }
    if (ch.weight > 0.0) {
      a.metrics.weighted_mse += ch.weight / total * error_metrics(channel_approximation(a, c), &ch.dist).weighted_mse;
    }
  }
  return a;
}

Approximation make_minimax(Activation act, int degree, double lo, double hi, const Distribution* dist) {
  Approximation a;
  a.activation = act;
  a.kind = Kind::minimax;
  a.lo = lo;
  a.hi = hi;
  a.stages = {fit_minimax(act, degree, lo, hi)};
  fill_counts(a);
  a.metrics = error_metrics(a, dist);
  return a;
}

}  // namespace ola::approx
