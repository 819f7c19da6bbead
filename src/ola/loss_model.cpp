#include "ola/loss_model.h"

#include <cmath>

#include "ola/plan_error.h"

namespace ola::opt {

LossModel fit_loss_model(const ImpactTable& t) {
  double num = 0.0, den = 0.0;
  int pairs = 0;
  for (const auto& site : t) {
    for (const Impact& im : site) {
      // A candidate whose logits overflow has infinite KL: it says nothing about the slope, and one
      // infinite term would make gamma 0 (every loss predicted free).
      if (!im.measured || !(im.disagreement > 0.0) || im.disagreement > kMaxFitDisagreement || !(im.mean_kl > 0.0) ||
          !std::isfinite(im.mean_kl)) {
        continue;
      }
      num += im.disagreement * std::sqrt(im.mean_kl);
      den += im.mean_kl;
      ++pairs;
    }
  }
  if (pairs < 3) {
    throw PlanError(ola::mismatch("impact", "pairs with 0 < disagreement <= 10 points", ">= 3 (use more held-out images)", pairs));
  }
  return {num / den, pairs};
}

double predicted_points(const LossModel& m, double total_kl) { return m.gamma * std::sqrt(std::max(0.0, total_kl)); }

double kl_budget(const LossModel& m, double budget_points) {
  const double r = budget_points / m.gamma;
  return r * r;
}

}  // namespace ola::opt
