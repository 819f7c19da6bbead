#include "nn/onnx/onnx_import.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <unordered_map>

#include "nn/error.h"
#include "nn/ir/shape_inference.h"
#include "nn/onnx/graph_passes.h"
#include "nn/onnx/onnx_detail.h"
#include "nn/ops/elementwise.h"
#include "nn/ops/layout.h"
#include "util/atomic_file.h"

namespace ola::nn {
namespace {

using onnx_detail::AttrReader;

constexpr int kMinOpset = 9;
constexpr int kMaxOpset = 21;

/// State of one import: the graph being built and the ONNX names seen so far.
struct Importer {
  std::string file;
  int opset = 13;
  Graph g;
  std::unordered_map<std::string, int> ids;                          // ONNX value name -> value id
  std::unordered_map<std::string, const onnx::TensorProto*> protos;  // constants as written in the file

  int add_value(const std::string& name, Shape shape, bool constant = false, Tensor data = {}) {
    Value v;
    v.name = name;
    v.shape = std::move(shape);
    v.is_constant = constant;
    v.constant = std::move(data);
    g.values.push_back(std::move(v));
    const int id = static_cast<int>(g.values.size()) - 1;
    ids[name] = id;
    return id;
  }
};

/// One node being imported.
struct Ctx {
  Importer& im;
  const onnx::NodeProto& node;
  std::string where;  // "<file>: node <name> (<op>)"
  std::string name;
  AttrReader attrs;

  std::size_t input_count() const {
    // Trailing empty names are absent optional inputs.
    std::size_t n = static_cast<std::size_t>(node.input_size());
    while (n > 0 && node.input(static_cast<int>(n) - 1).empty()) --n;
    return n;
  }
  bool has_input(std::size_t i) const { return i < input_count() && !node.input(static_cast<int>(i)).empty(); }
  int input(std::size_t i) const {
    if (!has_input(i)) throw ModelError(ola::mismatch(where, "input " + std::to_string(i), "present", "absent"));
    const std::string& n = node.input(static_cast<int>(i));
    auto it = im.ids.find(n);
    if (it == im.ids.end()) {
      throw ModelError(ola::mismatch(where, "input " + std::to_string(i), "a graph input, initializer or earlier output",
                                "'" + n + "' (missing initializer?)"));
    }
    return it->second;
  }
  const Value& value(std::size_t i) const { return im.g.value(input(i)); }
  bool is_const(std::size_t i) const { return value(i).is_constant; }
  const Tensor& constant(std::size_t i, const std::string& what) const {
    if (!is_const(i)) throw ModelError(ola::mismatch(where, "input " + std::to_string(i) + " (" + what + ")", "a constant", "data computed from the input"));
    return value(i).constant;
  }
  std::vector<std::int64_t> ints(std::size_t i, const std::string& what) const {
    input(i);
    auto it = im.protos.find(node.input(static_cast<int>(i)));
    if (it == im.protos.end()) {
      throw ModelError(ola::mismatch(where, "input " + std::to_string(i) + " (" + what + ")", "an int64 initializer or Constant", "a computed value"));
    }
    return onnx_detail::to_int64s(*it->second, where + ": input " + what);
  }
  std::string output_name() const {
    if (node.output_size() < 1 || node.output(0).empty()) throw ModelError(ola::mismatch(where, "outputs", 1, node.output_size()));
    return node.output(0);
  }
  void require_data(std::size_t i) const {
    if (is_const(i)) throw ModelError(ola::mismatch(where, "input " + std::to_string(i), "data computed from the input", "a constant"));
  }

