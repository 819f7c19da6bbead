// Encryptor (public or secret key) and Decryptor (secret key) of CKKS plaintexts.
#pragma once

#include <optional>

#include "ckks/core/ciphertext.h"
#include "ckks/core/keys.h"
#include "ckks/core/params.h"
#include "ckks/core/plaintext.h"

namespace ola::ckks {

/// Encrypts plaintexts under a public key (c = u*pk + (m + e0, e1), u ternary) or directly under
/// the secret key (c = (-a*s + e + m, a), a uniform). Errors e ~ Gaussian, sigma 3.2.
/// Ciphertexts carry the key's KeyId. Secret temporaries (u, e, a*s) are wiped when freed.
/// Thread safety: const methods are safe to call concurrently.
class Encryptor {
 public:
  /// @throws OperandError if the key was made for other parameters.
  Encryptor(Params params, PublicKey public_key);
  /// @throws OperandError if the key was made for other parameters.
  Encryptor(Params params, SecretKey secret_key);

  /// Encrypts pt at pt.level with pt.scale and pt.slots.
  /// @throws OperandError if pt is not in NTT form or its limbs do not match its level
  Ciphertext encrypt(const Plaintext& pt) const;
  /// An encryption of zero at `level` (scale and slots as given).
  /// @throws OperandError if level is outside 0..max_level
  Ciphertext encrypt_zero(int level, double scale, std::size_t slots) const;

 private:
  Params params_;
  std::optional<PublicKey> pk_;
  std::optional<SecretKey> sk_;
};

/// Decrypts ciphertexts of degree 1 or 2 into NTT-form plaintexts (decode with Encoder).
/// Its copy of the secret key (and s^2 for degree 2) is wiped when freed.
/// Thread safety: const methods are safe to call concurrently.
class Decryptor {
 public:
  /// @throws OperandError if the key was made for other parameters.
  Decryptor(Params params, SecretKey secret_key);
  /// @throws OperandError if ct is not in NTT form, has degree 0 or > 2, or limbs != level + 1
  /// @throws OperandError if ct.key_id and the secret key's id are both known and differ
  ///         ("Decryptor::decrypt: key pair: expected <key id> (the secret key's), got <ct id> ..."),
  ///         instead of returning noise; use check_key_pair (serialization.h) to name the file.
  Plaintext decrypt(const Ciphertext& ct) const;

 private:
  Params params_;
  SecretKey sk_;
};

}  // namespace ola::ckks
