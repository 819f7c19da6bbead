#include "nn/sim/metrics.h"

#include <cmath>
#include <limits>

#include "util/error.h"

namespace ola::nn {

std::vector<int> argmax_rows(const Tensor& logits) {
  const std::int64_t n = logits.shape.empty() ? 0 : logits.shape[0];
  const std::int64_t k = n ? logits.size() / n : 0;
  std::vector<int> out(static_cast<std::size_t>(n), -1);
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = logits.data.data() + i * k;
    int best = 0;
    bool bad = false;
    for (std::int64_t j = 0; j < k; ++j) {
      if (std::isnan(row[j])) bad = true;
      if (row[j] > row[best]) best = static_cast<int>(j);
    }
    out[static_cast<std::size_t>(i)] = bad ? -1 : best;
  }
  return out;
}

namespace {
std::vector<double> log_softmax(std::span<const float> x) {
  double m = -std::numeric_limits<double>::infinity();
  for (float v : x) m = std::max(m, static_cast<double>(v));
  double s = 0;
  for (float v : x) s += std::exp(v - m);
  const double lse = m + std::log(s);
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = x[i] - lse;
  return out;
}
}  // namespace

double kl_divergence(std::span<const float> p, std::span<const float> q) {
  OLA_CHECK(p.size() == q.size(), "kl_divergence: sizes " << p.size() << " and " << q.size());
  const auto lp = log_softmax(p), lq = log_softmax(q);
  double kl = 0;
  for (std::size_t i = 0; i < p.size(); ++i) kl += std::exp(lp[i]) * (lp[i] - lq[i]);
  return std::max(0.0, kl);
}

Metrics compare_logits(const Tensor& exact, const Tensor& approx, std::span<const int> labels) {
  if (exact.shape != approx.shape || exact.shape.size() != 2) {
    throw Error(ola::mismatch("compare_logits", "approx shape", to_string(exact.shape), to_string(approx.shape)));
  }
  const std::size_t n = static_cast<std::size_t>(exact.shape[0]);
  const std::size_t k = static_cast<std::size_t>(exact.shape[1]);
  if (!labels.empty() && labels.size() != n) throw Error(ola::mismatch("compare_logits", "labels", n, labels.size()));
  Metrics m;
  m.images = n;
  const auto pe = argmax_rows(exact), pa = argmax_rows(approx);
  double kl_sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::span<const float> re(exact.data.data() + i * k, k), ra(approx.data.data() + i * k, k);
    bool finite = true;
    for (float v : ra) finite = finite && std::isfinite(v);
    if (!finite) {
      ++m.nonfinite;
    } else {
      kl_sum += kl_divergence(re, ra);
    }
    if (!labels.empty() && pa[i] == labels[i]) ++m.correct;
    if (pa[i] == pe[i] && pa[i] >= 0) ++m.agree;
  }
  if (n) {
    m.top1 = labels.empty() ? 0.0 : static_cast<double>(m.correct) / static_cast<double>(n);
    m.agreement = static_cast<double>(m.agree) / static_cast<double>(n);
    m.mean_kl = m.nonfinite ? std::numeric_limits<double>::infinity() : kl_sum / static_cast<double>(n);
  }
  return m;
}

}  // namespace ola::nn
