#include "ola/approximation_json.h"

#include <cmath>

#include "ola/json_fields.h"
#include "util/error.h"

namespace ola::opt {

namespace jf = json_fields;

nlohmann::json approximation_to_json(const approx::Approximation& a) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : a.stages) stages.push_back({{"lo", s.lo}, {"hi", s.hi}, {"coeffs", s.coeffs}});
  return {{"activation", approx::to_string(a.activation)},
          {"kind", approx::to_string(a.kind)},
          {"label", a.label()},
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
}

approx::Approximation approximation_from_json(const nlohmann::json& j, const std::string& where) {
  approx::Approximation a;
  try {
    a.activation = approx::activation_from_string(jf::get_string(j, "activation", where));
    a.kind = approx::kind_from_string(jf::get_string(j, "kind", where));
  } catch (const FormatError&) {
    throw;
  } catch (const Error& e) {
    throw FormatError(where + ": " + e.what());
  }
  a.lo = jf::get_double(j, "lo", where);
  a.hi = jf::get_double(j, "hi", where);
  if (!(a.lo < a.hi)) throw FormatError(ola::mismatch(where, "hi", "> lo = " + std::to_string(a.lo), a.hi));
  a.alpha = jf::get_int(j, "alpha", where);
  const auto& stages = jf::get_array(j, "stages", where);
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const std::string ws = where + ": stages[" + std::to_string(i) + "]";
    approx::ChebPoly p;
    p.lo = jf::get_double(stages[i], "lo", ws);
    p.hi = jf::get_double(stages[i], "hi", ws);
    if (!(p.lo < p.hi)) throw FormatError(ola::mismatch(ws, "hi", "> lo = " + std::to_string(p.lo), p.hi));
    const auto& c = jf::get_array(stages[i], "coeffs", ws);
    if (c.empty()) throw FormatError(ola::mismatch(ws, "coeffs", "at least one coefficient", "none"));
    for (std::size_t k = 0; k < c.size(); ++k) {
      if (!c[k].is_number() || !std::isfinite(c[k].get<double>())) {
        throw FormatError(ola::mismatch(ws, "coeffs[" + std::to_string(k) + "]", "a finite number", c[k].dump()));
      }
      p.coeffs.push_back(c[k].get<double>());
    }
    a.stages.push_back(std::move(p));
  }
  const std::size_t n = a.stages.size();
  if ((a.kind == approx::Kind::wls || a.kind == approx::Kind::minimax) && n != 1) {
    throw FormatError(ola::mismatch(where, "stages", "exactly 1 for kind " + approx::to_string(a.kind), n));
  }
  if (a.kind == approx::Kind::composite_relu) {
    if (n == 0) throw FormatError(ola::mismatch(where, "stages", "at least 1 for composite_relu", 0));
    if (a.alpha < 1) throw FormatError(ola::mismatch(where, "alpha", ">= 1 for composite_relu", a.alpha));
  }
  const std::string wc = where + ": counts";
  const auto& counts = jf::get_object(j, "counts", where);
  a.counts.depth = jf::get_int(counts, "depth", wc);
  a.counts.nonscalar_mults = jf::get_int(counts, "nonscalar_mults", wc);
  a.counts.scalar_mults = jf::get_int(counts, "scalar_mults", wc);
  a.counts.additions = jf::get_int(counts, "additions", wc);
  for (int v : {a.counts.depth, a.counts.nonscalar_mults, a.counts.scalar_mults, a.counts.additions}) {
    if (v < 0) throw FormatError(ola::mismatch(wc, "(count)", ">= 0", v));
  }
  const auto& metrics = jf::get_object(j, "metrics", where);
  a.metrics.weighted_mse = jf::get_double(metrics, "weighted_mse", where + ": metrics");
  a.metrics.max_error = jf::get_double(metrics, "max_error", where + ": metrics");
  return a;
}

}  // namespace ola::opt
