// Plain-vector tests of the diagonal method and its baby-step giant-step schedule, with rotations
// modelled by std::rotate.
#include "ckks/lintrans/bsgs_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
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

std::vector<ComplexVector> random_dense(int n, std::mt19937_64& rng) {
  std::vector<ComplexVector> rows(n);
  for (auto& r : rows) r = random_vector(n, rng);
  return rows;
}

ComplexVector dense_apply(const std::vector<ComplexVector>& rows, const ComplexVector& x) {
  ComplexVector y(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < x.size(); ++j) y[i] += rows[i][j] * x[j];
  }
  return y;
}

double max_err(const ComplexVector& a, const ComplexVector& b) {
  double e = 0;
  for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, std::abs(a[i] - b[i]));
  return e;
}

TEST(RotateLeft, MatchesStdRotateAndWrapsNegative) {
  ComplexVector v{1.0, 2.0, 3.0, 4.0, 5.0};
  ComplexVector expect = v;
  std::rotate(expect.begin(), expect.begin() + 2, expect.end());
  EXPECT_EQ(rotate_left(v, 2), expect);
  EXPECT_EQ(rotate_left(v, -3), expect);
  EXPECT_EQ(rotate_left(v, 7), expect);
  EXPECT_THROW(rotate_left(ComplexVector{}, 1), Error);
}

TEST(DiagonalMatrix, DenseRoundTripAndApply) {
  std::mt19937_64 rng(1);
  const auto rows = random_dense(16, rng);
  const DiagonalMatrix m = from_dense(rows);
  EXPECT_EQ(m.diagonals.size(), 16u);
  const auto back = to_dense(m);
  for (int i = 0; i < 16; ++i) EXPECT_LT(max_err(back[i], rows[i]), 1e-15);
  const ComplexVector x = random_vector(16, rng);
  EXPECT_LT(max_err(apply_matrix(m, x), dense_apply(rows, x)), 1e-12);
}

TEST(DiagonalMatrix, ProductMatchesSequentialApplication) {
  std::mt19937_64 rng(2);
  const DiagonalMatrix a = from_dense(random_dense(8, rng));
  DiagonalMatrix b{8, {}};
  b.diagonals[3] = random_vector(8, rng);
  b.diagonals[6] = random_vector(8, rng);
  const ComplexVector x = random_vector(8, rng);
  const DiagonalMatrix ab = multiply(a, b);
  EXPECT_LT(max_err(apply_matrix(ab, x), apply_matrix(a, apply_matrix(b, x))), 1e-12);
}

TEST(DiagonalMatrix, ProductOfSparseDiagonalsAddsOffsets) {
  std::mt19937_64 rng(3);
  DiagonalMatrix a{32, {}}, b{32, {}};
  a.diagonals[1] = random_vector(32, rng);
  b.diagonals[4] = random_vector(32, rng);
  const DiagonalMatrix ab = multiply(a, b);
  ASSERT_EQ(ab.diagonals.size(), 1u);
  EXPECT_EQ(ab.diagonals.begin()->first, 5);
}

TEST(DiagonalMatrix, LiftActsOnPeriodicVectors) {
  std::mt19937_64 rng(4);
  const DiagonalMatrix small = from_dense(random_dense(4, rng));
  const DiagonalMatrix big = lift(small, 16);
  const ComplexVector x = random_vector(4, rng);
  ComplexVector xr(16);
  for (int i = 0; i < 16; ++i) xr[i] = x[i % 4];
  const ComplexVector ys = apply_matrix(small, x);
  const ComplexVector yb = apply_matrix(big, xr);
  for (int i = 0; i < 16; ++i) EXPECT_LT(std::abs(yb[i] - ys[i % 4]), 1e-12);
  EXPECT_THROW(lift(small, 6), Error);
}

TEST(DiagonalMatrix, RejectsMismatchedSizes) {
  DiagonalMatrix bad{4, {}};
  bad.diagonals[5] = ComplexVector(4);
  EXPECT_THROW(validate(bad), Error);
  EXPECT_THROW(apply_matrix(identity_matrix(4), ComplexVector(3)), Error);
  EXPECT_THROW(multiply(identity_matrix(4), identity_matrix(8)), Error);
}

TEST(BsgsPlan, DenseMatrixEqualsDiagonalMethod) {
  std::mt19937_64 rng(5);
  const int n = 64;
  const auto rows = random_dense(n, rng);
  const DiagonalMatrix m = from_dense(rows);
  const ComplexVector x = random_vector(n, rng);
  const ComplexVector ref = dense_apply(rows, x);
  for (int n1 : {0, 1, 2, 8, 64}) {
    const BsgsPlan p = plan_bsgs(m, n1);
    EXPECT_LT(max_err(apply_bsgs(m, p, x), ref), 1e-11) << "n1=" << n1;
  }
  // Dense 64x64: the chosen split uses about 2 sqrt(64) rotations, far fewer than 63.
  const BsgsPlan best = plan_bsgs(m);
  EXPECT_LE(best.rotation_count(), 22);
  EXPECT_EQ(static_cast<int>(rotation_set(best).size()), best.rotation_count());
}

TEST(BsgsPlan, RotationSetHoldsOnlyNeededSteps) {
  std::mt19937_64 rng(6);
  DiagonalMatrix m{256, {}};
  for (int k : {0, 1, 2, 3, 128, 129, 255}) m.diagonals[k] = random_vector(256, rng);
  const BsgsPlan p = plan_bsgs(m, 4);
  // offsets split as (g, b): (0,0..3) (128,0..1) (252,3)
  EXPECT_EQ(p.baby_steps(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(p.giant_steps(), (std::vector<int>{128, 252}));
  EXPECT_EQ(rotation_set(p), (std::vector<int>{1, 2, 3, 128, 252}));
  const ComplexVector x = random_vector(256, rng);
  EXPECT_LT(max_err(apply_bsgs(m, p, x), apply_matrix(m, x)), 1e-12);
  // A union with a plan that needs no rotation adds nothing.
  const std::vector<BsgsPlan> plans{p, plan_bsgs(identity_matrix(256))};
  EXPECT_EQ(rotation_set(plans), rotation_set(p));
}

TEST(BsgsPlan, RejectsBadBabyStep) {
  EXPECT_THROW(plan_bsgs(identity_matrix(8), 3), Error);
  EXPECT_THROW(plan_bsgs(identity_matrix(8), 16), Error);
  EXPECT_THROW(plan_bsgs(DiagonalMatrix{8, {}}), Error);
}

}  // namespace
}  // namespace ola::ckks
