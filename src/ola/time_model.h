// The OLA time model (docs/method.md step 5): predicted encrypted time of polynomial evaluations,
// linear layers and bootstraps, from the measured per-level cost table and operation counts.
//
// Packing assumption (until he/ exists): MPCNN-style multiplexed packing (Lee et al., ICML 2022) of
// a C x H x W tensor into ceil(C*H*W / slots) ciphertexts of `slots` = 2^15 slots. Every per-
// ciphertext price below is multiplied by that count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "approx/approximation.h"
#include "ola/cost_table.h"

namespace ola::opt {

inline constexpr int kDefaultSlots = 1 << 15;

/// How bootstrapping is priced: measured (from the cost table) or estimated (docs/optimizer.md).
struct BootstrapModel {
  bool estimated = false;
  double ms_per_ciphertext = 0.0;  ///< bootstrap of one ciphertext of the model's `slots` slots
  /// Measured sparse-slot bootstraps (slots ascending): a tensor of E values is refreshed by the
  /// smallest entry with slots >= E (MPCNN's per-stage sparse bootstrapping). Empty when estimated.
  std::vector<BootstrapCost> by_slots;
  int levels_after = 0;            ///< level right after a bootstrap
  int input_level = 0;             ///< level a bootstrap takes its input at (lowest usable level)
  std::string formula;             ///< how the prices were obtained (recorded in plans)
};

/// Thread safety: a plain value.
struct TimeModel {
  CostTable table;
  BootstrapModel bootstrap;
  int slots = kDefaultSlots;
};

/// Bootstrap levels in the estimate: SlotsToCoeffs 3 + EvalMod 9 (cosine degree 59 = depth 6, plus
/// 3 double-angle squarings) + CoeffsToSlots 3, as in MPCNN / Bossuat et al. (Eurocrypt 2021).
inline constexpr int kEstimatedBootstrapDepth = 15;

/// Builds the time model. With measured bootstrap entries, keeps them all (bootstrap_ms picks one
/// per tensor size); ms_per_ciphertext is the entry of `slots` slots (else the largest). With none,
/// estimates a bootstrap from the per-level costs (estimate_bootstrap_ms) with levels_after =
/// max_level - 15 and input_level = 0, and marks it estimated.
/// @throws PlanError if the table's levels do not reach levels_after, if measured entries disagree
///         on levels_after or input_level, or if estimating and the table has fewer than
///         kEstimatedBootstrapDepth + 2 levels.
TimeModel make_time_model(const CostTable& table, int slots = kDefaultSlots);

/// The estimated bootstrap of one full-slot ciphertext (docs/optimizer.md, "Bootstrap estimate"):
///   CoeffsToSlots and SlotsToCoeffs: 3 levels each, each a BSGS diagonal transform with radix
///     2^ceil(log_slots/3): 2*radix-1 diagonals -> that many plaintext products and ~2*sqrt(2*radix)
///     rotations (half hoisted), priced at the level where they run;
///   EvalMod: 17 products + 3 squarings (mul_relin + rescale), 60 constant products and 60 adds.
/// CtS runs at the top levels, EvalMod below, StC at the lowest bootstrap levels.
/// @pre table.max_level() >= kEstimatedBootstrapDepth + 1.
double estimate_bootstrap_ms(const CostTable& table, int slots);

/// Number of ciphertexts holding `elements` values (ceil(elements / slots), at least 1).
std::int64_t ciphertexts(std::int64_t elements, int slots);

/// Time of bootstrapping a tensor of `elements` values (all its ciphertexts). Measured: the
/// smallest entry with slots >= elements (sparse-slot bootstrapping), else ceil(elements /
/// largest slots) bootstraps of the largest entry. Estimated: ms_per_ciphertext x
/// ciphertexts(elements, tm.slots).
double bootstrap_ms(const TimeModel& tm, std::int64_t elements);

/// One polynomial evaluation on one ciphertext starting at `level`:
///   nonscalar_mults * (mul_relin + rescale) + scalar_mults * mul_const + additions * add,
/// all priced at the input level (an upper bound: later products run at lower, cheaper levels).
double polynomial_ms(const approx::OpCounts& counts, const LevelCost& level);

/// Shape of a linear layer as the time model sees it (input tensor C_in x H x W).
struct LinearShape {
  enum class Op { conv, global_average_pool, fully_connected, affine };
  Op op = Op::conv;
  std::int64_t c_in = 1, c_out = 1, h = 1, w = 1;
  int kernel = 1;
  int stride = 1;
};

/// Estimated time of a linear layer on its input ciphertexts at `level` (docs/optimizer.md,
/// "Linear layers"); an estimate until he/ measures its transforms.
///   conv: p = max(1, slots / (C_in*H*W)) output channels per round; ceil(C_out / p) rounds, each
///         kernel^2 products per input ciphertext, log2(C_in) + 1 rotations; plus (kernel^2 - 1)
///         hoisted rotations of the input; stride s > 1 adds 3*log2(H) rotations for re-packing;
///         one rescale per output ciphertext.
///   global_average_pool: log2(H*W) rotations (the 1/(H*W) factor is folded into the next layer).
///   fully_connected: C_out products and C_out * log2(C_in) rotations, one rescale.
///   affine: one plaintext product and one rescale per ciphertext.
double linear_ms(const LinearShape& shape, const LevelCost& level, int slots);

/// Levels a linear layer consumes: 1 for conv, fully_connected and affine (the next polynomial's
/// input scaling is folded into it), 0 for global_average_pool.
int linear_depth(const LinearShape& shape);

}  // namespace ola::opt
