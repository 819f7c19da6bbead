// Baby-step giant-step schedule of a diagonal matrix-vector product, and the rotations (Galois
// keys) it needs; a plain evaluation of the same schedule models the encrypted one.
#pragma once

#include <map>
#include <span>
#include <vector>

#include "ckks/lintrans/diagonal_matrix.h"

namespace ola::ckks {

/// Splits every diagonal offset k into k = g + b with b = k mod n1 (baby step) and g = k - b
/// (giant step), so M x = sum_g rot_g( sum_b rot_{-g}(d_{g+b}) (.) rot_b(x) )
/// (Halevi-Shoup 2018, "Faster homomorphic linear transformations in HElib", Sec. 4.1).
/// The baby rotations of x are computed once (and can be hoisted); each giant step costs one
/// rotation of a partial sum.
///
/// Invariants: n1 is a power of two in [1, dim]; groups maps each giant step g (a multiple of n1 in
/// [0, dim)) to the ascending baby steps b whose diagonal g + b is non-zero.
/// Thread safety: a plain value; concurrent reads are safe.
struct BsgsPlan {
  int dim = 0;
  int n1 = 1;
  std::map<int, std::vector<int>> groups;

  /// Distinct non-zero baby steps, ascending.
  std::vector<int> baby_steps() const;
  /// Distinct non-zero giant steps, ascending.
  std::vector<int> giant_steps() const;
  /// Number of key-switching rotations the plan performs (baby + giant, zero steps are free).
  int rotation_count() const;
};

/// Plans M with the given baby-step size; n1 = 0 chooses the power of two minimising
/// baby_cost * (#baby steps) + (#giant steps), where baby_cost < 1 reflects that baby steps are
/// hoisted (they share one decomposition of the input).
/// @throws ola::Error if m is invalid, has no diagonal, or n1 is not 0 or a power of two <= dim.
BsgsPlan plan_bsgs(const DiagonalMatrix& m, int n1 = 0, double baby_cost = 0.5);

/// Left-rotation amounts in [1, dim) the plan needs keys for (baby and giant steps), ascending.
std::vector<int> rotation_set(const BsgsPlan& plan);

/// Union of the rotation sets of several plans, ascending, without duplicates.
std::vector<int> rotation_set(std::span<const BsgsPlan> plans);

/// The pre-rotated diagonal rot_{-g}(d_{g+b}) that the plan multiplies with rot_b(x).
/// @throws ola::Error if offset g + b is not a diagonal of m.
ComplexVector prerotated_diagonal(const DiagonalMatrix& m, int g, int b);

/// Evaluates M x following the plan exactly, with rotations modelled by rotate_left; equals
/// apply_matrix(m, x) up to rounding. @throws ola::Error if dimensions disagree.
ComplexVector apply_bsgs(const DiagonalMatrix& m, const BsgsPlan& plan, std::span<const Complex> x);

}  // namespace ola::ckks
