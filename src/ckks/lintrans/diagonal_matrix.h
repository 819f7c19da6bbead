// Square complex matrices stored by their non-zero generalised diagonals, the form in which CKKS
// evaluates matrix-vector products on packed slots (Halevi-Shoup diagonal method).
#pragma once

#include <complex>
#include <map>
#include <span>
#include <vector>

namespace ola::ckks {

using Complex = std::complex<double>;
using ComplexVector = std::vector<Complex>;

/// The slot rotation a Galois automorphism X -> X^(5^k) performs: result[i] = v[(i + k) mod n]
/// (a left rotation, the same as std::rotate(begin, begin + k, end) for 0 <= k < n).
/// k may be negative or >= n; it is taken modulo n.
/// @throws ola::Error if v is empty.
ComplexVector rotate_left(std::span<const Complex> v, long k);

/// Offset k reduced to [0, dim). @pre dim > 0.
int normalize_offset(long k, int dim);

/// A dim x dim complex matrix M given by diagonals: diagonals[k][i] = M[i][(i + k) mod dim], so
/// that M x = sum_k diagonals[k] (.) rotate_left(x, k). Absent offsets are zero diagonals.
///
/// Invariants (checked by validate()): dim >= 1, every key in [0, dim), every vector of length dim.
/// Thread safety: a plain value; concurrent reads are safe, writes need external locking.
struct DiagonalMatrix {
  int dim = 0;
  std::map<int, ComplexVector> diagonals;
};

/// @throws ola::Error naming the field if an invariant of DiagonalMatrix does not hold.
void validate(const DiagonalMatrix& m);

/// The identity of size dim. @throws ola::Error if dim < 1.
DiagonalMatrix identity_matrix(int dim);

/// Builds the diagonal form of a dense row-major matrix, dropping diagonals whose entries all have
/// magnitude <= drop_below. @throws ola::Error if rows is empty or not square.
DiagonalMatrix from_dense(const std::vector<ComplexVector>& rows, double drop_below = 0.0);

/// Dense row-major form (for tests and small sizes).
std::vector<ComplexVector> to_dense(const DiagonalMatrix& m);

/// M x by the plain diagonal method. @throws ola::Error if x.size() != m.dim.
ComplexVector apply_matrix(const DiagonalMatrix& m, std::span<const Complex> x);

/// The product a * b (apply b first): (ab)_c = sum_{i + j = c} a_i (.) rotate_left(b_j, i).
/// Diagonals whose entries all have magnitude <= drop_below are removed.
/// @throws ola::Error if a.dim != b.dim.
DiagonalMatrix multiply(const DiagonalMatrix& a, const DiagonalMatrix& b, double drop_below = 0.0);

/// Multiplies row i by row_factors[i] (diag(row_factors) * m).
/// @throws ola::Error if row_factors.size() != m.dim.
void scale_rows_inplace(DiagonalMatrix& m, std::span<const Complex> row_factors);

/// Multiplies every entry by s.
void scale_inplace(DiagonalMatrix& m, Complex s);

/// The same operator acting on vectors of length `dim` that repeat with period m.dim: a slot vector
/// of a sparse ciphertext (n slots) seen as a vector of a larger period. Offsets are kept; each
/// diagonal is repeated dim / m.dim times.
/// @throws ola::Error if dim is not a multiple of m.dim.
DiagonalMatrix lift(const DiagonalMatrix& m, int dim);

/// Largest entry magnitude of a - b over all positions (dimensions must agree).
/// @throws ola::Error if a.dim != b.dim.
double max_abs_difference(const DiagonalMatrix& a, const DiagonalMatrix& b);

}  // namespace ola::ckks
