// Content fingerprints (BLAKE2b via libsodium) used to tie files to the parameters, model and data
// they were made with.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ola {

/// Incremental 256-bit BLAKE2b hash; hex() gives the 64-character digest.
class Hasher {
 public:
  Hasher();
  Hasher& update(std::span<const std::uint8_t> bytes);
  Hasher& update(std::string_view text);
  /// Hashes the raw bytes of a trivially copyable value (fixed-width integers, doubles).
  template <class T>
  Hasher& update_value(const T& v) {
    return update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(&v), sizeof(T)));
  }
  /// Finishes the hash; the Hasher must not be used afterwards.
  std::string hex();

 private:
  alignas(64) unsigned char state_[384];
};

/// One-shot hex digest.
std::string hash_hex(std::span<const std::uint8_t> bytes);
std::string hash_hex(std::string_view text);

}  // namespace ola