  /// Appends an IR node reading `inputs` and writing the ONNX output; infers its shape unless given.
  void emit(OpKind op, std::vector<int> inputs, NodeAttrs a, const Shape* shape = nullptr) {
    Node n;
    n.op = op;
    n.name = name;
    n.op_type = node.op_type();
    n.inputs = std::move(inputs);
    n.attrs = std::move(a);
    n.output = im.add_value(output_name(), shape ? *shape : Shape{});
    if (!shape) im.g.values.back().shape = infer_shape(im.g, n);
    const Shape s = infer_shape(im.g, n);
    constexpr std::int64_t kMaxItem = std::int64_t{1} << 28;  // elements per image of any tensor
    for (auto d : s) {
      if (d < 0 || d > kMaxItem) throw ModelError(ola::mismatch(where, "output shape", "dims 0.." + std::to_string(kMaxItem), to_string(s, true)));
    }
    if (numel(s) > kMaxItem) throw ModelError(ola::mismatch(where, "output size", "at most " + std::to_string(kMaxItem) + " per image", to_string(s, true)));
    if (s != im.g.values.back().shape) throw ModelError(ola::mismatch(where, "output shape", to_string(s), to_string(im.g.values.back().shape)));
    im.g.nodes.push_back(std::move(n));
  }
  void emit_constant(Tensor t) { im.add_value(output_name(), t.shape, true, std::move(t)); }
};

std::int64_t normalize_axis(const Ctx& c, std::int64_t axis, std::size_t rank, const std::string& field) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r) throw ModelError(ola::mismatch(c.where, field, "in " + std::to_string(-r) + ".." + std::to_string(r - 1), axis));
  return axis < 0 ? axis + r : axis;
}

// ---- op handlers ----------------------------------------------------------------------------

void import_conv(Ctx& c) {
  c.require_data(0);
  ConvAttrs a;
  a.weight = c.constant(1, "weight");
  if (a.weight.shape.size() != 4) throw ModelError(ola::mismatch(c.where, "weight rank", "4 (2-D convolution)", a.weight.shape.size()));
  const std::int64_t c_out = a.weight.shape[0];
  a.bias = c.has_input(2) ? c.constant(2, "bias") : zeros({c_out});
  a.bias.shape = {a.bias.size()};
  const std::string auto_pad = c.attrs.get_string("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID") throw ModelError(ola::mismatch(c.where, "attribute auto_pad", "NOTSET or VALID", auto_pad));
  const auto dil = c.attrs.get_ints("dilations", {1, 1});
  if (dil != std::vector<std::int64_t>{1, 1}) throw ModelError(ola::mismatch(c.where, "attribute dilations", "[1,1]", to_string(dil)));
  const auto ks = c.attrs.get_ints("kernel_shape", {a.weight.shape[2], a.weight.shape[3]});
  if (ks != std::vector<std::int64_t>{a.weight.shape[2], a.weight.shape[3]}) {
    throw ModelError(ola::mismatch(c.where, "attribute kernel_shape", to_string(Shape{a.weight.shape[2], a.weight.shape[3]}), to_string(ks)));
  }
  const auto st = c.attrs.get_ints("strides", {1, 1});
  const auto pads = c.attrs.get_ints("pads", {0, 0, 0, 0});
  if (st.size() != 2) throw ModelError(ola::mismatch(c.where, "attribute strides", "2 values", st.size()));
  if (pads.size() != 4) throw ModelError(ola::mismatch(c.where, "attribute pads", "4 values", pads.size()));
  constexpr std::int64_t kMaxConvParam = 1 << 16;
  for (auto v : st) {
    if (v < 1 || v > kMaxConvParam) throw ModelError(ola::mismatch(c.where, "attribute strides", "1.." + std::to_string(kMaxConvParam), to_string(st)));
  }
  for (auto v : pads) {
    if (v < 0 || v > kMaxConvParam) throw ModelError(ola::mismatch(c.where, "attribute pads", "0.." + std::to_string(kMaxConvParam), to_string(pads)));
  }
  const std::int64_t group = c.attrs.get_int("group", 1);
  if (group < 1 || group > 65536) throw ModelError(ola::mismatch(c.where, "attribute group", ">= 1", group));
  a.group = static_cast<int>(group);
  a.stride_h = static_cast<int>(st[0]);
  a.stride_w = static_cast<int>(st[1]);
  a.pad_top = static_cast<int>(pads[0]);
  a.pad_left = static_cast<int>(pads[1]);
  a.pad_bottom = static_cast<int>(pads[2]);
  a.pad_right = static_cast<int>(pads[3]);
  c.emit(OpKind::conv, {c.input(0)}, std::move(a));
}

