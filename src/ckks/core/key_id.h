// KeyId: the identity of one key pair, so a key or ciphertext of another key pair of the same
// parameter set is refused by name instead of decrypting to noise.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace ola::ckks {

/// 128 random bits drawn from libsodium's CSPRNG when a secret key is sampled, copied into every
/// public, relinearisation and Galois key and every ciphertext made under that key pair, and into
/// their file headers. All zero means "unknown" (objects built by hand); checks between two ids
/// apply only when both are known. The id reveals nothing about the secret.
/// Thread safety: value type.
struct KeyId {
  std::array<std::uint8_t, 16> bytes{};

  /// A fresh random id (never all zero).
  static KeyId random();
  bool known() const;
  /// 32 lowercase hex digits, or "unknown" when all zero.
  std::string hex() const;
  friend bool operator==(const KeyId&, const KeyId&) = default;
};

/// True when a and b may belong to the same key pair: equal, or at least one unknown.
inline bool compatible(const KeyId& a, const KeyId& b) { return !a.known() || !b.known() || a == b; }

/// The id two operands share: the known one of a and b (a if both are known).
/// @pre compatible(a, b).
inline KeyId merged(const KeyId& a, const KeyId& b) { return a.known() ? a : b; }

}  // namespace ola::ckks
