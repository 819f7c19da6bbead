#include "ola/optimizer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include "ola/baselines.h"
#include "ola/plan_error.h"

namespace ola::opt {

namespace {

std::string fmt(double v, int prec = 3) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(prec);
  os << v;
  return os.str();
}

// Uniform WLS degree baseline: the fastest single degree that meets the budget at every site, with
// bootstraps placed optimally by the same DP. With a whole-plan check, "meets" is decided by
// simulation (bisection for the smallest passing degree, assuming more degree never loses more);
// without one, by the loss model on the summed KL.
Baseline uniform_wls_baseline(const Network& net, const TimeModel& tm, const std::vector<SiteCandidates>& sites,
                              const LossModel& loss, const OptimizerSettings& settings) {
  Baseline best;
  best.name = "uniform_wls";
  best.description = "no single WLS degree meets the budget at every site";
  std::map<int, std::vector<int>> by_degree;  // degree -> candidate index per site (-1 missing)
  for (std::size_t s = 0; s < sites.size(); ++s) {
    for (std::size_t c = 0; c < sites[s].approximations.size(); ++c) {
      const auto& a = sites[s].approximations[c];
      if (a.kind != approx::Kind::wls || !sites[s].impacts[c].measured) continue;
      auto& v = by_degree[a.degree()];
      v.resize(sites.size(), -1);
      v[s] = static_cast<int>(c);
    }
  }
  struct Option {
    int degree;
    Baseline baseline;
    std::vector<approx::Approximation> per_site;
  };
  std::vector<Option> options;  // ascending degree
  for (const auto& [degree, idx] : by_degree) {
    if (std::count(idx.begin(), idx.end(), -1) > 0) continue;
    double kl = 0.0;
    std::vector<approx::Approximation> per_site(sites.size());
    for (std::size_t s = 0; s < sites.size(); ++s) {
      per_site[s] = sites[s].approximations[static_cast<std::size_t>(idx[s])];
      kl += sites[s].impacts[static_cast<std::size_t>(idx[s])].mean_kl;
    }
    Baseline b = dp_placed_baseline(net, tm, per_site);
    if (!b.feasible) continue;
    b.name = best.name;
    b.totals.predicted_loss = predicted_points(loss, kl);
    options.push_back({degree, b, per_site});
  }
  if (!settings.check) {
    for (const Option& o : options) {
      if (o.baseline.totals.predicted_loss > settings.budget) continue;
      if (!best.feasible || o.baseline.totals.predicted_ms < best.totals.predicted_ms) best = o.baseline;
    }
    return best;
  }
  auto passes = [&](Option& o) {
    const PlanCheck c = settings.check(o.per_site);
    o.baseline.description += "; simulated on " + std::to_string(c.images) + " selection images: top-1 loss " +
                              fmt(c.accuracy_drop_points, 2) + " points, changed predictions " +
                              fmt(c.disagreement_points, 2) + " points";
    return c.accuracy_drop_points <= settings.budget &&
           c.disagreement_points <= settings.max_disagreement_factor * settings.budget;
  };
  if (options.empty() || !passes(options.back())) {
    best.description = "no single WLS degree passes the whole-plan simulation";
    return best;
  }
  std::size_t bad = 0, good = options.size() - 1;  // bisection: options[good] passes
  if (good == 0 || passes(options[0])) return options[0].baseline;
  while (good - bad > 1) {
    const std::size_t mid = bad + (good - bad) / 2;
    (passes(options[mid]) ? good : bad) = mid;
  }
  return options[good].baseline;
}

// The approximation each site gets in a reconstructed solution.
std::vector<approx::Approximation> approximations_of(const Network& net, const DpSolution& sol,
                                                    const std::vector<SiteCandidates>& sites,
                                                    const std::vector<std::vector<int>>& kept) {
  std::vector<approx::Approximation> out(sites.size());
  for (std::size_t i = 0; i < net.steps.size(); ++i) {
    if (net.steps[i].kind != StepKind::activation) continue;
    const auto s = static_cast<std::size_t>(net.steps[i].site);
    out[s] = sites[s].approximations[static_cast<std::size_t>(kept[s][static_cast<std::size_t>(sol.steps[i].choice)])];
  }
  return out;
}

// A measured candidate's loss in DP units, ceil(KL / quantum), unbounded (inf or NaN for such KL).
double raw_loss_units(const Impact& im, double quantum) { return std::ceil(im.mean_kl / quantum - 1e-9); }

// A candidate's loss in DP units, or -1 if it was not measured or its loss is beyond a front of
// max_units.
int loss_units(const Impact& im, double quantum, int max_units) {
  if (!im.measured) return -1;
  const double u = raw_loss_units(im, quantum);
  return u <= max_units ? std::max(0, static_cast<int>(u)) : -1;
}

// The loss units of the lossiest plan (every site's lossiest measured candidate of finite KL): a
// front of that many units holds every plan.
double complete_front_units(const std::vector<SiteCandidates>& sites, double quantum) {
  double total = 0.0;
  for (const SiteCandidates& site : sites) {
    double worst = 0.0;
    for (const Impact& im : site.impacts) {
      if (im.measured && std::isfinite(im.mean_kl)) worst = std::max(worst, raw_loss_units(im, quantum));
    }
    total += worst;
  }
  return total;
}

// Selection by simulation: bisection over the front (ordered by loss units, so by falling time)
// for the last point that passes the check, assuming the check is monotone along the front (more
// loss units -> more measured loss); every simulated point is recorded, once (out.checks may hold a
// narrower front's checks).
void select_by_simulation(const Network& net, const DpProblem& problem, const DpResult& result, const std::vector<SiteCandidates>& sites,
                          const std::vector<std::vector<int>>& kept, const LossModel& loss, double quantum,
                          const OptimizerSettings& settings, OptimizerOutput& out) {
  const std::vector<ParetoPoint> front = pareto_front(result);
  std::vector<std::optional<DpSolution>> sols(front.size());
  auto check = [&](std::size_t i) {
    sols[i] = reconstruct(problem, result, front[i].loss_units);
    // A narrower front's check of the same point (same units, same plan) is not simulated again.
    for (const CheckedPoint& earlier : out.checks) {
      if (earlier.units == front[i].loss_units) return earlier.accepted;
    }
    CheckedPoint cp{front[i].loss_units, front[i].total_ms / 1000.0, predicted_points(loss, front[i].loss_units * quantum),
                    settings.check(approximations_of(net, *sols[i], sites, kept)), false};
    cp.accepted = cp.check.accuracy_drop_points <= settings.budget &&
                  cp.check.disagreement_points <= settings.max_disagreement_factor * settings.budget;
    out.checks.push_back(cp);
    return cp.accepted;
  };
  if (front.empty()) return;
  if (!check(0)) {
    // Nothing meets the budget when measured: the most accurate plan the candidates allow, said so.
    out.solution = *sols[0];
    out.budget_met = false;
    const PlanCheck& c = out.checks.back().check;
    out.selection = "NO plan met the budget when simulated on " + std::to_string(c.images) +
                    " selection images; the front's most accurate plan is kept (measured top-1 loss " +
                    fmt(c.accuracy_drop_points, 2) + " points, changed predictions " + fmt(c.disagreement_points, 2) +
                    " points): widen the budget, the margin or the candidate set";
    return;
  }
  std::size_t good = 0, bad = front.size();  // invariant: good passes, bad fails (or is past the end)
  while (bad - good > 1) {
    const std::size_t mid = good + (bad - good) / 2;
    (check(mid) ? good : bad) = mid;
  }
  out.solution = *sols[good];
  const CheckedPoint& cp = *std::find_if(out.checks.begin(), out.checks.end(),
                                         [&](const CheckedPoint& c) { return c.units == front[good].loss_units; });
  out.selection = "the fastest Pareto-front plan whose whole-model simulation on " + std::to_string(cp.check.images) +
                  " held-out images loses at most " + fmt(settings.budget, 2) + " top-1 points (measured " +
                  fmt(cp.check.accuracy_drop_points, 2) + ") and changes at most " +
                  fmt(settings.max_disagreement_factor * settings.budget, 2) + " points of predictions (measured " +
                  fmt(cp.check.disagreement_points, 2) + "); bisection over " + std::to_string(front.size()) +
                  " front points, " + std::to_string(out.checks.size()) + " simulated";
}
}  // namespace

