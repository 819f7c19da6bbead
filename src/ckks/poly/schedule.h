// Baby-step giant-step evaluation schedule of Chebyshev polynomials at minimum multiplicative depth:
// one template code path for plain numbers, a depth/operation counter and (later) ciphertexts.
//
// Pure math: this header knows nothing about ciphertexts. A caller supplies an arithmetic backend
// (see "Backend concept" below); the schedule decides which operations run in which order.
//
// Algorithm (after Bossuat et al., "Efficient Bootstrapping for Approximate HE with Non-Sparse
// Keys", Eurocrypt 2021, Sec. 4.2 and Lattigo's polynomial evaluator; odd specialisation after Lee
// et al., "High-Precision Bootstrapping for Approximate HE by Error Variance Minimization",
// Eurocrypt 2022, Alg. 2). A polynomial p = sum_k c_k T_k(t) of degree d with a depth budget B
// (initially B = ceil(log2(d+1))) is either
//   * a leaf: c_0 + sum_k c_k T_k with every T_k (k >= 1) a cached power-basis element whose depth
//     ceil(log2 k) leaves room for one scalar multiplication (ceil(log2 k) + 1 <= B), or
//   * split by a giant step T_g (g a power of two):  p = q * T_g + r, deg r < g, using
//     T_{g+j} = 2 T_g T_j - T_{|g-j|}  (Chebyshev division); q is evaluated with budget B-1 and
//     r with budget B, so the product q * T_g lands at depth <= B.
// Coefficients are only ever multiplied onto power-basis elements that still have a free level,
// so the leading coefficients are "folded" into the lowest-depth factor and no level is wasted:
// depth = ceil(log2(d+1)) for every d. Power-basis elements T_i are built on demand and cached:
// T_{2a} = 2 T_a^2 - 1 and T_{a+b} = 2 T_a T_b - T_{a-b} (a the largest power of two below i), both
// at the minimum depth ceil(log2 i); an odd polynomial therefore only builds odd T_i and powers of
// two. The baby-step bound K (largest leaf degree) and the giant-step rule are chosen by running
// every candidate plan through the counting backend and keeping the one with the fewest
// non-scalar multiplications (then scalar multiplications, then additions) - the counts reported
// are the counts of the schedule actually evaluated, never a separate formula.
//
// Backend concept (B a class with a nested type `Value`, copyable):
//   Value mul(const Value& a, const Value& b)      non-scalar product, result one level below the
//                                                  lower operand (relinearise + rescale)
//   Value mul_const(const Value& a, double c)      real constant: one level below a
//   Value mul_int(const Value& a, long k)          integer constant: no level consumed
//   Value add(const Value& a, const Value& b)      result at the lower of the two levels
//   Value sub(const Value& a, const Value& b)      idem
//   Value add_const(const Value& a, double c)      no level consumed
//   Value const_value(double c)                    a constant where a Value is needed (depth 0)
//   int depth(const Value& a)                      levels consumed since the schedule's input; the
//                                                  schedule checks every node against its budget
// Levels go down as depth is consumed; depth(mul(a, b)) = max(depth(a), depth(b)) + 1.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "util/error.h"

