// Makes the Galois keys of a KeyPlan (he/io/param_sets.h) one key at a time, each at the level it
// serves (KeyPlan::key_level: the highest level a layer or a bootstrapper rotates with it; a key at
// level l has l + 1 + k limbs and digits_at(l) digits), the conjugation key at the top level. This
// is what keeps ResNet-sized key sets within memory.
#pragma once

#include "ckks/core/ckks.h"
#include "he/io/param_sets.h"

namespace ola::he {

/// The whole-run set: Galois keys for kp.rotation_steps (+ conjugation if kp.conjugation), made one by one with
/// KeyGenerator::galois_key, each step at kp.key_level[step] (max_level if absent). A rotation above a key's level is refused by the evaluator (ckks::OperandError),
/// never garbled. Peak memory: the result plus one key being made. Tagged with the key pair.
/// @throws ckks::OperandError as KeyGenerator::galois_key.
ckks::GaloisKeys make_galois_keys(const ckks::KeyGenerator& keygen, const KeyPlan& kp);

/// KeyResidency::per_stage: the set of bootstrap slot count `slots` (kp.stage_key_level[slots],
/// each step at its level, and the conjugation key at max_level), made as make_galois_keys does.
/// @throws ola::Error if kp has no stage set for `slots`; ckks::OperandError as
///         KeyGenerator::galois_key.
ckks::GaloisKeys make_stage_galois_keys(const ckks::KeyGenerator& keygen, const KeyPlan& kp, int slots);

/// Bytes held by the keys' polynomials (b and a halves of every digit).
double galois_key_bytes(const ckks::GaloisKeys& keys);

}  // namespace ola::he
