#include "nn/onnx/graph_passes.h"

#include <cmath>
#include <optional>

namespace ola::nn {
namespace {

/// The only node reading value v, or -1 if none or several (or the graph output) read it.
int only_reader(const std::vector<std::vector<int>>& users, int v) {
  const auto& u = users[static_cast<std::size_t>(v)];
  return u.size() == 1 ? u[0] : -1;
}

/// Output channel o of the conv becomes scale[o] * out + shift[o] (shift absent: 0):
/// W'[o] = W[o] * scale[o], b'[o] = b[o] * scale[o] + shift[o].
void scale_conv_outputs(ConvAttrs& c, const std::vector<float>& scale, const std::vector<float>* shift) {
  const std::int64_t per_out = c.weight.size() / c.weight.shape[0];
  for (std::int64_t o = 0; o < c.weight.shape[0]; ++o) {
    const float s = scale[static_cast<std::size_t>(o)];
    for (std::int64_t k = 0; k < per_out; ++k) c.weight.data[static_cast<std::size_t>(o * per_out + k)] *= s;
    float& b = c.bias.data[static_cast<std::size_t>(o)];
    b = b * s + (shift != nullptr ? (*shift)[static_cast<std::size_t>(o)] : 0.0f);
  }
}

/// Weights laid out [outs][ins_per_group][taps] with bias [outs] (a conv; a linear layer is one
/// group with one tap) absorb an affine map x -> scale[i] x + shift[i] of their input channels:
/// W'[o][j][t] = W[o][j][t] scale[i], b'[o] = b[o] + sum_{j,t} W[o][j][t] shift[i], where
/// i = (o / outs_per_group) ins_per_group + j is the input channel of (o, j).
void absorb_input_affine(std::vector<float>& weight, std::vector<float>& bias, std::int64_t outs,
                         std::int64_t ins_per_group, std::int64_t taps, std::int64_t outs_per_group,
                         const AffineAttrs& a) {
  for (std::int64_t o = 0; o < outs; ++o) {
    const std::int64_t first_in = (o / outs_per_group) * ins_per_group;  // input channels of o's group
    double shift = 0.0;
    for (std::int64_t j = 0; j < ins_per_group; ++j) {
      const auto ch = static_cast<std::size_t>(first_in + j);
      for (std::int64_t t = 0; t < taps; ++t) {
        float& w = weight[static_cast<std::size_t>((o * ins_per_group + j) * taps + t)];
        shift += static_cast<double>(w) * a.shift[ch];
        w *= a.scale[ch];
      }
    }
    bias[static_cast<std::size_t>(o)] += static_cast<float>(shift);
  }
}

/// The per-channel factors of a constant of shape [C,1,1] or [1,C,1,1] with C == channels.
std::optional<std::vector<float>> channel_constant(const Value& v, std::int64_t channels) {
  if (!v.is_constant) return std::nullopt;
  const Shape& s = v.constant.shape;
  const bool chw = s.size() == 3 && s[0] == channels && s[1] == 1 && s[2] == 1;
  const bool nchw = s.size() == 4 && s[0] == 1 && s[1] == channels && s[2] == 1 && s[3] == 1;
  if (!chw && !nchw) return std::nullopt;
  return v.constant.data;
}

void erase_nodes(Graph& g, const std::vector<bool>& dead) {
  std::vector<Node> kept;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!dead[i]) kept.push_back(std::move(g.nodes[i]));
  }
  g.nodes = std::move(kept);
}

std::optional<float> scalar(const Graph& g, int id) {
  const Value& v = g.value(id);
  if (!v.is_constant || v.constant.size() != 1) return std::nullopt;
  return v.constant.data[0];
}

bool near(std::optional<float> v, double target) { return v && std::abs(*v - target) <= 1e-4 * std::abs(target); }

/// If node n is `op` with one operand == `operand` and the other a scalar near `value`, true.
bool is_op_with_scalar(const Graph& g, const Node& n, OpKind op, int operand, double value) {
  if (n.op != op || n.inputs.size() != 2) return false;
  if (n.inputs[0] == operand) return near(scalar(g, n.inputs[1]), value);
  if (n.inputs[1] == operand && op != OpKind::div && op != OpKind::sub) return near(scalar(g, n.inputs[0]), value);
  return false;
}

