// Basis conversions of Chebyshev polynomials (for reporting and checks; evaluation stays in the
// Chebyshev basis), and the change of interval the encrypted per-channel evaluation needs.
#pragma once

#include <vector>

#include "approx/approximation.h"

namespace ola::approx {

/// Monomial coefficients m with p(x) = sum_k m[k] x^k for the ChebPoly p on [p.lo, p.hi] (the
/// affine map t = (2x - lo - hi) / (hi - lo) expanded), computed in long double. Ill-conditioned
/// for high degrees or wide intervals: meant for degree <= 15.
std::vector<double> to_monomial(const ChebPoly& p);

/// The same polynomial as p, written in the Chebyshev basis of [lo, hi] (same degree): q(x) = p(x)
/// for every x, including outside both intervals. Used to put per-channel polynomials on their
/// site's interval, so one ciphertext holding t of the site evaluates each channel's own
/// polynomial with per-slot coefficients (he/per_slot_poly.h). Computed by interpolation at the
/// degree + 1 Chebyshev nodes of [lo, hi], exact for a polynomial up to rounding (evaluated in long
/// double); the coefficients grow like ((p.hi - p.lo) / (hi - lo))^-degree when [lo, hi] is wider.
/// @throws FitError if p has no coefficient or !(lo < hi) or either bound is not finite.
ChebPoly on_interval(const ChebPoly& p, double lo, double hi);

/// Horner evaluation of monomial coefficients (long double).
long double evaluate_monomial(const std::vector<double>& m, long double x);

}  // namespace ola::approx
