// The server side of an encrypted run in one object: evaluator (relinearisation + Galois keys),
// encoder, the optional ckks::Bootstrapper for the program's slot count, and the CkksBackend bound
// to them, built in the order their references need.
#pragma once

#include <memory>
#include <optional>

#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"
#include "he/ckks_backend.h"

namespace ola::he {

/// Owns what CkksBackend references. Not copyable or movable (the backend points into it).
/// Thread safety: not thread-safe (the backend's counters).
class CkksSession {
 public:
  /// @param boot bootstrapping settings, or none for a program without bootstraps; with them the
  ///        Bootstrapper is built here for `slots` slots (sparse if slots < N/2), which encodes its
  ///        matrices (seconds at N = 2^16).
  /// @pre galois holds the program's rotations; with `boot` also bootstrap_rotation_steps(params,
  ///      *boot, slots) and the conjugation key (he/io/param_sets.h key_plan makes that set).
  /// @throws ckks::OperandError if a key the bootstrapper needs is missing
  /// @throws ola::Error if slots is invalid, as CkksBackend and ckks::Bootstrapper
  CkksSession(const ckks::Params& params, std::shared_ptr<const ckks::RelinKey> relin,
              std::shared_ptr<const ckks::GaloisKeys> galois, const std::optional<ckks::BootstrapLiteral>& boot,
              int slots);
  CkksSession(const CkksSession&) = delete;
  CkksSession& operator=(const CkksSession&) = delete;

  CkksBackend& backend() { return backend_; }
  const ckks::Encoder& encoder() const { return encoder_; }
  /// Null without bootstrapping.
  const ckks::Bootstrapper* bootstrapper() const { return boot_ ? &*boot_ : nullptr; }

 private:
  ckks::Evaluator evaluator_;
  ckks::Encoder encoder_;
  std::optional<ckks::Bootstrapper> boot_;
  CkksBackend backend_;
};

}  // namespace ola::he
