#include "he/linear_cost.h"

#include <algorithm>
#include <string>

#include "he/conv.h"
#include "he/pool_fc.h"
#include "he/shortcut.h"
#include "he/slot_transform.h"
#include "util/error.h"

namespace ola::he {
namespace {

long nonzero(const std::vector<int>& v) {
  long c = 0;
  for (int s : v) c += s != 0 ? 1 : 0;
  return c;
}

/// Diagonals repeat with the transform's mask period (he/slot_transform.h), and the bias with the
/// output's (no longer): the encoder's subring factor (LinearOps::encode_repeats).
int encode_repeats(int slots, int mask_period) {
  return mask_period > 0 && slots % mask_period == 0 ? slots / mask_period : 1;
}

LinearCost split_cost(const BsgsSplit& sp, long diagonals, long replicate, int repeats) {
  LinearCost c;
  c.encode_repeats = repeats;
  c.hoisted_rotations = nonzero(sp.baby_steps);
  c.hoist_batches = c.hoisted_rotations > 0 ? 1 : 0;
  c.rotations = replicate;
  c.lazy_rotations = nonzero(sp.giant_steps);  // one rotation sum over the giant steps (apply_transform)
  c.rotation_sums = c.lazy_rotations > 0 ? 1 : 0;
  c.mul_sum_terms = diagonals;  // one fused sum per giant step
  c.encodes = diagonals;
  const long giants = static_cast<long>(sp.giant_steps.size());
  c.additions = (giants - 1) + replicate;
  c.rescales = 1;
  c.depth = 1;
  return c;
}

/// As compile_transform would build it: mask period max(in_period, out_period) (slot_transform.h).
LinearCost transform_cost(std::span<const int> shifts, int in_period, int out_period, int slots, double baby_cost) {
  const BsgsSplit sp = split_shifts(shifts, in_period, baby_cost, out_period <= in_period);
  long replicate = 0;
  for (int s = out_period; s < in_period; s *= 2) ++replicate;
  return split_cost(sp, static_cast<long>(shifts.size()), replicate,
                    encode_repeats(slots, std::max(in_period, out_period)));
}

}  // namespace

LinearCost transform_cost(const SlotTransform& t) {
  return split_cost(t.split, static_cast<long>(t.shifts.size()), static_cast<long>(t.replicate_steps.size()),
                    encode_repeats(t.slots, t.mask_period));
}

LinearCost cost_from_stats(const OpStats& s, int depth) {
  return {s.rotations, s.hoisted_rotations, s.hoist_batches, s.plain_mults, s.mul_sum_terms, s.encodes, 1,
          s.additions, s.rescales, depth, s.lazy_rotations, s.rotation_sums};
}

LinearCost conv_cost(const ConvShape& s, double baby_cost) {
  const Layout in = make_layout(s.c_in, s.height, s.width, s.gap, s.slots);
  Conv2d shape{s.c_out, s.c_in, s.kernel, s.stride, (s.kernel - 1) / 2, {}, {}};
  shape.weights.assign(static_cast<std::size_t>(s.c_out) * s.c_in * s.kernel * s.kernel, 1.0);
  validate_conv(shape);
  if (s.depthwise && s.c_in != s.c_out) {
    throw Error(ola::mismatch("conv_cost", "depthwise c_out", s.c_in, s.c_out));
  }
  const Layout out = conv_output_layout(in, shape);
  const bool dw = s.depthwise;
  const auto shifts = conv_shifts(in, s.c_out, s.kernel, s.stride, shape.pad,
                                  [dw](int co, int ci) { return !dw || co == ci; });
  LinearCost c = transform_cost(shifts, in.period(), out.period(), s.slots, baby_cost);
  if (s.bias) {
    c.additions += 1;
    c.encodes += 1;
  }
  return c;
}

LinearCost mpcnn_conv_cost(const ConvShape& s) {
  const Layout in = make_layout(s.c_in, s.height, s.width, s.gap, s.slots);
  Conv2d shape{s.c_out, s.c_in, s.kernel, s.stride, (s.kernel - 1) / 2, {}, {}};
  shape.weights.assign(static_cast<std::size_t>(s.c_out) * s.c_in * s.kernel * s.kernel, 1.0);
  validate_conv(shape);
  const Layout out = conv_output_layout(in, shape);
  auto log2i = [](int v) {
    int l = 0;
    while ((1 << l) < v) ++l;
    return l;
  };
  const long taps = static_cast<long>(s.kernel) * s.kernel;
  const long q = (s.c_out + in.copies() - 1) / in.copies();
  const long sum_rot = 2L * log2i(in.gap) + log2i(in.padded_blocks());
  LinearCost c;
  c.rotations = (taps - 1) + q * sum_rot + (s.c_out - 1) + (out.copies() - 1);
  c.plain_mults = q * taps + s.c_out;
  c.encodes = c.plain_mults + (s.bias ? 1 : 0);
  c.additions = q * (taps - 1) + q * sum_rot + (s.c_out - 1) + (out.copies() - 1) + (s.bias ? 1 : 0);
  c.rescales = q + 1;
  c.depth = 2;
  return c;
}

LinearCost shortcut_cost(const Layout& in, int c_out, int pad_before) {
  const Conv2d sc = option_a_shortcut(in.channels, c_out, pad_before);
  const Layout out = conv_output_layout(in, sc);
  const auto shifts = conv_shifts(in, c_out, 1, 2, 0, [&](int co, int ci) { return co == ci + pad_before; });
  return transform_cost(shifts, in.period(), out.period(), in.slots, 0.5);
}

LinearCost pool_fc_cost(const Layout& in, int classes) {
  Dense fc{classes, in.channels, {}, {}};
  fc.weights.assign(static_cast<std::size_t>(classes) * in.channels, 1.0);
  fc.bias.assign(static_cast<std::size_t>(classes), 0.0);
  const CompiledPoolFc p = compile_pool_fc(in, fc);
  LinearCost c;
  c.rotations = static_cast<long>(p.pool_steps.size() + p.sum_steps.size());
  c.hoisted_rotations = classes - 1;
  c.hoist_batches = classes > 1 ? 1 : 0;
  c.plain_mults = classes;
  c.encodes = classes + 1;
  c.additions = static_cast<long>(p.pool_steps.size()) + (classes - 1) +
                static_cast<long>(p.sum_steps.size()) + 1;
  c.rescales = 1;
  c.depth = 1;
  return c;
}

std::vector<NamedLinearCost> resnet_cifar_linear_costs(int blocks_per_stage, int slots) {
  if (blocks_per_stage < 1) {
    throw Error(ola::mismatch("resnet_cifar_linear_costs", "blocks_per_stage", ">= 1", blocks_per_stage));
  }
  std::vector<NamedLinearCost> out;
  Layout in = make_layout(3, 32, 32, 1, slots);
  auto conv_at = [&](const std::string& name, const Layout& l, int c_out, int stride) {
    out.push_back({name, l, conv_cost({l.channels, c_out, l.height, l.width, 3, stride, l.gap, slots, true})});
    Conv2d shape{c_out, l.channels, 3, stride, 1, {}, {}};
    return conv_output_layout(l, shape);
  };
  in = conv_at("conv0", in, 16, 1);
  const int widths[3] = {16, 32, 64};
  for (int stage = 0; stage < 3; ++stage) {
    for (int b = 0; b < blocks_per_stage; ++b) {
      const std::string prefix = "stage" + std::to_string(stage + 1) + ".block" + std::to_string(b);
      const int stride = (stage > 0 && b == 0) ? 2 : 1;
      const Layout block_in = in;
      const Layout mid = conv_at(prefix + ".conv1", block_in, widths[stage], stride);
      in = conv_at(prefix + ".conv2", mid, widths[stage], 1);
      if (stride == 2) {
        out.push_back({prefix + ".shortcut", block_in,
                       shortcut_cost(block_in, widths[stage], (widths[stage] - block_in.channels) / 2)});
      }
    }
  }
  out.push_back({"pool_fc", in, pool_fc_cost(in, 10)});
  return out;
}

}  // namespace ola::he
