// The he/ layers on real CKKS ciphertexts (test-only N = 2^12 parameters) against the float
// reference: the same code path the simulator tests, now encrypted.
#include "he/ckks_backend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>

#include "approx/composite.h"
#include "he/ckks_activation.h"
#include "he/conv.h"
#include "he/linear_cost.h"
#include "he/per_slot_poly.h"
#include "he/pool_fc.h"
#include "he/reference.h"
#include "he/residual.h"
#include "he/shortcut.h"
#include "util/error.h"

namespace ola::he {
namespace {

struct Keys {
  ckks::Params params{ckks::test_literal_n12()};
  ckks::Encoder encoder{params};
  ckks::KeyGenerator keygen{params};
  ckks::Encryptor encryptor{params, keygen.public_key()};
  ckks::Decryptor decryptor{params, keygen.secret_key()};

  ckks::Evaluator evaluator(const std::vector<int>& steps, bool relin = false) const {
    return ckks::Evaluator(params, {relin ? std::make_shared<const ckks::RelinKey>(keygen.relin_key()) : nullptr,
                                    std::make_shared<const ckks::GaloisKeys>(keygen.galois_keys(steps))});
  }
  ckks::Ciphertext encrypt(const std::vector<double>& slots) const {
    return encryptor.encrypt(encoder.encode(slots, params.max_level(), params.default_scale(), slots.size()));
  }
  std::vector<double> decrypt(const ckks::Ciphertext& ct) const {
    return encoder.decode_real(decryptor.decrypt(ct));
  }
};

TEST(CkksBackend, EncryptedConvolutionMatchesTheReference) {
  const Keys k;
  const int slots = 2048;  // N/2: the 4x8x8 map (period 256) repeats 8 times
  const Layout in = make_layout(4, 8, 8, 1, slots);
  const Conv2d c = test::random_conv(4, 4, 1, 90);
  const CompiledConv cc = compile_conv(in, c);
  const ckks::Evaluator ev = k.evaluator(rotation_steps(cc.transform));
  CkksBackend be(ev, k.encoder, slots);
  const FeatureMap x = test::random_map(4, 8, 8, 91);
  const ckks::Ciphertext ct = k.encrypt(pack(in, x));
  const ckks::Ciphertext y = conv(be, ct, cc);
  EXPECT_EQ(y.level, ct.level - 1);
  EXPECT_NEAR(y.scale / ct.scale, 1.0, 1e-9);
  const double err = test::max_abs_diff(unpack(cc.out, k.decrypt(y)), test::reference_conv(x, c));
  EXPECT_LT(err, 1e-5);
  std::cout << "encrypted conv 4x8x8 N=2^12: max abs error " << err << "\n";
  EXPECT_EQ(conv_cost({4, 4, 8, 8, 3, 1, 1, slots, true}), cost_from_stats(be.stats(), 1));

  // A drifted input scale (as a polynomial leaves it) comes out on the default scale again.
  const auto packed = pack(in, x);
  const ckks::Ciphertext drifted =
      k.encryptor.encrypt(k.encoder.encode(packed, k.params.max_level(), 1.3 * k.params.default_scale(), packed.size()));
  const ckks::Ciphertext z = conv(be, drifted, cc);
  EXPECT_NEAR(z.scale / k.params.default_scale(), 1.0, 1e-12);
  EXPECT_LT(test::max_abs_diff(unpack(cc.out, k.decrypt(z)), test::reference_conv(x, c)), 1e-5);
}

TEST(CkksBackend, EncryptedDownsamplingBlockAndHeadOnSparseSlots) {
  const Keys k;
  const int slots = 256;  // sparse packing: exactly one period of the 4x8x8 input
  const Layout in = make_layout(4, 8, 8, 1, slots);
  const Conv2d c1 = test::random_conv(8, 4, 2, 92);
  const Conv2d c2 = test::random_conv(8, 8, 1, 93);
  const CompiledConv k1 = compile_conv(in, c1);
  const CompiledConv k2 = compile_conv(k1.out, c2);
  const CompiledConv sc = compile_shortcut(in, 8, 2);
  Dense fc{10, 8, std::vector<double>(80), std::vector<double>(10)};
  for (std::size_t i = 0; i < fc.weights.size(); ++i) fc.weights[i] = 0.1 * static_cast<double>(i % 7) - 0.3;
  for (std::size_t i = 0; i < fc.bias.size(); ++i) fc.bias[i] = 0.05 * static_cast<double>(i);
  const CompiledPoolFc head = compile_pool_fc(k2.out, fc);
  const std::vector<std::vector<int>> lists{rotation_steps(k1.transform), rotation_steps(k2.transform),
                                            rotation_steps(sc.transform), rotation_steps(head)};
  const ckks::Evaluator ev = k.evaluator(merge_steps(lists));
  CkksBackend be(ev, k.encoder, slots);

  const FeatureMap x = test::random_map(4, 8, 8, 94);
  const ckks::Ciphertext ct = k.encrypt(pack(in, x));
  const auto sum = add_residual(be, conv(be, conv(be, ct, k1), k2), conv(be, ct, sc));
  EXPECT_EQ(sum.level, ct.level - 2);
  const auto logits = pool_fc(be, sum, head);
  EXPECT_EQ(logits.level, ct.level - 3);

  const FeatureMap r = test::add_maps(test::reference_conv(test::reference_conv(x, c1), c2),
                                      test::reference_shortcut(x, 8, 2));
  EXPECT_LT(test::max_abs_diff(unpack(k2.out, k.decrypt(sum)), r), 1e-5);
  const auto want = test::reference_pool_fc(r, fc);
  const auto got = unpack_logits(head, k.decrypt(logits));
  for (std::size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(got[j], want[j], 1e-5) << j;
}

TEST(CkksBackend, ResidualAddAlignsADriftedScale) {
  const Keys k;
  const ckks::Evaluator ev = k.evaluator({});
  CkksBackend be(ev, k.encoder, 2048);
  std::vector<double> v(2048);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::sin(0.01 * static_cast<double>(i));
  const ckks::Ciphertext ct = k.encrypt(v);
  const int top = ct.level;
  const double q = static_cast<double>(k.params.q(static_cast<std::size_t>(top)));
  // One level down with a scale 0.1% off (as after a polynomial), against a branch two levels down.
  const ckks::Ciphertext drifted = ev.rescale(ev.mul_const(ct, 1.0, q * 1.001));
  const ckks::Ciphertext deep = be.rescale(be.mul_const(be.rescale(be.mul_const(ct, 2.0)), 1.0));
  EXPECT_THROW(ev.add(ev.drop_to_level(drifted, deep.level), deep), ckks::OperandError);
  const ckks::Ciphertext sum = add_residual(be, drifted, deep);
  EXPECT_EQ(sum.level, top - 2);
  const auto got = k.decrypt(sum);
  double err = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) err = std::max(err, std::abs(got[i] - 3.0 * v[i]));
  EXPECT_LT(err, 1e-5);
}

// conv -> activation polynomial (ckks/poly) -> residual add with the block input, whose scale differs
// from the polynomial's output scale.
TEST(CkksBackend, ConvActivationResidualWithTheActivationHook) {
  const Keys k;
  const int slots = 512;
  const Layout in = make_layout(4, 8, 8, 1, slots);
  Conv2d c = test::random_conv(4, 4, 1, 97);
  for (double& w : c.weights) w *= 0.2;
  for (double& w : c.bias) w *= 0.2;
  const CompiledConv cc = compile_conv(in, c);
  const ckks::Evaluator ev = k.evaluator(rotation_steps(cc.transform), true);
  CkksBackend be(ev, k.encoder, slots);
  const approx::ChebPoly p{-1.0, 1.0, {0.1, 0.5, 0.3, -0.2}};  // degree 3: depth 2
  const auto act = ckks_chebyshev_activation(p);

  const FeatureMap x = test::random_map(4, 8, 8, 98);
  const ckks::Ciphertext ct = k.encrypt(pack(in, x));
  const ckks::Ciphertext h = act(be, conv(be, ct, cc));
  EXPECT_EQ(h.level, ct.level - 3);
  const ckks::Ciphertext y = add_residual(be, h, ct);
  EXPECT_EQ(y.level, h.level);

  FeatureMap r = test::reference_conv(x, c);
  for (double& v : r.data) v = approx::evaluate(p, v);
  r = test::add_maps(r, x);
  EXPECT_LT(test::max_abs_diff(unpack(in, k.decrypt(y)), r), 1e-5);
  EXPECT_THROW(ckks_chebyshev_activation(approx::ChebPoly{-1.0, 1.0, {0.5}}), Error);
}

TEST(CkksBackend, CiphertextProductIsRelinearisedAndRescaled) {
  const Keys k;
  const ckks::Evaluator ev = k.evaluator({}, true);
  CkksBackend be(ev, k.encoder, 2048);
  std::vector<double> x(2048), y(2048);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = std::sin(0.01 * static_cast<double>(i));
    y[i] = std::cos(0.03 * static_cast<double>(i));
  }
  const ckks::Ciphertext a = k.encrypt(x), b = k.encrypt(y);
  const ckks::Ciphertext p = be.mul(a, b);
  EXPECT_EQ(p.level, a.level - 1);
  EXPECT_NEAR(p.scale, a.scale * b.scale / static_cast<double>(k.params.q(static_cast<std::size_t>(a.level))),
              1e-9 * p.scale);
  const std::vector<double> got = k.decrypt(p), sq = k.decrypt(be.mul(a, a));
  double err = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    err = std::max({err, std::abs(got[i] - x[i] * y[i]), std::abs(sq[i] - x[i] * x[i])});
  }
  EXPECT_LT(err, 1e-6);
  EXPECT_EQ(be.stats().ct_mults, 2);
  EXPECT_THROW(be.mul(p, a), Error);
  const ckks::Evaluator no_relin = k.evaluator({});
  CkksBackend bare(no_relin, k.encoder, 2048);
  EXPECT_THROW(bare.mul(a, b), ckks::OperandError);
}

