// The OLA time model (docs/method.md step 5): predicted encrypted time of polynomial evaluations,
// linear layers and bootstraps, from the measured per-level cost table and operation counts.
//
// Packing assumption (until he/ exists): MPCNN-style multiplexed packing (Lee et al., ICML 2022) of
// a C x H x W tensor into ceil(C*H*W / slots) ciphertexts of `slots` = 2^15 slots. Every per-
// ciphertext price below is multiplied by that count.
#pragma once

#include <cstdint>
#include <map>
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

/// Operation counts of one linear layer as the encrypted executor performs it (he/ derives them from
/// its packing: he/linear_cost.h, he::linear_ops_by_node); linear_ops_ms prices them.
/// Thread safety: a plain value.
struct LinearOps {
  long rotations = 0;          ///< key-switching rotations of separate ciphertexts
  long hoisted_rotations = 0;  ///< rotations sharing one decomposition (baby steps)
  long hoist_batches = 0;      ///< decompositions shared by the hoisted rotations
  long plain_mults = 0;        ///< separate ciphertext x plaintext products
  long mul_sum_terms = 0;      ///< terms of fused product sums (a diagonal transform's inner sums)
  long encodes = 0;            ///< plaintexts encoded on the fly (diagonals, masks, bias)
  /// How many times the encoded plaintexts' period repeats over the slots (1: not periodic); the
  /// encoder's cost falls with it (LevelCost::encode_ms_for). A property, not a count: a sum takes
  /// the smaller (the dearer price) and operator== ignores it.
  int encode_repeats = 1;
  long additions = 0;          ///< ciphertext additions (incl. add_plain)
  long rescales = 0;
  int depth = 0;               ///< levels consumed
  /// Rotations added to a rotation sum (a BSGS product's non-zero giant steps): key switches
  /// whose ModDown the sum shares (LevelCost::lazy_rotate_ms each).
  long lazy_rotations = 0;
  long rotation_sums = 0;      ///< sums closed by one ModDown (LevelCost::mod_down_ms each)
};
/// Counts summed; encode_repeats the smaller of the two where both encode (an upper bound).
LinearOps operator+(const LinearOps& a, const LinearOps& b);
bool operator==(const LinearOps& a, const LinearOps& b);

/// Thread safety: a plain value.
struct TimeModel {
  CostTable table;
  BootstrapModel bootstrap;
  int slots = kDefaultSlots;
  /// The executor's counts of the model's linear layers, by graph node name; an option-A shortcut
  /// (a skip branch's slice/pad) under the name of the add that merges it; nodes the executor folds
  /// (batch norm, reshape, the pooling of pool + FC) with zero counts. Empty: linear layers are
  /// estimated by linear_ms. Filled by the caller (ola/ cannot see he/): PipelineSettings::linear_ops.
  std::map<std::string, LinearOps> linear_ops;
  std::string linear_source;  ///< how linear layers are priced (recorded in plan notes)
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

/// polynomial_ms x ciphertexts at every level a polynomial can start from (index = level, up to
/// tm.bootstrap.levels_after; levels below the table's first are kInfMs): a DpChoice's ms_at_level.
std::vector<double> polynomial_ms_at_levels(const approx::OpCounts& counts, const TimeModel& tm, std::int64_t ciphertexts);

/// One evaluation of the activation approximation `a` on one ciphertext starting at `level`:
/// polynomial_ms of its counts, except that a per-channel approximation (a.has_channel_polys())
/// has a coefficient per slot and runs the executor's per-slot evaluation: approx::per_slot_ops,
/// each ciphertext product with its rescale, each plaintext product with its encoding and rescale,
/// each scale match a constant product and rescale, each plaintext addition with its encoding.
double activation_ms(const approx::Approximation& a, const LevelCost& level);

/// activation_ms x ciphertexts at every level, as polynomial_ms_at_levels.
std::vector<double> activation_ms_at_levels(const approx::Approximation& a, const TimeModel& tm, std::int64_t ciphertexts);

/// Shape of a linear layer as the time model sees it (input tensor C_in x H x W).
struct LinearShape {
  enum class Op { conv, global_average_pool, fully_connected, affine };
  Op op = Op::conv;
  std::int64_t c_in = 1, c_out = 1, h = 1, w = 1;
  int kernel = 1;
  int stride = 1;
};

/// Time of counted linear operations, every one priced at the layer's input `level` (an upper bound:
/// the rotate-and-add steps after its rescale run one level lower):
///   rotations * rotate + hoist_batches * hoist_decompose + hoisted_rotations * hoisted_rotate
///   + plain_mults * mul_plain + encodes * encode + additions * add + rescales * rescale.
double linear_ops_ms(const LinearOps& ops, const LevelCost& level);

/// Estimated time of a linear layer on its input ciphertexts at `level` (docs/optimizer.md,
/// "Linear layers"), for models the encrypted executor cannot compile (TimeModel::linear_ops empty).
/// Every plaintext product also pays one encode (plaintexts are encoded on the fly).
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
