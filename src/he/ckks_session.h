// The server side of an encrypted run in one object: evaluator (relinearisation + Galois keys),
// encoder, the ckks::Bootstrappers of the program's bootstrap slot counts (ProgramStep::slots,
// he/program/program.h bootstraps_by_slots), and the CkksBackend bound to them, built in the order
// their references need.
//
// Bootstrapper lifetime (our choice, for per-stage sparse bootstraps: one bootstrapper's encoded
// CoeffToSlot / SlotToCoeff matrices take ~3 GB at N = 2^16, docs/he-workflow.md): the
// bootstrapper of the program's first bootstrap is built up front (in the constructor, so its setup
// is not part of a timed run); any other is built when its first bootstrap comes, and, if the
// program bootstraps at more than one slot count, each is freed after the program's last bootstrap
// at its count. As the stages come one after another, one sparse bootstrapper is then alive at a
// time. With one slot count the bootstrapper is kept for the next run (nothing else needs its
// memory). A released bootstrapper is built again when a later run needs it (the matrices are
// deterministic, so results do not depend on when it was built).
//
// Keys per stage (KeyResidency::per_stage, he/io/param_sets.h): the session's evaluator holds the
// layers' keys; a bootstrapper's own key set is loaded (StageKeyLoader, e.g. from a file) when the
// bootstrapper is built and freed with it, so one stage's bootstrapping keys are held at a time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"
#include "he/ckks_backend.h"
#include "he/program/program.h"

namespace ola::he {

/// Memory of a program's bootstrappers under the session's lifetime rule (file comment), computed
/// without building them (ckks::bootstrapper_matrix_bytes: the encoded CoeffToSlot / SlotToCoeff
/// matrices).
struct BootstrapperMemory {
  std::map<int, double> bytes_by_slots;  ///< one bootstrapper per slot count the program bootstraps at
  double peak_bytes = 0.0;               ///< the most alive at once in a run of the program
  double total_bytes = 0.0;              ///< all of them (what building them up front would hold)
};

/// @throws ola::Error if p bootstraps and boot is empty, or as ckks::bootstrapper_matrix_bytes.
BootstrapperMemory bootstrapper_memory(const ckks::Params& params, const std::optional<ckks::BootstrapLiteral>& boot,
                                       const Program& p);

/// Returns the Galois key set of bootstrap slot count `slots` (its rotations and the conjugation
/// key); called when that count's bootstrapper is built, the set lives as long as the
/// bootstrapper. May throw (e.g. ola::FormatError for a bad key file).
using StageKeyLoader = std::function<std::shared_ptr<const ckks::GaloisKeys>(int slots)>;

/// Owns what CkksBackend references. Not copyable or movable (the backend points into it).
/// Thread safety: not thread-safe (the backend's counters, the bootstrappers built on demand).
class CkksSession {
 public:
  /// A session for running `program` (its slot count, its bootstraps in step order).
  /// @param boot bootstrapping settings; needed only if the program bootstraps.
  /// @pre galois holds the program's rotations and, for every slot count n it bootstraps at,
  ///      bootstrap_rotation_steps(params, *boot, n), plus the conjugation key (he/io/param_sets.h
  ///      key_plan makes that set); or, with stage_keys, galois holds the layers' rotations and
  ///      stage_keys(n) returns the rest for n (key_plan with KeyResidency::per_stage).
  /// @throws ckks::OperandError if a key the first bootstrapper needs is missing (a later one's
  ///         missing key surfaces at its first bootstrap)
  /// @throws ola::Error if the program bootstraps but boot is empty, a bootstrap slot count does
  ///         not divide the program's slots, or as CkksBackend and ckks::Bootstrapper (invalid
  ///         slot counts)
  CkksSession(const ckks::Params& params, std::shared_ptr<const ckks::RelinKey> relin,
              std::shared_ptr<const ckks::GaloisKeys> galois, const std::optional<ckks::BootstrapLiteral>& boot,
              const Program& program, StageKeyLoader stage_keys = {},
              std::shared_ptr<const ckks::EncapsulationKeys> encapsulation = nullptr);
  CkksSession(const CkksSession&) = delete;
  CkksSession& operator=(const CkksSession&) = delete;

  CkksBackend& backend() { return backend_; }
  const ckks::Encoder& encoder() const { return encoder_; }
  /// The slot counts the program bootstraps at, ascending (empty without bootstraps).
  std::vector<int> bootstrap_slots() const;
  /// The slot counts whose bootstrapper is built now, ascending.
  std::vector<int> live_bootstrappers() const;
  /// The live bootstrapper for n slots, or null if none is built now.
  const ckks::Bootstrapper* bootstrapper(int n) const;
  /// Bootstrappers built so far (up front and during runs) and the seconds their setup took
  /// (with stage keys: loading the stage's keys included).
  int bootstrapper_builds() const { return builds_; }
  double bootstrapper_build_seconds() const { return build_seconds_; }

 private:
  /// What the backend calls: builds the bootstrapper for n if needed, bootstraps, and releases it
  /// after the program's last bootstrap at n (see the file comment).
  /// @throws ola::Error if the program does not bootstrap at n slots.
  ckks::Ciphertext bootstrap(const ckks::Ciphertext& ct, int n);
  const ckks::Bootstrapper& build(int n);

  ckks::Evaluator evaluator_;
  ckks::Encoder encoder_;
  std::optional<ckks::BootstrapLiteral> boot_;
  StageKeyLoader stage_keys_;
  std::map<int, int> uses_;       ///< bootstraps per slot count in one run of the program
  std::map<int, int> remaining_;  ///< bootstraps per slot count still to come in this run
  std::map<int, std::unique_ptr<const ckks::Bootstrapper>> live_;
  int builds_ = 0;
  double build_seconds_ = 0.0;
  CkksBackend backend_;
};

}  // namespace ola::he
