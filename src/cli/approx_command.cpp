// `ola approx`: fits one activation polynomial (WLS against a distribution, minimax, or composite
// minimax ReLU) and prints its coefficients, CKKS cost (depth, multiplications) and errors.
//
//   ola approx --act gelu --degree 3 --range -6,6 [--dist FILE [--site NAME]]
//              [--kind wls|minimax|composite] [--alpha 13] [--uniform-weight 1e-3] [--json]
//   ola approx --write-composite-table src/approx/composite_table.cpp
//   ola bench approx [--n N] [--json]     (speed of fitting and of plain evaluation)
//
// --dist FILE is either a histogram JSON {"edges":[...],"counts":[...]} (approx/distribution.h)
// or a calibration file of `ola calibrate` (docs/calibration-format.md; pick the site with
// --site NAME or index, whose [min, max] is also the default --range). Without --dist, WLS fits
// against the uniform distribution on the range.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

#include "approx/chebyshev.h"
#include "approx/compiled.h"
#include "approx/composite.h"
#include "approx/distribution.h"
#include "approx/fit_error.h"
#include "approx/metrics.h"
#include "approx/wls.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/progress_bar.h"
#include "nn/calib/calibration_json.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace ola::cli {
namespace {

struct ApproxOptions {
  std::string act = "relu";
  int degree = 0;
  std::string range;
  std::string dist;
  std::string site;
  std::string kind = "wls";
  int alpha = 13;
  double uniform_weight = approx::kDefaultUniformWeight;
  bool json = false;
  std::string write_table;
};

constexpr int kMonomialMaxDegree = 15;

std::pair<double, double> parse_range(const std::string& s) {
  const auto comma = s.find(',');
  double lo = 0, hi = 0;
  std::size_t used_lo = 0, used_hi = 0;
  try {
    if (comma == std::string::npos) throw std::invalid_argument("no comma");
    lo = std::stod(s.substr(0, comma), &used_lo);
    hi = std::stod(s.substr(comma + 1), &used_hi);
  } catch (const std::exception&) {
    throw ola::Error(ola::mismatch("ola approx", "--range", "LO,HI (two numbers)", "'" + s + "'"));
  }
  if (used_lo != comma || used_hi != s.size() - comma - 1) {
    throw ola::Error(ola::mismatch("ola approx", "--range", "LO,HI (two numbers)", "'" + s + "'"));
  }
  return {lo, hi};
}

struct LoadedDist {
  approx::Distribution dist;
  std::string description;
  bool has_range = false;
  double lo = 0, hi = 0;
};

// A histogram JSON, or one site of a calibration file.
LoadedDist load_distribution(const std::string& path, const std::string& site) {
  nlohmann::json j;
  {
    std::ifstream in(path);
    if (!in) throw ola::Error(ola::mismatch(path, "file", "readable", "cannot open"));
    try {
      in >> j;
    } catch (const nlohmann::json::exception& e) {
      throw ola::FormatError(ola::mismatch(path, "json", "valid JSON", e.what()));
    }
  }
  LoadedDist out;
  if (!(j.is_object() && j.contains("sites"))) {
    if (!site.empty()) {
      throw ola::Error(ola::mismatch("ola approx", "--site", "a calibration file (with \"sites\")",
                                     "a histogram file " + path));
    }
    out.dist = approx::histogram_from_json(j, path);
    out.description = "histogram " + path;
    return out;
  }
  const nn::Calibration cal = nn::calibration_from_json(j, path);
  if (site.empty()) {
    throw ola::Error(ola::mismatch("ola approx", "--site", "a site name or index of " + path,
                                   "nothing (" + std::to_string(cal.sites.size()) + " sites)"));
  }
  const nn::SiteStatistics* found = nullptr;
  for (const auto& s : cal.sites) {
    if (s.name == site || std::to_string(s.site) == site) found = &s;
  }
  if (found == nullptr) throw ola::Error(ola::mismatch(path, "site", "one of its site names", "'" + site + "'"));
  const std::size_t bins = found->histogram.size();
  if (bins == 0 || !(found->max > found->min)) {
    throw ola::Error(ola::mismatch(path, "site " + site + " histogram", "non-empty over min < max",
                                   std::to_string(bins) + " bins over [" + std::to_string(found->min) +
                                       ", " + std::to_string(found->max) + "]"));
  }
  std::vector<double> edges(bins + 1), counts(bins);
  for (std::size_t i = 0; i <= bins; ++i) {
    edges[i] = found->min + (found->max - found->min) * static_cast<double>(i) / static_cast<double>(bins);
  }
  for (std::size_t i = 0; i < bins; ++i) counts[i] = static_cast<double>(found->histogram[i]);
  out.dist = approx::Distribution::histogram(std::move(edges), std::move(counts));
  out.description = "calibration " + path + " site " + found->name;
  out.has_range = true;
  out.lo = found->min;
  out.hi = found->max;
  return out;
}

nlohmann::json to_json(const approx::Approximation& a) {
  nlohmann::json j;
  j["activation"] = approx::to_string(a.activation);
  j["kind"] = approx::to_string(a.kind);
  j["label"] = a.label();
  j["lo"] = a.lo;
  j["hi"] = a.hi;
  j["degree"] = a.degree();
  if (a.kind == approx::Kind::composite_relu) {
    const auto& c = approx::composite_sign(a.alpha);
    j["alpha"] = a.alpha;
    j["sign_eps"] = c.eps;
    j["sign_error"] = c.error;
    j["bound"] = std::max(std::abs(a.lo), std::abs(a.hi));
  }
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : a.stages) {
    nlohmann::json st;
    st["lo"] = s.lo;
    st["hi"] = s.hi;
    st["degree"] = s.degree();
    st["chebyshev"] = s.coeffs;
    if (s.degree() <= kMonomialMaxDegree) st["monomial"] = approx::to_monomial(s);
    stages.push_back(st);
  }
  j["stages"] = stages;
  j["counts"] = {{"depth", a.counts.depth},
                 {"nonscalar_mults", a.counts.nonscalar_mults},
                 {"scalar_mults", a.counts.scalar_mults},
                 {"additions", a.counts.additions}};
  j["metrics"] = {{"weighted_mse", a.metrics.weighted_mse}, {"max_error", a.metrics.max_error}};
  return j;
}

