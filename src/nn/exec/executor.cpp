#include "nn/exec/executor.h"

#include <omp.h>

#include <algorithm>

#include "nn/ops/conv.h"
#include "nn/ops/elementwise.h"
#include "nn/ops/layout.h"
#include "util/error.h"

namespace ola::nn {
namespace {

const Tensor& operand(const Graph& g, const Env& env, int id) {
  const Value& v = g.value(id);
  if (v.is_constant) return v.constant;
  const Tensor& t = env[static_cast<std::size_t>(id)];
  OLA_CHECK(!t.shape.empty() || !t.data.empty(), "run_nodes: value " << v.name << " not computed");
  return t;
}

Shape out_shape(const Graph& g, const Node& n, std::int64_t batch) {
  Shape s = g.value(n.output).shape;
  s[0] = batch;
  return s;
}

void check_replacements(const Graph& g, const RunHooks& hooks) {
  if (hooks.replacements && !hooks.replacements->empty() && hooks.replacements->size() != g.sites.size()) {
    throw Error(ola::mismatch(g.source, "replacements", std::to_string(g.sites.size()) + " sites",
                         hooks.replacements->size()));
  }
}

}  // namespace

void run_nodes(const Graph& g, Env& env, std::span<const int> nodes, std::span<const int> keep,
               const RunHooks& hooks, RunStats* stats, int threads) {
  OLA_CHECK(env.size() == g.values.size(), "run_nodes: env size " << env.size());
  set_blas_single_threaded();
  check_replacements(g, hooks);
  if (stats) {
    stats->inputs.resize(std::max(stats->inputs.size(), g.sites.size()), 0);
    stats->out_of_range.resize(std::max(stats->out_of_range.size(), g.sites.size()), 0);
  }
  // Last use (position in `nodes`) of every value, so batches do not keep dead tensors.
  std::vector<std::ptrdiff_t> last_use(g.values.size(), -1);
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    for (int id : g.nodes[static_cast<std::size_t>(nodes[k])].inputs) last_use[static_cast<std::size_t>(id)] = static_cast<std::ptrdiff_t>(k);
  }
  for (int id : keep) last_use[static_cast<std::size_t>(id)] = static_cast<std::ptrdiff_t>(nodes.size());
  auto dies_here = [&](int id, std::size_t k) {
    return !g.value(id).is_constant && last_use[static_cast<std::size_t>(id)] == static_cast<std::ptrdiff_t>(k);
  };
  // In-place ops steal their input when this node is its last reader (no copy), else copy it.
  auto take_or_copy = [&](Tensor& y, int id, std::size_t k) {
    if (dies_here(id, k)) {
      y = std::move(env[static_cast<std::size_t>(id)]);
    } else {
      y = operand(g, env, id);
    }
  };
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    const Node& n = g.nodes[static_cast<std::size_t>(nodes[k])];
    const Tensor& x = operand(g, env, n.inputs.at(0));
    const std::int64_t batch = x.shape[0];
    Tensor y;
    switch (n.op) {
      case OpKind::conv:
        y = conv2d(x, std::get<ConvAttrs>(n.attrs), out_shape(g, n, batch), threads);
        break;
      case OpKind::linear:
        y = linear(x, std::get<LinearAttrs>(n.attrs), out_shape(g, n, batch), threads);
        break;
      case OpKind::activation:
      case OpKind::erf:
      case OpKind::affine: {
        take_or_copy(y, n.inputs[0], k);
        if (n.op == OpKind::erf) {
          erf_inplace(y, threads);
        } else if (n.op == OpKind::affine) {
          affine_inplace(y, std::get<AffineAttrs>(n.attrs), threads);
        } else {
          const auto& a = std::get<ActivationAttrs>(n.attrs);
          if (hooks.observe_site_input) hooks.observe_site_input(a.site, y);
          const approx::Approximation* rep = nullptr;
          if (hooks.replacements && !hooks.replacements->empty()) {
            const auto& r = (*hooks.replacements)[static_cast<std::size_t>(a.site)];
            if (r) rep = &*r;
          }
          if (stats) stats->inputs[static_cast<std::size_t>(a.site)] += static_cast<std::uint64_t>(y.size());
          if (rep) {
            const std::uint64_t out = approximate_inplace(y, *rep, threads);
            if (stats) stats->out_of_range[static_cast<std::size_t>(a.site)] += out;
          } else {
            activation_inplace(y, a.activation, threads);
          }
        }
        break;
      }
      case OpKind::add:
      case OpKind::sub:
      case OpKind::mul:
      case OpKind::div: {
        const Tensor& b = operand(g, env, n.inputs.at(1));
        const std::int64_t bb = g.value(n.inputs[0]).is_constant ? b.shape[0] : batch;
        y = binary(n.op, x, b, out_shape(g, n, bb), threads);
        break;
      }
      case OpKind::pad:
        y = pad(x, std::get<PadAttrs>(n.attrs), out_shape(g, n, batch), threads);
        break;
      case OpKind::slice: {
        auto a = std::get<SliceAttrs>(n.attrs);
        a.sizes[0] = batch;
        y = slice(x, a, out_shape(g, n, batch), threads);
        break;
      }
      case OpKind::concat: {
        std::vector<const Tensor*> xs;
        for (int id : n.inputs) xs.push_back(&operand(g, env, id));
        y = concat(xs, std::get<ConcatAttrs>(n.attrs).axis, out_shape(g, n, batch));
        break;
      }
      case OpKind::transpose:
        y = transpose(x, std::get<TransposeAttrs>(n.attrs).perm, out_shape(g, n, batch), threads);
        break;
      case OpKind::global_average_pool: {
        std::vector<int> axes;
        for (int i = 2; i < static_cast<int>(x.shape.size()); ++i) axes.push_back(i);
        y = reduce_mean(x, axes, out_shape(g, n, batch), threads);
        break;
      }
      case OpKind::reduce_mean:
        y = reduce_mean(x, std::get<ReduceAttrs>(n.attrs).axes, out_shape(g, n, batch), threads);
        break;
      case OpKind::reshape:
        take_or_copy(y, n.inputs[0], k);
        y.shape = out_shape(g, n, batch);
        break;
    }
    env[static_cast<std::size_t>(n.output)] = std::move(y);
    for (int id : n.inputs) {
      if (dies_here(id, k)) env[static_cast<std::size_t>(id)] = Tensor{};
    }
  }
}

