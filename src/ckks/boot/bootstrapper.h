// CKKS bootstrapping: ModRaise, (SubSum,) CoeffToSlot, EvalMod, SlotToCoeff for full or sparse
// slots, plus the bootstrapping of two real vectors packed in one complex ciphertext.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "ckks/boot/boot_matrices.h"
#include "ckks/boot/eval_mod.h"
#include "ckks/core/ciphertext.h"
#include "ckks/core/encoder.h"
#include "ckks/core/evaluator.h"
#include "ckks/core/key_generator.h"
#include "ckks/core/params.h"
#include "ckks/lintrans/linear_transform.h"
#include "ckks/poly/schedule.h"
#include "util/progress.h"

namespace ola::ckks {

/// Plain, unchecked bootstrapping settings (validated by Bootstrapper).
struct BootstrapLiteral {
  int cts_levels = 3;  ///< levels (merged butterfly groups) of CoeffToSlot
  int stc_levels = 3;  ///< levels of SlotToCoeff
  EvalModLiteral eval_mod{.k_range = 24, .double_angle = 3, .cos_degree = 63};
  /// > 0: sparse-secret encapsulation with an ephemeral secret of this Hamming weight (the
  /// evaluator must hold EncapsulationKeys of that weight): ModRaise runs under the sparse
  /// secret, so the main secret may be dense. 0: ModRaise under the main secret.
  int ephemeral_hamming_weight = 0;
};

/// The sparse-secret encapsulation keys `literal` needs from this key pair
/// (KeyGenerator::encapsulation_keys(literal.ephemeral_hamming_weight)), or null when it needs none.
std::shared_ptr<const EncapsulationKeys> bootstrap_encapsulation_keys(const KeyGenerator& keygen,
                                                                       const BootstrapLiteral& literal);

/// Galois steps (left rotations) the bootstrapping of `slots` slots needs: SubSum steps for
/// sparse slots and the BSGS steps of every CoeffToSlot/SlotToCoeff factor. The conjugation key
/// is needed as well. Computed from the same plans the Bootstrapper uses.
/// @throws ola::Error for invalid slots or level counts (as make_boot_matrices)
std::vector<int> bootstrap_rotation_steps(const Params& params, const BootstrapLiteral& literal,
                                          std::size_t slots);

/// The same steps, each with the highest level the Bootstrapper rotates with it: SubSum at max_level
/// (right after ModRaise), CoeffToSlot factor i at max_level - i, SlotToCoeff factor i at
/// max_level - depth + stc_levels - i. A Galois key made at that level (KeyGenerator::galois_key)
/// serves the bootstrapper; below the top, such keys are smaller (fewer limbs and digits). Steps
/// are as bootstrap_rotation_steps returns them (not reduced modulo the slot count).
/// @throws ola::Error as bootstrap_rotation_steps; ParamError if the chain has fewer than depth() + 1
///         levels
std::map<int, int> bootstrap_rotation_levels(const Params& params, const BootstrapLiteral& literal,
                                             std::size_t slots);

/// Memory of the encoded CoeffToSlot and SlotToCoeff matrices of a Bootstrapper for `slots` slots
/// (what dominates its size): every diagonal of every BSGS plan as a plaintext of (level + 1) x N
/// 64-bit words at its matrix's level (CoeffToSlot from max_level down, SlotToCoeff below EvalMod).
/// Computed from the same plans the Bootstrapper encodes, without encoding (Bootstrapper::
/// matrix_bytes measures a built one). The unencoded matrices it also keeps are not counted.
/// @throws ola::Error as bootstrap_rotation_steps or make_eval_mod
/// @throws ParamError if the chain has fewer than depth() + 1 levels
double bootstrapper_matrix_bytes(const Params& params, const BootstrapLiteral& literal, std::size_t slots);

/// Refreshes ciphertexts of `slots` slots to a high level.
///
/// Level layout (L = max_level): CoeffToSlot uses L .. L - cts + 1, EvalMod the next
/// EvalModPoly::depth() levels, SlotToCoeff the next stc levels; the output is at
/// levels_after() = L - depth(). The input may be at any level >= MinimumInputLevel() = 0 (it
/// is dropped to level 0); its scale Delta must satisfy |m| Delta << q_0 (the EvalMod error grows
/// as (Delta / q_0)^2, see docs/bootstrapping.md); the output has the input's scale.
/// Scales inside: after ModRaise the ciphertext is multiplied by the integer 512 (exact) and its
/// scale set to 512 q_0 K (N / 2n) (slots hold t / (q_0 K));
/// CoeffToSlot ends exactly on q_(L - cts), the scale of the first EvalMod level
/// (CiphertextBackend keeps S_(l-1) = S_l^2 / q_l inside EvalMod); SlotToCoeff keeps the scale
/// q of its last level between its levels, ends on the default scale, and the output is
/// relabelled with the input's scale (the 1/(2 pi) and
/// q_0 / Delta factors are folded into that relabelling, no level).
/// Invariant: the encoded matrices match `slots`, the parameters and the evaluator's keys.
/// Thread safety: const methods are safe to call concurrently (the evaluator's OpenMP inside).
class Bootstrapper {
 public:
  /// Precomputes and encodes the CoeffToSlot and SlotToCoeff matrices and plans EvalMod.
  /// @pre evaluator holds a relinearisation key, the conjugation key and the Galois keys of
  ///      bootstrap_rotation_steps(params, literal, slots).
  /// @throws ola::Error if slots is not a power of two in 2..N/2 or a level count is outside
  ///         1..log2(slots)
  /// @throws ola::Error if the EvalMod literal is invalid (see make_eval_mod)
  /// @throws ParamError if the chain has fewer than depth() + 1 levels
  /// @throws OperandError if the evaluator lacks the relinearisation, conjugation or a Galois key,
  ///         or (ephemeral_hamming_weight > 0) encapsulation keys of that weight made for levels
  ///         0 and max_level
  Bootstrapper(const Evaluator& evaluator, const Encoder& encoder, BootstrapLiteral literal, std::size_t slots,
               const Progress& progress = {});

