// The activation hook on CKKS ciphertexts: evaluates a Chebyshev polynomial with the ckks/poly
// schedule (minimum depth ceil(log2(d + 1)); Bossuat et al., Eurocrypt 2021, Sec. 4.2).
#pragma once

#include "approx/approximation.h"
#include "he/backend.h"
#include "he/ckks_backend.h"

namespace ola::he {

/// An ActivationFn evaluating p(t) = sum_k p.coeffs[k] T_k(t) slot-wise, where the ciphertext holds
/// t = (2x - p.lo - p.hi) / (p.hi - p.lo) in [-1, 1] (approx/approximation.h: the affine map is
/// folded into the preceding linear layer). The schedule is planned once, here.
/// Level: consumes ceil(log2(degree + 1)); scale: ckks::CiphertextBackend's target at the output
/// level (may differ slightly from the input's: add_residual re-aligns it).
/// @pre the backend's evaluator has a relinearisation key; the input level >= the depth.
/// @throws ola::Error if p has no coefficient, a non-finite one, or degree 0 (a constant).
/// The returned function throws ckks::OperandError if the level is too low or the relinearisation
/// key is missing.
ActivationFn<CkksBackend> ckks_chebyshev_activation(const approx::ChebPoly& p);

}  // namespace ola::he
