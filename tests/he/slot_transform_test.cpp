#include "he/slot_transform.h"

#include <gtest/gtest.h>

#include <random>

#include "he/apply_transform.h"
#include "he/slot_sim_backend.h"
#include "util/error.h"

namespace ola::he {
namespace {

// Dense reference of a term list on periodic vectors: out[i] for i in [0, slots).
std::vector<double> reference(const std::vector<SlotTerm>& terms, const std::vector<double>& in,
                              int slots, int out_period) {
  std::vector<double> first(static_cast<std::size_t>(out_period), 0.0);
  for (const auto& t : terms) first[static_cast<std::size_t>(t.out_slot)] += t.weight * in[static_cast<std::size_t>(t.in_slot)];
  std::vector<double> out(static_cast<std::size_t>(slots));
  for (int i = 0; i < slots; ++i) out[static_cast<std::size_t>(i)] = first[static_cast<std::size_t>(i % out_period)];
  return out;
}

void check_random_map(int slots, int in_period, int out_period, int n_terms, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> out_d(0, out_period - 1);
  std::uniform_int_distribution<int> in_d(0, in_period - 1);
  std::uniform_real_distribution<double> w(-1.0, 1.0);
  std::vector<SlotTerm> terms;
  for (int i = 0; i < n_terms; ++i) terms.push_back({out_d(rng), in_d(rng), w(rng)});
  std::vector<double> in(static_cast<std::size_t>(slots));
  for (int i = 0; i < in_period; ++i) in[static_cast<std::size_t>(i)] = w(rng);
  for (int i = in_period; i < slots; ++i) in[static_cast<std::size_t>(i)] = in[static_cast<std::size_t>(i % in_period)];

  const SlotTransform t = compile_transform(terms, slots, in_period, out_period);
  const auto steps = rotation_steps(t);
  SlotSimBackend be({slots, 4, 2, 40, std::set<int>(steps.begin(), steps.end())});
  const auto ct = apply_transform(be, be.encrypt(in), t);
  EXPECT_EQ(be.level(ct), 3);
  const auto want = reference(terms, in, slots, out_period);
  const auto got = be.decrypt(ct);
  for (int i = 0; i < slots; ++i) {
    ASSERT_NEAR(got[static_cast<std::size_t>(i)], want[static_cast<std::size_t>(i)], 1e-12)
        << "slot " << i << " periods " << in_period << "->" << out_period;
  }
  EXPECT_EQ(be.stats().mul_sum_terms, static_cast<long>(t.shifts.size()));  // fused, one per diagonal
  EXPECT_EQ(be.stats().plain_mults, 0);
}

TEST(SlotTransform, RandomMapsMatchTheDenseReference) {
  check_random_map(64, 64, 64, 200, 1);
  check_random_map(256, 32, 128, 300, 2);   // input repeats: shifts taken mod 32
  check_random_map(256, 128, 32, 300, 3);   // output copies filled by replication steps
  check_random_map(128, 128, 128, 5, 4);    // few diagonals
}

TEST(SlotTransform, SplitCoversEveryShift) {
  const std::vector<int> shifts{-33, -32, -31, -1, 0, 1, 31, 32, 33, 1024, 1025, -1023};
  const BsgsSplit sp = split_shifts(shifts, 4096);
  for (int r : shifts) {
    const int b = signed_mod(r, sp.giant_stride);
    EXPECT_TRUE(std::binary_search(sp.baby_steps.begin(), sp.baby_steps.end(), b));
    EXPECT_TRUE(std::binary_search(sp.giant_steps.begin(), sp.giant_steps.end(), r - b));
  }
  EXPECT_LT(sp.baby_steps.size() + sp.giant_steps.size(), shifts.size());
  // Modulo the period, giant steps 2048 and -2048 are one rotation.
  const std::vector<int> wrap{-2048, 2040};
  const BsgsSplit plain{16, 0, {}, {}};
  const BsgsSplit reduced{16, 4096, {}, {}};
  EXPECT_EQ(giant_of(plain, 2040), 2048);
  EXPECT_EQ(giant_of(plain, -2048), -2048);
  EXPECT_EQ(giant_of(reduced, 2040), -2048);
  EXPECT_EQ(baby_of(reduced, 2040), -8);
  for (int r : wrap) EXPECT_EQ(signed_mod(giant_of(reduced, r) + baby_of(reduced, r) - r, 4096), 0);
}

TEST(SlotTransform, SignedModIsCentred) {
  EXPECT_EQ(signed_mod(5, 8), -3);
  EXPECT_EQ(signed_mod(3, 8), 3);
  EXPECT_EQ(signed_mod(-4, 8), -4);
  EXPECT_EQ(signed_mod(-12, 8), -4);
  EXPECT_EQ(signed_mod(7, 1), 0);
}

TEST(SlotTransform, RejectsBadInput) {
  const std::vector<SlotTerm> ok{{0, 0, 1.0}};
  EXPECT_THROW(compile_transform({}, 64, 64, 64), Error);
  EXPECT_THROW(compile_transform(ok, 64, 48, 64), Error);
  EXPECT_THROW(compile_transform(ok, 64, 64, 128), Error);
  const std::vector<SlotTerm> bad{{0, 70, 1.0}};
  EXPECT_THROW(compile_transform(bad, 128, 64, 64), Error);
  SlotSimBackend be({64, 2, 1, 40, std::nullopt});
  const auto t = compile_transform(ok, 64, 64, 64);
  EXPECT_THROW(apply_transform(be, be.drop_to_level(be.encrypt(std::vector<double>(64, 1.0)), 0), t), Error);
  SlotSimBackend other({128, 2, 1, 40, std::nullopt});
  EXPECT_THROW(apply_transform(other, other.encrypt(std::vector<double>(128, 1.0)), t), Error);
}

}  // namespace
}  // namespace ola::he
