// The files of the client/server workflow (docs/he-workflow.md): the client's secret file, the
// server's evaluation keys, and the encrypted logits, each a container of ckks/core serialized
// objects (docs/file-formats.md) with a program fingerprint, so a file of another parameter set,
// model or plan is refused by name and value.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ckks/core/ckks.h"
#include "he/layout.h"
#include "he/program/program.h"

namespace ola::he {

/// Digest of what the keys and ciphertexts of a program depend on: the input layout, the rotation
/// set, the steps with their levels (and bootstrap slot counts) and the activation polynomials
/// (util/hash.h hex).
std::string program_fingerprint(const Program& p);

/// The client's file: parameters, secret key, and what `encrypt` needs of the program.
/// Thread safety: a plain value.
struct ClientSecret {
  ckks::Params params;
  ckks::SecretKey secret;
  Layout input_layout;
  int fresh_level = 0;
  std::string program;  ///< program_fingerprint
};

/// The server's keys: relinearisation key and exactly the program's Galois keys (he/io/
/// param_sets.h key_plan: with the bootstrapper's steps and the conjugation key if it bootstraps).
/// Thread safety: a plain value.
struct EvaluationKeys {
  ckks::Params params;
  ckks::RelinKey relin;
  ckks::GaloisKeys galois;
  std::vector<int> rotation_steps;  ///< the steps the Galois keys were made for
  std::string program;              ///< program_fingerprint
  std::string param_set;            ///< the set's name (he/io/param_sets.h): its bootstrap settings
  int slots = 0;                    ///< the program's slot count
  /// ProgramOptions::stage_bootstraps of the program (absent in older files: false)
  bool stage_bootstraps = false;
  /// Keys per stage (KeyResidency::per_stage): the bootstrap slot counts with a key set of their
  /// own (ascending; empty: every key is in `galois`).
  std::vector<int> stage_slots = {};
  /// Those sets, one per stage_slots entry, as the client writes them. load_evaluation_keys leaves
  /// this empty (the server loads a set when its stage starts: load_stage_galois_keys).
  std::map<int, ckks::GaloisKeys> stage_galois = {};
  /// Sparse-secret encapsulation keys, when the set's bootstrapping uses them (the last
  /// section of the file; meta "encapsulation_weight"); null otherwise.
  std::shared_ptr<const ckks::EncapsulationKeys> encapsulation = nullptr;
};

/// Encrypted logits and where they sit in the slots.
/// Thread safety: a plain value.
struct EncryptedLogits {
  ckks::Ciphertext ct;
  std::vector<int> logit_slots;
  std::string program;
};

/// Writes atomically with mode 0600. @throws ola::Error if the file cannot be written.
void save_client_secret(const std::filesystem::path& path, const ClientSecret& s);
/// @throws ola::FormatError if the file is not a client secret file (naming what it is) or is malformed.
ClientSecret load_client_secret(const std::filesystem::path& path);

/// Writes atomically (0644); the stage sets are sections of their own after the others.
/// @throws ola::Error if the file cannot be written or k.stage_galois does not hold exactly the
///         sets of k.stage_slots.
void save_evaluation_keys(const std::filesystem::path& path, const EvaluationKeys& k);

/// Makes the Galois keys of one bootstrap slot count's stage (make_stage_galois_keys).
using StageKeyMaker = std::function<ckks::GaloisKeys(int slots)>;

/// save_evaluation_keys with k.stage_galois empty and each set of k.stage_slots made by
/// `make_stage` when its section is written, then freed: the client holds one stage set at a time
/// (at n16 several GB each); every Galois-key section is streamed to the file one key at a time.
/// Same bytes as the other overload with the same sets.
/// @throws ola::Error if the file cannot be written or k.stage_galois is not empty; exceptions of
///         make_stage pass through (no file is left).
void save_evaluation_keys(const std::filesystem::path& path, const EvaluationKeys& k, const StageKeyMaker& make_stage);
/// Reads everything but the stage sets (their sections are skipped, not read). Never parses secret
/// material: the kind is checked from the first bytes.
/// @throws ola::FormatError if the file is a secret key (client file or ckks secret key file), of
///         another kind, or malformed (e.g. truncated: a section past the end of the file).
EvaluationKeys load_evaluation_keys(const std::filesystem::path& path);
/// Reads the stage set of `slots` from an evaluation key file (only its section), checking it
/// belongs to `params` and to the key pair `key_id` (the file's relinearisation key's).
/// @throws ola::FormatError if the file has no stage set for `slots`, is malformed, or the set is
///         of other parameters or another key pair.
ckks::GaloisKeys load_stage_galois_keys(const std::filesystem::path& path, const ckks::Params& params,
                                        const ckks::KeyId& key_id, int slots);

/// @throws ola::Error if the file cannot be written.
void save_encrypted_logits(const std::filesystem::path& path, const EncryptedLogits& l, const ckks::Params& params);
/// @throws ola::FormatError if the file is not encrypted logits, or of other parameters than `params`.
EncryptedLogits load_encrypted_logits(const std::filesystem::path& path, const ckks::Params& params);

/// Reads a ckks ciphertext file, refusing a secret key file first.
/// @throws ola::FormatError if the file is a secret key, or as ckks::load_ciphertext (other params).
ckks::Ciphertext load_input_ciphertext(const std::filesystem::path& path, const ckks::Params& params);

}  // namespace ola::he
