#include "ckks/ring/base_converter.h"

#include <gtest/gtest.h>

#include <random>

#include "ckks/ring/primes.h"
#include "util/error.h"
#include "ckks/ring/sampler.h"

namespace ola::ckks {
namespace {

TEST(BaseConverter, ExtensionIsExactUpToMultipleOfSourceProduct) {
  // Source base of two primes so the integer x < A fits in 128 bits and can be checked exactly.
  const auto src = ntt_primes(50, 2, 1 << 10);
  const auto dst = ntt_primes(45, 3, 1 << 10);
  std::vector<Modulus> a{Modulus(src[0]), Modulus(src[1])};
  std::vector<Modulus> b{Modulus(dst[0]), Modulus(dst[1]), Modulus(dst[2])};
  const BaseConverter conv(a, b);
  const std::size_t n = 300;
  std::mt19937_64 rng(1);
  const u128 big_a = static_cast<u128>(src[0]) * src[1];
  std::vector<u128> x(n);
  std::vector<std::vector<u64>> in(2, std::vector<u64>(n)), out(3, std::vector<u64>(n));
  for (std::size_t c = 0; c < n; ++c) {
    x[c] = ((static_cast<u128>(rng()) << 64) | rng()) % big_a;
    in[0][c] = static_cast<u64>(x[c] % src[0]);
    in[1][c] = static_cast<u64>(x[c] % src[1]);
  }
  const u64* ip[2] = {in[0].data(), in[1].data()};
  u64* op[3] = {out[0].data(), out[1].data(), out[2].data()};
  conv.convert(ip, op, n);
  for (std::size_t c = 0; c < n; ++c) {
    bool ok = false;
    for (u128 u = 0; u < 2 && !ok; ++u) {
      const u128 v = x[c] + u * big_a;
      ok = true;
      for (int j = 0; j < 3; ++j) ok = ok && out[static_cast<std::size_t>(j)][c] == static_cast<u64>(v % dst[static_cast<std::size_t>(j)]);
    }
    EXPECT_TRUE(ok) << c;
  }
}

TEST(BaseConverter, CenteredExtensionIsTheCenteredLift) {
  // 60-bit targets exercise the Shoup bounds of the vector path; n = 300 leaves a scalar tail.
  const auto src = ntt_primes(50, 2, 1 << 10);
  const auto dst = ntt_primes(60, 3, 1 << 10);
  std::vector<Modulus> a{Modulus(src[0]), Modulus(src[1])};
  std::vector<Modulus> b{Modulus(dst[0]), Modulus(dst[1]), Modulus(dst[2])};
  const BaseConverter conv(a, b);
  const std::size_t n = 300;
  std::mt19937_64 rng(2);
  const u128 big_a = static_cast<u128>(src[0]) * src[1];
  std::vector<u128> x(n);
  std::vector<std::vector<u64>> in(2, std::vector<u64>(n)), out(3, std::vector<u64>(n)), plain(3, std::vector<u64>(n));
  for (std::size_t c = 0; c < n; ++c) {
    x[c] = ((static_cast<u128>(rng()) << 64) | rng()) % big_a;
    if (c < 4) x[c] = c;                // small positive values
    if (c >= 4 && c < 8) x[c] = big_a - (c - 3);  // small negative values
    in[0][c] = static_cast<u64>(x[c] % src[0]);
    in[1][c] = static_cast<u64>(x[c] % src[1]);
  }
  const u64* ip[2] = {in[0].data(), in[1].data()};
  u64* op[3] = {out[0].data(), out[1].data(), out[2].data()};
  u64* pp[3] = {plain[0].data(), plain[1].data(), plain[2].data()};
  conv.convert_centered(ip, op, n);
  conv.convert(ip, pp, n);
  int checked = 0;
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t j = 0; j < 3; ++j) {
      const u128 q = dst[j];
      // Approximate extension: x or x + A.
      const u64 r0 = static_cast<u64>(x[c] % q), r1 = static_cast<u64>((x[c] + big_a) % q);
      EXPECT_TRUE(plain[j][c] == r0 || plain[j][c] == r1) << c << " " << j;
    }
    // Centered: x if x < A/2, else x - A (skipping values within 2^-40 A of A/2).
    const u128 half = big_a / 2, margin = big_a >> 40;
    if (x[c] + margin > half && x[c] < half + margin) continue;
    ++checked;
    for (std::size_t j = 0; j < 3; ++j) {
      const u128 q = dst[j];
      const u64 want = x[c] < half ? static_cast<u64>(x[c] % q)
                                   : static_cast<u64>((q - (big_a - x[c]) % q) % q);
      EXPECT_EQ(out[j][c], want) << c << " " << j;
    }
  }
  EXPECT_GT(checked, 290);
}

TEST(Sampler, UniformIsDeterministicPerSeedAndInRange) {
  const auto ps = ntt_primes(40, 2, 1 << 10);
  std::vector<Modulus> mods{Modulus(ps[0]), Modulus(ps[1])};
  const Seed s = random_seed();
  RnsPoly a(512, 2), b(512, 2), c(512, 2);
  sample_uniform(s, mods, a);
  sample_uniform(s, mods, b);
  sample_uniform(random_seed(), mods, c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (std::size_t i = 0; i < 2; ++i) {
    double mean = 0;
    for (std::size_t j = 0; j < 512; ++j) {
      ASSERT_LT(a.limb(i)[j], ps[i]);
      mean += static_cast<double>(a.limb(i)[j]) / static_cast<double>(ps[i]);
    }
    EXPECT_NEAR(mean / 512, 0.5, 0.08);
  }
}

TEST(Sampler, TernaryHammingGaussian) {
  const auto t = sample_ternary(3000);
  int counts[3] = {0, 0, 0};
  for (auto v : t) {
    ASSERT_TRUE(v >= -1 && v <= 1);
    ++counts[v + 1];
  }
  for (int c : counts) EXPECT_NEAR(c, 1000, 150);
  const auto h = sample_ternary_hamming(4096, 192);
  int nz = 0;
  for (auto v : h) nz += v != 0;
  EXPECT_EQ(nz, 192);
  EXPECT_THROW(sample_ternary_hamming(10, 11), Error);
  const auto g = sample_gaussian(20000, 3.2);
  double var = 0;
  for (auto v : g) {
    ASSERT_LE(std::abs(v), 20);
    var += static_cast<double>(v * v);
  }
  EXPECT_NEAR(std::sqrt(var / 20000), 3.2, 0.15);
}

}  // namespace
}  // namespace ola::ckks
