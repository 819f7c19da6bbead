// `ola bench bootstrap`: times one CKKS bootstrap (keys, setup, the bootstrap itself) and its
// precision on uniform real inputs in [-1, 1]; prints one JSON object with --json, and may record
// the time in a cost table's "bootstrap" list (--costs FILE).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <sodium.h>

#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"
#include "cli/bench_chain.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "he/io/param_sets.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/process_memory.h"

namespace ola::cli {
namespace {

struct BootstrapBenchOptions {
  int log_n = 16;
  std::string params;  ///< a named set; overrides log_n
  std::size_t slots = 0;  ///< 0: N/2
  int threads = 1;
  int repeat = 1;  ///< bootstraps timed; with more than one, the first (cold) is left out of the median
  bool json = false;
  std::string costs;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double switching_key_bytes(const ckks::SwitchingKey& k) {
  double bytes = 0;
  for (const auto& p : k.b) bytes += static_cast<double>(p.data.size()) * 8.0;
  for (const auto& p : k.a) bytes += static_cast<double>(p.data.size()) * 8.0;
  return bytes;
}

/// Uniform doubles in [-1, 1] from libsodium.
std::vector<double> uniform_inputs(std::size_t n) {
  std::vector<double> v(n);
  for (auto& x : v) {
    const std::uint32_t r = randombytes_uniform(1u << 30);
    x = 2.0 * static_cast<double>(r) / static_cast<double>((1u << 30) - 1) - 1.0;
  }
  return v;
}

void record_cost(const std::string& path, int log_n, const std::string& params, const nlohmann::json& entry) {
  if (!std::filesystem::exists(path)) {
    throw Error(ola::mismatch("--costs", path, "an existing cost table (ola bench costs)", "no such file"));
  }
  nlohmann::json table;
  try {
    table = nlohmann::json::parse(read_file_text(path));
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(path + ": not valid JSON: " + e.what());
  }
  if (!table.is_object()) throw FormatError(ola::mismatch(path, "top level", "a JSON object", table.type_name()));
  if (table.contains("log_n") && table["log_n"] != log_n) {
    throw Error(ola::mismatch(path, "log_n (the table's ring, vs --logn)", table["log_n"].dump(), log_n));
  }
  if (table.value("params", std::string()) != params) {
    throw Error(ola::mismatch(path, "params (the table's parameter set, vs the bootstrap's)",
                              "\"" + table.value("params", std::string()) + "\"", "\"" + params + "\""));
  }
  nlohmann::json list = table.value("bootstrap", nlohmann::json::array());
  if (!list.is_array()) throw FormatError(ola::mismatch(path, "bootstrap", "an array", list.type_name()));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : list) {
    if (!(e.is_object() && e.value("slots", 0) == entry["slots"].get<int>())) out.push_back(e);
  }
  out.push_back(entry);
  table["bootstrap"] = out;
  write_file_atomic(path, table.dump(2) + "\n");
}

void run(const BootstrapBenchOptions& o) {
  if (o.repeat < 1) throw Error(ola::mismatch("ola bench bootstrap", "--repeat", ">= 1", o.repeat));
  const BenchChain chain = resolve_bench_chain("ola bench bootstrap", o.log_n, o.params);
  if (sodium_init() < 0) throw std::runtime_error("ola bench bootstrap: libsodium failed to initialise");
  ckks::set_threads(o.threads);
  const ckks::Params params(chain.params);
  const ckks::BootstrapLiteral lit = chain.boot;
  const std::size_t slots = o.slots == 0 ? params.max_slots() : o.slots;
  if (slots < 2 || slots > params.max_slots() || (slots & (slots - 1)) != 0) {
    throw Error(ola::mismatch("ola bench bootstrap", "--slots", "a power of two in 2.." + std::to_string(params.max_slots()),
                         slots));
  }
  auto t0 = std::chrono::steady_clock::now();
  const ckks::KeyGenerator keygen(params);
  const auto steps = ckks::bootstrap_rotation_steps(params, lit, slots);
  auto relin = std::make_shared<ckks::RelinKey>(keygen.relin_key());
  auto galois = std::make_shared<ckks::GaloisKeys>(keygen.galois_keys(steps, true));
  const auto encapsulation = ckks::bootstrap_encapsulation_keys(keygen, lit);
  const double keygen_seconds = seconds_since(t0);
  double key_bytes = switching_key_bytes(relin->key);
  for (const auto& [g, k] : galois->keys) key_bytes += switching_key_bytes(k);
  if (encapsulation) key_bytes += he::encapsulation_key_bytes(params);

  const ckks::Encoder encoder(params);
  const ckks::Evaluator evaluator(params, ckks::EvaluationKeys{relin, galois, encapsulation});
  t0 = std::chrono::steady_clock::now();
  const ckks::Bootstrapper boot(evaluator, encoder, lit, slots);
  const double setup_seconds = seconds_since(t0);

  const ckks::Encryptor encryptor(params, keygen.secret_key());
  const ckks::Decryptor decryptor(params, keygen.secret_key());
  const std::vector<double> x = uniform_inputs(slots);
  const ckks::Ciphertext ct =
      encryptor.encrypt(encoder.encode(std::span<const double>(x), 0, params.default_scale(), slots));
  // The first bootstrap of a process touches its buffers for the first time (page faults, cold
  // caches); a run of several reports the median of the others, as a long computation sees them.
  std::vector<double> wall, cpu;
  ckks::Ciphertext out;
  for (int r = 0; r < o.repeat; ++r) {
    t0 = std::chrono::steady_clock::now();
    const double cpu0 = process_cpu_seconds();
    out = boot.bootstrap(ct);
    wall.push_back(seconds_since(t0));
    cpu.push_back(process_cpu_seconds() - cpu0);
  }
  const auto median_after_first = [](std::vector<double> v) {
    if (v.size() > 1) v.erase(v.begin());
    std::sort(v.begin(), v.end());
    return v.size() % 2 == 1 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  };
  const double seconds = median_after_first(wall);
  const double cpu_seconds = median_after_first(cpu);
  const auto got = encoder.decode(decryptor.decrypt(out));
  double err = 0;
  for (std::size_t i = 0; i < slots; ++i) err = std::max(err, std::abs(got[i] - std::complex<double>(x[i], 0.0)));

  nlohmann::json j;
  j["log_n"] = params.log_n();
  j["param_set"] = chain.name;
  j["slots"] = slots;
  j["threads"] = o.threads;
  j["seconds"] = seconds;          // with --repeat > 1: the median of runs 2..repeat
  j["cpu_seconds"] = cpu_seconds;  // all threads; equals the uncontended time with --threads 1
  j["repeat"] = o.repeat;
  j["first_seconds"] = wall.front();
  j["runs_seconds"] = wall;
  j["precision_bits"] = -std::log2(err);
  j["levels_after"] = boot.levels_after();
  j["input_level"] = ckks::Bootstrapper::MinimumInputLevel();
  j["depth"] = boot.depth();
  j["rotation_keys"] = galois->keys.size();
  j["key_gb"] = key_bytes / 1e9;
  j["keygen_seconds"] = keygen_seconds;
  j["setup_seconds"] = setup_seconds;
  j["log_qp"] = params.log_qp();
  j["params"] = params.summary();
  j["test_only"] = params.test_only();
  j["peak_rss_mb"] = peak_rss_mb();
  if (!o.costs.empty()) {
    // With one thread the table records CPU time, as `ola bench costs` does: it is the uncontended
    // time even on a loaded machine.
    record_cost(o.costs, params.log_n(), chain.name, {{"slots", slots}, {"seconds", o.threads == 1 ? cpu_seconds : seconds}, {"levels_after", boot.levels_after()},
                          {"input_level", ckks::Bootstrapper::MinimumInputLevel()}});
  }
  if (o.json) {
    print_json(j);
  } else {
    std::printf("bootstrap N=2^%d slots=%zu threads=%d: %.2f s, precision %.1f bits, levels after %d, keys %.2f GB, "
                "peak RSS %.0f MB\n",
                params.log_n(), slots, o.threads, seconds, -std::log2(err), boot.levels_after(), key_bytes / 1e9,
                peak_rss_mb());
  }
}

}  // namespace

OLA_REGISTER_BENCH("bootstrap", "Time and precision of one CKKS bootstrap (N = 2^16 set, or test-only 2^12..2^14)",
                   [](CLI::App& sub) {
                     auto o = std::make_shared<BootstrapBenchOptions>();
                     sub.add_option("--logn", o->log_n, "ring degree log2 N: 16, or 12..14 (test-only sets)");
                     sub.add_option("--params", o->params, "parameter set with bootstrapping (overrides --logn): " + he::bootstrapping_param_set_names());
                     sub.add_option("--slots", o->slots, "slot count (power of two <= N/2; 0 = N/2)");
                     sub.add_option("--threads", o->threads, "OpenMP threads (0 = all cores)");
                     sub.add_option("--repeat", o->repeat, "bootstraps to time; with more than one the median of all but the first (cold) one is reported")->capture_default_str();
                     sub.add_flag("--json", o->json, "print one JSON object");
                     sub.add_option("--costs", o->costs, "cost table file whose \"bootstrap\" list gets this entry");
                     sub.callback([o] { run(*o); });
                   });

}  // namespace ola::cli
