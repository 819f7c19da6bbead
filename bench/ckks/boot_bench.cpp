// Google Benchmark of bootstrapping and its stages on the test-only rings (N = 2^12, 2^13);
// the N = 2^16 figure comes from `ola bench bootstrap --logn 16`.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>

#include "ckks/boot/boot_params.h"
#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"

namespace ola::ckks {
namespace {

struct BootContext {
  Params params;
  KeyGenerator keygen;
  Encoder encoder;
  Encryptor encryptor;
  std::unique_ptr<Evaluator> evaluator;
  std::unique_ptr<Bootstrapper> boot;
  Ciphertext input;

  BootContext(int log_n, std::size_t slots)
      : params(bootstrap_test_params(log_n)), keygen(params), encoder(params), encryptor(params, keygen.secret_key()) {
    const BootstrapLiteral lit = bootstrap_test_literal();
    const auto steps = bootstrap_rotation_steps(params, lit, slots);
    evaluator = std::make_unique<Evaluator>(
        params, EvaluationKeys{std::make_shared<RelinKey>(keygen.relin_key()),
                               std::make_shared<GaloisKeys>(keygen.galois_keys(steps, true))});
    boot = std::make_unique<Bootstrapper>(*evaluator, encoder, lit, slots);
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> u(-1, 1);
    std::vector<double> x(slots);
    for (auto& v : x) v = u(rng);
    input = encryptor.encrypt(encoder.encode(std::span<const double>(x), 0, params.default_scale(), slots));
  }
};

BootContext& context(int log_n, std::size_t slots) {
  static std::map<std::pair<int, std::size_t>, std::unique_ptr<BootContext>> cache;
  auto& c = cache[{log_n, slots}];
  if (!c) c = std::make_unique<BootContext>(log_n, slots);
  return *c;
}

void BM_Bootstrap(benchmark::State& state) {
  BootContext& c = context(static_cast<int>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) benchmark::DoNotOptimize(c.boot->bootstrap(c.input));
}
BENCHMARK(BM_Bootstrap)->Args({12, 2048})->Args({12, 64})->Args({13, 4096})->Unit(benchmark::kMillisecond);

void BM_CoeffToSlot(benchmark::State& state) {
  BootContext& c = context(static_cast<int>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  const Ciphertext raised = c.boot->raise(c.input);
  for (auto _ : state) benchmark::DoNotOptimize(c.boot->coeff_to_slot(raised));
}
BENCHMARK(BM_CoeffToSlot)->Args({13, 4096})->Unit(benchmark::kMillisecond);

void BM_EvalMod(benchmark::State& state) {
  BootContext& c = context(static_cast<int>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  const auto u = c.boot->coeff_to_slot(c.boot->raise(c.input));
  for (auto _ : state) benchmark::DoNotOptimize(c.boot->eval_mod_ct(u[0]));
}
BENCHMARK(BM_EvalMod)->Args({13, 4096})->Unit(benchmark::kMillisecond);

void BM_SlotToCoeff(benchmark::State& state) {
  BootContext& c = context(static_cast<int>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  const auto u = c.boot->coeff_to_slot(c.boot->raise(c.input));
  std::vector<Ciphertext> v;
  for (const auto& x : u) v.push_back(c.boot->eval_mod_ct(x));
  for (auto _ : state) benchmark::DoNotOptimize(c.boot->slot_to_coeff(v, c.input.scale));
}
BENCHMARK(BM_SlotToCoeff)->Args({13, 4096})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ola::ckks

BENCHMARK_MAIN();
