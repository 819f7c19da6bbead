// The bootstrapping chain a benchmark measures: `--logn` (the historical choice: 16 = the n16 set,
// 12..14 = ckks::bootstrap_test_params) or `--params NAME` (any he param set with a bootstrapping
// chain, e.g. n16-deep). One resolver for `ola bench costs` and `ola bench bootstrap`, so the two
// tables they write describe the same chain.
#pragma once

#include <string>

#include "ckks/boot/bootstrapper.h"
#include "ckks/core/params.h"

namespace ola::cli {

struct BenchChain {
  std::string name;  ///< the param set name recorded in cost tables ("" for the --logn test chains)
  ckks::ParamsLiteral params;
  ckks::BootstrapLiteral boot;
};

/// `params_name` wins when not empty. `command` names the caller in errors.
/// @throws ola::Error if log_n is not 12..14 or 16, or params_name is unknown or has no
///         bootstrapping chain.
BenchChain resolve_bench_chain(const std::string& command, int log_n, const std::string& params_name);

}  // namespace ola::cli
