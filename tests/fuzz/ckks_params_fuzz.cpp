// Fuzz target: the CKKS parameter-file reader (ckks::params_from_bytes) on arbitrary bytes. A
// FormatError (any ola::Error) is the expected answer to bad input; anything else crashes.
// Test-only sets are allowed (the seeds are test-only), so the size caps are what bounds memory.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ckks/core/serialization.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const ola::ckks::Params p = ola::ckks::params_from_bytes(std::span(data, size), "fuzz.params", {.allow_test_only = true});
    // A file that loads must write back to the same bytes (the format has one encoding).
    const auto again = ola::ckks::to_bytes(p);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) __builtin_trap();
  } catch (const ola::Error&) {
  }
  return 0;
}
