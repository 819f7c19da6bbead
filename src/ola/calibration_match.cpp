#include "ola/calibration_match.h"

#include "ola/plan_error.h"

namespace ola::opt {

void check_calibration_matches(const nn::Graph& g, const nn::Calibration& calibration, const std::string& model_fingerprint,
                               const std::string& calibration_where, const std::string& model_where) {
  if (calibration.sites.size() != g.sites.size()) {
    throw PlanError(ola::mismatch(calibration_where, "sites", std::to_string(g.sites.size()) + " (sites of " + model_where + ")",
                                  calibration.sites.size()));
  }
  const std::string& recorded = calibration.source.model_fingerprint;
  if (!recorded.empty() && recorded != model_fingerprint) {
    throw PlanError(ola::mismatch(calibration_where, "source.model_fingerprint",
                                  model_fingerprint.substr(0, 16) + "... (of " + model_where + ")", recorded.substr(0, 16) + "..."));
  }
  for (std::size_t i = 0; i < g.sites.size(); ++i) {
    const nn::SiteStatistics& st = calibration.sites[i];
    if (st.activation != g.sites[i].activation) {
      throw PlanError(ola::mismatch(calibration_where + ": site " + st.name, "activation",
                                    approx::to_string(g.sites[i].activation), approx::to_string(st.activation)));
    }
  }
}

}  // namespace ola::opt
