// compile_program: nn::Graph + per-site approximations -> he::Program (he/program/program.h).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>

#include "approx/compiled.h"
#include "ckks/poly/schedule.h"
#include "he/program/lower_graph.h"
#include "he/program/program.h"
#include "he/shortcut.h"
#include "util/error.h"

namespace ola::he {

std::string to_string(ProgramOp op) {
  switch (op) {
    case ProgramOp::conv: return "conv";
    case ProgramOp::shortcut: return "shortcut";
    case ProgramOp::activation: return "activation";
    case ProgramOp::add: return "add";
    case ProgramOp::pool_fc: return "pool_fc";
    case ProgramOp::bootstrap: return "bootstrap";
    case ProgramOp::activation_tail: return "act_tail";
    case ProgramOp::sum: return "sum";
  }
  return "?";
}

int step_depth(const Program& p, const ProgramStep& s) {
  switch (s.op) {
    case ProgramOp::conv:
    case ProgramOp::shortcut:
    case ProgramOp::pool_fc: return 1;
    case ProgramOp::activation: {
      const ProgramActivation& a = p.activations.at(static_cast<std::size_t>(s.index));
      return a.split > 0 ? a.head_depth : a.depth;
    }
    case ProgramOp::activation_tail: {
      const ProgramActivation& a = p.activations.at(static_cast<std::size_t>(s.index));
      return a.depth - a.head_depth;
    }
    case ProgramOp::add: return s.level_before - s.level_after;
    case ProgramOp::bootstrap:
    case ProgramOp::sum: return 0;
  }
  return 0;
}

std::string step_label(const ProgramStep& s) {
  return s.op == ProgramOp::bootstrap ? s.name + " (" + std::to_string(s.slots) + " slots)" : s.name;
}

std::map<int, int> bootstraps_by_slots(const Program& p) {
  std::map<int, int> counts;
  for (const ProgramStep& s : p.steps) {
    if (s.op == ProgramOp::bootstrap) ++counts[s.slots];
  }
  return counts;
}

namespace {

/// The interval the affine map x -> t uses: the polynomial's own for one-stage kinds; [-B, B] with
/// B = max(|lo|, |hi|) for composite ReLU, so t = x / B (approx/compiled.h).
std::pair<double, double> poly_interval(const approx::Approximation& a) {
  if (a.kind == approx::Kind::composite_relu) {
    const double b = std::max(std::abs(a.lo), std::abs(a.hi));
    return {-b, b};
  }
  if (!a.stages.empty()) return {a.stages[0].lo, a.stages[0].hi};
  return {a.lo, a.hi};
}

int activation_depth(const approx::Approximation& a) {
  if (a.kind == approx::Kind::composite_relu) return approx::schedule_counts(approx::compile(a)).depth;
  return ckks::plan_poly(a.stages.at(0).coeffs).depth;
}

bool same_scale(double x, double y) { return std::abs(x - y) <= 1e-12 * std::max(std::abs(x), std::abs(y)); }

/// Whether every channel polynomial of `a` lies on the site polynomial's interval (to 1e-12 of its
/// width), so that writing it on the site's interval changes nothing.
bool channels_on_site_interval(const approx::Approximation& a) {
  if (a.stages.empty()) return false;
  const approx::ChebPoly& site = a.stages[0];
  const double tol = 1e-12 * (site.hi - site.lo);
  return std::all_of(a.channels.begin(), a.channels.end(), [&](const approx::ChebPoly& c) {
    return std::abs(c.lo - site.lo) <= tol && std::abs(c.hi - site.hi) <= tol;
  });
}

/// What a register holds in channel c: scale[c] * x + shift[c], x its true value (program.h).
struct ChannelAffine {
  std::vector<double> scale, shift;

  static ChannelAffine uniform(std::size_t channels, double s) {
    return {std::vector<double>(channels, s), std::vector<double>(channels, 0.0)};
  }
  bool shifted() const {
    return std::any_of(shift.begin(), shift.end(), [](double b) { return b != 0.0; });
  }
  bool uniform_scale() const {
    return std::all_of(scale.begin(), scale.end(), [this](double a) { return same_scale(a, scale.front()); });
  }
  /// Channels [first, first + count).
  ChannelAffine slice(int first, int count) const {
    const auto b = static_cast<std::ptrdiff_t>(first), e = b + count;
    return {{scale.begin() + b, scale.begin() + e}, {shift.begin() + b, shift.begin() + e}};
  }
  ChannelAffine unshifted() const { return {scale, std::vector<double>(scale.size(), 0.0)}; }
};

bool same_scales(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_scale(a[i], b[i])) return false;
  }
  return true;
}

bool same_affine(const ChannelAffine& a, const ChannelAffine& b) {
  if (!same_scales(a.scale, b.scale) || a.shift.size() != b.shift.size()) return false;
  for (std::size_t i = 0; i < a.shift.size(); ++i) {
    if (std::abs(a.shift[i] - b.shift[i]) > 1e-12 * std::max(1.0, std::abs(b.shift[i]))) return false;
  }
  return true;
}

std::string to_string(const ChannelAffine& a) {
  std::string out = "scale " + std::to_string(a.scale.empty() ? 0.0 : a.scale.front());
  if (!a.uniform_scale()) out += " (per channel)";
  if (a.shifted()) out += ", shifted per channel";
  return out;
}

enum class PendingKind { none, subsample, pool };
struct Pending {
  PendingKind kind = PendingKind::none;
  int src = -1;
  int sy = 1, sx = 1;
};

