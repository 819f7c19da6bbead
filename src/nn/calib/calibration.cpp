#include "nn/calib/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nn/calib/reservoir.h"
#include "util/error.h"

namespace ola::nn {
namespace {

std::string to_hex(const std::array<std::uint8_t, 32>& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (auto b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

/// The bin of v among `bins` equal bins starting at lo, `scale` bins per unit; values outside fall
/// into the first or last bin.
std::size_t bin_of(float v, double lo, double scale, std::size_t bins) {
  return std::min(static_cast<std::size_t>(std::max(0.0, (v - lo) * scale)), bins - 1);
}

}  // namespace

CalibrationOptions calibration_options_of(const Calibration& c) {
  CalibrationOptions o;
  o.reservoir_size = c.reservoir_size;
  o.histogram_bins = c.histogram_bins;
  o.channel_histogram_bins = c.channel_histogram_bins;
  const auto digit = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
  };
  const bool hex = c.seed_hex.size() == 2 * o.seed.size() &&
                   std::all_of(c.seed_hex.begin(), c.seed_hex.end(), [&](char ch) { return digit(ch) >= 0; });
  if (!hex) throw Error(ola::mismatch("calibration", "reservoir.seed", "64 lower-case hex digits", "'" + c.seed_hex + "'"));
  for (std::size_t i = 0; i < o.seed.size(); ++i) {
    o.seed[i] = static_cast<std::uint8_t>(digit(c.seed_hex[2 * i]) * 16 + digit(c.seed_hex[2 * i + 1]));
  }
  return o;
}

double histogram_quantile(const std::vector<std::uint64_t>& counts, double lo, double hi, double q) {
  std::uint64_t total = 0;
  for (auto c : counts) total += c;
  OLA_CHECK(total > 0 && !counts.empty(), "histogram_quantile: empty histogram");
  const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(total);
  const double width = (hi - lo) / static_cast<double>(counts.size());
  double cum = 0;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    const double c = static_cast<double>(counts[b]);
    if (c > 0 && cum + c >= target) return lo + width * (static_cast<double>(b) + (target - cum) / c);
    cum += c;
  }
  return hi;
}

Calibration calibrate(const Graph& g, const Tensor& images, const CalibrationOptions& options, const Progress& progress) {
  if (options.histogram_bins < 1 || options.histogram_bins > kMaxHistogramBins) {
    throw Error(ola::mismatch("calibrate", "histogram_bins", "1.." + std::to_string(kMaxHistogramBins),
                              options.histogram_bins));
  }
  if (options.channel_histogram_bins < 0 || options.channel_histogram_bins > kMaxHistogramBins) {
    throw Error(ola::mismatch("calibrate", "channel_histogram_bins", "0.." + std::to_string(kMaxHistogramBins),
                              options.channel_histogram_bins));
  }
  const std::size_t n_sites = g.sites.size();
  if (options.replacements != nullptr && options.replacements->size() != n_sites) {
    throw Error(ola::mismatch("calibrate", "replacements", std::to_string(n_sites) + " sites",
                              options.replacements->size()));
  }
  Calibration cal;
  cal.images = images.shape.empty() ? 0 : static_cast<std::size_t>(images.shape[0]);
  cal.reservoir_size = options.reservoir_size;
  cal.histogram_bins = options.histogram_bins;
  cal.seed_hex = to_hex(options.seed);
  cal.channel_histogram_bins = options.channel_histogram_bins;
  cal.sites.resize(n_sites);
  std::vector<Reservoir> reservoirs;
  std::vector<double> sum(n_sites, 0.0), sum_sq(n_sites, 0.0);
  for (std::size_t i = 0; i < n_sites; ++i) {
    auto& s = cal.sites[i];
    s.site = static_cast<int>(i);
    s.name = g.sites[i].name;
    s.activation = g.sites[i].activation;
    s.shape = g.value(g.nodes[static_cast<std::size_t>(g.sites[i].node)].inputs[0]).shape;
    s.min = std::numeric_limits<double>::infinity();
    s.max = -std::numeric_limits<double>::infinity();
    auto seed = options.seed;
    for (int k = 0; k < 4; ++k) seed[static_cast<std::size_t>(k)] ^= static_cast<std::uint8_t>(i >> (8 * k));
    reservoirs.emplace_back(options.reservoir_size, seed);
  }
  // Pass 1: extremes, moments, reservoir.
  RunHooks pass1;
  pass1.replacements = options.replacements;
  pass1.observe_site_input = [&](int site, const Tensor& x) {
    const auto u = static_cast<std::size_t>(site);
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    double s1 = 0, s2 = 0;
    std::int64_t nonfinite = 0;
    const float* p = x.data.data();
    const std::int64_t n = x.size();
#pragma omp parallel for reduction(min : lo) reduction(max : hi) reduction(+ : s1, s2, nonfinite) schedule(static) if (n > 65536)
    for (std::int64_t k = 0; k < n; ++k) {
      nonfinite += std::isfinite(p[k]) ? 0 : 1;
      lo = std::min(lo, p[k]);
      hi = std::max(hi, p[k]);
      s1 += p[k];
      s2 += static_cast<double>(p[k]) * p[k];
    }
    auto& st = cal.sites[u];
    if (nonfinite > 0) {
      throw Error(ola::mismatch("calibrate: site " + st.name, "inputs",
                                options.replacements != nullptr
                                    ? "finite values (with the replacements in place: an earlier polynomial diverges)"
                                    : "finite values",
                                std::to_string(nonfinite) + " non-finite in a batch"));
    }
    st.min = std::min<double>(st.min, lo);
    st.max = std::max<double>(st.max, hi);
    st.count += static_cast<std::uint64_t>(n);
    sum[u] += s1;
    sum_sq[u] += s2;
    reservoirs[u].add(x.data);
  };
  auto stage = [&](std::string_view name) -> Progress {
    if (!progress) return {};
    return [&progress, name](std::size_t done, std::size_t total, std::string_view) { progress(done, total, name); };
  };
  run_model(g, images, options.exec, pass1, nullptr, stage("calibrate 1/2"));
  // Pass 2: fine histograms over [min, max].
  const std::size_t fine_bins = static_cast<std::size_t>(options.histogram_bins) * kQuantileRefinement;
  std::vector<std::vector<std::uint64_t>> fine(n_sites, std::vector<std::uint64_t>(fine_bins, 0));
  const auto channel_bins = static_cast<std::size_t>(options.channel_histogram_bins);
  if (channel_bins > 0) {
    for (auto& s : cal.sites) {
      const std::int64_t channels = s.shape.size() > 1 ? s.shape[1] : 1;
      s.channel_histograms.assign(static_cast<std::size_t>(channels), std::vector<std::uint64_t>(channel_bins, 0));
    }
  }
  RunHooks pass2;
  pass2.replacements = options.replacements;
  pass2.observe_site_input = [&](int site, const Tensor& x) {
    const auto u = static_cast<std::size_t>(site);
    const double lo = cal.sites[u].min, width = cal.sites[u].max - lo;
    const double scale = width > 0 ? static_cast<double>(fine_bins) / width : 0.0;
    auto& h = fine[u];
    for (float v : x.data) ++h[bin_of(v, lo, scale, fine_bins)];
    auto& per_channel = cal.sites[u].channel_histograms;
    if (per_channel.empty() || x.size() == 0) return;
    const std::size_t channels = per_channel.size();
    const std::size_t inner = x.data.size() / (static_cast<std::size_t>(x.shape[0]) * channels);
    const double channel_scale = width > 0 ? static_cast<double>(channel_bins) / width : 0.0;
    for (std::size_t k = 0; k < x.data.size(); ++k) {
      ++per_channel[(k / inner) % channels][bin_of(x.data[k], lo, channel_scale, channel_bins)];
    }
  };
  run_model(g, images, options.exec, pass2, nullptr, stage("calibrate 2/2"));
  for (std::size_t i = 0; i < n_sites; ++i) {
    auto& s = cal.sites[i];
    const double n = static_cast<double>(s.count);
    s.mean = sum[i] / n;
    s.stddev = std::sqrt(std::max(0.0, sum_sq[i] / n - s.mean * s.mean));
    for (std::size_t q = 0; q < kQuantileLevels.size(); ++q) {
      s.quantiles[q] = histogram_quantile(fine[i], s.min, s.max, kQuantileLevels[q]);
    }
    s.histogram.assign(static_cast<std::size_t>(options.histogram_bins), 0);
    for (std::size_t b = 0; b < fine_bins; ++b) s.histogram[b / kQuantileRefinement] += fine[i][b];
    s.sample = reservoirs[i].sample();
  }
  return cal;
}

}  // namespace ola::nn
