#include "ckks/core/evaluator.h"

#include "ckks_fixture.h"

namespace ola::ckks {
namespace {
using testing::cd;
using testing::Ctx;
using testing::precision_bits;
using testing::random_values;
using testing::rotated;

constexpr std::size_t kSlots = 4096;  // N/2 at N = 2^13

TEST(Encryption, SecretAndPublicKey) {
  const Ctx& c = Ctx::get();
  const auto v = random_values(kSlots, 1);
  for (int level : {0, 4, c.params.max_level()}) {
    EXPECT_GE(precision_bits(c.decrypt(c.encrypt(v, level)), v), 25.0) << level;
  }
  const Encryptor pk_enc(c.params, c.keygen.public_key());
  const Ciphertext ct = pk_enc.encrypt(c.encoder.encode(v, c.params.max_level(), c.params.default_scale()));
  // Public-key noise u*e + e0 + e1*s has coefficients of rms ~ sqrt(2N/3) * sigma * sqrt(2) = 2^8.4,
  // and a slot sums N of them: max slot error ~ 2^(8.4 + 6.5 + 2) -> ~23 bits at scale 2^40, N = 2^13.
  EXPECT_GE(precision_bits(c.decrypt(ct), v), 21.0);
}

TEST(Evaluator, AddSubNegateAndPlaintextOps) {
  const Ctx& c = Ctx::get();
  const auto a = random_values(kSlots, 2), b = random_values(kSlots, 3);
  const Ciphertext ca = c.encrypt(a), cb = c.encrypt(b);
  const Plaintext pb = c.encoder.encode(b, c.params.max_level(), c.params.default_scale());
  std::vector<cd> sum(kSlots), diff(kSlots), neg(kSlots), plus_k(kSlots);
  const cd k(0.75, -0.5);
  for (std::size_t i = 0; i < kSlots; ++i) {
    sum[i] = a[i] + b[i];
    diff[i] = a[i] - b[i];
    neg[i] = -a[i];
    plus_k[i] = a[i] + k;
  }
  const Evaluator& e = *c.eval;
  EXPECT_GE(precision_bits(c.decrypt(e.add(ca, cb)), sum), 25.0);
  EXPECT_GE(precision_bits(c.decrypt(e.sub(ca, cb)), diff), 25.0);
  EXPECT_GE(precision_bits(c.decrypt(e.add(ca, pb)), sum), 25.0);
  EXPECT_GE(precision_bits(c.decrypt(e.sub(ca, pb)), diff), 25.0);
  EXPECT_GE(precision_bits(c.decrypt(e.negate(ca)), neg), 25.0);
  EXPECT_GE(precision_bits(c.decrypt(e.add_const(ca, k)), plus_k), 25.0);
  Ciphertext t = ca;
  e.add_inplace(t, cb);
  e.sub_inplace(t, pb);
  EXPECT_GE(precision_bits(c.decrypt(t), a), 25.0);
}

// mul_sum is exactly the sum of the separate products (same residues), and refuses mismatched terms.
TEST(Evaluator, MulSumEqualsProductsAndAdditions) {
  const Ctx& c = Ctx::get();
  const Evaluator& e = *c.eval;
  const int level = c.params.max_level() - 1;
  std::vector<Ciphertext> cts;
  std::vector<Plaintext> pts;
  for (int k = 0; k < 5; ++k) {
    cts.push_back(e.drop_to_level(c.encrypt(random_values(kSlots, 40 + k)), level));
    pts.push_back(c.encoder.encode(random_values(kSlots, 50 + k), level, c.params.default_scale()));
  }
  std::vector<const Ciphertext*> cp;
  std::vector<const Plaintext*> pp;
  Ciphertext want = e.mul(cts[0], pts[0]);
  for (std::size_t k = 0; k < cts.size(); ++k) {
    cp.push_back(&cts[k]);
    pp.push_back(&pts[k]);
    if (k > 0) e.add_inplace(want, e.mul(cts[k], pts[k]));
  }
  const Ciphertext got = e.mul_sum(cp, pp);
  EXPECT_EQ(got.level, want.level);
  EXPECT_DOUBLE_EQ(got.scale, want.scale);
  ASSERT_EQ(got.parts.size(), 2U);
  EXPECT_EQ(got.parts[0].data, want.parts[0].data);
  EXPECT_EQ(got.parts[1].data, want.parts[1].data);

  EXPECT_THROW(e.mul_sum({}, {}), OperandError);
  EXPECT_THROW(e.mul_sum(cp, std::span<const Plaintext* const>(pp).first(4)), OperandError);
  const Ciphertext low = e.drop_to_level(cts[1], level - 1);
  std::vector<const Ciphertext*> mixed = cp;
  mixed[1] = &low;
  EXPECT_THROW(e.mul_sum(mixed, pp), OperandError);
  const Plaintext other_scale = c.encoder.encode(random_values(kSlots, 60), level, 2 * c.params.default_scale());
  std::vector<const Plaintext*> scaled = pp;
  scaled[2] = &other_scale;
  try {
    (void)e.mul_sum(cp, scaled);
    ADD_FAILURE() << "a term of another scale was accepted";
  } catch (const OperandError& err) {
    EXPECT_NE(std::string(err.what()).find("scale of term 2"), std::string::npos) << err.what();
  }
}

TEST(Evaluator, MulRelinRescaleKeepsPrecision) {
  const Ctx& c = Ctx::get();
  const auto a = random_values(kSlots, 4), b = random_values(kSlots, 5);
  std::vector<cd> prod(kSlots), sq(kSlots);
  for (std::size_t i = 0; i < kSlots; ++i) {
    prod[i] = a[i] * b[i];
    sq[i] = a[i] * a[i];
  }
  const Evaluator& e = *c.eval;
  const Ciphertext ca = c.encrypt(a), cb = c.encrypt(b);
  Ciphertext m = e.mul(ca, cb);
  EXPECT_EQ(m.degree(), 1u);
  EXPECT_DOUBLE_EQ(m.scale, ca.scale * cb.scale);
  const double q_top = static_cast<double>(c.params.q(static_cast<std::size_t>(c.params.max_level())));
  e.rescale_inplace(m);
  EXPECT_EQ(m.level, c.params.max_level() - 1);
  EXPECT_DOUBLE_EQ(m.scale, ca.scale * cb.scale / q_top);
  // Stated bound: >= 25 bits after one multiplication and rescale at scale 2^40.
  EXPECT_GE(precision_bits(c.decrypt(m), prod), 25.0);
  const Ciphertext s = e.rescale(e.square(ca));
  EXPECT_GE(precision_bits(c.decrypt(s), sq), 25.0);
  // Degree 2 without relinearisation decrypts too, and relinearize agrees.
  const Ciphertext d2 = e.mul_no_relin(ca, cb);
  EXPECT_EQ(d2.degree(), 2u);
  EXPECT_GE(precision_bits(c.decrypt(e.rescale(e.relinearize(d2))), prod), 25.0);
}

TEST(Evaluator, DepthChainToLevelZero) {
  // x -> x^2 repeatedly through every level: values on the unit circle keep magnitude 1.
  const Ctx& c = Ctx::get();
  std::vector<cd> v(kSlots);
  for (std::size_t i = 0; i < kSlots; ++i) v[i] = std::polar(1.0, 0.001 * static_cast<double>(i));
  const Evaluator& e = *c.eval;
  Ciphertext ct = c.encrypt(v);
  std::vector<cd> want = v;
  while (ct.level > 0) {
    ct = e.rescale(e.square(ct));
    for (auto& x : want) x *= x;
  }
  EXPECT_EQ(ct.level, 0);
  // Each squaring doubles the relative error: 7 squarings from ~2^-30 leave >= 18 bits.
  EXPECT_GE(precision_bits(c.decrypt(ct), want), 18.0);
}

TEST(Evaluator, PlaintextIntegerConstAndMonomialMultiplication) {
  const Ctx& c = Ctx::get();
  const Evaluator& e = *c.eval;
  const auto a = random_values(kSlots, 6), b = random_values(kSlots, 7);
  const Ciphertext ca = c.encrypt(a);
  const int top = c.params.max_level();
  std::vector<cd> prod(kSlots), times3(kSlots), times_r(kSlots), times_c(kSlots), mono(kSlots);
  const cd z(0.3, 0.8);
  const std::size_t n = c.params.n();
  std::uint64_t g = 1;
  for (std::size_t i = 0; i < kSlots; ++i) {
    prod[i] = a[i] * b[i];
    times3[i] = a[i] * 3.0;
    times_r[i] = a[i] * -1.5;
    times_c[i] = a[i] * z;
    // X^5 evaluated at the slot's root exp(i pi 5^i / N).
    mono[i] = a[i] * std::polar(1.0, M_PI * 5.0 * static_cast<double>(g) / static_cast<double>(n));
    g = (g * 5) % (2 * n);
  }
  const Plaintext pb = c.encoder.encode(b, top, c.params.default_scale());
  EXPECT_GE(precision_bits(c.decrypt(e.rescale(e.mul(ca, pb))), prod), 25.0);
  const Ciphertext i3 = e.mul_integer(ca, 3);
  EXPECT_EQ(i3.level, top);
  EXPECT_DOUBLE_EQ(i3.scale, ca.scale);
  EXPECT_GE(precision_bits(c.decrypt(i3), times3), 25.0);
  const double q_top = static_cast<double>(c.params.q(static_cast<std::size_t>(top)));
  const Ciphertext r = e.rescale(e.mul_const(ca, -1.5, q_top));
  EXPECT_DOUBLE_EQ(r.scale, ca.scale);  // const_scale = q_level restores the scale exactly
  EXPECT_GE(precision_bits(c.decrypt(r), times_r), 25.0);
  EXPECT_GE(precision_bits(c.decrypt(e.rescale(e.mul_const(ca, z, q_top))), times_c), 25.0);
  EXPECT_GE(precision_bits(c.decrypt(e.mul_monomial(ca, 5)), mono), 25.0);
}

TEST(Evaluator, DropToLevel) {
  const Ctx& c = Ctx::get();
  const auto a = random_values(kSlots, 8);
  const Ciphertext ct = c.eval->drop_to_level(c.encrypt(a), 2);
  EXPECT_EQ(ct.level, 2);
  EXPECT_EQ(ct.parts[0].limbs, 3u);
  EXPECT_GE(precision_bits(c.decrypt(ct), a), 25.0);
  EXPECT_THROW(c.eval->drop_to_level(ct, 3), OperandError);
}

TEST(Evaluator, RotationsEveryPowerOfTwoRandomAndNegativeSteps) {
  const Ctx& c = Ctx::get();
  const auto a = random_values(kSlots, 9);
  const Ciphertext ca = c.encrypt(a, 3);
  std::vector<int> steps;
  for (int s = 1; s < static_cast<int>(kSlots); s *= 2) steps.push_back(s);
  for (int s : {3, 5, 77, 1000, -1, -7, 2047}) steps.push_back(s);
  for (int s : steps) {
    const Ciphertext r = c.eval->rotate(ca, s);
    EXPECT_EQ(r.level, 3);
    EXPECT_GE(precision_bits(c.decrypt(r), rotated(a, s)), 25.0) << "step " << s;
  }
  EXPECT_GE(precision_bits(c.decrypt(c.eval->rotate(ca, 0)), a), 25.0);
}

TEST(Evaluator, SparseSlotRotationIsCyclicOverTheSlots) {
  const Ctx& c = Ctx::get();
  const auto a = random_values(64, 10);
  const Ciphertext ca = c.encrypt(a, 2, 64);
  for (int s : {1, 5, -1, 32}) {
    EXPECT_GE(precision_bits(c.decrypt(c.eval->rotate(ca, s)), rotated(a, s)), 25.0) << s;
  }
}

TEST(Evaluator, ConjugateAndHoistedRotations) {
  const Ctx& c = Ctx::get();
  const auto a = random_values(kSlots, 12);
  const Ciphertext ca = c.encrypt(a);
  std::vector<cd> conj(kSlots);
  for (std::size_t i = 0; i < kSlots; ++i) conj[i] = std::conj(a[i]);
  EXPECT_GE(precision_bits(c.decrypt(c.eval->conjugate(ca)), conj), 25.0);
  const std::vector<int> steps{1, 2, 4, 8, 16, 3, 77, -7, 0};
  const auto hoisted = c.eval->rotate_hoisted(ca, steps);
  ASSERT_EQ(hoisted.size(), steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto h = c.decrypt(hoisted[i]);
    EXPECT_GE(precision_bits(h, rotated(a, steps[i])), 25.0) << steps[i];
    EXPECT_GE(precision_bits(h, c.decrypt(c.eval->rotate(ca, steps[i]))), 25.0) << steps[i];
  }
}

TEST(Evaluator, OperandChecksNameBothValues) {
  const Ctx& c = Ctx::get();
  const Evaluator& e = *c.eval;
  const auto a = random_values(kSlots, 13);
  const Ciphertext top = c.encrypt(a);
  const Ciphertext low = c.encrypt(a, 2);
  try {
    e.add(top, low);
    FAIL();
  } catch (const OperandError& err) {
    EXPECT_STREQ(err.what(), "Evaluator::add: level: expected 7 (first operand), got 2 (second operand)");
  }
  Ciphertext scaled = top;
  scaled.scale *= 2;
  try {
    e.add(top, scaled);
    FAIL();
  } catch (const OperandError& err) {
    EXPECT_NE(std::string(err.what()).find("scale"), std::string::npos);
    EXPECT_NE(std::string(err.what()).find("2199023255552"), std::string::npos) << err.what();
  }
  EXPECT_THROW(e.mul(top, low), OperandError);
  EXPECT_THROW(e.rescale(e.drop_to_level(top, 0)), OperandError);
  EXPECT_THROW(e.rotate(top, 6), OperandError);  // no key for step 6
  const Evaluator bare(c.params);
  EXPECT_THROW(bare.mul(top, top), OperandError);
  EXPECT_THROW(bare.conjugate(top), OperandError);
  EXPECT_FALSE(bare.has_relin_key());
  EXPECT_TRUE(e.has_rotation_key(4));
  EXPECT_FALSE(e.has_rotation_key(6));
  const Params other(test_literal_n12());
  EXPECT_THROW(Evaluator(other, EvaluationKeys{c.relin, nullptr}), OperandError);
  Ciphertext coeff = top;
  coeff.ntt = false;
  EXPECT_THROW(e.add(coeff, top), OperandError);
}

}  // namespace
}  // namespace ola::ckks
