#include "ola/dp.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <random>
#include <vector>

#include "util/error.h"

namespace ola::opt {
namespace {

std::vector<double> flat(int top, double ms) { return std::vector<double>(static_cast<std::size_t>(top + 1), ms); }

DpStep linear(int top, double ms, double boot_ms) {
  DpStep s;
  s.kind = StepKind::linear;
  s.depth = 1;
  s.ms_at_level = flat(top, ms);
  s.bootstrap_ms = boot_ms;
  return s;
}

DpStep activation(std::vector<DpChoice> choices, double boot_ms) {
  DpStep s;
  s.kind = StepKind::activation;
  s.choices = std::move(choices);
  s.bootstrap_ms = boot_ms;
  return s;
}

DpChoice choice(int top, int depth, double ms, int loss) { return {depth, flat(top, ms), loss}; }

// Independent reference: enumerates every bootstrap subset and every candidate, simulating levels
// forward, and keeps the minimum time for each exact total loss.
struct Exhaustive {
  const DpProblem& p;
  std::vector<double> best_exact;  // [loss] min time with exactly this loss
  void run(std::size_t i, int r, int s, int loss, double t) {
    if (i == p.steps.size()) {
      if (s < 0 && loss <= p.max_units) best_exact[static_cast<std::size_t>(loss)] = std::min(best_exact[static_cast<std::size_t>(loss)], t);
      return;
    }
    const DpStep& st = p.steps[i];
    for (int b = 0; b < 2; ++b) {
      if (b == 1 && !(st.bootstrap_ms < kInfMs)) continue;
      const int r0 = b ? p.boot_level : r;
      const double t0 = t + (b ? st.bootstrap_ms : 0.0);
      switch (st.kind) {
        case StepKind::linear:
          if (r0 - st.depth >= p.min_level) run(i + 1, r0 - st.depth, s, loss, t0 + st.ms_at_level[static_cast<std::size_t>(r0)]);
          break;
        case StepKind::activation:
          for (const auto& c : st.choices) {
            if (r0 - c.depth >= p.min_level) run(i + 1, r0 - c.depth, s, loss + c.loss_units, t0 + c.ms_at_level[static_cast<std::size_t>(r0)]);
          }
          break;
        case StepKind::skip_open:
          run(i + 1, r0, r0, loss, t0);
          break;
        case StepKind::skip_merge: {
          const int m = r0 == s && st.merge_spends_level_at_equal ? r0 - 1 : std::min(r0, s);
          if (m < p.min_level) break;
          run(i + 1, m, -1, loss, t0 + (st.ms_at_level.empty() ? 0.0 : st.ms_at_level[static_cast<std::size_t>(m)]));
          break;
        }
      }
    }
  }
  // [k]: min time with loss <= k
  std::vector<double> solve() {
    best_exact.assign(static_cast<std::size_t>(p.max_units + 1), kInfMs);
    run(0, p.start_level, -1, 0, 0.0);
    std::vector<double> out(best_exact.size(), kInfMs);
    double m = kInfMs;
    for (std::size_t k = 0; k < out.size(); ++k) {
      m = std::min(m, best_exact[k]);
      out[k] = m;
    }
    return out;
  }
};

DpProblem random_problem(std::mt19937& rng) {
  auto uni = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  auto real = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
  DpProblem p;
  p.min_level = uni(0, 1);
  p.boot_level = p.min_level + uni(3, 7);
  p.start_level = p.min_level + uni(2, 8);
  p.max_units = uni(0, 8);
  const int top = std::max(p.boot_level, p.start_level);
  auto levels = [&](double base) {
    std::vector<double> v(static_cast<std::size_t>(top + 1));
    for (int l = 0; l <= top; ++l) v[static_cast<std::size_t>(l)] = base * (1.0 + 0.2 * l) + real(0.0, 0.5);
    return v;
  };
  const int sites = uni(2, 4);
  bool open = false;
  for (int s = 0; s < sites; ++s) {
    if (!open && uni(0, 2) == 0) {
      DpStep o;
      o.kind = StepKind::skip_open;
      o.bootstrap_ms = uni(0, 1) ? real(5.0, 30.0) : kInfMs;
      p.steps.push_back(o);
      open = true;
    }
    DpStep lin;
    lin.kind = StepKind::linear;
    lin.depth = uni(0, 2);
    lin.ms_at_level = levels(real(0.5, 2.0));
    lin.bootstrap_ms = uni(0, 3) ? real(5.0, 30.0) : kInfMs;
    p.steps.push_back(lin);
    if (open && uni(0, 1) == 0) {
      DpStep m;
      m.kind = StepKind::skip_merge;
      m.ms_at_level = levels(0.1);
      m.bootstrap_ms = uni(0, 3) == 0 ? real(5.0, 30.0) : kInfMs;
      m.merge_spends_level_at_equal = uni(0, 1) == 0;
      p.steps.push_back(m);
      open = false;
    }
    DpStep act;
    act.kind = StepKind::activation;
    act.bootstrap_ms = uni(0, 3) ? real(5.0, 30.0) : kInfMs;
    const int nc = uni(1, 3);
    for (int c = 0; c < nc; ++c) act.choices.push_back({uni(0, 4), levels(real(0.5, 6.0)), uni(0, 4)});
    if (uni(0, 4) == 0) act.choices[0].ms_at_level[static_cast<std::size_t>(uni(0, top))] = kInfMs;
    p.steps.push_back(act);
  }
  if (open) {
    DpStep m;
    m.kind = StepKind::skip_merge;
    p.steps.push_back(m);
  }
  return p;
}

double replay_ms(const DpProblem& p, const DpSolution& s) {
  double t = 0;
  for (std::size_t i = 0; i < s.steps.size(); ++i) t += s.steps[i].ms;
  (void)p;
  return t;
}

// Compares the DP with exhaustive search on one instance, at every budget k: the same minimum
// time, and a reconstructed solution that takes exactly that time within budget. Returns the
// number of feasible budgets.
int expect_matches_exhaustive(const DpProblem& p, int trial) {
  const std::vector<double> want = Exhaustive{p, {}}.solve();
  const DpResult got = solve_dp(p);
  EXPECT_EQ(got.best_ms.size(), want.size());
  if (got.best_ms.size() != want.size()) return 0;
  int feasible = 0;
  for (std::size_t k = 0; k < want.size(); ++k) {
    if (!(want[k] < kInfMs)) {
      EXPECT_FALSE(got.best_ms[k] < kInfMs) << "trial " << trial << " k " << k;
      EXPECT_FALSE(reconstruct(p, got, static_cast<int>(k)).has_value());
      continue;
    }
    ++feasible;
    EXPECT_NEAR(got.best_ms[k], want[k], 1e-9 * want[k]) << "trial " << trial << " k " << k;
    const auto sol = reconstruct(p, got, static_cast<int>(k));
    EXPECT_TRUE(sol.has_value()) << "trial " << trial << " k " << k;
    if (!sol) continue;
    EXPECT_NEAR(sol->total_ms, want[k], 1e-9 * want[k]);
    EXPECT_NEAR(replay_ms(p, *sol), sol->total_ms, 1e-9 * want[k]);
    EXPECT_LE(sol->loss_units, static_cast<int>(k));
    for (const auto& sd : sol->steps) EXPECT_GE(sd.level_after, p.min_level);
  }
  return feasible;
}

// Multiplies every candidate's loss by `factor`, so that the front spans that many more units.
void scale_losses(DpProblem& p, int factor) {
  for (auto& st : p.steps) {
    for (auto& c : st.choices) c.loss_units *= factor;
  }
}

TEST(Dp, MatchesExhaustiveSearchOnRandomInstances) {
  std::mt19937 rng(12345);
  int feasible = 0;
  for (int trial = 0; trial < 400; ++trial) feasible += expect_matches_exhaustive(random_problem(rng), trial);
  EXPECT_GT(feasible, 400);  // the generator must produce mostly feasible instances
}

// The same kind of instances with every loss scaled to hundreds of units, so that the front spans
// several of the blocks of k the DP relaxes at a time (and ties between equally fast plans of
// different losses meet block edges).
TEST(Dp, MatchesExhaustiveSearchWhenTheFrontSpansManyBlocks) {
  std::mt19937 rng(777);
  constexpr int kScale = 613;  // odd, so scaled losses fall on every offset within a block
  int feasible = 0;
  for (int trial = 0; trial < 60; ++trial) {
    DpProblem p = random_problem(rng);
    p.max_units = p.max_units * kScale + kScale / 2;
    scale_losses(p, kScale);
    feasible += expect_matches_exhaustive(p, trial);
  }
  EXPECT_GT(feasible, 20000);  // the generator must produce mostly feasible instances
}

// Rows are solved in parallel: one thread and several give the same tables, decisions included.
TEST(Dp, SameResultForAnyThreadCount) {
  std::mt19937 rng(99);
  for (int trial = 0; trial < 20; ++trial) {
    DpProblem p = random_problem(rng);
    p.max_units = 2500;
    scale_losses(p, 401);
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const DpResult one = solve_dp(p);
    omp_set_num_threads(std::max(2, threads));
    const DpResult many = solve_dp(p);
    omp_set_num_threads(threads);
    EXPECT_EQ(one.best_ms, many.best_ms) << "trial " << trial;
    EXPECT_EQ(one.decision, many.decision) << "trial " << trial;
  }
}

// One site, a cheap lossy and an expensive exact-ish candidate: the budget decides.
TEST(Dp, BudgetSelectsCandidate) {
  DpProblem p;
  p.min_level = 0;
  p.boot_level = 10;
  p.start_level = 10;
  p.max_units = 5;
  const int top = 10;
  p.steps.push_back(linear(top, 1.0, kInfMs));
  p.steps.push_back(activation({choice(top, 3, 100.0, 0), choice(top, 2, 10.0, 3)}, kInfMs));
  const DpResult r = solve_dp(p);
  EXPECT_DOUBLE_EQ(r.best_ms[0], 101.0);
  EXPECT_DOUBLE_EQ(r.best_ms[2], 101.0);
  EXPECT_DOUBLE_EQ(r.best_ms[3], 11.0);
  const auto front = pareto_front(r);
  ASSERT_EQ(front.size(), 2U);
  EXPECT_EQ(front[1].loss_units, 3);
  const auto s = reconstruct(p, r, 5);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->steps[1].choice, 1);
  EXPECT_EQ(s->steps[1].level_after, 7);
}

// Four conv+act units with 5 levels after each bootstrap. A depth-4 candidate forces a bootstrap
// per unit (4 x 1000); a depth-1 candidate fits two units per bootstrap window (levels: conv 1 +
// act 1 = 2 per unit, 5 levels hold 2 units), so after the free start window only one bootstrap is
// needed. Optimal: the shallow one everywhere, 1 bootstrap.
TEST(Dp, ShallowCandidatesSaveBootstraps) {
  DpProblem p;
  p.min_level = 0;
  p.boot_level = 5;
  p.start_level = 5;
  p.max_units = 100;
  const int top = 5;
  for (int u = 0; u < 4; ++u) {
    p.steps.push_back(linear(top, 1.0, 1000.0));
    p.steps.push_back(activation({choice(top, 4, 5.0, 0), choice(top, 1, 20.0, 0)}, 1000.0));
  }
  const DpResult r = solve_dp(p);
  const auto s = reconstruct(p, r, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->bootstraps, 1);
  EXPECT_DOUBLE_EQ(s->total_ms, 1000.0 + 4 * 1.0 + 4 * 20.0);
}

// A residual block whose main branch bootstraps: the merge continues at the skip branch's lower
// level, so the last activation cannot fit without a second bootstrap unless the first unit keeps
// the skip level high.
TEST(Dp, ResidualMergeTakesLowerLevel) {
  DpProblem p;
  p.min_level = 0;
  p.boot_level = 4;
  p.start_level = 1;
  p.max_units = 0;
  const int top = 4;
  DpStep open;
  open.kind = StepKind::skip_open;
  open.bootstrap_ms = 50.0;  // bootstrapping before the block lifts both branches
  p.steps.push_back(open);
  p.steps.push_back(linear(top, 1.0, 100.0));
  DpStep merge;
  merge.kind = StepKind::skip_merge;
  p.steps.push_back(merge);
  p.steps.push_back(activation({choice(top, 2, 3.0, 0)}, 100.0));
  const DpResult r = solve_dp(p);
  const auto s = reconstruct(p, r, 0);
  ASSERT_TRUE(s);
  // Start level 1: the linear needs a bootstrap. Cheapest: bootstrap before skip_open (50), then
  // the linear 4 -> 3, merge at min(3, 4) = 3, activation 3 -> 1. Bootstrapping only the main
  // branch (100) would merge at level min(3, 1) = 1 and need another bootstrap.
  EXPECT_EQ(s->bootstraps, 1);
  EXPECT_TRUE(s->steps[0].bootstrap_before);
  EXPECT_EQ(s->steps[2].level_after, 3);
  EXPECT_DOUBLE_EQ(s->total_ms, 50.0 + 1.0 + 3.0);
}

TEST(Dp, AMergeOfDifferentScalesAtEqualLevelsSpendsALevel) {
  // skip_open at 4, then a linear of depth 0 (both branches at 4) or 1 (main at 3), a merge whose
  // branches' scales differ, a depth-4 activation (bootstrap cost 100).
  const auto solve = [](int linear_depth, bool spends) {
    DpProblem p;
    p.min_level = 0;
    p.boot_level = 4;
    p.start_level = 4;
    p.max_units = 0;
    DpStep open;
    open.kind = StepKind::skip_open;
    p.steps.push_back(open);
    DpStep lin = linear(4, 1.0, kInfMs);
    lin.depth = linear_depth;
    p.steps.push_back(lin);
    DpStep merge;
    merge.kind = StepKind::skip_merge;
    merge.merge_spends_level_at_equal = spends;
    p.steps.push_back(merge);
    p.steps.push_back(activation({choice(4, 4, 2.0, 0)}, 100.0));
    const auto s = reconstruct(p, solve_dp(p), 0);
    EXPECT_TRUE(s);
    return *s;
  };
  // Equal levels: the merge spends a level (4 -> 3), so the activation needs a bootstrap.
  const DpSolution spent = solve(0, true);
  EXPECT_EQ(spent.steps[2].level_after, 3);
  EXPECT_EQ(spent.bootstraps, 1);
  EXPECT_DOUBLE_EQ(spent.total_ms, 1.0 + 100.0 + 2.0);
  const DpSolution free_merge = solve(0, false);
  EXPECT_EQ(free_merge.steps[2].level_after, 4);
  EXPECT_EQ(free_merge.bootstraps, 0);
  // Different levels (3 and 4): the higher branch is matched with its spare level, merge at 3.
  EXPECT_EQ(solve(1, true).steps[2].level_after, 3);
  EXPECT_EQ(solve(1, false).steps[2].level_after, 3);
}

TEST(Dp, InfeasibleWhenCandidateDeeperThanBootstrapWindow) {
  DpProblem p;
  p.min_level = 0;
  p.boot_level = 3;
  p.start_level = 3;
  p.max_units = 0;
  p.steps.push_back(linear(3, 1.0, 10.0));
  p.steps.push_back(activation({choice(3, 5, 1.0, 0)}, 10.0));
  const DpResult r = solve_dp(p);
  EXPECT_FALSE(r.best_ms[0] < kInfMs);
  EXPECT_FALSE(reconstruct(p, r, 0).has_value());
  EXPECT_TRUE(pareto_front(r).empty());
}

TEST(Dp, RejectsMalformedProblems) {
  DpProblem p;
  p.boot_level = 3;
  p.start_level = 3;
  DpStep merge;
  merge.kind = StepKind::skip_merge;
  p.steps.push_back(merge);
  EXPECT_THROW(solve_dp(p), Error);
  p.steps.clear();
  DpStep open;
  open.kind = StepKind::skip_open;
  p.steps.push_back(open);
  EXPECT_THROW(solve_dp(p), Error);
  p.steps.clear();
  p.steps.push_back(activation({}, kInfMs));
  EXPECT_THROW(solve_dp(p), Error);
  p.steps.clear();
  p.steps.push_back(linear(1, 1.0, kInfMs));  // table too short for top level 3
  EXPECT_THROW(solve_dp(p), Error);
  p.steps.clear();
  p.min_level = 4;
  EXPECT_THROW(solve_dp(p), Error);
}

}  // namespace
}  // namespace ola::opt
