// The parameter set the CKKS fuzz targets and their seed corpora use: the smallest ring Params
// accepts (N = 2^12) with one 50-bit q and one 50-bit p, so a valid ciphertext or relinearisation
// key fits a seed of 64 KB. Test-only and NOT secure (test_only = true).
#pragma once

#include <cstdint>
#include <vector>

#include "ckks/core/params.h"
#include "ckks/core/serialization.h"

namespace ola::fuzz {

/// The literal of fuzz_params(): log_n 12, log_q {50}, log_p {50}, scale 2^40, test_only.
inline ckks::ParamsLiteral fuzz_literal() {
  return ckks::ParamsLiteral{.log_n = 12, .log_q = {50}, .log_p = {50}, .log_default_scale = 40, .test_only = true};
}

/// Built once per process. Thread safety: the returned Params is immutable.
inline const ckks::Params& fuzz_params() {
  static const ckks::Params params(fuzz_literal());
  return params;
}

/// The bytes of a params file (docs/file-formats.md) asking for N = 2^log_n with q_primes and
/// p_primes primes of 61 bits, test_only, and a well-formed header whose fingerprint (64 '0'
/// digits) matches no set: a malicious file that must be refused from its sizes, before the
/// reader builds any table (regression seed `regression-huge-ring.bin`, docs/security.md).
inline std::vector<std::uint8_t> params_file(std::uint32_t log_n, std::uint32_t q_primes, std::uint32_t p_primes) {
  std::vector<std::uint8_t> payload;
  auto put = [](std::vector<std::uint8_t>& b, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  put(payload, log_n, 4);
  put(payload, q_primes, 4);
  for (std::uint32_t i = 0; i < q_primes; ++i) put(payload, 61, 4);
  put(payload, p_primes, 4);
  for (std::uint32_t i = 0; i < p_primes; ++i) put(payload, 61, 4);
  put(payload, 0, 4);                    // dnum (derived)
  put(payload, 0x4044000000000000, 8);  // log_default_scale = 40.0
  put(payload, 0, 4);                    // uniform ternary
  put(payload, 0, 4);                    // hamming weight
  payload.push_back(1);                  // test_only
  std::vector<std::uint8_t> out = {'O', 'L', 'A', 'C', 'K', 'K', 'S', '1'};
  put(out, ckks::kFormatVersion, 4);
  put(out, static_cast<std::uint32_t>(ckks::FileKind::params), 4);
  out.insert(out.end(), 64, '0');  // fingerprint
  out.insert(out.end(), 16, 0);    // key id (none)
  put(out, payload.size(), 8);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace ola::fuzz
