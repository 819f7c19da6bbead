// Fast per-site impact (hook (c) of the optimizer): run the exact model once, keep every tensor a
// suffix of the graph needs, then evaluate "site l replaced by candidate c, all other sites exact"
// by re-running only the nodes that depend on site l.
//
// Residual connections: the suffix of site l is the set of nodes that (transitively) read the
// site's output; the values they read that are not computed inside the suffix (the skip branch of a
// residual block, the site's own input, ...) are the suffix inputs, all cached from the exact run.
#pragma once

#include <span>
#include <vector>

#include "approx/approximation.h"
#include "nn/exec/executor.h"
#include "nn/sim/metrics.h"
#include "util/progress.h"

namespace ola::nn {

/// Nodes re-run when one site changes, and the cached values they read.
struct SuffixPlan {
  int site = -1;
  std::vector<int> nodes;   ///< ascending indices into Graph::nodes; nodes[0] is the site's node
  std::vector<int> inputs;  ///< data value ids read by `nodes` and computed outside them
};

/// The suffix of `site`. @pre 0 <= site < g.sites.size().
SuffixPlan plan_suffix(const Graph& g, int site);

/// Exact results of one image set plus the tensors the suffix plans read.
/// Memory: bytes() (about N x the sum of the cached activations per image; for ResNet-20 about
/// 1 MB per image). Invariant: values[v] is non-empty iff v is an input of some plan.
/// Thread safety: read-only after build; evaluate_site may be called from several threads at once
/// (each call runs its batches on options.threads OpenMP threads; use threads = 1 per call then).
struct SiteCache {
  std::vector<int> labels;
  Tensor exact_logits;               ///< [N, K]
  std::vector<SuffixPlan> plans;     ///< by site index (empty plan for sites not requested)
  std::vector<Tensor> values;        ///< by value id: full [N, ...] tensors of the exact run
  std::size_t bytes() const;
};

/// Runs `images` through the exact model once and caches what the suffixes of `sites` (empty: all
/// sites) read. Progress stage "cache".
/// @throws ola::Error as run_model, or for a site index out of range, or labels of size not 0 or N.
SiteCache build_site_cache(const Graph& g, const Tensor& images, std::span<const int> labels,
                           const ExecOptions& options = {}, std::span<const int> sites = {},
                           const Progress& progress = {});

/// Result of one (site, candidate) evaluation.
struct SiteImpact {
  Metrics metrics;                 ///< vs cache.labels and cache.exact_logits
  std::uint64_t inputs = 0;        ///< elements the site saw
  std::uint64_t out_of_range = 0;  ///< of which outside [candidate.lo, candidate.hi]
  Tensor logits;                   ///< [N, K] per-image logits with the candidate
};

/// Replaces `site` by `candidate` (every other site exact) and re-runs only the site's suffix on
/// the cached tensors, in batches of options.batch_size run in parallel (one thread each). Equal,
/// bit for bit, to simulate() with that single replacement and the same batch size.
/// @throws ola::Error if site is out of range, was not cached, or the candidate's activation
///         differs from the site's.
SiteImpact evaluate_site(const Graph& g, const SiteCache& cache, int site, const approx::Approximation& candidate,
                         const ExecOptions& options = {});

}  // namespace ola::nn