class Compiler {
 public:
  Compiler(const nn::Graph& g, std::span<const approx::Approximation> sites, const ProgramOptions& o)
      : g_(g), sites_(sites), n_(g.values.size()), req_(n_), scale_(n_), level_(n_, -1), at_base_(n_, 0), layout_(n_),
        pending_(n_) {
    p_.model = g.source;
    p_.options = o;
    p_.registers = static_cast<int>(n_);
  }

  Program run() {
    check_inputs();
    required_scales();
    const auto& in = g_.value(g_.input);
    const int c = static_cast<int>(in.shape[1]), h = static_cast<int>(in.shape[2]), w = static_cast<int>(in.shape[3]);
    p_.input_layout = make_layout(c, h, w, 1, p_.options.slots);
    p_.input_register = g_.input;
    const auto v_in = static_cast<std::size_t>(g_.input);
    scale_[v_in] = ChannelAffine::uniform(static_cast<std::size_t>(c), 1.0);
    if (req_[v_in] && !same_affine(*req_[v_in], scale_[v_in])) {
      throw Error(where() + ": input: expected to feed convolutions or additions, got an activation site directly");
    }
    level_[v_in] = p_.options.fresh_level;
    layout_[v_in] = p_.input_layout;
    for (const nn::Node& node : g_.nodes) compile_node(node);
    if (p_.output_register != g_.output) {
      throw Error(where() + ": output: expected the output of a final linear layer (after average pooling), got " +
                  g_.value(g_.output).name);
    }
    std::vector<std::vector<int>> lists;
    for (const auto& cc : p_.convs) lists.push_back(rotation_steps(cc.transform));
    lists.push_back(rotation_steps(p_.head));
    p_.rotation_steps = merge_steps(lists);
    return std::move(p_);
  }

 private:
  std::string where() const { return "compile_program(" + g_.source + ")"; }
  std::string where(const nn::Node& n) const { return where() + ": node " + n.name; }

