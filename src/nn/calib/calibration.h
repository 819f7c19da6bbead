// Calibration: statistics of every activation site's input over a dataset (min, max, mean,
// quantiles, a histogram over [min, max] and a reservoir sample), the distribution OLA fits and
// ranges its polynomials on.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "approx/approximation.h"
#include "nn/exec/executor.h"
#include "nn/ir/graph.h"
#include "util/progress.h"

namespace ola::nn {

/// Quantile levels recorded per site.
inline constexpr std::array<double, 5> kQuantileLevels = {0.001, 0.01, 0.5, 0.99, 0.999};
inline constexpr std::size_t kDefaultReservoirSize = 20000;
inline constexpr int kDefaultHistogramBins = 2048;
/// Largest accepted histogram_bins (calibrate() allocates bins x kQuantileRefinement counters per
/// site; a file may not declare more either).
inline constexpr int kMaxHistogramBins = 1 << 20;
/// Quantiles are read from a histogram this many times finer than the stored one.
inline constexpr int kQuantileRefinement = 32;

struct CalibrationOptions {
  std::size_t reservoir_size = kDefaultReservoirSize;
  int histogram_bins = kDefaultHistogramBins;
  /// Seed of the reservoir generator (see Reservoir); site i uses this seed with i XORed into bytes
  /// 0..3. All zero by default, so calibration files are reproducible.
  std::array<std::uint8_t, 32> seed{};
  ExecOptions exec;
  /// Bins of each channel's histogram over the site's [min, max] (SiteStatistics::channel_histograms,
  /// for per-channel fits); 0 records none.
  int channel_histogram_bins = 0;
  /// Sites to replace by their polynomials while calibrating (size: the graph's site count), so the
  /// statistics are those of the approximated model's inputs to each site (for refitting later
  /// sites on what earlier approximations feed them); nullptr: the exact model.
  const SiteReplacements* replacements = nullptr;
};

/// Input statistics of one activation site over all elements of all calibration images.
struct SiteStatistics {
  int site = 0;
  std::string name;   ///< ActivationSite::name
  approx::Activation activation = approx::Activation::relu;
  Shape shape;        ///< input shape, dim 0 = batch
  std::uint64_t count = 0;  ///< elements seen
  double min = 0, max = 0, mean = 0, stddev = 0;
  /// At kQuantileLevels; read from a histogram kQuantileRefinement times finer than `histogram`
  /// with linear interpolation inside a bin (error <= (max - min) / (bins * refinement)).
  std::array<double, kQuantileLevels.size()> quantiles{};
  std::vector<std::uint64_t> histogram;  ///< equal-width bins over [min, max]; sums to count
  std::vector<float> sample;             ///< uniform reservoir sample (size min(reservoir, count))
  /// Per input channel (dim 1 of shape): equal-width bins over the site's [min, max]; empty unless
  /// CalibrationOptions::channel_histogram_bins > 0.
  std::vector<std::vector<std::uint64_t>> channel_histograms{};
};

/// Where a calibration came from (filled by the caller, e.g. `ola calibrate`; empty otherwise).
struct CalibrationSource {
  std::string model_path, model_fingerprint;  ///< util/hash.h digest of the model file bytes
  std::string data_path, data_fingerprint;    ///< digest of the image records used
  std::array<float, 3> mean{}, std{};         ///< preprocessing of the images
  /// Set when calibrated with CalibrationOptions::replacements: the file they came from and the
  /// digest of its bytes; both empty for the exact model.
  std::string replacements_path, replacements_fingerprint;
};

/// Statistics of all sites. Thread safety: a plain value.
struct Calibration {
  CalibrationSource source;
  std::vector<SiteStatistics> sites;  ///< sites[i].site == i
  std::size_t images = 0;
  std::size_t reservoir_size = 0;
  int histogram_bins = 0;
  std::string seed_hex;  ///< CalibrationOptions::seed in hex
  int channel_histogram_bins = 0;  ///< 0: no per-channel histograms
};

/// Runs `images` [N, ...] through the model (exact, or with options.replacements) twice (pass 1: min, max, moments, reservoir;
/// pass 2: histograms) and returns every site's statistics. Progress stages "calibrate 1/2" and
/// "calibrate 2/2". Deterministic for given inputs and seed, whatever the thread count.
/// @throws ola::Error if images is empty or does not match the graph input, or if
///         histogram_bins is outside 1..kMaxHistogramBins or channel_histogram_bins outside
///         0..kMaxHistogramBins, or if options.replacements is non-null with a size other than
///         the site count, or if a site's inputs are not finite (with replacements: an earlier
///         polynomial diverged).
Calibration calibrate(const Graph& g, const Tensor& images, const CalibrationOptions& options = {},
                      const Progress& progress = {});

/// The options `c` was made with (reservoir size, histogram bins, per-channel bins, seed; execution
/// options and replacements default), so another calibration can be made the same way.
/// @throws ola::Error if c.seed_hex is not 64 hex digits.
CalibrationOptions calibration_options_of(const Calibration& c);

/// The q-quantile (0 <= q <= 1) of a histogram over [lo, hi], interpolating linearly in the bin.
/// @pre counts is non-empty with a positive sum.
double histogram_quantile(const std::vector<std::uint64_t>& counts, double lo, double hi, double q);

}  // namespace ola::nn
