// Level-0 switching keys over q_0 p_0 (the sparse-secret encapsulation key s -> s_e, Bossuat et al.
// 2022, section 4.3) and the file of both encapsulation keys. Test-only ring N = 2^12.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>
#include <string>
#include <vector>

#include "ckks/core/ckks.h"
#include "ckks/core/serialization.h"
#include "ckks_fixture.h"

namespace ola::ckks {
namespace {

using testing::contains;
using testing::precision_bits;
using testing::random_values;

/// q_0 (50 bits) below p_0 (60 bits), as in the bootstrapping sets.
Params small_q0_params() {
  return Params(ParamsLiteral{.log_n = 12, .log_q = {50, 40, 40}, .log_p = {60, 60}, .dnum = 3,
                              .log_default_scale = 40, .test_only = true});
}

Ciphertext encrypt_at(const Params& params, const SecretKey& sk, const std::vector<testing::cd>& v, int level) {
  const Encoder encoder(params);
  return Encryptor(params, sk).encrypt(encoder.encode(v, level, params.default_scale(), v.size()));
}

TEST(Level0Key, SwitchesALevelZeroCiphertextBetweenKeyPairs) {
  const Params params = small_q0_params();
  const KeyGenerator target(params), source(params);
  const Level0SwitchingKey key = target.level0_switching_key(source.secret_key().s_qp);
  ASSERT_EQ(key.b.limbs, 2u);
  const auto v = random_values(256, 7);
  const Ciphertext ct = encrypt_at(params, source.secret_key(), v, 0);
  const Evaluator ev(params);
  Ciphertext switched = ev.switch_key(ct, key);
  EXPECT_EQ(switched.level, 0);
  switched.key_id = target.secret_key().key_id;  // the evaluator does not know the key's target pair
  const Encoder encoder(params);
  // Under the target key the message is back to the encryption's precision (~2^-29 here) ...
  const double bits = precision_bits(encoder.decode(Decryptor(params, target.secret_key()).decrypt(switched)), v);
  EXPECT_GE(bits, 25.0);
  // ... which a key of another pair does not give (the test can fail).
  const KeyGenerator stranger(params);
  switched.key_id = stranger.secret_key().key_id;
  EXPECT_LT(precision_bits(encoder.decode(Decryptor(params, stranger.secret_key()).decrypt(switched)), v), 0.0);
  // As precise as the full hybrid key over q_0 P at level 0, within a bit.
  Ciphertext full = ev.switch_key(ct, target.switching_key(source.secret_key().s_qp, 0));
  full.key_id = target.secret_key().key_id;
  EXPECT_GE(bits, precision_bits(encoder.decode(Decryptor(params, target.secret_key()).decrypt(full)), v) - 1.0);
}

TEST(Level0Key, RefusesCiphertextsAboveLevelZeroAndParametersWithQ0AboveP0) {
  const Params params = small_q0_params();
  const KeyGenerator keygen(params);
  const Level0SwitchingKey key = keygen.level0_switching_key(keygen.secret_key().s_qp);
  const Ciphertext high = encrypt_at(params, keygen.secret_key(), random_values(8, 1), 1);
  const std::string msg = testing::error_of<OperandError>([&] { Evaluator(params).switch_key(high, key); });
  EXPECT_TRUE(contains(msg, "ciphertext level (a level-0 key): expected 0, got 1")) << msg;

  const Params big_q0(ParamsLiteral{.log_n = 12, .log_q = {60, 40}, .log_p = {55, 55}, .dnum = 2,
                                    .log_default_scale = 40, .test_only = true});
  const std::string why = testing::error_of<ParamError>([&] { level0_key_moduli(big_q0); });
  EXPECT_TRUE(contains(why, "q_0 and p_0: expected a special prime p_0 > q_0")) << why;
  EXPECT_THROW(KeyGenerator(big_q0).level0_switching_key(KeyGenerator(big_q0).secret_key().s_qp), ParamError);
}

TEST(Level0Key, EncapsulationKeysRoundTripThroughBytesAndRefuseBadOnes) {
  const Params params = small_q0_params();
  const KeyGenerator keygen(params);
  const EncapsulationKeys keys = keygen.encapsulation_keys(16);
  const auto bytes = to_bytes(keys, params);
  const EncapsulationKeys back = encapsulation_keys_from_bytes(bytes, params, "enc.keys");
  EXPECT_EQ(back.hamming_weight, 16);
  EXPECT_EQ(back.key_id, keygen.secret_key().key_id);
  EXPECT_EQ(back.to_sparse.b, keys.to_sparse.b);
  EXPECT_EQ(back.to_sparse.a, keys.to_sparse.a);  // re-expanded from the seed
  EXPECT_EQ(back.from_sparse.b, keys.from_sparse.b);
  EXPECT_EQ(back.from_sparse.a, keys.from_sparse.a);
  EXPECT_EQ(back.from_sparse.level, params.max_level());

  const auto error = [&](const std::vector<std::uint8_t>& b, const Params& p) {
    return testing::error_of<FormatError>([&] { encapsulation_keys_from_bytes(b, p, "enc.keys"); });
  };
  auto bad = bytes;
  bad[kHeaderBytes] = 0;  // hamming weight 0
  bad[kHeaderBytes + 1] = 0;
  EXPECT_TRUE(contains(error(bad, params), "enc.keys: hamming_weight: expected 1..N = 4096, got 0")) << error(bad, params);
  bad = bytes;
  bad.resize(bytes.size() - 9);
  EXPECT_TRUE(contains(error(bad, params), "truncated")) << error(bad, params);
  bad = bytes;
  for (std::size_t i = 0; i < 8; ++i) bad[kHeaderBytes + 4 + 32 + i] = 0xff;  // first residue of b >= q_0
  EXPECT_TRUE(contains(error(bad, params), "to_sparse.b limb 0 value 0")) << error(bad, params);
  const auto relin = to_bytes(keygen.relin_key(), params);
  EXPECT_TRUE(contains(error(relin, params), "enc.keys: header.kind: expected encapsulation_keys (7)")) << error(relin, params);
  const Params other(test_literal_n12());
  EXPECT_TRUE(contains(error(bytes, other), "header.fingerprint")) << error(bytes, other);
}

}  // namespace
}  // namespace ola::ckks
