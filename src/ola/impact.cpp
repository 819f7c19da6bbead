#include "ola/impact.h"
#include "ola/loss_model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>
#include <utility>

#include "nn/sim/approximation_json.h"
#include "nn/sim/site_cache.h"
#include "ola/json_fields.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/hash.h"

namespace ola::opt {

namespace jf = json_fields;

std::string candidate_fingerprint(const approx::Approximation& a) {
  nlohmann::json j = nn::to_json(a);
  j.erase("metrics");  // informational; identical polynomials share one measurement
  return hash_hex(j.dump()).substr(0, 32);
}

std::string impact_cache_key(const std::string& model_fingerprint, const std::string& calibration_fingerprint,
                             const std::string& heldout_fingerprint) {
  return hash_hex("ola-impact-v1|" + model_fingerprint + "|" + calibration_fingerprint + "|" + heldout_fingerprint);
}

namespace {

using Entries = std::map<std::string, Impact>;

std::string entry_key(int site, const std::string& cand_fp) { return std::to_string(site) + ":" + cand_fp; }

std::filesystem::path cache_path(const std::filesystem::path& dir, const std::string& key) {
  return dir / ("impact-" + key.substr(0, 16) + ".json");
}

Entries load_cache(const std::filesystem::path& path, const std::string& key) {
  Entries e;
  if (!std::filesystem::exists(path)) return e;
  const std::string where = path.string();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file_text(path));
  } catch (const nlohmann::json::exception& ex) {  // parse_error, and out_of_range for numbers like 1e999
    throw FormatError(where + ": JSON: expected a valid JSON document, got parse error: " + ex.what());
  }
  jf::expect_string(j, "format", "ola-impact-cache", where);
  jf::expect_int(j, "version", 1, where);
  jf::expect_string(j, "key", key, where);
  const auto& entries = jf::get_object(j, "entries", where);
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    const std::string w = where + ": entries." + it.key();
    Impact im;
    im.measured = true;
    im.mean_kl = jf::get_double(it.value(), "mean_kl", w);
    im.disagreement = jf::get_double(it.value(), "disagreement", w);
    im.inputs = static_cast<std::uint64_t>(jf::get_double(it.value(), "inputs", w));
    im.out_of_range = static_cast<std::uint64_t>(jf::get_double(it.value(), "out_of_range", w));
    e[it.key()] = im;
  }
  return e;
}

void save_cache(const std::filesystem::path& path, const std::string& key, const Entries& e) {
  nlohmann::json entries = nlohmann::json::object();
  for (const auto& [k, im] : e) {
    entries[k] = {{"mean_kl", im.mean_kl},
                  {"disagreement", im.disagreement},
                  {"inputs", static_cast<double>(im.inputs)},
                  {"out_of_range", static_cast<double>(im.out_of_range)}};
  }
  std::filesystem::create_directories(path.parent_path());
  write_file_atomic(path, nlohmann::json{{"format", "ola-impact-cache"}, {"version", 1}, {"key", key}, {"entries", entries}}.dump());
}

// Cost proxy for ordering candidates of a family: most expensive first.
long cost_rank(const approx::Approximation& a) {
  return 1000L * a.counts.depth + 10L * a.counts.nonscalar_mults + a.counts.scalar_mults;
}

}  // namespace

ImpactTable measure_impacts(const nn::Graph& g, const nn::Tensor& heldout, std::span<const int> labels,
                            const std::vector<std::vector<approx::Approximation>>& candidates,
                            const std::string& cache_key, const ImpactOptions& options, const Progress& progress) {
  OLA_CHECK(candidates.size() == g.sites.size(), "measure_impacts: candidates per site " << candidates.size());
  const bool use_cache = !options.cache_dir.empty();
  const std::filesystem::path path = use_cache ? cache_path(options.cache_dir, cache_key) : std::filesystem::path();
  Entries entries = use_cache ? load_cache(path, cache_key) : Entries{};
  const std::size_t initial = entries.size();

  std::size_t total = 0;
  for (const auto& c : candidates) total += c.size();
  std::unique_ptr<nn::SiteCache> site_cache;
  ImpactTable table(candidates.size());
  std::size_t done = 0;
  for (std::size_t s = 0; s < candidates.size(); ++s) {
    const auto& cands = candidates[s];
    table[s].resize(cands.size());
    std::vector<std::size_t> order(cands.size());
    std::iota(order.begin(), order.end(), 0);
    // Families (kind, and per-channel or not), each from the dearest candidate down: within a
    // family a cheaper candidate is no more accurate, so the rest of it is skipped past the cutoff.
    const auto family_of = [&](std::size_t c) { return std::pair{cands[c].kind, cands[c].has_channel_polys()}; };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (family_of(a) != family_of(b)) return family_of(a) < family_of(b);
      return cost_rank(cands[a]) > cost_rank(cands[b]);
    });
    bool skipping = false;
    for (std::size_t oi = 0; oi < order.size(); ++oi) {
      const std::size_t c = order[oi];
      const approx::Approximation& cand = cands[c];
      if (oi == 0 || family_of(c) != family_of(order[oi - 1])) skipping = false;
      report(progress, done++, total, "impact");
      if (skipping) continue;  // table[s][c].measured stays false
      const std::string key = entry_key(static_cast<int>(s), candidate_fingerprint(cand));
      auto it = entries.find(key);
      if (it == entries.end()) {
        if (!site_cache) {
          report(progress, done, total, "impact: exact run");
          site_cache = std::make_unique<nn::SiteCache>(nn::build_site_cache(g, heldout, labels, options.exec));
        }
        const nn::SiteImpact r = nn::evaluate_site(g, *site_cache, static_cast<int>(s), cand, options.exec);
        Impact im;
        im.measured = true;
        im.mean_kl = std::isfinite(r.metrics.mean_kl) ? r.metrics.mean_kl : kNonfiniteKl;
        im.disagreement = 100.0 * (1.0 - r.metrics.agreement);
        im.inputs = r.inputs;
        im.out_of_range = r.out_of_range;
        it = entries.emplace(key, im).first;
      }
      table[s][c] = it->second;
      if (options.kl_cutoff > 0.0 && it->second.mean_kl > options.kl_cutoff) skipping = true;
    }
  }
  report(progress, total, total, "impact");
  if (use_cache && entries.size() != initial) save_cache(path, cache_key, entries);
  return table;
}

}  // namespace ola::opt
