#include "nn/ir/graph.h"

#include <algorithm>
#include <array>

#include "nn/error.h"
#include "nn/ir/shape_inference.h"

namespace ola::nn {

std::string to_string(OpKind op) {
  static constexpr std::array<const char*, kOpKindCount> kNames = {
      "conv", "affine", "activation", "erf", "add", "sub", "mul", "div", "pad", "slice",
      "concat", "global_average_pool", "reduce_mean", "reshape", "transpose", "linear"};
  static_assert(kNames.size() == static_cast<std::size_t>(OpKind::linear) + 1, "OpKind names out of step");
  return kNames.at(static_cast<std::size_t>(op));
}

std::int64_t parameter_count(const Graph& g) {
  std::int64_t total = 0;
  std::vector<bool> counted(g.values.size(), false);
  for (const Node& n : g.nodes) {
    if (const auto* c = std::get_if<ConvAttrs>(&n.attrs)) total += c->weight.size() + c->bias.size();
    if (const auto* l = std::get_if<LinearAttrs>(&n.attrs)) total += l->weight.size() + l->bias.size();
    if (const auto* a = std::get_if<AffineAttrs>(&n.attrs)) total += static_cast<std::int64_t>(2 * a->scale.size());
    for (int id : n.inputs) {
      if (g.value(id).is_constant && !counted[static_cast<std::size_t>(id)]) {
        counted[static_cast<std::size_t>(id)] = true;
        total += g.value(id).constant.size();
      }
    }
  }
  return total;
}

int find_site(const Graph& g, const std::string& key) {
  const int count = static_cast<int>(g.sites.size());
  if (!key.empty() && key.find_first_not_of("0123456789") == std::string::npos && key.size() < 9) {
    const int i = std::stoi(key);
    if (i < count) return i;
  }
  for (const auto& s : g.sites) {
    if (key == s.short_name || key == s.name || key == s.onnx_name) return s.index;
  }
  throw Error(ola::mismatch("site", "key", "an index 0.." + std::to_string(count - 1) + " or a site name",
                       "'" + key + "'"));
}

std::vector<std::vector<int>> consumers(const Graph& g) {
  std::vector<std::vector<int>> c(g.values.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    for (int id : g.nodes[i].inputs) c[static_cast<std::size_t>(id)].push_back(static_cast<int>(i));
  }
  if (g.output >= 0) c[static_cast<std::size_t>(g.output)].push_back(-1);
  return c;
}

std::vector<int> producers(const Graph& g) {
  std::vector<int> p(g.values.size(), -1);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) p[static_cast<std::size_t>(g.nodes[i].output)] = static_cast<int>(i);
  return p;
}

bool channel_affine_foldable(const Graph& g, int site) {
  const Node& n = g.nodes.at(static_cast<std::size_t>(g.sites.at(static_cast<std::size_t>(site)).node));
  const int x = n.inputs.at(0);
  if (g.value(x).shape.size() != 4) return false;
  const auto users = consumers(g);
  const std::vector<int> made_by = producers(g);
  auto producer = [&](int v) -> const Node* {
    const int p = made_by[static_cast<std::size_t>(v)];
    return p < 0 ? nullptr : &g.nodes[static_cast<std::size_t>(p)];
  };
  auto read_once = [&](int v) { return users[static_cast<std::size_t>(v)].size() == 1; };  // not the graph output
  // v is written by a conv or per-channel affine and read once.
  auto channel_linear_output = [&](int v) {
    const Node* p = producer(v);
    return p != nullptr && (p->op == OpKind::conv || p->op == OpKind::affine) && read_once(v);
  };
  if (!read_once(x)) return false;
  if (channel_linear_output(x)) return true;
  const Node* p = producer(x);
  if (p == nullptr || p->op != OpKind::add || p->inputs.size() != 2) return false;
  for (int v : p->inputs) {
    if (g.value(v).is_constant || g.value(v).shape != g.value(x).shape) return false;
  }
  return channel_linear_output(p->inputs[0]) || channel_linear_output(p->inputs[1]);
}

void number_sites(Graph& g) {
  g.sites.clear();
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    if (n.op != OpKind::activation) continue;
    auto& a = std::get<ActivationAttrs>(n.attrs);
    ActivationSite s;
    s.index = static_cast<int>(g.sites.size());
    s.activation = a.activation;
    s.node = static_cast<int>(i);
    s.onnx_name = n.name;
    s.short_name = approx::to_string(a.activation) + "_" + std::to_string(s.index);
    s.name = s.short_name + " (" + n.name + ")";
    a.site = s.index;
    g.sites.push_back(std::move(s));
  }
}

void validate(const Graph& g) {
  const std::string where = g.source;
  const int nv = static_cast<int>(g.values.size());
  if (g.input < 0 || g.input >= nv || g.value(g.input).is_constant) {
    throw ModelError(ola::mismatch(where, "graph input", "one data input", g.input));
  }
  std::vector<bool> ready(g.values.size(), false);
  for (int i = 0; i < nv; ++i) ready[static_cast<std::size_t>(i)] = g.values[static_cast<std::size_t>(i)].is_constant;
  ready[static_cast<std::size_t>(g.input)] = true;
  for (const Node& n : g.nodes) {
    for (int id : n.inputs) {
      if (id < 0 || id >= nv || !ready[static_cast<std::size_t>(id)]) {
        throw ModelError(ola::mismatch(node_where(g, n), "input", "a value computed earlier",
                                  id >= 0 && id < nv ? g.value(id).name : std::to_string(id)));
      }
    }
    if (n.output < 0 || n.output >= nv || ready[static_cast<std::size_t>(n.output)]) {
      throw ModelError(ola::mismatch(node_where(g, n), "output", "a value written once", n.output));
    }
    const Shape s = infer_shape(g, n);
    if (s != g.value(n.output).shape) {
      throw ModelError(ola::mismatch(node_where(g, n), "output shape", to_string(s, true),
                                to_string(g.value(n.output).shape, true)));
    }
    ready[static_cast<std::size_t>(n.output)] = true;
  }
  if (g.output < 0 || g.output >= nv || !ready[static_cast<std::size_t>(g.output)] ||
      g.value(g.output).is_constant) {
    throw ModelError(ola::mismatch(where, "graph output", "a value computed from the input", g.output));
  }
  for (std::size_t i = 0; i < g.sites.size(); ++i) {
    const auto& s = g.sites[i];
    OLA_CHECK(s.index == static_cast<int>(i) && s.node >= 0 &&
                  s.node < static_cast<int>(g.nodes.size()) &&
                  g.nodes[static_cast<std::size_t>(s.node)].op == OpKind::activation,
              "site " << i << " not numbered");
  }
}

}  // namespace ola::nn
