// Fuzz target: the CKKS key readers (secret, public, relinearisation and Galois keys of
// ckks/core/serialization.h) on arbitrary bytes, under the fuzz parameter set (fuzz_params.h).
// Every reader sees every input; the header's kind field makes at most one of them go deep.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ckks/core/serialization.h"
#include "fuzz_params.h"
#include "util/error.h"

namespace {

template <class F>
void expect_only_ola_errors(F&& f) {
  try {
    f();
  } catch (const ola::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ola::ckks;
  const auto& params = ola::fuzz::fuzz_params();
  const std::span<const std::uint8_t> bytes(data, size);
  expect_only_ola_errors([&] { (void)secret_key_from_bytes(bytes, params, "fuzz.sk"); });
  expect_only_ola_errors([&] { (void)public_key_from_bytes(bytes, params, "fuzz.pk"); });
  expect_only_ola_errors([&] { (void)relin_key_from_bytes(bytes, params, "fuzz.rk"); });
  expect_only_ola_errors([&] { (void)galois_keys_from_bytes(bytes, params, "fuzz.gk"); });
  return 0;
}
