#include "ckks/core/key_id.h"

#include <sodium.h>

#include "util/error.h"

namespace ola::ckks {

KeyId KeyId::random() {
  OLA_CHECK(sodium_init() >= 0, "libsodium initialisation failed");
  KeyId id;
  do {
    randombytes_buf(id.bytes.data(), id.bytes.size());
  } while (!id.known());
  return id;
}

bool KeyId::known() const {
  for (std::uint8_t b : bytes) {
    if (b != 0) return true;
  }
  return false;
}

std::string KeyId::hex() const {
  if (!known()) return "unknown";
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

}  // namespace ola::ckks
