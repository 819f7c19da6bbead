#include "ola/optimizer.h"

#include <gtest/gtest.h>

#include <limits>

#include <cmath>
#include <set>

#include "ola/baselines.h"
#include "ola/loss_model.h"
#include "ola/plan_error.h"

namespace ola::opt {
namespace {

CostTable table(int top, int levels_after) {
  CostTable t;
  for (int l = 0; l <= top; ++l) {
    LevelCost c;
    c.level = l;
    c.limbs = l + 1;
    c.mul_relin_ms = 30.0 * (l + 1);
    c.rescale_ms = 5.0 * (l + 1);
    c.rotate_ms = 25.0 * (l + 1);
    c.hoisted_rotate_ms = 15.0 * (l + 1);
    c.hoist_decompose_ms = 10.0 * (l + 1);
    c.mul_plain_ms = 0.8 * (l + 1);
    c.mul_const_ms = 0.4 * (l + 1);
    c.add_ms = 0.2 * (l + 1);
    c.encode_ms = 0.6 * (l + 1);
    c.mul_sum_term_ms = 0.9 * (l + 1);
    t.levels.push_back(c);
  }
  t.bootstrap.push_back({32768, 40.0, levels_after, 0});
  return t;
}

OptimizerSettings settings(double budget, int front_factor = 4) {
  OptimizerSettings s;
  s.budget = budget;
  s.units_per_budget = 200;
  s.front_factor = front_factor;
  return s;
}

// conv -> relu -> [skip] conv -> relu -> conv -> add -> relu -> gap -> fc
Network small_net() {
  Network n;
  n.num_sites = 3;
  auto conv = [](const std::string& name) {
    NetStep s;
    s.kind = StepKind::linear;
    s.name = name;
    s.shape = {LinearShape::Op::conv, 16, 16, 32, 32, 3, 1};
    s.elements = 16 * 32 * 32;
    return s;
  };
  auto act = [](int site) {
    NetStep s;
    s.kind = StepKind::activation;
    s.name = "relu_" + std::to_string(site);
    s.site = site;
    s.elements = 16 * 32 * 32;
    return s;
  };
  NetStep open;
  open.kind = StepKind::skip_open;
  open.elements = 16 * 32 * 32;
  NetStep merge;
  merge.kind = StepKind::skip_merge;
  merge.elements = 16 * 32 * 32;
  NetStep gap;
  gap.kind = StepKind::linear;
  gap.shape = {LinearShape::Op::global_average_pool, 16, 16, 32, 32, 1, 1};
  gap.elements = 16 * 32 * 32;
  NetStep fc;
  fc.kind = StepKind::linear;
  fc.shape = {LinearShape::Op::fully_connected, 16, 10, 1, 1, 1, 1};
  fc.elements = 16;
  n.steps = {conv("c0"), act(0), open, conv("c1"), act(1), conv("c2"), merge, act(2), gap, fc};
  return n;
}

approx::Approximation poly(approx::Kind kind, int depth, int mults, int alpha = 0) {
  approx::Approximation a;
  a.kind = kind;
  a.alpha = alpha;
  a.lo = -4;
  a.hi = 4;
  a.stages = {{-4, 4, std::vector<double>(static_cast<std::size_t>((1 << depth) - 1 + 1), 0.1)}};
  a.counts = {depth, mults, mults, 2 * mults};
  return a;
}

// Candidates: cheap/lossy WLS (depth 2), medium WLS (depth 3, many more products), and an
// alpha-13-like composite (depth 14).
std::vector<SiteCandidates> sites_with(double cheap_kl, double medium_kl) {
  std::vector<SiteCandidates> s(3);
  for (int i = 0; i < 3; ++i) {
    s[static_cast<std::size_t>(i)].name = "relu_" + std::to_string(i);
    s[static_cast<std::size_t>(i)].approximations = {poly(approx::Kind::wls, 2, 2), poly(approx::Kind::wls, 3, 30),
                                                     poly(approx::Kind::composite_relu, 14, 27, 13)};
    s[static_cast<std::size_t>(i)].impacts = {{true, cheap_kl, 1.0, 100, 0}, {true, medium_kl, 0.2, 100, 0},
                                              {true, 1e-7, 0.0, 100, 0}};
  }
  return s;
}

TEST(LossModel, FitsGammaOnSqrtKl) {
  ImpactTable t(1);
  for (double kl : {1e-4, 4e-4, 1e-2}) t[0].push_back({true, kl, 10.0 * std::sqrt(kl), 10, 0});
  t[0].push_back({true, 5.0, 60.0, 10, 0});  // saturated pair, excluded (> 10 points)
  t[0].push_back({false, 1.0, 1.0, 0, 0});  // unmeasured, excluded
  // Overflowing logits (infinite KL) with few changed predictions: excluded, else gamma would be 0.
  t[0].push_back({true, std::numeric_limits<double>::infinity(), 5.0, 10, 0});
  const LossModel m = fit_loss_model(t);
  EXPECT_EQ(m.pairs, 3);
  EXPECT_NEAR(m.gamma, 10.0, 1e-9);
  EXPECT_NEAR(predicted_points(m, 0.0025), 0.5, 1e-12);
  EXPECT_NEAR(kl_budget(m, 0.5), 0.0025, 1e-15);
  ImpactTable few(1);
  few[0].push_back({true, 1e-3, 0.3, 1, 0});
  EXPECT_THROW(fit_loss_model(few), PlanError);
}

TEST(Optimizer, BudgetTradesLossForTime) {
  const TimeModel tm = make_time_model(table(20, 16));
  const Network net = small_net();
  const LossModel loss{10.0, 3};  // budget 0.5 points -> KL budget 0.0025
  const std::vector<approx::Approximation> relu13(3, poly(approx::Kind::composite_relu, 14, 27, 13));
  // Cheap candidate KL 1e-3 each: three of them sum to 3e-3 > 0.0025, two fit.
  const auto out = run_optimizer(net, tm, sites_with(1e-3, 1e-4), loss, settings(0.5), relu13);
  const Plan& p = out.plan;
  ASSERT_EQ(p.sites.size(), 3U);
  int cheap = 0;
  for (const auto& s : p.sites) cheap += s.approximation.counts.depth == 2;
  EXPECT_EQ(cheap, 2);
  EXPECT_LE(p.totals.predicted_loss, 0.5 + 1e-12);
  EXPECT_NEAR(p.totals.predicted_loss, 10.0 * std::sqrt(2e-3 + 1e-4), 1e-9);
  // The front is a strictly decreasing staircase and contains the chosen plan's time.
  ASSERT_GE(out.front.size(), 2U);
  for (std::size_t i = 1; i < out.front.size(); ++i) {
    EXPECT_GT(out.front[i].loss_points, out.front[i - 1].loss_points);
    EXPECT_LT(out.front[i].seconds, out.front[i - 1].seconds);
  }
  bool found = false;
  for (const auto& f : out.front) found |= std::abs(f.seconds - p.totals.predicted_ms / 1000.0) < 1e-9;
  EXPECT_TRUE(found);
  // Baselines: alpha 13 everywhere is slower; the uniform WLS baseline picks the medium degree
  // (cheap x3 exceeds the budget).
  ASSERT_EQ(p.baselines.size(), 4U);
  EXPECT_EQ(p.baselines[0].name, "uniform_relu_alpha13");
  EXPECT_GT(p.baselines[0].totals.predicted_ms, p.totals.predicted_ms);
  EXPECT_EQ(p.baselines[0].totals.bootstraps, 2);  // one per convolution but the first
  EXPECT_EQ(p.baselines[1].name, "uniform_relu_alpha13_native");
  EXPECT_EQ(p.baselines[1].totals.bootstraps, 2);  // 16 levels: the same placement fits
  // The same polynomials with the DP's placement: never slower than the fixed placement, and the
  // speed-up is quoted against the faster of the two.
  EXPECT_EQ(p.baselines[2].name, "uniform_relu_alpha13_dp");
  ASSERT_TRUE(p.baselines[2].feasible);
  EXPECT_LE(p.baselines[2].totals.predicted_ms, p.baselines[1].totals.predicted_ms + 1e-9);
  EXPECT_EQ(p.baselines[2].totals.predicted_loss, p.baselines[1].totals.predicted_loss);
  EXPECT_LE(p.baselines[0].totals.predicted_ms, p.baselines[2].totals.predicted_ms + 1e-9);  // a lower bound
  EXPECT_EQ(headline_baseline(p)->totals.predicted_ms,
            std::min(p.baselines[1].totals.predicted_ms, p.baselines[2].totals.predicted_ms));
  EXPECT_TRUE(p.baselines[3].feasible);
  EXPECT_NE(p.baselines[3].description.find("d=7"), std::string::npos) << p.baselines[3].description;
  EXPECT_GE(p.baselines[3].totals.predicted_ms, p.totals.predicted_ms);
  // Steps and totals agree.
  double sum = 0.0;
  for (const auto& st : p.steps) sum += st.ms;
  EXPECT_NEAR(sum, p.totals.predicted_ms, 1e-6);
  EXPECT_NEAR(p.totals.bootstrap_ms + p.totals.activation_ms + p.totals.linear_ms, p.totals.predicted_ms, 1e-6);
}

TEST(Optimizer, NativeBaselineBootstrapsInsideActivationsWhenWindowIsShort) {
  const TimeModel tm = make_time_model(table(20, 10));
  const std::vector<approx::Approximation> relu13(3, poly(approx::Kind::composite_relu, 14, 27, 13));
  const auto out = run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), LossModel{10.0, 3}, settings(0.5), relu13);
  ASSERT_EQ(out.plan.baselines.size(), 4U);
  EXPECT_FALSE(out.plan.baselines[2].feasible);  // DP placement: depth 14 does not fit 10 levels
  EXPECT_EQ(out.plan.baselines[0].totals.bootstraps, 2);      // granted a 16-level window
  EXPECT_EQ(out.plan.baselines[1].totals.bootstraps, 2 + 3);  // one more inside each ReLU
  EXPECT_EQ(out.plan.baselines[1].split_bootstraps, 3);
  EXPECT_EQ(out.plan.baselines[0].split_bootstraps, 0);
  EXPECT_EQ(headline_baseline(out.plan)->name, "uniform_relu_alpha13");  // no chain with the window
  EXPECT_LT(out.plan.baselines[0].totals.predicted_ms, out.plan.baselines[1].totals.predicted_ms);
}

