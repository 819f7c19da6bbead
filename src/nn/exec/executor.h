// The float executor: runs a Graph on batches of images (OpenMP over images, im2col + OpenBLAS for
// convolutions), with hooks to observe or replace activation sites.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "approx/approximation.h"
#include "nn/ir/graph.h"
#include "util/progress.h"

namespace ola::nn {

/// Per-site replacement: entry i is for Graph::sites[i]; std::nullopt keeps the exact activation.
/// An empty vector means "all exact".
using SiteReplacements = std::vector<std::optional<approx::Approximation>>;

struct ExecOptions {
  std::size_t batch_size = 128;  ///< images per batch (memory ~ batch x largest live tensors)
  int threads = 0;               ///< OpenMP threads; 0: OpenMP default (OMP_NUM_THREADS or cores)
};

/// What a run does at activation sites.
struct RunHooks {
  /// Called with each site's input tensor [B, ...] of the current batch, before the activation is
  /// applied; from the calling thread, sites in topological order, batches in order (so
  /// deterministic whatever the thread count). May be empty.
  std::function<void(int site, const Tensor& input)> observe_site_input;
  /// Sites to replace by a polynomial (see SiteReplacements); nullptr: all exact.
  const SiteReplacements* replacements = nullptr;
};

/// Per-site counters accumulated over a run (sized to the site count by the run).
struct RunStats {
  std::vector<std::uint64_t> inputs;        ///< elements seen by each site
  std::vector<std::uint64_t> out_of_range;  ///< of which outside the replacement's [lo, hi]
};

/// Tensors of one batch by value id (constants are read from the Graph, never stored here).
using Env = std::vector<Tensor>;

/// Runs one batch `input` [B, ...] through the whole graph and returns the output [B, ...].
/// @param stats if non-null, counters are added to it (resized to the site count if smaller).
/// @throws ola::Error if input's shape (after dim 0) differs from the graph input's, or if
///         replacements is non-empty with a size other than the site count.
Tensor run_batch(const Graph& g, const Tensor& input, const RunHooks& hooks = {}, RunStats* stats = nullptr,
                 int threads = 0);

/// Runs all of `images` [N, ...] in batches of options.batch_size and returns the outputs [N, ...].
/// Without an observer, batches run in parallel (one thread each); with observe_site_input they
/// run in order with each node parallel inside. Results do not depend on the thread count.
/// Reports progress per batch (stage "forward"; from one thread at a time).
/// @throws ola::Error as run_batch.
Tensor run_model(const Graph& g, const Tensor& images, const ExecOptions& options = {},
                 const RunHooks& hooks = {}, RunStats* stats = nullptr, const Progress& progress = {});

/// Lower level, for partial (suffix) runs: runs `nodes` (indices into g.nodes, ascending) on `env`.
/// Every data input of those nodes must be in env (non-empty) or be produced by an earlier listed
/// node. A value is freed after its last use among `nodes` unless it is in `keep`.
/// @pre env.size() == g.values.size().
void run_nodes(const Graph& g, Env& env, std::span<const int> nodes, std::span<const int> keep,
               const RunHooks& hooks, RunStats* stats, int threads);

}  // namespace ola::nn
