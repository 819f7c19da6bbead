// The parameter set the CKKS fuzz targets and their seed corpora use: the smallest ring Params
// accepts (N = 2^12) with one 50-bit q and one 50-bit p, so a valid ciphertext or relinearisation
// key fits a seed of 64 KB. Test-only and NOT secure (test_only = true).
#pragma once

#include "ckks/core/params.h"

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

}  // namespace ola::fuzz