namespace ola::ckks {

/// Operation counts of one schedule, measured by running it through CountingBackend.
/// Thread safety: a plain value.
struct PolyCounts {
  int depth = 0;            ///< levels consumed
  int nonscalar_mults = 0;  ///< value x value products (each a relinearisation + rescale)
  int scalar_mults = 0;     ///< products by a non-integer constant (each consumes a level)
  int additions = 0;        ///< value additions/subtractions and constant additions
};

/// How a split node chooses its giant step among the admissible powers of two.
enum class GiantRule { largest, smallest };

/// One node of a schedule: a leaf (giant == 0) or a split p = q * T_giant + r.
/// Thread safety: a plain value.
struct PolyNode {
  int giant = 0;                              ///< 0 for a leaf, else the power of two g
  int budget = 0;                             ///< depth this node's value may reach at most
  double constant = 0.0;                      ///< leaf: constant term c_0
  std::vector<std::pair<int, double>> terms;  ///< leaf: (k, c_k), k >= 1, c_k != 0
  int quotient = -1;                          ///< split: index of q in PolyPlan::nodes
  int remainder = -1;                         ///< split: index of r in PolyPlan::nodes
};

/// A complete evaluation schedule of one polynomial sum_k c_k T_k(t), t in [-1, 1].
/// Invariants: nodes[root] is the whole polynomial; children precede nothing in particular;
/// every leaf term k has ceil(log2 k) + 1 <= the budget of its leaf.
/// Thread safety: an immutable value; concurrent reads are safe.
struct PolyPlan {
  std::vector<PolyNode> nodes;
  int root = -1;
  int degree = 0;       ///< index of the highest nonzero coefficient (0 for constants)
  int depth = 0;        ///< the depth budget used: ceil(log2(degree + 1))
  int baby_bound = 1;   ///< K: largest power-basis index a leaf may use
  GiantRule rule = GiantRule::largest;
  bool odd = false;     ///< all even coefficients are zero
  bool even = false;    ///< all odd coefficients are zero
};

/// ceil(log2(n)) for n >= 1 (0 for n = 1): the minimum depth of T_n.
int ceil_log2(int n);

/// Builds the schedule of sum_k coeffs[k] T_k with a fixed baby-step bound and giant-step rule.
/// Trailing zero coefficients are ignored; exact zeros are skipped everywhere (odd/even
/// specialisation follows from the zeros).
/// @throws ola::Error if coeffs is empty, holds a non-finite value, or baby_bound < 1.
PolyPlan plan_poly(std::span<const double> coeffs, int baby_bound, GiantRule rule);

/// Builds the cheapest schedule over every baby-step bound 1..degree and both giant rules, judged
/// by counts() (fewest non-scalar multiplications, then scalar multiplications, then additions).
/// @throws ola::Error if coeffs is empty or holds a non-finite value.
PolyPlan plan_poly(std::span<const double> coeffs);

/// Counts of running `plan` on an input at depth 0, measured with CountingBackend.
PolyCounts counts(const PolyPlan& plan);
/// Counts of the composition plans.back() o ... o plans.front() (each stage's input is the
/// previous stage's output), measured with CountingBackend.
PolyCounts counts(std::span<const PolyPlan> plans);

namespace detail {

/// The cache of power-basis elements T_0..T_n of one input, built on demand at minimum depth.
/// Thread safety: mutable; one instance per evaluation.
template <class Backend>
class PowerBasis {
 public:
  using Value = typename Backend::Value;
  PowerBasis(Backend& be, const Value& t) : be_(be) {
    values_.resize(2);
    values_[1] = t;
  }

  /// T_i for i >= 1, computing and caching whatever it depends on. The reference stays valid
  /// while the PowerBasis lives (a deque never moves its elements when growing at the end).
  const Value& get(int i) {
    OLA_CHECK(i >= 1, "PowerBasis::get: index " << i);
    const auto idx = static_cast<std::size_t>(i);
    if (idx >= values_.size()) values_.resize(idx + 1);
    if (values_[idx]) return *values_[idx];
    int a = 1;
    while (2 * a < i) a *= 2;  // largest power of two strictly below i
    if (2 * a == i) {
      // T_{2a} = 2 T_a^2 - 1
      const Value& ta = get(a);
      values_[idx] = be_.add_const(be_.mul_int(be_.mul(ta, ta), 2), -1.0);
    } else {
      // T_{a+b} = 2 T_a T_b - T_{a-b}, b = i - a < a
      const int b = i - a;
      const Value& ta = get(a);
      const Value& tb = get(b);
      const Value twice = be_.mul_int(be_.mul(ta, tb), 2);
      values_[idx] = be_.sub(twice, get(a - b));
    }
    return *values_[idx];
  }

