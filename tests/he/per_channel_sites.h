// Shared by the program tests: per-channel variants of site approximations (each channel its own
// polynomial, far from the others), so a wrong channel-to-slot map shows in the values.
#pragma once

#include <utility>
#include <variant>
#include <vector>

#include "approx/wls.h"
#include "nn/ir/graph.h"

namespace ola::he::testing {

/// `sites` with, at every site, one polynomial per input channel: for channel c of C, (1 + f) times
/// the minimax fit of the site's degree on [lo (0.5 + 0.5 f), hi (1 - 0.4 f)], f = c / (C - 1) (site
/// polynomial kept as stages[0], kind wls as per-channel fits are).
inline std::vector<approx::Approximation> per_channel_sites(const nn::Graph& g, std::vector<approx::Approximation> sites) {
  for (const nn::Node& n : g.nodes) {
    if (n.op != nn::OpKind::activation) continue;
    const auto site = static_cast<std::size_t>(std::get<nn::ActivationAttrs>(n.attrs).site);
    approx::Approximation& a = sites.at(site);
    const int c_count = static_cast<int>(g.value(n.inputs.at(0)).shape.at(1));
    a.kind = approx::Kind::wls;
    a.channels.clear();
    for (int c = 0; c < c_count; ++c) {
      const double f = c_count > 1 ? static_cast<double>(c) / (c_count - 1) : 0.0;
      approx::ChebPoly q =
          approx::make_minimax(a.activation, a.degree(), a.lo * (0.5 + 0.5 * f), a.hi * (1.0 - 0.4 * f)).stages.at(0);
      for (double& k : q.coeffs) k *= 1.0 + f;
      a.channels.push_back(std::move(q));
    }
  }
  return sites;
}

}  // namespace ola::he::testing