Tensor run_batch(const Graph& g, const Tensor& input, const RunHooks& hooks, RunStats* stats, int threads) {
  const Shape& want = g.value(g.input).shape;
  if (input.shape.size() != want.size() || !std::equal(want.begin() + 1, want.end(), input.shape.begin() + 1)) {
    throw Error(ola::mismatch(g.source, "input shape", to_string(want, true), to_string(input.shape)));
  }
  Env env(g.values.size());
  env[static_cast<std::size_t>(g.input)] = input;
  std::vector<int> all(g.nodes.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  const int keep[] = {g.output};
  run_nodes(g, env, all, keep, hooks, stats, threads);
  return std::move(env[static_cast<std::size_t>(g.output)]);
}

Tensor run_model(const Graph& g, const Tensor& images, const ExecOptions& options, const RunHooks& hooks,
                 RunStats* stats, const Progress& progress) {
  const std::int64_t n = images.shape.empty() ? 0 : images.shape[0];
  if (n == 0) throw Error(ola::mismatch(g.source, "images", "at least 1", 0));
  check_replacements(g, hooks);
  const std::int64_t bs = static_cast<std::int64_t>(std::max<std::size_t>(options.batch_size, 1));
  const std::int64_t batches = (n + bs - 1) / bs;
  // Without an observer, batches are independent: run them in parallel, one thread each (coarse
  // grain, no barrier per node). With one, run them in order, each node parallel inside.
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  const bool coarse = !hooks.observe_site_input && threads > 1 && batches > 1;
  Tensor first = run_batch(g, slice_batch(images, 0, std::min(bs, n)), hooks, stats, coarse ? threads : options.threads);
  Tensor out;
  out.shape = first.shape;
  out.shape[0] = n;
  out.data.resize(static_cast<std::size_t>(numel(out.shape)));
  copy_batch_into(out, first, 0);
  std::size_t done = static_cast<std::size_t>(std::min(bs, n));
  report(progress, done, static_cast<std::size_t>(n), "forward");
  std::vector<RunStats> local(static_cast<std::size_t>(coarse ? threads : 0));
#pragma omp parallel for num_threads(threads) schedule(dynamic) if (coarse)
  for (std::int64_t b = 1; b < batches; ++b) {
    const std::int64_t start = b * bs, count = std::min(bs, n - start);
    RunStats* st = stats == nullptr ? nullptr : coarse ? &local[static_cast<std::size_t>(omp_get_thread_num())] : stats;
    const Tensor y = run_batch(g, slice_batch(images, start, count), hooks, st, coarse ? 1 : options.threads);
    copy_batch_into(out, y, start);
#pragma omp critical(ola_nn_run_model_progress)
    {
      done += static_cast<std::size_t>(count);
      report(progress, done, static_cast<std::size_t>(n), "forward");
    }
  }
  if (stats) {
    for (const RunStats& st : local) {
      for (std::size_t i = 0; i < st.inputs.size(); ++i) {
        stats->inputs[i] += st.inputs[i];
        stats->out_of_range[i] += st.out_of_range[i];
      }
    }
  }
  return out;
}

}  // namespace ola::nn
