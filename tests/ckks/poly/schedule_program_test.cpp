#include "ckks/poly/schedule_program.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace ola::ckks {
namespace {

TEST(ScheduleProgram, ReplayMatchesScheduleExactly) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int d : {1, 2, 5, 15, 27, 31, 63}) {
    for (bool odd : {false, true}) {
      std::vector<double> c(static_cast<std::size_t>(d) + 1, 0.0);
      for (int k = 0; k <= d; ++k) {
        if (!(odd && k % 2 == 0)) c[static_cast<std::size_t>(k)] = u(rng);
      }
      if (c.back() == 0.0) c.back() = 0.25;
      const PolyPlan plan = plan_poly(c);
      const Program prog = record(plan);
      EXPECT_LE(prog.registers, static_cast<int>(prog.ops.size()) + 1);
      EXPECT_LE(prog.registers, d + 2) << "degree " << d;
      std::vector<double> in(1000), out(1000);
      for (auto& x : in) x = u(rng);
      run_program<double>(prog, in, out);
      for (std::size_t i = 0; i < in.size(); ++i) {
        // Same operations in the same order (up to FMA contraction by the compiler).
        ASSERT_NEAR(out[i], evaluate_plain(plan, in[i]), 1e-13) << "degree " << d << " i " << i;
      }
    }
  }
}

TEST(ScheduleProgram, InPlaceAndConstant) {
  const std::vector<double> c{0.5, 0.0, 2.0};  // 0.5 + 2 T_2
  const Program prog = record(plan_poly(c));
  std::vector<float> v{0.0f, 1.0f, -0.5f};
  run_program<float>(prog, v, v);
  EXPECT_FLOAT_EQ(v[0], 0.5f - 2.0f);
  EXPECT_FLOAT_EQ(v[1], 2.5f);
  EXPECT_FLOAT_EQ(v[2], 0.5f + 2.0f * (2 * 0.25f - 1));
  const std::vector<double> k{3.0};
  std::vector<double> w{0.1, 0.2};
  run_program<double>(record(plan_poly(k)), w, w);
  EXPECT_EQ(w[0], 3.0);
  EXPECT_EQ(w[1], 3.0);
}

}  // namespace
}  // namespace ola::ckks