void import_batchnorm(Ctx& c) {
  c.require_data(0);
  const float eps = c.attrs.get_float("epsilon", 1e-5f);
  c.attrs.ignore("momentum");
  c.attrs.ignore("spatial");
  if (c.attrs.get_int("training_mode", 0) != 0) throw ModelError(ola::mismatch(c.where, "attribute training_mode", 0, 1));
  const Tensor& gamma = c.constant(1, "scale");
  const Tensor& beta = c.constant(2, "B");
  const Tensor& mean = c.constant(3, "mean");
  const Tensor& var = c.constant(4, "var");
  const std::int64_t ch = gamma.size();
  for (const Tensor* t : {&beta, &mean, &var}) {
    if (t->size() != ch) throw ModelError(ola::mismatch(c.where, "BatchNormalization parameter size", ch, t->size()));
  }
  AffineAttrs a;
  for (std::int64_t i = 0; i < ch; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const double s = gamma.data[u] / std::sqrt(static_cast<double>(var.data[u]) + eps);
    a.scale.push_back(static_cast<float>(s));
    a.shift.push_back(static_cast<float>(beta.data[u] - mean.data[u] * s));
  }
  c.emit(OpKind::affine, {c.input(0)}, std::move(a));
}

void import_activation(Ctx& c, approx::Activation act) {
  c.require_data(0);
  if (act == approx::Activation::gelu) {
    const std::string mode = c.attrs.get_string("approximate", "none");
    if (mode != "none") throw ModelError(ola::mismatch(c.where, "attribute approximate", "none", mode));
  }
  ActivationAttrs a;
  a.activation = act;
  c.emit(OpKind::activation, {c.input(0)}, a);
}

void import_binary(Ctx& c, OpKind op) {
  if (c.input_count() != 2) throw ModelError(ola::mismatch(c.where, "inputs", 2, c.input_count()));
  if (c.is_const(0) && c.is_const(1)) {  // constant folding
    const Tensor& a = c.constant(0, "A");
    const Tensor& b = c.constant(1, "B");
    const Shape s = broadcast_shapes(a.shape, b.shape, c.where);
    c.emit_constant(binary(op, a, b, s, 1));
    return;
  }
  c.emit(op, {c.input(0), c.input(1)}, std::monostate{});
}

void import_erf(Ctx& c) {
  if (c.is_const(0)) {
    Tensor t = c.constant(0, "input");
    erf_inplace(t, 1);
    c.emit_constant(std::move(t));
    return;
  }
  c.emit(OpKind::erf, {c.input(0)}, std::monostate{});
}

void import_pad(Ctx& c) {
  c.require_data(0);
  const std::string mode = c.attrs.get_string("mode", "constant");
  if (mode != "constant") throw ModelError(ola::mismatch(c.where, "attribute mode", "constant", mode));
  const std::size_t rank = c.value(0).shape.size();
  std::vector<std::int64_t> pads;
  float value = 0.0f;
  if (c.im.opset < 11) {
    pads = c.attrs.get_ints("pads", {});
    value = c.attrs.get_float("value", 0.0f);
  } else {
    pads = c.ints(1, "pads");
    if (c.has_input(2)) {
      const Tensor& v = c.constant(2, "constant_value");
      if (v.size() != 1) throw ModelError(ola::mismatch(c.where, "constant_value size", 1, v.size()));
      value = v.data[0];
    }
  }
  std::vector<std::int64_t> axes(rank);
  for (std::size_t i = 0; i < rank; ++i) axes[i] = static_cast<std::int64_t>(i);
  if (c.has_input(3)) {
    axes = c.ints(3, "axes");
    for (auto& ax : axes) ax = normalize_axis(c, ax, rank, "axes");
  }
  if (pads.size() != 2 * axes.size()) throw ModelError(ola::mismatch(c.where, "pads", 2 * axes.size(), pads.size()));
  PadAttrs a;
  a.begin.assign(rank, 0);
  a.end.assign(rank, 0);
  a.value = value;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    a.begin[static_cast<std::size_t>(axes[i])] = pads[i];
    a.end[static_cast<std::size_t>(axes[i])] = pads[i + axes.size()];
  }
  c.emit(OpKind::pad, {c.input(0)}, std::move(a));
}

