// Minimax polynomial fits: of an activation on an interval, and the odd stages of a composite
// approximation of sign (Lee et al., IEEE TDSC 2021).
#pragma once

#include <vector>

#include "approx/approximation.h"

namespace ola::approx {

inline constexpr int kMaxDegree = 255;  ///< largest degree any fit accepts

/// Minimax approximation of `act` on [lo, hi] of degree `degree` (Remez in MPFR).
/// @throws FitError if lo >= hi, lo/hi not finite, degree < 1 or degree > kMaxDegree, or Remez
///         does not converge.
ChebPoly fit_minimax(Activation act, int degree, double lo, double hi);

/// One odd stage of a composite sign approximation. Thread safety: a plain value.
struct SignStage {
  ChebPoly poly;          ///< on [-1, 1], odd
  double lower = 0.0;     ///< the stage approximates 1 on [lower, 1] (and -1 on [-1, -lower])
  double error = 0.0;     ///< minimax error of the unnormalised stage on [lower, 1]
};

/// Minimax odd polynomial of degree `degree` approximating sign on [-1,-lower] U [lower,1]
/// (equivalently 1 on [lower, 1] in the odd basis T_1, T_3, ..., T_degree).
/// @throws FitError if degree is even, < 1 or > kMaxDegree, or lower not in (0, 1).
SignStage fit_sign_stage(int degree, double lower);

/// Composite sign approximation p_m o ... o p_1 after Lee et al. 2021: p_1 is the minimax stage on
/// [eps, 1]; every later p_i is the minimax stage on [lower_i, 1] where lower_i is the previous
/// stage's minimum output on its interval. Every stage but the last is divided by its maximum
/// output (1 + error) so the next input stays in [-1, 1]; the last is left as is.
/// @throws FitError if degrees is empty, a degree is invalid (see fit_sign_stage), or eps not in
///         (0, 1).
std::vector<SignStage> design_composite_sign(const std::vector<int>& degrees, double eps);

/// max |s(x) - 1| over x in [eps, 1] for s the composition of `stages` (odd, so also the error on
/// [-1, -eps]), measured in long double on a grid of `points` points: half geometric on
/// [eps, 64 eps], half uniform on [eps, 1].
double composite_sign_error(const std::vector<ChebPoly>& stages, double eps, int points = 200001);

}  // namespace ola::approx
