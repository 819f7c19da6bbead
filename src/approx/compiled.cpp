// Compilation of Approximations into schedules and their plain replay (see compiled.h).
#include "approx/compiled.h"

#include <cmath>
#include <string>

#include "approx/fit_error.h"

namespace ola::approx {

CompiledApproximation compile(const Approximation& a) {
  CompiledApproximation c;
  c.activation = a.activation;
  c.kind = a.kind;
  if (a.kind == Kind::exact) return c;
  if (!(a.lo < a.hi)) {
    throw FitError(ola::mismatch("compile", "interval", "lo < hi",
                                 "[" + std::to_string(a.lo) + ", " + std::to_string(a.hi) + "]"));
  }
  for (std::size_t i = 0; i < a.stages.size(); ++i) {
    if (a.stages[i].coeffs.empty()) {
      throw FitError(ola::mismatch("compile", "stages[" + std::to_string(i) + "].coeffs.size()", ">= 1", 0));
    }
  }
  ckks::RecordingBackend rec;
  if (a.kind == Kind::wls || a.kind == Kind::minimax) {
    if (a.stages.size() != 1) throw FitError(ola::mismatch("compile", "stages.size()", 1, a.stages.size()));
    const ChebPoly& p = a.stages[0];
    c.in_scale = 2.0 / (p.hi - p.lo);
    c.in_shift = -(p.lo + p.hi) / (p.hi - p.lo);
    c.plans.push_back(ckks::plan_poly(p.coeffs));
  } else {
    if (a.stages.empty()) throw FitError(ola::mismatch("compile", "stages.size()", ">= 1", 0));
    const double bound = std::max(std::abs(a.lo), std::abs(a.hi));
    c.in_scale = 1.0 / bound;
    c.in_shift = 0.0;
    for (std::size_t i = 0; i < a.stages.size(); ++i) {
      if (a.stages[i].lo != -1.0 || a.stages[i].hi != 1.0) {
        throw FitError(ola::mismatch("compile", "composite stages[" + std::to_string(i) + "] interval",
                                     "[-1, 1]", "[" + std::to_string(a.stages[i].lo) + ", " +
                                                    std::to_string(a.stages[i].hi) + "]"));
      }
    }
    for (std::size_t i = 0; i + 1 < a.stages.size(); ++i) c.plans.push_back(ckks::plan_poly(a.stages[i].coeffs));
    std::vector<double> h = a.stages.back().coeffs;
    for (double& v : h) v *= 0.5 * bound;
    h[0] += 0.5 * bound;
    c.plans.push_back(ckks::plan_poly(h));
    c.times_input = true;
  }
  c.program = rec.finish(evaluate_schedule(rec, rec.input(), c));
  return c;
}

OpCounts schedule_counts(const CompiledApproximation& c) {
  OpCounts out;
  if (c.kind == Kind::exact) return out;
  ckks::CountingBackend be;
  const auto v = evaluate_schedule(be, ckks::CountingBackend::Value{0}, c);
  out.depth = v.depth;
  out.nonscalar_mults = be.counts.nonscalar_mults;
  out.scalar_mults = be.counts.scalar_mults;
  out.additions = be.counts.additions;
  return out;
}

void fill_counts(Approximation& a) { a.counts = schedule_counts(compile(a)); }

double evaluate(const CompiledApproximation& c, double x) {
  if (c.kind == Kind::exact) return activation_value(c.activation, x);
  return ckks::run_program_scalar<double>(c.program, x * c.in_scale + c.in_shift);
}

long double evaluate_long(const CompiledApproximation& c, long double x) {
  if (c.kind == Kind::exact) return activation_value(c.activation, static_cast<double>(x));
  return ckks::run_program_scalar<long double>(
      c.program, x * static_cast<long double>(c.in_scale) + static_cast<long double>(c.in_shift));
}

namespace {

template <class Real>
void evaluate_span(const CompiledApproximation& c, std::span<const Real> in, std::span<Real> out) {
  if (out.size() < in.size()) {
    throw FitError(ola::mismatch("evaluate", "out.size()", ">= " + std::to_string(in.size()), out.size()));
  }
  if (c.kind == Kind::exact) {
    for (std::size_t i = 0; i < in.size(); ++i) {
      out[i] = static_cast<Real>(activation_value(c.activation, static_cast<double>(in[i])));
    }
    return;
  }
  // Map into t in blocks (double precision for the map), then replay the program.
  constexpr std::size_t kChunk = 4096;
  std::vector<double> t(std::min(kChunk, in.size()));
  for (std::size_t start = 0; start < in.size(); start += kChunk) {
    const std::size_t n = std::min(kChunk, in.size() - start);
    for (std::size_t i = 0; i < n; ++i) t[i] = static_cast<double>(in[start + i]) * c.in_scale + c.in_shift;
    std::span<double> ts(t.data(), n);
    ckks::run_program<double>(c.program, ts, ts);
    for (std::size_t i = 0; i < n; ++i) out[start + i] = static_cast<Real>(t[i]);
  }
}

bool same_key(const Approximation& x, const Approximation& y) {
  if (x.kind != y.kind || x.activation != y.activation || x.lo != y.lo || x.hi != y.hi ||
      x.stages.size() != y.stages.size()) {
    return false;
  }
  for (std::size_t i = 0; i < x.stages.size(); ++i) {
    if (x.stages[i].lo != y.stages[i].lo || x.stages[i].hi != y.stages[i].hi ||
        x.stages[i].coeffs != y.stages[i].coeffs) {
      return false;
    }
  }
  return true;
}

}  // namespace

void evaluate(const CompiledApproximation& c, std::span<const float> in, std::span<float> out) {
  evaluate_span<float>(c, in, out);
}

void evaluate(const CompiledApproximation& c, std::span<const double> in, std::span<double> out) {
  evaluate_span<double>(c, in, out);
}

const CompiledApproximation& compiled_cached(const Approximation& a) {
  struct Entry {
    Approximation key;
    CompiledApproximation value;
  };
  constexpr std::size_t kSlots = 16;
  thread_local std::vector<Entry> cache;
  thread_local std::size_t next = 0;
  if (cache.capacity() < kSlots) cache.reserve(kSlots);  // references stay valid
  for (const Entry& e : cache) {
    if (same_key(e.key, a)) return e.value;
  }
  Entry e{a, compile(a)};
  if (cache.size() < kSlots) {
    cache.push_back(std::move(e));
    return cache.back().value;
  }
  Entry& slot = cache[next];
  next = (next + 1) % kSlots;
  slot = std::move(e);
  return slot.value;
}

}  // namespace ola::approx