 private:
  Backend& be_;
  std::deque<std::optional<Value>> values_;
};

template <class Backend>
typename Backend::Value eval_node_unchecked(Backend& be, PowerBasis<Backend>& basis,
                                            const PolyPlan& plan, int index, int base);

/// Evaluates node `index`; checks through the backend's level query that its budget holds
/// (depths relative to `base`, the depth of the schedule's input).
template <class Backend>
typename Backend::Value eval_node(Backend& be, PowerBasis<Backend>& basis, const PolyPlan& plan,
                                  int index, int base) {
  typename Backend::Value v = eval_node_unchecked(be, basis, plan, index, base);
  OLA_CHECK(be.depth(v) - base <= plan.nodes[static_cast<std::size_t>(index)].budget,
            "schedule: node " << index << " reached depth " << be.depth(v) << " over its budget "
                              << plan.nodes[static_cast<std::size_t>(index)].budget);
  return v;
}

template <class Backend>
typename Backend::Value eval_node_unchecked(Backend& be, PowerBasis<Backend>& basis,
                                            const PolyPlan& plan, int index, int base) {
  using Value = typename Backend::Value;
  const PolyNode& node = plan.nodes[static_cast<std::size_t>(index)];
  if (node.giant == 0) {
    if (node.terms.empty()) return be.const_value(node.constant);
    Value acc = be.mul_const(basis.get(node.terms[0].first), node.terms[0].second);
    for (std::size_t k = 1; k < node.terms.size(); ++k) {
      acc = be.add(acc, be.mul_const(basis.get(node.terms[k].first), node.terms[k].second));
    }
    if (node.constant != 0.0) acc = be.add_const(acc, node.constant);
    return acc;
  }
  const PolyNode& q = plan.nodes[static_cast<std::size_t>(node.quotient)];
  const Value& giant = basis.get(node.giant);
  Value prod;
  if (q.giant == 0 && q.terms.empty()) {
    prod = be.mul_const(giant, q.constant);  // constant quotient: a scalar product suffices
  } else {
    prod = be.mul(eval_node(be, basis, plan, node.quotient, base), giant);
  }
  if (node.remainder < 0) return prod;
  const PolyNode& r = plan.nodes[static_cast<std::size_t>(node.remainder)];
  if (r.giant == 0 && r.terms.empty()) {
    return r.constant == 0.0 ? prod : be.add_const(prod, r.constant);
  }
  return be.add(prod, eval_node(be, basis, plan, node.remainder, base));
}

}  // namespace detail

/// Evaluates `plan` at the input t (which must lie in [-1, 1] for the result to be meaningful).
/// Effect on level: the result is plan.depth levels below t (or less for constant polynomials).
template <class Backend>
typename Backend::Value evaluate(Backend& be, const typename Backend::Value& t,
                                 const PolyPlan& plan) {
  OLA_CHECK(plan.root >= 0, "evaluate: empty PolyPlan");
  detail::PowerBasis<Backend> basis(be, t);
  return detail::eval_node(be, basis, plan, plan.root, be.depth(t));
}

/// Evaluates the composition plans.back() o ... o plans.front() at t: each stage gets its own
/// power basis of the previous stage's output. Depth is the sum of the stage depths.
template <class Backend>
typename Backend::Value evaluate_composite(Backend& be, const typename Backend::Value& t,
                                           std::span<const PolyPlan> plans) {
  typename Backend::Value v = t;
  for (const PolyPlan& p : plans) v = evaluate(be, v, p);
  return v;
}

/// Plain arithmetic backend over Real (double or long double): evaluation in schedule order.
/// Thread safety: stateless; one instance per thread or shared, both are safe.
template <class Real>
struct PlainBackend {
  using Value = Real;
  Value mul(const Value& a, const Value& b) const { return a * b; }
  Value mul_const(const Value& a, double c) const { return a * static_cast<Real>(c); }
  Value mul_int(const Value& a, long k) const { return a * static_cast<Real>(k); }
  Value add(const Value& a, const Value& b) const { return a + b; }
  Value sub(const Value& a, const Value& b) const { return a - b; }
  Value add_const(const Value& a, double c) const { return a + static_cast<Real>(c); }
  Value const_value(double c) const { return static_cast<Real>(c); }
  int depth(const Value&) const { return 0; }
};

/// Level simulator: a Value is its depth; the backend counts every operation.
/// Thread safety: mutable counters; one instance per thread.
struct CountingBackend {
  struct Value {
    int depth = 0;
  };
  PolyCounts counts;
  Value mul(const Value& a, const Value& b) {
    ++counts.nonscalar_mults;
    return bump(std::max(a.depth, b.depth) + 1);
  }
  Value mul_const(const Value& a, double) {
    ++counts.scalar_mults;
    return bump(a.depth + 1);
  }
  Value mul_int(const Value& a, long) { return a; }
  Value add(const Value& a, const Value& b) {
    ++counts.additions;
    return bump(std::max(a.depth, b.depth));
  }
  Value sub(const Value& a, const Value& b) { return add(a, b); }
  Value add_const(const Value& a, double) {
    ++counts.additions;
    return a;
  }
  Value const_value(double) { return Value{0}; }
  int depth(const Value& a) const { return a.depth; }

 private:
  Value bump(int d) {
    counts.depth = std::max(counts.depth, d);
    return Value{d};
  }
};

/// Plain evaluation through the schedule (double).
double evaluate_plain(const PolyPlan& plan, double t);
/// Plain evaluation through the schedule (long double).
long double evaluate_plain(const PolyPlan& plan, long double t);
/// Reference value by Clenshaw's recurrence (for tests and checks; not the encrypted order).
long double clenshaw(std::span<const double> coeffs, long double t);

}  // namespace ola::ckks