TEST(Optimizer, LargerBudgetIsNeverSlower) {
  const TimeModel tm = make_time_model(table(20, 10));
  const LossModel loss{10.0, 3};
  double prev = 1e300;
  for (double budget : {0.2, 0.3, 0.5, 1.0, 2.0}) {
    const auto out = run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), loss, settings(budget), {});
    EXPECT_LE(out.plan.totals.predicted_ms, prev + 1e-9) << budget;
    EXPECT_LE(out.plan.totals.predicted_loss, budget + 1e-12);
    prev = out.plan.totals.predicted_ms;
  }
}

TEST(Optimizer, InfeasibleBudgetNamesSmallestLoss) {
  const TimeModel tm = make_time_model(table(20, 10));  // depth-14 composite cannot fit
  auto sites = sites_with(1e-3, 1e-4);
  const LossModel loss{10.0, 3};
  try {
    run_optimizer(small_net(), tm, sites, loss, settings(0.15), {});  // needs 0.173
    FAIL() << "expected PlanError";
  } catch (const PlanError& e) {
    EXPECT_NE(std::string(e.what()).find("smallest feasible predicted loss"), std::string::npos) << e.what();
  }
  EXPECT_THROW(run_optimizer(small_net(), tm, sites, loss, settings(0.0), {}), PlanError);
}

