// The graph IR: typed values with shapes, nodes in topological order with typed attributes, and the
// numbered activation sites that OLA approximates.
//
// Conventions:
//  * Values are indexed by position in Graph::values. A value is either a constant (weights,
//    folded at import; no batch dim) or data (computed from the input; dim 0 is the batch, stored
//    as 1 in Value::shape and replaced by the batch size at run time). Every node keeps the batch
//    as dim 0 of its output.
//  * Graph::nodes is in topological order: a node reads only the input, constants, and outputs of
//    earlier nodes.
//  * Activation sites are the Activation nodes, numbered 0, 1, ... in topological order; their
//    names read "relu_3 (/layer1/layer1.0/Relu_1)" (kind, site index, ONNX node name).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "approx/approximation.h"
#include "nn/ir/tensor.h"

namespace ola::nn {

enum class OpKind {
  conv,                 ///< 2-D convolution, NCHW, any groups (depthwise when group == channels)
  affine,               ///< per-channel y = x * scale[c] + shift[c] (BatchNorm with no conv before)
  activation,           ///< an activation site: ReLU or GELU (fused from PyTorch's erf pattern)
  erf,                  ///< elementwise erf that is not part of a GELU
  add,                  ///< elementwise with numpy broadcasting
  sub,
  mul,
  div,
  pad,                  ///< constant padding on any non-batch axis (both sides)
  slice,                ///< strided slice on non-batch axes
  concat,               ///< along a non-batch axis
  global_average_pool,  ///< mean over all axes after dim 1, kept as size-1 axes
  reduce_mean,          ///< mean over given non-batch axes
  reshape,              ///< also Flatten; data order unchanged
  transpose,            ///< permutation keeping the batch axis first
  linear,               ///< y = x W^T + b over the last axis (Gemm, MatMul with constant B)
};
inline constexpr int kOpKindCount = 16;

/// Lower-case name of the op ("conv", "global_average_pool", ...).
std::string to_string(OpKind op);

struct ConvAttrs {
  Tensor weight;  ///< [C_out, C_in / group, k_h, k_w]
  Tensor bias;    ///< [C_out] (zeros when the model has none)
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int group = 1;
};
struct AffineAttrs {
  std::vector<float> scale, shift;  ///< per channel (axis 1)
};
struct ActivationAttrs {
  approx::Activation activation = approx::Activation::relu;
  int site = -1;  ///< index into Graph::sites
};
struct PadAttrs {
  std::vector<std::int64_t> begin, end;  ///< per axis, >= 0; batch axis 0
  float value = 0.0f;
};
struct SliceAttrs {
  /// Per axis (batch axis: 0, 1, batch): output index i reads input index starts + i * steps,
  /// for i < sizes; steps may be negative.
  std::vector<std::int64_t> starts, steps, sizes;
};
struct ConcatAttrs {
  int axis = 1;
};
struct ReduceAttrs {
  std::vector<int> axes;  ///< sorted, non-batch
  bool keepdims = true;
};
struct TransposeAttrs {
  std::vector<int> perm;  ///< perm[0] == 0
};
struct LinearAttrs {
  Tensor weight;  ///< [out, in]
  Tensor bias;    ///< [out] (zeros when the model has none)
};
using NodeAttrs = std::variant<std::monostate, ConvAttrs, AffineAttrs, ActivationAttrs, PadAttrs,
                               SliceAttrs, ConcatAttrs, ReduceAttrs, TransposeAttrs, LinearAttrs>;

struct Value {
  std::string name;
  Shape shape;            ///< for data values dim 0 is the batch (stored as 1)
  bool is_constant = false;
  Tensor constant;        ///< the data when is_constant
};

struct Node {
  OpKind op = OpKind::add;
  std::string name;     ///< ONNX node name (or "<op_type>_<index>" if it had none)
  std::string op_type;  ///< ONNX op it came from ("Conv", "Gelu(erf pattern)", ...)
  std::vector<int> inputs;
  int output = -1;
  NodeAttrs attrs;
};

struct ActivationSite {
  int index = 0;
  approx::Activation activation = approx::Activation::relu;
  int node = -1;          ///< index into Graph::nodes
  std::string onnx_name;  ///< node name in the ONNX file
  std::string name;       ///< "relu_3 (/layer1/layer1.0/Relu_1)"
  std::string short_name; ///< "relu_3"
};

/// A whole model. Invariants (checked by validate()): topological order, one data input and one
/// output, consistent shapes, sites[i].index == i and sites[i].node is that Activation node.
/// Thread safety: a const Graph may be run from many threads.
struct Graph {
  std::string source;  ///< file it was imported from (for messages)
  std::vector<Value> values;
  std::vector<Node> nodes;
  int input = -1;
  int output = -1;
  std::vector<ActivationSite> sites;

  const Value& value(int id) const { return values.at(static_cast<std::size_t>(id)); }
};

/// Number of weights: elements of conv/linear weights and biases, affine parameters and constants
/// read by nodes.
std::int64_t parameter_count(const Graph& g);

/// Finds a site by index ("3"), short name ("relu_3"), full name, or ONNX node name.
/// @throws ola::Error "site: expected an index 0..L-1 or a site name, got X" if none matches.
int find_site(const Graph& g, const std::string& key);

/// consumers(g)[v]: the indices of the nodes reading value v, once per input slot (the graph output
/// counts as one more reader, -1).
std::vector<std::vector<int>> consumers(const Graph& g);

/// producers(g)[v]: the index of the node writing value v, or -1 (graph input, constants).
std::vector<int> producers(const Graph& g);

/// True when activation site `site`'s input x can arrive as a_c x + b_c, with a scale a_c and shift
/// b_c per channel c, at no cost from the layers before it (the encrypted compiler then evaluates
/// per-channel polynomials each on its own interval): x is a 4-D value read by the site alone and
/// is the output of a conv or per-channel affine (a_c and b_c go into its weights and bias), or of
/// an add of two same-shape values of which one is such an output read by the add alone (it takes
/// a_c and b_c; the other input gets a_c from its own producer or a per-channel product).
/// False for anything else, e.g. a site reading the graph input. @throws std::out_of_range for
/// an invalid site index.
bool channel_affine_foldable(const Graph& g, int site);

/// Renumbers activation sites in topological order and names them.
void number_sites(Graph& g);

/// Checks the invariants above. @throws ModelError naming the first violation.
void validate(const Graph& g);

}  // namespace ola::nn
