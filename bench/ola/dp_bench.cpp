// The OLA dynamic program (ola/dp.h) on a problem shaped like ResNet-32's on the 11-level chain:
// 93 steps (a stem convolution and ReLU, 15 residual blocks of conv, ReLU, conv, merge, ReLU, the
// pooling + FC), 12 levels, a bootstrap allowed before every activation, 24 priced candidates per
// site (depths 1..8, losses spread over the front) and a front of 64 KL budgets of 200 units each
// (`ola optimize --front-factor 64`, the setting of the ResNet-32 headline plan). Costs and losses
// are pseudo-random from a fixed seed, so every run solves the same problem.
//   build/bench/bench_dp_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <random>

#include "ola/dp.h"

namespace {

using namespace ola::opt;

std::vector<double> level_prices(int levels, double ms_per_limb, std::mt19937& rng) {
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  std::vector<double> t(static_cast<std::size_t>(levels));
  for (int r = 0; r < levels; ++r) t[static_cast<std::size_t>(r)] = ms_per_limb * (r + 1) * jitter(rng);
  return t;
}

DpProblem resnet32_shaped(int choices_per_site, int max_units) {
  constexpr int kTop = 11;
  std::mt19937 rng(20261201);
  std::uniform_int_distribution<int> depth(1, 8), units(0, max_units);
  auto linear = [&](double ms_per_limb) {
    DpStep s;
    s.kind = StepKind::linear;
    s.depth = 1;
    s.ms_at_level = level_prices(kTop + 1, ms_per_limb, rng);
    return s;
  };
  auto activation = [&] {
    DpStep s;
    s.kind = StepKind::activation;
    s.bootstrap_ms = 11000.0;
    for (int c = 0; c < choices_per_site; ++c) {
      DpChoice ch;
      ch.depth = depth(rng);
      ch.loss_units = units(rng) / (ch.depth * ch.depth);
      ch.ms_at_level = level_prices(kTop + 1, 15.0 * ch.depth, rng);
      for (int r = 0; r < ch.depth; ++r) ch.ms_at_level[static_cast<std::size_t>(r)] = kInfMs;
      s.choices.push_back(std::move(ch));
    }
    return s;
  };
  DpProblem p;
  p.min_level = 0;
  p.boot_level = kTop;
  p.start_level = kTop;
  p.max_units = max_units;
  p.steps.push_back(linear(120.0));
  p.steps.push_back(activation());
  for (int block = 0; block < 15; ++block) {
    DpStep open;
    open.kind = StepKind::skip_open;
    p.steps.push_back(open);
    p.steps.push_back(linear(200.0));
    p.steps.push_back(activation());
    p.steps.push_back(linear(200.0));
    DpStep merge;
    merge.kind = StepKind::skip_merge;
    merge.merge_spends_level_at_equal = true;
    p.steps.push_back(merge);
    p.steps.push_back(activation());
  }
  p.steps.push_back(linear(50.0));
  return p;
}

void BM_SolveDpResNet32Shaped(benchmark::State& state) {
  const DpProblem p = resnet32_shaped(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  for (auto _ : state) {
    DpResult r = solve_dp(p);
    benchmark::DoNotOptimize(r.best_ms.data());
  }
  state.counters["steps"] = static_cast<double>(p.steps.size());
}
BENCHMARK(BM_SolveDpResNet32Shaped)->Args({24, 200 * 16})->Args({24, 200 * 64})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
