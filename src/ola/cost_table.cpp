#include "ola/cost_table.h"

#include <string>

#include "ola/json_fields.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/hash.h"

namespace ola::opt {

namespace jf = json_fields;

const LevelCost& CostTable::at(int level) const {
  if (levels.empty() || level < min_level() || level > max_level()) {
    throw Error(ola::mismatch("cost table", "level", "a level in [" + std::to_string(min_level()) + ", " +
                                                    std::to_string(max_level()) + "]",
                         level));
  }
  return levels[static_cast<std::size_t>(level - min_level())];
}

namespace {

double nonneg(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const double v = jf::get_double(j, key, where);
  if (v < 0.0) throw FormatError(ola::mismatch(where, key, "a time >= 0", v));
  return v;
}

LevelCost level_from_json(const nlohmann::json& j, const std::string& where) {
  LevelCost c;
  c.level = jf::get_int(j, "level", where);
  if (c.level < 0) throw FormatError(ola::mismatch(where, "level", ">= 0", c.level));
  c.limbs = jf::get_int(j, "limbs", where);
  if (c.limbs != c.level + 1) throw FormatError(ola::mismatch(where, "limbs", c.level + 1, c.limbs));
  c.mul_relin_ms = nonneg(j, "mul_relin_ms", where);
  c.rescale_ms = nonneg(j, "rescale_ms", where);
  c.rotate_ms = nonneg(j, "rotate_ms", where);
  c.hoisted_rotate_ms = nonneg(j, "hoisted_rotate_ms", where);
  c.hoist_decompose_ms = nonneg(j, "hoist_decompose_ms", where);
  // A lazy term without the ModDown that closes its sum would be priced too cheap: both or neither.
  const bool lazy = j.contains("lazy_rotate_ms");
  if (lazy != j.contains("mod_down_ms")) {
    throw FormatError(ola::mismatch(where, lazy ? "mod_down_ms" : "lazy_rotate_ms",
                                    "present (lazy_rotate_ms and mod_down_ms come together)", "missing"));
  }
  c.lazy_rotate_ms = lazy ? nonneg(j, "lazy_rotate_ms", where) : c.rotate_ms;
  c.mod_down_ms = lazy ? nonneg(j, "mod_down_ms", where) : 0.0;
  c.mul_plain_ms = nonneg(j, "mul_plain_ms", where);
  c.mul_const_ms = nonneg(j, "mul_const_ms", where);
  c.add_ms = nonneg(j, "add_ms", where);
  c.encode_ms = nonneg(j, "encode_ms", where);
  c.mul_sum_term_ms = j.contains("mul_sum_term_ms") ? nonneg(j, "mul_sum_term_ms", where) : c.mul_plain_ms + c.add_ms;
  c.encode_rep2_ms = j.contains("encode_rep2_ms") ? nonneg(j, "encode_rep2_ms", where) : c.encode_ms;
  c.encode_rep4_ms = j.contains("encode_rep4_ms") ? nonneg(j, "encode_rep4_ms", where) : c.encode_rep2_ms;
  c.encode_rep8_ms = j.contains("encode_rep8_ms") ? nonneg(j, "encode_rep8_ms", where) : c.encode_rep4_ms;
  c.interpolated = jf::get_bool(j, "interpolated", where);
  return c;
}

BootstrapCost bootstrap_from_json(const nlohmann::json& j, const std::string& where) {
  BootstrapCost b;
  b.slots = jf::get_int(j, "slots", where);
  if (b.slots <= 0 || (b.slots & (b.slots - 1)) != 0) {
    throw FormatError(ola::mismatch(where, "slots", "a power of two", b.slots));
  }
  b.seconds = jf::get_double(j, "seconds", where);
  if (b.seconds <= 0.0) throw FormatError(ola::mismatch(where, "seconds", "> 0", b.seconds));
  b.levels_after = jf::get_int(j, "levels_after", where);
  b.input_level = jf::get_int(j, "input_level", where);
  if (b.input_level < 0) throw FormatError(ola::mismatch(where, "input_level", ">= 0", b.input_level));
  if (b.levels_after <= b.input_level) {
    throw FormatError(ola::mismatch(where, "levels_after", "> input_level = " + std::to_string(b.input_level),
                               b.levels_after));
  }
  return b;
}

}  // namespace

CostTable cost_table_from_json(const nlohmann::json& j, const std::string& where) {
  jf::require_object(j, where);
  jf::expect_string(j, "format", "ola-cost-table", where);
  jf::expect_int(j, "version", 1, where);
  CostTable t;
  t.log_n = jf::get_int(j, "log_n", where);
  if (t.log_n < 10 || t.log_n > 17) throw FormatError(ola::mismatch(where, "log_n", "10..17", t.log_n));
  t.threads = jf::get_int(j, "threads", where);
  if (t.threads < 1) throw FormatError(ola::mismatch(where, "threads", ">= 1", t.threads));
  if (j.contains("params")) t.params = jf::get_string(j, "params", where);
  t.date = jf::get_string(j, "date", where);
  t.host = jf::get_string(j, "host", where);
  const auto& levels = jf::get_array(j, "levels", where);
  if (levels.empty()) throw FormatError(ola::mismatch(where, "levels", "at least one level", "an empty array"));
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const std::string w = where + ": levels[" + std::to_string(i) + "]";
    LevelCost c = level_from_json(levels[i], w);
    if (!t.levels.empty() && c.level != t.levels.back().level + 1) {
      throw FormatError(ola::mismatch(w, "level", t.levels.back().level + 1, c.level));
    }
    t.levels.push_back(c);
  }
  const auto& boots = jf::get_array(j, "bootstrap", where);
  for (std::size_t i = 0; i < boots.size(); ++i) {
    t.bootstrap.push_back(bootstrap_from_json(boots[i], where + ": bootstrap[" + std::to_string(i) + "]"));
  }
  return t;
}

