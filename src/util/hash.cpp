#include "util/hash.h"

#include <sodium.h>

#include <cstring>

#include "util/error.h"

namespace ola {

static_assert(sizeof(crypto_generichash_state) <= 384, "Hasher state buffer too small");

namespace {
crypto_generichash_state* as_state(unsigned char* p) {
  return reinterpret_cast<crypto_generichash_state*>(p);
}
}  // namespace

Hasher::Hasher() {
  OLA_CHECK(sodium_init() >= 0, "libsodium initialisation failed");
  crypto_generichash_init(as_state(state_), nullptr, 0, 32);
}

Hasher& Hasher::update(std::span<const std::uint8_t> bytes) {
  crypto_generichash_update(as_state(state_), bytes.data(), bytes.size());
  return *this;
}

Hasher& Hasher::update(std::string_view text) {
  return update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string Hasher::hex() {
  unsigned char out[32];
  crypto_generichash_final(as_state(state_), out, sizeof(out));
  char hex[65];
  sodium_bin2hex(hex, sizeof(hex), out, sizeof(out));
  return std::string(hex, 64);
}

std::string hash_hex(std::span<const std::uint8_t> bytes) { return Hasher().update(bytes).hex(); }
std::string hash_hex(std::string_view text) { return Hasher().update(text).hex(); }

}  // namespace ola
