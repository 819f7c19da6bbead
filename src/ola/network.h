// The optimizer's view of a model: the sequence of encrypted steps along its main path (linear
// layers, activation sites, residual skip open/merge), read from nn's graph IR.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nn/ir/graph.h"
#include "ola/dp.h"
#include "ola/time_model.h"

namespace ola::opt {

/// One step of the main path.
struct NetStep {
  StepKind kind = StepKind::linear;
  std::string name;            ///< node name (or "skip" for skip_open)
  int node = -1;               ///< index into the folded graph's nodes (-1 for skip_open)
  int site = -1;               ///< activation: site index
  LinearShape shape;           ///< linear: its shape
  std::int64_t elements = 0;   ///< values per image entering the step
  /// skip_merge: the branches' scales differ (one is an activation's output, not a linear layer's
  /// at the backend's base scale), so an add at equal levels spends one level matching them.
  bool merge_spends_level_at_equal = false;
};

/// Thread safety: a plain value.
struct Network {
  std::string source;
  std::vector<NetStep> steps;
  int num_sites = 0;
};

/// Flattens a graph into its main path, after nn::fold_channel_constants (as the encrypted
/// compiler does: a layer scale or a conv-less BatchNorm folded into a neighbouring linear layer is
/// no step of its own). Supported topology: a chain of conv / affine /
/// activation / global_average_pool / linear (FC) nodes, with residual blocks whose skip branch
/// holds only slice, pad and reshape nodes (ResNet option-A shortcuts) and ends in an add.
/// Reshape on the main path is free. Elementwise mul/div/add/sub by a constant count as affine.
/// @throws PlanError naming the node if it is of an unsupported kind, if a value feeds more than
///         two nodes, if skips nest, or if the skip branch contains a node other than slice/pad/reshape.
Network network_from_graph(const nn::Graph& g);

/// Time of linear step `s` on its input ciphertexts at `level`: the executor's counts
/// (tm.linear_ops[s.name]) priced by linear_ops_ms when tm.linear_ops is filled, else linear_ms.
/// @throws PlanError if tm.linear_ops is filled but has no entry for s.name (a different graph).
double linear_step_ms(const TimeModel& tm, const NetStep& s, int level);

/// Time of skip_merge step `s` with the main path at `level`: one addition per ciphertext, plus,
/// when tm.linear_ops has an entry under the add's name, that shortcut's counts priced at the
/// window's top level (tm.bootstrap.levels_after; the skip branch keeps the level it opened at, which
/// the DP state does not carry: an upper bound).
double merge_step_ms(const TimeModel& tm, const NetStep& s, int level);

/// Prices a network into a DP problem (without activation candidates: `choices[site]` supplies
/// them). Linear and merge steps get ms_at_level from linear_step_ms / merge_step_ms; every linear,
/// activation and skip_open step may be preceded by a bootstrap of its input ciphertexts.
/// @pre choices.size() == net.num_sites.
/// @throws PlanError if a site has no candidate.
DpProblem make_problem(const Network& net, const TimeModel& tm, const std::vector<std::vector<DpChoice>>& choices,
                       int max_units);

}  // namespace ola::opt
