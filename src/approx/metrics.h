// Error metrics of an approximation against its exact activation.
#pragma once

#include "approx/approximation.h"
#include "approx/distribution.h"

namespace ola::approx {

inline constexpr int kMaxErrorGridPoints = 20001;

/// max |f(x) - a(x)| over a uniform grid of `points` points on [a.lo, a.hi] (plus x = 0 when
/// inside), evaluated in schedule order (double).
double max_error(const Approximation& a, int points = kMaxErrorGridPoints);

/// sum_i w_i (f(x_i) - a(x_i))^2 over quadrature(d, a.lo, a.hi) (weights sum to 1).
/// @throws FitError if no weight of d lies inside [a.lo, a.hi].
double weighted_mse(const Approximation& a, const Distribution& d);

/// Both metrics; weighted_mse is 0 when d is null.
ErrorMetrics error_metrics(const Approximation& a, const Distribution* d);

}  // namespace ola::approx
