// he/io galois key maker: trimmed keys match the key plan's memory estimate, rotate correctly at
// the linear level and refuse (not garble) a ciphertext above it; untrimmed keys keep every digit.
#include "he/io/galois_key_maker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

namespace ola::he {
namespace {

TEST(IoGaloisKeyMaker, TrimmedKeysMatchTheEstimateAndServeTheLinearLevel) {
  const ParamSet set = param_set_by_name("test-boot-n12");
  const ckks::Params params(set.params);
  Program p;
  p.options = program_options_for(params, set.boot, 2048);
  p.rotation_steps = {1, 3};
  p.steps.push_back({ProgramOp::conv, "c", 0, -1, 1, 0, 4, 3});
  const KeyPlan kp = key_plan(params, set.boot, p);
  ASSERT_EQ(kp.linear_level, 4);
  ASSERT_LT(params.digits_at(4), params.digits_at(params.max_level()));

  const ckks::KeyGenerator kg(params);
  const ckks::GaloisKeys full = make_galois_keys(kg, kp, false);
  const ckks::GaloisKeys trimmed = make_galois_keys(kg, kp, true);
  EXPECT_EQ(full.keys.size(), kp.galois_keys);
  EXPECT_EQ(trimmed.keys.size(), kp.galois_keys);
  EXPECT_DOUBLE_EQ(galois_key_bytes(full) + switching_key_bytes(params), kp.bytes);
  EXPECT_DOUBLE_EQ(galois_key_bytes(trimmed) + switching_key_bytes(params), kp.bytes_trimmed);
  EXPECT_LT(kp.bytes_trimmed, kp.bytes);

  const ckks::Encoder enc(params);
  const ckks::Encryptor encryptor(params, kg.public_key());
  const ckks::Decryptor dec(params, kg.secret_key());
  const ckks::Evaluator ev(params, {nullptr, std::make_shared<const ckks::GaloisKeys>(trimmed)});
  std::vector<double> v(2048);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::sin(0.1 * static_cast<double>(i));
  const ckks::Ciphertext top = encryptor.encrypt(enc.encode(v, params.max_level(), params.default_scale(), v.size()));
  const std::vector<double> r = enc.decode_real(dec.decrypt(ev.rotate(ev.drop_to_level(top, 4), 3)));
  double err = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) err = std::max(err, std::abs(r[i] - v[(i + 3) % v.size()]));
  EXPECT_LT(err, 1e-6);
  // Step 3 is linear-only (no bootstraps in this program): trimmed, so the top level is refused.
  ASSERT_NE(std::find(kp.linear_only_steps.begin(), kp.linear_only_steps.end(), 3), kp.linear_only_steps.end());
  EXPECT_THROW(ev.rotate(top, 3), std::logic_error);
}

}  // namespace
}  // namespace ola::he
