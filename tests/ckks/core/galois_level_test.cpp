// Galois keys made for a chosen level l < L: fewer limbs and digits, correct rotations at levels
// <= l, and a clear refusal above l (KeyGenerator::galois_keys(..., level), Evaluator).
#include "ckks/core/serialization.h"
#include "ckks_fixture.h"

namespace ola::ckks {
namespace {
using testing::Ctx;
using testing::precision_bits;
using testing::random_values;
using testing::rotated;

std::size_t key_words(const GaloisKeys& gk) {
  std::size_t w = 0;
  for (const auto& [g, k] : gk.keys) {
    for (const auto& b : k.b) w += b.data.size();
  }
  return w;
}

TEST(GaloisLevel, KeysAtALowLevelAreSmallerAndRotateCiphertextsUpToIt) {
  const Ctx& c = Ctx::get();  // L = 7, alpha = 2 (dnum 4), k = 2
  const std::vector<int> steps = {1, 3};
  const int level = 2;
  auto low = std::make_shared<const GaloisKeys>(c.keygen.galois_keys(steps, false, level));
  const GaloisKeys full = c.keygen.galois_keys(steps, false);
  for (const auto& [g, k] : low->keys) {
    EXPECT_EQ(k.level, level);
    EXPECT_EQ(k.b.size(), static_cast<std::size_t>(c.params.digits_at(level)));  // 2 digits, not 4
    EXPECT_EQ(k.b[0].limbs, static_cast<std::size_t>(level) + 1 + c.params.p_count());
  }
  // (2 digits x 5 limbs) / (4 digits x 10 limbs) = 1/4 of the words.
  EXPECT_EQ(4 * key_words(*low), key_words(full));
  const Evaluator ev(c.params, EvaluationKeys{c.relin, low});
  const auto v = random_values(16, 7);
  for (int l : {0, 1, level}) {
    const Ciphertext ct = c.encrypt(v, l, 16);
    EXPECT_GE(precision_bits(c.decrypt(ev.rotate(ct, 3)), rotated(v, 3)), 20.0) << "level " << l;
    const auto hoisted = ev.rotate_hoisted(ct, steps);
    EXPECT_GE(precision_bits(c.decrypt(hoisted[0]), rotated(v, 1)), 20.0) << "level " << l;
  }
  // Round trip through a file keeps the level.
  const GaloisKeys loaded = galois_keys_from_bytes(to_bytes(*low, c.params), c.params, "gk.bin");
  EXPECT_EQ(loaded.keys.begin()->second.level, level);
  EXPECT_EQ(loaded.keys.begin()->second.b, low->keys.begin()->second.b);
}

TEST(GaloisLevel, ACiphertextAboveTheKeysLevelIsRefused) {
  const Ctx& c = Ctx::get();
  auto low = std::make_shared<const GaloisKeys>(c.keygen.galois_keys(std::vector<int>{1}, false, 2));
  const Evaluator ev(c.params, EvaluationKeys{c.relin, low});
  const Ciphertext ct = c.encrypt(random_values(16, 8), 3, 16);
  const std::uint64_t g = galois_element_for_step(c.params, 1);
  try {
    (void)ev.rotate(ct, 1);
    ADD_FAILURE() << "no error";
  } catch (const OperandError& e) {
    EXPECT_EQ(std::string(e.what()), "Evaluator::rotate: level of the Galois key for rotation step 1 (element " +
                                         std::to_string(g) +
                                         "): expected >= 3 (the ciphertext's level), got 2 (key made for levels 0..2; "
                                         "drop the ciphertext to it or make the key at a higher level)");
  }
  EXPECT_THROW((void)ev.rotate_hoisted(ct, std::vector<int>{1}), OperandError);
  // Dropping to the key's level makes it usable.
  EXPECT_NO_THROW((void)ev.rotate(ev.drop_to_level(ct, 2), 1));
  EXPECT_THROW((void)c.keygen.galois_keys(std::vector<int>{1}, false, 8), OperandError);  // L = 7
}

}  // namespace
}  // namespace ola::ckks
