#include "he/program/program_linear_ops.h"

#include <vector>

#include "approx/wls.h"
#include "he/linear_cost.h"

namespace ola::he {

std::map<std::string, opt::LinearOps> linear_ops_by_node(const nn::Graph& g, ProgramOptions options) {
  std::vector<approx::Approximation> sites;
  for (const nn::ActivationSite& s : g.sites) sites.push_back(approx::make_minimax(s.activation, 2, -1.0, 1.0));
  options.allow_bootstrap = true;
  options.bootstrap_before.clear();
  const Program p = compile_program(g, sites, options);

  std::map<std::string, opt::LinearOps> out;
  for (const nn::Node& n : g.nodes) out[n.name] = {};
  auto conv_counts = [&](const ProgramStep& s) {
    const CompiledConv& c = p.convs.at(static_cast<std::size_t>(s.index));
    LinearCost cost = transform_cost(c.transform);
    if (!c.bias_slots.empty()) {
      cost.encodes += 1;
      cost.additions += 1;
    }
    return cost;
  };
  for (const ProgramStep& s : p.steps) {
    switch (s.op) {
      case ProgramOp::conv:  // a convolution split over registers is several steps of one name
        out[s.name] = out[s.name] + conv_counts(s);
        break;
      case ProgramOp::sum:
        out[s.name].additions += 1;
        break;
      case ProgramOp::shortcut:
        for (const ProgramStep& merge : p.steps) {
          if (merge.op == ProgramOp::add && (merge.input == s.output || merge.input2 == s.output)) {
            out[merge.name] = out[merge.name] + conv_counts(s);
          }
        }
        break;
      case ProgramOp::pool_fc:
        out[s.name] = pool_fc_cost(p.head.in, p.head.classes);
        break;
      default:
        break;
    }
  }
  return out;
}

std::map<std::string, opt::LinearOps> linear_ops_at_slots(const nn::Graph& g, int slots) {
  ProgramOptions o;
  o.slots = slots;
  return linear_ops_by_node(g, o);
}

}  // namespace ola::he