void import_slice(Ctx& c) {
  c.require_data(0);
  const Shape& x = c.value(0).shape;
  const std::size_t rank = x.size();
  std::vector<std::int64_t> starts, ends, axes, steps;
  if (c.im.opset < 10) {
    starts = c.attrs.get_ints("starts", {});
    ends = c.attrs.get_ints("ends", {});
    axes = c.attrs.get_ints("axes", {});
  } else {
    starts = c.ints(1, "starts");
    ends = c.ints(2, "ends");
    if (c.has_input(3)) axes = c.ints(3, "axes");
    if (c.has_input(4)) steps = c.ints(4, "steps");
  }
  if (axes.empty()) {
    for (std::size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<std::int64_t>(i));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
    throw ModelError(ola::mismatch(c.where, "starts/ends/axes/steps", "equal lengths",
                              std::to_string(starts.size()) + "/" + std::to_string(ends.size()) + "/" +
                                  std::to_string(axes.size()) + "/" + std::to_string(steps.size())));
  }
  SliceAttrs a;
  a.starts.assign(rank, 0);
  a.steps.assign(rank, 1);
  a.sizes.assign(x.begin(), x.end());
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const auto ax = static_cast<std::size_t>(normalize_axis(c, axes[i], rank, "axes"));
    const std::int64_t d = x[ax], step = steps[i];
    constexpr std::int64_t kMaxStep = std::int64_t{1} << 28;
    if (step == 0 || step > kMaxStep || step < -kMaxStep) {
      throw ModelError(ola::mismatch(c.where, "steps", "non-zero, |step| <= " + std::to_string(kMaxStep), step));
    }
    std::int64_t s = starts[i], e = ends[i];
    if (s < 0) s += d;
    if (e < 0 && e > std::numeric_limits<std::int64_t>::min() / 2) e += d;
    std::int64_t size;
    if (step > 0) {
      s = std::clamp<std::int64_t>(s, 0, d);
      e = std::clamp<std::int64_t>(e, 0, d);
      size = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = std::clamp<std::int64_t>(s, 0, d - 1);
      e = std::clamp<std::int64_t>(e, -1, d - 1);
      size = s > e ? (s - e - step - 1) / (-step) : 0;
    }
    if (ax == 0) {
      if (s != 0 || step != 1 || size != d) throw ModelError(ola::mismatch(c.where, "axes", "no slicing of the batch axis 0", 0));
      continue;
    }
    a.starts[ax] = s;
    a.steps[ax] = step;
    a.sizes[ax] = size;
  }
  Shape out = a.sizes;
  c.emit(OpKind::slice, {c.input(0)}, std::move(a), &out);
}

void import_concat(Ctx& c) {
  std::vector<int> inputs;
  for (std::size_t i = 0; i < c.input_count(); ++i) {
    c.require_data(i);
    inputs.push_back(c.input(i));
  }
  if (inputs.empty()) throw ModelError(ola::mismatch(c.where, "inputs", ">= 1", 0));
  ConcatAttrs a;
  a.axis = static_cast<int>(normalize_axis(c, c.attrs.get_int("axis", 1), c.value(0).shape.size(), "attribute axis"));
  c.emit(OpKind::concat, std::move(inputs), a);
}

void import_reduce_mean(Ctx& c) {
  c.require_data(0);
  const std::size_t rank = c.value(0).shape.size();
  std::vector<std::int64_t> axes;
  if (c.im.opset < 18) {
    axes = c.attrs.get_ints("axes", {});
  } else if (c.has_input(1)) {
    axes = c.ints(1, "axes");
  }
  if (c.attrs.get_int("noop_with_empty_axes", 0) != 0) throw ModelError(ola::mismatch(c.where, "attribute noop_with_empty_axes", 0, 1));
  if (axes.empty()) throw ModelError(ola::mismatch(c.where, "axes", "a list of non-batch axes", "empty (all axes)"));
  ReduceAttrs a;
  for (auto ax : axes) a.axes.push_back(static_cast<int>(normalize_axis(c, ax, rank, "axes")));
  std::sort(a.axes.begin(), a.axes.end());
  a.axes.erase(std::unique(a.axes.begin(), a.axes.end()), a.axes.end());
  a.keepdims = c.attrs.get_int("keepdims", 1) != 0;
  c.emit(OpKind::reduce_mean, {c.input(0)}, std::move(a));
}

