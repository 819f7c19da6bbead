#include "cli/plan_replacements.h"

#include <nlohmann/json.hpp>

#include "approx/composite.h"
#include "nn/sim/approximation_json.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace ola::cli {

nn::SiteReplacements replacements_from_plan(const nn::Graph& g, const opt::Plan& plan, const std::string& where) {
  if (plan.sites.size() != g.sites.size()) {
    throw Error(ola::mismatch(where, "sites", std::to_string(g.sites.size()) + " (activation sites of the model)",
                         plan.sites.size()));
  }
  nn::SiteReplacements rep(g.sites.size());
  for (const auto& s : plan.sites) {
    if (s.index < 0 || static_cast<std::size_t>(s.index) >= g.sites.size()) {
      throw Error(ola::mismatch(where, "sites[].index", "0.." + std::to_string(g.sites.size() - 1), s.index));
    }
    const auto i = static_cast<std::size_t>(s.index);
    if (s.name != g.sites[i].name) {
      throw Error(ola::mismatch(where, "sites[" + std::to_string(i) + "].name", g.sites[i].name, s.name));
    }
    if (s.approximation.kind != approx::Kind::exact) rep[i] = s.approximation;
  }
  return rep;
}

nn::SiteReplacements replacements_from_text(const nn::Graph& g, const std::string& text, const std::string& where) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    throw FormatError(ola::mismatch(where, "contents", "JSON", e.what()));
  }
  if (j.is_object() && j.value("format", "") == "ola-plan") {
    return replacements_from_plan(g, opt::plan_from_json(j, where), where);
  }
  return nn::replacements_from_json(g, j, where);
}

nn::SiteReplacements load_replacements(const nn::Graph& g, const std::filesystem::path& path) {
  return replacements_from_text(g, read_file_text(path), path.string());
}

nn::SiteReplacements uniform_composite_relu(const nn::Graph& g, const opt::Plan& plan, int alpha) {
  nn::SiteReplacements rep = replacements_from_plan(g, plan, "plan");
  for (const auto& s : plan.sites) {
    const auto i = static_cast<std::size_t>(s.index);
    if (s.approximation.activation != approx::Activation::relu) {
      rep[i].reset();
      continue;
    }
    // Same interval as the plan's polynomial (calibrated range + margin): only the polynomial differs.
    const double lo = s.approximation.kind == approx::Kind::exact ? s.range_lo : s.approximation.lo;
    const double hi = s.approximation.kind == approx::Kind::exact ? s.range_hi : s.approximation.hi;
    rep[i] = approx::make_composite_relu(alpha, lo, hi);
  }
  return rep;
}

}  // namespace ola::cli