// A whole-plan "simulation" for the selection tests: each depth-2 (cheap) site changes `dis`
// points of predictions and loses `drop` points of accuracy.
PlanChecker cheap_site_checker(double dis, double drop, int* calls) {
  return [=](const std::vector<approx::Approximation>& plan) {
    ++*calls;
    int cheap = 0;
    for (const auto& a : plan) cheap += a.counts.depth == 2;
    return PlanCheck{500, dis * cheap, drop * cheap, 0.0};
  };
}

TEST(Optimizer, SelectionBySimulationTakesFastestPassingFrontPoint) {
  const TimeModel tm = make_time_model(table(20, 10));
  const LossModel loss{10.0, 3};  // the loss model alone allows two cheap sites (see above)
  int calls = 0;
  OptimizerSettings st = settings(0.5);
  st.check = cheap_site_checker(0.3, 0.15, &calls);  // three cheap sites: 0.9 changed, 0.45 lost
  const auto out = run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), loss, st, {});
  int cheap = 0;
  for (const auto& s : out.plan.sites) cheap += s.approximation.counts.depth == 2;
  EXPECT_EQ(cheap, 3);
  // The front's checks, plus two for the uniform WLS baseline (degree 7, then degree 3).
  EXPECT_EQ(calls, static_cast<int>(out.checks.size()) + 2);
  EXPECT_LE(out.checks.size(), 1 + static_cast<std::size_t>(std::ceil(std::log2(out.front.size() + 1))));
  const auto model_only = run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), loss, settings(0.5), {});
  EXPECT_LT(out.plan.totals.predicted_ms, model_only.plan.totals.predicted_ms);
  EXPECT_NE(out.selection.find("fastest Pareto-front plan"), std::string::npos) << out.selection;
  EXPECT_TRUE(out.budget_met);
  // The uniform WLS baseline is judged by the same simulation: degree 3 everywhere passes here
  // (the loss model alone rejects it: 3e-3 > 2.5e-3 KL).
  ASSERT_EQ(out.plan.baselines.size(), 1U);
  EXPECT_NE(out.plan.baselines[0].description.find("d=3"), std::string::npos) << out.plan.baselines[0].description;
  EXPECT_NE(out.plan.baselines[0].description.find("simulated"), std::string::npos);

  // Stricter: each cheap site loses 0.2 points -> at most two pass (0.4 <= 0.5 < 0.6).
  st.check = cheap_site_checker(0.3, 0.2, &calls);
  const auto two = run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), loss, st, {});
  cheap = 0;
  for (const auto& s : two.plan.sites) cheap += s.approximation.counts.depth == 2;
  EXPECT_EQ(cheap, 2);
  EXPECT_NE(two.plan.baselines[0].description.find("d=7"), std::string::npos) << two.plan.baselines[0].description;
  // Disagreement limit: 0.6 changed per cheap site, at most 2 x 0.5 allowed -> one cheap site.
  st.check = cheap_site_checker(0.6, 0.0, &calls);
  const auto one = run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), loss, st, {});
  cheap = 0;
  for (const auto& s : one.plan.sites) cheap += s.approximation.counts.depth == 2;
  EXPECT_EQ(cheap, 1);
}

