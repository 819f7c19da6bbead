// The server side of an encrypted run in one object: evaluator (relinearisation + Galois keys),
// encoder, one ckks::Bootstrapper per slot count the program bootstraps at (ProgramStep::slots,
// he/program/program.h bootstraps_by_slots), and the CkksBackend bound to them, built in the order
// their references need.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>

#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"
#include "he/ckks_backend.h"

namespace ola::he {

/// Owns what CkksBackend references. Not copyable or movable (the backend points into it).
/// Thread safety: not thread-safe (the backend's counters).
class CkksSession {
 public:
  /// @param boot bootstrapping settings; needed only if bootstrap_slots is not empty.
  /// @param slots the backend's slot count (N/2, or fewer for sparse packing).
  /// @param bootstrap_slots the slot counts to build a Bootstrapper for, all up front (each encodes
  ///        its matrices: seconds at N = 2^16, tens of seconds for the n16 set); empty for a
  ///        program without bootstraps (KeyPlan::bootstrap_slots gives them).
  /// @pre galois holds the program's rotations and, for every count n in bootstrap_slots,
  ///      bootstrap_rotation_steps(params, *boot, n), plus the conjugation key (he/io/param_sets.h
  ///      key_plan makes that set).
  /// @throws ckks::OperandError if a key a bootstrapper needs is missing
  /// @throws ola::Error if bootstrap_slots is not empty but boot is, a count does not divide slots,
  ///         or as CkksBackend and ckks::Bootstrapper (invalid slot counts)
  CkksSession(const ckks::Params& params, std::shared_ptr<const ckks::RelinKey> relin,
              std::shared_ptr<const ckks::GaloisKeys> galois, const std::optional<ckks::BootstrapLiteral>& boot,
              int slots, std::span<const int> bootstrap_slots = {});
  CkksSession(const CkksSession&) = delete;
  CkksSession& operator=(const CkksSession&) = delete;

  CkksBackend& backend() { return backend_; }
  const ckks::Encoder& encoder() const { return encoder_; }
  /// The bootstrapper for n slots, or null if none was built for n.
  const ckks::Bootstrapper* bootstrapper(int n) const;
  /// The bootstrappers by slot count (empty without bootstrapping).
  const std::map<int, ckks::Bootstrapper>& bootstrappers() const { return boots_; }

 private:
  ckks::Evaluator evaluator_;
  ckks::Encoder encoder_;
  std::map<int, ckks::Bootstrapper> boots_;
  CkksBackend backend_;
};

}  // namespace ola::he
