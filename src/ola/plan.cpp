#include "ola/plan.h"

#include "nn/sim/approximation_json.h"
#include "ola/json_fields.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace ola::opt {

namespace jf = json_fields;

std::string to_string(StepKind k) {
  switch (k) {
    case StepKind::linear: return "linear";
    case StepKind::activation: return "activation";
    case StepKind::skip_open: return "skip_open";
    case StepKind::skip_merge: return "skip_merge";
  }
  return "?";
}

StepKind step_kind_from_string(const std::string& s, const std::string& where) {
  for (StepKind k : {StepKind::linear, StepKind::activation, StepKind::skip_open, StepKind::skip_merge}) {
    if (to_string(k) == s) return k;
  }
  throw FormatError(ola::mismatch(where, "kind", "linear|activation|skip_open|skip_merge", "\"" + s + "\""));
}

namespace {

nlohmann::json totals_to_json(const PlanTotals& t) {
  return {{"predicted_seconds", t.predicted_ms / 1000.0},
          {"bootstrap_seconds", t.bootstrap_ms / 1000.0},
          {"activation_seconds", t.activation_ms / 1000.0},
          {"linear_seconds", t.linear_ms / 1000.0},
          {"bootstraps", t.bootstraps},
          {"predicted_loss", t.predicted_loss}};
}

PlanTotals totals_from_json(const nlohmann::json& j, const std::string& w) {
  PlanTotals t;
  t.predicted_ms = jf::get_double(j, "predicted_seconds", w) * 1000.0;
  t.bootstrap_ms = jf::get_double(j, "bootstrap_seconds", w) * 1000.0;
  t.activation_ms = jf::get_double(j, "activation_seconds", w) * 1000.0;
  t.linear_ms = jf::get_double(j, "linear_seconds", w) * 1000.0;
  t.bootstraps = jf::get_int(j, "bootstraps", w);
  t.predicted_loss = jf::get_double(j, "predicted_loss", w);
  if (t.bootstraps < 0) throw FormatError(ola::mismatch(w, "bootstraps", ">= 0", t.bootstraps));
  return t;
}

int level_field(const nlohmann::json& j, const std::string& key, const std::string& w) {
  const int v = jf::get_int(j, key, w);
  if (v < 0) throw FormatError(ola::mismatch(w, key, ">= 0", v));
  return v;
}

}  // namespace

nlohmann::json plan_to_json(const Plan& p) {
  nlohmann::json sites = nlohmann::json::array();
  for (const auto& s : p.sites) {
    sites.push_back({{"index", s.index},
                     {"name", s.name},
                     {"range", {s.range_lo, s.range_hi}},
                     {"approximation", nn::to_json(s.approximation)},
                     {"depth", s.approximation.counts.depth},
                     {"level_before", s.level_before},
                     {"level_after", s.level_after},
                     {"bootstrap_before", s.bootstrap_before},
                     {"predicted_loss", s.predicted_loss},
                     {"predicted_seconds", s.predicted_ms / 1000.0},
                     {"ciphertexts", s.ciphertexts}});
  }
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : p.steps) {
    steps.push_back({{"kind", to_string(s.kind)},
                     {"name", s.name},
                     {"site", s.site},
                     {"bootstrap_before", s.bootstrap_before},
                     {"level_before", s.level_before},
                     {"level_after", s.level_after},
                     {"seconds", s.ms / 1000.0},
                     {"bootstrap_seconds", s.bootstrap_ms / 1000.0}});
  }
  nlohmann::json baselines = nlohmann::json::array();
  for (const auto& b : p.baselines) {
    nlohmann::json jb = {{"name", b.name}, {"description", b.description}, {"feasible", b.feasible}};
    if (b.feasible) jb["totals"] = totals_to_json(b.totals);
    if (b.split_bootstraps > 0) jb["split_bootstraps"] = b.split_bootstraps;
    if (!b.parameter_set.empty()) jb["parameter_set"] = b.parameter_set;
    baselines.push_back(jb);
  }
  return {{"format", "ola-plan"},
          {"version", 1},
          {"model", p.model},
          {"model_fingerprint", p.model_fingerprint},
          {"calibration_fingerprint", p.calibration_fingerprint},
          {"cost_table_fingerprint", p.cost_table_fingerprint},
          {"parameter_set", p.parameter_set},
          {"bootstrap_cost", p.bootstrap_cost},
          {"loss_metric", p.loss_metric},
          {"budget", p.budget},
          {"loss_quantum", p.loss_quantum},
          {"sites", sites},
          {"steps", steps},
          {"totals", totals_to_json(p.totals)},
          {"baselines", baselines},
          {"notes", p.notes}};
}

