// EvalMod, the non-linear step of CKKS bootstrapping: a polynomial approximation of
// x -> x - round(x) near the integers, built from a Chebyshev series of a scaled cosine, r
// double-angle steps and an optional arcsine correction.
#pragma once

#include <vector>

#include "ckks/boot/chebyshev_interpolation.h"

namespace ola::ckks {

/// Plain, unchecked EvalMod settings (validated by make_eval_mod).
struct EvalModLiteral {
  /// K: inputs x = t / q_0 lie in [-K, K] (|I| <= K - 1 plus the message). For a secret of Hamming
  /// weight h the integer part I of the raised coefficients is a sum of about h + 1 terms in
  /// [-1/2, 1/2]; K = 12..16 covers h = 192 with a wide margin (Bossuat et al. 2021, Sec. 6).
  int k_range = 12;
  /// r: the series approximates cos(2 pi (x - 1/4) / 2^r) and r steps c -> 2c^2 - 1 give
  /// cos(2 pi (x - 1/4)) = sin(2 pi x) (Han, Ki, "Better bootstrapping for approximate homomorphic
  /// encryption", CT-RSA 2020, Sec. 3.2).
  int double_angle = 3;
  /// Degree of the Chebyshev series on [-K, K]; 2^k - 1 uses its depth fully.
  int cos_degree = 31;
  /// 0 for none, or an odd degree 3..15: the Taylor series of arcsin(s) / (2 pi) at 0 applied to
  /// s = sin(2 pi x), removing the sine's cubic error (Bossuat et al., "Efficient bootstrapping for
  /// approximate homomorphic encryption with non-sparse keys", Eurocrypt 2021, Sec. 4.2).
  int arcsine_degree = 0;
};

/// The polynomials of EvalMod and the constant that follows them.
/// Invariants: cos_series is on [-K, K] with degree cos_degree; arcsine holds the monomial
/// coefficients a_0..a_d of arcsin(s) (zero even terms) when arcsine_degree > 0, else is empty.
/// The evaluated output is g(x) ~ 2 pi (x - round(x)); multiplying by output_factor() = 1/(2 pi)
/// (folded into SlotToCoeff, no level) gives x - round(x).
/// Thread safety: a plain value; concurrent reads are safe.
struct EvalModPoly {
  EvalModLiteral literal;
  ChebyshevSeries cos_series;
  std::vector<double> arcsine;

  double output_factor() const;
  /// Levels: Chebyshev series + r + arcsine, each polynomial at the minimum depth
  /// ceil(log2(d + 1)) of a BSGS evaluation that folds the affine input map into its first level.
  int depth() const;
};

/// Builds the polynomials.
/// @throws ola::Error if k_range < 1
/// @throws ola::Error if double_angle is outside 0..8
/// @throws ola::Error if cos_degree is outside 1..255
/// @throws ola::Error if arcsine_degree is not 0 or an odd number in 3..15
EvalModPoly make_eval_mod(const EvalModLiteral& literal);

/// Plain evaluation in long double following the encrypted order (series, double angles,
/// arcsine, factor): approximates x - round(x) for x near integers in [-K, K].
long double eval_mod_plain(const EvalModPoly& p, long double x);

}  // namespace ola::ckks
