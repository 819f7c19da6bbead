#include "ckks/ring/rns_poly.h"

#include <gtest/gtest.h>

#include <random>

#include "ckks/ring/primes.h"

namespace ola::ckks {
namespace {

// The lazy inner product equals term-by-term poly_mul_add, also past the 32-term reduction point
// and with the largest residues (61-bit primes: 32 products of (q-1)^2 near 2^127).
TEST(RnsKernels, InnerProductMatchesTermByTermProducts) {
  const std::size_t n = 1000;  // two blocks of 512, the second partial
  std::mt19937_64 rng(9);
  const std::vector<u64> primes{ntt_primes(61, 1, 1 << 10)[0], ntt_primes(40, 1, 1 << 10)[0]};
  std::vector<Modulus> mods;
  for (u64 q : primes) mods.emplace_back(q);
  for (std::size_t terms : {std::size_t{1}, std::size_t{5}, std::size_t{32}, std::size_t{33}, std::size_t{70}}) {
    std::vector<RnsPoly> a(terms, RnsPoly(n, 2)), b(terms, RnsPoly(n, 2));
    for (std::size_t k = 0; k < terms; ++k) {
      for (std::size_t i = 0; i < 2; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          a[k].limb(i)[j] = j < 8 ? primes[i] - 1 : rng() % primes[i];
          b[k].limb(i)[j] = j < 8 ? primes[i] - 1 : rng() % primes[i];
        }
      }
    }
    RnsPoly want(n, 2), got(n, 2);
    std::vector<const RnsPoly*> pa, pb;
    for (std::size_t k = 0; k < terms; ++k) {
      poly_mul_add(a[k], b[k], want, mods, 2);
      pa.push_back(&a[k]);
      pb.push_back(&b[k]);
    }
    poly_inner_product(pa, pb, got, mods, 2);
    EXPECT_EQ(got.data, want.data) << terms << " terms";
  }
}

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