/// Reshape / Flatten of data: dim 0 stays the batch. `target` follows ONNX Reshape (0 copies, -1
/// inferred); its first entry must be 0, -1 or 1 (the batch).
void emit_reshape(Ctx& c, std::vector<std::int64_t> target) {
  const Shape& x = c.value(0).shape;
  if (target.empty() || (target[0] != 0 && target[0] != -1 && target[0] != 1)) {
    throw ModelError(ola::mismatch(c.where, "shape[0]", "0, -1 or 1 (the batch axis)", target.empty() ? std::string("[]") : std::to_string(target[0])));
  }
  Shape out(target.size());
  out[0] = 1;
  std::int64_t known = 1;
  int infer = -1;
  for (std::size_t i = 1; i < target.size(); ++i) {
    if (target[i] == 0) {
      if (i >= x.size()) throw ModelError(ola::mismatch(c.where, "shape[" + std::to_string(i) + "]", "an existing axis to copy", 0));
      out[i] = x[i];
    } else if (target[i] == -1) {
      if (infer >= 0) throw ModelError(ola::mismatch(c.where, "shape", "at most one -1", "two"));
      infer = static_cast<int>(i);
      continue;
    } else if (target[i] < 0 || target[i] > (std::int64_t{1} << 28)) {
      throw ModelError(ola::mismatch(c.where, "shape[" + std::to_string(i) + "]", "-1..2^28", target[i]));
    } else {
      out[i] = target[i];
    }
    known *= out[i];
  }
  const std::int64_t total = numel(x);
  if (infer >= 0) {
    if (known == 0 || total % known != 0) throw ModelError(ola::mismatch(c.where, "shape", "dims dividing " + std::to_string(total), to_string(target)));
    out[static_cast<std::size_t>(infer)] = total / known;
  }
  if (numel(out) != total) throw ModelError(ola::mismatch(c.where, "shape", std::to_string(total) + " elements per image", to_string(out, true)));
  c.emit(OpKind::reshape, {c.input(0)}, std::monostate{}, &out);
}

void import_reshape(Ctx& c) {
  if (c.attrs.get_int("allowzero", 0) != 0) throw ModelError(ola::mismatch(c.where, "attribute allowzero", 0, 1));
  std::vector<std::int64_t> target = c.ints(1, "shape");
  if (c.is_const(0)) {  // constant folding
    Tensor t = c.constant(0, "data");
    const std::int64_t total = t.size();
    std::int64_t known = 1;
    int infer = -1;
    for (std::size_t i = 0; i < target.size(); ++i) {
      if (target[i] < -1 || target[i] > (std::int64_t{1} << 28)) {
        throw ModelError(ola::mismatch(c.where, "shape[" + std::to_string(i) + "]", "-1..2^28", target[i]));
      }
      if (target[i] == 0 && i < t.shape.size()) target[i] = t.shape[i];
      if (target[i] == -1) infer = static_cast<int>(i);
      else known *= target[i];
    }
    if (infer >= 0 && known > 0) target[static_cast<std::size_t>(infer)] = total / known;
    if (numel(target) != total) throw ModelError(ola::mismatch(c.where, "shape", total, to_string(target)));
    t.shape = target;
    c.emit_constant(std::move(t));
    return;
  }
  emit_reshape(c, std::move(target));
}

void import_flatten(Ctx& c) {
  const std::int64_t axis = c.attrs.get_int("axis", 1);
  if (c.is_const(0)) {
    Tensor t = c.constant(0, "input");
    const auto ax = static_cast<std::size_t>(normalize_axis(c, axis, t.shape.size() + 1, "attribute axis"));
    const std::int64_t outer = numel(Shape(t.shape.begin(), t.shape.begin() + static_cast<std::ptrdiff_t>(ax)));
    t.shape = {outer, t.size() / std::max<std::int64_t>(outer, 1)};
    c.emit_constant(std::move(t));
    return;
  }
  if (normalize_axis(c, axis, c.value(0).shape.size() + 1, "attribute axis") != 1) {
    throw ModelError(ola::mismatch(c.where, "attribute axis", "1 (keep the batch axis)", axis));
  }
  emit_reshape(c, {0, -1});
}

