// Elementwise float kernels: broadcasting binary ops, exact activations, erf, per-channel affine,
// and activation replacement by a polynomial (approx::Approximation).
#pragma once

#include <cstdint>

#include "approx/approximation.h"
#include "nn/ir/graph.h"

namespace ola::nn {

/// a (op) b with numpy broadcasting into `out_shape` (dim 0 may be the batch or a constant's
/// leading dim). @pre op is add, sub, mul or div; the shapes broadcast to out_shape.
Tensor binary(OpKind op, const Tensor& a, const Tensor& b, const Shape& out_shape, int threads);

/// The exact activation in float: ReLU max(x, 0); GELU x * 0.5 * (1 + erf(x / sqrt 2)) (Hendrycks &
/// Gimpel 2016, eq. 1); SiLU x / (1 + exp(-x)).
void activation_inplace(Tensor& t, approx::Activation act, int threads);

/// Replaces every element x by a(x), evaluated by approx/compiled.h in the order of the CKKS
/// schedule (vectorised, compiled once per call): the polynomial is applied even outside
/// [a.lo, a.hi], as under HE. Kind::exact applies the exact activation.
/// Per-channel polynomials (a.channels non-empty): element [n, c, ...] by a.channels[c], counted
/// outside its own interval.
/// @throws approx::FitError if `a` is malformed (see approx::compile), or has per-channel
///         polynomials and t is not [B, C, ...] with C == a.channels.size().
/// @return the number of elements outside [a.lo, a.hi] (0 for Kind::exact).
std::uint64_t approximate_inplace(Tensor& t, const approx::Approximation& a, int threads);

/// erf of every element.
void erf_inplace(Tensor& t, int threads);

/// y[n, c, ...] = x[n, c, ...] * scale[c] + shift[c].
void affine_inplace(Tensor& t, const AffineAttrs& a, int threads);

}  // namespace ola::nn
