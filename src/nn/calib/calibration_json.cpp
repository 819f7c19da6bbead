#include "nn/calib/calibration_json.h"

#include <limits>

#include "nn/error.h"
#include "util/atomic_file.h"
#include "util/hash.h"

namespace ola::nn {
namespace {

template <class T>
T field(const nlohmann::json& j, const std::string& key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw DataError(ola::mismatch(where, key, "present", "absent"));
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw DataError(ola::mismatch(where, key, "a value of the right type", j.at(key).dump().substr(0, 40)));
  }
}

/// An integer field in lo..hi, read as int64 so that a value such as 2^40 or -1 is reported as
/// written instead of wrapping in a narrower or unsigned conversion.
std::int64_t int_in(const nlohmann::json& v, const std::string& key, const std::string& where, std::int64_t lo,
                    std::int64_t hi) {
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  if (!v.is_number_integer()) throw DataError(ola::mismatch(where, key, "an integer in " + range, v.dump().substr(0, 40)));
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) {
    throw DataError(ola::mismatch(where, key, range, v.get<std::uint64_t>()));
  }
  const auto x = v.get<std::int64_t>();
  if (x < lo || x > hi) throw DataError(ola::mismatch(where, key, range, x));
  return x;
}

std::int64_t int_field(const nlohmann::json& j, const std::string& key, const std::string& where, std::int64_t lo,
                       std::int64_t hi) {
  if (!j.is_object() || !j.contains(key)) throw DataError(ola::mismatch(where, key, "present", "absent"));
  return int_in(j.at(key), key, where, lo, hi);
}

constexpr std::int64_t kMaxCount = std::numeric_limits<std::int64_t>::max();

// An array of `bins` counts (field `name` of sj), as int64 summed with an overflow check (a wrapped
// sum could match the site's count); the sum is added to `total`.
std::vector<std::uint64_t> read_counts(const nlohmann::json& hist, std::size_t bins, const std::string& name,
                                       const std::string& w, std::int64_t& total) {
  if (!hist.is_array()) throw DataError(ola::mismatch(w, name, "an array", hist.type_name()));
  if (hist.size() != bins) throw DataError(ola::mismatch(w, name, std::to_string(bins) + " bins", hist.size()));
  std::vector<std::uint64_t> out;
  out.reserve(bins);
  for (std::size_t b = 0; b < hist.size(); ++b) {
    const std::int64_t h = int_in(hist[b], name + "[" + std::to_string(b) + "]", w, 0, kMaxCount);
    if (__builtin_add_overflow(total, h, &total)) {
      throw DataError(ola::mismatch(w, name + " sum", "<= " + std::to_string(kMaxCount) + " (int64)",
                                    "an overflow at bin " + std::to_string(b)));
    }
    out.push_back(static_cast<std::uint64_t>(h));
  }
  return out;
}

}  // namespace

std::string calibration_fingerprint(const Calibration& c) {
  Hasher h;
  h.update("ola-calibration/1\n");
  h.update(c.source.model_fingerprint).update("\n").update(c.source.data_fingerprint).update("\n");
  for (float v : c.source.mean) h.update_value(v);
  for (float v : c.source.std) h.update_value(v);
  h.update_value(static_cast<std::uint64_t>(c.images));
  h.update_value(static_cast<std::uint64_t>(c.reservoir_size));
  h.update_value(static_cast<std::int64_t>(c.histogram_bins));
  h.update(c.seed_hex);
  if (c.channel_histogram_bins > 0) h.update("channel_histogram_bins").update_value(static_cast<std::int64_t>(c.channel_histogram_bins));
  if (!c.source.replacements_fingerprint.empty()) h.update("replacements").update(c.source.replacements_fingerprint);
  return h.hex();
}

nlohmann::json to_json(const Calibration& c) {
  nlohmann::json sites = nlohmann::json::array();
  for (const auto& s : c.sites) {
    sites.push_back({{"index", s.site},
                     {"name", s.name},
                     {"activation", approx::to_string(s.activation)},
                     {"shape", s.shape},
                     {"count", s.count},
                     {"min", s.min},
                     {"max", s.max},
                     {"mean", s.mean},
                     {"std", s.stddev},
                     {"quantiles", s.quantiles},
                     {"histogram", s.histogram},
                     {"sample", s.sample}});
    if (c.channel_histogram_bins > 0) sites.back()["channel_histograms"] = s.channel_histograms;
  }
  nlohmann::json out = {{"format", "ola-calibration"},
          {"version", kCalibrationFormatVersion},
          {"fingerprint", calibration_fingerprint(c)},
          {"model", {{"path", c.source.model_path}, {"fingerprint", c.source.model_fingerprint}}},
          {"data",
           {{"path", c.source.data_path},
            {"fingerprint", c.source.data_fingerprint},
            {"images", c.images},
            {"mean", c.source.mean},
            {"std", c.source.std}}},
          {"reservoir",
           {{"size", c.reservoir_size},
            {"seed", c.seed_hex},
            {"generator", "libsodium randombytes_buf_deterministic, Li 1994 Algorithm L"}}},
          {"histogram_bins", c.histogram_bins},
          {"quantile_levels", kQuantileLevels},
          {"sites", sites}};
  if (c.channel_histogram_bins > 0) out["channel_histogram_bins"] = c.channel_histogram_bins;
  if (!c.source.replacements_fingerprint.empty()) {
    out["replacements"] = {{"path", c.source.replacements_path}, {"fingerprint", c.source.replacements_fingerprint}};
  }
  return out;
}

