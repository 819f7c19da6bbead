// Google Benchmark of encrypted diagonal matrix-vector products (N = 2^13 test ring): a band
// of diagonals by BSGS with hoisted baby steps, for several baby-step sizes.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>

#include "ckks/core/ckks.h"
#include "ckks/lintrans/linear_transform.h"

namespace ola::ckks {
namespace {

void BM_LinearTransformBand(benchmark::State& state) {
  static const Params params(test_literal_n13());
  static const KeyGenerator keygen(params);
  static const Encoder encoder(params);
  static const Encryptor encryptor(params, keygen.secret_key());
  const int diagonals = static_cast<int>(state.range(0));
  const int n1 = static_cast<int>(state.range(1));
  const int n = static_cast<int>(params.max_slots());
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(-1, 1);
  DiagonalMatrix m{n, {}};
  for (int k = 0; k < diagonals; ++k) {
    ComplexVector d(n);
    for (auto& x : d) x = {u(rng), u(rng)};
    m.diagonals[k] = std::move(d);
  }
  const BsgsPlan plan = plan_bsgs(m, n1);
  const auto steps = rotation_set(plan);
  const Evaluator ev(params, EvaluationKeys{nullptr, std::make_shared<GaloisKeys>(keygen.galois_keys(steps))});
  const int level = params.max_level();
  const LinearTransform lt = encode_linear_transform(encoder, m, plan, level, static_cast<double>(params.q(level)));
  std::vector<double> x(n);
  for (auto& v : x) v = u(rng);
  const Ciphertext ct = encryptor.encrypt(encoder.encode(std::span<const double>(x), level, params.default_scale(), n));
  for (auto _ : state) benchmark::DoNotOptimize(apply_linear_transform(ev, ct, lt));
  state.counters["rotations"] = plan.rotation_count();
}
BENCHMARK(BM_LinearTransformBand)
    ->Args({16, 0})
    ->Args({64, 0})
    ->Args({64, 1})
    ->Args({64, 64})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ola::ckks

BENCHMARK_MAIN();
