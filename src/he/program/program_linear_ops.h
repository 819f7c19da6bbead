// The encrypted executor's operation counts of a model's linear layers, for the optimizer's time
// model (ola::opt::TimeModel::linear_ops): what `ola optimize` prices instead of its own estimate.
#pragma once

#include <map>
#include <string>

#include "he/program/program.h"
#include "nn/ir/graph.h"
#include "ola/time_model.h"

namespace ola::he {

/// Compiles `g` with `options` and returns the counts of every linear step by graph node name:
/// a convolution under its node; an option-A shortcut under the name of the add that merges it
/// (the optimizer sees the skip branch only at the merge); pooling + FC under the FC node; every
/// other node (activations, batch norm and affine nodes folded into convolutions, reshape, the
/// pooling node) with zero counts. The counts do not depend on the activations' polynomials (their
/// scales fold into weights), so each site gets a placeholder: degree-2 minimax on [-1, 1].
/// @throws ola::Error as compile_program (a graph the executor cannot compile, naming the node).
std::map<std::string, opt::LinearOps> linear_ops_by_node(const nn::Graph& g, ProgramOptions options);

/// linear_ops_by_node with default options at `slots` slots (opt::PipelineSettings::linear_ops).
std::map<std::string, opt::LinearOps> linear_ops_at_slots(const nn::Graph& g, int slots);

}  // namespace ola::he
