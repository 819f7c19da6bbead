// Google Benchmark of a sum of rotated ciphertexts (the giant steps of a BSGS matrix product) at
// N = 2^16 (n16-dense, 128-bit): rotate + add per term (one ModDown each) against
// Evaluator::add_rotated + finish_rotations (one ModDown for the sum), at a convolution's level
// and at a CoeffToSlot level. Arguments: lazy (0/1), level, terms.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <vector>

#include "ckks/boot/boot_params.h"
#include "ckks/core/ckks.h"

namespace ola::ckks {
namespace {

constexpr int kMaxTerms = 8;

struct Setup {
  Params params{bootstrap_params_n16_dense()};
  KeyGenerator keygen{params};
  Encoder encoder{params};
  Encryptor encryptor{params, keygen.secret_key()};
  std::vector<int> steps;
  std::unique_ptr<Evaluator> ev;

  Setup() {
    for (int t = 1; t <= kMaxTerms; ++t) steps.push_back(16 * t);
    ev = std::make_unique<Evaluator>(
        params, EvaluationKeys{nullptr, std::make_shared<GaloisKeys>(keygen.galois_keys(steps))});
  }
  static const Setup& get() {
    static const Setup s;
    return s;
  }
};

void BM_RotationSum(benchmark::State& state) {
  const Setup& s = Setup::get();
  const bool lazy = state.range(0) != 0;
  const int level = static_cast<int>(state.range(1));
  const int terms = static_cast<int>(state.range(2));
  const std::size_t n = s.params.max_slots();
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<Ciphertext> cts;
  for (int t = 0; t < terms; ++t) {
    std::vector<double> x(n);
    for (auto& v : x) v = u(rng);
    cts.push_back(s.encryptor.encrypt(s.encoder.encode(std::span<const double>(x), level, s.params.default_scale(), n)));
  }
  for (auto _ : state) {
    if (lazy) {
      RotationSum sum;
      for (int t = 0; t < terms; ++t) s.ev->add_rotated(sum, cts[static_cast<std::size_t>(t)], s.steps[static_cast<std::size_t>(t)]);
      benchmark::DoNotOptimize(s.ev->finish_rotations(std::move(sum)));
    } else {
      Ciphertext acc = s.ev->rotate(cts[0], s.steps[0]);
      for (int t = 1; t < terms; ++t) s.ev->add_inplace(acc, s.ev->rotate(cts[static_cast<std::size_t>(t)], s.steps[static_cast<std::size_t>(t)]));
      benchmark::DoNotOptimize(acc);
    }
  }
}
BENCHMARK(BM_RotationSum)
    ->ArgNames({"lazy", "level", "terms"})
    ->Args({0, 4, 8})
    ->Args({1, 4, 8})
    ->Args({0, 10, 8})
    ->Args({1, 10, 8})
    ->Args({0, 24, 4})
    ->Args({1, 24, 4})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ola::ckks

BENCHMARK_MAIN();