void import_transpose(Ctx& c) {
  const std::size_t rank = c.value(0).shape.size();
  std::vector<std::int64_t> def(rank);
  for (std::size_t i = 0; i < rank; ++i) def[i] = static_cast<std::int64_t>(rank - 1 - i);
  const auto perm64 = c.attrs.get_ints("perm", def);
  TransposeAttrs a;
  for (auto p : perm64) a.perm.push_back(static_cast<int>(p));
  if (c.is_const(0)) {
    const Tensor& t = c.constant(0, "data");
    // Fold with a leading dummy axis so the kernel's "batch first" convention holds.
    Tensor x = t;
    x.shape.insert(x.shape.begin(), 1);
    std::vector<int> perm{0};
    for (int p : a.perm) {
      if (p < 0 || p >= static_cast<int>(rank)) throw ModelError(ola::mismatch(c.where, "attribute perm", "0.." + std::to_string(rank - 1), p));
      perm.push_back(p + 1);
    }
    Shape out{1};
    for (int p : a.perm) out.push_back(t.shape[static_cast<std::size_t>(p)]);
    Tensor y = transpose(x, perm, out, 1);
    y.shape.erase(y.shape.begin());
    c.emit_constant(std::move(y));
    return;
  }
  c.emit(OpKind::transpose, {c.input(0)}, std::move(a));
}

void import_gemm(Ctx& c) {
  c.require_data(0);
  const float alpha = c.attrs.get_float("alpha", 1.0f), beta = c.attrs.get_float("beta", 1.0f);
  if (c.attrs.get_int("transA", 0) != 0) throw ModelError(ola::mismatch(c.where, "attribute transA", 0, 1));
  const bool trans_b = c.attrs.get_int("transB", 0) != 0;
  const Tensor& b = c.constant(1, "B");
  if (b.shape.size() != 2) throw ModelError(ola::mismatch(c.where, "B rank", 2, b.shape.size()));
  LinearAttrs a;
  const std::int64_t out = trans_b ? b.shape[0] : b.shape[1], in = trans_b ? b.shape[1] : b.shape[0];
  a.weight = zeros({out, in});
  for (std::int64_t o = 0; o < out; ++o) {
    for (std::int64_t i = 0; i < in; ++i) {
      a.weight.data[static_cast<std::size_t>(o * in + i)] =
          alpha * b.data[static_cast<std::size_t>(trans_b ? o * in + i : i * out + o)];
    }
  }
  a.bias = zeros({out});
  if (c.has_input(2)) {
    const Tensor& bias = c.constant(2, "C");
    if (bias.size() != out && bias.size() != 1) throw ModelError(ola::mismatch(c.where, "C size", out, bias.size()));
    for (std::int64_t o = 0; o < out; ++o) a.bias.data[static_cast<std::size_t>(o)] = beta * bias.data[static_cast<std::size_t>(bias.size() == 1 ? 0 : o)];
  }
  if (c.value(0).shape.size() != 2) throw ModelError(ola::mismatch(c.where, "A rank", 2, c.value(0).shape.size()));
  c.emit(OpKind::linear, {c.input(0)}, std::move(a));
}

void import_matmul(Ctx& c) {
  c.require_data(0);
  if (!c.is_const(1)) throw ModelError(ola::mismatch(c.where, "input 1 (B)", "a constant matrix", "data (MatMul of two data tensors is unsupported)"));
  const Tensor& b = c.constant(1, "B");
  if (b.shape.size() != 2) throw ModelError(ola::mismatch(c.where, "B rank", 2, b.shape.size()));
  const std::int64_t in = b.shape[0], out = b.shape[1];
  LinearAttrs a;
  a.weight = zeros({out, in});
  for (std::int64_t o = 0; o < out; ++o) {
    for (std::int64_t i = 0; i < in; ++i) a.weight.data[static_cast<std::size_t>(o * in + i)] = b.data[static_cast<std::size_t>(i * out + o)];
  }
  a.bias = zeros({out});
  c.emit(OpKind::linear, {c.input(0)}, std::move(a));
}

void import_constant(Ctx& c) {
  if (c.attrs.has("value")) {
    const onnx::TensorProto& t = c.attrs.get_tensor("value");
    c.im.protos[c.output_name()] = &t;
    c.emit_constant(onnx_detail::to_float_tensor(t, c.where + ": attribute value"));
  } else if (c.attrs.has("value_float")) {
    c.emit_constant(Tensor{{}, {c.attrs.get_float("value_float", 0.0f)}});
  } else if (c.attrs.has("value_floats")) {
    auto v = c.attrs.get_floats("value_floats");
    c.emit_constant(Tensor{{static_cast<std::int64_t>(v.size())}, v});
  } else {
    throw ModelError(ola::mismatch(c.where, "attribute", "value, value_float or value_floats", "none of them"));
  }
}