// A front too narrow for the simulation: with every plan passing, the front is widened until it
// holds every plan (cheap KL 4e-3 = 320 units: outside a 1x front of 200 units, two fit in 4x,
// three in 16x, which holds the lossiest plan's 960); with cheap sites failing, widening stops once the selection is no longer the
// fastest front plan. No front point is simulated twice.
TEST(Optimizer, SelectionWidensAFrontWhoseFastestPlanPasses) {
  const TimeModel tm = make_time_model(table(20, 10));
  const LossModel loss{10.0, 3};
  int calls = 0;
  OptimizerSettings st = settings(0.5, 1);
  st.check = cheap_site_checker(0.0, 0.0, &calls);
  const auto out = run_optimizer(small_net(), tm, sites_with(4e-3, 1e-4), loss, st, {});
  int cheap = 0;
  for (const auto& s : out.plan.sites) cheap += s.approximation.counts.depth == 2;
  EXPECT_EQ(cheap, 3);
  EXPECT_EQ(out.front_factor, 16);
  EXPECT_NE(out.selection.find("widened to 16x"), std::string::npos) << out.selection;
  EXPECT_NEAR(out.plan.totals.predicted_ms / 1000.0, out.front.back().seconds, 1e-9);
  std::set<int> units;
  for (const auto& c : out.checks) EXPECT_TRUE(units.insert(c.units).second) << "simulated twice: " << c.units;

  st.check = cheap_site_checker(0.0, 1.0, &calls);  // any cheap site loses the budget
  const auto strict = run_optimizer(small_net(), tm, sites_with(4e-3, 1e-4), loss, st, {});
  cheap = 0;
  for (const auto& s : strict.plan.sites) cheap += s.approximation.counts.depth == 2;
  EXPECT_EQ(cheap, 0);
  EXPECT_EQ(strict.front_factor, 4);
  EXPECT_TRUE(strict.budget_met);

  // Without a check (the loss model decides) the front is never widened.
  const auto model_only = run_optimizer(small_net(), tm, sites_with(4e-3, 1e-4), loss, settings(0.5, 1), {});
  EXPECT_EQ(model_only.front_factor, 1);
}

TEST(Optimizer, SelectionKeepsMostAccuratePlanWhenNothingPasses) {
  const TimeModel tm = make_time_model(table(20, 10));
  OptimizerSettings st = settings(0.5);
  st.check = [](const std::vector<approx::Approximation>&) { return PlanCheck{100, 50.0, 40.0, 1.0}; };
  const auto out = run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), LossModel{10.0, 3}, st, {});
  const auto model_only = run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), LossModel{10.0, 3}, settings(0.5), {});
  ASSERT_FALSE(out.front.empty());
  EXPECT_NEAR(out.plan.totals.predicted_ms / 1000.0, out.front.front().seconds, 1e-9);  // least loss
  EXPECT_GT(out.plan.totals.predicted_ms, model_only.plan.totals.predicted_ms);
  for (const auto& s : out.plan.sites) EXPECT_NE(s.approximation.counts.depth, 2);  // no cheap site
  ASSERT_EQ(out.checks.size(), 1U);
  EXPECT_FALSE(out.checks[0].accepted);
  EXPECT_NE(out.selection.find("NO plan met the budget"), std::string::npos) << out.selection;
  EXPECT_FALSE(out.budget_met);
}

