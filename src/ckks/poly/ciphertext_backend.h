// The ciphertext backend of the polynomial schedule (ckks/poly/schedule.h) and the evaluator
// functions built on it: the same template code path as the plain and counting backends.
#pragma once

#include <span>
#include <vector>

#include "ckks/core/ciphertext.h"
#include "ckks/core/evaluator.h"
#include "ckks/poly/schedule.h"

namespace ola::ckks {

/// Backend of schedule.h over CKKS ciphertexts (Value = Ciphertext, degree 1, NTT form).
///
/// Scale management: every value at level l carries exactly the target scale S_l, with
/// S_in = the input's scale and S_(l-1) = S_l^2 / q_l, so the product of two values at level l
/// rescales to S_(l-1) with no correction. A product by a real constant c at level l is encoded
/// with scale S_(l-1) q_l / S_l (it lands on S_(l-1) after the rescale); |c| > 1 is first split
/// into an integer factor (free) and a constant <= 1. Operands at different levels are aligned to
/// the lower level by a multiplication by 1 encoded to give S_lower after a rescale (no level is
/// consumed beyond the lower operand's; these alignments are not in PolyCounts).
/// Invariant: depth(v) = input level - v.level, so the levels consumed equal the schedule's depth.
/// Thread safety: holds a reference to the Evaluator (const methods only); one instance per
/// evaluation, not shared between threads.
class CiphertextBackend {
 public:
  using Value = Ciphertext;

  /// @pre `input_level` >= the depth of what will be evaluated.
  /// @throws OperandError if input_level is outside 0..max_level or input_scale <= 0.
  CiphertextBackend(const Evaluator& evaluator, int input_level, double input_scale);

  Value mul(const Value& a, const Value& b);
  Value mul_const(const Value& a, double c);
  Value mul_int(const Value& a, long k);
  Value add(const Value& a, const Value& b);
  Value sub(const Value& a, const Value& b);
  Value add_const(const Value& a, double c);
  /// Constant polynomials have no ciphertext: always throws ola::Error (evaluate them in plain).
  Value const_value(double c);
  int depth(const Value& a) const { return input_level_ - a.level; }

  /// S_l for 0 <= l <= input level.
  double target_scale(int level) const;

 private:
  Ciphertext align(const Ciphertext& a, int level) const;
  const Evaluator& ev_;
  int input_level_;
  std::vector<double> targets_;
};

/// Evaluates `plan` on ct (whose slots must lie in [-1, 1]) with the schedule's code path.
/// Effect: level ct.level - plan.depth, scale CiphertextBackend::target_scale of that level.
/// @pre ct.level >= plan.depth, ct.scale > 0, a relinearisation key in `evaluator`.
/// @throws OperandError if ct.level < plan.depth
/// @throws ola::Error if the plan is a constant polynomial (degree 0)
/// @throws OperandError from the evaluator (missing relinearisation key)
Ciphertext evaluate_poly(const Evaluator& evaluator, const Ciphertext& ct, const PolyPlan& plan);

/// The composition plans.back() o ... o plans.front(); consumes the sum of the depths.
/// @throws as evaluate_poly, for the summed depth.
Ciphertext evaluate_poly_composite(const Evaluator& evaluator, const Ciphertext& ct,
                                   std::span<const PolyPlan> plans);

}  // namespace ola::ckks
