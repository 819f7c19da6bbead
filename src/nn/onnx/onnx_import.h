// ONNX import: reads a model file (protobuf ModelProto, opset 9..21) into the graph IR, folding
// BatchNormalization into the preceding convolution and fusing PyTorch's erf form of GELU into one
// activation site.
//
// Supported ops (default domain): Conv (2-D, groups, strides, pads, dilations 1),
// BatchNormalization (inference), Relu, Gelu (approximate "none"), Add, Sub, Mul, Div, Erf, Pad
// (constant mode), Slice, Concat, GlobalAveragePool, ReduceMean, Flatten (axis 1), Reshape,
// Transpose (batch axis first), Gemm and MatMul with a constant right operand, Constant, Identity.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "nn/ir/graph.h"

namespace ola::nn {

/// Imports the ONNX model at `path`. Graph::source is the path as given.
/// @throws ola::Error if the file cannot be read.
/// @throws ModelError if the bytes are not a ModelProto (e.g. truncated), if an op, attribute or
///         data type is unsupported (naming file, node, op and attribute), if an initializer is
///         missing or has the wrong number of values, or if shapes are inconsistent.
Graph import_onnx(const std::filesystem::path& path);

/// As import_onnx, from bytes in memory; `where` names them in messages (e.g. a file name).
/// @throws ModelError as import_onnx.
Graph import_onnx_bytes(std::span<const std::uint8_t> bytes, const std::string& where);

}  // namespace ola::nn
