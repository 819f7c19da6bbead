#include "ola/time_model.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "ola/dp.h"
#include "ola/plan_error.h"

namespace ola::opt {

namespace {

int ceil_log2(std::int64_t v) {
  int l = 0;
  while ((std::int64_t{1} << l) < v) ++l;
  return l;
}

// One level of a BSGS diagonal transform with `radix` (2*radix - 1 diagonals) on one ciphertext.
double bsgs_level_ms(const LevelCost& c, int radix) {
  const int diagonals = 2 * radix - 1;
  const int rotations = static_cast<int>(std::ceil(2.0 * std::sqrt(2.0 * radix)));
  const int hoisted = rotations / 2;
  return diagonals * (c.mul_plain_ms + c.add_ms) + hoisted * c.hoisted_rotate_ms + c.hoist_decompose_ms +
         (rotations - hoisted) * c.rotate_ms + c.rescale_ms;
}

}  // namespace

double estimate_bootstrap_ms(const CostTable& t, int slots) {
  OLA_CHECK(t.max_level() >= kEstimatedBootstrapDepth + 1, "estimate_bootstrap_ms: table too short");
  const int log_slots = ceil_log2(slots);
  const int radix = 1 << ((log_slots + 2) / 3);
  const int top = t.max_level();
  double ms = 0.0;
  for (int i = 0; i < 3; ++i) ms += bsgs_level_ms(t.at(top - i), radix);  // CoeffsToSlots
  ms += t.at(top).rotate_ms + t.at(top).add_ms;                            // conjugation split
  for (int i = 0; i < 9; ++i) {                                            // EvalMod
    const LevelCost& c = t.at(top - 3 - i);
    const double products = i < 6 ? 17.0 / 6.0 : 1.0;  // 17 products over the polynomial's 6 levels
    ms += products * (c.mul_relin_ms + c.rescale_ms) + (60.0 / 9.0) * (c.mul_const_ms + c.add_ms);
  }
  const int after = top - kEstimatedBootstrapDepth;
  for (int i = 0; i < 3; ++i) ms += bsgs_level_ms(t.at(after + 3 - i), radix);  // SlotsToCoeffs
  return ms;
}

TimeModel make_time_model(const CostTable& table, int slots) {
  TimeModel m;
  m.table = table;
  m.slots = slots;
  if (table.bootstrap.empty()) {
    if (table.max_level() < kEstimatedBootstrapDepth + 2) {
      throw PlanError(ola::mismatch("cost table", "levels", "a top level >= " + std::to_string(kEstimatedBootstrapDepth + 2) +
                                                           " to estimate a bootstrap (no \"bootstrap\" entries)",
                                    table.max_level()));
    }
    m.bootstrap.estimated = true;
    m.bootstrap.ms_per_ciphertext = estimate_bootstrap_ms(table, slots);
    m.bootstrap.levels_after = table.max_level() - kEstimatedBootstrapDepth;
    m.bootstrap.input_level = 0;
    m.bootstrap.formula =
        "estimated from per-level costs: CoeffsToSlots 3 levels + EvalMod 9 levels (17 products, 3 squarings) + "
        "SlotsToCoeffs 3 levels, BSGS transforms of radix 2^ceil(log_slots/3); levels_after = top level - 15";
  } else {
    std::vector<BootstrapCost> entries = table.bootstrap;
    std::sort(entries.begin(), entries.end(), [](const BootstrapCost& a, const BootstrapCost& b) { return a.slots < b.slots; });
    for (const BootstrapCost& b : entries) {
      if (b.levels_after != entries.back().levels_after || b.input_level != entries.back().input_level) {
        throw PlanError(ola::mismatch("cost table: bootstrap of " + std::to_string(b.slots) + " slots", "levels",
                                      std::to_string(entries.back().input_level) + " -> " +
                                          std::to_string(entries.back().levels_after) + " (as the other entries)",
                                      std::to_string(b.input_level) + " -> " + std::to_string(b.levels_after)));
      }
    }
    auto it = std::find_if(entries.begin(), entries.end(), [&](const BootstrapCost& b) { return b.slots == slots; });
    if (it == entries.end()) it = entries.end() - 1;
    std::ostringstream f;
    f << "measured bootstraps of";
    for (const BootstrapCost& b : entries) f << " " << b.slots << " slots " << b.seconds << " s,";
    f << " the smallest holding the tensor is used (sparse-slot bootstrapping per stage)";
    m.bootstrap.ms_per_ciphertext = it->seconds * 1000.0;
    m.bootstrap.by_slots = entries;
    m.bootstrap.levels_after = it->levels_after;
    m.bootstrap.input_level = it->input_level;
    m.bootstrap.formula = f.str();
  }
  if (m.bootstrap.levels_after > table.max_level() || m.bootstrap.input_level < table.min_level()) {
    throw PlanError(ola::mismatch("cost table", "levels",
                                  "levels " + std::to_string(m.bootstrap.input_level) + ".." +
                                      std::to_string(m.bootstrap.levels_after) + " (bootstrap input to output)",
                                  std::to_string(table.min_level()) + ".." + std::to_string(table.max_level())));
  }
  return m;
}

std::int64_t ciphertexts(std::int64_t elements, int slots) {
  return std::max<std::int64_t>(1, (elements + slots - 1) / slots);
}

double bootstrap_ms(const TimeModel& tm, std::int64_t elements) {
  const auto& e = tm.bootstrap.by_slots;
  if (e.empty()) return tm.bootstrap.ms_per_ciphertext * static_cast<double>(ciphertexts(elements, tm.slots));
  for (const BootstrapCost& b : e) {
    if (b.slots >= elements) return b.seconds * 1000.0;
  }
  return e.back().seconds * 1000.0 * static_cast<double>(ciphertexts(elements, e.back().slots));
}

namespace {

/// one_ms(level cost) x ciphertexts at every level a polynomial can start from.
template <typename OneMs>
std::vector<double> ms_at_levels(const TimeModel& tm, std::int64_t cts, const OneMs& one_ms) {
  const int top = tm.bootstrap.levels_after;
  std::vector<double> ms(static_cast<std::size_t>(top + 1), kInfMs);
  for (int l = tm.table.min_level(); l <= top; ++l) {
    ms[static_cast<std::size_t>(l)] = one_ms(tm.table.at(l)) * static_cast<double>(cts);
  }
  return ms;
}

}  // namespace

std::vector<double> polynomial_ms_at_levels(const approx::OpCounts& counts, const TimeModel& tm, std::int64_t cts) {
  return ms_at_levels(tm, cts, [&](const LevelCost& c) { return polynomial_ms(counts, c); });
}

double polynomial_ms(const approx::OpCounts& n, const LevelCost& c) {
  return n.nonscalar_mults * (c.mul_relin_ms + c.rescale_ms) + n.scalar_mults * c.mul_const_ms +
         n.additions * c.add_ms;
}

double activation_ms(const approx::Approximation& a, const LevelCost& c) {
  if (!a.has_channel_polys() || a.degree() < 2 || a.degree() > approx::kMaxPerChannelDegree) {
    return polynomial_ms(a.counts, c);
  }
  const approx::PerSlotOps n = approx::per_slot_ops(a.degree());
  return n.ct_mults * (c.mul_relin_ms + c.rescale_ms) + n.plain_mults * (c.mul_plain_ms + c.encode_ms + c.rescale_ms) +
         n.const_mults * (c.mul_const_ms + c.rescale_ms) + n.plain_adds * (c.add_ms + c.encode_ms) + n.adds * c.add_ms;
}

std::vector<double> activation_ms_at_levels(const approx::Approximation& a, const TimeModel& tm, std::int64_t cts) {
  return ms_at_levels(tm, cts, [&](const LevelCost& c) { return activation_ms(a, c); });
}

LinearOps operator+(const LinearOps& a, const LinearOps& b) {
  const int repeats = a.encodes == 0 ? b.encode_repeats
                      : b.encodes == 0 ? a.encode_repeats
                                       : std::min(a.encode_repeats, b.encode_repeats);
  return {a.rotations + b.rotations, a.hoisted_rotations + b.hoisted_rotations, a.hoist_batches + b.hoist_batches,
          a.plain_mults + b.plain_mults, a.mul_sum_terms + b.mul_sum_terms, a.encodes + b.encodes, repeats,
          a.additions + b.additions, a.rescales + b.rescales, a.depth + b.depth,
          a.lazy_rotations + b.lazy_rotations, a.rotation_sums + b.rotation_sums};
}

bool operator==(const LinearOps& a, const LinearOps& b) {
  return a.rotations == b.rotations && a.hoisted_rotations == b.hoisted_rotations &&
         a.hoist_batches == b.hoist_batches && a.plain_mults == b.plain_mults &&
         a.mul_sum_terms == b.mul_sum_terms && a.encodes == b.encodes &&
         a.additions == b.additions && a.rescales == b.rescales && a.depth == b.depth &&
         a.lazy_rotations == b.lazy_rotations && a.rotation_sums == b.rotation_sums;
}

double linear_ops_ms(const LinearOps& n, const LevelCost& c) {
  return static_cast<double>(n.rotations) * c.rotate_ms + static_cast<double>(n.lazy_rotations) * c.lazy_rotate_ms +
         static_cast<double>(n.rotation_sums) * c.mod_down_ms + static_cast<double>(n.hoist_batches) * c.hoist_decompose_ms +
         static_cast<double>(n.hoisted_rotations) * c.hoisted_rotate_ms +
         static_cast<double>(n.plain_mults) * c.mul_plain_ms + static_cast<double>(n.mul_sum_terms) * c.mul_sum_term_ms +
         static_cast<double>(n.encodes) * c.encode_ms_for(n.encode_repeats) +
         static_cast<double>(n.additions) * c.add_ms + static_cast<double>(n.rescales) * c.rescale_ms;
}

double linear_ms(const LinearShape& s, const LevelCost& c, int slots) {
  const std::int64_t in_elems = s.c_in * s.h * s.w;
  const std::int64_t n_in = ciphertexts(in_elems, slots);
  switch (s.op) {
    case LinearShape::Op::conv: {
      const std::int64_t p = std::max<std::int64_t>(1, slots / std::max<std::int64_t>(1, in_elems));
      const std::int64_t rounds = (s.c_out + p - 1) / p;
      const std::int64_t k2 = static_cast<std::int64_t>(s.kernel) * s.kernel;
      const std::int64_t products = rounds * k2 * n_in;
      const std::int64_t rotations = rounds * (ceil_log2(s.c_in) + 1) + (s.stride > 1 ? 3 * ceil_log2(s.h) : 0);
      const std::int64_t out_elems = s.c_out * (s.h / s.stride) * (s.w / s.stride);
      const double input_rot = static_cast<double>(n_in) * ((k2 - 1) * c.hoisted_rotate_ms + c.hoist_decompose_ms);
      return products * (c.mul_plain_ms + c.encode_ms + c.add_ms) + rotations * (c.rotate_ms + c.add_ms) + input_rot +
             static_cast<double>(ciphertexts(out_elems, slots)) * c.rescale_ms;
    }
    case LinearShape::Op::global_average_pool:
      return static_cast<double>(n_in) * ceil_log2(s.h * s.w) * (c.rotate_ms + c.add_ms);
    case LinearShape::Op::fully_connected:
      return static_cast<double>(n_in) * (s.c_out * (c.mul_plain_ms + c.encode_ms + c.add_ms) +
                                          s.c_out * ceil_log2(s.c_in) * (c.rotate_ms + c.add_ms)) +
             c.rescale_ms;
    case LinearShape::Op::affine:
      return static_cast<double>(n_in) * (c.mul_plain_ms + c.encode_ms + c.add_ms + c.rescale_ms);
  }
  return 0.0;
}

int linear_depth(const LinearShape& s) { return s.op == LinearShape::Op::global_average_pool ? 0 : 1; }

}  // namespace ola::opt
