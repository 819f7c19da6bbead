// The butterfly factorisation of the encoding's special DFT equals the direct DFT, in plain
// complex arithmetic, for full and sparse slot counts.
#include "ckks/boot/special_dft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "util/error.h"

namespace ola::ckks {
namespace {

ComplexVector random_vector(int n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  ComplexVector v(n);
  for (auto& c : v) c = {u(rng), u(rng)};
  return v;
}

double max_err(const ComplexVector& a, const ComplexVector& b) {
  double e = 0;
  for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, std::abs(a[i] - b[i]));
  return e;
}

TEST(SpecialDft, RotationGroupIsPowersOfFive) {
  const auto g = rotation_group(8);
  EXPECT_EQ(g, (std::vector<std::uint64_t>{1, 5, 25, 29, 17, 21, 9, 13}));
  EXPECT_THROW(rotation_group(6), Error);
}

TEST(SpecialDft, DirectDftIsTheCanonicalEmbeddingOfRealCoefficients) {
  // z_j = sum_{k<2n} c_k zeta^(g_j k) with w_k = c_k + i c_{n+k}.
  std::mt19937_64 rng(7);
  const int n = 16, m = 4 * n;
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> c(2 * n);
  for (auto& x : c) x = u(rng);
  ComplexVector w(n);
  for (int k = 0; k < n; ++k) w[k] = {c[k], c[n + k]};
  const ComplexVector z = special_dft_direct(w);
  const auto g = rotation_group(n);
  for (int j = 0; j < n; ++j) {
    Complex acc = 0;
    for (int k = 0; k < 2 * n; ++k) acc += c[k] * std::polar(1.0, 2 * std::numbers::pi * double((g[j] * k) % m) / m);
    EXPECT_LT(std::abs(acc - z[j]), 1e-12);
  }
}

class DftSizes : public ::testing::TestWithParam<int> {};

TEST_P(DftSizes, ButterfliesOnBitReversedInputEqualDirectDft) {
  const int n = GetParam();
  std::mt19937_64 rng(n);
  const ComplexVector w = random_vector(n, rng);
  ComplexVector x = w;
  bit_reverse_inplace(x);
  for (const auto& s : dft_stages(n)) {
    EXPECT_LE(s.diagonals.size(), 3u);
    x = apply_matrix(s, x);
  }
  EXPECT_LT(max_err(x, special_dft_direct(w)), 1e-12 * n);
}

TEST_P(DftSizes, InverseStagesUndoTheDftIntoBitReversedOrder) {
  const int n = GetParam();
  std::mt19937_64 rng(n + 1);
  const ComplexVector w = random_vector(n, rng);
  ComplexVector x = special_dft_direct(w);
  for (const auto& s : idft_stages(n)) x = apply_matrix(s, x);
  bit_reverse_inplace(x);
  EXPECT_LT(max_err(x, w), 1e-12 * n);
}

TEST_P(DftSizes, MergedFactorsKeepTheProductAndFewDiagonals) {
  const int n = GetParam();
  const auto stages = dft_stages(n);
  const int logn = static_cast<int>(stages.size());
  std::mt19937_64 rng(n + 2);
  const ComplexVector w = random_vector(n, rng);
  ComplexVector wr = w;
  bit_reverse_inplace(wr);
  const ComplexVector ref = special_dft_direct(w);
  for (int levels = 1; levels <= std::min(4, logn); ++levels) {
    const auto merged = merge_stages(stages, levels);
    ASSERT_EQ(static_cast<int>(merged.size()), levels);
    ComplexVector x = wr;
    for (const auto& f : merged) {
      x = apply_matrix(f, x);
    }
    EXPECT_LT(max_err(x, ref), 1e-11 * n) << "levels=" << levels;
    // A product of r butterfly stages has at most 2^(r+1) - 1 diagonals.
    const int biggest = (logn + levels - 1) / levels;
    for (const auto& f : merged) EXPECT_LE(static_cast<int>(f.diagonals.size()), (2 << biggest) - 1);
  }
  const auto inv = merge_stages(idft_stages(n), std::min(3, logn));
  ComplexVector x = ref;
  for (const auto& f : inv) x = apply_matrix(f, x);
  EXPECT_LT(max_err(x, wr), 1e-11 * n);
}

// Full-slot sizes of the test rings (N = 2^12, 2^13) and sparse slot counts.
INSTANTIATE_TEST_SUITE_P(Slots, DftSizes, ::testing::Values(2, 4, 8, 64, 512, 2048, 4096));

TEST(SpecialDft, MergeRejectsBadGroupCount) {
  const auto stages = dft_stages(8);
  EXPECT_THROW(merge_stages(stages, 0), Error);
  EXPECT_THROW(merge_stages(stages, 4), Error);
}

}  // namespace
}  // namespace ola::ckks