void import_identity(Ctx& c) {
  const std::string in = c.node.input(0);
  c.input(0);
  c.im.ids[c.output_name()] = c.im.ids.at(in);
  if (auto it = c.im.protos.find(in); it != c.im.protos.end()) c.im.protos[c.output_name()] = it->second;
}

using Handler = std::function<void(Ctx&)>;

const std::map<std::string, Handler>& handlers() {
  static const std::map<std::string, Handler> h = {
      {"Conv", import_conv},
      {"BatchNormalization", import_batchnorm},
      {"Relu", [](Ctx& c) { import_activation(c, approx::Activation::relu); }},
      {"Gelu", [](Ctx& c) { import_activation(c, approx::Activation::gelu); }},
      {"Add", [](Ctx& c) { import_binary(c, OpKind::add); }},
      {"Sub", [](Ctx& c) { import_binary(c, OpKind::sub); }},
      {"Mul", [](Ctx& c) { import_binary(c, OpKind::mul); }},
      {"Div", [](Ctx& c) { import_binary(c, OpKind::div); }},
      {"Erf", import_erf},
      {"Pad", import_pad},
      {"Slice", import_slice},
      {"Concat", import_concat},
      {"GlobalAveragePool", [](Ctx& c) { c.require_data(0); c.emit(OpKind::global_average_pool, {c.input(0)}, std::monostate{}); }},
      {"ReduceMean", import_reduce_mean},
      {"Flatten", import_flatten},
      {"Reshape", import_reshape},
      {"Transpose", import_transpose},
      {"Gemm", import_gemm},
      {"MatMul", import_matmul},
      {"Constant", import_constant},
      {"Identity", import_identity},
  };
  return h;
}

std::string supported_ops() {
  std::string s;
  for (const auto& [name, h] : handlers()) s += (s.empty() ? "" : ", ") + name;
  return s;
}

/// Nodes in topological order (Kahn); ONNX requires it, but we do not rely on writers.
std::vector<int> topological_order(const onnx::GraphProto& graph, const std::unordered_map<std::string, int>& known,
                                   const std::string& file) {
  const int n = graph.node_size();
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < n; ++i) {
    for (const auto& o : graph.node(i).output()) {
      if (o.empty()) continue;
      if (producer.count(o) || known.count(o)) throw ModelError(ola::mismatch(file, "value " + o, "defined once", "defined twice"));
      producer[o] = i;
    }
  }
  std::vector<int> indegree(static_cast<std::size_t>(n), 0);
  std::vector<std::vector<int>> users(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    for (const auto& in : graph.node(i).input()) {
      auto it = producer.find(in);
      if (it == producer.end()) continue;  // graph input, initializer, missing (reported later)
      ++indegree[static_cast<std::size_t>(i)];
      users[static_cast<std::size_t>(it->second)].push_back(i);
    }
  }
  std::vector<int> order, ready;
  for (int i = n - 1; i >= 0; --i) {
    if (indegree[static_cast<std::size_t>(i)] == 0) ready.push_back(i);
  }
  while (!ready.empty()) {
    std::sort(ready.begin(), ready.end(), std::greater<>());  // keep file order among ready nodes
    const int i = ready.back();
    ready.pop_back();
    order.push_back(i);
    for (int u : users[static_cast<std::size_t>(i)]) {
      if (--indegree[static_cast<std::size_t>(u)] == 0) ready.push_back(u);
    }
  }
  if (static_cast<int>(order.size()) != n) throw ModelError(ola::mismatch(file, "graph", "acyclic", "a cycle"));
  return order;
}

