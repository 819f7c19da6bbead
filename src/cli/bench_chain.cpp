#include "cli/bench_chain.h"

#include "ckks/boot/boot_params.h"
#include "he/io/param_sets.h"
#include "util/error.h"

namespace ola::cli {

BenchChain resolve_bench_chain(const std::string& command, int log_n, const std::string& params_name) {
  if (!params_name.empty()) {
    he::ParamSet set = he::param_set_by_name(params_name);
    if (!set.boot) {
      throw Error(ola::mismatch(command, "--params", "a set with a bootstrapping chain (" + he::bootstrapping_param_set_names() + ")",
                                params_name));
    }
    return {set.name, set.params, *set.boot};
  }
  if (log_n < 12 || log_n > 16 || log_n == 15) {
    throw Error(ola::mismatch(command, "--logn", "12, 13, 14 (test-only chains) or 16", log_n));
  }
  if (log_n == 16) return {"n16", ckks::bootstrap_params_n16(), ckks::BootstrapLiteral{}};
  return {"", ckks::bootstrap_test_params(log_n), ckks::bootstrap_test_literal()};
}

}  // namespace ola::cli
