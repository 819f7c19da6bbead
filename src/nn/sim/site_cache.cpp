#include "nn/sim/site_cache.h"

#include <omp.h>

#include <algorithm>

#include "util/error.h"

namespace ola::nn {
namespace {

void check_site(const Graph& g, int site) {
  if (site < 0 || site >= static_cast<int>(g.sites.size())) {
    throw Error(ola::mismatch(g.source, "site", "0.." + std::to_string(static_cast<int>(g.sites.size()) - 1), site));
  }
}

}  // namespace

SuffixPlan plan_suffix(const Graph& g, int site) {
  check_site(g, site);
  SuffixPlan p;
  p.site = site;
  const int first = g.sites[static_cast<std::size_t>(site)].node;
  std::vector<bool> tainted(g.values.size(), false);  // values depending on the site's output
  std::vector<bool> is_input(g.values.size(), false);
  for (int i = first; i < static_cast<int>(g.nodes.size()); ++i) {
    const Node& n = g.nodes[static_cast<std::size_t>(i)];
    const bool in_suffix = i == first || std::any_of(n.inputs.begin(), n.inputs.end(),
                                                     [&](int id) { return tainted[static_cast<std::size_t>(id)]; });
    if (!in_suffix) continue;
    p.nodes.push_back(i);
    tainted[static_cast<std::size_t>(n.output)] = true;
  }
  for (int i : p.nodes) {
    for (int id : g.nodes[static_cast<std::size_t>(i)].inputs) {
      if (!tainted[static_cast<std::size_t>(id)] && !g.value(id).is_constant && !is_input[static_cast<std::size_t>(id)]) {
        is_input[static_cast<std::size_t>(id)] = true;
        p.inputs.push_back(id);
      }
    }
  }
  return p;
}

std::size_t SiteCache::bytes() const {
  std::size_t b = exact_logits.data.size() * sizeof(float);
  for (const auto& t : values) b += t.data.size() * sizeof(float);
  return b;
}

SiteCache build_site_cache(const Graph& g, const Tensor& images, std::span<const int> labels, const ExecOptions& options,
                           std::span<const int> sites, const Progress& progress) {
  const std::int64_t n = images.shape.empty() ? 0 : images.shape[0];
  if (!labels.empty() && static_cast<std::int64_t>(labels.size()) != n) throw Error(ola::mismatch(g.source, "labels", n, labels.size()));
  if (n == 0) throw Error(ola::mismatch(g.source, "images", "at least 1", 0));
  SiteCache c;
  c.labels.assign(labels.begin(), labels.end());
  c.plans.resize(g.sites.size());
  std::vector<int> all;
  if (sites.empty()) {
    for (std::size_t i = 0; i < g.sites.size(); ++i) all.push_back(static_cast<int>(i));
    sites = all;
  }
  std::vector<int> keep{g.output};
  for (int s : sites) {
    c.plans[static_cast<std::size_t>(s)] = plan_suffix(g, s);
    for (int id : c.plans[static_cast<std::size_t>(s)].inputs) keep.push_back(id);
  }
  std::sort(keep.begin(), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  c.values.resize(g.values.size());
  std::vector<int> every(g.nodes.size());
  for (std::size_t i = 0; i < every.size(); ++i) every[i] = static_cast<int>(i);
  const std::int64_t bs = static_cast<std::int64_t>(std::max<std::size_t>(options.batch_size, 1));
  for (std::int64_t first = 0; first < n; first += bs) {
    const std::int64_t count = std::min(bs, n - first);
    Env env(g.values.size());
    env[static_cast<std::size_t>(g.input)] = slice_batch(images, first, count);
    run_nodes(g, env, every, keep, {}, nullptr, options.threads);
    for (int id : keep) {
      Tensor& part = env[static_cast<std::size_t>(id)];
      Tensor& dst = id == g.output ? c.exact_logits : c.values[static_cast<std::size_t>(id)];
      if (first == 0) {
        dst.shape = part.shape;
        dst.shape[0] = n;
        dst.data.resize(static_cast<std::size_t>(numel(dst.shape)));
      }
      copy_batch_into(dst, part, first);
    }
    report(progress, static_cast<std::size_t>(first + count), static_cast<std::size_t>(n), "cache");
  }
  return c;
}

SiteImpact evaluate_site(const Graph& g, const SiteCache& cache, int site, const approx::Approximation& candidate,
                         const ExecOptions& options) {
  check_site(g, site);
  const SuffixPlan& plan = cache.plans[static_cast<std::size_t>(site)];
  if (plan.site != site) throw Error(ola::mismatch(g.source, "site " + std::to_string(site), "cached by build_site_cache", "not cached"));
  if (candidate.activation != g.sites[static_cast<std::size_t>(site)].activation) {
    throw Error(ola::mismatch(g.sites[static_cast<std::size_t>(site)].name, "candidate activation",
                         approx::to_string(g.sites[static_cast<std::size_t>(site)].activation), approx::to_string(candidate.activation)));
  }
  SiteReplacements rep(g.sites.size());
  rep[static_cast<std::size_t>(site)] = candidate;
  RunHooks hooks;
  hooks.replacements = &rep;
  RunStats stats;
  SiteImpact out;
  const std::int64_t n = cache.exact_logits.shape[0];
  const bool output_in_suffix = std::find_if(plan.nodes.begin(), plan.nodes.end(), [&](int i) {
                                  return g.nodes[static_cast<std::size_t>(i)].output == g.output;
                                }) != plan.nodes.end();
  out.logits = cache.exact_logits;
  const std::int64_t bs = static_cast<std::int64_t>(std::max<std::size_t>(options.batch_size, 1));
  const std::int64_t batches = (n + bs - 1) / bs;
  const int keep[] = {g.output};
  // Batches are independent: one thread each (as run_model), per-thread counters summed after.
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  std::vector<RunStats> local(static_cast<std::size_t>(threads));
#pragma omp parallel for num_threads(threads) schedule(dynamic)
  for (std::int64_t b = 0; b < batches; ++b) {
    const std::int64_t first = b * bs, count = std::min(bs, n - first);
    Env env(g.values.size());
    for (int id : plan.inputs) env[static_cast<std::size_t>(id)] = slice_batch(cache.values[static_cast<std::size_t>(id)], first, count);
    run_nodes(g, env, plan.nodes, keep, hooks, &local[static_cast<std::size_t>(omp_get_thread_num())], 1);
    if (output_in_suffix) copy_batch_into(out.logits, env[static_cast<std::size_t>(g.output)], first);
  }
  for (const RunStats& st : local) {
    if (st.inputs.empty()) continue;
    stats.inputs.resize(g.sites.size(), 0);
    stats.out_of_range.resize(g.sites.size(), 0);
    for (std::size_t i = 0; i < st.inputs.size(); ++i) {
      stats.inputs[i] += st.inputs[i];
      stats.out_of_range[i] += st.out_of_range[i];
    }
  }
  stats.inputs.resize(g.sites.size(), 0);
  stats.out_of_range.resize(g.sites.size(), 0);
  out.inputs = stats.inputs[static_cast<std::size_t>(site)];
  out.out_of_range = stats.out_of_range[static_cast<std::size_t>(site)];
  out.metrics = compare_logits(cache.exact_logits, out.logits, cache.labels);
  return out;
}

}  // namespace ola::nn
