// A program run encrypted end to end in memory, as a client and a server would run it through
// files (he/io, `ola keygen|encrypt|infer|decrypt`): keygen, the server's session, then per image
// encrypt, run, decrypt, and the same program on the slot simulator (the reference the encrypted
// logits are compared with). Shared by `ola bench infer` and `ola demo`.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "ckks/boot/bootstrapper.h"
#include "ckks/core/ckks.h"
#include "he/ckks_session.h"
#include "he/io/param_sets.h"
#include "he/program/program.h"
#include "he/program/run_program.h"
#include "nn/ir/tensor.h"

namespace ola::he {

/// One image's logits: decrypted, and from the program's simulation (SlotSimBackend, 40-bit
/// simulated noise-free scale, as `ola infer --simulate`), and the encrypted run's seconds.
struct EncryptedImage {
  std::vector<double> logits, simulated_logits;
  double infer_seconds = 0.0;  ///< run_program on the ciphertext (not encrypt, decrypt or simulation)
};

/// Callbacks for progress lines and measurements; every one may be empty.
struct EncryptedRunHooks {
  /// After keygen, with its seconds.
  std::function<void(double seconds)> on_keygen;
  /// After the session is built (its first bootstrapper, if any), with its seconds; the session
  /// stays valid until run_encrypted returns (e.g. for its bootstrapper counters in on_step).
  std::function<void(double seconds, const CkksSession& session)> on_setup;
  /// After every step of every encrypted run (run_program's observer).
  StepObserver on_step;
  /// After every image (its index in `images`), with its decrypted logits and the simulation's.
  std::function<void(std::size_t image, const EncryptedImage& result)> on_image;
};

struct EncryptedRun {
  std::vector<EncryptedImage> images;
  double keygen_seconds = 0.0;  ///< secret, relinearisation and Galois keys
  double setup_seconds = 0.0;   ///< the session (evaluator, encoder, first bootstrapper)
  double infer_seconds = 0.0;   ///< run_program on the ciphertexts, summed over the images
  double eval_key_bytes = 0.0;  ///< relinearisation + Galois keys as made (every stage's)
  int bootstrapper_builds = 0;  ///< up front and during the runs (he/ckks_session.h)
  double bootstrapper_build_seconds = 0.0;
};

/// Runs `p` encrypted on images 0 .. count - 1 of `images` ([N, C, H, W], normalised as
/// nn::load_cifar10 returns them) with fresh keys, and on the simulator. With a per-stage key plan
/// (KeyResidency::per_stage) each stage's keys are written to a file in a private temporary
/// directory (removed on return) and loaded with its bootstrapper, as a server would read them.
/// @pre kp == key_plan(params, boot, p).
/// @throws ola::Error if count > N or as image_map, CkksSession and run_program (e.g. a program
///         that bootstraps without boot).
EncryptedRun run_encrypted(const ckks::Params& params, const std::optional<ckks::BootstrapLiteral>& boot,
                           const Program& p, const KeyPlan& kp, const nn::Tensor& images, std::size_t count,
                           const EncryptedRunHooks& hooks = {});

}  // namespace ola::he
