// Minimax (Remez exchange) approximation in the Chebyshev basis, in MPFR arithmetic.
//
// Finds p = sum_{k in basis} c_k T_k(t) minimising max_{t in [a, b]} |f(t) - p(t)| by the Remez
// exchange algorithm (Remez 1934; see Trefethen, "Approximation Theory and Approximation
// Practice", ch. 10, and Lee et al., "Minimax Approximation of Sign Function by Composite
// Polynomial for Homomorphic Comparison", IEEE TDSC 2021, Alg. 1 "modified Remez" for the odd
// basis). The reference system and the extrema search (grid scan + golden-section refinement) run
// in MPFR at `precision_bits`.
#pragma once

#include <mpfr.h>

#include <functional>
#include <vector>

namespace ola::approx {

/// f(t) into `out` (already initialised, at the working precision), for t in [a, b].
using MpFunction = std::function<void(mpfr_ptr out, mpfr_srcptr t)>;

/// Settings of remez(). Thread safety: a plain value.
struct RemezOptions {
  int precision_bits = 128;   ///< MPFR precision of every computation
  int max_iterations = 80;    ///< exchange iterations before giving up
  double tolerance = 1e-7;    ///< stop when (max|e| - min|e|) / max|e| over the extrema is below
  int grid_per_coeff = 24;    ///< scan points per unknown for the extrema search
};

/// Outcome of remez(). Thread safety: a plain value.
struct RemezResult {
  std::vector<double> coeffs;  ///< full Chebyshev vector (index k multiplies T_k), zeros off-basis
  double levelled_error = 0.0; ///< |E| of the last reference system
  double max_error = 0.0;      ///< max |f - p| found by the extrema search of the final p
  int iterations = 0;
};

/// Minimax approximation of f on [a, b] (a subinterval of [-1, 1]) by span{T_k : k in basis}.
/// @pre basis strictly increasing, non-negative; the basis is a Chebyshev (Haar) system on [a, b]
///      (true for all T_0..T_d on any interval, and for odd T_k on [a, b] with a > 0).
/// @throws FitError if a >= b, [a, b] leaves [-1, 1], basis is empty, or the iteration fails to
///         converge within max_iterations.
RemezResult remez(const MpFunction& f, double a, double b, const std::vector<int>& basis,
                  const RemezOptions& options = {});

}  // namespace ola::approx
