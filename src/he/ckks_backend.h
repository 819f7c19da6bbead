// The slot backend on real CKKS ciphertexts: adapts ckks::Evaluator and ckks::Encoder to the
// SlotBackend concept (he/backend.h) so the he/ layers run encrypted unchanged.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"
#include "he/backend.h"

namespace ola::he {

/// Refreshes a ciphertext's level as the n-sparse encoding (ct, n) -> ct (the bootstrappers of
/// ckks/boot, bound by the caller: he/ckks_session.h).
using Bootstrapper = std::function<ckks::Ciphertext(const ckks::Ciphertext&, int n)>;

/// CKKS backend over `slots` slots (N/2, or fewer for sparse packing: the message then repeats
/// N/(2 slots) times and rotations act modulo `slots`). Plaintexts for mul_plain are encoded at
/// scale q_level, so mul_plain + rescale keeps the ciphertext's scale exactly (he/backend.h).
///
/// Invariants: evaluator and encoder share one parameter set; slots is a power of two <= N/2.
/// Thread safety: not thread-safe (operation counters); the evaluator itself is.
class CkksBackend {
 public:
  using Ciphertext = ckks::Ciphertext;
  using Plaintext = ckks::Plaintext;
  using RotationSum = ckks::RotationSum;

  /// @pre evaluator and encoder outlive the backend (it keeps references).
  /// @throws ola::Error if evaluator and encoder have different parameters.
  /// @throws ola::Error if slots is not a power of two in 1..N/2.
  CkksBackend(const ckks::Evaluator& evaluator, const ckks::Encoder& encoder, int slots,
              Bootstrapper bootstrapper = {});

  int slots() const { return slots_; }
  const ckks::Evaluator& evaluator() const { return ev_; }
  const OpStats& stats() const { return stats_; }
  void reset_stats() { stats_ = {}; }
  int level(const Ciphertext& ct) const { return ct.level; }
  double scale(const Ciphertext& ct) const { return ct.scale; }

  /// Plaintext at `level` with scale q_level.
  /// @throws ola::Error if level is outside 1..max_level or values.size() != slots().
  Plaintext encode_for_mul(std::span<const double> values, int level) const;
  /// Plaintext at ct's level with scale q_level * default_scale / ct.scale: mul_plain + rescale
  /// then gives exactly the default scale. @throws ola::Error as encode_for_mul.
  Plaintext encode_for_mul_to_base(std::span<const double> values, const Ciphertext& ct) const;
  /// Plaintext at like's level and scale. @throws ola::Error if values.size() != slots().
  Plaintext encode_like(std::span<const double> values, const Ciphertext& like) const;

  /// @throws ckks::OperandError on level/scale/slot mismatch (all below likewise).
  Ciphertext add(const Ciphertext& a, const Ciphertext& b);
  void add_inplace(Ciphertext& a, const Ciphertext& b);
  Ciphertext sub(const Ciphertext& a, const Ciphertext& b);
  Ciphertext add_plain(const Ciphertext& ct, const Plaintext& pt);
  /// Scale ct.scale * pt.scale; level unchanged until rescale.
  Ciphertext mul_plain(const Ciphertext& ct, const Plaintext& pt);
  /// sum_k cts[k] (.) pts[k] in one pass (ckks::Evaluator::mul_sum); mul_sum_terms += k.
  /// @throws ckks::OperandError as Evaluator::mul_sum.
  Ciphertext mul_plain_sum(std::span<const Ciphertext* const> cts, std::span<const Plaintext> pts);
  /// Multiplies by c at const scale q_level (rescale restores the scale). @pre level >= 1.
  Ciphertext mul_const(const Ciphertext& ct, double c);
  /// Ciphertext x ciphertext product, relinearised and rescaled: level - 1, scale
  /// a.scale * b.scale / q_level.
  /// @pre a relinearisation key in the evaluator.
  /// @throws ola::Error if the levels differ or are 0.
  /// @throws ckks::OperandError if the relinearisation key is missing.
  Ciphertext mul(const Ciphertext& a, const Ciphertext& b);
  /// Level - 1. @throws ckks::OperandError at level 0.
  Ciphertext rescale(const Ciphertext& ct);
  /// Level - 1, scale exactly `scale`: a product by 1 at const scale scale * q_level / ct.scale,
  /// then rescale. @throws ola::Error if ct.level < 1 or scale <= 0.
  Ciphertext match_scale(const Ciphertext& ct, double scale);
  /// @throws ckks::OperandError if level > ct.level.
  Ciphertext drop_to_level(const Ciphertext& ct, int level);
  /// Left rotation. @throws ckks::OperandError if the Galois key is missing.
  Ciphertext rotate(const Ciphertext& ct, int step);
  /// One shared decomposition. @throws ckks::OperandError if a Galois key is missing.
  std::vector<Ciphertext> rotate_hoisted(const Ciphertext& ct, const std::vector<int>& steps);
  /// sum += rotate(ct, step) before ModDown (ckks::Evaluator::add_rotated; counted as a lazy
  /// rotation when step != 0 mod slots, and as an addition after the first term).
  /// @throws ckks::OperandError as Evaluator::add_rotated.
  void add_rotated(RotationSum& sum, const Ciphertext& ct, int step);
  /// The sum, after its one ModDown (counted as a rotation sum if a term was rotated).
  /// @throws ckks::OperandError if it has no term.
  Ciphertext finish_rotations(RotationSum sum);
  /// Bootstraps ct as the n-sparse encoding (he/backend.h): ct keeps slots() slots, n is the
  /// bootstrapper's slot count. @pre ct's slots repeat with period n (else they come back as the
  /// mean of their copies, ckks::Bootstrapper::bootstrap).
  /// @throws ola::Error if no bootstrapper was given, n is not a power of two dividing slots(), or
  ///         the bootstrapper has none for n slots.
  Ciphertext bootstrap(const Ciphertext& ct, int n);

 private:
  const ckks::Evaluator& ev_;
  const ckks::Encoder& enc_;
  int slots_;
  Bootstrapper boot_;
  mutable OpStats stats_;  // encode_* are const but counted
};

}  // namespace ola::he
