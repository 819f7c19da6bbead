// The cost table: measured per-level times of our CKKS engine's operations and of bootstrapping
// (written by `ola bench costs` / `ola bench bootstrap`), the unit prices of the OLA time model.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ola::opt {

/// Times (milliseconds, one ciphertext of N = 2^log_n) of the engine's operations at one level.
struct LevelCost {
  int level = 0;  ///< ciphertext level; it has level + 1 RNS limbs
  int limbs = 1;
  double mul_relin_ms = 0.0;        ///< ciphertext x ciphertext product with relinearisation
  double rescale_ms = 0.0;
  double rotate_ms = 0.0;           ///< one rotation with key switching
  double hoisted_rotate_ms = 0.0;   ///< one more rotation sharing a hoisted decomposition
  double hoist_decompose_ms = 0.0;  ///< the shared decomposition of a hoisted group
  /// One term of a rotation sum (ckks Evaluator::add_rotated: ModUp, key inner product and
  /// automorphism, the ModDown left to the sum; a BSGS product's giant steps). JSON
  /// "lazy_rotate_ms"; optional, default rotate_ms (the eager price, an upper bound).
  double lazy_rotate_ms = 0.0;
  /// The ModDown that closes a rotation sum (Evaluator::finish_rotations). JSON "mod_down_ms";
  /// optional, default 0 (with the default lazy_rotate_ms: the eager price).
  double mod_down_ms = 0.0;
  double mul_plain_ms = 0.0;        ///< product by an encoded plaintext
  /// One term of a fused sum of plaintext products (Evaluator::mul_sum over 16 terms, per term).
  /// JSON "mul_sum_term_ms"; optional, default mul_plain_ms + add_ms (the unfused price).
  double mul_sum_term_ms = 0.0;
  double mul_const_ms = 0.0;        ///< product by a (non-integer) constant
  double add_ms = 0.0;              ///< ciphertext + ciphertext
  double encode_ms = 0.0;           ///< a real vector of N/2 slots to a plaintext at this level
  /// The same for a vector repeating 2, 4, 8 times over the N/2 slots (period N/4, N/8, N/16): the
  /// encoder works in the period's subring (ckks Encoder). JSON "encode_rep2_ms", ...; optional,
  /// default encode_ms (an upper bound) for tables written before 2026-11-30.
  double encode_rep2_ms = 0.0;
  double encode_rep4_ms = 0.0;
  double encode_rep8_ms = 0.0;
  bool interpolated = false;        ///< true if not measured at this level but interpolated

  /// Encode time of a vector whose period repeats `repeats` times over the N/2 slots (1: not
  /// periodic); more than 8 repeats is priced as 8 (an upper bound).
  double encode_ms_for(int repeats) const;
};

/// One measured bootstrap: `slots` slots, `seconds` per ciphertext, from level `input_level` up to
/// level `levels_after`.
struct BootstrapCost {
  int slots = 0;
  double seconds = 0.0;
  int levels_after = 0;
  int input_level = 0;
};

/// A whole cost table (JSON "format": "ola-cost-table", version 1).
/// Invariants (checked by cost_table_from_json): levels sorted by level, contiguous from their
/// first level, limbs == level + 1, every time finite and >= 0, bootstrap levels_after > input_level.
/// Thread safety: a plain value; concurrent reads are safe.
struct CostTable {
  int log_n = 16;
  /// The he parameter set measured ("n16", "n16-deep"; JSON "params", optional): the set encrypted
  /// inference must use for the table's prices to hold. Empty for the test-only chains and old tables.
  std::string params;
  int threads = 1;
  std::string date;
  std::string host;
  std::vector<LevelCost> levels;
  std::vector<BootstrapCost> bootstrap;  ///< may be empty: the time model then estimates it

  int min_level() const { return levels.empty() ? 0 : levels.front().level; }
  int max_level() const { return levels.empty() ? -1 : levels.back().level; }
  /// @throws ola::Error if `level` is outside [min_level(), max_level()].
  const LevelCost& at(int level) const;
};

/// Parses and validates a cost table; `where` names the source in error messages (a path).
/// @throws ola::FormatError if "format" is not "ola-cost-table" or "version" is not 1.
/// @throws ola::FormatError if a required field is missing or has the wrong JSON type, or a level
///         has one of lazy_rotate_ms and mod_down_ms without the other.
/// @throws ola::FormatError if a time is negative or not finite, limbs != level + 1, levels are
///         empty, unsorted or not contiguous, or a bootstrap entry has levels_after <= input_level
///         or slots not a power of two.
CostTable cost_table_from_json(const nlohmann::json& j, const std::string& where);

/// Reads a cost table file. @throws ola::Error if it cannot be read; ola::FormatError if it is not
/// valid JSON or fails cost_table_from_json.
CostTable load_cost_table(const std::filesystem::path& path);

/// The JSON form read by cost_table_from_json (round-trips exactly).
nlohmann::json cost_table_to_json(const CostTable& t);

/// Fingerprint of the table's content (hex BLAKE2b of its canonical JSON), recorded in plans.
std::string cost_table_fingerprint(const CostTable& t);

}  // namespace ola::opt
