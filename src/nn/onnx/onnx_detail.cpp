#include "nn/onnx/onnx_detail.h"

#include <cstring>

#include "nn/error.h"

namespace ola::nn::onnx_detail {
namespace {

std::int64_t expected_count(const onnx::TensorProto& t, const std::string& where) {
  // Bounded so that no product overflows and no value count exceeds what a protobuf can hold.
  constexpr std::int64_t kMaxCount = std::int64_t{1} << 31;
  std::int64_t n = 1;
  for (auto d : t.dims()) {
    if (d < 0 || d > kMaxCount) throw ModelError(ola::mismatch(where, "dims", "0.." + std::to_string(kMaxCount), d));
    n *= d;
    if (n > kMaxCount) throw ModelError(ola::mismatch(where, "element count", "at most " + std::to_string(kMaxCount), "more"));
  }
  return n;
}

template <class Raw, class Out>
std::vector<Out> from_raw(const std::string& raw, std::int64_t n, const std::string& where) {
  if (static_cast<std::int64_t>(raw.size()) != n * static_cast<std::int64_t>(sizeof(Raw))) {
    throw ModelError(ola::mismatch(where, "raw_data bytes", n * static_cast<std::int64_t>(sizeof(Raw)), raw.size()));
  }
  std::vector<Out> out(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    Raw v;
    std::memcpy(&v, raw.data() + i * static_cast<std::int64_t>(sizeof(Raw)), sizeof(Raw));
    out[static_cast<std::size_t>(i)] = static_cast<Out>(v);
  }
  return out;
}

template <class Field, class Out>
std::vector<Out> from_field(const Field& f, std::int64_t n, const std::string& where) {
  if (f.size() != n) throw ModelError(ola::mismatch(where, "values", n, f.size()));
  return std::vector<Out>(f.begin(), f.end());
}

template <class Out>
std::vector<Out> decode(const onnx::TensorProto& t, const std::string& where) {
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    throw ModelError(ola::mismatch(where, "data_location", "inside the file", "external data"));
  }
  const std::int64_t n = expected_count(t, where);
  const bool raw = t.has_raw_data();
  switch (t.data_type()) {
    case onnx::TensorProto_DataType_FLOAT:
      return raw ? from_raw<float, Out>(t.raw_data(), n, where) : from_field<decltype(t.float_data()), Out>(t.float_data(), n, where);
    case onnx::TensorProto_DataType_DOUBLE:
      return raw ? from_raw<double, Out>(t.raw_data(), n, where) : from_field<decltype(t.double_data()), Out>(t.double_data(), n, where);
    case onnx::TensorProto_DataType_INT64:
      return raw ? from_raw<std::int64_t, Out>(t.raw_data(), n, where) : from_field<decltype(t.int64_data()), Out>(t.int64_data(), n, where);
    case onnx::TensorProto_DataType_INT32:
      return raw ? from_raw<std::int32_t, Out>(t.raw_data(), n, where) : from_field<decltype(t.int32_data()), Out>(t.int32_data(), n, where);
    default:
      throw ModelError(ola::mismatch(where, "data_type", "float, double, int32 or int64",
                                onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(t.data_type()))));
  }
}

}  // namespace

Tensor to_float_tensor(const onnx::TensorProto& t, const std::string& where) {
  Tensor out;
  out.shape.assign(t.dims().begin(), t.dims().end());
  out.data = decode<float>(t, where);
  return out;
}

std::vector<std::int64_t> to_int64s(const onnx::TensorProto& t, const std::string& where) {
  if (t.data_type() != onnx::TensorProto_DataType_INT64 && t.data_type() != onnx::TensorProto_DataType_INT32) {
    throw ModelError(ola::mismatch(where, "data_type", "int64 or int32",
                              onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(t.data_type()))));
  }
  return decode<std::int64_t>(t, where);
}

AttrReader::AttrReader(const onnx::NodeProto& node, std::string where) : node_(node), where_(std::move(where)) {}

bool AttrReader::has(const std::string& name) const {
  for (const auto& a : node_.attribute()) {
    if (a.name() == name) return true;
  }
  return false;
}

const onnx::AttributeProto* AttrReader::find(const std::string& name, onnx::AttributeProto_AttributeType type) {
  for (const auto& a : node_.attribute()) {
    if (a.name() != name) continue;
    used_.insert(name);
    if (a.type() != type) {
      throw ModelError(ola::mismatch(where_, "attribute " + name + " type", onnx::AttributeProto_AttributeType_Name(type),
                                onnx::AttributeProto_AttributeType_Name(a.type())));
    }
    return &a;
  }
  return nullptr;
}

std::int64_t AttrReader::get_int(const std::string& name, std::int64_t fallback) {
  const auto* a = find(name, onnx::AttributeProto_AttributeType_INT);
  return a ? a->i() : fallback;
}

float AttrReader::get_float(const std::string& name, float fallback) {
  const auto* a = find(name, onnx::AttributeProto_AttributeType_FLOAT);
  return a ? a->f() : fallback;
}

std::string AttrReader::get_string(const std::string& name, const std::string& fallback) {
  const auto* a = find(name, onnx::AttributeProto_AttributeType_STRING);
  return a ? a->s() : fallback;
}

std::vector<std::int64_t> AttrReader::get_ints(const std::string& name, const std::vector<std::int64_t>& fallback) {
  const auto* a = find(name, onnx::AttributeProto_AttributeType_INTS);
  return a ? std::vector<std::int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}

std::vector<float> AttrReader::get_floats(const std::string& name) {
  const auto* a = find(name, onnx::AttributeProto_AttributeType_FLOATS);
  return a ? std::vector<float>(a->floats().begin(), a->floats().end()) : std::vector<float>{};
}

const onnx::TensorProto& AttrReader::get_tensor(const std::string& name) {
  const auto* a = find(name, onnx::AttributeProto_AttributeType_TENSOR);
  if (!a) throw ModelError(ola::mismatch(where_, "attribute " + name, "present", "absent"));
  return a->t();
}

void AttrReader::ignore(const std::string& name) { used_.insert(name); }

void AttrReader::finish() const {
  for (const auto& a : node_.attribute()) {
    if (!used_.count(a.name())) throw ModelError(where_ + ": attribute " + a.name() + ": unsupported by OLA");
  }
}

}  // namespace ola::nn::onnx_detail
