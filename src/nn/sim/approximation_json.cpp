#include "nn/sim/approximation_json.h"

#include <set>

#include "nn/error.h"

namespace ola::nn {
namespace {

template <class T>
T get(const nlohmann::json& j, const std::string& key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw DataError(ola::mismatch(where, key, "present", "absent"));
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw DataError(ola::mismatch(where, key, "a value of the right type", j.at(key).dump().substr(0, 40)));
  }
}

template <class T>
T get_or(const nlohmann::json& j, const std::string& key, T fallback, const std::string& where) {
  return j.contains(key) ? get<T>(j, key, where) : fallback;
}

nlohmann::json polys_to_json(const std::vector<approx::ChebPoly>& polys) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : polys) out.push_back({{"lo", s.lo}, {"hi", s.hi}, {"coeffs", s.coeffs}});
  return out;
}

// An array of {"lo", "hi", "coeffs"} (field `key` of j, empty if absent).
std::vector<approx::ChebPoly> polys_from_json(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const auto polys = get_or<nlohmann::json>(j, key, nlohmann::json::array(), where);
  if (!polys.is_array()) throw DataError(ola::mismatch(where, key, "an array", polys.type_name()));
  std::vector<approx::ChebPoly> out;
  out.reserve(polys.size());
  for (std::size_t i = 0; i < polys.size(); ++i) {
    const std::string w = where + ": " + key + "[" + std::to_string(i) + "]";
    approx::ChebPoly p;
    p.lo = get<double>(polys[i], "lo", w);
    p.hi = get<double>(polys[i], "hi", w);
    p.coeffs = get<std::vector<double>>(polys[i], "coeffs", w);
    if (p.coeffs.empty()) throw DataError(ola::mismatch(w, "coeffs", "at least 1", 0));
    if (!(p.lo < p.hi)) throw DataError(ola::mismatch(w, "lo < hi", "true", std::to_string(p.lo) + " >= " + std::to_string(p.hi)));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

nlohmann::json to_json(const approx::Approximation& a) {
  const nlohmann::json stages = polys_to_json(a.stages);
  nlohmann::json out = {{"activation", approx::to_string(a.activation)},
          {"kind", approx::to_string(a.kind)},
          {"lo", a.lo},
          {"hi", a.hi},
          {"alpha", a.alpha},
          {"stages", stages},
          {"counts",
           {{"depth", a.counts.depth},
            {"nonscalar_mults", a.counts.nonscalar_mults},
            {"scalar_mults", a.counts.scalar_mults},
            {"additions", a.counts.additions}}},
          {"metrics", {{"weighted_mse", a.metrics.weighted_mse}, {"max_error", a.metrics.max_error}}}};
  if (a.has_channel_polys()) out["channels"] = polys_to_json(a.channels);
  return out;
}

approx::Approximation approximation_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw DataError(ola::mismatch(where, "approximation", "an object", j.type_name()));
  approx::Approximation a;
  try {
    a.activation = approx::activation_from_string(get<std::string>(j, "activation", where));
    a.kind = approx::kind_from_string(get<std::string>(j, "kind", where));
  } catch (const DataError&) {
    throw;
  } catch (const ola::Error& e) {
    throw DataError(where + ": " + e.what());
  }
  a.lo = get<double>(j, "lo", where);
  a.hi = get<double>(j, "hi", where);
  if (!(a.lo < a.hi)) throw DataError(ola::mismatch(where, "lo < hi", "true", std::to_string(a.lo) + " >= " + std::to_string(a.hi)));
  a.alpha = get_or<int>(j, "alpha", 0, where);
  a.stages = polys_from_json(j, "stages", where);
  if (a.kind != approx::Kind::exact && a.stages.empty()) throw DataError(ola::mismatch(where, "stages", "at least 1 for kind " + approx::to_string(a.kind), 0));
  if ((a.kind == approx::Kind::wls || a.kind == approx::Kind::minimax) && a.stages.size() != 1) {
    throw DataError(ola::mismatch(where, "stages", "1 for kind " + approx::to_string(a.kind), a.stages.size()));
  }
  a.channels = polys_from_json(j, "channels", where);
  if (a.has_channel_polys() && a.kind != approx::Kind::wls) {
    throw DataError(ola::mismatch(where, "channels", "only with kind wls", "kind " + approx::to_string(a.kind)));
  }
  for (std::size_t c = 0; c < a.channels.size(); ++c) {
    if (a.channels[c].degree() != a.stages[0].degree()) {
      throw DataError(ola::mismatch(where + ": channels[" + std::to_string(c) + "]", "degree",
                                    a.stages[0].degree(), a.channels[c].degree()));
    }
  }
  if (j.contains("counts")) {
    const auto& c = j.at("counts");
    const std::string w = where + ": counts";
    a.counts.depth = get<int>(c, "depth", w);
    a.counts.nonscalar_mults = get<int>(c, "nonscalar_mults", w);
    a.counts.scalar_mults = get<int>(c, "scalar_mults", w);
    a.counts.additions = get<int>(c, "additions", w);
  }
  if (j.contains("metrics")) {
    const auto& m = j.at("metrics");
    a.metrics.weighted_mse = get<double>(m, "weighted_mse", where + ": metrics");
    a.metrics.max_error = get<double>(m, "max_error", where + ": metrics");
  }
  return a;
}

SiteReplacements replacements_from_json(const Graph& g, const nlohmann::json& j, const std::string& where) {
  if (!j.is_array()) throw DataError(ola::mismatch(where, "plan", "an array of {site, approximation}", j.type_name()));
  SiteReplacements r(g.sites.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string w = where + ": [" + std::to_string(i) + "]";
    if (!j[i].is_object() || !j[i].contains("site")) throw DataError(ola::mismatch(w, "site", "present", "absent"));
    const auto& key = j[i].at("site");
    int site = -1;
    try {
      site = find_site(g, key.is_number_integer() ? std::to_string(key.get<std::int64_t>()) : key.is_string() ? key.get<std::string>() : key.dump());
    } catch (const ola::Error& e) {
      throw DataError(w + ": " + e.what());
    }
    if (r[static_cast<std::size_t>(site)]) throw DataError(ola::mismatch(w, "site", "listed once", g.sites[static_cast<std::size_t>(site)].name + " twice"));
    approx::Approximation a = approximation_from_json(get<nlohmann::json>(j[i], "approximation", w), w + ".approximation");
    if (a.activation != g.sites[static_cast<std::size_t>(site)].activation) {
      throw DataError(ola::mismatch(w + ".approximation", "activation", approx::to_string(g.sites[static_cast<std::size_t>(site)].activation),
                               approx::to_string(a.activation)));
    }
    if (a.has_channel_polys()) {
      const Shape& in = g.value(g.nodes[static_cast<std::size_t>(g.sites[static_cast<std::size_t>(site)].node)].inputs.at(0)).shape;
      if (in.size() < 2 || in[1] != static_cast<std::int64_t>(a.channels.size())) {
        throw DataError(ola::mismatch(w + ".approximation", "channels", "one per input channel of " +
                                      g.sites[static_cast<std::size_t>(site)].short_name + " (" +
                                      (in.size() < 2 ? std::string("none") : std::to_string(in[1])) + ")",
                                      a.channels.size()));
      }
    }
    r[static_cast<std::size_t>(site)] = std::move(a);
  }
  return r;
}

nlohmann::json to_json(const Graph& g, const SiteReplacements& r) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < r.size() && i < g.sites.size(); ++i) {
    if (r[i]) out.push_back({{"site", g.sites[i].short_name}, {"approximation", to_json(*r[i])}});
  }
  return out;
}

}  // namespace ola::nn
