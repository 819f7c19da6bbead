#include "ckks/core/keys.h"

namespace ola::ckks {

std::uint64_t galois_element_for_step(const Params& params, int step) {
  const std::uint64_t two_n = 2 * params.n();
  const std::int64_t slots = static_cast<std::int64_t>(params.n() / 2);
  std::int64_t s = step % slots;
  if (s < 0) s += slots;
  // 5^s mod 2N.
  std::uint64_t g = 1, b = 5;
  auto e = static_cast<std::uint64_t>(s);
  while (e != 0) {
    if (e & 1) g = (g * b) & (two_n - 1);
    b = (b * b) & (two_n - 1);
    e >>= 1;
  }
  return g;
}

std::uint64_t galois_element_conjugate(const Params& params) { return 2 * params.n() - 1; }

}  // namespace ola::ckks
