#include "he/pool_fc.h"

#include <set>
#include <string>

namespace ola::he {
namespace {

bool is_pow2(long v) { return v > 0 && (v & (v - 1)) == 0; }

}  // namespace

void validate_dense(const Dense& d) {
  if (d.out_features < 1 || d.in_features < 1) {
    throw Error(ola::mismatch("Dense", "out_features, in_features", ">= 1",
                         std::to_string(d.out_features) + ", " + std::to_string(d.in_features)));
  }
  const std::size_t nw = static_cast<std::size_t>(d.out_features) * d.in_features;
  if (d.weights.size() != nw) throw Error(ola::mismatch("Dense", "weights.size()", nw, d.weights.size()));
  if (!d.bias.empty() && d.bias.size() != static_cast<std::size_t>(d.out_features)) {
    throw Error(ola::mismatch("Dense", "bias.size()", "0 or " + std::to_string(d.out_features), d.bias.size()));
  }
}

CompiledPoolFc compile_pool_fc(const Layout& in, const Dense& fc) {
  validate_dense(fc);
  if (fc.in_features != in.channels) {
    throw Error(ola::mismatch("compile_pool_fc", "in_features", in.channels, fc.in_features));
  }
  if (!is_pow2(in.height) || !is_pow2(in.width)) {
    throw Error(ola::mismatch("compile_pool_fc", "H x W", "powers of two",
                         std::to_string(in.height) + "x" + std::to_string(in.width)));
  }
  if (fc.out_features > in.height * in.width) {
    throw Error(ola::mismatch("compile_pool_fc", "out_features", "<= H * W = " + std::to_string(in.height * in.width),
                         fc.out_features));
  }
  CompiledPoolFc p;
  p.in = in;
  p.classes = fc.out_features;
  const int k = in.gap;
  const int row = in.row_stride();
  for (int s = 1; s < in.width; s *= 2) p.pool_steps.push_back(k * s);
  for (int s = 1; s < in.height; s *= 2) p.pool_steps.push_back(row * k * s);
  const std::size_t n = static_cast<std::size_t>(in.slots);
  const double inv_area = 1.0 / (static_cast<double>(in.height) * in.width);
  for (int j = 0; j < p.classes; ++j) {
    const int delta = slot_of(in, 0, j / in.width, j % in.width);
    p.logit_slots.push_back(delta);
    p.place_steps.push_back(-delta);
    std::vector<double> mask(n, 0.0);
    for (int c = 0; c < in.channels; ++c) {
      mask[static_cast<std::size_t>(slot_of(in, c, 0, 0) + delta)] =
          fc.weights[static_cast<std::size_t>(j) * fc.in_features + c] * inv_area;
    }
    p.masks.push_back(std::move(mask));
  }
  for (int s = 1; s < k; s *= 2) p.sum_steps.push_back(s);
  for (int s = 1; s < k; s *= 2) p.sum_steps.push_back(row * s);
  for (int s = 1; s < in.padded_blocks(); s *= 2) p.sum_steps.push_back(in.block_size() * s);
  if (!fc.bias.empty()) {
    p.bias_slots.assign(n, 0.0);
    for (int j = 0; j < p.classes; ++j) {
      p.bias_slots[static_cast<std::size_t>(p.logit_slots[static_cast<std::size_t>(j)])] =
          fc.bias[static_cast<std::size_t>(j)];
    }
  }
  return p;
}

std::vector<int> rotation_steps(const CompiledPoolFc& p) {
  std::set<int> steps;
  const int n = p.in.slots;
  for (const auto* list : {&p.pool_steps, &p.place_steps, &p.sum_steps}) {
    for (int s : *list) {
      const int m = ((s % n) + n) % n;
      if (m != 0) steps.insert(m);
    }
  }
  return {steps.begin(), steps.end()};
}

std::vector<double> unpack_logits(const CompiledPoolFc& p, std::span<const double> slots) {
  if (slots.size() != static_cast<std::size_t>(p.in.slots)) {
    throw Error(ola::mismatch("unpack_logits", "slots.size()", p.in.slots, slots.size()));
  }
  std::vector<double> logits;
  for (int s : p.logit_slots) logits.push_back(slots[static_cast<std::size_t>(s)]);
  return logits;
}

}  // namespace ola::he
