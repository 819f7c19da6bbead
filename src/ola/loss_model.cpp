#include "ola/loss_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ola/plan_error.h"

namespace ola::opt {

LossModel fit_loss_model(const ImpactTable& t) {
  // gamma = median over measured pairs of disagreement / sqrt(KL). A median, not least squares:
  // a candidate whose logits overflow on a few images has a huge KL with few changed predictions,
  // and one such pair would pull a least-squares gamma to 0 (every loss predicted free).
  std::vector<double> ratios;
  for (const auto& site : t) {
    for (const Impact& im : site) {
      if (!im.measured || !(im.disagreement > 0.0) || im.disagreement > kMaxFitDisagreement || !(im.mean_kl > 0.0) ||
          !std::isfinite(im.mean_kl) || im.mean_kl >= kNonfiniteKl) {
        continue;
      }
      ratios.push_back(im.disagreement / std::sqrt(im.mean_kl));
    }
  }
  const int pairs = static_cast<int>(ratios.size());
  if (pairs < 3) {
    throw PlanError(ola::mismatch("impact", "pairs with 0 < disagreement <= 10 points", ">= 3 (use more held-out images)", pairs));
  }
  const auto mid = ratios.begin() + static_cast<std::ptrdiff_t>(ratios.size() / 2);
  std::nth_element(ratios.begin(), mid, ratios.end());
  return {*mid, pairs};
}

double predicted_points(const LossModel& m, double total_kl) { return m.gamma * std::sqrt(std::max(0.0, total_kl)); }

double kl_budget(const LossModel& m, double budget_points) {
  const double r = budget_points / m.gamma;
  return r * r;
}

}  // namespace ola::opt
