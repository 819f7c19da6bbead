#include "ola/baselines.h"

#include <algorithm>
#include <sstream>

#include "util/error.h"

namespace ola::opt {

PlanTotals totals_of(const DpProblem& p, const DpSolution& s) {
  PlanTotals t;
  for (std::size_t i = 0; i < s.steps.size(); ++i) {
    const StepDecision& d = s.steps[i];
    const double boot = d.bootstrap_before ? p.steps[i].bootstrap_ms : 0.0;
    t.bootstrap_ms += boot;
    t.bootstraps += d.bootstrap_before ? 1 : 0;
    (p.steps[i].kind == StepKind::activation ? t.activation_ms : t.linear_ms) += d.ms - boot;
  }
  t.predicted_ms = s.total_ms;
  return t;
}

const Baseline* find_baseline(const Plan& plan, const std::string& name) {
  for (const Baseline& b : plan.baselines) {
    if (b.name == name && b.feasible) return &b;
  }
  return nullptr;
}

const Baseline* headline_baseline(const Plan& plan) {
  const Baseline* best = nullptr;
  const Baseline* bound = nullptr;
  for (const Baseline& b : plan.baselines) {
    if (!b.feasible) continue;
    if (b.name == "uniform_relu_alpha13") bound = &b;
    const bool measured_chain = b.name == "uniform_relu_alpha13_native" || b.name == "uniform_relu_alpha13_dp" ||
                                b.name.rfind("uniform_relu_alpha13_on_", 0) == 0 ||
                                b.name.rfind("uniform_relu_alpha13_dp_on_", 0) == 0;
    if (measured_chain && b.split_bootstraps == 0 && (!best || b.totals.predicted_ms < best->totals.predicted_ms)) {
      best = &b;
    }
  }
  return best ? best : bound;
}

Baseline dp_placed_baseline(const Network& net, const TimeModel& tm, const std::vector<approx::Approximation>& per_site) {
  OLA_CHECK(static_cast<int>(per_site.size()) == net.num_sites, "dp_placed_baseline: one approximation per site");
  std::vector<std::vector<DpChoice>> choices(per_site.size());
  for (const NetStep& st : net.steps) {
    if (st.kind != StepKind::activation) continue;
    const approx::OpCounts& c = per_site[static_cast<std::size_t>(st.site)].counts;
    choices[static_cast<std::size_t>(st.site)] = {{c.depth, polynomial_ms_at_levels(c, tm, ciphertexts(st.elements, tm.slots)), 0}};
  }
  Baseline b;
  b.name = "dp_placed";
  const DpProblem p = make_problem(net, tm, choices, 0);
  const auto sol = reconstruct(p, solve_dp(p), 0);
  if (!sol) {
    b.description = "infeasible: a polynomial is deeper than the " +
                    std::to_string(tm.bootstrap.levels_after - tm.bootstrap.input_level) + " levels a bootstrap leaves";
    return b;
  }
  b.feasible = true;
  b.totals = totals_of(p, *sol);
  const bool uniform = std::all_of(per_site.begin(), per_site.end(),
                                   [&](const approx::Approximation& a) { return a.label() == per_site.front().label(); });
  b.description = (uniform && !per_site.empty() ? per_site.front().label() + " at every site" : std::string("per-site polynomials")) +
                  ", bootstraps placed by the DP";
  return b;
}

Baseline mpcnn_baseline(const Network& net, const TimeModel& tm, const std::vector<approx::Approximation>& per_site) {
  OLA_CHECK(static_cast<int>(per_site.size()) == net.num_sites, "mpcnn_baseline: one approximation per site");
  Baseline b;
  b.name = "uniform_relu_alpha13";
  const int L = tm.bootstrap.levels_after;
  const int min = tm.bootstrap.input_level;
  const int window = L - min;
  int r = L;
  int skip = -1;
  bool first_conv_done = false;
  bool refreshed = false;  // a bootstrap already placed for the next convolution
  int extra = 0;
  PlanTotals& t = b.totals;
  auto bootstrap = [&](std::int64_t elements) {
    t.bootstrap_ms += bootstrap_ms(tm, elements);
    ++t.bootstraps;
    r = L;
  };
  for (std::size_t i = 0; i < net.steps.size(); ++i) {
    const NetStep& s = net.steps[i];
    const double cts = static_cast<double>(ciphertexts(s.elements, tm.slots));
    switch (s.kind) {
      case StepKind::skip_open: {
        const bool conv_next = i + 1 < net.steps.size() && net.steps[i + 1].kind == StepKind::linear &&
                               net.steps[i + 1].shape.op == LinearShape::Op::conv;
        if (conv_next && first_conv_done) {
          bootstrap(s.elements);
          refreshed = true;
        }
        skip = r;
        break;
      }
      case StepKind::linear: {
        const bool conv = s.shape.op == LinearShape::Op::conv;
        if (conv && first_conv_done && !refreshed) bootstrap(s.elements);
        refreshed = false;
        if (conv) first_conv_done = true;
        const int depth = linear_depth(s.shape);
        if (r - depth < min) bootstrap(s.elements);
        t.linear_ms += linear_step_ms(tm, s, r);
        r -= depth;
        break;
      }
      case StepKind::activation: {
        const approx::Approximation& a = per_site.at(static_cast<std::size_t>(s.site));
        t.activation_ms += polynomial_ms(a.counts, tm.table.at(r)) * cts;
        const int missing = a.counts.depth - (r - min);
        if (missing > 0) {
          const int n = (missing + window - 1) / window;
          for (int k = 0; k < n; ++k) bootstrap(s.elements);
          extra += n;
          r = L - (missing - (n - 1) * window);
        } else {
          r -= a.counts.depth;
        }
        break;
      }
      case StepKind::skip_merge:
        // No level to spend on an equal-level merge: the main branch is refreshed (levels differ).
        if (s.merge_spends_level_at_equal && r == skip && r - 1 < min) bootstrap(s.elements);
        r = merged_level(r, skip, s.merge_spends_level_at_equal);
        skip = -1;
        t.linear_ms += merge_step_ms(tm, s, r);
        break;
    }
  }
  t.predicted_ms = t.bootstrap_ms + t.activation_ms + t.linear_ms;
  b.feasible = true;
  b.split_bootstraps = extra;
  std::ostringstream d;
  d << (per_site.empty() ? std::string("no sites") : per_site.front().label())
    << " at every site, one bootstrap per convolution (MPCNN placement)";
  if (extra > 0) d << ", plus " << extra << " bootstraps inside activations (window of " << window << " levels)";
  b.description = d.str();
  return b;
}

}  // namespace ola::opt
