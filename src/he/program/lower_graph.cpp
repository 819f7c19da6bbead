#include "he/program/lower_graph.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ola::he {
namespace {

/// readers[v] = nodes reading value v; the graph output counts as one reader (-1).
std::vector<std::vector<int>> readers(const nn::Graph& g) {
  std::vector<std::vector<int>> r(g.values.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    for (int v : g.nodes[i].inputs) r[static_cast<std::size_t>(v)].push_back(static_cast<int>(i));
  }
  if (g.output >= 0) r[static_cast<std::size_t>(g.output)].push_back(-1);
  return r;
}

std::vector<int> producers(const nn::Graph& g) {
  std::vector<int> p(g.values.size(), -1);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) p[static_cast<std::size_t>(g.nodes[i].output)] = static_cast<int>(i);
  return p;
}

/// The per-channel factors of a constant of shape [C,1,1] or [1,C,1,1] with C == channels.
std::optional<std::vector<float>> channel_constant(const nn::Value& v, std::int64_t channels) {
  if (!v.is_constant) return std::nullopt;
  const nn::Shape& s = v.constant.shape;
  const bool chw = s.size() == 3 && s[0] == channels && s[1] == 1 && s[2] == 1;
  const bool nchw = s.size() == 4 && s[0] == 1 && s[1] == channels && s[2] == 1 && s[3] == 1;
  if (!chw && !nchw) return std::nullopt;
  return v.constant.data;
}

/// The only node reading value v, or -1 if none or several (or the graph output) read it.
int only_reader(const std::vector<std::vector<int>>& r, int v) {
  const auto& users = r[static_cast<std::size_t>(v)];
  return users.size() == 1 ? users[0] : -1;
}

void erase_nodes(nn::Graph& g, const std::vector<bool>& dead) {
  std::vector<nn::Node> kept;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!dead[i]) kept.push_back(std::move(g.nodes[i]));
  }
  g.nodes = std::move(kept);
}

/// 1. mul(conv output, per-channel constant) -> the conv.
void fold_channel_scale_into_conv(nn::Graph& g) {
  const auto r = readers(g);
  const auto prod = producers(g);
  std::vector<bool> dead(g.nodes.size(), false);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    nn::Node& n = g.nodes[i];
    if (n.op != nn::OpKind::mul || n.inputs.size() != 2) continue;
    for (int side = 0; side < 2; ++side) {
      const int data = n.inputs[static_cast<std::size_t>(side)];
      const int p = prod[static_cast<std::size_t>(data)];
      if (p < 0 || g.nodes[static_cast<std::size_t>(p)].op != nn::OpKind::conv || only_reader(r, data) != static_cast<int>(i)) {
        continue;
      }
      nn::Node& conv = g.nodes[static_cast<std::size_t>(p)];
      auto& c = std::get<nn::ConvAttrs>(conv.attrs);
      const auto s = channel_constant(g.value(n.inputs[static_cast<std::size_t>(1 - side)]), c.weight.shape[0]);
      if (!s) continue;
      const std::int64_t per_out = c.weight.size() / c.weight.shape[0];
      for (std::int64_t o = 0; o < c.weight.shape[0]; ++o) {
        const float f = (*s)[static_cast<std::size_t>(o)];
        for (std::int64_t k = 0; k < per_out; ++k) c.weight.data[static_cast<std::size_t>(o * per_out + k)] *= f;
        c.bias.data[static_cast<std::size_t>(o)] *= f;
      }
      conv.output = n.output;  // the conv keeps its name: linear costs are looked up by it
      dead[i] = true;
      break;
    }
  }
  erase_nodes(g, dead);
}

/// 2. affine -> conv without padding; 3. affine -> pool -> reshape -> linear.
void fold_affine_forward(nn::Graph& g) {
  const auto r = readers(g);
  std::vector<bool> dead(g.nodes.size(), false);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const nn::Node& n = g.nodes[i];
    if (n.op != nn::OpKind::affine) continue;
    const auto& a = std::get<nn::AffineAttrs>(n.attrs);
    const int next = only_reader(r, n.output);
    if (next < 0) continue;
    nn::Node& m = g.nodes[static_cast<std::size_t>(next)];
    if (m.op == nn::OpKind::conv) {
      auto& c = std::get<nn::ConvAttrs>(m.attrs);
      if (c.pad_top != 0 || c.pad_left != 0 || c.pad_bottom != 0 || c.pad_right != 0) continue;
      const std::int64_t c_out = c.weight.shape[0], c_in_group = c.weight.shape[1];
      const std::int64_t taps = c.weight.shape[2] * c.weight.shape[3];
      const std::int64_t out_per_group = c_out / c.group;
      for (std::int64_t o = 0; o < c_out; ++o) {
        const std::int64_t first_in = (o / out_per_group) * c_in_group;  // input channels of o's group
        double shift = 0.0;
        for (std::int64_t j = 0; j < c_in_group; ++j) {
          const auto ch = static_cast<std::size_t>(first_in + j);
          for (std::int64_t t = 0; t < taps; ++t) {
            float& w = c.weight.data[static_cast<std::size_t>((o * c_in_group + j) * taps + t)];
            shift += static_cast<double>(w) * a.shift[ch];
            w *= a.scale[ch];
          }
        }
        c.bias.data[static_cast<std::size_t>(o)] += static_cast<float>(shift);
      }
    } else if (m.op == nn::OpKind::global_average_pool) {
      const int reshape = only_reader(r, m.output);
      if (reshape < 0 || g.nodes[static_cast<std::size_t>(reshape)].op != nn::OpKind::reshape) continue;
      const int lin = only_reader(r, g.nodes[static_cast<std::size_t>(reshape)].output);
      if (lin < 0 || g.nodes[static_cast<std::size_t>(lin)].op != nn::OpKind::linear) continue;
      auto& l = std::get<nn::LinearAttrs>(g.nodes[static_cast<std::size_t>(lin)].attrs);
      const std::int64_t outs = l.weight.shape[0], ins = l.weight.shape[1];
      if (ins != static_cast<std::int64_t>(a.scale.size())) continue;
      for (std::int64_t o = 0; o < outs; ++o) {
        double shift = 0.0;
        for (std::int64_t j = 0; j < ins; ++j) {
          float& w = l.weight.data[static_cast<std::size_t>(o * ins + j)];
          shift += static_cast<double>(w) * a.shift[static_cast<std::size_t>(j)];
          w *= a.scale[static_cast<std::size_t>(j)];
        }
        l.bias.data[static_cast<std::size_t>(o)] += static_cast<float>(shift);
      }
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

}  // namespace

nn::Graph lower_for_he(nn::Graph g) {
  fold_channel_scale_into_conv(g);
  fold_affine_forward(g);
  nn::number_sites(g);
  nn::validate(g);
  return g;
}

}  // namespace ola::he
