// Float executor throughput on CIFAR-10 ResNets, and the full check against PyTorch:
//   bench_executor_bench --benchmark_filter=FullTestSet
// runs the 10,000 JPEG-decoded test images (../shared/data/cifar-10-jpeg/test_batch.bin) through
// ResNet-20 and ResNet-32 and reports seconds per pass, top-1, and how many predictions equal the
// PyTorch reference predictions (tests/nn/data/*_jpeg10k_pred.txt, tools/reference_predictions.py).
// Threads: OMP_NUM_THREADS (default: all cores).
#include <benchmark/benchmark.h>

#include <chrono>
#include <fstream>

#include "nn/data/cifar10.h"
#include "nn/exec/executor.h"
#include "nn/onnx/onnx_import.h"
#include "nn/sim/metrics.h"
#include "nn/sim/simulate.h"
#include "nn/sim/site_cache.h"
#include "util/data_paths.h"

namespace {

using namespace ola;
using namespace ola::nn;

std::vector<int> reference_predictions(const std::string& file) {
  std::ifstream in(std::string(OLA_SOURCE_DIR) + "/tests/nn/data/" + file);
  std::vector<int> p;
  for (int v; in >> v;) p.push_back(v);
  return p;
}

void run(benchmark::State& state, const std::filesystem::path& model, const std::filesystem::path& images,
         const std::string& reference_file) {
  const Graph g = import_onnx(model);
  const ImageSet set = load_cifar10(images);
  const std::vector<int> ref = reference_file.empty() ? std::vector<int>{} : reference_predictions(reference_file);
  std::vector<int> pred;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    pred = argmax_rows(run_model(g, set.images));
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::size_t correct = 0, same = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) {
    correct += pred[i] == set.labels[i];
    same += i < ref.size() && pred[i] == ref[i];
  }
  state.counters["images"] = static_cast<double>(pred.size());
  state.counters["images_per_s"] = benchmark::Counter(static_cast<double>(pred.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["top1_pct"] = 100.0 * static_cast<double>(correct) / static_cast<double>(pred.size());
  if (!ref.empty()) state.counters["same_as_pytorch"] = static_cast<double>(same);
}

void BM_BundledResNet20_100(benchmark::State& state) {
  const auto dir = bundled_data_dir();
  run(state, dir / "resnet20.onnx", dir / "cifar10_test_first100.bin", "");
}
BENCHMARK(BM_BundledResNet20_100)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);

void full(benchmark::State& state, const std::string& model) {
  const auto dir = find_full_data_dir();
  if (!dir) {
    state.SkipWithError("full data not found (set OLA_DATA)");
    for (auto _ : state) {
    }
    return;
  }
  run(state, *dir / "models" / (model + ".onnx"), *dir / "cifar-10-jpeg" / "test_batch.bin", model + "_jpeg10k_pred.txt");
}
void BM_FullTestSet_ResNet20(benchmark::State& state) { full(state, "resnet20"); }
void BM_FullTestSet_ResNet32(benchmark::State& state) { full(state, "resnet32"); }
BENCHMARK(BM_FullTestSet_ResNet20)->UseManualTime()->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_FullTestSet_ResNet32)->UseManualTime()->Unit(benchmark::kSecond)->Iterations(1);

/// Hook (c): cost of one (site, candidate) evaluation by suffix re-run vs a full simulation, on the
/// bundled 100 test images; arg = site index. Counters: cache bytes per image, suffix nodes.
void BM_SiteSuffix(benchmark::State& state) {
  const auto dir = bundled_data_dir();
  const Graph g = import_onnx(dir / "resnet20.onnx");
  const ImageSet set = load_cifar10(dir / "cifar10_test_first100.bin");
  const int site = static_cast<int>(state.range(0));
  const SiteCache cache = build_site_cache(g, set.images, set.labels);
  approx::Approximation cand;  // identity on [-8, 8] as a degree-1 Chebyshev polynomial
  cand.kind = approx::Kind::wls;
  cand.lo = -8;
  cand.hi = 8;
  cand.stages = {approx::ChebPoly{-8, 8, {0.0, 8.0}}};
  for (auto _ : state) benchmark::DoNotOptimize(evaluate_site(g, cache, site, cand));
  state.counters["cache_bytes_per_image"] = static_cast<double>(cache.bytes()) / 100.0;
  state.counters["suffix_nodes"] = static_cast<double>(cache.plans[static_cast<std::size_t>(site)].nodes.size());
  state.counters["graph_nodes"] = static_cast<double>(g.nodes.size());
}
BENCHMARK(BM_SiteSuffix)->Arg(0)->Arg(9)->Arg(18)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
