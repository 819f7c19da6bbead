// The loss model: how per-site KL divergences add up to a predicted top-1 loss in percentage
// points, the unit of the user's budget (docs/optimizer.md, "Budget semantics").
//
// For small logit perturbations, KL(p || p') ~ (1/2) d^T F d is quadratic in the perturbation d,
// while the probability that the top-1 class flips is linear in |d| (the density of the top-two
// margin at 0 times |d|). Perturbations from different sites add in variance, so KL is the additive
// quantity (sum over sites) and the top-1 disagreement is ~ gamma * sqrt(total KL). gamma is fitted
// by least squares on the measured (site, candidate) pairs.
#pragma once

#include <string>

#include "ola/impact.h"

namespace ola::opt {

/// disagreement (points) ~= gamma * sqrt(KL). Thread safety: a plain value.
struct LossModel {
  double gamma = 0.0;
  int pairs = 0;  ///< measured pairs the fit used
};

/// Pairs used by the fit: measured, 0 < disagreement <= kMaxFitDisagreement, 0 < KL.
inline constexpr double kMaxFitDisagreement = 10.0;
/// KL stored for a candidate whose logits are not finite (impact.cpp); never used by the fit.
inline constexpr double kNonfiniteKl = 1e30;

/// Fits gamma as the median of d_i / sqrt(kl_i) over the qualifying pairs (robust to overflowing
/// candidates, whose KL is huge while few predictions change).
/// @throws PlanError if fewer than 3 pairs qualify (too few held-out images, or every candidate is
///         exact to the measurement's resolution): "impact: pairs with 0 < disagreement <= 10:
///         expected >= 3, got N".
LossModel fit_loss_model(const ImpactTable& t);

/// Predicted top-1 loss (points) of a total KL.
double predicted_points(const LossModel& m, double total_kl);

/// The total KL allowed by a budget in points: (budget / gamma)^2.
double kl_budget(const LossModel& m, double budget_points);

}  // namespace ola::opt
