// he/io galois key maker: keys made at the plan's linear level match its memory estimate, rotate
// correctly at that level and are refused above it; the bootstrapper's keys stay at the top level.
#include "he/io/galois_key_maker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

namespace ola::he {
namespace {

TEST(IoGaloisKeyMaker, LinearKeysAtTheLinearLevelMatchTheEstimateAndServeIt) {
  const ParamSet set = param_set_by_name("test-boot-n12");
  const ckks::Params params(set.params);
  Program p;
  p.options = program_options_for(params, set.boot, 2048);
  p.rotation_steps = {3, 5, 7, 9, 11, 13, 17, 19, 21, 100, 300, 555, 1001};
  p.steps.push_back({ProgramOp::conv, "c", 0, -1, 1, 0, 4, 3});
  p.steps.push_back({ProgramOp::bootstrap, "bootstrap", 1, -1, 1, -1, 3, 4, 2048});
  p.bootstraps = 1;
  const KeyPlan kp = key_plan(params, set.boot, p);
  ASSERT_EQ(kp.linear_level, 4);
  ASSERT_FALSE(kp.linear_only_steps.empty());  // steps the bootstrapper does not use
  const int step = kp.linear_only_steps.front();

  const ckks::KeyGenerator kg(params);
  const ckks::GaloisKeys keys = make_galois_keys(kg, kp);
  EXPECT_EQ(keys.keys.size(), kp.galois_keys);
  EXPECT_DOUBLE_EQ(galois_key_bytes(keys) + switching_key_bytes(params), kp.bytes);
  EXPECT_LT(kp.bytes, kp.bytes_full_level);
  EXPECT_EQ(keys.keys.at(ckks::galois_element_for_step(params, step)).level, 4);
  EXPECT_EQ(keys.keys.at(ckks::galois_element_conjugate(params)).level, params.max_level());

  const ckks::Encoder enc(params);
  const ckks::Encryptor encryptor(params, kg.public_key());
  const ckks::Decryptor dec(params, kg.secret_key());
  const ckks::Evaluator ev(params, {nullptr, std::make_shared<const ckks::GaloisKeys>(keys)});
  std::vector<double> v(2048);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::sin(0.1 * static_cast<double>(i));
  const ckks::Ciphertext top = encryptor.encrypt(enc.encode(v, params.max_level(), params.default_scale(), v.size()));
  const std::vector<double> r = enc.decode_real(dec.decrypt(ev.rotate(ev.drop_to_level(top, 4), step)));
  double err = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) err = std::max(err, std::abs(r[i] - v[(i + static_cast<std::size_t>(step)) % v.size()]));
  EXPECT_LT(err, 1e-6);
  EXPECT_THROW(ev.rotate(top, step), ckks::OperandError);
}

}  // namespace
}  // namespace ola::he
