// Basis conversions of Chebyshev polynomials (for reporting and checks; evaluation stays in the
// Chebyshev basis).
#pragma once

#include <vector>

#include "approx/approximation.h"

namespace ola::approx {

/// Monomial coefficients m with p(x) = sum_k m[k] x^k for the ChebPoly p on [p.lo, p.hi] (the
/// affine map t = (2x - lo - hi) / (hi - lo) expanded), computed in long double. Ill-conditioned
/// for high degrees or wide intervals: meant for degree <= 15.
std::vector<double> to_monomial(const ChebPoly& p);

/// Horner evaluation of monomial coefficients (long double).
long double evaluate_monomial(const std::vector<double>& m, long double x);

}  // namespace ola::approx
