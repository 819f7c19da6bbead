// Fuzz target: the CKKS ciphertext reader (ckks::ciphertext_from_bytes) on arbitrary bytes, under
// the fuzz parameter set (fuzz_params.h). A loaded ciphertext is decrypted once to check that the
// reader's output satisfies the Decryptor's preconditions.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ckks/core/ckks.h"
#include "fuzz_params.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ola::ckks;
  static const KeyGenerator keygen(ola::fuzz::fuzz_params());
  static const Decryptor decryptor(ola::fuzz::fuzz_params(), keygen.secret_key());
  try {
    const Ciphertext ct = ciphertext_from_bytes(std::span(data, size), ola::fuzz::fuzz_params(), "fuzz.ct");
    (void)decryptor.decrypt(ct);
  } catch (const ola::Error&) {
  }
  return 0;
}
