#include "he/slot_transform.h"

#include <algorithm>
#include <set>
#include <string>

#include "util/error.h"

namespace ola::he {
namespace {

bool is_pow2(long v) { return v > 0 && (v & (v - 1)) == 0; }

void check_period(const char* field, int period, int slots) {
  if (!is_pow2(period) || period > slots || slots % period != 0) {
    throw Error(ola::mismatch("compile_transform", field,
                         "a power of two dividing slots = " + std::to_string(slots), period));
  }
}

}  // namespace

int signed_mod(long v, int m) {
  long r = v % m;
  if (r < 0) r += m;
  if (r >= m / 2 && m > 1) r -= m;
  return static_cast<int>(r);
}

int baby_of(const BsgsSplit& s, int r) { return signed_mod(r, s.giant_stride); }

int giant_of(const BsgsSplit& s, int r) {
  const int g = r - baby_of(s, r);
  return s.giant_modulus > 0 ? signed_mod(g, s.giant_modulus) : g;
}

BsgsSplit split_shifts(std::span<const int> shifts, int period, double baby_cost, bool reduce_giants) {
  if (shifts.empty()) throw Error(ola::mismatch("split_shifts", "shifts.size()", ">= 1", 0));
  if (!is_pow2(period)) throw Error(ola::mismatch("split_shifts", "period", "a power of two", period));
  BsgsSplit best;
  double best_cost = 0.0;
  long best_total = 0;
  bool have = false;
  for (int g_stride = 1; g_stride <= period; g_stride *= 2) {
    BsgsSplit cand{g_stride, reduce_giants ? period : 0, {}, {}};
    std::set<int> babies;
    std::set<int> giants;
    for (int r : shifts) {
      babies.insert(baby_of(cand, r));
      giants.insert(giant_of(cand, r));
    }
    const long nb = static_cast<long>(babies.size()) - static_cast<long>(babies.count(0));
    const long ng = static_cast<long>(giants.size()) - static_cast<long>(giants.count(0));
    const double cost = baby_cost * static_cast<double>(nb) + static_cast<double>(ng);
    if (!have || cost < best_cost - 1e-12 || (cost <= best_cost + 1e-12 && nb + ng < best_total)) {
      have = true;
      best_cost = cost;
      best_total = nb + ng;
      cand.baby_steps.assign(babies.begin(), babies.end());
      cand.giant_steps.assign(giants.begin(), giants.end());
      best = std::move(cand);
    }
  }
  return best;
}

SlotTransform compile_transform(std::span<const SlotTerm> terms, int slots, int in_period,
                                int out_period, double baby_cost) {
  if (!is_pow2(slots)) throw Error(ola::mismatch("compile_transform", "slots", "a power of two", slots));
  check_period("in_period", in_period, slots);
  check_period("out_period", out_period, slots);
  if (terms.empty()) throw Error(ola::mismatch("compile_transform", "terms.size()", ">= 1", 0));
  struct Keyed {
    int shift;
    int out;
    double weight;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(terms.size());
  for (const SlotTerm& t : terms) {
    if (t.out_slot < 0 || t.out_slot >= out_period || t.in_slot < 0 || t.in_slot >= in_period) {
      throw Error(ola::mismatch("compile_transform", "term (out_slot, in_slot)",
                           "within [0, " + std::to_string(out_period) + ") x [0, " +
                               std::to_string(in_period) + ")",
                           "(" + std::to_string(t.out_slot) + ", " + std::to_string(t.in_slot) + ")"));
    }
    keyed.push_back({signed_mod(static_cast<long>(t.in_slot) - t.out_slot, in_period), t.out_slot, t.weight});
  }
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return a.shift != b.shift ? a.shift < b.shift : a.out < b.out;
  });
  SlotTransform r;
  r.slots = slots;
  r.in_period = in_period;
  r.out_period = out_period;
  r.mask_period = std::max(in_period, out_period);
  for (const Keyed& k : keyed) {
    if (r.shifts.empty() || r.shifts.back() != k.shift) {
      r.shifts.push_back(k.shift);
      r.entries.emplace_back();
    }
    auto& column = r.entries.back();
    if (!column.empty() && column.back().first == k.out) {
      column.back().second += k.weight;  // same (out, in): the same diagonal entry
    } else {
      column.emplace_back(k.out, k.weight);
    }
  }
  // Masks repeat with period in_period when out_period <= in_period, so giant steps may be
  // reduced modulo in_period.
  r.split = split_shifts(r.shifts, in_period, baby_cost, out_period <= in_period);
  for (int s = out_period; s < in_period; s *= 2) r.replicate_steps.push_back(-s);
  return r;
}

std::vector<double> prerotated_diagonal(const SlotTransform& t, std::size_t d, int g) {
  OLA_CHECK(d < t.entries.size(), "prerotated_diagonal: index " << d);
  std::vector<double> v(static_cast<std::size_t>(t.slots), 0.0);
  const long n = t.slots;
  for (const auto& [i, w] : t.entries[d]) {
    for (long j = i; j < n; j += t.mask_period) {
      const long pos = ((j + g) % n + n) % n;  // rotate right by g: v[i] = diag[i - g]
      v[static_cast<std::size_t>(pos)] = w;
    }
  }
  return v;
}

std::vector<int> rotation_steps(const SlotTransform& t) {
  std::set<int> steps;
  auto add = [&](int s) {
    const int m = ((s % t.slots) + t.slots) % t.slots;
    if (m != 0) steps.insert(m);
  };
  for (int b : t.split.baby_steps) add(b);
  for (int g : t.split.giant_steps) add(g);
  for (int s : t.replicate_steps) add(s);
  return {steps.begin(), steps.end()};
}

std::vector<int> merge_steps(std::span<const std::vector<int>> lists) {
  std::set<int> steps;
  for (const auto& l : lists) steps.insert(l.begin(), l.end());
  return {steps.begin(), steps.end()};
}

}  // namespace ola::he
