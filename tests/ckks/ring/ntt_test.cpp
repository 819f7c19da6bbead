#include "ckks/ring/ntt.h"

#include <gtest/gtest.h>

#include <random>

#include "ckks/ring/primes.h"
#include "util/error.h"

namespace ola::ckks {
namespace {

std::vector<u64> schoolbook_negacyclic(const std::vector<u64>& a, const std::vector<u64>& b, const Modulus& m) {
  const std::size_t n = a.size();
  std::vector<u64> c(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const u64 prod = mul_mod(a[i], b[j], m);
      const std::size_t k = i + j;
      if (k < n) {
        c[k] = add_mod(c[k], prod, m.value);
      } else {
        c[k - n] = sub_mod(c[k - n], prod, m.value);  // X^N = -1
      }
    }
  }
  return c;
}

class NttTest : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(NttTest, ProductMatchesSchoolbook) {
  const auto [log_n, bits] = GetParam();
  const std::size_t n = std::size_t{1} << log_n;
  const Modulus m(ntt_primes(bits, 1, 2 * n)[0]);
  const NttTables t(n, m);
  std::mt19937_64 rng(42 + static_cast<unsigned>(log_n));
  std::vector<u64> a(n), b(n);
  for (auto& x : a) x = rng() % m.value;
  for (auto& x : b) x = rng() % m.value;
  const auto expect = schoolbook_negacyclic(a, b, m);
  auto fa = a, fb = b;
  t.forward(fa.data());
  t.forward(fb.data());
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_LT(fa[i], m.value);
    fa[i] = mul_mod(fa[i], fb[i], m);
  }
  t.inverse(fa.data());
  EXPECT_EQ(fa, expect);
  // Round trip.
  auto r = a;
  t.forward(r.data());
  t.inverse(r.data());
  EXPECT_EQ(r, a);
}

INSTANTIATE_TEST_SUITE_P(Sizes, NttTest,
                         ::testing::Values(std::pair{4, 30}, std::pair{8, 50}, std::pair{10, 61}, std::pair{11, 59},
                                           std::pair{9, 40}));

TEST(Ntt, OutputOrderIsBitReversedOddPowers) {
  const std::size_t n = 64;
  const Modulus m(ntt_primes(40, 1, 2 * n)[0]);
  const NttTables t(n, m);
  std::vector<u64> a(n);
  std::mt19937_64 rng(7);
  for (auto& x : a) x = rng() % m.value;
  auto f = a;
  t.forward(f.data());
  for (std::size_t i = 0; i < n; ++i) {
    const u64 x = pow_mod(t.psi(), 2 * bit_reverse(i, 6) + 1, m);
    u64 v = 0;
    for (std::size_t k = n; k-- > 0;) v = add_mod(mul_mod(v, x, m), a[k], m.value);
    EXPECT_EQ(f[i], v) << i;
  }
}

// The encoder's subring transform: a polynomial in Y = X^g transformed at size N equals its
// size-N/g transform under the root psi^g, each entry repeated g times (encoder.cpp).
TEST(Ntt, SubringTransformRepeatsOverFullSize) {
  const std::size_t n = 256;
  const Modulus m(ntt_primes(50, 1, 2 * n)[0]);
  const NttTables full(n, m);
  std::mt19937_64 rng(11);
  for (std::size_t g : {std::size_t{2}, std::size_t{8}, std::size_t{128}}) {
    const std::size_t sub_n = n / g;
    const NttTables sub(sub_n, m, pow_mod(full.psi(), g, m));
    std::vector<u64> b(sub_n), a(n, 0);
    for (std::size_t k = 0; k < sub_n; ++k) a[k * g] = b[k] = rng() % m.value;
    full.forward(a.data());
    sub.forward(b.data());
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(a[i], b[i / g]) << "g " << g << " i " << i;
  }
}

TEST(Ntt, RejectsARootThatIsNotPrimitive) {
  const std::size_t n = 64;
  const Modulus m(ntt_primes(40, 1, 2 * n)[0]);
  const NttTables t(n, m);
  EXPECT_THROW(NttTables(n, m, 1), Error);
  EXPECT_THROW(NttTables(n, m, mul_mod(t.psi(), t.psi(), m)), Error);  // order n, not 2n
  EXPECT_NO_THROW(NttTables(n, m, t.psi()));
}

TEST(Modulus, BarrettMatchesDivision) {
  std::mt19937_64 rng(3);
  for (int bits : {20, 40, 59, 61}) {
    const Modulus m(ntt_primes(bits, 1, 1 << 13)[0]);
    for (int i = 0; i < 20000; ++i) {
      const u128 x = (static_cast<u128>(rng()) << 64) | rng();
      ASSERT_EQ(reduce_128(x, m), static_cast<u64>(x % m.value));
      const u64 a = rng() % m.value, b = rng() % m.value;
      ASSERT_EQ(mul_mod(a, b, m), static_cast<u64>(static_cast<u128>(a) * b % m.value));
      const u64 ws = shoup(b, m.value);
      ASSERT_EQ(mul_shoup(rng(), b, ws, m.value) < m.value, true);
    }
    EXPECT_EQ(mul_mod(inv_mod(12345, m), 12345, m), 1u);
    EXPECT_EQ(from_signed(-5, m), m.value - 5);
    EXPECT_EQ(center(m.value - 5, m.value), -5);
  }
  EXPECT_THROW(Modulus(u64{1} << 61), Error);
}

TEST(Primes, NttPrimesAreCongruentAndDistinct) {
  const auto ps = ntt_primes(50, 5, 1 << 17);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    EXPECT_TRUE(is_prime(ps[i]));
    EXPECT_EQ(ps[i] % (1 << 17), 1u);
    EXPECT_LT(ps[i], u64{1} << 50);
    if (i > 0) {
      EXPECT_LT(ps[i], ps[i - 1]);
    }
  }
  EXPECT_FALSE(is_prime(3215031751ULL));  // strong pseudoprime to bases 2, 3, 5, 7
  EXPECT_THROW(ntt_primes(62, 1, 8), Error);
}

}  // namespace
}  // namespace ola::ckks
