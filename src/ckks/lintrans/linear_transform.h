// Encrypted matrix-vector products: a diagonal matrix encoded for one level, applied to a
// ciphertext by baby-step giant-step with hoisted baby-step rotations.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "ckks/core/ciphertext.h"
#include "ckks/core/encoder.h"
#include "ckks/core/evaluator.h"
#include "ckks/core/plaintext.h"
#include "ckks/lintrans/bsgs_plan.h"
#include "ckks/lintrans/diagonal_matrix.h"

namespace ola::ckks {

/// A DiagonalMatrix of dimension `slots` encoded for ciphertexts at `level`: for every giant step
/// g and baby step b of `plan`, the pre-rotated diagonal rot_{-g}(d_{g+b}) at scale `scale`.
/// It acts on ciphertexts whose slot vector (over N/2 slots) repeats with period `slots`.
/// Invariants: every plaintext has level `level`, scale `scale` and `slots` slots; the keys of
/// `diagonals` are exactly plan.groups.
/// Thread safety: a value; concurrent applications are safe.
struct LinearTransform {
  BsgsPlan plan;
  int level = 0;
  double scale = 1.0;
  std::size_t slots = 0;
  std::map<int, std::map<int, Plaintext>> diagonals;
};

/// Encodes m following plan at (level, scale).
/// @throws ola::Error if plan.dim != m.dim or m is invalid
/// @throws OperandError from the encoder if m.dim is not a power of two <= N/2, level is out of
///         range or scale is not positive
LinearTransform encode_linear_transform(const Encoder& encoder, const DiagonalMatrix& m, const BsgsPlan& plan,
                                        int level, double scale);

/// Left-rotation steps (Galois keys) that apply_linear_transform will use.
std::vector<int> rotation_steps(const LinearTransform& lt);

/// M ct by BSGS: baby rotations hoisted (one decomposition of ct), one key switch per giant step,
/// all giant steps sharing one ModDown (Evaluator::add_rotated).
/// No rescale: level unchanged, scale ct.scale * lt.scale (the caller rescales).
/// @pre ct.slots == lt.slots, ct.level <= lt.level, Galois keys for rotation_steps(lt).
/// @throws OperandError if ct.slots != lt.slots
/// @throws OperandError if ct.level > lt.level
/// @throws OperandError from the evaluator if a Galois key is missing (names the step)
Ciphertext apply_linear_transform(const Evaluator& evaluator, const Ciphertext& ct, const LinearTransform& lt);

}  // namespace ola::ckks