TEST(CkksBackend, CompositeReluLandsOnTheDefaultScaleFromADriftedInput) {
  const Keys k;
  const ckks::Evaluator ev = k.evaluator({}, true);
  CkksBackend be(ev, k.encoder, 2048);
  const approx::Approximation a = approx::make_composite_relu(4, -2.0, 2.0);  // depth 4 = test-n12's levels
  std::vector<double> x(2048);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 1.9 * std::sin(0.05 * static_cast<double>(i));
  std::vector<double> t(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) t[i] = x[i] / 2.0;  // t = x / B
  const double drift = 1.37;
  const ckks::Ciphertext in = k.encryptor.encrypt(
      k.encoder.encode(t, k.params.max_level(), drift * k.params.default_scale(), t.size()));
  const ckks::Ciphertext out = ckks_composite_relu_activation(a, 3.0)(be, in);
  EXPECT_EQ(out.level, k.params.max_level() - 4);
  EXPECT_DOUBLE_EQ(out.scale, k.params.default_scale());
  const std::vector<double> got = k.decrypt(out);
  double err = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) err = std::max(err, std::abs(got[i] - 3.0 * approx::evaluate(a, x[i])));
  EXPECT_LT(err, 1e-4);
  EXPECT_EQ(be.stats().ct_mults, 1);
}