  int depth() const;
  int levels_after() const { return evaluator_.params().max_level() - depth(); }
  /// Bytes of the encoded CoeffToSlot / SlotToCoeff plaintexts it holds (their coefficient words).
  double matrix_bytes() const;
  static constexpr int MinimumInputLevel() { return 0; }
  std::size_t slots() const { return slots_; }
  const EvalModPoly& eval_mod() const { return eval_mod_; }

  /// Bootstraps ct. Effect: level levels_after(), scale ct.scale, slots ct.slots.
  /// ct may hold more slots than slots(): a ciphertext of m = j * slots() slots whose slot vector
  /// repeats with period slots() is the slots()-sparse encoding of one period (the same
  /// polynomial), so it is bootstrapped as such and returned with its m slots. If it does not
  /// repeat, SubSum projects it: slot i of the output is the mean of the input's slots
  /// i + k * slots() (k = 0 .. m / slots() - 1), i.e. periodic data is returned unchanged.
  /// @pre degree 1; ct.slots a multiple of slots() (and the vector periodic, see above).
  /// @throws OperandError if ct.slots is not a multiple of slots() or ct has degree other than 1
  Ciphertext bootstrap(const Ciphertext& ct) const;

  /// Bootstraps two real vectors at the cost of one complex bootstrap plus one conjugation:
  /// a + i b is bootstrapped, then a = (c + conj c) / 2 and b = -i (c - conj c) / 2.
  /// @pre a and b have real slots, equal levels, scales and slot counts (as bootstrap()).
  /// @throws OperandError if their levels, scales or slots differ or as bootstrap()
  std::pair<Ciphertext, Ciphertext> bootstrap_real_pair(const Ciphertext& a, const Ciphertext& b) const;

  /// The stages, exposed for tests and benchmarks. Each takes and returns what bootstrap() passes.
  /// Drop to 0, ModRaise, SubSum; with encapsulation: switch to the ephemeral secret at level 0,
  /// ModRaise, the integer boost, switch back to the main secret at max_level, SubSum.
  Ciphertext raise(const Ciphertext& ct) const;
  std::vector<Ciphertext> coeff_to_slot(const Ciphertext& raised) const;  ///< 1 (sparse) or 2 (full) outputs
  Ciphertext eval_mod_ct(const Ciphertext& x) const;          ///< EvalMod on one ciphertext
  Ciphertext slot_to_coeff(const std::vector<Ciphertext>& y, double input_scale) const;

 private:
  Evaluator evaluator_;
  BootstrapLiteral literal_;
  std::size_t slots_;
  BootMatrices matrices_;
  EvalModPoly eval_mod_;
  PolyPlan cos_plan_;
  PolyPlan arcsine_plan_;
  std::vector<LinearTransform> cts_;
  std::vector<LinearTransform> stc_;
  static constexpr std::int64_t kRaiseBoost = 512;  ///< exact integer factor applied after ModRaise
  double raise_scale_ = 1.0;  ///< scale metadata after ModRaise: q_0 K (N / 2n) kRaiseBoost
  std::vector<double> stc_scales_;  ///< scale after each SlotToCoeff level
  double eval_scale_ = 1.0;   ///< EvalMod input scale = q of the first EvalMod level
  double eval_out_scale_ = 1.0;
};

}  // namespace ola::ckks
