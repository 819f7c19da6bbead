// Distributions, their quadrature and the histogram JSON format (see distribution.h).
#include "approx/distribution.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "approx/fit_error.h"

namespace ola::approx {

Distribution Distribution::uniform(double lo, double hi, std::size_t bins) {
  if (bins == 0) throw FitError(ola::mismatch("Distribution::uniform", "bins", ">= 1", 0));
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
    throw FitError(ola::mismatch("Distribution::uniform", "[lo, hi]", "finite with lo < hi",
                                 "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]"));
  }
  std::vector<double> edges(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i) edges[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(bins);
  edges.back() = hi;
  return histogram(std::move(edges), std::vector<double>(bins, 1.0));
}

Distribution Distribution::histogram(std::vector<double> edges, std::vector<double> counts) {
  const char* where = "Distribution::histogram";
  if (counts.empty()) throw FitError(ola::mismatch(where, "counts.size()", ">= 1", 0));
  if (edges.size() != counts.size() + 1) {
    throw FitError(ola::mismatch(where, "edges.size()", counts.size() + 1, edges.size()));
  }
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (!std::isfinite(edges[i])) {
      throw FitError(ola::mismatch(where, "edges[" + std::to_string(i) + "]", "finite", edges[i]));
    }
    if (i > 0 && !(edges[i] > edges[i - 1])) {
      throw FitError(ola::mismatch(where, "edges[" + std::to_string(i) + "]",
                                   "> " + std::to_string(edges[i - 1]), edges[i]));
    }
  }
  double total = 0.0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (!std::isfinite(counts[i]) || counts[i] < 0.0) {
      throw FitError(ola::mismatch(where, "counts[" + std::to_string(i) + "]", "finite >= 0", counts[i]));
    }
    total += counts[i];
  }
  if (!(total > 0.0)) throw FitError(ola::mismatch(where, "total count", "> 0", total));
  Distribution d;
  d.edges = std::move(edges);
  d.counts = std::move(counts);
  return d;
}

Distribution Distribution::from_samples(std::vector<double> samples) {
  const char* where = "Distribution::from_samples";
  if (samples.empty()) throw FitError(ola::mismatch(where, "samples.size()", ">= 2", 0));
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!std::isfinite(samples[i])) {
      throw FitError(ola::mismatch(where, "samples[" + std::to_string(i) + "]", "finite", samples[i]));
    }
  }
  const auto [mn, mx] = std::minmax_element(samples.begin(), samples.end());
  if (*mn == *mx) {
    throw FitError(ola::mismatch(where, "distinct values", ">= 2", "1 (all samples = " + std::to_string(*mn) + ")"));
  }
  Distribution d;
  d.samples = std::move(samples);
  return d;
}

std::vector<WeightedPoint> quadrature(const Distribution& d, double lo, double hi) {
  if (!(lo < hi)) {
    throw FitError(ola::mismatch("quadrature", "interval", "lo < hi",
                                 "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]"));
  }
  std::vector<WeightedPoint> pts;
  if (d.is_histogram()) {
    // 3-point Gauss-Legendre on [-1, 1]: nodes 0, +-sqrt(3/5); weights 8/9, 5/9 (sum 2).
    const double node = std::sqrt(0.6);
    const double gx[3] = {-node, 0.0, node};
    const double gw[3] = {5.0 / 18.0, 8.0 / 18.0, 5.0 / 18.0};
    for (std::size_t i = 0; i < d.counts.size(); ++i) {
      const double a = std::max(lo, d.edges[i]), b = std::min(hi, d.edges[i + 1]);
      if (!(b > a) || d.counts[i] == 0.0) continue;
      const double mass = d.counts[i] * (b - a) / (d.edges[i + 1] - d.edges[i]);
      for (int k = 0; k < 3; ++k) pts.push_back({0.5 * (a + b) + 0.5 * (b - a) * gx[k], mass * gw[k]});
    }
  } else {
    for (double x : d.samples) {
      if (x >= lo && x <= hi) pts.push_back({x, 1.0});
    }
  }
  double total = 0.0;
  for (const auto& p : pts) total += p.w;
  if (!(total > 0.0)) {
    throw FitError(ola::mismatch("quadrature", "weight inside [" + std::to_string(lo) + ", " +
                                 std::to_string(hi) + "]", "> 0", 0));
  }
  for (auto& p : pts) p.w /= total;
  return pts;
}

Distribution histogram_from_json(const nlohmann::json& j, const std::string& where) {
  auto numbers = [&](const char* field) {
    if (!j.is_object() || !j.contains(field) || !j[field].is_array()) {
      throw FormatError(ola::mismatch(where, field, "an array of numbers", j.is_object() && j.contains(field) ? j[field].type_name() : "missing"));
    }
    std::vector<double> v;
    for (const auto& e : j[field]) {
      if (!e.is_number()) throw FormatError(ola::mismatch(where, std::string(field) + "[]", "a number", e.type_name()));
      v.push_back(e.get<double>());
    }
    return v;
  };
  return Distribution::histogram(numbers("edges"), numbers("counts"));
}

Distribution read_histogram_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw FormatError(ola::mismatch(path.string(), "file", "readable", "cannot open"));
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(ola::mismatch(path.string(), "json", "valid JSON", e.what()));
  }
  return histogram_from_json(j, path.string());
}

}  // namespace ola::approx