/// The other operand of a binary node, given one of them (-1 if `operand` is not an input).
int other_operand(const Node& n, int operand) {
  if (n.inputs.size() != 2) return -1;
  if (n.inputs[0] == operand) return n.inputs[1];
  if (n.inputs[1] == operand) return n.inputs[0];
  return -1;
}

}  // namespace

void fold_affine_into_conv(Graph& g) {
  auto users = consumers(g);
  const std::vector<int> producer = producers(g);
  std::vector<bool> dead(g.nodes.size(), false);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    if (n.op != OpKind::affine) continue;
    const int in = n.inputs[0];
    const int p = producer[static_cast<std::size_t>(in)];
    if (p < 0 || g.nodes[static_cast<std::size_t>(p)].op != OpKind::conv || users[static_cast<std::size_t>(in)].size() != 1) continue;
    Node& conv = g.nodes[static_cast<std::size_t>(p)];
    const auto& a = std::get<AffineAttrs>(n.attrs);
    scale_conv_outputs(std::get<ConvAttrs>(conv.attrs), a.scale, &a.shift);
    conv.output = n.output;
    conv.name += "+" + n.name;
    conv.op_type += "+BatchNormalization";
    dead[i] = true;
  }
  erase_nodes(g, dead);
}

void fold_channel_constants(Graph& g) {
  // 1. mul(conv output read by nothing else, per-channel constant) -> the conv.
  {
    const auto users = consumers(g);
    const std::vector<int> producer = producers(g);
    std::vector<bool> dead(g.nodes.size(), false);
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      Node& n = g.nodes[i];
      if (n.op != OpKind::mul || n.inputs.size() != 2) continue;
      for (int side = 0; side < 2; ++side) {
        const int data = n.inputs[static_cast<std::size_t>(side)];
        const int p = producer[static_cast<std::size_t>(data)];
        if (p < 0 || g.nodes[static_cast<std::size_t>(p)].op != OpKind::conv ||
            only_reader(users, data) != static_cast<int>(i)) {
          continue;
        }
        Node& conv = g.nodes[static_cast<std::size_t>(p)];
        auto& c = std::get<ConvAttrs>(conv.attrs);
        const auto s = channel_constant(g.value(n.inputs[static_cast<std::size_t>(1 - side)]), c.weight.shape[0]);
        if (!s) continue;
        scale_conv_outputs(c, *s, nullptr);
        conv.output = n.output;  // the conv keeps its name: linear costs are looked up by it
        dead[i] = true;
        break;
      }
    }
    erase_nodes(g, dead);
  }
  // 2. affine -> conv without padding; 3. affine -> pool -> reshape -> linear.
  const auto users = consumers(g);
  std::vector<bool> dead(g.nodes.size(), false);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (n.op != OpKind::affine) continue;
    const auto& a = std::get<AffineAttrs>(n.attrs);
    const int next = only_reader(users, n.output);
    if (next < 0) continue;
    Node& m = g.nodes[static_cast<std::size_t>(next)];
    if (m.op == OpKind::conv) {
      auto& c = std::get<ConvAttrs>(m.attrs);
      if (c.pad_top != 0 || c.pad_left != 0 || c.pad_bottom != 0 || c.pad_right != 0) continue;
      const std::int64_t c_out = c.weight.shape[0];
      absorb_input_affine(c.weight.data, c.bias.data, c_out, c.weight.shape[1], c.weight.shape[2] * c.weight.shape[3],
                          c_out / c.group, a);
    } else if (m.op == OpKind::global_average_pool) {
      const int reshape = only_reader(users, m.output);
      if (reshape < 0 || g.nodes[static_cast<std::size_t>(reshape)].op != OpKind::reshape) continue;
      const int lin = only_reader(users, g.nodes[static_cast<std::size_t>(reshape)].output);
      if (lin < 0 || g.nodes[static_cast<std::size_t>(lin)].op != OpKind::linear) continue;
      auto& l = std::get<LinearAttrs>(g.nodes[static_cast<std::size_t>(lin)].attrs);
      const std::int64_t outs = l.weight.shape[0], ins = l.weight.shape[1];
      if (ins != static_cast<std::int64_t>(a.scale.size())) continue;
      absorb_input_affine(l.weight.data, l.bias.data, outs, ins, 1, outs, a);  // one group, one tap
    } else {
      continue;
    }
    // The reader takes the affine's input instead of its output.
    for (int& v : m.inputs) {
      if (v == n.output) v = n.inputs[0];
    }
    dead[i] = true;
  }
  erase_nodes(g, dead);
}

