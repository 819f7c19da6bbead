// `ola bench costs`: measures our CKKS operations at a few levels of the bootstrapping chain and
// writes the per-level cost table the optimizer prices plans with (format "ola-cost-table",
// version 1; docs/file-formats.md). Levels between the sampled ones are filled by linear
// interpolation in the limb count and marked "interpolated": true.
//
// Clock: with --threads 1 each time is the calling thread's CPU time (the kernels then run on that
// thread only), so a loaded machine does not inflate the table; with more threads it is wall time.
// Rescaling is impossible at level 0; its level-0 entry is extrapolated from the two lowest
// sampled levels above 0 (the other level-0 fields are measured when level 0 is sampled).
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <sodium.h>

#include "ckks/core/ckks.h"
#include "cli/bench_chain.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "he/io/param_sets.h"
#include "ola/cost_table.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace ola::cli {
namespace {

struct CostsOptions {
  int log_n = 16;
  std::string params;  ///< a named set; overrides log_n
  int threads = 1;
  int samples = 0;  ///< 0: every level
  int repeat = 3;
  std::string out;
  bool json = false;
};

/// The fields of one level, in the JSON order.
constexpr std::array<const char*, 15> kFields = {
    "mul_relin_ms", "rescale_ms",     "rotate_ms",       "hoisted_rotate_ms", "hoist_decompose_ms",
    "mul_plain_ms", "mul_const_ms",   "add_ms",          "encode_ms",         "encode_rep2_ms",
    "encode_rep4_ms", "encode_rep8_ms", "mul_sum_term_ms", "lazy_rotate_ms",    "mod_down_ms"};
constexpr int kMulSumTerms = 16;
constexpr int kLazyTerms = 4;  ///< terms of the timed rotation sum (lazy_rotate_ms is per term)
using LevelTimes = std::array<double, kFields.size()>;
constexpr std::size_t kRescale = 1;

double now_seconds(bool thread_cpu) {
  if (thread_cpu) {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

/// Median over `repeat` runs of f, in milliseconds.
double median_ms(int repeat, bool thread_cpu, const std::function<void()>& f) {
  std::vector<double> t;
  for (int r = 0; r < repeat; ++r) {
    const double t0 = now_seconds(thread_cpu);
    f();
    t.push_back(1e3 * (now_seconds(thread_cpu) - t0));
  }
  return median(std::move(t));
}

/// Median over `repeat` runs of run(prepare()), only `run` timed, in milliseconds.
template <class Prepare, class Run>
double median_prepared_ms(int repeat, bool thread_cpu, const Prepare& prepare, const Run& run) {
  std::vector<double> t;
  for (int r = 0; r < repeat; ++r) {
    auto input = prepare();
    const double t0 = now_seconds(thread_cpu);
    run(std::move(input));
    t.push_back(1e3 * (now_seconds(thread_cpu) - t0));
  }
  return median(std::move(t));
}

/// Levels to measure: `samples` levels spread evenly over 0..max_level, both ends included.
std::vector<int> sample_levels(int max_level, int samples) {
  std::vector<int> out;
  for (int i = 0; i < samples; ++i) {
    const int l = samples == 1 ? max_level : static_cast<int>(std::lround(1.0 * i * max_level / (samples - 1)));
    if (out.empty() || out.back() != l) out.push_back(l);
  }
  return out;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

/// Bootstrap entries of an existing table at `path` (same log_n and set), kept when it is overwritten.
/// Read from the raw JSON, so a table of an older layout (e.g. before encode_ms) still hands over
/// its measured bootstraps; each entry is validated when the new table is parsed.
nlohmann::json existing_bootstrap(const std::string& path, int log_n, const std::string& params) {
  if (path.empty() || !std::filesystem::exists(path)) return nlohmann::json::array();
  try {
    const nlohmann::json old = nlohmann::json::parse(read_file_text(path));
    const bool same_set = old.value("params", std::string()).empty() || old.value("params", std::string()) == params;
    if (old.value("format", "") == "ola-cost-table" && old.value("log_n", 0) == log_n && same_set &&
        old.contains("bootstrap") && old["bootstrap"].is_array()) {
      return old["bootstrap"];
    }
  } catch (const std::exception&) {
    // An unreadable old table is replaced entirely.
  }
  return nlohmann::json::array();
}

nlohmann::json run(const CostsOptions& o) {
  const BenchChain chain = resolve_bench_chain("ola bench costs", o.log_n, o.params);
  if (o.threads < 1) throw Error(ola::mismatch("ola bench costs", "--threads", ">= 1", o.threads));
  if (o.samples != 0 && o.samples < 2) {
    throw Error(ola::mismatch("ola bench costs", "--samples", ">= 2 (or 0: every level)", o.samples));
  }
  if (o.repeat < 1) throw Error(ola::mismatch("ola bench costs", "--repeat", ">= 1", o.repeat));
  if (sodium_init() < 0) throw std::runtime_error("ola bench costs: libsodium failed to initialise");
  ckks::set_threads(o.threads);
  const bool thread_cpu = o.threads == 1;
  // The chain encrypted inference runs on (ckks/boot), so per-level costs match its limb counts.
  const ckks::Params params(chain.params);
  const ckks::KeyGenerator keygen(params);
  const std::vector<int> steps = {1, 2};
  const ckks::Evaluator eval(params, ckks::EvaluationKeys{std::make_shared<ckks::RelinKey>(keygen.relin_key()),
                                                          std::make_shared<ckks::GaloisKeys>(keygen.galois_keys(steps))});
  const ckks::Encoder encoder(params);
  const ckks::Encryptor encryptor(params, keygen.secret_key());
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> x(params.max_slots()), y(params.max_slots());
  for (auto& v : x) v = u(rng);
  for (auto& v : y) v = u(rng);
  const int top = params.max_level();
  const ckks::Ciphertext ax = encryptor.encrypt(encoder.encode(std::span<const double>(x), top, params.default_scale()));
  const ckks::Ciphertext ay = encryptor.encrypt(encoder.encode(std::span<const double>(y), top, params.default_scale()));

  // Every level by default: key switching's costs step where a level needs another special prime
  // (ckks::Params::p_count_at), which interpolation between a few levels would miss.
  const std::vector<int> levels = sample_levels(top, o.samples == 0 ? top + 1 : o.samples);
  std::vector<LevelTimes> measured;
  for (int l : levels) {
    const auto t0 = std::chrono::steady_clock::now();
    const ckks::Ciphertext a = eval.drop_to_level(ax, l), b = eval.drop_to_level(ay, l);
    const ckks::Plaintext p = encoder.encode(std::span<const double>(y), l, params.default_scale());
    const ckks::Ciphertext prod = eval.mul(a, b);
    const ckks::HoistedDecomposition d = eval.decompose(a);
    const double q_l = static_cast<double>(params.q(static_cast<std::size_t>(l)));
    LevelTimes t{};
    t[0] = median_ms(o.repeat, thread_cpu, [&] { (void)eval.mul(a, b); });
    t[kRescale] = l == 0 ? -1.0 : median_ms(o.repeat, thread_cpu, [&] { (void)eval.rescale(prod); });
    t[2] = median_ms(o.repeat, thread_cpu, [&] { (void)eval.rotate(a, 1); });
    t[3] = median_ms(o.repeat, thread_cpu, [&] { (void)eval.rotate_hoisted(a, d, 2); });
    t[4] = median_ms(o.repeat, thread_cpu, [&] { (void)eval.decompose(a); });
    t[5] = median_ms(o.repeat, thread_cpu, [&] { (void)eval.mul(a, p); });
    t[6] = median_ms(o.repeat, thread_cpu, [&] { (void)eval.mul_const(a, 0.7312, q_l); });
    t[7] = median_ms(o.repeat, thread_cpu, [&] { (void)eval.add(a, b); });
    // As he/ encodes a diagonal for a product that rescales to the base scale (scale ~ q_l).
    const auto full_slots = static_cast<std::size_t>(params.max_slots());
    t[8] = median_ms(o.repeat, thread_cpu, [&] { (void)encoder.encode(std::span<const double>(y), l, q_l, full_slots); });
    // Diagonals of a feature map of N/4, N/8, N/16 values repeat 2, 4, 8 times (subring encode).
    for (std::size_t k = 0; k < 3; ++k) {
      const std::size_t period = full_slots >> (k + 1);
      std::vector<double> periodic(full_slots);
      for (std::size_t j = 0; j < full_slots; ++j) periodic[j] = y[j % period];
      t[9 + k] = median_ms(o.repeat, thread_cpu, [&] {
        (void)encoder.encode(std::span<const double>(periodic), l, q_l, full_slots);
      });
    }
    {
      // Distinct operands, as a transform's giant step reads them (no cache reuse across terms).
      const std::vector<ckks::Ciphertext> cts(kMulSumTerms, a);
      const std::vector<ckks::Plaintext> pts(kMulSumTerms, p);
      std::vector<const ckks::Ciphertext*> cp;
      std::vector<const ckks::Plaintext*> pp;
      for (int k = 0; k < kMulSumTerms; ++k) {
        cp.push_back(&cts[static_cast<std::size_t>(k)]);
        pp.push_back(&pts[static_cast<std::size_t>(k)]);
      }
      t[12] = median_ms(o.repeat, thread_cpu, [&] { (void)eval.mul_sum(cp, pp); }) / kMulSumTerms;
    }
    {
      // A rotation sum as a BSGS product's giant steps build it (Evaluator::add_rotated, distinct
      // terms): the price of a term, and apart from it the ModDown that closes the sum.
      const std::vector<ckks::Ciphertext> terms(kLazyTerms, a);
      t[13] = median_ms(o.repeat, thread_cpu, [&] {
                ckks::RotationSum sum;
                for (const ckks::Ciphertext& c : terms) eval.add_rotated(sum, c, 1);
              }) / kLazyTerms;
      t[14] = median_prepared_ms(
          o.repeat, thread_cpu,
          [&] {
            ckks::RotationSum sum;
            eval.add_rotated(sum, a, 1);
            return sum;
          },
          [&](ckks::RotationSum sum) { (void)eval.finish_rotations(std::move(sum)); });
    }
    measured.push_back(t);
    std::fprintf(stderr, "ola bench costs: level %d (%d limbs) measured in %.1f s\n", l, l + 1,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  // Level-0 rescale: linear extrapolation in limbs from the two lowest sampled levels above 0.
  if (levels.front() == 0) {
    double& r0 = measured.front()[kRescale];
    if (levels.size() >= 3) {
      const double l1 = levels[1] + 1, l2 = levels[2] + 1;
      const double t1 = measured[1][kRescale], t2 = measured[2][kRescale];
      r0 = std::max(0.0, t1 + (1.0 - l1) * (t2 - t1) / (l2 - l1));
    } else {
      r0 = measured[1][kRescale] / (levels[1] + 1);
    }
  }

  nlohmann::json out_levels = nlohmann::json::array();
  std::size_t s = 0;
  for (int l = 0; l <= top; ++l) {
    while (levels[s] < l) ++s;  // levels[s] >= l; levels.back() == top
    nlohmann::json e;
    e["level"] = l;
    e["limbs"] = l + 1;
    const bool exact = levels[s] == l;
    for (std::size_t f = 0; f < kFields.size(); ++f) {
      double v = measured[s][f];
      if (!exact) {
        // Linear in the limb count between the neighbouring sampled levels.
        const double w = static_cast<double>(l - levels[s - 1]) / (levels[s] - levels[s - 1]);
        v = (1 - w) * measured[s - 1][f] + w * measured[s][f];
      }
      e[kFields[f]] = v;
    }
    e["interpolated"] = !exact;
    out_levels.push_back(e);
  }
  nlohmann::json table = {{"format", "ola-cost-table"},
                          {"version", 1},
                          {"log_n", params.log_n()},
                          {"threads", o.threads},
                          {"date", utc_now()},
                          {"host", host_name()},
                          {"levels", out_levels},
                          {"bootstrap", existing_bootstrap(o.out, params.log_n(), chain.name)}};
  if (!chain.name.empty()) table["params"] = chain.name;
  // What we write must be what the optimizer reads.
  (void)opt::cost_table_from_json(table, "ola bench costs");
  return table;
}

void print_table(const nlohmann::json& t) {
  std::printf("level limbs  mul_relin  rescale   rotate     lazy  moddown  hoisted  decomp  mul_pt  mul_const   add  encode  enc/8  (ms)\n");
  for (const auto& e : t["levels"]) {
    std::printf("%5d %5d %10.2f %8.2f %8.2f %8.2f %8.2f %8.2f %7.2f %7.2f %9.3f %7.3f %7.2f %6.2f%s\n", e["level"].get<int>(),
                e["limbs"].get<int>(), e["mul_relin_ms"].get<double>(), e["rescale_ms"].get<double>(),
                e["rotate_ms"].get<double>(), e["lazy_rotate_ms"].get<double>(), e["mod_down_ms"].get<double>(),
                e["hoisted_rotate_ms"].get<double>(),
                e["hoist_decompose_ms"].get<double>(), e["mul_plain_ms"].get<double>(),
                e["mul_const_ms"].get<double>(), e["add_ms"].get<double>(), e["encode_ms"].get<double>(),
                e["encode_rep8_ms"].get<double>(), e["interpolated"].get<bool>() ? "  (interpolated)" : "");
  }
}

OLA_REGISTER_BENCH("costs", "measure CKKS operation costs per level and write the optimizer's cost table",
                   [](CLI::App& sub) {
                     auto o = std::make_shared<CostsOptions>();
                     sub.add_option("--logn", o->log_n, "ring degree log2 N: 16, or 12..14 (test-only chains)");
                     sub.add_option("--params", o->params, "parameter set with bootstrapping (overrides --logn): " + he::bootstrapping_param_set_names());
                     sub.add_option("--threads", o->threads, "CKKS threads (1: times are thread CPU time)");
                     sub.add_option("--samples", o->samples, "levels measured (spread over 0..L, both ends; the rest interpolated); >= 2, default 0 = every level");
                     sub.add_option("--repeat", o->repeat, "runs per operation (the median is kept)");
                     sub.add_option("--out", o->out, "write the cost table here (keeps its bootstrap entries)");
                     sub.add_flag("--json", o->json, "print the cost table as one JSON object on stdout");
                     sub.callback([o] {
                       const nlohmann::json t = run(*o);
                       if (!o->out.empty()) write_file_atomic(o->out, t.dump(2) + "\n");
                       if (o->json) {
                         print_json(t);
                       } else {
                         print_table(t);
                       }
                     });
                   });

}  // namespace
}  // namespace ola::cli