Calibration calibration_from_json(const nlohmann::json& j, const std::string& where) {
  if (field<std::string>(j, "format", where) != "ola-calibration") {
    throw DataError(ola::mismatch(where, "format", "ola-calibration", j.at("format").dump()));
  }
  if (const auto v = int_field(j, "version", where, 0, kMaxCount); v != kCalibrationFormatVersion) {
    throw DataError(ola::mismatch(where, "version", kCalibrationFormatVersion, v));
  }
  Calibration c;
  const auto& model = j.contains("model") ? j.at("model") : nlohmann::json();
  const auto& data = j.contains("data") ? j.at("data") : nlohmann::json();
  c.source.model_path = field<std::string>(model, "path", where + ": model");
  c.source.model_fingerprint = field<std::string>(model, "fingerprint", where + ": model");
  c.source.data_path = field<std::string>(data, "path", where + ": data");
  c.source.data_fingerprint = field<std::string>(data, "fingerprint", where + ": data");
  c.images = static_cast<std::size_t>(int_field(data, "images", where + ": data", 0, kMaxCount));
  c.source.mean = field<std::array<float, 3>>(data, "mean", where + ": data");
  c.source.std = field<std::array<float, 3>>(data, "std", where + ": data");
  if (j.contains("replacements")) {
    const auto& r = j.at("replacements");
    c.source.replacements_path = field<std::string>(r, "path", where + ": replacements");
    c.source.replacements_fingerprint = field<std::string>(r, "fingerprint", where + ": replacements");
  }
  const auto& res = j.contains("reservoir") ? j.at("reservoir") : nlohmann::json();
  c.reservoir_size = static_cast<std::size_t>(int_field(res, "size", where + ": reservoir", 0, kMaxCount));
  c.seed_hex = field<std::string>(res, "seed", where + ": reservoir");
  c.histogram_bins = static_cast<int>(int_field(j, "histogram_bins", where, 1, kMaxHistogramBins));
  c.channel_histogram_bins = j.contains("channel_histogram_bins")
                                 ? static_cast<int>(int_field(j, "channel_histogram_bins", where, 1, kMaxHistogramBins))
                                 : 0;
  const auto sites = field<nlohmann::json>(j, "sites", where);
  if (!sites.is_array()) throw DataError(ola::mismatch(where, "sites", "an array", sites.type_name()));
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const std::string w = where + ": sites[" + std::to_string(i) + "]";
    const auto& sj = sites[i];
    SiteStatistics s;
    s.site = field<int>(sj, "index", w);
    if (s.site != static_cast<int>(i)) throw DataError(ola::mismatch(w, "index", i, s.site));
    s.name = field<std::string>(sj, "name", w);
    try {
      s.activation = approx::activation_from_string(field<std::string>(sj, "activation", w));
    } catch (const ola::Error& e) {
      throw DataError(w + ": activation: " + e.what());
    }
    s.shape = field<Shape>(sj, "shape", w);
    s.count = static_cast<std::uint64_t>(int_field(sj, "count", w, 0, kMaxCount));
    s.min = field<double>(sj, "min", w);
    s.max = field<double>(sj, "max", w);
    s.mean = field<double>(sj, "mean", w);
    s.stddev = field<double>(sj, "std", w);
    s.quantiles = field<decltype(s.quantiles)>(sj, "quantiles", w);
    std::int64_t total = 0;
    s.histogram = read_counts(field<nlohmann::json>(sj, "histogram", w), static_cast<std::size_t>(c.histogram_bins),
                              "histogram", w, total);
    if (c.channel_histogram_bins > 0) {
      const auto per_channel = field<nlohmann::json>(sj, "channel_histograms", w);
      const std::int64_t channels = s.shape.size() > 1 ? s.shape[1] : 1;
      if (!per_channel.is_array() || per_channel.size() != static_cast<std::size_t>(channels)) {
        throw DataError(ola::mismatch(w, "channel_histograms", "an array of " + std::to_string(channels) + " (shape[1])",
                                      per_channel.is_array() ? std::to_string(per_channel.size()) : per_channel.type_name()));
      }
      std::int64_t channel_total = 0;
      for (std::size_t ch = 0; ch < per_channel.size(); ++ch) {
        s.channel_histograms.push_back(read_counts(per_channel[ch], static_cast<std::size_t>(c.channel_histogram_bins),
                                                   "channel_histograms[" + std::to_string(ch) + "]", w, channel_total));
      }
      if (channel_total != total) throw DataError(ola::mismatch(w, "channel_histograms sum", total, channel_total));
    }
    s.sample = field<std::vector<float>>(sj, "sample", w);
    if (!(s.min <= s.max)) throw DataError(ola::mismatch(w, "min <= max", "true", std::to_string(s.min) + " > " + std::to_string(s.max)));
    if (static_cast<std::uint64_t>(total) != s.count) throw DataError(ola::mismatch(w, "histogram sum", s.count, total));
    if (s.sample.size() > c.reservoir_size) throw DataError(ola::mismatch(w, "sample size", "<= " + std::to_string(c.reservoir_size), s.sample.size()));
    c.sites.push_back(std::move(s));
  }
  const std::string fp = field<std::string>(j, "fingerprint", where);
  if (fp != calibration_fingerprint(c)) throw DataError(ola::mismatch(where, "fingerprint", calibration_fingerprint(c), fp));
  return c;
}

Calibration load_calibration(const std::filesystem::path& path) {
  const std::string text = read_file_text(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    throw DataError(ola::mismatch(path.string(), "contents", "JSON", e.what()));
  }
  return calibration_from_json(j, path.string());
}

}  // namespace ola::nn
