// The kernels give the same words on any thread count: encode (limbs in parallel), products with
// relinearisation, rotations (single and hoisted: ModUp's limb loop, the inner product, the paired
// ModDown), plaintext product sums and rescaling (in place and not), each run on one thread and on three (an odd
// count, so that no loop divides evenly) and compared bit for bit. The parallel loops split work
// by limb or by coefficient chunk and never change an operation's order within one word.
#include <gtest/gtest.h>

#include <vector>

#include "ckks/ring/threads.h"
#include "ckks_fixture.h"

namespace ola::ckks {
namespace {

using testing::Ctx;
using testing::random_values;

/// Sets the thread count for a scope and restores the previous one.
struct ThreadsFor {
  int saved = threads();
  explicit ThreadsFor(int n) { set_threads(n); }
  ~ThreadsFor() { set_threads(saved); }
};

/// Every ciphertext the kernels make from the same inputs.
std::vector<Ciphertext> kernel_results(const Ctx& c, const Ciphertext& a, const Ciphertext& b, const Plaintext& p) {
  const Evaluator& ev = *c.eval;
  std::vector<Ciphertext> out;
  out.push_back(ev.mul(a, b));
  out.push_back(ev.square(a));
  out.push_back(ev.rescale(out.front()));
  Ciphertext in_place = out.front();
  ev.rescale_inplace(in_place);
  EXPECT_EQ(in_place.parts, out.back().parts) << "rescale in place and into a new ciphertext";
  EXPECT_EQ(in_place.level, out.back().level);
  EXPECT_EQ(in_place.scale, out.back().scale);
  out.push_back(ev.rotate(a, 3));
  out.push_back(ev.rotate(a, -7));
  out.push_back(ev.conjugate(b));
  const std::vector<int> steps{1, 2, 5, 77, 1000};
  for (Ciphertext& r : ev.rotate_hoisted(a, std::span<const int>(steps))) out.push_back(std::move(r));
  const Ciphertext* terms[] = {&a, &b};
  const Plaintext* pts[] = {&p, &p};
  out.push_back(ev.mul_sum(terms, pts));
  return out;
}

TEST(Threads, KernelsGiveTheSameWordsOnOneAndThreeThreads) {
  const Ctx& c = Ctx::get();
  const std::size_t slots = c.params.max_slots();
  const Ciphertext a = c.encrypt(random_values(slots, 1));
  const Ciphertext b = c.encrypt(random_values(slots, 2));
  std::vector<Plaintext> encoded;
  std::vector<Ciphertext> results[2];
  for (int run = 0; run < 2; ++run) {
    ThreadsFor t(run == 0 ? 1 : 3);
    const Plaintext p = c.encoder.encode(random_values(slots, 3), c.params.max_level(), c.params.default_scale());
    // A periodic vector takes the subring path of the encoder (one limb loop with a scratch each).
    std::vector<testing::cd> periodic(slots);
    for (std::size_t i = 0; i < slots; ++i) periodic[i] = testing::cd(static_cast<double>(i % 4), 0.5);
    encoded.push_back(p);
    encoded.push_back(c.encoder.encode(periodic, c.params.max_level(), c.params.default_scale()));
    results[run] = kernel_results(c, a, b, p);
  }
  ASSERT_EQ(encoded.size(), 4u);
  EXPECT_EQ(encoded[0].poly, encoded[2].poly) << "encode";
  EXPECT_EQ(encoded[1].poly, encoded[3].poly) << "encode of a periodic vector";
  ASSERT_EQ(results[0].size(), results[1].size());
  for (std::size_t k = 0; k < results[0].size(); ++k) {
    ASSERT_EQ(results[0][k].parts.size(), results[1][k].parts.size()) << "result " << k;
    for (std::size_t part = 0; part < results[0][k].parts.size(); ++part) {
      EXPECT_EQ(results[0][k].parts[part], results[1][k].parts[part]) << "result " << k << " part " << part;
    }
  }
  // And the values are right, so equal words are not equal garbage.
  const std::vector<testing::cd> va = random_values(slots, 1);
  const std::vector<testing::cd> got = c.decrypt(results[1][3]);  // rotate(a, 3)
  std::vector<testing::cd> want(slots);
  for (std::size_t i = 0; i < slots; ++i) want[i] = va[(i + 3) % slots];
  EXPECT_GT(testing::precision_bits(got, want), 15.0);
}

TEST(Threads, UninitializedPolyHasItsShapeAndZeroPolyIsZero) {
  const RnsPoly u = RnsPoly::uninitialized(64, 3);
  EXPECT_EQ(u.n, 64u);
  EXPECT_EQ(u.limbs, 3u);
  EXPECT_EQ(u.data.size(), 192u);
  const RnsPoly z(64, 3);
  for (u64 v : z.data) ASSERT_EQ(v, 0u);
}

}  // namespace
}  // namespace ola::ckks
