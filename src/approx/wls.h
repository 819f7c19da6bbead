// Weighted least-squares polynomial fits of activations against their input distribution (the OLA
// fitting rule: method.md, "Candidates per layer").
#pragma once

#include "approx/approximation.h"
#include "approx/distribution.h"

namespace ola::approx {

/// Default uniform weight: 1e-3 of the total weight of the distribution is spread uniformly over
/// [lo, hi] so the polynomial stays bounded in the tails where the data is thin.
inline constexpr double kDefaultUniformWeight = 1e-3;

/// Settings of fit_wls(). Thread safety: a plain value.
struct WlsOptions {
  double uniform_weight = kDefaultUniformWeight;  ///< lambda, relative to the data's weight (>= 0)
};

/// Minimises sum_i w_i (f(x_i) - p(x_i))^2 + lambda * mean_{[lo,hi]} (f - p)^2 over polynomials of
/// degree `degree` in the Chebyshev basis on [lo, hi]: w_i the distribution's quadrature
/// (quadrature(), weights summing to 1), the uniform term by 64 + 2 (degree + 1) Gauss-Legendre
/// nodes. Solved by column-pivoted Householder QR (Eigen) in long double with unit-norm columns.
/// @throws FitError if lo/hi are not finite with lo < hi, degree is outside 1..kMaxDegree,
///         uniform_weight is negative or not finite, no weight lies inside [lo, hi], or the
///         weighted system has rank < degree + 1 (too few distinct points).
ChebPoly fit_wls(Activation act, int degree, double lo, double hi, const Distribution& dist,
                 const WlsOptions& options = {});

/// fit_wls wrapped as Kind::wls, with counts (schedule) and metrics (weighted MSE on dist, max
/// error on [lo, hi]) filled in. @throws as fit_wls.
Approximation make_wls(Activation act, int degree, double lo, double hi, const Distribution& dist,
                       const WlsOptions& options = {});

/// One channel's input distribution and interval for make_wls_per_channel.
struct ChannelDistribution {
  Distribution dist;
  double lo = 0.0, hi = 0.0;  ///< the channel's polynomial interval
  double weight = 0.0;        ///< its share of the site's inputs (>= 0; the shares need not sum to 1)
};

/// Per-channel WLS (our extension of the method for GELU sites, docs/convnext.md): make_wls on the
/// site's distribution over [lo, hi] (stages[0], max_error), counts those of the per-slot evaluation
/// (per_slot_ops, for degrees 2..kMaxPerChannelDegree; else the site polynomial's), and channels[c] = fit_wls on
/// channels_in[c] over its interval. metrics.weighted_mse is the channels' weighted MSEs averaged
/// with their weights. @throws FitError as fit_wls (naming the channel), or if channels_in is
/// empty or its weights do not have a positive finite sum.
Approximation make_wls_per_channel(Activation act, int degree, double lo, double hi, const Distribution& site,
                                   const std::vector<ChannelDistribution>& channels_in,
                                   const WlsOptions& options = {});

/// fit_minimax wrapped as Kind::minimax with counts and metrics (weighted MSE on dist if given).
/// @throws as fit_minimax (approx/minimax.h), and FitError if dist has no weight in [lo, hi].
Approximation make_minimax(Activation act, int degree, double lo, double hi,
                           const Distribution* dist = nullptr);

}  // namespace ola::approx
