// An Approximation compiled into its CKKS evaluation schedule: the plans the encrypted evaluator
// runs, the operation counts they cost, and a fast plain replay of the same operations.
//
// What is evaluated (the affine input map is folded into the preceding linear layer under HE and
// is not counted):
//   wls / minimax:   t = (2x - lo - hi) / (hi - lo);  out = p(t)
//   composite_relu:  t = x / B;  s = stages[m-2] o ... o stages[0] (t);
//                    out = t * h(s) with h = (B / 2) (1 + stages[m-1])   (coefficients folded, so
//                    relu(x) ~= x (1 + s_m(t)) / 2 costs one extra non-scalar multiplication).
#pragma once

#include <span>
#include <vector>

#include "approx/approximation.h"
#include "ckks/poly/schedule.h"
#include "ckks/poly/schedule_program.h"

namespace ola::approx {

/// The schedule form of an Approximation.
/// Thread safety: an immutable value; concurrent reads are safe.
struct CompiledApproximation {
  Activation activation = Activation::relu;
  Kind kind = Kind::exact;
  double in_scale = 1.0;  ///< t = x * in_scale + in_shift
  double in_shift = 0.0;
  std::vector<ckks::PolyPlan> plans;  ///< evaluated in order; composite: last one is h
  bool times_input = false;           ///< composite_relu: multiply the result by t
  ckks::Program program;              ///< the same schedule recorded for plain replay
};

/// @throws FitError if a wls/minimax approximation does not have exactly one stage, a composite has
///         no stage or a stage not on [-1, 1], a stage has no coefficients, or lo >= hi.
CompiledApproximation compile(const Approximation& a);

/// Runs the compiled schedule with any backend (see ckks/poly/schedule.h) on t (the mapped input).
template <class Backend>
typename Backend::Value evaluate_schedule(Backend& be, const typename Backend::Value& t,
                                          const CompiledApproximation& c) {
  typename Backend::Value v = ckks::evaluate_composite(be, t, std::span<const ckks::PolyPlan>(c.plans));
  if (c.times_input) v = be.mul(t, v);
  return v;
}

/// Depth and operation counts of the schedule (zero for Kind::exact), from the counting backend.
OpCounts schedule_counts(const CompiledApproximation& c);
/// Sets a.counts = schedule_counts(compile(a)).
void fill_counts(Approximation& a);

/// Plain evaluation, same operations and order as the encrypted schedule.
double evaluate(const CompiledApproximation& c, double x);
long double evaluate_long(const CompiledApproximation& c, long double x);
/// Vectorised plain evaluation; in and out may alias. @throws FitError if out.size() < in.size().
void evaluate(const CompiledApproximation& c, std::span<const float> in, std::span<float> out);
void evaluate(const CompiledApproximation& c, std::span<const double> in, std::span<double> out);

/// compile(a) through a small per-thread cache keyed by a's kind, interval and coefficients (what
/// the scalar evaluate(const Approximation&, double) uses).
const CompiledApproximation& compiled_cached(const Approximation& a);

}  // namespace ola::approx