// The loss model rules the budget out (smallest predicted loss 0.173 > 0.15, as above), but with a
// whole-plan check the simulation decides: a plan that passes it is taken, and one that does not is
// kept as the most accurate with budget_met false; without a check it stays an error.
TEST(Optimizer, SelectionBySimulationDecidesWhenTheLossModelRulesTheBudgetOut) {
  const TimeModel tm = make_time_model(table(20, 10));
  const LossModel loss{10.0, 3};
  int calls = 0;
  OptimizerSettings st = settings(0.15, 16);
  st.check = cheap_site_checker(0.0, 0.0, &calls);  // every plan passes: the fastest front point
  const auto out = run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), loss, st, {});
  ASSERT_FALSE(out.front.empty());
  EXPECT_GT(out.front.front().loss_points, 0.15);
  EXPECT_TRUE(out.budget_met);
  EXPECT_NEAR(out.plan.totals.predicted_ms / 1000.0, out.front.back().seconds, 1e-9);
  EXPECT_NE(out.selection.find("loss model predicted more than the budget"), std::string::npos) << out.selection;
  st.check = [](const std::vector<approx::Approximation>&) { return PlanCheck{100, 50.0, 40.0, 1.0}; };
  const auto none = run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), loss, st, {});
  EXPECT_FALSE(none.budget_met);
  EXPECT_NEAR(none.plan.totals.predicted_ms / 1000.0, none.front.front().seconds, 1e-9);
  EXPECT_THROW(run_optimizer(small_net(), tm, sites_with(1e-3, 1e-4), loss, settings(0.15, 16), {}), PlanError);
}

TEST(Optimizer, PricingDropsDominatedCandidates) {
  const TimeModel tm = make_time_model(table(20, 16));
  SiteCandidates s;
  s.approximations = {poly(approx::Kind::wls, 3, 5), poly(approx::Kind::wls, 3, 6), poly(approx::Kind::wls, 4, 8)};
  s.impacts = {{true, 1e-3, 0, 0, 0}, {true, 1e-3, 0, 0, 0}, {true, 1e-5, 0, 0, 0}};
  std::vector<int> kept;
  const auto choices = price_candidates(s, tm, 1, 1e-4, 100, kept);
  ASSERT_EQ(kept.size(), 2U);  // the second costs more for the same loss
  EXPECT_EQ(kept[0], 0);
  EXPECT_EQ(kept[1], 2);
  EXPECT_EQ(choices[0].loss_units, 10);
  EXPECT_EQ(choices[1].loss_units, 1);
  EXPECT_DOUBLE_EQ(choices[0].ms_at_level[5], polynomial_ms(s.approximations[0].counts, tm.table.at(5)));
}

TEST(Optimizer, PerChannelCandidatesArePricedAsSuchAndKeptWhenMoreAccurate) {
  const TimeModel tm = make_time_model(table(20, 16));
  SiteCandidates s;
  approx::Approximation per_channel = poly(approx::Kind::wls, 3, 5);
  per_channel.channels = {per_channel.stages[0], per_channel.stages[0]};
  // Same counts: the per-channel one is dearer (plaintext products) but loses less, so both stay;
  // a per-channel one losing as much as the per-site one is dominated by it.
  s.approximations = {poly(approx::Kind::wls, 3, 5), per_channel, per_channel};
  s.impacts = {{true, 1e-3, 0, 0, 0}, {true, 1e-5, 0, 0, 0}, {true, 1e-3, 0, 0, 0}};
  std::vector<int> kept;
  const auto choices = price_candidates(s, tm, 1, 1e-4, 100, kept);
  ASSERT_EQ(kept, (std::vector<int>{0, 1}));
  EXPECT_GT(choices[1].ms_at_level[5], choices[0].ms_at_level[5]);
  EXPECT_DOUBLE_EQ(choices[1].ms_at_level[5], activation_ms(per_channel, tm.table.at(5)));
}

}  // namespace
}  // namespace ola::opt