std::vector<DpChoice> price_candidates(const SiteCandidates& site, const TimeModel& tm, std::int64_t cts,
                                       double quantum, int max_units, std::vector<int>& kept) {
  struct Item {
    int index;
    int units;
  };
  std::vector<Item> items;
  for (std::size_t c = 0; c < site.approximations.size(); ++c) {
    const int u = loss_units(site.impacts.at(c), quantum, max_units);
    if (u >= 0) items.push_back({static_cast<int>(c), u});
  }
  // Priced first, so that candidates of equal counts but different prices (a per-channel
  // polynomial pays plaintext products where a per-site one pays constant products) compare by
  // what they cost at every level.
  std::vector<std::vector<double>> ms(items.size());
  std::vector<int> depth(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const approx::Approximation& a = site.approximations[static_cast<std::size_t>(items[i].index)];
    ms[i] = activation_ms_at_levels(a, tm, cts);
    depth[i] = a.counts.depth;
  }
  const auto no_dearer = [&](std::size_t j, std::size_t i) {
    for (std::size_t l = 0; l < ms[i].size(); ++l) {
      if (ms[j][l] > ms[i][l]) return false;
    }
    return true;
  };
  std::vector<DpChoice> out;
  kept.clear();
  for (std::size_t i = 0; i < items.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < items.size() && !dominated; ++j) {
      if (j == i || depth[j] > depth[i] || items[j].units > items[i].units || !no_dearer(j, i)) continue;
      // Strictly better somewhere, or an exact tie broken by index.
      const bool tie = depth[j] == depth[i] && items[j].units == items[i].units && ms[j] == ms[i];
      dominated = !tie || j < i;
    }
    if (dominated) continue;
    out.push_back({depth[i], ms[i], items[i].units});
    kept.push_back(items[i].index);
  }
  return out;
}

