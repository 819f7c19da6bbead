// Human and machine readable summaries of a Graph (what `ola inspect` prints).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "nn/ir/graph.h"

namespace ola::nn {

/// Multi-line text: input/output, op counts, parameter count, activation sites with input shapes,
/// then one line per node (index, op, name, input shapes -> output shape).
std::string summary_text(const Graph& g);

/// The same as JSON: {"model", "input": {"name", "shape"}, "output": {...}, "parameters",
/// "op_counts": {op: n}, "sites": [{"index", "name", "short_name", "activation", "onnx_node",
/// "shape"}], "nodes": [{"index", "op", "onnx_op", "name", "inputs", "output", "shape"}]}.
/// Shapes are arrays with -1 for the batch axis.
nlohmann::json summary_json(const Graph& g);

}  // namespace ola::nn
