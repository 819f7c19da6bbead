// Construction of Chebyshev BSGS schedules (see schedule.h for the algorithm and references).
#include "ckks/poly/schedule.h"

#include <cmath>
#include <cstdlib>
#include <tuple>

namespace ola::ckks {

int ceil_log2(int n) {
  OLA_CHECK(n >= 1, "ceil_log2: n = " << n);
  int k = 0;
  while ((1 << k) < n) ++k;
  return k;
}

namespace {

int top_degree(const std::vector<double>& c) {
  int d = static_cast<int>(c.size()) - 1;
  while (d > 0 && c[static_cast<std::size_t>(d)] == 0.0) --d;
  return d < 0 ? 0 : d;
}

class PlanBuilder {
 public:
  PlanBuilder(PolyPlan& plan) : plan_(plan) {}

  // Adds the node evaluating sum_k c[k] T_k within depth budget `budget`; returns its index.
  int build(std::vector<double> c, int budget) {
    const int deg = top_degree(c);
    c.resize(static_cast<std::size_t>(deg) + 1);
    OLA_CHECK(deg == 0 || ceil_log2(deg + 1) <= budget,
              "plan_poly: degree " << deg << " does not fit depth " << budget);
    if (is_leaf(c, deg, budget)) {
      PolyNode leaf;
      leaf.budget = budget;
      leaf.constant = c[0];
      for (int k = 1; k <= deg; ++k) {
        if (c[static_cast<std::size_t>(k)] != 0.0) leaf.terms.emplace_back(k, c[static_cast<std::size_t>(k)]);
      }
      plan_.nodes.push_back(std::move(leaf));
      return static_cast<int>(plan_.nodes.size()) - 1;
    }
    const int g = choose_giant(deg, budget);
    // Chebyshev division by T_g: T_g = T_g T_0, T_i = 2 T_g T_{i-g} - T_{|i-2g|} for i > g.
    std::vector<double> q(static_cast<std::size_t>(deg - g) + 1, 0.0);
    std::vector<double> r = c;
    for (int i = deg; i >= g; --i) {
      const double ci = r[static_cast<std::size_t>(i)];
      r[static_cast<std::size_t>(i)] = 0.0;
      if (ci == 0.0) continue;
      if (i == g) {
        q[0] += ci;
      } else {
        q[static_cast<std::size_t>(i - g)] += 2.0 * ci;
        r[static_cast<std::size_t>(std::abs(i - 2 * g))] -= ci;
      }
    }
    r.resize(static_cast<std::size_t>(g));
    PolyNode split;
    split.giant = g;
    split.budget = budget;
    const int qi = build(std::move(q), budget - 1);
    bool r_zero = true;
    for (double v : r) r_zero = r_zero && v == 0.0;
    const int ri = r_zero ? -1 : build(std::move(r), budget);
    split.quotient = qi;
    split.remainder = ri;
    plan_.nodes.push_back(std::move(split));
    return static_cast<int>(plan_.nodes.size()) - 1;
  }

 private:
  bool is_leaf(const std::vector<double>& c, int deg, int budget) const {
    if (deg <= 1) return true;
    if (deg > plan_.baby_bound) return false;
    for (int k = 1; k <= deg; ++k) {
      if (c[static_cast<std::size_t>(k)] != 0.0 && ceil_log2(k) + 1 > budget) return false;
    }
    return true;
  }

  // Admissible giants: powers of two 2 <= g <= deg with deg - g < 2^(budget-1) (q fits budget-1).
  int choose_giant(int deg, int budget) const {
    const int q_max = (1 << (budget - 1)) - 1;
    int chosen = 0;
    for (int g = 2; g <= deg; g *= 2) {
      if (deg - g > q_max) continue;
      if (plan_.rule == GiantRule::smallest) return g;
      chosen = g;
    }
    OLA_CHECK(chosen != 0, "plan_poly: no giant step for degree " << deg << " budget " << budget);
    return chosen;
  }

  PolyPlan& plan_;
};

void check_coeffs(std::span<const double> coeffs) {
  if (coeffs.empty()) throw ola::Error(ola::mismatch("plan_poly", "coeffs.size()", ">= 1", 0));
  for (std::size_t k = 0; k < coeffs.size(); ++k) {
    if (!std::isfinite(coeffs[k])) {
      throw ola::Error(ola::mismatch("plan_poly", "coeffs[" + std::to_string(k) + "]",
                                     "a finite number", coeffs[k]));
    }
  }
}

}  // namespace

PolyPlan plan_poly(std::span<const double> coeffs, int baby_bound, GiantRule rule) {
  check_coeffs(coeffs);
  if (baby_bound < 1) throw ola::Error(ola::mismatch("plan_poly", "baby_bound", ">= 1", baby_bound));
  std::vector<double> c(coeffs.begin(), coeffs.end());
  PolyPlan plan;
  plan.degree = top_degree(c);
  plan.depth = plan.degree == 0 ? 0 : ceil_log2(plan.degree + 1);
  plan.baby_bound = baby_bound;
  plan.rule = rule;
  plan.odd = plan.even = true;
  for (int k = 0; k <= plan.degree; ++k) {
    if (c[static_cast<std::size_t>(k)] == 0.0) continue;
    if (k % 2 == 0) plan.odd = false;
    else plan.even = false;
  }
  PlanBuilder builder(plan);
  plan.root = builder.build(std::move(c), plan.depth);
  return plan;
}

PolyPlan plan_poly(std::span<const double> coeffs) {
  check_coeffs(coeffs);
  std::vector<double> c(coeffs.begin(), coeffs.end());
  const int deg = top_degree(c);
  PolyPlan best;
  std::tuple<int, int, int> best_key{0, 0, 0};
  for (int k = 1; k <= std::max(1, deg); ++k) {
    for (GiantRule rule : {GiantRule::largest, GiantRule::smallest}) {
      PolyPlan p = plan_poly(coeffs, k, rule);
      const PolyCounts n = counts(p);
      const std::tuple<int, int, int> key{n.nonscalar_mults, n.scalar_mults, n.additions};
      if (best.root < 0 || key < best_key) {
        best = std::move(p);
        best_key = key;
      }
    }
  }
  return best;
}

PolyCounts counts(const PolyPlan& plan) {
  CountingBackend be;
  const CountingBackend::Value out = evaluate(be, CountingBackend::Value{0}, plan);
  PolyCounts c = be.counts;
  OLA_CHECK(c.depth == out.depth, "counts: intermediate depth " << c.depth << " above result "
                                                                << out.depth);
  OLA_CHECK(out.depth <= plan.depth, "counts: depth " << out.depth << " over budget " << plan.depth);
  c.depth = out.depth;
  return c;
}

PolyCounts counts(std::span<const PolyPlan> plans) {
  CountingBackend be;
  const CountingBackend::Value out = evaluate_composite(be, CountingBackend::Value{0}, plans);
  PolyCounts c = be.counts;
  c.depth = out.depth;
  return c;
}

double evaluate_plain(const PolyPlan& plan, double t) {
  PlainBackend<double> be;
  return evaluate(be, t, plan);
}

long double evaluate_plain(const PolyPlan& plan, long double t) {
  PlainBackend<long double> be;
  return evaluate(be, t, plan);
}

long double clenshaw(std::span<const double> coeffs, long double t) {
  long double b1 = 0, b2 = 0;
  for (std::size_t k = coeffs.size(); k-- > 1;) {
    const long double b0 = 2 * t * b1 - b2 + static_cast<long double>(coeffs[k]);
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + (coeffs.empty() ? 0.0L : static_cast<long double>(coeffs[0]));
}

}  // namespace ola::ckks