void print_text(const approx::Approximation& a, const std::string& dist) {
  std::ostringstream os;
  os << a.label() << " for " << approx::to_string(a.activation) << " on [" << a.lo << ", " << a.hi << "]\n";
  if (!dist.empty()) os << "distribution: " << dist << "\n";
  for (std::size_t i = 0; i < a.stages.size(); ++i) {
    const auto& s = a.stages[i];
    os << "stage " << i << " (degree " << s.degree() << ", Chebyshev on [" << s.lo << ", " << s.hi << "]):";
    for (double c : s.coeffs) os << " " << c;
    os << "\n";
    if (s.degree() <= kMonomialMaxDegree) {
      os << "  monomial:";
      for (double c : approx::to_monomial(s)) os << " " << c;
      os << "\n";
    }
  }
  os << "depth " << a.counts.depth << ", non-scalar mults " << a.counts.nonscalar_mults
     << ", scalar mults " << a.counts.scalar_mults << ", additions " << a.counts.additions << "\n";
  os << "weighted MSE " << a.metrics.weighted_mse << ", max error " << a.metrics.max_error << "\n";
  std::fputs(os.str().c_str(), stdout);
}

void run(const ApproxOptions& o) {
  if (!o.write_table.empty()) {
    const std::string src = approx::generate_composite_table(make_progress_bar(!o.json));
    write_file_atomic(o.write_table, src);
    if (o.json) print_json({{"written", o.write_table}});
    else std::printf("wrote %s\n", o.write_table.c_str());
    return;
  }
  std::unique_ptr<LoadedDist> dist;
  if (!o.dist.empty()) dist = std::make_unique<LoadedDist>(load_distribution(o.dist, o.site));
  double lo = 0, hi = 0;
  if (!o.range.empty()) {
    std::tie(lo, hi) = parse_range(o.range);
  } else if (dist && dist->has_range) {
    lo = dist->lo;
    hi = dist->hi;
  } else {
    throw ola::Error(ola::mismatch("ola approx", "--range", "LO,HI (or --dist with --site)", "nothing"));
  }
  const approx::Activation act = approx::activation_from_string(o.act);
  approx::Approximation a;
  if (o.kind == "composite") {
    if (act != approx::Activation::relu) {
      throw ola::Error(ola::mismatch("ola approx", "--act (with --kind composite)", "relu", o.act));
    }
    a = approx::make_composite_relu(o.alpha, lo, hi);
    if (dist) a.metrics.weighted_mse = approx::weighted_mse(a, dist->dist);
  } else if (o.kind == "minimax") {
    a = approx::make_minimax(act, o.degree, lo, hi, dist ? &dist->dist : nullptr);
  } else if (o.kind == "wls") {
    const approx::Distribution uniform = approx::Distribution::uniform(lo, hi);
    a = approx::make_wls(act, o.degree, lo, hi, dist ? dist->dist : uniform,
                         approx::WlsOptions{o.uniform_weight});
  } else {
    throw ola::Error(ola::mismatch("ola approx", "--kind", "wls|minimax|composite", "'" + o.kind + "'"));
  }
  const std::string desc = dist ? dist->description : (o.kind == "wls" ? "uniform on the range" : "");
  if (o.json) {
    nlohmann::json j = to_json(a);
    j["distribution"] = desc;
    if (o.kind == "wls") j["uniform_weight"] = o.uniform_weight;
    print_json(j);
  } else {
    print_text(a, desc);
  }
}

