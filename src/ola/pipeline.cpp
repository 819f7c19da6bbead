#include "ola/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "approx/composite.h"
#include "nn/calib/calibration_json.h"
#include "nn/data/cifar10.h"
#include "nn/onnx/onnx_import.h"
#include "nn/sim/simulate.h"
#include "ola/baselines.h"
#include "ola/calibration_match.h"
#include "ola/cost_table.h"
#include "ola/plan_error.h"
#include "util/atomic_file.h"
#include "util/hash.h"

namespace ola::opt {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// `count` records of a CIFAR-10 file after `skip`, normalised as the calibration was; count 0:
// what is left, at most s.select_count.
nn::ImageSet load_records(const PipelineSettings& s, const nn::Calibration& calib, const std::filesystem::path& path,
                          std::size_t skip, std::size_t count) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  const std::size_t records = bytes.size() / static_cast<std::size_t>(nn::kCifarRecordBytes);
  if (count == 0) count = records > skip ? std::min(s.select_count, records - skip) : 0;  // selection: what is left
  if (count == 0 || skip + count > records) {
    throw PlanError(ola::mismatch(path.string(), "records", ">= " + std::to_string(skip + std::max<std::size_t>(count, 1)) + " (" +
                                                                std::to_string(skip) + " skipped + " +
                                                                std::to_string(count) + " held out)",
                                  records));
  }
  const auto begin = static_cast<std::size_t>(nn::kCifarRecordBytes) * skip;
  const auto len = static_cast<std::size_t>(nn::kCifarRecordBytes) * count;
  nn::CifarOptions co;
  if (calib.source.std[0] > 0.0f) {
    co.mean = calib.source.mean;
    co.std = calib.source.std;
  }
  return nn::decode_cifar10(std::span<const std::uint8_t>(bytes).subspan(begin, len),
                            path.string() + " records " + std::to_string(skip) + ".." +
                                std::to_string(skip + count - 1),
                            co);
}

// `count` records of the held-out file after `extra_skip` more records (selection images follow the
// held-out ones).
nn::ImageSet load_heldout(const PipelineSettings& s, const nn::Calibration& calib, std::size_t count,
                          std::size_t extra_skip = 0) {
  if (!s.heldout.empty()) return load_records(s, calib, s.heldout, s.heldout_skip + extra_skip, count);
  if (calib.source.data_path.empty()) {
    throw PlanError(ola::mismatch(s.calibration.string(), "source.data_path",
                                  "the calibration's image file (or give --heldout)", "empty"));
  }
  return load_records(s, calib, calib.source.data_path, calib.images + extra_skip, count);
}

// Proxy impacts (method.md step 4): measure one probe per site (the WLS candidate of degree
// nearest 7), take the sensitivity s_l = KL_probe / MSE_probe, and predict KL = s_l * MSE for the
// rest. Disagreement is only known for the probes.
ImpactTable proxy_impacts(const nn::Graph& g, const nn::Tensor& images, std::span<const int> labels,
                          const std::vector<std::vector<approx::Approximation>>& cands, const std::string& key,
                          const ImpactOptions& opt, const Progress& progress) {
  std::vector<std::vector<approx::Approximation>> probes(cands.size());
  std::vector<std::size_t> probe_index(cands.size(), 0);
  for (std::size_t s = 0; s < cands.size(); ++s) {
    int best = 1 << 30;
    for (std::size_t c = 0; c < cands[s].size(); ++c) {
      const auto& a = cands[s][c];
      if (a.kind == approx::Kind::wls && std::abs(a.degree() - 7) < best) {
        best = std::abs(a.degree() - 7);
        probe_index[s] = c;
      }
    }
    probes[s] = {cands[s][probe_index[s]]};
  }
  ImpactOptions o = opt;
  o.kl_cutoff = 0.0;
  const ImpactTable measured = measure_impacts(g, images, labels, probes, key, o, progress);
  ImpactTable t(cands.size());
  for (std::size_t s = 0; s < cands.size(); ++s) {
    const Impact& probe = measured[s][0];
    const double mse = cands[s][probe_index[s]].metrics.weighted_mse;
    const double sens = mse > 0.0 ? probe.mean_kl / mse : 0.0;
    for (std::size_t c = 0; c < cands[s].size(); ++c) {
      Impact im;
      im.measured = true;
      im.mean_kl = sens * cands[s][c].metrics.weighted_mse;
      t[s].push_back(c == probe_index[s] ? probe : im);
    }
  }
  return t;
}

}  // namespace

