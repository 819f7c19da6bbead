#include "nn/ir/summary.h"

#include <map>
#include <sstream>

namespace ola::nn {
namespace {

nlohmann::json shape_json(const Value& v) {
  nlohmann::json j = v.shape;
  if (!v.is_constant && !v.shape.empty()) j[0] = -1;
  return j;
}

std::map<std::string, int> op_counts(const Graph& g) {
  std::map<std::string, int> c;
  for (const Node& n : g.nodes) {
    std::string key = to_string(n.op);
    if (n.op == OpKind::activation) key = approx::to_string(std::get<ActivationAttrs>(n.attrs).activation);
    ++c[key];
  }
  return c;
}

}  // namespace

std::string summary_text(const Graph& g) {
  std::ostringstream os;
  const Value& in = g.value(g.input);
  const Value& out = g.value(g.output);
  os << "model: " << g.source << "\n";
  os << "input: " << in.name << " " << to_string(in.shape, true) << "   output: " << out.name << " "
     << to_string(out.shape, true) << "\n";
  os << "nodes: " << g.nodes.size() << "   parameters: " << parameter_count(g) << "\n";
  os << "ops:";
  for (const auto& [op, n] : op_counts(g)) os << " " << op << " " << n;
  os << "\n";
  os << "activation sites: " << g.sites.size() << "\n";
  for (const auto& s : g.sites) {
    const Node& n = g.nodes[static_cast<std::size_t>(s.node)];
    os << "  " << s.name << "  input " << to_string(g.value(n.inputs[0]).shape, true) << "\n";
  }
  os << "graph:\n";
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    os << "  " << i << "  " << to_string(n.op) << "  " << n.name << "  (";
    bool first = true;
    for (int id : n.inputs) {
      if (g.value(id).is_constant) continue;
      os << (first ? "" : ", ") << to_string(g.value(id).shape, true);
      first = false;
    }
    os << ") -> " << to_string(g.value(n.output).shape, true) << "\n";
  }
  return os.str();
}

nlohmann::json summary_json(const Graph& g) {
  nlohmann::json sites = nlohmann::json::array();
  for (const auto& s : g.sites) {
    const Node& n = g.nodes[static_cast<std::size_t>(s.node)];
    sites.push_back({{"index", s.index},
                     {"name", s.name},
                     {"short_name", s.short_name},
                     {"activation", approx::to_string(s.activation)},
                     {"onnx_node", s.onnx_name},
                     {"shape", shape_json(g.value(n.inputs[0]))}});
  }
  nlohmann::json nodes = nlohmann::json::array();
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    nlohmann::json inputs = nlohmann::json::array();
    for (int id : n.inputs) inputs.push_back(g.value(id).name);
    nodes.push_back({{"index", i},
                     {"op", to_string(n.op)},
                     {"onnx_op", n.op_type},
                     {"name", n.name},
                     {"inputs", inputs},
                     {"output", g.value(n.output).name},
                     {"shape", shape_json(g.value(n.output))}});
  }
  const Value& in = g.value(g.input);
  const Value& out = g.value(g.output);
  return {{"model", g.source},
          {"input", {{"name", in.name}, {"shape", shape_json(in)}}},
          {"output", {{"name", out.name}, {"shape", shape_json(out)}}},
          {"parameters", parameter_count(g)},
          {"op_counts", op_counts(g)},
          {"sites", sites},
          {"nodes", nodes}};
}

}  // namespace ola::nn
