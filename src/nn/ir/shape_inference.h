// Output shapes of IR nodes from their input shapes and attributes (one rule per op family, in the
// spirit of ONNX's shape functions).
#pragma once

#include "nn/ir/graph.h"

namespace ola::nn {

/// The output shape of `node` given the shapes of its inputs in `g` (dim 0 of data values is the
/// batch). Also checks the node is well formed (weights match channels, axes in range, ...).
/// @throws ModelError "<source>: node <name> (<op_type>): <field>: expected X, got Y" if the
///         inputs or attributes are inconsistent.
Shape infer_shape(const Graph& g, const Node& node);

/// Numpy broadcast of two shapes. @throws ModelError (with `where`) if they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& where);

/// "<source>: node <name> (<op_type>)", the prefix of every message about a node.
std::string node_where(const Graph& g, const Node& node);

}  // namespace ola::nn
