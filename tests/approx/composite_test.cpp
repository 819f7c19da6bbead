#include "approx/composite.h"

#include <gtest/gtest.h>

#include <cmath>

#include "approx/fit_error.h"
#include "approx/minimax.h"

namespace ola::approx {
namespace {

TEST(Composite, DegreeSetsFollowApproxCnn) {
  EXPECT_EQ(composite_degrees(4), (std::vector<int>{5}));
  EXPECT_EQ(composite_degrees(9), (std::vector<int>{15, 15}));
  EXPECT_EQ(composite_degrees(13), (std::vector<int>{15, 15, 27}));
  EXPECT_EQ(composite_degrees(14), (std::vector<int>{15, 27, 29}));
  EXPECT_THROW(composite_degrees(3), FitError);
  EXPECT_THROW(composite_degrees(15), FitError);
}

// Every committed composite meets |s - sign| <= 2^-alpha on [-1,-eps] U [eps,1], measured here
// independently of the stored error, on both signs.
TEST(Composite, MeetsErrorBoundPerAlpha) {
  for (int alpha = kMinAlpha; alpha <= kMaxAlpha; ++alpha) {
    const CompositeSign& c = composite_sign(alpha);
    EXPECT_EQ(c.degrees, composite_degrees(alpha));
    ASSERT_EQ(c.stages.size(), c.degrees.size());
    for (std::size_t i = 0; i < c.stages.size(); ++i) EXPECT_EQ(c.stages[i].degree(), c.degrees[i]);
    const double bound = std::ldexp(1.0, -alpha);
    EXPECT_LE(composite_sign_error(c.stages, c.eps, 100001), bound) << "alpha " << alpha;
    // Odd symmetry: the negative side through the plain evaluator.
    Approximation a;
    a.kind = Kind::composite_relu;
    a.lo = -1.0;
    a.hi = 1.0;
    a.stages = c.stages;
    for (int i = 0; i <= 2000; ++i) {
      const double x = -(c.eps + (1.0 - c.eps) * i / 2000.0);
      long double s = x;
      for (const auto& st : c.stages) s = evaluate_long(Approximation{Activation::relu, Kind::minimax, -1, 1, {st}, 0, {}, {}}, s);
      ASSERT_LE(std::abs(static_cast<double>(s) + 1.0), bound) << "alpha " << alpha << " x " << x;
    }
    // Slightly below eps the bound is lost (eps is near-minimal, within the 4-digit rounding).
    EXPECT_GT(composite_sign_error(c.stages, c.eps * 0.97, 20001), bound) << "alpha " << alpha;
  }
}

// eps = 2^-alpha is out of reach for these degrees (Bernstein bound, see composite.h).
TEST(Composite, EpsTwoToMinusAlphaIsInfeasible) {
  const CompositeSign c = design_composite(13, std::ldexp(1.0, -13));
  EXPECT_GT(c.error, 0.1);
  EXPECT_LT(composite_sign(13).eps, std::ldexp(1.0, -9));
  EXPECT_GT(composite_sign(13).eps, std::ldexp(1.0, -10));
}

// The committed table is what the generator produces (regenerated from the stored eps).
TEST(Composite, TableMatchesRegeneration) {
  for (int alpha = kMinAlpha; alpha <= kMaxAlpha; ++alpha) {
    const CompositeSign& stored = composite_sign(alpha);
    const CompositeSign fresh = design_composite(alpha, stored.eps);
    ASSERT_EQ(fresh.stages.size(), stored.stages.size());
    for (std::size_t s = 0; s < fresh.stages.size(); ++s) {
      ASSERT_EQ(fresh.stages[s].coeffs.size(), stored.stages[s].coeffs.size());
      for (std::size_t k = 0; k < fresh.stages[s].coeffs.size(); ++k) {
        EXPECT_NEAR(fresh.stages[s].coeffs[k], stored.stages[s].coeffs[k], 1e-9)
            << "alpha " << alpha << " stage " << s << " k " << k;
      }
    }
    EXPECT_NEAR(fresh.error, stored.error, 1e-9 + 1e-6 * stored.error);
  }
}

TEST(Composite, ReluCountsAndError) {
  const Approximation a = make_composite_relu(13, -8.0, 6.0);
  EXPECT_EQ(a.counts.depth, 14);            // method.md: alpha = 13 -> depth 14
  EXPECT_EQ(a.counts.nonscalar_mults, 27);  // and 27 non-scalar multiplications
  EXPECT_EQ(a.degree(), 15 * 15 * 27 + 1);
  // |relu - x(1+s)/2| <= B/2 * max(2^-a, eps (2 + 2^-a)) (x in or out of [-eps B, eps B]).
  const CompositeSign& c = composite_sign(13);
  const double B = 8.0;
  const double bound = 0.5 * B * std::max(std::ldexp(1.0, -13), c.eps * (2.0 + std::ldexp(1.0, -13)));
  EXPECT_LE(a.metrics.max_error, bound);
  EXPECT_GT(a.metrics.max_error, 0.0);
  for (double x : {-8.0, -3.0, -0.5, 0.5, 2.0, 6.0}) {
    EXPECT_NEAR(evaluate(a, x), std::max(0.0, x), 0.5 * std::abs(x) * std::ldexp(1.0, -13) + 1e-12) << x;
  }
  EXPECT_THROW(make_composite_relu(13, 2.0, -2.0), FitError);
  EXPECT_THROW(make_composite_relu(20, -2.0, 2.0), FitError);
}

TEST(Composite, BadInput) {
  EXPECT_THROW(design_composite_sign({}, 0.1), FitError);
  EXPECT_THROW(design_composite_sign({7}, 0.0), FitError);
  EXPECT_THROW(design_composite_sign({7}, 1.5), FitError);
  EXPECT_THROW(design_composite_sign({8}, 0.1), FitError);
  EXPECT_THROW(composite_sign(3), FitError);
}

}  // namespace
}  // namespace ola::approx
