// Accuracy impact of each (activation site, candidate) pair (docs/method.md step 4): the loss when
// only that site uses the candidate and every other site is exact, measured by plaintext simulation
// on held-out calibration images through nn's suffix re-evaluation, and cached on disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "approx/approximation.h"
#include "nn/exec/executor.h"
#include "nn/ir/graph.h"
#include "util/progress.h"

namespace ola::opt {

/// Measured impact of one (site, candidate).
struct Impact {
  bool measured = false;        ///< false: skipped (see ImpactOptions::kl_cutoff), treat as unusable
  double mean_kl = 0.0;         ///< mean KL(softmax(exact) || softmax(approx)), nats
  double disagreement = 0.0;    ///< top-1 disagreement with the exact model, percentage points
  std::uint64_t inputs = 0;     ///< elements the site saw
  std::uint64_t out_of_range = 0;  ///< of which outside the candidate's [lo, hi]
};

/// [site][candidate]. Thread safety: a plain value.
using ImpactTable = std::vector<std::vector<Impact>>;

struct ImpactOptions {
  nn::ExecOptions exec;
  /// Candidates of one family (same kind) are measured from most to least expensive; once one has
  /// mean KL above this (nats), the cheaper ones of that family at that site are skipped (assumed
  /// worse: lower degree / precision on the same range). 0 disables skipping. The default is
  /// about 100x the KL budget of a 0.5-point budget on the CIFAR ResNets (docs/optimizer.md), so
  /// skipped candidates could never be chosen.
  double kl_cutoff = 0.02;
  /// Folder of the on-disk cache (created if missing); empty: no cache.
  std::filesystem::path cache_dir;
};

/// Stable fingerprint of a candidate (its JSON form).
std::string candidate_fingerprint(const approx::Approximation& a);

/// The cache key: binds model, calibration and held-out images.
std::string impact_cache_key(const std::string& model_fingerprint, const std::string& calibration_fingerprint,
                             const std::string& heldout_fingerprint);

/// Measures the impact of every candidates[site][c]. Entries found in the cache file
/// `<cache_dir>/impact-<key prefix>.json` are reused; the exact run and the suffix cache are built
/// only if something is missing, and the cache file is rewritten with the new entries.
/// Progress stage "impact".
/// @pre candidates.size() == g.sites.size(); every candidate's activation is its site's.
/// @throws ola::Error as nn::build_site_cache / nn::evaluate_site, or if the cache file exists but
///         is malformed (ola::FormatError naming it), or cannot be written.
ImpactTable measure_impacts(const nn::Graph& g, const nn::Tensor& heldout, std::span<const int> labels,
                            const std::vector<std::vector<approx::Approximation>>& candidates,
                            const std::string& cache_key, const ImpactOptions& options = {},
                            const Progress& progress = {});

}  // namespace ola::opt
