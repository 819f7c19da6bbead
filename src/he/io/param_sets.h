// The named parameter sets of the client/server workflow (`--params NAME`): a CKKS chain and, for
// the sets that can bootstrap, the ckks/boot settings; plus what they imply for a program (level
// model, Galois keys) and the evaluation key memory, so keygen can print it before it starts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ckks/boot/bootstrapper.h"
#include "ckks/core/params.h"
#include "he/program/program.h"

namespace ola::he {

/// One named set. Thread safety: a plain value.
struct ParamSet {
  std::string name;
  ckks::ParamsLiteral params;
  std::optional<ckks::BootstrapLiteral> boot;  ///< present: the chain has bootstrapping levels
};

/// The known sets:
///  * "test-n12", "test-n13", "test-n14": test-only rings (ckks::test_literal_n1x), no bootstrapping.
///  * "test-boot-n12", "test-boot-n13": ckks::bootstrap_test_params(log_n) with 4 compute levels of
///    40 bits instead of 2 (special primes widened to cover a key-switching digit), the test
///    bootstrap literal (2 CoeffToSlot, 2 SlotToCoeff levels); insecure, test_only.
///  * "test-boot-n13-dense": test-boot-n13 with a uniform ternary secret and sparse-secret
///    encapsulation (ephemeral weight 32): the n16-dense recipe on a test ring; insecure, test_only.
///  * "n16": ckks::bootstrap_params_n16() with the default BootstrapLiteral (what
///    `ola bench bootstrap --logn 16` runs): 10 compute levels, 128-bit by the HE-standard table
///    (sparse-secret caveat in docs/bootstrapping.md).
///  * "n16-dense": ckks::bootstrap_params_n16_dense(), n16's chain with a uniform ternary secret
///    (128-bit by the HE-standard table with no sparse-secret caveat) and sparse-secret
///    encapsulation in its bootstrapping (ephemeral weight 32).
///  * "n16-dense-l11": ckks::bootstrap_params_n16_dense_l11() with its literal: n16-dense with 11
///    compute levels, EvalMod at K = 12 taking one level less (encapsulation bounds |I|).
///  * "n16-deep": ckks::bootstrap_params_n16_deep(), the same bootstrapping with 15 compute levels
///    (dnum 8), for plans whose blocks need more than 10 levels between bootstraps.
///  * "n16-deep-dense": ckks::bootstrap_params_n16_deep_dense(): n16-deep with n16-dense-l11's
///    secret and bootstrapping, whose EvalMod prime fewer is a 16th compute level.
/// @throws ola::Error naming the known sets if `name` is none of them.
ParamSet param_set_by_name(const std::string& name);

/// "test-n12, test-n13, test-n14, test-boot-n12, test-boot-n13, test-boot-n13-dense, n16, n16-dense, n16-dense-l11, n16-deep, n16-deep-dense" (help texts, errors).
std::string param_set_names();

/// The sets with a bootstrapping chain, "test-boot-n12, test-boot-n13, test-boot-n13-dense, n16, n16-dense, n16-dense-l11, n16-deep, n16-deep-dense" (the
/// `--params` of `ola bench costs|bootstrap`).
std::string bootstrapping_param_set_names();

/// Level a bootstrapped ciphertext comes out at: max_level - (cts + EvalMod depth + stc), the same
/// sum as ckks::Bootstrapper::depth() without building one.
/// @throws ola::Error if the EvalMod literal is invalid or the chain is too short for it.
int bootstrap_output_level(const ckks::Params& params, const ckks::BootstrapLiteral& boot);

/// Compile options for `params`: `slots` (0: N/2; else a power of two <= N/2, sparse packing and
/// sparse-slot bootstrapping), `stage_bootstraps` (ProgramOptions: each bootstrap at its register's
/// period). Without `boot`: fresh level max_level, bootstraps refused. With
/// `boot`: fresh level = boot level = bootstrap_output_level (the primes above it are the
/// bootstrapper's, 60 bits, unfit for the 2^40 computation scale), bootstraps allowed.
/// @throws ola::Error if slots is not 0 or a power of two in 1..N/2, or as bootstrap_output_level.
ProgramOptions program_options_for(const ckks::Params& params, const std::optional<ckks::BootstrapLiteral>& boot,
                                   int slots = 0, bool stage_bootstraps = false);

/// Where a program's bootstrapping keys live while it runs (he/ckks_session.h).
enum class KeyResidency {
  /// One key set: every step once, at the highest level any layer or bootstrapper uses it.
  together,
  /// The layers' keys (relin, their rotations at their levels) in one set held for the whole run;
  /// each bootstrap slot count's keys (its CoeffToSlot / SlotToCoeff / SubSum rotations at their
  /// levels, and the conjugation key) in a set of its own that is loaded with that count's
  /// bootstrapper and freed with it. With per-stage sparse bootstraps one stage's set is held at a
  /// time: the most-resident bytes fall from the union to the layers' keys plus the largest stage.
  per_stage,
};

/// The Galois keys a program needs: its rotation steps, plus for a program with bootstraps the
/// union over its bootstrap slot counts n (bootstraps_by_slots) of
/// ckks::bootstrap_rotation_steps(params, boot, n) (CoeffToSlot / SlotToCoeff and SubSum steps),
/// and the conjugation key; split as `residency` says.
/// Thread safety: a plain value.
struct KeyPlan {
  KeyResidency residency = KeyResidency::together;
  /// The steps of the set held for the whole run, ascending, distinct, in [1, N/2): with
  /// `together` every step, with `per_stage` the layers' steps only.
  std::vector<int> rotation_steps;
  bool conjugation = false;  ///< the whole-run set has the conjugation key (`together` and bootstraps)
  /// Ascending slot counts the program bootstraps at (empty: none): infer builds one
  /// ckks::Bootstrapper per count (he/ckks_session.h).
  std::vector<int> bootstrap_slots;
  /// The program bootstraps with sparse-secret encapsulation (BootstrapLiteral::
  /// ephemeral_hamming_weight > 0): keygen makes the two encapsulation keys as well.
  bool encapsulation = false;
  std::size_t galois_keys = 0;      ///< Galois keys made, over all sets (rotations + conjugation)
  /// Highest level at which the program's own layers (conv, shortcut, pool_fc) rotate.
  int linear_level = 0;
  /// Steps only the program's layers use (not the bootstrapper), reported by keygen; the level each
  /// key is made at is key_level's.
  std::vector<int> linear_only_steps;
  /// Every step of rotation_steps -> the level its key is made at: the highest level at which a
  /// program layer (its step's level_before) or (`together`) a bootstrapper
  /// (ckks::bootstrap_rotation_levels) rotates with it (linear_level for a step no compiled layer
  /// claims). A key at level l has l + 1 + k limbs and digits_at(l) digits, so keys used only low in
  /// the chain (most convolutions, SlotToCoeff) are a fraction of a top-level key.
  std::map<int, int> key_level;
  /// `per_stage` only: bootstrap slot count -> its set's steps -> level (plus the conjugation key
  /// at max_level in every stage set).
  std::map<int, std::map<int, int>> stage_key_level;
  /// Evaluation key memory as made, all sets: relin and conjugation at max_level, each rotation key
  /// switching_key_bytes(params, its level), and with sparse-secret encapsulation its two keys
  /// (level 0 and max_level).
  double bytes = 0.0;
  /// The most of it held at once: `together` all of it; `per_stage` relin, the whole-run set and
  /// the largest stage set.
  double resident_bytes = 0.0;
  /// The same with every key at max_level (what a key set without levels would take).
  double bytes_full_level = 0.0;
};

/// @throws ola::Error if p bootstraps and boot is empty; as ckks::bootstrap_rotation_steps (a
///         bootstrap step whose slot count is not a power of two in 2..N/2).
KeyPlan key_plan(const ckks::Params& params, const std::optional<ckks::BootstrapLiteral>& boot, const Program& p,
                 KeyResidency residency = KeyResidency::together);

/// One line for logs, printed by keygen before it starts: parameters, slots, bootstraps, key
/// count and memory: "<params summary>, <n> slots, <b> bootstraps (<b1> at <n1> slots, ...): relin
/// + <g> Galois keys (with conjugation), <m> of them at level <l>: <x> GB of evaluation keys (<y>
/// GB at full level)".
std::string describe_key_plan(const ckks::Params& params, const Program& p, const KeyPlan& k);

/// Memory of one switching key for ciphertexts up to `level` (-1: max_level, as
/// ckks::KeyGenerator makes them by default): digits_at(level) digits x (b, a) polynomials over
/// level + 1 + k primes, N 64-bit words each.
/// @throws ola::Error if level is outside -1..max_level.
double switching_key_bytes(const ckks::Params& params, int level = -1);
/// Memory of the two sparse-secret encapsulation keys: s -> s_e at level 0, s_e -> s at max_level.
double encapsulation_key_bytes(const ckks::Params& params);

}  // namespace ola::he