PipelineResult run_pipeline(const PipelineSettings& s, const Progress& progress) {
  PipelineResult r;
  const CostTable costs = load_cost_table(s.costs);  // first: fail fast on a bad table
  r.time_model = make_time_model(costs);
  std::vector<CostTable> baseline_tables;  // loaded first too: fail fast
  for (const auto& path : s.baseline_costs) baseline_tables.push_back(load_cost_table(path));
  if (s.what_if_levels_after > 0) {
    BootstrapModel& b = r.time_model.bootstrap;
    if (s.what_if_levels_after <= b.input_level || s.what_if_levels_after > costs.max_level()) {
      throw PlanError(ola::mismatch(s.costs.string(), "what-if levels after bootstrap",
                                    std::to_string(b.input_level + 1) + ".." + std::to_string(costs.max_level()),
                                    s.what_if_levels_after));
    }
    b.formula += "; WHAT-IF: each bootstrap leaves " + std::to_string(s.what_if_levels_after) + " levels instead of " +
                 std::to_string(b.levels_after) + " at the same price (not a parameter set we have)";
    b.levels_after = s.what_if_levels_after;
  }
  const nn::Graph g = nn::import_onnx(s.model);
  const std::string model_fp = hash_hex(read_file_bytes(s.model));
  if (s.linear_ops) {
    try {
      r.time_model.linear_ops = s.linear_ops(g, r.time_model.slots);
      r.time_model.linear_source =
          "counted from the encrypted executor's compiled program (he/, " + std::to_string(r.time_model.slots) +
          " slots), each operation priced at the layer's input level by the cost table";
    } catch (const ola::Error& e) {
      r.time_model.linear_source = std::string("estimated (docs/optimizer.md): the encrypted executor cannot compile "
                                               "this model: ") + e.what();
    }
  }
  if (s.calibration.extension() == ".json") {
    r.calibration = nn::load_calibration(s.calibration);
  } else {
    nn::CifarOptions co;
    co.first = s.calibration_images;
    const nn::ImageSet calib_images = nn::load_cifar10(s.calibration, co);
    report(progress, 0, 1, "calibrate");
    r.calibration = nn::calibrate(g, calib_images.images, {}, progress);
    r.calibration.source = {s.model.string(), model_fp, s.calibration.string(), calib_images.fingerprint,
                            co.mean, co.std, {}, {}};
  }
  const std::string calib_fp = nn::calibration_fingerprint(r.calibration);
  check_calibration_matches(g, r.calibration, model_fp, s.calibration.string(), s.model.string());
  r.network = network_from_graph(g);

  // Candidates (none deeper than a bootstrap window minus the linear layer before it).
  auto t0 = Clock::now();
  CandidateSettings cand_settings = s.candidates;
  cand_settings.max_depth = std::min(cand_settings.max_depth,
                                     r.time_model.bootstrap.levels_after - r.time_model.bootstrap.input_level - 1);
  std::vector<std::vector<approx::Approximation>> cands(g.sites.size());
  std::vector<approx::Approximation> relu13;
  for (std::size_t i = 0; i < g.sites.size(); ++i) {
    const nn::SiteStatistics& st = r.calibration.sites[i];
    report(progress, i, g.sites.size(), "candidates");
    cand_settings.channel_basis = nn::channel_affine_foldable(g, static_cast<int>(i))
                                      ? approx::ChannelBasis::own_interval
                                      : approx::ChannelBasis::site_interval;
    cands[i] = make_candidates(st, cand_settings);
    if (st.activation == approx::Activation::relu) {
      const auto [lo, hi] = site_interval(st, s.candidates.margin);
      relu13.push_back(approx::make_composite_relu(13, lo, hi));
    }
  }
  if (relu13.size() != g.sites.size()) relu13.clear();  // the alpha = 13 baseline needs ReLU everywhere
  r.candidate_seconds = since(t0);

  // Impacts.
  t0 = Clock::now();
  const nn::ImageSet heldout = load_heldout(s, r.calibration, s.heldout_count);
  const std::string key = impact_cache_key(model_fp, calib_fp, heldout.fingerprint + "|" +
                                                                   std::to_string(heldout.labels.size()));
  const ImpactTable impacts =
      s.impact_mode == ImpactMode::proxy
          ? proxy_impacts(g, heldout.images, heldout.labels, cands, key, s.impact, progress)
          : measure_impacts(g, heldout.images, heldout.labels, cands, key, s.impact, progress);
  r.impact_seconds = since(t0);
  r.loss = fit_loss_model(impacts);
  r.sites.resize(g.sites.size());
  for (std::size_t i = 0; i < g.sites.size(); ++i) {
    const auto [lo, hi] = std::pair{r.calibration.sites[i].min, r.calibration.sites[i].max};
    r.sites[i] = {g.sites[i].name, lo, hi, cands[i], impacts[i]};
  }

  // Optimise (selection by simulation on images the impacts did not see, when there are any).
  OptimizerSettings opt = s.optimizer;
  std::optional<nn::ImageSet> select_set;
  if (s.select_by_simulation) {
    if (!s.select_file.empty()) {
      select_set = load_records(s, r.calibration, s.select_file, 0, s.select_count);
    } else if (s.heldout.empty() && s.select_count > 0) {
      try {
        select_set = load_heldout(s, r.calibration, 0, s.heldout_count);
      } catch (const PlanError&) {  // no records left after the held-out ones
      }
    }
    const nn::ImageSet& sel = select_set ? *select_set : heldout;
    r.select_images = sel.labels.size();
    const nn::Metrics exact = nn::simulate(g, sel.images, sel.labels, {}, s.impact.exec).metrics;
    opt.check = [&g, &sel, &s, exact, &progress](const std::vector<approx::Approximation>& plan) {
      nn::SiteReplacements repl(plan.begin(), plan.end());
      report(progress, 0, 1, "select");
      const nn::Metrics m = nn::simulate(g, sel.images, sel.labels, repl, s.impact.exec).metrics;
      return PlanCheck{static_cast<int>(m.images), 100.0 * (1.0 - m.agreement), 100.0 * (exact.top1 - m.top1),
                       m.mean_kl};
    };
  }
  r.output = run_optimizer(r.network, r.time_model, r.sites, r.loss, opt, relu13);
  Plan& plan = r.output.plan;
  if (!relu13.empty()) {
    for (std::size_t i = 0; i < baseline_tables.size(); ++i) {
      const CostTable& t = baseline_tables[i];
      TimeModel tm = make_time_model(t);
      tm.linear_ops = r.time_model.linear_ops;
      tm.linear_source = r.time_model.linear_source;
      Baseline b = mpcnn_baseline(r.network, tm, relu13);
      const std::string set = t.params.empty() ? s.baseline_costs[i].stem().string() : t.params;
      b.name = "uniform_relu_alpha13_on_" + set;
      b.parameter_set = t.params;
      b.description += "; priced on " + s.baseline_costs[i].string() + " (window of " +
                       std::to_string(tm.bootstrap.levels_after - tm.bootstrap.input_level) + " levels, " +
                       tm.bootstrap.formula + ")";
      Baseline d = dp_placed_baseline(r.network, tm, relu13);
      d.name = "uniform_relu_alpha13_dp_on_" + set;
      d.parameter_set = t.params;
      d.description += "; priced on " + s.baseline_costs[i].string();
      for (const Baseline& native : plan.baselines) {
        if (native.name == "uniform_relu_alpha13_native") b.totals.predicted_loss = d.totals.predicted_loss = native.totals.predicted_loss;
      }
      plan.baselines.push_back(b);
      plan.baselines.push_back(d);
    }
  }
  plan.model = s.model.string();
  plan.model_fingerprint = model_fp;
  plan.calibration_fingerprint = calib_fp;
  plan.cost_table_fingerprint = cost_table_fingerprint(costs);
  plan.parameter_set = std::string(s.what_if_levels_after > 0 ? "WHAT-IF " : "") + (costs.params.empty() ? "ckks-n" + std::to_string(costs.log_n) : costs.params) + " (levels after bootstrap " +
                       std::to_string(r.time_model.bootstrap.levels_after) + ", bootstrap input level " +
                       std::to_string(r.time_model.bootstrap.input_level) + ", " + std::to_string(costs.threads) +
                       " thread(s), cost table of " + costs.date + " on " + costs.host + ")";
  if (s.impact_mode == ImpactMode::proxy) {
    plan.loss_metric = "proxy s_l * weighted MSE (s_l from one measured WLS probe per site); " + plan.loss_metric;
  }

  // Whole-plan check on the held-out images (method.md step 4: additivity is a model).
  t0 = Clock::now();
  nn::SiteReplacements repl(g.sites.size());
  for (const PlanSite& ps : plan.sites) repl[static_cast<std::size_t>(ps.index)] = ps.approximation;
  report(progress, 0, 1, "check");
  r.heldout_check = nn::simulate(g, heldout.images, heldout.labels, repl, s.impact.exec).metrics;
  r.check_seconds = since(t0);
  plan.notes.push_back("whole-plan check on " + std::to_string(r.heldout_check.images) +
                       " held-out calibration images: top-1 disagreement " +
                       std::to_string(100.0 * (1.0 - r.heldout_check.agreement)) + " points, mean KL " +
                       std::to_string(r.heldout_check.mean_kl) + " (predicted " +
                       std::to_string(plan.totals.predicted_loss) + " points)");
  return r;
}

}  // namespace ola::opt
