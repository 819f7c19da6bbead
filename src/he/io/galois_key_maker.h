// Makes the Galois keys of a KeyPlan (he/io/param_sets.h) one key at a time, optionally trimmed:
// a key only the program's own layers use keeps just the digits a ciphertext at the plan's
// linear_level decomposes into, so ResNet-sized key sets fit in memory before ckks/core can make
// keys at a lower level.
#pragma once

#include "ckks/core/ckks.h"
#include "he/io/param_sets.h"

namespace ola::he {

/// Galois keys for kp.rotation_steps (+ conjugation if kp.conjugation), made one by one with
/// KeyGenerator::galois_key. With `trim_linear_keys`, each key of kp.linear_only_steps keeps only
/// its first digits_at(kp.linear_level) digits: hybrid key switching of a ciphertext at level l
/// reads only digits 0..digits_at(l) - 1 (ckks/core key_switch), and those rotations happen at
/// levels <= linear_level; a rotation above that level fails with the key switch's digit check
/// (std::logic_error), never silently. Peak memory: the result plus one full key.
/// In memory only: ckks/core's key file reader expects every digit, so trimmed keys are not
/// saved (keygen writes full keys).
/// @throws ckks::OperandError as KeyGenerator::galois_key.
ckks::GaloisKeys make_galois_keys(const ckks::KeyGenerator& keygen, const KeyPlan& kp, bool trim_linear_keys);

/// Bytes held by the keys' polynomials (b and a halves of every digit).
double galois_key_bytes(const ckks::GaloisKeys& keys);

}  // namespace ola::he
