// The empirical input distribution of an activation (samples or a histogram) and its quadrature.
//
// Histogram JSON (accepted by read_histogram_json and `ola approx --dist FILE`):
//   {"edges": [e_0, e_1, ..., e_n], "counts": [c_0, ..., c_{n-1}]}
// with strictly increasing finite edges and non-negative counts; bin i holds weight c_i spread
// uniformly over [e_i, e_{i+1}].
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ola::approx {

/// Samples (equal weights) or a histogram (edges + counts); exactly one of the two is set.
/// Invariant (after the factory functions): valid and non-degenerate.
/// Thread safety: an immutable value; concurrent reads are safe.
struct Distribution {
  std::vector<double> edges;    ///< histogram: n + 1 strictly increasing edges
  std::vector<double> counts;   ///< histogram: n non-negative counts, not all zero
  std::vector<double> samples;  ///< samples: at least two distinct finite values

  bool is_histogram() const { return !edges.empty(); }

  /// @throws FitError if edges.size() != counts.size() + 1, counts is empty, an edge is not
  ///         finite or edges are not strictly increasing, a count is negative or not finite, or all
  ///         counts are zero.
  static Distribution histogram(std::vector<double> edges, std::vector<double> counts);
  /// The uniform distribution on [lo, hi] as `bins` equal bins of equal count, so a fit against it
  /// is a continuous least-squares fit (3 Gauss nodes a bin), not one against 3 nodes in all.
  /// @throws FitError if lo/hi are not finite with lo < hi, or bins is 0.
  static Distribution uniform(double lo, double hi, std::size_t bins = kUniformBins);
  static constexpr std::size_t kUniformBins = 2048;
  /// @throws FitError if samples is empty, holds a non-finite value, or has fewer than two
  ///         distinct values.
  static Distribution from_samples(std::vector<double> samples);
};

/// A quadrature node: f is integrated against the distribution as sum_i w_i f(x_i).
struct WeightedPoint {
  double x = 0.0;
  double w = 0.0;
};

/// Nodes and weights of the distribution restricted to [lo, hi], weights summing to 1: samples
/// inside [lo, hi] get equal weight; each histogram bin (clipped to [lo, hi]) becomes 3
/// Gauss-Legendre nodes carrying its count times the kept fraction of its width.
/// @throws FitError if lo >= hi or no weight lies inside [lo, hi].
std::vector<WeightedPoint> quadrature(const Distribution& d, double lo, double hi);

/// Parses {"edges": [...], "counts": [...]}. `where` names the source in errors.
/// @throws FormatError if the fields are missing or not arrays of numbers; FitError as histogram().
Distribution histogram_from_json(const nlohmann::json& j, const std::string& where);

/// Reads a histogram JSON file. @throws FormatError if unreadable or malformed; FitError as above.
Distribution read_histogram_json(const std::filesystem::path& path);

}  // namespace ola::approx
