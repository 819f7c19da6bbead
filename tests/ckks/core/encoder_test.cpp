#include "ckks/core/encoder.h"

#include "ckks/core/poly_transform.h"
#include "ckks_fixture.h"

namespace ola::ckks {
namespace {
using testing::cd;
using testing::Ctx;
using testing::precision_bits;
using testing::random_values;

TEST(Encoder, RoundTripFullAndSparseSlots) {
  const Ctx& c = Ctx::get();
  for (std::size_t slots : {std::size_t{4096}, std::size_t{1024}, std::size_t{64}, std::size_t{1}}) {
    const auto v = random_values(slots, 11);
    for (int level : {0, 3, c.params.max_level()}) {
      const Plaintext pt = c.encoder.encode(v, level, std::exp2(40), slots);
      EXPECT_EQ(pt.slots, slots);
      EXPECT_EQ(pt.poly.limbs, static_cast<std::size_t>(level) + 1);
      // Rounding to integers at scale 2^40 costs <= 2^-41 per coefficient; the decoding FFT sums
      // N of them (about sqrt(N) = 2^6.5 in practice): ~33.5 bits at N = 2^13.
      EXPECT_GE(precision_bits(c.encoder.decode(pt), v), 32.0) << "slots " << slots << " level " << level;
    }
  }
}

TEST(Encoder, SparsePackingIsReplicatedOverFullSlots) {
  const Ctx& c = Ctx::get();
  const auto v = random_values(8, 5);
  Plaintext pt = c.encoder.encode(v, 2, std::exp2(40), 8);
  pt.slots = c.params.max_slots();  // read the same polynomial as a full-slot message
  const auto full = c.encoder.decode(pt);
  for (std::size_t j = 0; j < full.size(); ++j) EXPECT_LT(std::abs(full[j] - v[j % 8]), 1e-9) << j;
}

// A full vector that repeats with period 8 or 512 is encoded through its period's subring: the
// same polynomial as the full-size embedding (slots_to_coeffs) up to the rounding to integers,
// at every limb, with zero coefficients off the subring.
TEST(Encoder, PeriodicInputMatchesFullEmbedding) {
  const Ctx& c = Ctx::get();
  const std::size_t slots = c.params.max_slots();
  const double scale = std::exp2(40);
  for (std::size_t period : {std::size_t{8}, std::size_t{512}, slots}) {
    const auto one = random_values(period, 3);
    std::vector<cd> v(slots);
    for (std::size_t j = 0; j < slots; ++j) v[j] = one[j % period];
    Plaintext pt = c.encoder.encode(v, 3, scale, slots);
    EXPECT_EQ(pt.slots, slots);
    to_coeff(pt.poly, c.params, pt.poly.limbs);
    const std::vector<double> ref = c.encoder.slots_to_coeffs(v, slots, scale);
    for (std::size_t i = 0; i < pt.poly.limbs; ++i) {
      const u64 q = c.params.q_moduli()[i].value;
      for (std::size_t k = 0; k < c.params.n(); ++k) {
        const auto got = static_cast<double>(center(pt.poly.limb(i)[k], q));
        ASSERT_LE(std::fabs(got - ref[k]), 1.0) << "period " << period << " limb " << i << " coeff " << k;
        if (k % (c.params.n() / (2 * period)) != 0) {
          ASSERT_EQ(got, 0.0) << "period " << period << " coeff " << k;
        }
      }
    }
    EXPECT_GE(precision_bits(c.encoder.decode(c.encoder.encode(v, 3, scale, slots)), v), 32.0) << period;
  }
}

TEST(Encoder, RealValuesAndConstants) {
  const Ctx& c = Ctx::get();
  const std::vector<double> r{0.5, -1.25, 3.0, 7.75};
  const auto dec = c.encoder.decode_real(c.encoder.encode(r, 1, std::exp2(40)));
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_NEAR(dec[i], r[i], 1e-9);
  const auto k = c.encoder.decode(c.encoder.encode_constant(cd(0.25, -2.0), 1, std::exp2(40), 16));
  for (const auto& x : k) EXPECT_LT(std::abs(x - cd(0.25, -2.0)), 1e-9);
}

TEST(Encoder, LargeValuesDecodeThroughTwoLimbCrt) {
  // |m| ~ 2^70 > q0: needs the two-limb CRT.
  const Ctx& c = Ctx::get();
  const auto v = random_values(32, 9, 1024.0);
  const Plaintext pt = c.encoder.encode(v, 3, std::exp2(60));
  // Values up to 2^10 at scale 2^60: limited by double precision, 2^10 * 2^-53 plus FFT growth.
  EXPECT_GE(precision_bits(c.encoder.decode(pt), v), 38.0);
}

TEST(Encoder, RejectsBadArguments) {
  const Ctx& c = Ctx::get();
  const auto v = random_values(4, 1);
  EXPECT_THROW(c.encoder.encode(v, 0, std::exp2(40), 3), OperandError);
  EXPECT_THROW(c.encoder.encode(v, 0, std::exp2(40), 2), OperandError);
  EXPECT_THROW(c.encoder.encode(v, c.params.max_level() + 1, std::exp2(40)), OperandError);
  EXPECT_THROW(c.encoder.encode(v, 0, -1.0), OperandError);
  EXPECT_THROW(c.encoder.encode(v, 0, std::exp2(130)), OperandError);
  EXPECT_THROW(c.encoder.encode(v, 0, std::exp2(40), 8192), OperandError);
}

}  // namespace
}  // namespace ola::ckks