  void check_inputs() {
    const auto& o = p_.options;
    if (o.slots < 1 || (o.slots & (o.slots - 1)) != 0) {
      throw Error(ola::mismatch("ProgramOptions", "slots", "a power of two", o.slots));
    }
    if (o.fresh_level < 1 || o.boot_level < 1) {
      throw Error(ola::mismatch("ProgramOptions", "fresh_level, boot_level", ">= 1",
                                std::to_string(o.fresh_level) + ", " + std::to_string(o.boot_level)));
    }
    if (sites_.size() != g_.sites.size()) {
      throw Error(ola::mismatch(where(), "sites", std::to_string(g_.sites.size()) + " approximations", sites_.size()));
    }
    if (!o.bootstrap_before.empty() && o.bootstrap_before.size() != g_.sites.size()) {
      throw Error(ola::mismatch(where(), "bootstrap_before", std::to_string(g_.sites.size()) + " flags",
                                o.bootstrap_before.size()));
    }
    for (std::size_t i = 0; i < sites_.size(); ++i) {
      // Channels all on the site's interval (ola --channel-min-width 1) need no per-channel map: the
      // site's own map serves them, and a residual addend is not scaled per channel (a level).
      own_basis_.push_back(sites_[i].has_channel_polys() && !channels_on_site_interval(sites_[i]) &&
                           nn::channel_affine_foldable(g_, static_cast<int>(i)));
    }
    for (std::size_t i = 0; i < sites_.size(); ++i) {
      const auto& a = sites_[i];
      if (a.kind == approx::Kind::exact || a.stages.empty()) {
        throw Error(ola::mismatch(where() + ": site " + g_.sites[i].short_name, "approximation",
                                  "a polynomial", approx::to_string(a.kind)));
      }
      if (a.has_channel_polys() &&
          (a.kind != approx::Kind::wls || a.degree() < 2 || a.degree() > approx::kMaxPerChannelDegree)) {
        throw Error(ola::mismatch(where() + ": site " + g_.sites[i].short_name, "per-channel approximation",
                                  "wls of degree 2.." + std::to_string(approx::kMaxPerChannelDegree) +
                                      " (per-slot coefficients, depth 2-5)",
                                  a.label()));
      }
      const approx::ChannelBasis basis = own_basis_[i] ? approx::ChannelBasis::own_interval
                                                       : approx::ChannelBasis::site_interval;
      if (const double gain = approx::per_channel_error_gain(a, basis); gain > approx::kMaxPerChannelErrorGain) {
        throw Error(ola::mismatch(where() + ": site " + g_.sites[i].short_name,
                                  std::string("per-channel error gain (sum k^2 |c_k| on the ") +
                                      (own_basis_[i] ? "channel's" : "site's") + " interval, approx/approximation.h)",
                                  "<= " + std::to_string(static_cast<int>(approx::kMaxPerChannelErrorGain)) +
                                      " (a channel's interval too narrow for the site's: CKKS precision would be lost)",
                                  gain));
      }
      const auto [lo, hi] = poly_interval(a);
      if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi)) {
        throw Error(ola::mismatch(where() + ": site " + g_.sites[i].short_name, "interval", "finite lo < hi",
                                  std::to_string(lo) + ".." + std::to_string(hi)));
      }
    }
    const auto& in = g_.value(g_.input);
    if (in.shape.size() != 4) {
      throw Error(ola::mismatch(where() + ": input", "shape", "[N,C,H,W]", nn::to_string(in.shape, true)));
    }
  }

  void require(int v, const ChannelAffine& s, const std::string& by) {
    auto& r = req_[static_cast<std::size_t>(v)];
    if (r && !same_affine(*r, s)) {
      throw Error(ola::mismatch(where() + ": value " + g_.value(v).name + " (needed by " + by + ")", "scale",
                                to_string(*r), to_string(s)));
    }
    r = s;
  }

  std::size_t channels(int v) const {
    const auto& shape = g_.value(v).shape;
    return shape.size() >= 2 ? static_cast<std::size_t>(shape[1]) : 1;
  }

  /// Value v is written by a node the compiler runs as a convolution (conv, or pad: the option-A
  /// shortcut), which takes any per-channel output scale and shift in its weights and bias.
  bool conv_output(const std::vector<int>& producers, int v) const {
    const int p = producers[static_cast<std::size_t>(v)];
    if (p < 0) return false;
    const nn::OpKind op = g_.nodes[static_cast<std::size_t>(p)].op;
    return op == nn::OpKind::conv || op == nn::OpKind::pad;
  }

  /// What activation site `site`'s input register must hold: a x on the site's interval (b is
  /// added before the polynomial); with own_basis_, t_c = a_c x + b_c on each channel's interval.
  ChannelAffine site_input_affine(int site, std::size_t c) const {
    const approx::Approximation& a = sites_[static_cast<std::size_t>(site)];
    if (!own_basis_[static_cast<std::size_t>(site)]) {
      const auto [lo, hi] = poly_interval(a);
      return ChannelAffine::uniform(c, 2.0 / (hi - lo));
    }
    if (a.channels.size() != c) {
      throw Error(ola::mismatch(where() + ": site " + g_.sites[static_cast<std::size_t>(site)].short_name,
                                "per-channel polynomials", c, a.channels.size()));
    }
    ChannelAffine out;
    for (const approx::ChebPoly& p : a.channels) {
      out.scale.push_back(2.0 / (p.hi - p.lo));
      out.shift.push_back(-(p.lo + p.hi) / (p.hi - p.lo));
    }
    return out;
  }

  /// Backward pass: the factor each value must carry for the activation or add that reads it. An
  /// add asked for per-channel scales or shifts passes them to its inputs written by convolutions
  /// (the shift to the first only); another input keeps its own scale, and compile_add multiplies
  /// it by the per-channel ratio.
  void required_scales() {
    const std::vector<int> producers = nn::producers(g_);
    const std::vector<std::vector<int>> consumers = nn::consumers(g_);
    for (auto it = g_.nodes.rbegin(); it != g_.nodes.rend(); ++it) {
      const nn::Node& n = *it;
      if (n.op == nn::OpKind::activation) {
        const int site = std::get<nn::ActivationAttrs>(n.attrs).site;
        require(n.inputs.at(0), site_input_affine(site, channels(n.inputs.at(0))), n.name);
      } else if (n.op == nn::OpKind::add) {
        auto& r = req_[static_cast<std::size_t>(n.output)];
        if (!r) r = ChannelAffine::uniform(channels(n.output), 1.0);
        const ChannelAffine want = *r;
        if (want.uniform_scale() && !want.shifted()) {
          for (int v : n.inputs) require(v, want, n.name);
          continue;
        }
        // The shift goes to a convolution read by this add alone (no other reader sees it).
        int shifted = -1;
        for (int v : n.inputs) {
          if (shifted < 0 && conv_output(producers, v) && consumers[static_cast<std::size_t>(v)].size() == 1) shifted = v;
        }
        OLA_CHECK(shifted >= 0 || !want.shifted(), "per-channel shift without a convolution before " << n.name);
        for (int v : n.inputs) {
          if (conv_output(producers, v)) require(v, v == shifted ? want : want.unshifted(), n.name);
        }
      }
    }
  }

  int reg(const nn::Node& n, int v) const {
    if (parts_.count(v) != 0) {
      throw Error(ola::mismatch(where(n), "input " + g_.value(v).name,
                                "one ciphertext (a feature map split over " + std::to_string(parts_.at(v).size()) +
                                    " is read only by activations and convolutions)",
                                "a split feature map"));
    }
    if (g_.value(v).is_constant || pending_[static_cast<std::size_t>(v)].kind != PendingKind::none ||
        level_[static_cast<std::size_t>(v)] < 0) {
      throw Error(ola::mismatch(where(n), "input " + g_.value(v).name, "an encrypted feature map",
                                g_.value(v).is_constant ? "a constant" : "a pending slice/pool"));
    }
    return v;
  }

  /// Slot count of a bootstrap of register v: its layout's period (the slots repeat with it) with
  /// stage_bootstraps, else the program's slot count.
  int boot_slots(int v) const {
    return p_.options.stage_bootstraps ? layout_[static_cast<std::size_t>(v)].period() : p_.options.slots;
  }

  /// Bootstraps register v in place if it has fewer than `need` levels (or if forced).
  void ensure(int v, int need, const std::string& why, bool force = false) {
    auto& l = level_[static_cast<std::size_t>(v)];
    if (l >= need && !force) return;
    if (!p_.options.allow_bootstrap) {
      throw Error(ola::mismatch(why, "levels", ">= " + std::to_string(need) + " without bootstrapping", l));
    }
    if (p_.options.boot_level < need) {
      throw Error(ola::mismatch(why, "levels after a bootstrap", ">= " + std::to_string(need), p_.options.boot_level));
    }
    p_.steps.push_back(
        {ProgramOp::bootstrap, "bootstrap", v, -1, v, -1, l, p_.options.boot_level, boot_slots(v)});
    l = p_.options.boot_level;
    ++p_.bootstraps;
  }

  /// The per-channel affine map value v's register must hold (1 when nothing asks).
  ChannelAffine out_affine(int v) const {
    return req_[static_cast<std::size_t>(v)].value_or(ChannelAffine::uniform(channels(v), 1.0));
  }

  /// The factor an activation's output register holds: its polynomial's coefficients take one
  /// number for all channels.
  double out_scale(int v) const {
    const ChannelAffine a = out_affine(v);
    OLA_CHECK(a.uniform_scale() && !a.shifted(), "per-channel scale asked of activation output " << g_.value(v).name);
    return a.scale.front();
  }

  void emit_conv(const nn::Node& n, ProgramOp op, int in, Conv2d c) {
    const Layout out = emit_conv_to(n, op, in, std::move(c), n.output, out_affine(n.output));
    if (out.channels != g_.value(n.output).shape[1] || out.height != g_.value(n.output).shape[2]) {
      throw Error(ola::mismatch(where(n), "output shape", nn::to_string(g_.value(n.output).shape, true),
                                std::to_string(out.channels) + "x" + std::to_string(out.height)));
    }
  }

  /// Compiles `c` on register `in` into register `out` (one level), which then holds `target`:
  /// output channel o's weights times target.scale[o] / (input channel's scale), its bias times
  /// target.scale[o] plus target.shift[o].
  Layout emit_conv_to(const nn::Node& n, ProgramOp op, int in, Conv2d c, int out, const ChannelAffine& target) {
    const auto ui = static_cast<std::size_t>(in);
    const auto uo = static_cast<std::size_t>(out);
    const ChannelAffine& si = scale_[ui];
    OLA_CHECK(!si.shifted(), "convolution " << n.name << " reads a shifted register");
    OLA_CHECK(si.scale.size() == static_cast<std::size_t>(c.c_in) &&
                  target.scale.size() == static_cast<std::size_t>(c.c_out),
              "channel scales of " << n.name);
    const auto taps = static_cast<std::size_t>(c.kernel * c.kernel);
    for (std::size_t o = 0; o < target.scale.size(); ++o) {
      for (std::size_t i = 0; i < si.scale.size(); ++i) {
        for (std::size_t t = 0; t < taps; ++t) c.weights[(o * si.scale.size() + i) * taps + t] *= target.scale[o] / si.scale[i];
      }
    }
    if (c.bias.empty() && target.shifted()) c.bias.assign(target.scale.size(), 0.0);
    for (std::size_t o = 0; o < c.bias.size(); ++o) c.bias[o] = c.bias[o] * target.scale[o] + target.shift[o];
    CompiledConv cc = compile_conv(layout_[ui], c);
    ensure(in, 1, where(n));
    layout_[uo] = cc.out;
    scale_[uo] = target;
    level_[uo] = level_[ui] - 1;
    at_base_[uo] = 1;  // apply_transform lands on the backend's base scale
    p_.steps.push_back({op, n.name, in, -1, out, static_cast<int>(p_.convs.size()), level_[ui], level_[uo]});
    p_.convs.push_back(std::move(cc));
    return layout_[uo];
  }

  /// A register of its own (not a graph value), e.g. a part of a split feature map.
  int new_register(int level, const Layout& layout, ChannelAffine scale) {
    const int r = p_.registers++;
    req_.emplace_back();
    scale_.push_back(std::move(scale));
    level_.push_back(level);
    at_base_.push_back(0);
    layout_.push_back(layout);
    pending_.emplace_back();
    return r;
  }

  /// The registers holding value v: its parts if it is split, else v itself.
  std::vector<int> registers_of(const nn::Node& n, int v) const {
    const auto it = parts_.find(v);
    return it != parts_.end() ? it->second : std::vector<int>{reg(n, v)};
  }

  /// The fewest output parts (a power of two dividing c.c_out) whose layouts fit in the slots.
  int output_parts(const nn::Node& n, const Layout& in, const Conv2d& c) const {
    for (int k = 1; k <= c.c_out; k *= 2) {
      if (c.c_out % k != 0) break;
      Conv2d part = c;
      part.c_out = c.c_out / k;
      try {
        conv_output_layout(in, part);
        return k;
      } catch (const Error&) {
        // this many parts do not fit yet
      }
    }
    conv_output_layout(in, c);  // throws the layout error of the whole map
    throw Error(ola::mismatch(where(n), "output", "a split into equal parts that fit the slots", c.c_out));
  }

  /// A convolution whose input or output does not fit one ciphertext (MPCNN's packing holds a
  /// map of C x H x W values in one register while its period fits the slots): the output is split
  /// into K channel parts, each the sum over the input's P parts of a partial convolution (bias in
  /// the first); K > 1 makes the output a split value (parts_), read only by activations and
  /// convolutions. The partial sums cost additions, no level (ProgramOp::sum).
  void emit_split_conv(const nn::Node& n, const std::vector<int>& ins, const Conv2d& c) {
    const int p = static_cast<int>(ins.size());
    const Layout& in0 = layout_[static_cast<std::size_t>(ins[0])];
    if (c.c_in % p != 0 || in0.channels * p != c.c_in) {
      throw Error(ola::mismatch(where(n), "input parts", "equal channel parts of " + std::to_string(c.c_in), p));
    }
    const int k_parts = output_parts(n, in0, Conv2d{c.c_out, in0.channels, c.kernel, c.stride, c.pad, {}, {}});
    const int cin = c.c_in / p, cout = c.c_out / k_parts, taps = c.kernel * c.kernel;
    const ChannelAffine want = out_affine(n.output);
    std::vector<int> outs;
    for (int k = 0; k < k_parts; ++k) {
      int acc = -1;
      for (int j = 0; j < p; ++j) {
        Conv2d part{cout, cin, c.kernel, c.stride, c.pad, std::vector<double>(static_cast<std::size_t>(cout) * cin * taps), {}};
        for (int o = 0; o < cout; ++o) {
          for (int i = 0; i < cin; ++i) {
            for (int t = 0; t < taps; ++t) {
              part.weights[static_cast<std::size_t>((o * cin + i) * taps + t)] =
                  c.weights[static_cast<std::size_t>(((k * cout + o) * c.c_in + j * cin + i) * taps + t)];
            }
          }
        }
        if (j == 0 && !c.bias.empty()) {
          part.bias.assign(c.bias.begin() + k * cout, c.bias.begin() + (k + 1) * cout);
        }
        const bool last = j + 1 == p;
        const ChannelAffine part_affine = j == 0 ? want.slice(k * cout, cout) : want.slice(k * cout, cout).unshifted();
        const int target = (k_parts == 1 && last && p == 1) ? n.output : new_register(0, in0, part_affine);
        emit_conv_to(n, ProgramOp::conv, ins[static_cast<std::size_t>(j)], std::move(part), target, part_affine);
        if (acc < 0) {
          acc = target;
          continue;
        }
        const int s = (k_parts == 1 && last) ? n.output : new_register(0, in0, part_affine);
        const auto ua = static_cast<std::size_t>(acc), ut = static_cast<std::size_t>(target), us = static_cast<std::size_t>(s);
        level_[us] = std::min(level_[ua], level_[ut]);
        at_base_[us] = 1;
        layout_[us] = layout_[ua];
        scale_[us] = scale_[ua];  // the shift is in the first partial convolution's bias
        p_.steps.push_back({ProgramOp::sum, n.name, acc, target, s, -1, std::max(level_[ua], level_[ut]), level_[us]});
        acc = s;
      }
      outs.push_back(acc);
    }
    if (k_parts > 1) parts_[n.output] = std::move(outs);
  }

  void compile_conv_node(const nn::Node& n) {
    const auto& a = std::get<nn::ConvAttrs>(n.attrs);
    const auto& ws = a.weight.shape;
    const int c_out = static_cast<int>(ws.at(0));
    const int c_in = static_cast<int>(g_.value(n.inputs.at(0)).shape.at(1));
    if (a.group < 1 || c_in % a.group != 0 || c_out % a.group != 0 || ws.at(1) * a.group != c_in) {
      throw Error(ola::mismatch(where(n), "group", "a divisor of the input and output channels", a.group));
    }
    if (a.stride_h != a.stride_w || (a.stride_h != 1 && a.stride_h != 2)) {
      throw Error(ola::mismatch(where(n), "strides", "1,1 or 2,2",
                                std::to_string(a.stride_h) + "," + std::to_string(a.stride_w)));
    }
    const int k = static_cast<int>(ws.at(2));
    const bool pads_all = [&a](int p) {
      return a.pad_top == p && a.pad_left == p && a.pad_bottom == p && a.pad_right == p;
    }(0);
    // A 2x2 stride-2 convolution without padding (a ConvNeXt patchify / downsampling layer) is the
    // 3x3 stride-2 "same" convolution whose first kernel row and column are zero: tap (a, b) of the
    // 2x2 kernel reads in(2y + a, 2x + b) = tap (a + 1, b + 1) of the 3x3 one with padding 1.
    const bool patchify = k == 2 && ws.at(3) == 2 && a.stride_h == 2 && pads_all;
    if (!patchify) {
      if (ws.at(3) != k || k % 2 == 0) {
        throw Error(ola::mismatch(where(n), "kernel", "square and odd, or 2x2 with stride 2 and no padding",
                                  nn::to_string(ws)));
      }
      const int pad = (k - 1) / 2;
      if (a.pad_top != pad || a.pad_left != pad || a.pad_bottom != pad || a.pad_right != pad) {
        throw Error(ola::mismatch(where(n), "pads", "all " + std::to_string(pad), a.pad_top));
      }
    }
    const int kk = patchify ? 3 : k;  // the kernel compiled
    const int off = patchify ? 1 : 0;
    // Dense [c_out, c_in, kk, kk] weights: a grouped (e.g. depthwise) convolution's taps outside
    // an output channel's group are zero, and compile_conv leaves zero terms out.
    const int in_per_group = c_in / a.group, out_per_group = c_out / a.group;
    std::vector<double> w(static_cast<std::size_t>(c_out) * c_in * kk * kk, 0.0);
    for (int o = 0; o < c_out; ++o) {
      const int first_in = (o / out_per_group) * in_per_group;
      for (int j = 0; j < in_per_group; ++j) {
        for (int y = 0; y < k; ++y) {
          for (int x = 0; x < k; ++x) {
            const auto src = static_cast<std::size_t>(((o * in_per_group + j) * k + y) * k + x);
            const auto dst = static_cast<std::size_t>(((o * c_in + first_in + j) * kk + y + off) * kk + x + off);
            w[dst] = a.weight.data[src];
          }
        }
      }
    }
    Conv2d c{c_out, c_in, kk, a.stride_h, (kk - 1) / 2, std::move(w),
             std::vector<double>(a.bias.data.begin(), a.bias.data.end())};
    const std::vector<int> ins = registers_of(n, n.inputs.at(0));
    if (ins.size() == 1 && output_parts(n, layout_[static_cast<std::size_t>(ins[0])], c) == 1) {
      emit_conv(n, ProgramOp::conv, ins[0], std::move(c));
    } else {
      emit_split_conv(n, ins, c);
    }
  }

  void compile_activation(const nn::Node& n) {
    ProgramActivation pa = site_activation(n);
    const bool forced = bootstrap_forced(pa.site);
    if (parts_.count(n.inputs.at(0)) != 0) return compile_split_input_activation(n, std::move(pa), forced);
    const int in = reg(n, n.inputs.at(0));
    const auto ui = static_cast<std::size_t>(in);
    const auto uo = static_cast<std::size_t>(n.output);
    OLA_CHECK(same_affine(scale_[ui], *req_[static_cast<std::size_t>(n.inputs.at(0))]),
              "activation " << n.name << " input: " << to_string(scale_[ui]));
    if (pa.approximation.kind == approx::Kind::composite_relu && pa.depth > p_.options.boot_level &&
        p_.options.allow_bootstrap) {
      return compile_split_activation(n, std::move(pa), in, forced);
    }
    ensure(in, pa.depth, where(n), forced);
    pa.layout = layout_[ui];
    layout_[uo] = layout_[ui];
    scale_[uo] = ChannelAffine::uniform(channels(n.output), pa.out_factor);
    level_[uo] = level_[ui] - pa.depth;
    p_.steps.push_back({ProgramOp::activation, n.name, in, -1, n.output, static_cast<int>(p_.activations.size()),
                        level_[ui], level_[uo]});
    p_.activations.push_back(std::move(pa));
  }

  /// Activation node n's site polynomial and the affine map into its interval (program.h).
  ProgramActivation site_activation(const nn::Node& n) const {
    ProgramActivation pa;
    pa.site = std::get<nn::ActivationAttrs>(n.attrs).site;
    pa.approximation = sites_[static_cast<std::size_t>(pa.site)];
    pa.channel_basis = own_basis_[static_cast<std::size_t>(pa.site)];
    const auto [lo, hi] = poly_interval(pa.approximation);
    pa.t_scale = pa.channel_basis ? 1.0 : 2.0 / (hi - lo);
    pa.t_shift = pa.channel_basis ? 0.0 : -(lo + hi) / (hi - lo);
    pa.out_factor = out_scale(n.output);
    pa.depth = activation_depth(pa.approximation);
    const auto& shape = g_.value(n.inputs.at(0)).shape;
    const std::size_t channels = shape.size() >= 2 ? static_cast<std::size_t>(shape[1]) : 0;
    if (pa.approximation.has_channel_polys() && pa.approximation.channels.size() != channels) {
      throw Error(ola::mismatch(where(n), "per-channel polynomials", channels, pa.approximation.channels.size()));
    }
    return pa;
  }

  bool bootstrap_forced(int site) const {
    const auto& force = p_.options.bootstrap_before;
    return !force.empty() && force[static_cast<std::size_t>(site)];
  }

  /// The site's polynomial on each part of a split feature map (each part bootstrapped as needed).
  void compile_split_input_activation(const nn::Node& n, ProgramActivation pa, bool forced) {
    const std::vector<int> ins = parts_.at(n.inputs.at(0));
    if (pa.depth > p_.options.boot_level) {
      throw Error(ola::mismatch(where(n), "activation depth on a split feature map",
                                "<= " + std::to_string(p_.options.boot_level) + " (no split composite)", pa.depth));
    }
    std::vector<int> outs;
    const ChannelAffine& want = *req_[static_cast<std::size_t>(n.inputs.at(0))];
    for (int in : ins) {
      const auto ui = static_cast<std::size_t>(in);
      OLA_CHECK(same_affine(scale_[ui], want.slice(pa.first_channel, layout_[ui].channels)),
                "activation " << n.name << " input part: " << to_string(scale_[ui]));
      ensure(in, pa.depth, where(n), forced);
      const int out = new_register(level_[ui] - pa.depth, layout_[ui],
                                   ChannelAffine::uniform(static_cast<std::size_t>(layout_[ui].channels), pa.out_factor));
      p_.steps.push_back({ProgramOp::activation, n.name, in, -1, out, static_cast<int>(p_.activations.size()),
                          level_[ui], level_[static_cast<std::size_t>(out)]});
      pa.layout = layout_[ui];
      p_.activations.push_back(pa);
      pa.first_channel += pa.layout.channels;
      outs.push_back(out);
    }
    parts_[n.output] = std::move(outs);
  }

  /// A composite ReLU deeper than boot_level: leading sign stages, a bootstrap of their output
  /// (in a register of its own), then an activation_tail step (program.h).
  void compile_split_activation(const nn::Node& n, ProgramActivation pa, int in, bool forced) {
    const auto ui = static_cast<std::size_t>(in);
    const auto uo = static_cast<std::size_t>(n.output);
    const auto& stages = pa.approximation.stages;
    int head = 0;
    int k = 0;
    while (k + 1 < static_cast<int>(stages.size())) {
      const int d = ckks::plan_poly(stages[static_cast<std::size_t>(k)].coeffs).depth;
      if (head + d > p_.options.boot_level) break;
      head += d;
      ++k;
    }
    const int tail = pa.depth - head;
    if (k == 0 || tail > p_.options.boot_level) {
      throw Error(ola::mismatch(where(n), "composite ReLU depth",
                                "<= 2 x " + std::to_string(p_.options.boot_level) + " (split at a stage boundary)",
                                pa.depth));
    }
    ensure(in, head, where(n), forced);
    // The final product spends one of t's levels above h's (ckks_activation.h).
    const int t_need = p_.options.boot_level - tail + 2;
    if (level_[ui] < t_need) ensure(in, std::max(head, t_need), where(n), true);
    pa.split = k;
    pa.head_depth = head;
    const int s = new_register(level_[ui] - head, layout_[ui], ChannelAffine::uniform(channels(n.output), 1.0));
    const auto us = static_cast<std::size_t>(s);
    const int index = static_cast<int>(p_.activations.size());
    p_.steps.push_back({ProgramOp::activation, n.name, in, -1, s, index, level_[ui], level_[us]});
    pa.layout = layout_[ui];
    p_.steps.push_back(
        {ProgramOp::bootstrap, "bootstrap", s, -1, s, -1, level_[us], p_.options.boot_level, boot_slots(s)});
    ++p_.bootstraps;
    level_[us] = p_.options.boot_level;
    layout_[uo] = layout_[ui];
    scale_[uo] = ChannelAffine::uniform(channels(n.output), pa.out_factor);
    level_[uo] = p_.options.boot_level - tail;
    p_.steps.push_back({ProgramOp::activation_tail, n.name, s, in, n.output, index, level_[us], level_[uo]});
    p_.activations.push_back(std::move(pa));
  }

  /// Register `in` times a per-channel factor, so that it holds `scale` (one level: a 1x1
  /// diagonal convolution, i.e. one plaintext product) into a register of its own.
  int emit_channel_scale(const nn::Node& n, int in, const std::vector<double>& scale) {
    const auto ui = static_cast<std::size_t>(in);
    const int c = layout_[ui].channels;
    Conv2d diagonal{c, c, 1, 1, 0, std::vector<double>(static_cast<std::size_t>(c) * static_cast<std::size_t>(c), 0.0), {}};
    for (int i = 0; i < c; ++i) diagonal.weights[static_cast<std::size_t>(i * c + i)] = 1.0;
    const ChannelAffine target{scale, std::vector<double>(scale.size(), 0.0)};
    const int out = new_register(0, layout_[ui], target);
    emit_conv_to(n, ProgramOp::conv, in, std::move(diagonal), out, target);
    return out;
  }

  void compile_add(const nn::Node& n) {
    int a = reg(n, n.inputs.at(0));
    int b = reg(n, n.inputs.at(1));
    if (!(layout_[static_cast<std::size_t>(a)] == layout_[static_cast<std::size_t>(b)])) {
      throw Error(ola::mismatch(where(n), "layouts of the two inputs", "equal", "different packings"));
    }
    // An input that does not hold the per-channel scales the output must have (an activation's
    // output before a site evaluated per channel, required_scales) is multiplied by the ratio.
    const ChannelAffine want = out_affine(n.output);
    for (int* x : {&a, &b}) {
      const ChannelAffine& have = scale_[static_cast<std::size_t>(*x)];
      if (same_scales(have.scale, want.scale)) continue;
      OLA_CHECK(!have.shifted(), "add " << n.name << ": shifted input of other scales");
      *x = emit_channel_scale(n, *x, want.scale);
    }
    const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
    OLA_CHECK(same_scales(scale_[ua].scale, scale_[ub].scale), "add " << n.name << " scales differ");
    // Equal levels cost one level for scale alignment unless both inputs are at the base scale
    // (linear layers' outputs, e.g. a convolution and an add's channel-scale step): run_program
    // adds those as they are (program.h).
    const bool both_base = at_base_[ua] && at_base_[ub];
    if (level_[ua] == 0 && level_[ub] == 0 && !both_base) ensure(a, 1, where(n), true);
    const int la = level_[ua], lb = level_[ub];
    const auto uo = static_cast<std::size_t>(n.output);
    level_[uo] = la == lb && !both_base ? la - 1 : std::min(la, lb);
    // The output has the lower input's scale (equal levels: b's, a is matched to it).
    at_base_[uo] = la < lb ? at_base_[ua] : at_base_[ub];
    layout_[uo] = layout_[ua];
    scale_[uo] = scale_[ua];
    for (std::size_t c = 0; c < scale_[uo].shift.size(); ++c) scale_[uo].shift[c] += scale_[ub].shift[c];
    OLA_CHECK(same_affine(scale_[uo], want), "add " << n.name << " output: " << to_string(scale_[uo]));
    p_.steps.push_back({ProgramOp::add, n.name, a, b, n.output, -1, std::max(la, lb), level_[uo]});
  }

  void compile_slice(const nn::Node& n) {
    const auto& s = std::get<nn::SliceAttrs>(n.attrs);
    const int v = n.inputs.at(0);
    Pending p = pending_[static_cast<std::size_t>(v)];
    if (p.kind == PendingKind::none) p = {PendingKind::subsample, reg(n, v), 1, 1};
    if (p.kind != PendingKind::subsample || s.starts.size() != 4) {
      throw Error(ola::mismatch(where(n), "slice", "a spatial subsampling of a 4-D feature map", "another slice"));
    }
    const auto& shape = g_.value(v).shape;
    for (std::size_t ax = 1; ax < 4; ++ax) {
      const bool identity = s.starts[ax] == 0 && s.steps[ax] == 1 && s.sizes[ax] == shape[ax];
      const bool half = ax >= 2 && s.starts[ax] == 0 && s.steps[ax] == 2 && s.sizes[ax] == (shape[ax] + 1) / 2;
      if (!identity && !half) {
        throw Error(ola::mismatch(where(n), "slice axis " + std::to_string(ax), "all or ::2 of a spatial axis",
                                  "start " + std::to_string(s.starts[ax]) + " step " + std::to_string(s.steps[ax])));
      }
      if (half) (ax == 2 ? p.sy : p.sx) *= 2;
    }
    pending_[static_cast<std::size_t>(n.output)] = p;
  }

  void compile_pad(const nn::Node& n) {
    const auto& a = std::get<nn::PadAttrs>(n.attrs);
    const Pending p = pending_[static_cast<std::size_t>(n.inputs.at(0))];
    if (p.kind != PendingKind::subsample || p.sy != 2 || p.sx != 2) {
      throw Error(ola::mismatch(where(n), "input", "x[:, :, ::2, ::2] (option-A shortcut)", "another value"));
    }
    if (a.value != 0.0f || a.begin.size() != 4 || a.begin[2] != 0 || a.begin[3] != 0 || a.end[2] != 0 || a.end[3] != 0) {
      throw Error(ola::mismatch(where(n), "pad", "zero padding of the channel axis only", "other padding"));
    }
    const int c_in = layout_[static_cast<std::size_t>(p.src)].channels;
    const int c_out = static_cast<int>(g_.value(n.output).shape[1]);
    emit_conv(n, ProgramOp::shortcut, p.src, option_a_shortcut(c_in, c_out, static_cast<int>(a.begin[1])));
  }

  void compile_linear(const nn::Node& n) {
    const auto& a = std::get<nn::LinearAttrs>(n.attrs);
    const Pending p = pending_[static_cast<std::size_t>(n.inputs.at(0))];
    if (p.kind != PendingKind::pool) {
      throw Error(ola::mismatch(where(n), "input", "global average pooling of a feature map", "another value"));
    }
    const auto us = static_cast<std::size_t>(p.src);
    Dense d{static_cast<int>(a.weight.shape.at(0)), static_cast<int>(a.weight.shape.at(1)),
            std::vector<double>(a.weight.data.begin(), a.weight.data.end()),
            std::vector<double>(a.bias.data.begin(), a.bias.data.end())};
    const ChannelAffine& si = scale_[us];
    OLA_CHECK(!si.shifted() && si.scale.size() == static_cast<std::size_t>(d.in_features), "pooled scales of " << n.name);
    for (std::size_t o = 0; o < static_cast<std::size_t>(d.out_features); ++o) {
      for (std::size_t i = 0; i < si.scale.size(); ++i) d.weights[o * si.scale.size() + i] /= si.scale[i];
    }
    p_.head = compile_pool_fc(layout_[us], d);
    p_.classes = d.out_features;
    ensure(p.src, 1, where(n));
    const auto uo = static_cast<std::size_t>(n.output);
    level_[uo] = level_[us] - 1;
    scale_[uo] = ChannelAffine::uniform(static_cast<std::size_t>(d.out_features), 1.0);
    p_.steps.push_back({ProgramOp::pool_fc, n.name, p.src, -1, n.output, -1, level_[us], level_[uo]});
    p_.output_register = n.output;
  }

  void compile_node(const nn::Node& n) {
    if (p_.output_register >= 0) {
      throw Error(ola::mismatch(where(n), "position", "nothing after the final linear layer", nn::to_string(n.op)));
    }
    switch (n.op) {
      case nn::OpKind::conv: return compile_conv_node(n);
      case nn::OpKind::activation: return compile_activation(n);
      case nn::OpKind::add: return compile_add(n);
      case nn::OpKind::slice: return compile_slice(n);
      case nn::OpKind::pad: return compile_pad(n);
      case nn::OpKind::global_average_pool:
        pending_[static_cast<std::size_t>(n.output)] = {PendingKind::pool, reg(n, n.inputs.at(0)), 1, 1};
        return;
      case nn::OpKind::reshape: {
        const Pending p = pending_[static_cast<std::size_t>(n.inputs.at(0))];
        if (p.kind != PendingKind::pool) {
          throw Error(ola::mismatch(where(n), "input", "the output of global average pooling", "another value"));
        }
        pending_[static_cast<std::size_t>(n.output)] = p;
        return;
      }
      case nn::OpKind::linear: return compile_linear(n);
      default:
        throw Error(ola::mismatch(where(n), "op",
                                  "conv, activation, add, slice, pad, global_average_pool, reshape or linear",
                                  nn::to_string(n.op)));
    }
  }

  const nn::Graph& g_;
  std::span<const approx::Approximation> sites_;
  std::size_t n_;
  std::vector<std::optional<ChannelAffine>> req_;
  std::vector<ChannelAffine> scale_;
  /// Per site: per-channel polynomials each on its own channel's interval (nn::channel_affine_foldable).
  std::vector<bool> own_basis_;
  std::vector<int> level_;
  /// Per register: 1 if its CKKS scale is exactly the backend's base scale (a linear layer's output,
  /// kept through bootstraps, level drops and adds of such registers).
  std::vector<char> at_base_;
  std::vector<Layout> layout_;
  std::vector<Pending> pending_;
  std::map<int, std::vector<int>> parts_;  ///< split value -> its part registers (channel order)
  Program p_;
};

}  // namespace

Program compile_program(const nn::Graph& g, std::span<const approx::Approximation> sites,
                        const ProgramOptions& options) {
  const nn::Graph lowered = lower_for_he(g);
  return Compiler(lowered, sites, options).run();
}

Program compile_program(const nn::Graph& g, const opt::Plan& plan, ProgramOptions options) {
  if (plan.sites.size() != g.sites.size()) {
    throw Error(ola::mismatch("compile_program(" + plan.model + ")", "plan sites", g.sites.size(), plan.sites.size()));
  }
  std::vector<approx::Approximation> sites;
  options.bootstrap_before.assign(plan.sites.size(), false);
  for (std::size_t i = 0; i < plan.sites.size(); ++i) {
    sites.push_back(plan.sites[i].approximation);
    options.bootstrap_before[i] = plan.sites[i].bootstrap_before;
  }
  return compile_program(g, sites, options);
}

}  // namespace ola::he
