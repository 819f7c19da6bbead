// Bootstrapping through the real binary: a plan that forces a bootstrap (and a level shortfall that
// needs another) runs encrypted through keygen / encrypt / infer / decrypt at the test-only
// bootstrapping set test-boot-n13, and matches `ola infer --simulate` in class and logits; `bench
// infer --baseline-alpha` / `--compare-baseline` run the uniform composite ReLU baseline, split by
// bootstraps where it is deeper than the levels after one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "he_cli_fixture.h"

namespace {

using namespace ola::test::he_cli;

TEST(HeCliBoot, ForcedBootstrapsRunEncryptedAndMatchTheSimulation) {
  const Files f;
  write_text(f("small.onnx"), small_cnn_onnx());
  write_text(f("plan.json"), plan_json({6.0, 6.0}, {true, false}).dump());
  const std::string mp = " --model " + f("small.onnx") + " --plan " + f("plan.json");

  // Per-stage sparse bootstraps: infer reads the choice from the key file.
  auto r = run_ola("keygen --params test-boot-n13 --stage-bootstraps" + mp + " --out-secret " + f("sk.bin") +
                   " --out-eval " + f("evk.bin") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  const auto keys = nlohmann::json::parse(r.out);
  // Fresh level 4: conv (3), forced bootstrap (4), activation d3 (2), conv (1), bootstrap (4) ...
  EXPECT_EQ(keys["bootstraps"], 2) << r.all;
  // The first at conv 1's period (4 channels of 32x32: 4096 = N/2), the second after the stride-2
  // conv at its period (8 channels of 16x16 at gap 2: 2048), a 2048-sparse bootstrap.
  EXPECT_EQ(keys["bootstraps_by_slots"], (nlohmann::json{{"2048", 1}, {"4096", 1}})) << r.all;
  EXPECT_NE(r.all.find("GB of evaluation keys"), std::string::npos) << r.all;
  // The estimate alone (no files) names the same key count, both bootstrappers' keys included.
  r = run_ola("keygen --params test-boot-n13 --stage-bootstraps" + mp + " --estimate-only");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  const auto estimate = nlohmann::json::parse(r.out);
  EXPECT_EQ(estimate["galois_keys"], keys["galois_keys"]);
  EXPECT_EQ(estimate["bootstraps_by_slots"], keys["bootstraps_by_slots"]);
  EXPECT_LT(estimate["eval_key_bytes"].get<double>(), estimate["eval_key_bytes_full_level"].get<double>());
  // One bootstrapper alive at a time: the peak is the larger one's matrices, not their sum.
  const auto& boot_bytes = estimate["bootstrapper_bytes_by_slots"];
  ASSERT_EQ(boot_bytes.size(), 2u) << r.all;
  const double b2048 = boot_bytes["2048"].get<double>(), b4096 = boot_bytes["4096"].get<double>();
  EXPECT_GT(b2048, 0.0);
  EXPECT_DOUBLE_EQ(estimate["bootstrapper_bytes_peak"].get<double>(), std::max(b2048, b4096));
  EXPECT_DOUBLE_EQ(estimate["bootstrapper_bytes_total"].get<double>(), b2048 + b4096);
  EXPECT_DOUBLE_EQ(estimate["eval_key_and_bootstrapper_bytes"].get<double>(),
                   estimate["eval_key_bytes"].get<double>() + std::max(b2048, b4096));
  EXPECT_NE(r.all.find("2 bootstraps (1 at 2048 slots, 1 at 4096 slots)"), std::string::npos) << r.all;
  // The default: both at the program's 4096 slots, one bootstrapper: fewer keys.
  r = run_ola("keygen --params test-boot-n13" + mp + " --estimate-only");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  const auto one = nlohmann::json::parse(r.out);
  EXPECT_EQ(one["bootstraps_by_slots"], (nlohmann::json{{"4096", 2}})) << r.all;
  EXPECT_LT(one["galois_keys"].get<int>(), keys["galois_keys"].get<int>());
  EXPECT_DOUBLE_EQ(one["bootstrapper_bytes_peak"].get<double>(), one["bootstrapper_bytes_total"].get<double>());

  r = run_ola("encrypt --secret " + f("sk.bin") + " --index 2 --out " + f("ct.bin"));
  ASSERT_EQ(r.exit_code, 0) << r.all;
  r = run_ola("infer" + mp + " --eval " + f("evk.bin") + " --in " + f("ct.bin") + " --out " + f("logits.ct") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  EXPECT_EQ(nlohmann::json::parse(r.out)["bootstraps"], 2) << r.all;
  // The first bootstrap's bootstrapper up front, the other at its bootstrap (he/ckks_session.h).
  EXPECT_NE(r.all.find("bootstrappers for 2048, 4096 slots: 4096 ready"), std::string::npos) << r.all;
  const double bits = expect_decrypted_matches_simulation(f, mp, "test-boot-n13", 2);
  std::cout << "test-boot-n13, 2 bootstraps: max logit error " << bits << " bits below max |logit|\n";

  // Keys per stage: the same run, each stage's keys read from their own section of the key file.
  r = run_ola("keygen --params test-boot-n13 --stage-bootstraps --keys-per-stage" + mp + " --out-secret " +
              f("sk.bin") + " --out-eval " + f("evk.bin") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  EXPECT_NE(r.all.find("per stage (2048 slots: "), std::string::npos) << r.all;
  r = run_ola("keygen --params test-boot-n13 --stage-bootstraps --keys-per-stage" + mp + " --estimate-only");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  const auto staged = nlohmann::json::parse(r.out);
  EXPECT_TRUE(staged["keys_per_stage"].get<bool>());
  EXPECT_LT(staged["resident_key_bytes"].get<double>(), estimate["eval_key_bytes"].get<double>()) << r.all;
  r = run_ola("encrypt --secret " + f("sk.bin") + " --index 2 --out " + f("ct.bin"));
  ASSERT_EQ(r.exit_code, 0) << r.all;
  r = run_ola("infer" + mp + " --eval " + f("evk.bin") + " --in " + f("ct.bin") + " --out " + f("logits.ct") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  EXPECT_EQ(nlohmann::json::parse(r.out)["bootstraps"], 2) << r.all;
  expect_decrypted_matches_simulation(f, mp, "test-boot-n13", 2);
  // A key file cut inside its last stage section is refused before anything runs.
  std::filesystem::resize_file(f("evk.bin"), std::filesystem::file_size(f("evk.bin")) - 100);
  r = run_ola("infer" + mp + " --eval " + f("evk.bin") + " --in " + f("ct.bin") + " --out " + f("logits2.ct"));
  EXPECT_NE(r.exit_code, 0) << r.all;
  EXPECT_NE(r.all.find("(truncated)"), std::string::npos) << r.all;
  EXPECT_FALSE(std::filesystem::exists(f("logits2.ct")));

  // Keys of the non-bootstrapping set cannot run this plan: keygen refuses to compile it.
  r = run_ola("keygen --params test-n13" + mp + " --out-secret " + f("sk2.bin") + " --out-eval " + f("evk2.bin"));
  EXPECT_EQ(r.exit_code, 2) << r.all;
  EXPECT_NE(r.all.find("bootstrap"), std::string::npos) << r.all;
}

// A dense secret through the four commands: keygen writes the two encapsulation keys (the last
// section of the key file), infer reads them, and the decrypted class is the simulation's.
TEST(HeCliBoot, DenseSecretWithEncapsulationKeysRunsThroughTheFourCommands) {
  const Files f;
  write_text(f("small.onnx"), small_cnn_onnx());
  write_text(f("plan.json"), plan_json({6.0, 6.0}, {true, false}).dump());
  const std::string mp = " --model " + f("small.onnx") + " --plan " + f("plan.json");
  auto r = run_ola("keygen --params test-boot-n13-dense --stage-bootstraps --keys-per-stage" + mp + " --out-secret " +
                   f("sk.bin") + " --out-eval " + f("evk.bin") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  r = run_ola("encrypt --secret " + f("sk.bin") + " --index 2 --out " + f("ct.bin"));
  ASSERT_EQ(r.exit_code, 0) << r.all;
  r = run_ola("infer" + mp + " --eval " + f("evk.bin") + " --in " + f("ct.bin") + " --out " + f("logits.ct") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  EXPECT_EQ(nlohmann::json::parse(r.out)["bootstraps"], 2) << r.all;
  const double bits = expect_decrypted_matches_simulation(f, mp, "test-boot-n13-dense", 2);
  std::cout << "test-boot-n13-dense, 2 bootstraps: max logit error " << bits << " bits below max |logit|\n";
  // A key file with its encapsulation section cut short is refused.
  std::filesystem::resize_file(f("evk.bin"), std::filesystem::file_size(f("evk.bin")) - 100);
  r = run_ola("infer" + mp + " --eval " + f("evk.bin") + " --in " + f("ct.bin") + " --out " + f("logits2.ct"));
  EXPECT_NE(r.exit_code, 0) << r.all;
  EXPECT_NE(r.all.find("(truncated)"), std::string::npos) << r.all;
  EXPECT_FALSE(std::filesystem::exists(f("logits2.ct")));
}

TEST(HeCliBoot, BenchInferRunsTheUniformCompositeBaselineAndComparesItWithThePlan) {
  const Files f;
  write_text(f("small.onnx"), small_cnn_onnx());
  write_text(f("plan.json"), plan_json({6.0, 6.0}).dump());
  const std::string mp = " --model " + f("small.onnx") + " --plan " + f("plan.json") + " --params test-boot-n13";
  // Composite alpha 6 (depth 6) in a window of 4 levels: each ReLU is split by a bootstrap.
  // conv (3), head (1), bootstrap, tail (0), bootstrap, conv (3), head (1), bootstrap, tail (0),
  // bootstrap, pool_fc: 4 bootstraps; the plan's minimax d3 (depth 2) needs 1.
  auto r = run_ola("bench infer" + mp + " --baseline-alpha 6 --images 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["run"], "baseline");
  EXPECT_EQ(j["baseline_alpha"], 6);
  EXPECT_EQ(j["bootstraps"], 4) << r.all;
  EXPECT_EQ(j["bootstraps_by_slots"], (nlohmann::json{{"4096", 4}})) << r.all;
  EXPECT_GT(j["seconds_per_bootstrap_by_slots"]["4096"].get<double>(), 0.0) << r.all;
  EXPECT_EQ(j["agreement"], 1.0);
  EXPECT_LT(j["max_logit_error_bits"].get<double>(), std::log2(j["max_abs_logit"].get<double>()) - 12.0) << r.all;
  EXPECT_NE(r.all.find("act_tail"), std::string::npos) << r.all;
  const auto& kinds = j["seconds_per_image_by_kind"];
  EXPECT_GT(kinds["bootstrap"].get<double>(), 0.0);
  EXPECT_GT(kinds["activation"].get<double>(), 0.0);
  EXPECT_GT(kinds["linear"].get<double>(), 0.0);
  EXPECT_LE(kinds["bootstrap"].get<double>() + kinds["activation"].get<double>() + kinds["linear"].get<double>(),
            j["seconds_per_image"].get<double>());

  // Per-stage sparse bootstraps: the baseline's two splits before the stride-2 conv at conv 1's
  // period (4096), the two after it at 2048; the plan's one (conv, minimax d3, conv leave 0
  // levels for site 1) at 2048.
  r = run_ola("bench infer" + mp + " --compare-baseline 6 --stage-bootstraps --images 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  j = nlohmann::json::parse(r.out);
  const auto& plan = j["plan_run"];
  const auto& base = j["baseline_run"];
  EXPECT_EQ(plan["bootstraps"], 1) << r.all;
  EXPECT_EQ(base["bootstraps"], 4) << r.all;
  EXPECT_EQ(plan["bootstraps_by_slots"], (nlohmann::json{{"2048", 1}})) << r.all;
  EXPECT_EQ(base["bootstraps_by_slots"], (nlohmann::json{{"2048", 2}, {"4096", 2}})) << r.all;
  for (const char* n : {"2048", "4096"}) {
    EXPECT_GT(base["seconds_per_bootstrap_by_slots"][n].get<double>(), 0.0) << r.all;
  }
  EXPECT_EQ(plan["agreement"], 1.0);
  EXPECT_EQ(base["agreement"], 1.0);
  // The baseline's 2048-slot bootstrapper is built in the run, after the 4096 one is freed; the
  // build is counted apart from the bootstraps.
  EXPECT_EQ(plan["bootstrapper_builds"], 1) << r.all;
  EXPECT_EQ(base["bootstrapper_builds"], 2) << r.all;
  EXPECT_GT(base["seconds_per_image_by_kind"]["bootstrapper_setup"].get<double>(), 0.0) << r.all;
  EXPECT_FALSE(plan["seconds_per_image_by_kind"].contains("bootstrapper_setup")) << r.all;
  EXPECT_DOUBLE_EQ(j["ratio"].get<double>(),
                   base["seconds_per_image"].get<double>() / plan["seconds_per_image"].get<double>());
  // The plan's result is on stderr before the baseline runs (kept if the baseline fails).
  const auto at = r.all.find("plan_run: ");
  ASSERT_NE(at, std::string::npos) << r.all;
  const auto line = r.all.substr(at + 10, r.all.find('\n', at) - at - 10);
  EXPECT_EQ(nlohmann::json::parse(line)["seconds_per_image"], plan["seconds_per_image"]);
  EXPECT_GT(plan["peak_rss_mb"].get<double>(), 1.0);

  r = run_ola("bench infer" + mp + " --compare-baseline 6 --baseline-alpha 6");
  EXPECT_EQ(r.exit_code, 2) << r.all;

  // Keys per stage: the baseline's two stages (4096 and 2048 slots) each load their own keys.
  r = run_ola("bench infer" + mp + " --baseline-alpha 6 --stage-bootstraps --keys-per-stage --images 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["keys_per_stage"].get<bool>()) << r.all;
  EXPECT_EQ(j["bootstraps_by_slots"], (nlohmann::json{{"2048", 2}, {"4096", 2}})) << r.all;
  EXPECT_EQ(j["agreement"], 1.0) << r.all;
  EXPECT_LT(j["resident_key_bytes"].get<double>(), j["eval_key_bytes"].get<double>()) << r.all;
  EXPECT_NE(r.all.find("per stage (2048 slots: "), std::string::npos) << r.all;

  // The baseline on another parameter set, in the same process.
  const std::string mp14 = " --model " + f("small.onnx") + " --plan " + f("plan.json") + " --params test-n14";
  r = run_ola("bench infer" + mp14 + " --compare-baseline 6 --baseline-params test-boot-n13 --images 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.all;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["params"], "test-n14");
  EXPECT_EQ(j["baseline_run"]["params"], "test-boot-n13");
  EXPECT_EQ(j["plan_run"]["bootstraps"], 0) << r.all;  // the plan fits test-n14's chain
  EXPECT_EQ(j["baseline_run"]["bootstraps"], 4) << r.all;
  EXPECT_EQ(j["baseline_run"]["agreement"], 1.0) << r.all;
  EXPECT_EQ(j["plan_run"]["agreement"], 1.0) << r.all;
  EXPECT_NE(r.all.find("N=2^13"), std::string::npos) << r.all;  // the baseline's key plan names its ring
  r = run_ola("bench infer" + mp + " --baseline-params test-boot-n12");
  EXPECT_NE(r.exit_code, 0) << r.all;
  EXPECT_NE(r.all.find("--baseline-params"), std::string::npos) << r.all;
}

}  // namespace
