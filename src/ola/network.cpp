#include "ola/network.h"

#include <algorithm>
#include <set>

#include "nn/onnx/graph_passes.h"
#include "ola/plan_error.h"

namespace ola::opt {

namespace {

std::int64_t per_image(const nn::Shape& s) {
  std::int64_t n = 1;
  for (std::size_t i = 1; i < s.size(); ++i) n *= s[i];
  return n;
}

std::int64_t dim(const nn::Shape& s, std::size_t i) { return i < s.size() ? s[i] : 1; }

[[noreturn]] void unsupported(const nn::Graph& g, const nn::Node& n, const std::string& what) {
  throw PlanError(ola::mismatch(g.source + ": node " + n.name, "op " + nn::to_string(n.op), what, n.op_type));
}

}  // namespace

Network network_from_graph(const nn::Graph& graph) {
  // The encrypted compiler folds per-channel constants (layer scales, conv-less BatchNorms) into
  // the linear layers next to them (he::lower_for_he); so does the optimizer's view, or it would
  // price and count a level for layers that never run.
  nn::Graph g = graph;
  nn::fold_channel_constants(g);
  nn::number_sites(g);
  Network net;
  net.source = g.source;
  net.num_sites = static_cast<int>(g.sites.size());
  std::vector<int> consumers(g.values.size(), 0);
  for (const auto& n : g.nodes) {
    for (int in : n.inputs) {
      if (!g.value(in).is_constant) ++consumers[static_cast<std::size_t>(in)];
    }
  }
  int main_value = g.input;
  int skip_root = -1;               // value the open skip branch started from
  std::set<int> skip_values;        // values on the open skip branch
  // Whether a value is at the backend's base scale: the input and linear layers' outputs are, an
  // activation's output is not; a skip branch with a shortcut op runs as a convolution (base).
  const auto at_base_scale = [&net] { return net.steps.empty() || net.steps.back().kind == StepKind::linear; };
  bool skip_base = true;
  auto open_skip_if_fanout = [&](int v) {
    const int c = consumers[static_cast<std::size_t>(v)];
    if (c > 2) throw PlanError(ola::mismatch(g.source + ": value " + g.value(v).name, "consumers", "at most 2", c));
    if (c == 2) {
      if (skip_root >= 0) throw PlanError(ola::mismatch(g.source + ": value " + g.value(v).name, "skip", "no nested residual branch", "a second open skip"));
      skip_root = v;
      skip_values = {v};
      skip_base = at_base_scale();
      NetStep s;
      s.kind = StepKind::skip_open;
      s.name = "skip";
      s.elements = per_image(g.value(v).shape);
      net.steps.push_back(s);
    }
  };
  open_skip_if_fanout(g.input);
  for (std::size_t ni = 0; ni < g.nodes.size(); ++ni) {
    const nn::Node& n = g.nodes[ni];
    std::vector<int> data;
    for (int in : n.inputs) {
      if (!g.value(in).is_constant) data.push_back(in);
    }
    // A node reading only skip-branch values is on the skip branch; the root value is also the
    // main value until the main path moves on, so a slice/pad reading it is a shortcut op.
    const bool shortcut_op = n.op == nn::OpKind::slice || n.op == nn::OpKind::pad;
    const bool on_skip = n.op != nn::OpKind::add && !data.empty() &&
                         std::all_of(data.begin(), data.end(), [&](int v) {
                           return skip_values.count(v) != 0 && (v != main_value || shortcut_op);
                         });
    if (on_skip) {
      if (n.op != nn::OpKind::slice && n.op != nn::OpKind::pad && n.op != nn::OpKind::reshape) {
        unsupported(g, n, "slice, pad or reshape on a residual skip branch");
      }
      skip_values.insert(n.output);
      if (n.op != nn::OpKind::reshape) skip_base = true;  // the shortcut: a convolution in he/
      continue;
    }
    NetStep s;
    s.name = n.name;
    s.node = static_cast<int>(ni);
    if (n.op == nn::OpKind::add && data.size() == 2) {
      const bool a_skip = skip_values.count(data[0]) != 0, b_skip = skip_values.count(data[1]) != 0;
      const int main_in = a_skip ? data[1] : data[0];
      if (a_skip == b_skip || main_in != main_value) unsupported(g, n, "an add of the main path and an open skip branch");
      s.kind = StepKind::skip_merge;
      s.elements = per_image(g.value(n.output).shape);
      s.merge_spends_level_at_equal = !(skip_base && at_base_scale());
      skip_root = -1;
      skip_values.clear();
    } else {
      if (data.size() != 1 || data[0] != main_value) {
        unsupported(g, n, "one data input: the previous main-path value");
      }
      const nn::Shape& in = g.value(data[0]).shape;
      s.elements = per_image(in);
      switch (n.op) {
        case nn::OpKind::activation:
          s.kind = StepKind::activation;
          s.site = std::get<nn::ActivationAttrs>(n.attrs).site;
          break;
        case nn::OpKind::conv: {
          const auto& a = std::get<nn::ConvAttrs>(n.attrs);
          s.kind = StepKind::linear;
          s.shape = {LinearShape::Op::conv, dim(in, 1), a.weight.shape.at(0), dim(in, 2), dim(in, 3),
                     static_cast<int>(a.weight.shape.at(2)), a.stride_h};
          break;
        }
        case nn::OpKind::global_average_pool:
          s.kind = StepKind::linear;
          s.shape = {LinearShape::Op::global_average_pool, dim(in, 1), dim(in, 1), dim(in, 2), dim(in, 3), 1, 1};
          break;
        case nn::OpKind::linear: {
          const auto& a = std::get<nn::LinearAttrs>(n.attrs);
          s.kind = StepKind::linear;
          s.shape = {LinearShape::Op::fully_connected, a.weight.shape.at(1), a.weight.shape.at(0), 1, 1, 1, 1};
          break;
        }
        case nn::OpKind::affine:
        case nn::OpKind::mul:
        case nn::OpKind::div:
        case nn::OpKind::add:
        case nn::OpKind::sub:
          s.kind = StepKind::linear;
          s.shape = {LinearShape::Op::affine, dim(in, 1), dim(in, 1), dim(in, 2), dim(in, 3), 1, 1};
          break;
        case nn::OpKind::reshape:
          main_value = n.output;
          open_skip_if_fanout(n.output);
          continue;
        default:
          unsupported(g, n, "conv, affine, activation, add, global_average_pool, linear or reshape");
      }
    }
    net.steps.push_back(s);
    main_value = n.output;
    open_skip_if_fanout(n.output);
  }
  if (skip_root >= 0) {
    throw PlanError(ola::mismatch(g.source, "residual skip", "merged by an add", "a branch never merged"));
  }
  return net;
}

double linear_step_ms(const TimeModel& tm, const NetStep& s, int level) {
  if (tm.linear_ops.empty()) return linear_ms(s.shape, tm.table.at(level), tm.slots);
  const auto it = tm.linear_ops.find(s.name);
  if (it == tm.linear_ops.end()) {
    throw PlanError(ola::mismatch("time model: linear layer counts", "node " + s.name,
                                  "an entry for every linear node of the network", "none"));
  }
  return linear_ops_ms(it->second, tm.table.at(level));
}

double merge_step_ms(const TimeModel& tm, const NetStep& s, int level) {
  const double adds = static_cast<double>(ciphertexts(s.elements, tm.slots)) * tm.table.at(level).add_ms;
  const auto it = tm.linear_ops.find(s.name);
  if (it == tm.linear_ops.end()) return adds;
  return adds + linear_ops_ms(it->second, tm.table.at(std::min(tm.bootstrap.levels_after, tm.table.max_level())));
}

DpProblem make_problem(const Network& net, const TimeModel& tm, const std::vector<std::vector<DpChoice>>& choices,
                       int max_units) {
  OLA_CHECK(static_cast<int>(choices.size()) == net.num_sites, "make_problem: choices per site");
  DpProblem p;
  p.min_level = tm.bootstrap.input_level;
  p.boot_level = tm.bootstrap.levels_after;
  p.start_level = tm.bootstrap.levels_after;
  p.max_units = max_units;
  const int top = p.boot_level;
  for (const NetStep& ns : net.steps) {
    DpStep s;
    s.kind = ns.kind;
    s.bootstrap_ms = ns.kind == StepKind::skip_merge ? kInfMs : bootstrap_ms(tm, ns.elements);
    s.merge_spends_level_at_equal = ns.merge_spends_level_at_equal;
    switch (ns.kind) {
      case StepKind::linear:
        s.depth = linear_depth(ns.shape);
        s.ms_at_level.resize(static_cast<std::size_t>(top + 1), kInfMs);
        for (int l = tm.table.min_level(); l <= top; ++l) {
          s.ms_at_level[static_cast<std::size_t>(l)] = linear_step_ms(tm, ns, l);
        }
        break;
      case StepKind::skip_merge:
        s.ms_at_level.resize(static_cast<std::size_t>(top + 1), kInfMs);
        for (int l = tm.table.min_level(); l <= top; ++l) {
          s.ms_at_level[static_cast<std::size_t>(l)] = merge_step_ms(tm, ns, l);
        }
        break;
      case StepKind::activation:
        s.choices = choices.at(static_cast<std::size_t>(ns.site));
        if (s.choices.empty()) {
          throw PlanError(ola::mismatch(net.source + ": site " + std::to_string(ns.site), "candidates", "at least one", 0));
        }
        break;
      case StepKind::skip_open:
        break;
    }
    p.steps.push_back(std::move(s));
  }
  return p;
}

}  // namespace ola::opt
