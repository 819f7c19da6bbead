#include "ckks/lintrans/bsgs_plan.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <set>
#include <string>

#include "util/error.h"

namespace ola::ckks {

namespace {

BsgsPlan make_plan(const DiagonalMatrix& m, int n1) {
  BsgsPlan p;
  p.dim = m.dim;
  p.n1 = n1;
  for (const auto& [k, d] : m.diagonals) {
    const int b = k % n1;
    p.groups[k - b].push_back(b);
  }
  return p;
}

}  // namespace

std::vector<int> BsgsPlan::baby_steps() const {
  std::set<int> s;
  for (const auto& [g, bs] : groups) {
    for (int b : bs) {
      if (b != 0) s.insert(b);
    }
  }
  return {s.begin(), s.end()};
}

std::vector<int> BsgsPlan::giant_steps() const {
  std::vector<int> out;
  for (const auto& [g, bs] : groups) {
    if (g != 0) out.push_back(g);
  }
  return out;
}

int BsgsPlan::rotation_count() const {
  return static_cast<int>(baby_steps().size() + giant_steps().size());
}

BsgsPlan plan_bsgs(const DiagonalMatrix& m, int n1, double baby_cost) {
  validate(m);
  if (m.diagonals.empty()) throw Error(ola::mismatch("plan_bsgs", "diagonals", ">= 1", 0));
  if (n1 != 0) {
    if (n1 < 1 || n1 > m.dim || !std::has_single_bit(static_cast<unsigned>(n1))) {
      throw Error(ola::mismatch("plan_bsgs", "n1", "0 or a power of two <= " + std::to_string(m.dim), n1));
    }
    return make_plan(m, n1);
  }
  BsgsPlan best;
  double best_cost = std::numeric_limits<double>::infinity();
  for (int c = 1; c <= m.dim; c *= 2) {
    BsgsPlan p = make_plan(m, c);
    const double cost = baby_cost * static_cast<double>(p.baby_steps().size()) +
                        static_cast<double>(p.giant_steps().size());
    if (cost < best_cost) {
      best_cost = cost;
      best = std::move(p);
    }
    if (c > m.dim / 2) break;
  }
  return best;
}

std::vector<int> rotation_set(const BsgsPlan& plan) {
  std::set<int> s;
  for (int b : plan.baby_steps()) s.insert(b);
  for (int g : plan.giant_steps()) s.insert(g);
  return {s.begin(), s.end()};
}

std::vector<int> rotation_set(std::span<const BsgsPlan> plans) {
  std::set<int> s;
  for (const auto& p : plans) {
    for (int r : rotation_set(p)) s.insert(r);
  }
  return {s.begin(), s.end()};
}

ComplexVector prerotated_diagonal(const DiagonalMatrix& m, int g, int b) {
  const auto it = m.diagonals.find((g + b) % m.dim);
  if (it == m.diagonals.end()) {
    throw Error(ola::mismatch("prerotated_diagonal", "offset " + std::to_string(g + b), "a diagonal", "none"));
  }
  return rotate_left(it->second, -static_cast<long>(g));
}

ComplexVector apply_bsgs(const DiagonalMatrix& m, const BsgsPlan& plan, std::span<const Complex> x) {
  validate(m);
  if (plan.dim != m.dim) throw Error(ola::mismatch("apply_bsgs", "plan.dim", m.dim, plan.dim));
  if (static_cast<int>(x.size()) != m.dim) throw Error(ola::mismatch("apply_bsgs", "x.size()", m.dim, x.size()));
  std::map<int, ComplexVector> baby;
  for (const auto& [g, bs] : plan.groups) {
    for (int b : bs) {
      if (!baby.count(b)) baby.emplace(b, rotate_left(x, b));
    }
  }
  ComplexVector y(m.dim);
  for (const auto& [g, bs] : plan.groups) {
    ComplexVector partial(m.dim);
    for (int b : bs) {
      const ComplexVector d = prerotated_diagonal(m, g, b);
      const ComplexVector& xb = baby.at(b);
      for (int i = 0; i < m.dim; ++i) partial[i] += d[i] * xb[i];
    }
    const ComplexVector rotated = rotate_left(partial, g);
    for (int i = 0; i < m.dim; ++i) y[i] += rotated[i];
  }
  return y;
}

}  // namespace ola::ckks