struct BenchOptions {
  std::size_t n = std::size_t{1} << 22;
  bool json = false;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Median-free simple timing: best of `reps` runs of f.
template <class F>
double best_seconds(int reps, F&& f) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

void run_bench(const BenchOptions& o) {
  if (o.n == 0) throw ola::Error(ola::mismatch("ola bench approx", "--n", ">= 1", 0));
  // A normal-shaped 2048-bin histogram on [-6, 8] (the shape of a ReLU input site).
  std::vector<double> edges, counts;
  for (int i = 0; i <= 2048; ++i) edges.push_back(-6.0 + 14.0 * i / 2048.0);
  for (int i = 0; i < 2048; ++i) {
    const double x = 0.5 * (edges[static_cast<std::size_t>(i)] + edges[static_cast<std::size_t>(i) + 1]);
    counts.push_back(1e6 * std::exp(-0.5 * x * x));
  }
  const approx::Distribution dist = approx::Distribution::histogram(edges, counts);
  nlohmann::json j;
  approx::Approximation wls7, wls31, comp;
  j["make_wls_relu_d7_ms"] = 1e3 * best_seconds(3, [&] { wls7 = approx::make_wls(approx::Activation::relu, 7, -6, 8, dist); });
  j["make_wls_relu_d31_ms"] = 1e3 * best_seconds(3, [&] { wls31 = approx::make_wls(approx::Activation::relu, 31, -6, 8, dist); });
  j["make_composite_relu_a13_ms"] = 1e3 * best_seconds(3, [&] { comp = approx::make_composite_relu(13, -6, 8); });
  j["design_composite_a13_remez_ms"] =
      1e3 * best_seconds(1, [&] { (void)approx::design_composite(13, approx::composite_sign(13).eps); });
  std::vector<double> c63(64);
  for (std::size_t k = 1; k < c63.size(); k += 2) c63[k] = 1.0 / static_cast<double>(k);
  j["plan_poly_odd_d63_us"] = 1e6 * best_seconds(3, [&] { (void)ckks::plan_poly(c63); });
  std::vector<float> in(o.n), out(o.n);
  for (std::size_t i = 0; i < o.n; ++i) in[i] = -6.0f + 14.0f * static_cast<float>(i) / static_cast<float>(o.n);
  for (const auto& [name, a] : {std::pair<std::string, const approx::Approximation*>{"wls_d7", &wls7},
                                {"wls_d31", &wls31}, {"composite_a13", &comp}}) {
    const approx::CompiledApproximation c = approx::compile(*a);
    const double s = best_seconds(3, [&] { approx::evaluate(c, in, out); });
    j["evaluate_" + name + "_mact_per_s"] = static_cast<double>(o.n) / s / 1e6;
  }
  j["n"] = o.n;
  j["threads"] = 1;
  if (o.json) {
    print_json(j);
  } else {
    for (const auto& [k, v] : j.items()) std::printf("%-36s %s\n", k.c_str(), v.dump().c_str());
  }
}

}  // namespace

OLA_REGISTER_BENCH("approx", "Speed of polynomial fitting and of plain (schedule-order) evaluation, one thread",
                   [](CLI::App& sub) {
                     auto o = std::make_shared<BenchOptions>();
                     sub.add_option("--n", o->n, "activations per evaluation run")->capture_default_str();
                     sub.add_flag("--json", o->json, "print one JSON object");
                     sub.callback([o] { run_bench(*o); });
                   });

OLA_REGISTER_COMMAND("approx", "Fit an activation polynomial (WLS, minimax or composite ReLU) and print its cost and error",
                     [](CLI::App& sub) {
                       auto o = std::make_shared<ApproxOptions>();
                       sub.add_option("--act", o->act, "activation: relu, gelu or silu")->capture_default_str();
                       sub.add_option("--degree", o->degree, "polynomial degree (wls, minimax)");
                       sub.add_option("--range", o->range, "input interval LO,HI (e.g. -6,6)");
                       sub.add_option("--dist", o->dist, "histogram JSON {\"edges\":[..],\"counts\":[..]} or calibration file");
                       sub.add_option("--site", o->site, "calibration site name or index (with a calibration --dist)");
                       sub.add_option("--kind", o->kind, "wls, minimax or composite (ReLU, by --alpha)")->capture_default_str();
                       sub.add_option("--alpha", o->alpha, "composite precision alpha, 4..14")->capture_default_str();
                       sub.add_option("--uniform-weight", o->uniform_weight, "WLS uniform weight over the range, relative to the data")->capture_default_str();
                       sub.add_flag("--json", o->json, "print one JSON object");
                       sub.add_option("--write-composite-table", o->write_table,
                                      "regenerate the composite sign table (C++ source) into this file and exit");
                       sub.callback([o] { run(*o); });
                     });

}  // namespace ola::cli
