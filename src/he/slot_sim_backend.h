// Plaintext simulator of the slot backend: std::vector<double> slots with the same level and scale
// bookkeeping as CKKS, and operation counters, so layer code is tested for values and levels
// before (and independently of) the CKKS core.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "he/backend.h"

namespace ola::he {

/// Settings of a SlotSimBackend.
struct SlotSimConfig {
  int slots = 1 << 15;     ///< n (power of two)
  int max_level = 16;      ///< level of a fresh ciphertext
  int boot_level = 12;     ///< level after bootstrap()
  int log_scale = 40;      ///< fresh scale 2^log_scale
  /// Rotation steps (taken mod slots) that have keys; empty = every step allowed.
  std::optional<std::set<int>> rotation_keys;
};

/// A simulated ciphertext: the slot values themselves plus level and scale.
struct SimCiphertext {
  std::vector<double> slots;
  int level = 0;
  double scale = 1.0;
};

/// A simulated plaintext at a level and scale.
struct SimPlaintext {
  std::vector<double> slots;
  int level = 0;
  double scale = 1.0;
};

/// Simulated backend. Primes are modelled as q_l = 2^log_scale * (1 + (l + 1) * 2^-20), distinct per
/// level, so a scale bookkeeping error shows up as an add of mismatched scales.
///
/// Invariants: every ciphertext it returns has slots.size() == slots() and 0 <= level <= max_level.
/// Thread safety: not thread-safe (counters are mutated by every operation).
class SlotSimBackend {
 public:
  using Ciphertext = SimCiphertext;
  /// A running sum of rotations (value-initialised = empty): the sum so far and whether a term was
  /// rotated (CKKS then closes the sum with one ModDown).
  struct RotationSum {
    std::optional<SimCiphertext> sum;
    bool rotated = false;
  };
  using Plaintext = SimPlaintext;

  /// @throws ola::Error if slots is not a power of two, a level is negative,
  ///         boot_level > max_level, or log_scale is not in 10..60.
  explicit SlotSimBackend(SlotSimConfig config);

  int slots() const { return config_.slots; }
  const SlotSimConfig& config() const { return config_; }
  const OpStats& stats() const { return stats_; }
  void reset_stats() { stats_ = {}; }

  /// A fresh ciphertext at max_level and scale 2^log_scale.
  /// @throws ola::Error if values.size() != slots().
  Ciphertext encrypt(std::span<const double> values) const;
  /// The slot values. (No noise is simulated.)
  std::vector<double> decrypt(const Ciphertext& ct) const { return ct.slots; }

  int level(const Ciphertext& ct) const { return ct.level; }
  double scale(const Ciphertext& ct) const { return ct.scale; }
  /// The prime rescale divides by at `level`. @pre 1 <= level <= max_level.
  double prime(int level) const;

  /// Plaintext at `level` with scale prime(level). @throws ola::Error on a wrong size or level < 1.
  Plaintext encode_for_mul(std::span<const double> values, int level) const;
  /// Plaintext at ct's level with scale prime(level) * 2^log_scale / ct.scale (mul_plain + rescale
  /// lands on 2^log_scale). @throws ola::Error on a wrong size or level < 1.
  Plaintext encode_for_mul_to_base(std::span<const double> values, const Ciphertext& ct) const;
  /// Plaintext at the level and scale of `like` (for add_plain). @throws ola::Error on a wrong size.
  Plaintext encode_like(std::span<const double> values, const Ciphertext& like) const;

  /// @pre same level and scale (else std::logic_error: an executor bug).
  Ciphertext add(const Ciphertext& a, const Ciphertext& b);
  void add_inplace(Ciphertext& a, const Ciphertext& b);
  Ciphertext sub(const Ciphertext& a, const Ciphertext& b);
  /// @pre pt at ct's level and scale.
  Ciphertext add_plain(const Ciphertext& ct, const Plaintext& pt);
  /// Scale becomes ct.scale * pt.scale; level unchanged until rescale. @pre same level.
  Ciphertext mul_plain(const Ciphertext& ct, const Plaintext& pt);
  /// sum_k cts[k] * pts[k] (one fused operation: mul_sum_terms += k). @pre k >= 1, every term at
  /// the same level and product scale (else std::logic_error).
  Ciphertext mul_plain_sum(std::span<const Ciphertext* const> cts, std::span<const Plaintext> pts);
  /// Multiplies by c encoded at scale prime(level). @pre level >= 1.
  Ciphertext mul_const(const Ciphertext& ct, double c);
  /// Slot-wise product, relinearised and rescaled: level - 1, scale a.scale * b.scale /
  /// prime(level). @pre same level >= 1 (else std::logic_error: an executor bug).
  Ciphertext mul(const Ciphertext& a, const Ciphertext& b);
  /// Level - 1, scale / prime(level). @pre level >= 1.
  Ciphertext rescale(const Ciphertext& ct);
  /// Level - 1, scale exactly `scale` (counted as a const_mult and a rescale). @pre level >= 1.
  Ciphertext match_scale(const Ciphertext& ct, double scale);
  /// Moves the scale of ct by the factor f (tests: models ckks/poly's scale drift).
  Ciphertext with_scale_factor(const Ciphertext& ct, double f) const;
  /// Drops to `level` (free; scale unchanged). @pre level <= ct.level.
  Ciphertext drop_to_level(const Ciphertext& ct, int level);
  /// Left rotation by step (mod slots); step 0 is free.
  /// @throws ola::Error if rotation_keys is set and lacks step mod slots.
  Ciphertext rotate(const Ciphertext& ct, int step);
  /// Several rotations of one ciphertext sharing one decomposition; result[i] = rotate(ct, steps[i]).
  /// @throws ola::Error if a non-zero step has no key.
  std::vector<Ciphertext> rotate_hoisted(const Ciphertext& ct, const std::vector<int>& steps);
  /// sum += rotate(ct, step), counted as CkksBackend counts it: a lazy rotation when step != 0 mod
  /// slots, an addition after the first term. @throws ola::Error as rotate and add.
  void add_rotated(RotationSum& sum, const Ciphertext& ct, int step);
  /// The sum (counted as a rotation sum if a term was rotated). @throws ola::Error if it has no term.
  Ciphertext finish_rotations(RotationSum sum);
  /// Refreshes to boot_level at scale 2^log_scale as an n-sparse bootstrap (he/backend.h): the
  /// values come back as CKKS returns them, slot i the mean of slots i + k n (k = 0 .. slots/n - 1),
  /// i.e. unchanged when they repeat with period n.
  /// @throws ola::Error if n is not a power of two dividing slots().
  /// @throws std::logic_error (an executor bug) if the values do not repeat with period n (to
  ///         1e-9 of max |value|): the program would bootstrap a register that is not n-sparse.
  Ciphertext bootstrap(const Ciphertext& ct, int n);

  /// Applies f slot-wise and consumes `depth` levels (an activation polynomial of that depth).
  /// @pre level >= depth.
  Ciphertext map_slots(const Ciphertext& ct, const std::function<double(double)>& f, int depth);

 private:
  void check_key(int step) const;
  Ciphertext rotated(const Ciphertext& ct, int step) const;

  SlotSimConfig config_;
  mutable OpStats stats_;  // encode_* are const but counted
};

/// An ActivationFn for the simulator: f slot-wise with the given depth.
ActivationFn<SlotSimBackend> sim_activation(std::function<double(double)> f, int depth);

}  // namespace ola::he
