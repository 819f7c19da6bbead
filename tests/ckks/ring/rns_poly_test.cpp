#include "ckks/ring/rns_poly.h"

#include <gtest/gtest.h>

#include <random>

#include "ckks/ring/primes.h"

namespace ola::ckks {
namespace {

// Rescaling kernels against u128 arithmetic, for a source prime larger and smaller than the target
// (n = 100 covers the vector body and the scalar tail).
TEST(RnsKernels, CenteredResidueAndSubMulShoup) {
  const std::size_t n = 100;
  std::mt19937_64 rng(5);
  const u64 big = ntt_primes(61, 1, 1 << 10)[0], small = ntt_primes(40, 1, 1 << 10)[0];
  for (const auto& [from, to] : {std::pair{big, small}, std::pair{small, big}, std::pair{big, ntt_primes(60, 1, 1 << 10)[0]}}) {
    const Modulus m(to);
    std::vector<u64> in(n), out(n);
    for (auto& v : in) v = rng() % from;
    in[0] = 0;
    in[1] = from >> 1;        // largest value lifted as itself
    in[2] = (from >> 1) + 1;  // smallest value lifted as negative
    in[3] = from - 1;         // -1
    centered_residue(in.data(), out.data(), n, from, m);
    for (std::size_t j = 0; j < n; ++j) {
      const u64 want = in[j] <= from / 2 ? static_cast<u64>(in[j] % to)
                                          : static_cast<u64>((to - (from - in[j]) % to) % to);
      ASSERT_EQ(out[j], want) << j << " from " << from << " to " << to;
    }
    std::vector<u64> x(n), t(n);
    for (std::size_t j = 0; j < n; ++j) {
      x[j] = rng() % to;
      t[j] = rng() % to;
    }
    const u64 w = rng() % to;
    auto got = x;
    sub_mul_shoup(got.data(), t.data(), n, w, shoup(w, to), to);
    for (std::size_t j = 0; j < n; ++j) {
      const u128 d = (static_cast<u128>(x[j]) + to - t[j]) % to;
      ASSERT_EQ(got[j], static_cast<u64>(d * w % to)) << j;
    }
  }
}

}  // namespace
}  // namespace ola::ckks
