// The activation hooks on CKKS ciphertexts: a Chebyshev polynomial with the ckks/poly schedule
// (minimum depth ceil(log2(d + 1)); Bossuat et al., Eurocrypt 2021, Sec. 4.2), and the composite
// sign-based ReLU x (1 + s(x / B)) / 2 (Lee et al., 2021) as a chain of such polynomials followed
// by one ciphertext x ciphertext product.
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

/// An ActivationFn evaluating out_factor * relu~(x) for a composite_relu approximation `a`, where
/// the ciphertext holds t = x / B, B = max(|a.lo|, |a.hi|) (approx/compiled.h's input map).
/// Computes s = stages[m-2] o ... o stages[0] (t) with the ckks/poly evaluator, then
/// h = out_factor (B / 2) (1 + stages[m-1](s)) as one more polynomial, then t * h with
/// CkksBackend::mul; t uses its spare level (h's level + 1) for CkksBackend::match_scale so that
/// the product lands exactly on the parameters' default scale. The plans are made once, here.
/// Level: consumes the sum of the stage depths + 1 (= approx::schedule_counts(...).depth).
/// Scale: exactly params.default_scale(), whatever the input's (the poly evaluator's drift,
/// S_(l-1) = S_l^2 / q_l, squares an input drift per level; at depth 9 from a previous
/// activation's drifted output it overflowed in a ResNet-20 run at N = 2^16).
/// @pre a relinearisation key; the input level >= that depth.
/// @throws ola::Error if `a` is not composite_relu, has no stage, a stage not on [-1, 1] or
///         without coefficients, or out_factor is not finite.
/// The returned function throws ckks::OperandError if the level is too low or a key is missing.
ActivationFn<CkksBackend> ckks_composite_relu_activation(const approx::Approximation& a, double out_factor);

/// A composite ReLU split by a bootstrap (he/program/program.h, ProgramActivation::split).
struct SplitActivation {
  ActivationFn<CkksBackend> head;      ///< t -> s = stages[split-1] o ... o stages[0] (t)
  ActivationTailFn<CkksBackend> tail;  ///< (s bootstrapped, t) -> as ckks_composite_relu_activation
};

/// ckks_composite_relu_activation(a, out_factor) in two halves: the head evaluates the first `split`
/// sign stages (consuming their depths), the tail the remaining stages and t * h from the
/// refreshed s and the original t. Same values, same output scale.
/// Level: the tail's output is s.level - (remaining stage depths + 1); t must be above h's level.
/// @throws ola::Error as ckks_composite_relu_activation, or if split is not in 1..stages - 1.
SplitActivation ckks_split_composite_relu_activation(const approx::Approximation& a, double out_factor, int split);

}  // namespace ola::he