void fuse_gelu(Graph& g) {
  auto users = consumers(g);
  const std::vector<int> producer = producers(g);
  auto only_user = [&](int value) -> int {
    const auto& u = users[static_cast<std::size_t>(value)];
    return u.size() == 1 ? u[0] : -1;
  };
  std::vector<bool> dead(g.nodes.size(), false);
  const double inv_sqrt2 = 1.0 / std::sqrt(2.0);
  for (std::size_t e = 0; e < g.nodes.size(); ++e) {
    const Node& erf = g.nodes[e];
    if (erf.op != OpKind::erf || dead[e]) continue;
    // u = x / sqrt2 or x * (1/sqrt2)
    const int u = erf.inputs[0];
    const int d = producer[static_cast<std::size_t>(u)];
    if (d < 0 || only_user(u) != static_cast<int>(e)) continue;
    const Node& scale = g.nodes[static_cast<std::size_t>(d)];
    int x = -1;
    for (int cand : scale.inputs) {
      if (g.value(cand).is_constant) continue;
      if (is_op_with_scalar(g, scale, OpKind::div, cand, std::sqrt(2.0)) || is_op_with_scalar(g, scale, OpKind::mul, cand, inv_sqrt2)) x = cand;
    }
    if (x < 0) continue;
    // a = erf + 1
    const int ai = only_user(erf.output);
    if (ai < 0 || !is_op_with_scalar(g, g.nodes[static_cast<std::size_t>(ai)], OpKind::add, erf.output, 1.0)) continue;
    const int a = g.nodes[static_cast<std::size_t>(ai)].output;
    const int m1 = only_user(a);
    if (m1 < 0 || g.nodes[static_cast<std::size_t>(m1)].op != OpKind::mul) continue;
    const Node& mul1 = g.nodes[static_cast<std::size_t>(m1)];
    const int other = other_operand(mul1, a);
    int last = -1, middle = -1;
    if (other == x) {  // (x * a) * 0.5
      const int m2 = only_user(mul1.output);
      if (m2 >= 0 && is_op_with_scalar(g, g.nodes[static_cast<std::size_t>(m2)], OpKind::mul, mul1.output, 0.5)) {
        last = m2;
        middle = m1;
      }
    } else if (other >= 0 && producer[static_cast<std::size_t>(other)] >= 0 && only_user(other) == m1 &&
               is_op_with_scalar(g, g.nodes[static_cast<std::size_t>(producer[static_cast<std::size_t>(other)])], OpKind::mul, x, 0.5)) {
      last = m1;  // (x * 0.5) * a
      middle = producer[static_cast<std::size_t>(other)];
    } else if (is_op_with_scalar(g, mul1, OpKind::mul, a, 0.5)) {  // x * (a * 0.5)
      const int m2 = only_user(mul1.output);
      if (m2 >= 0 && other_operand(g.nodes[static_cast<std::size_t>(m2)], mul1.output) == x) {
        last = m2;
        middle = m1;
      }
    }
    if (last < 0) continue;
    Node& out = g.nodes[static_cast<std::size_t>(last)];
    out.op = OpKind::activation;
    out.inputs = {x};
    out.name = erf.name;
    out.op_type = "Gelu(erf pattern)";
    out.attrs = ActivationAttrs{approx::Activation::gelu, -1};
    for (int k : {d, static_cast<int>(e), ai, middle}) dead[static_cast<std::size_t>(k)] = true;
  }
  erase_nodes(g, dead);
}

void prune_dead_nodes(Graph& g) {
  std::vector<bool> needed(g.values.size(), false);
  needed[static_cast<std::size_t>(g.output)] = true;
  std::vector<bool> dead(g.nodes.size(), true);
  for (std::size_t i = g.nodes.size(); i-- > 0;) {
    if (!needed[static_cast<std::size_t>(g.nodes[i].output)]) continue;
    dead[i] = false;
    for (int id : g.nodes[i].inputs) needed[static_cast<std::size_t>(id)] = true;
  }
  erase_nodes(g, dead);
}

}  // namespace ola::nn