Shape input_shape(const onnx::ValueInfoProto& vi, const std::string& file) {
  const std::string where = file + ": input " + vi.name();
  if (!vi.type().has_tensor_type()) throw ModelError(ola::mismatch(where, "type", "tensor", "other"));
  const auto& tt = vi.type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto_DataType_FLOAT) {
    throw ModelError(ola::mismatch(where, "elem_type", "float", onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(tt.elem_type()))));
  }
  Shape s;
  for (int i = 0; i < tt.shape().dim_size(); ++i) {
    const auto& d = tt.shape().dim(i);
    if (i == 0) {
      s.push_back(1);  // batch
    } else if (d.has_dim_value() && d.dim_value() > 0) {
      s.push_back(d.dim_value());
    } else {
      throw ModelError(ola::mismatch(where, "dim " + std::to_string(i), "a fixed size", d.has_dim_param() ? d.dim_param() : "unknown"));
    }
  }
  if (s.size() < 2) throw ModelError(ola::mismatch(where, "rank", ">= 2 (batch first)", s.size()));
  return s;
}

}  // namespace

Graph import_onnx_bytes(std::span<const std::uint8_t> bytes, const std::string& where) {
  onnx::ModelProto model;
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw ModelError(ola::mismatch(where, "contents", "an ONNX ModelProto", "unparsable bytes (truncated or not ONNX), " + std::to_string(bytes.size()) + " bytes"));
  }
  if (!model.has_graph()) throw ModelError(ola::mismatch(where, "graph", "present", "absent"));
  Importer im;
  im.file = where;
  im.g.source = where;
  im.opset = -1;
  for (const auto& op : model.opset_import()) {
    if (op.domain().empty() || op.domain() == "ai.onnx") im.opset = static_cast<int>(op.version());
  }
  if (im.opset < kMinOpset || im.opset > kMaxOpset) {
    throw ModelError(ola::mismatch(where, "opset_import (default domain)", std::to_string(kMinOpset) + ".." + std::to_string(kMaxOpset), im.opset));
  }
  const onnx::GraphProto& graph = model.graph();
  for (const auto& init : graph.initializer()) {
    const std::string w = where + ": initializer " + init.name();
    im.protos[init.name()] = &init;
    Tensor t = onnx_detail::to_float_tensor(init, w);
    const Shape s = t.shape;
    im.add_value(init.name(), s, true, std::move(t));
  }
  for (const auto& in : graph.input()) {
    if (im.ids.count(in.name())) continue;  // an initializer listed as input (old exporters)
    if (im.g.input >= 0) throw ModelError(ola::mismatch(where, "graph inputs", "one data input", "several (" + in.name() + ")"));
    im.g.input = im.add_value(in.name(), input_shape(in, where));
  }
  if (im.g.input < 0) throw ModelError(ola::mismatch(where, "graph inputs", "one data input", "none"));
  if (graph.output_size() != 1) throw ModelError(ola::mismatch(where, "graph outputs", 1, graph.output_size()));
  for (int idx : topological_order(graph, im.ids, where)) {
    const onnx::NodeProto& node = graph.node(idx);
    const std::string name = node.name().empty() ? node.op_type() + "_" + std::to_string(idx) : node.name();
    const std::string node_where = where + ": node " + name + " (" + node.op_type() + ")";
    Ctx c{im, node, node_where, name, AttrReader(node, node_where)};
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      throw ModelError(ola::mismatch(c.where, "domain", "the default ONNX domain", node.domain()));
    }
    auto it = handlers().find(node.op_type());
    if (it == handlers().end()) throw ModelError(ola::mismatch(c.where, "op", "one of " + supported_ops(), node.op_type()));
    if (node.output_size() != 1) throw ModelError(ola::mismatch(c.where, "outputs", 1, node.output_size()));
    it->second(c);
    c.attrs.finish();
  }
  auto out = im.ids.find(graph.output(0).name());
  if (out == im.ids.end()) throw ModelError(ola::mismatch(where, "graph output " + graph.output(0).name(), "produced by a node", "never produced"));
  im.g.output = out->second;
  if (im.g.value(im.g.output).is_constant) throw ModelError(ola::mismatch(where, "graph output", "computed from the input", "a constant"));
  fold_affine_into_conv(im.g);
  fuse_gelu(im.g);
  prune_dead_nodes(im.g);
  number_sites(im.g);
  validate(im.g);
  return std::move(im.g);
}

Graph import_onnx(const std::filesystem::path& path) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  return import_onnx_bytes(bytes, path.string());
}

}  // namespace ola::nn