Plan plan_from_json(const nlohmann::json& j, const std::string& where) {
  jf::require_object(j, where);
  jf::expect_string(j, "format", "ola-plan", where);
  jf::expect_int(j, "version", 1, where);
  Plan p;
  p.model = jf::get_string(j, "model", where);
  p.model_fingerprint = jf::get_string(j, "model_fingerprint", where);
  p.calibration_fingerprint = jf::get_string(j, "calibration_fingerprint", where);
  p.cost_table_fingerprint = jf::get_string(j, "cost_table_fingerprint", where);
  p.parameter_set = jf::get_string(j, "parameter_set", where);
  p.bootstrap_cost = jf::get_string(j, "bootstrap_cost", where);
  if (p.bootstrap_cost != "measured" && p.bootstrap_cost != "estimated") {
    throw FormatError(ola::mismatch(where, "bootstrap_cost", "\"measured\" or \"estimated\"", "\"" + p.bootstrap_cost + "\""));
  }
  p.loss_metric = jf::get_string(j, "loss_metric", where);
  p.budget = jf::get_double(j, "budget", where);
  p.loss_quantum = jf::get_double(j, "loss_quantum", where);
  const auto& sites = jf::get_array(j, "sites", where);
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const std::string w = where + ": sites[" + std::to_string(i) + "]";
    const auto& js = sites[i];
    PlanSite s;
    s.index = jf::get_int(js, "index", w);
    if (s.index != static_cast<int>(i)) throw FormatError(ola::mismatch(w, "index", i, s.index));
    s.name = jf::get_string(js, "name", w);
    const auto& range = jf::get_array(js, "range", w);
    if (range.size() != 2 || !range[0].is_number() || !range[1].is_number() ||
        !(range[0].get<double>() <= range[1].get<double>())) {
      throw FormatError(ola::mismatch(w, "range", "[lo, hi] with lo <= hi", range.dump()));
    }
    s.range_lo = range[0].get<double>();
    s.range_hi = range[1].get<double>();
    s.approximation = nn::approximation_from_json(jf::get_object(js, "approximation", w), w + ": approximation");
    const int depth = jf::get_int(js, "depth", w);
    if (depth != s.approximation.counts.depth) {
      throw FormatError(ola::mismatch(w, "depth", s.approximation.counts.depth, depth));
    }
    s.level_before = level_field(js, "level_before", w);
    s.level_after = level_field(js, "level_after", w);
    s.bootstrap_before = jf::get_bool(js, "bootstrap_before", w);
    s.predicted_loss = jf::get_double(js, "predicted_loss", w);
    s.predicted_ms = jf::get_double(js, "predicted_seconds", w) * 1000.0;
    s.ciphertexts = jf::get_int(js, "ciphertexts", w);
    p.sites.push_back(std::move(s));
  }
  const auto& steps = jf::get_array(j, "steps", where);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string w = where + ": steps[" + std::to_string(i) + "]";
    PlanStep s;
    s.kind = step_kind_from_string(jf::get_string(steps[i], "kind", w), w);
    s.name = jf::get_string(steps[i], "name", w);
    s.site = jf::get_int(steps[i], "site", w);
    if (s.kind == StepKind::activation && (s.site < 0 || s.site >= static_cast<int>(p.sites.size()))) {
      throw FormatError(ola::mismatch(w, "site", "0.." + std::to_string(static_cast<int>(p.sites.size()) - 1), s.site));
    }
    s.bootstrap_before = jf::get_bool(steps[i], "bootstrap_before", w);
    s.level_before = level_field(steps[i], "level_before", w);
    s.level_after = level_field(steps[i], "level_after", w);
    s.ms = jf::get_double(steps[i], "seconds", w) * 1000.0;
    s.bootstrap_ms = jf::get_double(steps[i], "bootstrap_seconds", w) * 1000.0;
    if (s.bootstrap_ms > s.ms || (s.bootstrap_ms > 0.0) != s.bootstrap_before) {
      throw FormatError(ola::mismatch(w, "bootstrap_seconds", "> 0 exactly when bootstrap_before, and <= seconds",
                                      s.bootstrap_ms / 1000.0));
    }
    p.steps.push_back(s);
  }
  p.totals = totals_from_json(jf::get_object(j, "totals", where), where + ": totals");
  const auto& baselines = jf::get_array(j, "baselines", where);
  for (std::size_t i = 0; i < baselines.size(); ++i) {
    const std::string w = where + ": baselines[" + std::to_string(i) + "]";
    Baseline b;
    b.name = jf::get_string(baselines[i], "name", w);
    b.description = jf::get_string(baselines[i], "description", w);
    b.feasible = jf::get_bool(baselines[i], "feasible", w);
    if (b.feasible) b.totals = totals_from_json(jf::get_object(baselines[i], "totals", w), w + ": totals");
    if (baselines[i].contains("split_bootstraps")) b.split_bootstraps = jf::get_int(baselines[i], "split_bootstraps", w);
    if (baselines[i].contains("parameter_set")) b.parameter_set = jf::get_string(baselines[i], "parameter_set", w);
    p.baselines.push_back(b);
  }
  const auto& notes = jf::get_array(j, "notes", where);
  for (std::size_t i = 0; i < notes.size(); ++i) {
    if (!notes[i].is_string()) throw FormatError(ola::mismatch(where, "notes[" + std::to_string(i) + "]", "a string", notes[i].type_name()));
    p.notes.push_back(notes[i].get<std::string>());
  }
  return p;
}

void save_plan(const Plan& p, const std::filesystem::path& path) {
  write_file_atomic(path, plan_to_json(p).dump(2) + "\n");
}

Plan load_plan(const std::filesystem::path& path) {
  const std::string text = read_file_text(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    throw FormatError(path.string() + ": JSON: expected a valid JSON document, got parse error: " + e.what());
  }
  return plan_from_json(j, path.string());
}

}  // namespace ola::opt
