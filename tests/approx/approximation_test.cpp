#include "approx/approximation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "approx/chebyshev.h"
#include "approx/compiled.h"
#include "approx/fit_error.h"
#include "ckks/poly/schedule.h"

namespace ola::approx {
namespace {

Approximation cheb(std::vector<double> c, double lo, double hi) {
  Approximation a;
  a.kind = Kind::wls;
  a.activation = Activation::gelu;
  a.lo = lo;
  a.hi = hi;
  a.stages = {ChebPoly{lo, hi, std::move(c)}};
  return a;
}

TEST(Approximation, NamesRoundTrip) {
  for (Activation a : {Activation::relu, Activation::gelu, Activation::silu}) {
    EXPECT_EQ(activation_from_string(to_string(a)), a);
  }
  for (Kind k : {Kind::exact, Kind::wls, Kind::minimax, Kind::composite_relu}) {
    EXPECT_EQ(kind_from_string(to_string(k)), k);
  }
  EXPECT_THROW(activation_from_string("tanh"), FitError);
  EXPECT_THROW(kind_from_string("spline"), FitError);
  try {
    activation_from_string("tanh");
  } catch (const FitError& e) {
    EXPECT_NE(std::string(e.what()).find("expected relu|gelu|silu, got 'tanh'"), std::string::npos) << e.what();
  }
}

TEST(Approximation, ActivationValues) {
  EXPECT_EQ(activation_value(Activation::relu, -2.0), 0.0);
  EXPECT_EQ(activation_value(Activation::relu, 3.0), 3.0);
  EXPECT_NEAR(activation_value(Activation::gelu, 1.0), 0.8413447460685429, 1e-15);
  EXPECT_NEAR(activation_value(Activation::silu, 1.0), 0.7310585786300049, 1e-15);
}

TEST(Approximation, DegreeAndLabel) {
  Approximation e;
  EXPECT_EQ(e.degree(), 0);
  EXPECT_EQ(e.label(), "exact");
  const Approximation w = cheb({0.1, 0.2, 0.3, 0.4}, -2, 2);
  EXPECT_EQ(w.degree(), 3);
  EXPECT_EQ(w.label(), "wls d=3");
  Approximation c;
  c.kind = Kind::composite_relu;
  c.alpha = 13;
  c.stages = {ChebPoly{-1, 1, std::vector<double>(16, 0.1)}, ChebPoly{-1, 1, std::vector<double>(16, 0.1)},
              ChebPoly{-1, 1, std::vector<double>(28, 0.1)}};
  EXPECT_EQ(c.degree(), 15 * 15 * 27 + 1);
  EXPECT_EQ(c.label(), "relu a=13 {15,15,27}");
}

TEST(Approximation, EvaluateFollowsScheduleAndMatchesClenshaw) {
  const std::vector<double> c{0.3, -0.7, 0.2, 0.05, -0.01, 0.004, 0.001};
  const Approximation a = cheb(c, -3.0, 5.0);
  for (double x = -3.0; x <= 5.0; x += 0.37) {
    const long double t = (2.0L * x - 2.0L) / 8.0L;
    const long double ref = ckks::clenshaw(c, t);
    EXPECT_NEAR(evaluate(a, x), static_cast<double>(ref), 1e-14);
    // Folded coefficients (Chebyshev division) are rounded to double when the plan is built.
    EXPECT_LT(std::abs(evaluate_long(a, x) - ref), 2e-16L) << x;
    EXPECT_NEAR(evaluate(a.stages[0], x), static_cast<double>(ref), 1e-14);
  }
  // Schedule counts of a degree-6 general polynomial: depth ceil(log2 7) = 3.
  EXPECT_EQ(schedule_counts(compile(a)).depth, 3);
}

TEST(Approximation, VectorisedMatchesScalar) {
  const Approximation a = cheb({0.3, -0.7, 0.2, 0.05, -0.01}, -6.0, 6.0);
  std::vector<float> in(3000), out(3000);
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = -6.0f + 12.0f * static_cast<float>(i) / 2999.0f;
  evaluate(a, in, out);
  for (std::size_t i = 0; i < in.size(); ++i) EXPECT_NEAR(out[i], evaluate(a, in[i]), 1e-6);
  std::vector<float> small(2);
  EXPECT_THROW(evaluate(a, in, small), FitError);
  // Exact kind: the activation itself.
  Approximation ex;
  ex.activation = Activation::relu;
  evaluate(ex, in, out);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out.back(), 6.0f);
}

TEST(Approximation, CompileRejectsMalformed) {
  Approximation a = cheb({1.0}, -1, 1);
  a.stages.clear();
  EXPECT_THROW(compile(a), FitError);
  Approximation b = cheb({1.0, 2.0}, 1.0, -1.0);
  EXPECT_THROW(compile(b), FitError);
  Approximation c;
  c.kind = Kind::composite_relu;
  c.lo = -2.0;
  c.hi = 2.0;
  c.stages = {ChebPoly{0.0, 1.0, {0.0, 1.0}}};
  EXPECT_THROW(compile(c), FitError);
}

TEST(Approximation, OnIntervalWritesTheSamePolynomialOnAnotherInterval) {
  // A cubic on a channel's narrow interval, rewritten on its site's wide one (and back): the same
  // function everywhere, also outside both intervals; the coefficients grow as the ratio cubed.
  const ChebPoly p{-0.3, 0.5, {0.2, 0.35, 0.1, -0.04}};
  const ChebPoly q = on_interval(p, -4.0, 3.0);
  EXPECT_EQ(q.lo, -4.0);
  EXPECT_EQ(q.hi, 3.0);
  ASSERT_EQ(q.coeffs.size(), p.coeffs.size());
  for (double x = -6.0; x <= 6.0; x += 0.37) EXPECT_NEAR(evaluate(q, x), evaluate(p, x), 1e-12 * (1.0 + std::abs(evaluate(p, x)))) << x;
  EXPECT_NEAR(std::abs(q.coeffs[3]), 0.04 * std::pow(7.0 / 0.8, 3.0), 1e-9);
  const ChebPoly back = on_interval(q, p.lo, p.hi);
  for (std::size_t k = 0; k < p.coeffs.size(); ++k) EXPECT_NEAR(back.coeffs[k], p.coeffs[k], 1e-12) << k;
  EXPECT_THROW(on_interval(p, 1.0, 1.0), FitError);
  EXPECT_THROW(on_interval(ChebPoly{}, -1.0, 1.0), FitError);
}

TEST(PerChannelErrorGain, IsTheLargestSumOfKSquaredCoefficientsInTheExecutorsBasis) {
  Approximation a;
  a.kind = Kind::wls;
  a.stages = {{-2.0, 2.0, {0.0, 1.0, 0.5}}};
  EXPECT_DOUBLE_EQ(per_channel_error_gain(a, ChannelBasis::site_interval), 0.0);  // no channels
  // A channel on the site's own interval: 1 * |1| + 4 * |0.5| = 3.
  a.channels = {{-2.0, 2.0, {0.0, 1.0, 0.5}}};
  EXPECT_NEAR(per_channel_error_gain(a, ChannelBasis::site_interval), 3.0, 1e-12);
  // T_2 on a quarter of the interval, [-0.5, 0.5]: 2 (4 t)^2 - 1 = 32 t^2 - 1 = 16 T_2(t) + 15, gain 4 x 16.
  a.channels.push_back({-0.5, 0.5, {0.0, 0.0, 1.0}});
  EXPECT_NEAR(per_channel_error_gain(a, ChannelBasis::site_interval), 64.0, 1e-9);
  // On its own interval the narrow channel is T_2 itself: gain 4; the wide one's 3 stays.
  EXPECT_NEAR(per_channel_error_gain(a, ChannelBasis::own_interval), 4.0, 1e-12);
}

TEST(PerSlotOps, CountsTheDivisionByChebyshevDoublesDownToCubics) {
  // Degree 2 and 3: one cubic leaf after T_2 (doubling: 1 product, 1 add, 1 plaintext add).
  for (int d : {2, 3}) {
    const PerSlotOps n = per_slot_ops(d);
    EXPECT_EQ(n.depth, 2);
    EXPECT_EQ(n.ct_mults, 2);
    EXPECT_EQ(n.plain_mults, 2);
    EXPECT_EQ(n.const_mults, 1);
    EXPECT_EQ(n.plain_adds, 3);
    EXPECT_EQ(n.adds, 2);
  }
  // Degree 4..7: T_2, T_4; two leaves joined once.
  EXPECT_EQ(per_slot_ops(4).depth, 3);
  EXPECT_EQ(per_slot_ops(7).ct_mults, 2 + 2 + 1);
  EXPECT_EQ(per_slot_ops(7).const_mults, 2 + 1);
  // Degree 8..15 and 16..31: the depth of a scalar polynomial of that degree; 4 and 8 leaves.
  EXPECT_EQ(per_slot_ops(8).depth, 4);
  EXPECT_EQ(per_slot_ops(15).depth, 4);
  EXPECT_EQ(per_slot_ops(15).ct_mults, 3 + 4 + 3);
  EXPECT_EQ(per_slot_ops(16).depth, 5);
  const PerSlotOps n31 = per_slot_ops(31);
  EXPECT_EQ(n31.depth, 5);
  EXPECT_EQ(n31.ct_mults, 4 + 8 + 7);
  EXPECT_EQ(n31.plain_mults, 16);
  EXPECT_EQ(n31.const_mults, 8 + 7);
  EXPECT_EQ(n31.plain_adds, 16 + 4);
  EXPECT_EQ(n31.adds, 8 + 4 + 7);
  EXPECT_THROW(per_slot_ops(1), FitError);
  EXPECT_THROW(per_slot_ops(kMaxPerChannelDegree + 1), FitError);
}

}  // namespace
}  // namespace ola::approx
