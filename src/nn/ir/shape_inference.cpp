#include "nn/ir/shape_inference.h"

#include <algorithm>

#include "nn/error.h"

namespace ola::nn {
namespace {

const Shape& in_shape(const Graph& g, const Node& n, std::size_t i) {
  if (i >= n.inputs.size()) {
    throw ModelError(ola::mismatch(node_where(g, n), "inputs", "at least " + std::to_string(i + 1),
                              n.inputs.size()));
  }
  return g.value(n.inputs[i]).shape;
}

bool is_data(const Graph& g, int id) { return !g.value(id).is_constant; }

Shape conv_shape(const Graph& g, const Node& n, const ConvAttrs& a) {
  const std::string where = node_where(g, n);
  const Shape& x = in_shape(g, n, 0);
  if (x.size() != 4) throw ModelError(ola::mismatch(where, "input rank", 4, to_string(x, true)));
  const Shape& w = a.weight.shape;
  if (w.size() != 4) throw ModelError(ola::mismatch(where, "weight rank", 4, to_string(w)));
  if (a.group < 1 || x[1] % a.group != 0 || w[0] % a.group != 0) {
    throw ModelError(ola::mismatch(where, "attribute group", "a divisor of C_in " + std::to_string(x[1]) +
                                                            " and C_out " + std::to_string(w[0]),
                              a.group));
  }
  if (w[1] * a.group != x[1]) {
    throw ModelError(ola::mismatch(where, "weight shape[1]", x[1] / a.group, w[1]));
  }
  if (a.bias.size() != w[0]) throw ModelError(ola::mismatch(where, "bias size", w[0], a.bias.size()));
  if (a.stride_h < 1 || a.stride_w < 1 || a.pad_top < 0 || a.pad_left < 0 || a.pad_bottom < 0 ||
      a.pad_right < 0) {
    throw ModelError(ola::mismatch(where, "strides/pads", "strides >= 1 and pads >= 0",
                              std::to_string(a.stride_h) + "," + std::to_string(a.pad_top)));
  }
  const std::int64_t oh = (x[2] + a.pad_top + a.pad_bottom - w[2]) / a.stride_h + 1;
  const std::int64_t ow = (x[3] + a.pad_left + a.pad_right - w[3]) / a.stride_w + 1;
  if (oh < 1 || ow < 1) {
    throw ModelError(ola::mismatch(where, "output size", "positive", std::to_string(oh) + "x" + std::to_string(ow)));
  }
  return {x[0], w[0], oh, ow};
}

Shape elementwise_shape(const Graph& g, const Node& n) {
  const std::string where = node_where(g, n);
  if (n.op == OpKind::activation || n.op == OpKind::erf || n.op == OpKind::affine) {
    const Shape& x = in_shape(g, n, 0);
    if (n.op == OpKind::affine) {
      const auto& a = std::get<AffineAttrs>(n.attrs);
      if (x.size() < 2 || a.scale.size() != static_cast<std::size_t>(x[1]) ||
          a.shift.size() != a.scale.size()) {
        throw ModelError(ola::mismatch(where, "channels", x.size() < 2 ? 0 : x[1], a.scale.size()));
      }
    }
    return x;
  }
  Shape out = broadcast_shapes(in_shape(g, n, 0), in_shape(g, n, 1), where);
  const bool data = is_data(g, n.inputs[0]) || is_data(g, n.inputs[1]);
  if (data) {
    // The batch axis must stay axis 0 of a data result: no constant may add leading axes or
    // broadcast over the batch with a size other than 1.
    const Shape& d = is_data(g, n.inputs[0]) ? in_shape(g, n, 0) : in_shape(g, n, 1);
    if (out.size() != d.size() || out[0] != 1) {
      throw ModelError(ola::mismatch(where, "broadcast result", "batch kept as axis 0 of " + to_string(d, true),
                                to_string(out)));
    }
  }
  return out;
}

void check_axis(const std::string& where, const std::string& field, std::int64_t axis, std::size_t rank) {
  if (axis < 1 || axis >= static_cast<std::int64_t>(rank)) {
    throw ModelError(ola::mismatch(where, field, "a non-batch axis 1.." + std::to_string(rank - 1), axis));
  }
}

}  // namespace

std::string node_where(const Graph& g, const Node& node) {
  return g.source + ": node " + node.name + " (" + node.op_type + ")";
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& where) {
  const std::size_t r = std::max(a.size(), b.size());
  Shape out(r, 1);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const std::int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw ModelError(ola::mismatch(where, "broadcast", "compatible shapes", to_string(a) + " and " + to_string(b)));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Shape infer_shape(const Graph& g, const Node& n) {
  const std::string where = node_where(g, n);
  switch (n.op) {
    case OpKind::conv:
      return conv_shape(g, n, std::get<ConvAttrs>(n.attrs));
    case OpKind::affine:
    case OpKind::activation:
    case OpKind::erf:
    case OpKind::add:
    case OpKind::sub:
    case OpKind::mul:
    case OpKind::div:
      return elementwise_shape(g, n);
    case OpKind::pad: {
      const auto& a = std::get<PadAttrs>(n.attrs);
      Shape s = in_shape(g, n, 0);
      if (a.begin.size() != s.size() || a.end.size() != s.size()) {
        throw ModelError(ola::mismatch(where, "pads", 2 * s.size(), a.begin.size() + a.end.size()));
      }
      if (a.begin[0] != 0 || a.end[0] != 0) throw ModelError(ola::mismatch(where, "pads on the batch axis", 0, a.begin[0]));
      for (std::size_t i = 0; i < s.size(); ++i) {
        constexpr std::int64_t kMaxPad = std::int64_t{1} << 28;
        if (a.begin[i] < 0 || a.end[i] < 0 || a.begin[i] > kMaxPad || a.end[i] > kMaxPad) {
          throw ModelError(ola::mismatch(where, "pads", "0.." + std::to_string(kMaxPad),
                                         std::to_string(a.begin[i]) + "," + std::to_string(a.end[i])));
        }
        s[i] += a.begin[i] + a.end[i];
      }
      return s;
    }
    case OpKind::slice: {
      const auto& a = std::get<SliceAttrs>(n.attrs);
      const Shape& x = in_shape(g, n, 0);
      if (a.starts.size() != x.size() || a.steps.size() != x.size() || a.sizes.size() != x.size()) {
        throw ModelError(ola::mismatch(where, "slice axes", x.size(), a.starts.size()));
      }
      Shape s(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) {
        const std::int64_t last = a.starts[i] + (a.sizes[i] - 1) * a.steps[i];
        const bool ok = a.steps[i] != 0 && a.sizes[i] >= 0 &&
                        (a.sizes[i] == 0 || (a.starts[i] >= 0 && a.starts[i] < x[i] && last >= 0 && last < x[i]));
        if (!ok || (i == 0 && (a.starts[0] != 0 || a.steps[0] != 1 || a.sizes[0] != x[0]))) {
          throw ModelError(ola::mismatch(where, "slice of axis " + std::to_string(i), "inside " + to_string(x, true),
                                    "start " + std::to_string(a.starts[i]) + " step " + std::to_string(a.steps[i]) +
                                        " count " + std::to_string(a.sizes[i])));
        }
        s[i] = a.sizes[i];
      }
      return s;
    }
    case OpKind::concat: {
      const auto& a = std::get<ConcatAttrs>(n.attrs);
      Shape s = in_shape(g, n, 0);
      check_axis(where, "attribute axis", a.axis, s.size());
      for (std::size_t i = 1; i < n.inputs.size(); ++i) {
        const Shape& t = in_shape(g, n, i);
        for (std::size_t k = 0; k < s.size(); ++k) {
          if (t.size() != s.size() || (static_cast<int>(k) != a.axis && t[k] != s[k])) {
            throw ModelError(ola::mismatch(where, "input " + std::to_string(i) + " shape", to_string(s, true), to_string(t, true)));
          }
        }
        s[a.axis] += t[a.axis];
      }
      return s;
    }
    case OpKind::global_average_pool: {
      Shape s = in_shape(g, n, 0);
      if (s.size() < 3) throw ModelError(ola::mismatch(where, "input rank", ">= 3", s.size()));
      for (std::size_t i = 2; i < s.size(); ++i) s[i] = 1;
      return s;
    }
    case OpKind::reduce_mean: {
      const auto& a = std::get<ReduceAttrs>(n.attrs);
      const Shape& x = in_shape(g, n, 0);
      Shape s;
      for (std::size_t i = 0; i < x.size(); ++i) {
        const bool reduced = std::find(a.axes.begin(), a.axes.end(), static_cast<int>(i)) != a.axes.end();
        if (!reduced) s.push_back(x[i]);
        else if (a.keepdims) s.push_back(1);
      }
      for (int ax : a.axes) check_axis(where, "axes", ax, x.size());
      return s;
    }
    case OpKind::reshape: {
      const Shape& out = g.value(n.output).shape;  // resolved by the importer
      const Shape& x = in_shape(g, n, 0);
      if (out.empty() || numel(out) != numel(x)) {
        throw ModelError(ola::mismatch(where, "reshape element count", numel(x), numel(out)));
      }
      return out;
    }
    case OpKind::transpose: {
      const auto& a = std::get<TransposeAttrs>(n.attrs);
      const Shape& x = in_shape(g, n, 0);
      std::vector<int> sorted = a.perm;
      std::sort(sorted.begin(), sorted.end());
      bool ok = sorted.size() == x.size() && !a.perm.empty() && a.perm[0] == 0;
      for (std::size_t i = 0; ok && i < sorted.size(); ++i) ok = sorted[i] == static_cast<int>(i);
      if (!ok) throw ModelError(ola::mismatch(where, "attribute perm", "a permutation of 0.." + std::to_string(x.size() - 1) + " starting with 0", a.perm.size()));
      Shape s(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) s[i] = x[static_cast<std::size_t>(a.perm[i])];
      return s;
    }
    case OpKind::linear: {
      const auto& a = std::get<LinearAttrs>(n.attrs);
      Shape s = in_shape(g, n, 0);
      if (s.size() < 2 || a.weight.shape.size() != 2 || a.weight.shape[1] != s.back()) {
        throw ModelError(ola::mismatch(where, "weight shape", "[out," + std::to_string(s.empty() ? 0 : s.back()) + "]",
                                  to_string(a.weight.shape)));
      }
      if (a.bias.size() != a.weight.shape[0]) throw ModelError(ola::mismatch(where, "bias size", a.weight.shape[0], a.bias.size()));
      s.back() = a.weight.shape[0];
      return s;
    }
  }
  OLA_CHECK(false, "infer_shape: unknown op");
  return {};
}

}  // namespace ola::nn
