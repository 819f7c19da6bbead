// he/io param sets: names, the level model of the bootstrapping sets (checked against a real
// ckks::Bootstrapper), the key plan of a program with and without bootstraps, and key sizes.
#include "he/io/param_sets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ckks/core/ckks.h"
#include "util/error.h"

namespace ola::he {
namespace {

TEST(IoParamSets, NamesAndRefusal) {
  EXPECT_EQ(ckks::Params(param_set_by_name("test-n13").params).max_level(), 7);
  EXPECT_FALSE(param_set_by_name("test-n13").boot.has_value());
  EXPECT_TRUE(param_set_by_name("n16").boot.has_value());
  EXPECT_FALSE(ckks::Params(param_set_by_name("n16").params).test_only());
  try {
    param_set_by_name("n15");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "--params: name: expected " + param_set_names() + ", got n15");
  }
}

TEST(IoParamSets, NameListsAreDerivedFromTheSets) {
  EXPECT_EQ(param_set_names(), "test-n12, test-n13, test-n14, test-boot-n12, test-boot-n13, test-boot-n13-dense, n16, n16-dense, n16-dense-l11, n16-deep, n16-deep-dense");
  EXPECT_EQ(bootstrapping_param_set_names(), "test-boot-n12, test-boot-n13, test-boot-n13-dense, n16, n16-dense, n16-dense-l11, n16-deep, n16-deep-dense");
}

TEST(IoParamSets, DeepSetLeavesFifteenLevelsWithinTheSecurityBound) {
  const ParamSet deep = param_set_by_name("n16-deep");
  const ckks::Params params(deep.params);
  EXPECT_FALSE(params.test_only());
  EXPECT_LE(params.log_qp(), ckks::max_log_qp_128(16));
  EXPECT_EQ(bootstrap_output_level(params, *deep.boot), 15);
  EXPECT_EQ(bootstrap_output_level(ckks::Params(param_set_by_name("n16").params), *deep.boot), 10);
  // Every key-switching digit (4 primes of <= 60 bits) stays below P = 4 x 61 bits.
  EXPECT_EQ(params.alpha(), 4);
  EXPECT_EQ(params.dnum(), 8);
}

TEST(IoParamSets, DenseSetIsN16WithAUniformTernarySecretAndEncapsulation) {
  const ParamSet dense = param_set_by_name("n16-dense");
  const ParamSet n16 = param_set_by_name("n16");
  const ckks::Params params(dense.params);
  EXPECT_FALSE(params.test_only());
  EXPECT_EQ(params.secret(), ckks::SecretDistribution::uniform_ternary);
  EXPECT_EQ(ckks::Params(n16.params).secret(), ckks::SecretDistribution::fixed_hamming);
  EXPECT_LE(params.log_qp(), ckks::max_log_qp_128(16));
  EXPECT_EQ(dense.params.log_q, n16.params.log_q);
  EXPECT_EQ(dense.params.log_p, n16.params.log_p);
  ASSERT_TRUE(dense.boot.has_value());
  EXPECT_EQ(dense.boot->ephemeral_hamming_weight, 32);
  EXPECT_EQ(n16.boot->ephemeral_hamming_weight, 0);
  EXPECT_EQ(bootstrap_output_level(params, *dense.boot), 10);
}

TEST(IoParamSets, DenseL11SetTradesAnEvalModLevelForAnEleventhComputeLevel) {
  const ParamSet l11 = param_set_by_name("n16-dense-l11");
  const ParamSet dense = param_set_by_name("n16-dense");
  const ckks::Params params(l11.params);
  EXPECT_FALSE(params.test_only());
  EXPECT_EQ(params.secret(), ckks::SecretDistribution::uniform_ternary);
  EXPECT_LE(params.log_qp(), ckks::max_log_qp_128(16));
  EXPECT_EQ(l11.params.log_q.size(), dense.params.log_q.size());  // the same 26 primes in Q
  EXPECT_EQ(std::count(l11.params.log_q.begin(), l11.params.log_q.end(), 40), 11);
  EXPECT_EQ(std::count(l11.params.log_q.begin(), l11.params.log_q.end(), 60), 12);  // StC top + 8 + 3
  EXPECT_EQ(l11.params.log_p, dense.params.log_p);
  ASSERT_TRUE(l11.boot.has_value());
  EXPECT_EQ(l11.boot->ephemeral_hamming_weight, 32);
  EXPECT_EQ(l11.boot->eval_mod.k_range, 12);
  EXPECT_EQ(bootstrap_output_level(params, *l11.boot), 11);
  // The K = 24 EvalMod of n16-dense would leave 10 levels on this chain, as on its own.
  EXPECT_EQ(bootstrap_output_level(params, *dense.boot), 10);
}

TEST(IoParamSets, DeepDenseSetHasSixteenLevelsWithTheEncapsulatedBootstrapping) {
  const ParamSet deep_dense = param_set_by_name("n16-deep-dense");
  const ParamSet deep = param_set_by_name("n16-deep");
  const ckks::Params params(deep_dense.params);
  EXPECT_FALSE(params.test_only());
  EXPECT_EQ(params.secret(), ckks::SecretDistribution::uniform_ternary);
  EXPECT_LE(params.log_qp(), ckks::max_log_qp_128(16));
  EXPECT_EQ(deep_dense.params.log_q.size(), deep.params.log_q.size());
  EXPECT_EQ(std::count(deep_dense.params.log_q.begin(), deep_dense.params.log_q.end(), 40), 16);
  EXPECT_EQ(std::count(deep_dense.params.log_q.begin(), deep_dense.params.log_q.end(), 60), 12);
  EXPECT_EQ(deep_dense.params.log_p, deep.params.log_p);
  EXPECT_EQ(params.alpha(), 4);
  ASSERT_TRUE(deep_dense.boot.has_value());
  EXPECT_EQ(deep_dense.boot->ephemeral_hamming_weight, 32);
  EXPECT_EQ(bootstrap_output_level(params, *deep_dense.boot), 16);
}

TEST(IoParamSets, BootstrapOutputLevelIsTheBootstrappersOwn) {
  const ParamSet set = param_set_by_name("test-boot-n12");
  const ckks::Params params(set.params);
  const ckks::KeyGenerator kg(params);
  const std::size_t slots = 256;
  const auto steps = ckks::bootstrap_rotation_steps(params, *set.boot, slots);
  const ckks::Evaluator ev(params, {std::make_shared<const ckks::RelinKey>(kg.relin_key()),
                                    std::make_shared<const ckks::GaloisKeys>(kg.galois_keys(steps, true))});
  const ckks::Encoder enc(params);
  const ckks::Bootstrapper boot(ev, enc, *set.boot, slots);
  EXPECT_EQ(bootstrap_output_level(params, *set.boot), boot.levels_after());
  EXPECT_EQ(boot.levels_after(), 4);  // the 4 compute levels of the test-boot sets
  const ProgramOptions o = program_options_for(params, set.boot, 256);
  EXPECT_EQ(o.slots, 256);
  EXPECT_EQ(o.fresh_level, 4);
  EXPECT_EQ(o.boot_level, 4);
  EXPECT_TRUE(o.allow_bootstrap);
  EXPECT_THROW(program_options_for(params, set.boot, 3), Error);
  EXPECT_THROW(program_options_for(params, set.boot, 4096), Error);
}

TEST(IoParamSets, KeyPlanAddsTheBootstrapKeysOnlyWhenTheProgramBootstraps) {
  const ParamSet set = param_set_by_name("test-boot-n12");
  const ckks::Params params(set.params);
  Program p;
  p.options = program_options_for(params, set.boot, 512);
  p.rotation_steps = {1, 2, 64};
  const KeyPlan plain = key_plan(params, set.boot, p);
  EXPECT_EQ(plain.rotation_steps, p.rotation_steps);
  EXPECT_FALSE(plain.conjugation);
  EXPECT_EQ(plain.galois_keys, 3u);
  EXPECT_DOUBLE_EQ(plain.bytes_full_level, 4 * switching_key_bytes(params));
  EXPECT_EQ(plain.linear_only_steps, p.rotation_steps);
  EXPECT_EQ(plain.linear_level, 0);  // no steps: no linear layer
  p.steps.push_back({ProgramOp::conv, "c", 0, -1, 1, 0, 4, 3});
  p.steps.push_back({ProgramOp::pool_fc, "h", 1, -1, 2, 0, 2, 1});
  const KeyPlan with_layers = key_plan(params, set.boot, p);
  EXPECT_EQ(with_layers.linear_level, 4);
  EXPECT_DOUBLE_EQ(with_layers.bytes, switching_key_bytes(params) + 3 * switching_key_bytes(params, 4));
  EXPECT_LT(switching_key_bytes(params, 4), switching_key_bytes(params) / 2);
  EXPECT_THROW(switching_key_bytes(params, params.max_level() + 1), Error);

  p.steps.push_back({ProgramOp::bootstrap, "bootstrap", 1, -1, 1, -1, 1, 4, 512});
  p.bootstraps = 1;
  const KeyPlan boot = key_plan(params, set.boot, p);
  EXPECT_TRUE(boot.conjugation);
  EXPECT_EQ(boot.bootstrap_slots, std::vector<int>{512});
  EXPECT_TRUE(std::is_sorted(boot.rotation_steps.begin(), boot.rotation_steps.end()));
  for (int s : p.rotation_steps) EXPECT_TRUE(std::binary_search(boot.rotation_steps.begin(), boot.rotation_steps.end(), s));
  EXPECT_GT(boot.rotation_steps.size(), p.rotation_steps.size());
  EXPECT_EQ(boot.galois_keys, boot.rotation_steps.size() + 1);
  for (int s : boot.linear_only_steps) {
    EXPECT_TRUE(std::find(p.rotation_steps.begin(), p.rotation_steps.end(), s) != p.rotation_steps.end());
  }
  EXPECT_THROW(key_plan(params, std::nullopt, p), Error);

  // A second bootstrap at another slot count (a later stage's period): the union of both
  // bootstrappers' steps (SubSum included), one conjugation key.
  p.steps.push_back({ProgramOp::bootstrap, "bootstrap", 1, -1, 1, -1, 1, 4, 128});
  p.bootstraps = 2;
  const KeyPlan two = key_plan(params, set.boot, p);
  EXPECT_EQ(two.bootstrap_slots, (std::vector<int>{128, 512}));
  std::set<int> want(p.rotation_steps.begin(), p.rotation_steps.end());
  for (int n : {128, 512}) {
    for (int st : ckks::bootstrap_rotation_steps(params, *set.boot, static_cast<std::size_t>(n))) want.insert(((st % 2048) + 2048) % 2048);
  }
  want.erase(0);
  EXPECT_EQ(two.rotation_steps, std::vector<int>(want.begin(), want.end()));
  EXPECT_GT(two.rotation_steps.size(), boot.rotation_steps.size());
  EXPECT_EQ(two.galois_keys, two.rotation_steps.size() + 1);
  EXPECT_NE(describe_key_plan(params, p, two).find("2 bootstraps (1 at 128 slots, 1 at 512 slots)"), std::string::npos)
      << describe_key_plan(params, p, two);

  // Keys per stage: the layers' steps in the whole-run set at their levels, each slot count's
  // bootstrapper steps (at bootstrap_rotation_levels) in a set of its own with a conjugation key.
  const KeyPlan staged = key_plan(params, set.boot, p, KeyResidency::per_stage);
  EXPECT_EQ(staged.residency, KeyResidency::per_stage);
  EXPECT_EQ(staged.rotation_steps, p.rotation_steps);
  EXPECT_FALSE(staged.conjugation);
  EXPECT_EQ(staged.bootstrap_slots, two.bootstrap_slots);
  ASSERT_EQ(staged.stage_key_level.size(), 2u);
  std::size_t stage_keys = 0;
  double stage_bytes = 0.0, largest = 0.0;
  for (int n : {128, 512}) {
    std::map<int, int> want_levels;
    for (const auto& [st, level] : ckks::bootstrap_rotation_levels(params, *set.boot, static_cast<std::size_t>(n))) {
      const int r = ((st % 2048) + 2048) % 2048;
      if (r != 0) want_levels[r] = std::max(want_levels[r], level);
    }
    EXPECT_EQ(staged.stage_key_level.at(n), want_levels) << n;
    stage_keys += want_levels.size() + 1;
    double b = switching_key_bytes(params);
    for (const auto& [st, level] : want_levels) b += switching_key_bytes(params, level);
    stage_bytes += b;
    largest = std::max(largest, b);
  }
  double whole_run = switching_key_bytes(params);  // relin
  for (const auto& [st, level] : staged.key_level) whole_run += switching_key_bytes(params, level);
  EXPECT_EQ(staged.key_level.size(), p.rotation_steps.size());
  EXPECT_EQ(staged.galois_keys, p.rotation_steps.size() + stage_keys);
  EXPECT_DOUBLE_EQ(staged.bytes, whole_run + stage_bytes);
  EXPECT_DOUBLE_EQ(staged.resident_bytes, whole_run + largest);
  EXPECT_LT(staged.resident_bytes, staged.bytes);
  EXPECT_DOUBLE_EQ(two.resident_bytes, two.bytes);
  EXPECT_NE(describe_key_plan(params, p, staged).find("per stage (128 slots: "), std::string::npos)
      << describe_key_plan(params, p, staged);
  // Without bootstraps there is nothing to stage: the same plan as together.
  Program no_boot = p;
  no_boot.steps.resize(2);
  no_boot.bootstraps = 0;
  const KeyPlan flat = key_plan(params, set.boot, no_boot, KeyResidency::per_stage);
  EXPECT_TRUE(flat.stage_key_level.empty());
  EXPECT_EQ(flat.rotation_steps, key_plan(params, set.boot, no_boot).rotation_steps);
  EXPECT_DOUBLE_EQ(flat.resident_bytes, flat.bytes);

  p.steps.back().slots = 3;  // not a power of two: no bootstrapper exists for it
  EXPECT_THROW(key_plan(params, set.boot, p), Error);

  // The size formula against the bytes of a key KeyGenerator made.
  const ckks::KeyGenerator kg(params);
  const ckks::RelinKey rk = kg.relin_key();
  double bytes = 0.0;
  for (const auto& x : rk.key.b) bytes += 8.0 * static_cast<double>(x.data.size());
  for (const auto& x : rk.key.a) bytes += 8.0 * static_cast<double>(x.data.size());
  EXPECT_DOUBLE_EQ(switching_key_bytes(params), bytes);
}

}  // namespace
}  // namespace ola::he