CostTable load_cost_table(const std::filesystem::path& path) {
  const std::string text = read_file_text(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    throw FormatError(path.string() + ": JSON: expected a valid JSON document, got parse error: " + e.what());
  }
  return cost_table_from_json(j, path.string());
}

nlohmann::json cost_table_to_json(const CostTable& t) {
  nlohmann::json levels = nlohmann::json::array();
  for (const auto& c : t.levels) {
    levels.push_back({{"level", c.level},
                      {"limbs", c.limbs},
                      {"mul_relin_ms", c.mul_relin_ms},
                      {"rescale_ms", c.rescale_ms},
                      {"rotate_ms", c.rotate_ms},
                      {"hoisted_rotate_ms", c.hoisted_rotate_ms},
                      {"hoist_decompose_ms", c.hoist_decompose_ms},
                      {"lazy_rotate_ms", c.lazy_rotate_ms},
                      {"mod_down_ms", c.mod_down_ms},
                      {"mul_plain_ms", c.mul_plain_ms},
                      {"mul_sum_term_ms", c.mul_sum_term_ms},
                      {"mul_const_ms", c.mul_const_ms},
                      {"add_ms", c.add_ms},
                      {"encode_ms", c.encode_ms},
                      {"encode_rep2_ms", c.encode_rep2_ms},
                      {"encode_rep4_ms", c.encode_rep4_ms},
                      {"encode_rep8_ms", c.encode_rep8_ms},
                      {"interpolated", c.interpolated}});
  }
  nlohmann::json boots = nlohmann::json::array();
  for (const auto& b : t.bootstrap) {
    boots.push_back({{"slots", b.slots},
                     {"seconds", b.seconds},
                     {"levels_after", b.levels_after},
                     {"input_level", b.input_level}});
  }
  nlohmann::json j = {{"format", "ola-cost-table"}, {"version", 1},     {"log_n", t.log_n},   {"threads", t.threads},
                      {"date", t.date},             {"host", t.host},   {"levels", levels}, {"bootstrap", boots}};
  if (!t.params.empty()) j["params"] = t.params;
  return j;
}

std::string cost_table_fingerprint(const CostTable& t) { return hash_hex(cost_table_to_json(t).dump()); }

double LevelCost::encode_ms_for(int repeats) const {
  if (repeats >= 8) return encode_rep8_ms;
  if (repeats >= 4) return encode_rep4_ms;
  if (repeats >= 2) return encode_rep2_ms;
  return encode_ms;
}

}  // namespace ola::opt