OptimizerOutput run_optimizer(const Network& net, const TimeModel& tm, const std::vector<SiteCandidates>& sites,
                              const LossModel& loss, const OptimizerSettings& settings,
                              const std::vector<approx::Approximation>& relu13) {
  OLA_CHECK(static_cast<int>(sites.size()) == net.num_sites, "run_optimizer: sites " << sites.size());
  if (!(settings.budget > 0.0)) throw PlanError(ola::mismatch("optimize", "budget", "> 0 top-1 points", settings.budget));
  if (settings.units_per_budget < 1 || settings.front_factor < 1) {
    throw PlanError(ola::mismatch("optimize", "units_per_budget and front_factor", ">= 1",
                                  std::to_string(settings.units_per_budget) + " and " + std::to_string(settings.front_factor)));
  }
  const double quantum = kl_budget(loss, settings.budget) / settings.units_per_budget;
  std::vector<std::int64_t> site_elements(sites.size(), 0);
  for (const auto& st : net.steps) {
    if (st.kind == StepKind::activation) site_elements.at(static_cast<std::size_t>(st.site)) = st.elements;
  }

  // The front and its selection for one width; widened while the selection takes the front's
  // fastest plan (the simulation would accept plans the front left out) and the front does not yet
  // hold every plan, up to kMaxFrontFactor.
  int front_factor = settings.front_factor;
  DpProblem problem;
  DpResult result;
  std::vector<std::vector<int>> kept(sites.size());
  OptimizerOutput out;
  for (;;) {
    const int max_units = settings.units_per_budget * front_factor;
    std::vector<std::vector<DpChoice>> choices(sites.size());
    for (std::size_t s = 0; s < sites.size(); ++s) {
      choices[s] = price_candidates(sites[s], tm, ciphertexts(site_elements[s], tm.slots), quantum, max_units, kept[s]);
      if (choices[s].empty()) {
        throw PlanError(ola::mismatch("optimize: site " + sites[s].name, "candidates",
                                      "at least one with predicted loss within " + std::to_string(front_factor) +
                                          "x the KL budget",
                                      "none"));
      }
    }
    problem = make_problem(net, tm, choices, max_units);
    const auto t0 = std::chrono::steady_clock::now();
    result = solve_dp(problem);
    std::vector<CheckedPoint> earlier_checks = std::move(out.checks);  // a narrower front's, kept on record
    out = OptimizerOutput{};
    out.checks = std::move(earlier_checks);
    out.front_factor = front_factor;
    out.dp_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (const ParetoPoint& pp : pareto_front(result)) {
      out.front.push_back({pp.loss_units, predicted_points(loss, pp.loss_units * quantum), pp.total_ms / 1000.0});
    }
    const auto budget_sol = reconstruct(problem, result, settings.units_per_budget);
    // Without a whole-plan check the loss model decides, so a budget it says no plan meets is an
    // error. With one, the model (conservative: gamma * sqrt(KL)) only orders the front, which reaches
    // front_factor x the KL budget: the simulation decides even when the model rules the budget out.
    if (!budget_sol && (!settings.check || out.front.empty())) {
      const std::string best = out.front.empty() ? std::string("no feasible plan at any loss")
                                                 : "the smallest feasible predicted loss " + fmt(out.front.front().loss_points);
      throw PlanError(ola::mismatch("optimize", "budget", "a budget that some plan meets", fmt(settings.budget) + " (" + best + ")"));
    }
    if (budget_sol) {
      out.solution = *budget_sol;
      out.selection = "the DP's minimum-time plan whose predicted loss (gamma * sqrt(total KL)) is within the budget";
    }
    if (!settings.check) break;
    select_by_simulation(net, problem, result, sites, kept, loss, quantum, settings, out);
    if (!budget_sol) {
      out.selection += " (the loss model predicted more than the budget for every plan: smallest " +
                       fmt(out.front.front().loss_points) + " points)";
    }
    const bool took_fastest = out.budget_met && !out.front.empty() &&
                              out.solution.total_ms / 1000.0 <= out.front.back().seconds * (1.0 + 1e-12);
    if (!took_fastest || front_factor * 4 > kMaxFrontFactor || max_units >= complete_front_units(sites, quantum)) break;
    front_factor *= 4;
  }
  if (settings.check && front_factor != settings.front_factor) {
    out.selection += "; the front was widened to " + std::to_string(front_factor) +
                     "x the KL budget because the simulation accepted the fastest plan of the narrower fronts";
  }

  Plan& plan = out.plan;
  plan.budget = settings.budget;
  plan.loss_quantum = predicted_points(loss, quantum);
  plan.bootstrap_cost = tm.bootstrap.estimated ? "estimated" : "measured";
  plan.loss_metric = "mean KL(exact || approx) per site on held-out calibration images, summed over sites; top-1 loss "
                     "predicted as gamma * sqrt(total KL), gamma = " + fmt(loss.gamma, 4) + " fitted on " +
                     std::to_string(loss.pairs) + " measured pairs";
  plan.sites.resize(sites.size());
  double total_kl = 0.0;
  for (std::size_t i = 0; i < net.steps.size(); ++i) {
    const NetStep& ns = net.steps[i];
    const StepDecision& d = out.solution.steps[i];
    plan.steps.push_back({ns.kind, ns.name, ns.site, d.bootstrap_before, d.level_before, d.level_after, d.ms,
                          d.bootstrap_before ? problem.steps[i].bootstrap_ms : 0.0});
    if (ns.kind != StepKind::activation) continue;
    const auto s = static_cast<std::size_t>(ns.site);
    const int ci = kept[s][static_cast<std::size_t>(d.choice)];
    const Impact& im = sites[s].impacts[static_cast<std::size_t>(ci)];
    PlanSite& ps = plan.sites[s];
    ps.index = ns.site;
    ps.name = sites[s].name;
    ps.range_lo = sites[s].range_lo;
    ps.range_hi = sites[s].range_hi;
    ps.approximation = sites[s].approximations[static_cast<std::size_t>(ci)];
    ps.level_before = d.level_before;
    ps.level_after = d.level_after;
    ps.bootstrap_before = d.bootstrap_before;
    ps.predicted_loss = predicted_points(loss, im.mean_kl);
    ps.ciphertexts = ciphertexts(ns.elements, tm.slots);
    ps.predicted_ms = d.ms - (d.bootstrap_before ? problem.steps[i].bootstrap_ms : 0.0);
    total_kl += im.mean_kl;
  }
  plan.totals = totals_of(problem, out.solution);
  plan.totals.predicted_loss = predicted_points(loss, total_kl);
  if (!relu13.empty()) {
    // MPCNN's placement needs 1 + 14 levels per convolution + ReLU (its chain has 16). With a
    // shorter window the native baseline must bootstrap inside activations; the "mpcnn" variant
    // instead grants it a 16-level window at the same bootstrap price (a lower bound on the
    // baseline's time, so the speed-up against it is conservative).
    TimeModel wide = tm;
    wide.bootstrap.levels_after = std::min(tm.table.max_level(), std::max(tm.bootstrap.levels_after, tm.bootstrap.input_level + 16));
    Baseline m = mpcnn_baseline(net, wide, relu13);
    // A lower bound must hold for any placement: the DP's, if it is faster.
    const Baseline wide_dp = dp_placed_baseline(net, wide, relu13);
    if (wide_dp.feasible && wide_dp.totals.predicted_ms < m.totals.predicted_ms) {
      m.totals = wide_dp.totals;
      m.description = wide_dp.description;
    }
    m.name = "uniform_relu_alpha13";
    m.description += "; window of " + std::to_string(wide.bootstrap.levels_after - wide.bootstrap.input_level) +
                     " levels after each bootstrap (MPCNN's 16) at the measured/estimated bootstrap price";
    Baseline b = mpcnn_baseline(net, tm, relu13);
    b.name = "uniform_relu_alpha13_native";
    b.description += "; this parameter set's window of " + std::to_string(tm.bootstrap.levels_after - tm.bootstrap.input_level) + " levels";
    // Its predicted loss, if the alpha = 13 composite was measured as a candidate at every site.
    double kl = 0.0;
    std::size_t found = 0;
    for (const auto& site : sites) {
      for (std::size_t c = 0; c < site.approximations.size(); ++c) {
        const auto& a = site.approximations[c];
        if (a.kind == approx::Kind::composite_relu && a.alpha == 13 && site.impacts[c].measured) {
          kl += site.impacts[c].mean_kl;
          ++found;
          break;
        }
      }
    }
    // The same polynomials with the bootstraps placed by the DP: the fastest schedule of them on
    // this chain (needs a window of 1 + 14 levels).
    Baseline d = dp_placed_baseline(net, tm, relu13);
    d.name = "uniform_relu_alpha13_dp";
    if (found == sites.size()) {
      b.totals.predicted_loss = m.totals.predicted_loss = d.totals.predicted_loss = predicted_points(loss, kl);
    }
    plan.baselines.push_back(m);
    plan.baselines.push_back(b);
    plan.baselines.push_back(d);
  }
  plan.baselines.push_back(uniform_wls_baseline(net, tm, sites, loss, settings));
  plan.notes = {
      "packing: multiplexed packing, a CxHxW tensor in ceil(CHW/" + std::to_string(tm.slots) + ") ciphertexts",
      "linear layers: " + (tm.linear_source.empty()
                               ? std::string("estimated from rotation and plaintext-product counts of that packing "
                                             "(docs/optimizer.md)")
                               : tm.linear_source),
      "polynomials: priced at their input level (upper bound)",
      "bootstrap: " + tm.bootstrap.formula,
      "choice: " + out.selection};
  int per_channel = 0, beyond_executor = 0;
  for (const PlanSite& ps : plan.sites) {
    if (!ps.approximation.has_channel_polys()) continue;
    ++per_channel;
    if (ps.approximation.degree() > approx::kMaxPerChannelDegree) ++beyond_executor;
  }
  if (per_channel > 0) {
    plan.notes.push_back("per-channel polynomials at " + std::to_string(per_channel) +
                         " sites: priced as the per-slot evaluation runs (plaintext coefficient vectors, "
                         "he/per_slot_poly.h, approx::per_slot_ops); the encrypted executor runs per-channel polynomials "
                         "of degree <= " + std::to_string(approx::kMaxPerChannelDegree) +
                         (beyond_executor > 0 ? ", so this plan (" + std::to_string(beyond_executor) + " sites above degree " +
                                                std::to_string(approx::kMaxPerChannelDegree) + ") is not executable encrypted"
                                          : std::string()));
  }
  return out;
}

}  // namespace ola::opt
