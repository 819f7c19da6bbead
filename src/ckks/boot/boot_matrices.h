// The plaintext matrices of CoeffToSlot and SlotToCoeff for n slots, including the folding of the
// real/imaginary split (full slots) and of the [Re | Im] packing of sparse slots.
#pragma once

#include <vector>

#include "ckks/lintrans/diagonal_matrix.h"

namespace ola::ckks {

/// Factor matrices in application order, each evaluated at one level.
///
/// Full slots (n = N/2, dim = n): CoeffToSlot maps the slots z = V w to u = P w / 2 (P the
/// bit reversal), so Re(Pw) = u + conj(u) and Im(Pw) = -i (u - conj(u)); SlotToCoeff maps
/// P w' = Re + i Im back to V w'.
/// Sparse slots (n < N/2, dim = 2n, vectors seen with period 2n): CoeffToSlot maps z to
/// u = [P w / 2 | -i P w / 2], so v = u + conj(u) = [Re(Pw) | Im(Pw)] packs all 2n real
/// coefficients in one ciphertext for a single EvalMod; SlotToCoeff's first factor recombines
/// v into the n-periodic vector P w' = v + i rot_n(v) (rows < n) / rot_n(v) + i v (rows >= n)
/// (Bossuat et al., Eurocrypt 2021, Sec. 5 uses the same packing).
/// Invariants: every matrix has dimension dim; cts.size() and stc.size() are the level counts.
/// Thread safety: a plain value; concurrent reads are safe.
struct BootMatrices {
  int slots = 0;
  int dim = 0;
  bool sparse = false;
  std::vector<DiagonalMatrix> cts;
  std::vector<DiagonalMatrix> stc;
};

/// Builds the matrices for `slots` slots in a ring with `max_slots` = N/2 slots.
/// @throws ola::Error if slots is not a power of two in 2..max_slots
/// @throws ola::Error if cts_levels or stc_levels is outside 1..log2(slots)
BootMatrices make_boot_matrices(int slots, int max_slots, int cts_levels, int stc_levels);

}  // namespace ola::ckks
