// Test helper: builds small ONNX models in C++ (no files needed) and serialises them.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ola::nn::test {

/// A ModelProto under construction: one float input [N, dims...], one output.
class OnnxBuilder {
 public:
  explicit OnnxBuilder(std::vector<std::int64_t> input_dims, int opset = 13, std::string input = "input") {
    model_.set_ir_version(7);
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    auto* in = model_.mutable_graph()->add_input();
    in->set_name(input);
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto_DataType_FLOAT);
    tt->mutable_shape()->add_dim()->set_dim_param("N");
    for (auto d : input_dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }

  onnx::TensorProto& initializer(const std::string& name, std::vector<std::int64_t> dims, const std::vector<float>& values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto_DataType_FLOAT);
    for (auto d : dims) t->add_dims(d);
    for (float v : values) t->add_float_data(v);
    return *t;
  }
  onnx::TensorProto& initializer_raw(const std::string& name, std::vector<std::int64_t> dims, const std::vector<float>& values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto_DataType_FLOAT);
    for (auto d : dims) t->add_dims(d);
    t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
    return *t;
  }
  onnx::TensorProto& ints(const std::string& name, const std::vector<std::int64_t>& values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto_DataType_INT64);
    t->add_dims(static_cast<std::int64_t>(values.size()));
    for (auto v : values) t->add_int64_data(v);
    return *t;
  }
  /// A random initializer with values uniform in [-scale, scale].
  std::vector<float> random(const std::string& name, std::vector<std::int64_t> dims, float scale = 0.5f) {
    std::int64_t n = 1;
    for (auto d : dims) n *= d;
    std::uniform_real_distribution<float> u(-scale, scale);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (auto& x : v) x = u(rng_);
    initializer(name, dims, v);
    return v;
  }
  float scalar(const std::string& name, float v) {
    initializer(name, {}, {v});
    return v;
  }

  onnx::NodeProto& node(const std::string& op, std::vector<std::string> inputs, const std::string& output,
                        const std::string& name = "") {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + "_" + output : name);
    for (auto& i : inputs) n->add_input(i);
    n->add_output(output);
    return *n;
  }
  static void attr(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_INT);
    a->set_i(v);
  }
  static void attr(onnx::NodeProto& n, const std::string& name, float v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
    a->set_f(v);
  }
  static void attr(onnx::NodeProto& n, const std::string& name, const std::string& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_STRING);
    a->set_s(v);
  }
  static void attr(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_INTS);
    for (auto x : v) a->add_ints(x);
  }

  /// A square "same" convolution: Conv(in, w[, b]) with pads (k - 1) / 2 for kernel k (default 3).
  onnx::NodeProto& conv(const std::string& in, const std::string& w, const std::string& b, const std::string& out,
                        const std::string& name = "", std::int64_t stride = 1, std::int64_t kernel = 3) {
    std::vector<std::string> inputs{in, w};
    if (!b.empty()) inputs.push_back(b);
    auto& c = node("Conv", inputs, out, name);
    const std::int64_t p = (kernel - 1) / 2;
    attr(c, "pads", std::vector<std::int64_t>{p, p, p, p});
    if (stride != 1) attr(c, "strides", std::vector<std::int64_t>{stride, stride});
    return c;
  }

  /// GlobalAveragePool of `in` -> Flatten -> Gemm with initializers "fc" and "fc_b" (transB) into
  /// "logits", the graph's output.
  void classifier_head(const std::string& in) {
    node("GlobalAveragePool", {in}, "p");
    attr(node("Flatten", {"p"}, "f"), "axis", std::int64_t{1});
    attr(node("Gemm", {"f", "fc", "fc_b"}, "logits"), "transB", std::int64_t{1});
    output("logits");
  }

  void output(const std::string& name) {
    auto* o = model_.mutable_graph()->add_output();
    o->set_name(name);
    o->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto_DataType_FLOAT);
  }

  std::vector<std::uint8_t> bytes() const {
    std::string s;
    model_.SerializeToString(&s);
    return std::vector<std::uint8_t>(s.begin(), s.end());
  }
  onnx::ModelProto& model() { return model_; }

 private:
  onnx::ModelProto model_;
  std::mt19937 rng_{1234};
};

}  // namespace ola::nn::test