TEST(CkksBackend, RefusesMissingKeysAndBadSettings) {
  const Keys k;
  const Layout in = make_layout(4, 8, 8, 1, 2048);
  const CompiledConv cc = compile_conv(in, test::random_conv(4, 4, 1, 95));
  auto steps = rotation_steps(cc.transform);
  steps.pop_back();
  const ckks::Evaluator ev = k.evaluator(steps);
  CkksBackend be(ev, k.encoder, 2048);
  EXPECT_THROW(conv(be, k.encrypt(pack(in, test::random_map(4, 8, 8, 96))), cc), ckks::OperandError);
  EXPECT_THROW(be.bootstrap(k.encrypt(std::vector<double>(2048, 0.0)), 2048), Error);
  EXPECT_THROW(CkksBackend(ev, k.encoder, 3000), Error);
  EXPECT_THROW(be.encode_for_mul(std::vector<double>(2048, 0.0), 0), Error);
}

TEST(CkksBackend, PerSlotDegreeThirtyOnePolynomialIsPreciseEncrypted) {
  // Five levels of test_literal_n13's seven: T_2 ... T_16, eight cubic leaves, seven joins, scale
  // matches before each addition; every slot its own coefficients decaying like a ReLU fit's (1/k^2).
  const ckks::Params params(ckks::test_literal_n13());
  const ckks::Encoder encoder(params);
  const ckks::KeyGenerator keygen(params);
  const ckks::Encryptor encryptor(params, keygen.public_key());
  const ckks::Decryptor decryptor(params, keygen.secret_key());
  const ckks::Evaluator ev(params, {std::make_shared<const ckks::RelinKey>(keygen.relin_key()), nullptr});
  const int slots = 4096;
  CkksBackend be(ev, encoder, slots);
  SlotPoly p;
  p.c.assign(32, std::vector<double>(static_cast<std::size_t>(slots)));
  std::vector<double> t(static_cast<std::size_t>(slots));
  for (std::size_t i = 0; i < t.size(); ++i) {
    t[i] = std::cos(0.37 * static_cast<double>(i));
    for (std::size_t k = 0; k < 32; ++k) {
      p.c[k][i] = std::sin(1.3 * static_cast<double>(i + 7 * k)) / static_cast<double>(1 + k * k);
    }
  }
  const ckks::Ciphertext ct = encryptor.encrypt(encoder.encode(t, params.max_level(), params.default_scale(), t.size()));
  const ckks::Ciphertext y = evaluate_slot_poly(be, ct, p);
  EXPECT_EQ(y.level, params.max_level() - 5);
  const std::vector<double> got = encoder.decode_real(decryptor.decrypt(y));
  double err = 0.0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    double prev = 1.0, cur = t[i], want = p.c[0][i];
    for (std::size_t k = 1; k < 32; ++k) {
      want += p.c[k][i] * cur;
      const double next = 2.0 * t[i] * cur - prev;
      prev = cur;
      cur = next;
    }
    err = std::max(err, std::abs(got[i] - want));
  }
  std::cout << "per-slot degree 31, N=2^13: max abs error " << err << "\n";
  EXPECT_LT(err, 1e-5);
}

}  // namespace
}  // namespace ola::he
