// Plaintext simulation of a model whose activation sites are replaced by polynomials, compared
// with the exact model (hooks (b) and (d) of the optimizer).
#pragma once

#include <span>

#include "nn/exec/executor.h"
#include "nn/sim/metrics.h"
#include "util/progress.h"

namespace ola::nn {

/// Exact and approximate outputs of one image set. Thread safety: a plain value.
struct SimulationResult {
  Tensor exact_logits;  ///< [N, K]
  Tensor logits;        ///< [N, K] with the replacements
  Metrics metrics;      ///< of `logits` against labels and exact_logits
  RunStats stats;       ///< per site: inputs seen, inputs outside the replacement's [lo, hi]
};

/// Runs `images` through the exact model and through the model with `replacements` (an empty or
/// all-nullopt list reuses the exact run), and compares them. Progress stages "exact" and
/// "approximate".
/// @throws ola::Error as run_model, or if labels has a size other than 0 or N.
SimulationResult simulate(const Graph& g, const Tensor& images, std::span<const int> labels,
                          const SiteReplacements& replacements, const ExecOptions& options = {},
                          const Progress& progress = {});

}  // namespace ola::nn
