// Internal helpers of the ONNX importer (not part of the nn API): TensorProto decoding and an
// attribute reader that rejects attributes no handler consumed.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "nn/ir/tensor.h"

namespace ola::nn::onnx_detail {

/// Element values of a TensorProto as float / int64 (raw_data little-endian or typed fields).
/// @throws ModelError (prefixed by `where`) for external data, unsupported data types, or a value
///         count different from the product of dims.
Tensor to_float_tensor(const onnx::TensorProto& t, const std::string& where);
std::vector<std::int64_t> to_int64s(const onnx::TensorProto& t, const std::string& where);

/// Reads a node's attributes by name; finish() throws for any attribute no getter asked for.
/// Thread safety: none (one per node, used by one thread).
class AttrReader {
 public:
  AttrReader(const onnx::NodeProto& node, std::string where);
  bool has(const std::string& name) const;
  std::int64_t get_int(const std::string& name, std::int64_t fallback);
  float get_float(const std::string& name, float fallback);
  std::string get_string(const std::string& name, const std::string& fallback);
  std::vector<std::int64_t> get_ints(const std::string& name, const std::vector<std::int64_t>& fallback);
  std::vector<float> get_floats(const std::string& name);
  /// @throws ModelError if the attribute is absent.
  const onnx::TensorProto& get_tensor(const std::string& name);
  /// Marks an attribute as read without using it (e.g. BatchNormalization momentum).
  void ignore(const std::string& name);
  /// @throws ModelError "<where>: attribute <name>: unsupported" for the first unread attribute.
  void finish() const;

 private:
  const onnx::AttributeProto* find(const std::string& name, onnx::AttributeProto_AttributeType type);
  const onnx::NodeProto& node_;
  std::string where_;
  std::set<std::string> used_;
};

}  // namespace ola::nn::onnx_detail
