// Google Benchmark of the RNS-CKKS core, single thread: the NTT of one limb at N = 2^16, and the
// main ciphertext operations at N = 2^15 and 2^16 on the peers' chain (q = {60, 59 x 23},
// p = {60 x 5}, dnum 5; ../shared/docs/peers.md) at the top (24 limbs) and at 11 limbs.
// Run: bench_core_bench --benchmark_filter=... ; the first benchmark of a ring size generates its
// keys (about 2.6 GB at N = 2^16), which is not timed. On a shared machine read the CPU column
// (single thread, so CPU time = uncontended time) rather than wall time.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ckks/core/ckks.h"
#include "ckks/ring/primes.h"

namespace ola::ckks {
namespace {

constexpr int kRotations = 16;

/// Keys and inputs of one ring size; only one is alive at a time (memory).
struct OpsContext {
  Params params;
  KeyGenerator keygen;
  Encoder encoder;
  Encryptor encryptor;
  std::unique_ptr<Evaluator> eval;

  explicit OpsContext(int log_n)
      : params(peer_literal(log_n)), keygen(params), encoder(params), encryptor(params, keygen.secret_key()) {
    std::vector<int> steps;
    for (int s = 1; s <= kRotations; ++s) steps.push_back(s);
    auto relin = std::make_shared<RelinKey>(keygen.relin_key());
    auto galois = std::make_shared<GaloisKeys>(keygen.galois_keys(steps));
    eval = std::make_unique<Evaluator>(params, EvaluationKeys{relin, galois});
  }

  /// A fresh encryption of random reals in [-1, 1] with `limbs` limbs.
  Ciphertext ciphertext(int limbs, unsigned seed) const {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(-1, 1);
    std::vector<double> x(params.max_slots());
    for (auto& v : x) v = u(rng);
    return encryptor.encrypt(encoder.encode(std::span<const double>(x), limbs - 1, params.default_scale()));
  }
  Plaintext plaintext(int limbs, unsigned seed) const {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(-1, 1);
    std::vector<double> x(params.max_slots());
    for (auto& v : x) v = u(rng);
    return encoder.encode(std::span<const double>(x), limbs - 1, params.default_scale());
  }
};

const OpsContext& context(int log_n) {
  static std::unique_ptr<OpsContext> ctx;
  if (!ctx || ctx->params.log_n() != log_n) {
    ctx.reset();
    ctx = std::make_unique<OpsContext>(log_n);
  }
  return *ctx;
}

void BM_NttForward(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  const Modulus q(ntt_primes(59, 1, 2 * n)[0]);
  const NttTables t(n, q);
  std::vector<u64> a(n);
  std::mt19937_64 rng(1);
  for (auto& x : a) x = rng() % q.value;
  for (auto _ : state) {
    t.forward(a.data());
    benchmark::ClobberMemory();
  }
}

void BM_NttInverse(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  const Modulus q(ntt_primes(59, 1, 2 * n)[0]);
  const NttTables t(n, q);
  std::vector<u64> a(n);
  std::mt19937_64 rng(1);
  for (auto& x : a) x = rng() % q.value;
  for (auto _ : state) {
    t.inverse(a.data());
    benchmark::ClobberMemory();
  }
}

void BM_MulRelin(benchmark::State& state, int log_n, int limbs) {
  const OpsContext& c = context(log_n);
  const Ciphertext a = c.ciphertext(limbs, 1), b = c.ciphertext(limbs, 2);
  for (auto _ : state) benchmark::DoNotOptimize(c.eval->mul(a, b));
}

void BM_SquareRelin(benchmark::State& state, int log_n, int limbs) {
  const OpsContext& c = context(log_n);
  const Ciphertext a = c.ciphertext(limbs, 1);
  for (auto _ : state) benchmark::DoNotOptimize(c.eval->square(a));
}

void BM_Rescale(benchmark::State& state, int log_n, int limbs) {
  const OpsContext& c = context(log_n);
  const Ciphertext a = c.eval->mul(c.ciphertext(limbs, 1), c.ciphertext(limbs, 2));
  for (auto _ : state) benchmark::DoNotOptimize(c.eval->rescale(a));
}

void BM_Rotate(benchmark::State& state, int log_n, int limbs) {
  const OpsContext& c = context(log_n);
  const Ciphertext a = c.ciphertext(limbs, 1);
  for (auto _ : state) benchmark::DoNotOptimize(c.eval->rotate(a, 1));
}

void BM_Rotate16Plain(benchmark::State& state, int log_n, int limbs) {
  const OpsContext& c = context(log_n);
  const Ciphertext a = c.ciphertext(limbs, 1);
  for (auto _ : state) {
    for (int s = 1; s <= kRotations; ++s) benchmark::DoNotOptimize(c.eval->rotate(a, s));
  }
}

void BM_Rotate16Hoisted(benchmark::State& state, int log_n, int limbs) {
  const OpsContext& c = context(log_n);
  const Ciphertext a = c.ciphertext(limbs, 1);
  std::vector<int> steps;
  for (int s = 1; s <= kRotations; ++s) steps.push_back(s);
  for (auto _ : state) benchmark::DoNotOptimize(c.eval->rotate_hoisted(a, steps));
}

void BM_MulPlain(benchmark::State& state, int log_n, int limbs) {
  const OpsContext& c = context(log_n);
  const Ciphertext a = c.ciphertext(limbs, 1);
  const Plaintext p = c.plaintext(limbs, 2);
  for (auto _ : state) benchmark::DoNotOptimize(c.eval->mul(a, p));
}

void BM_Encode(benchmark::State& state, int log_n, int limbs) {
  const OpsContext& c = context(log_n);
  std::vector<double> x(c.params.max_slots(), 0.5);
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.encoder.encode(std::span<const double>(x), limbs - 1, c.params.default_scale()));
  }
}

using OpBench = void (*)(benchmark::State&, int, int);

void register_all() {
  benchmark::RegisterBenchmark("BM_NttForward", BM_NttForward)->Arg(16)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_NttInverse", BM_NttInverse)->Arg(16)->Unit(benchmark::kMicrosecond);
  const std::pair<const char*, OpBench> ops[] = {
      {"BM_MulRelin", BM_MulRelin},   {"BM_SquareRelin", BM_SquareRelin},         {"BM_Rescale", BM_Rescale},
      {"BM_Rotate", BM_Rotate},       {"BM_Rotate16Plain", BM_Rotate16Plain},     {"BM_Rotate16Hoisted", BM_Rotate16Hoisted},
      {"BM_MulPlain", BM_MulPlain},   {"BM_Encode", BM_Encode},
  };
  // Grouped by ring size so each size's keys are generated once.
  for (int log_n : {15, 16}) {
    for (const auto& [name, fn] : ops) {
      for (int limbs : {24, 11}) {
        const std::string label = std::string(name) + "/logn:" + std::to_string(log_n) + "/limbs:" + std::to_string(limbs);
        benchmark::RegisterBenchmark(label.c_str(), fn, log_n, limbs)->Unit(benchmark::kMillisecond);
      }
    }
  }
}

}  // namespace
}  // namespace ola::ckks

int main(int argc, char** argv) {
  ola::ckks::set_threads(1);
  ola::ckks::register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
