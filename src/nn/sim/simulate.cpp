#include "nn/sim/simulate.h"

#include <algorithm>

#include "util/error.h"

namespace ola::nn {
namespace {
Progress staged(const Progress& p, std::string_view name) {
  if (!p) return {};
  return [&p, name](std::size_t done, std::size_t total, std::string_view) { p(done, total, name); };
}
}  // namespace

SimulationResult simulate(const Graph& g, const Tensor& images, std::span<const int> labels,
                          const SiteReplacements& replacements, const ExecOptions& options, const Progress& progress) {
  if (!replacements.empty() && replacements.size() != g.sites.size()) {
    throw Error(ola::mismatch(g.source, "replacements", std::to_string(g.sites.size()) + " sites", replacements.size()));
  }
  SimulationResult r;
  r.exact_logits = run_model(g, images, options, {}, nullptr, staged(progress, "exact"));
  const bool any = std::any_of(replacements.begin(), replacements.end(), [](const auto& a) { return a.has_value(); });
  RunHooks hooks;
  hooks.replacements = &replacements;
  if (any) {
    r.logits = run_model(g, images, options, hooks, &r.stats, staged(progress, "approximate"));
  } else {
    r.logits = r.exact_logits;
    r.stats.inputs.assign(g.sites.size(), 0);
    r.stats.out_of_range.assign(g.sites.size(), 0);
    // Counting inputs needs no second pass: every site sees its full input tensor.
    for (const auto& s : g.sites) {
      const Shape& shape = g.value(g.nodes[static_cast<std::size_t>(s.node)].inputs[0]).shape;
      r.stats.inputs[static_cast<std::size_t>(s.index)] =
          static_cast<std::uint64_t>(numel(shape)) * static_cast<std::uint64_t>(images.shape[0]);
    }
  }
  r.metrics = compare_logits(r.exact_logits, r.logits, labels);
  return r;
}

}  // namespace ola::nn
