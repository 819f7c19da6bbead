// `ola demo` end to end on the bundled data: the README's main command. The encrypted stage at n16-dense
// (11 min, 15 GB) is left out here (--encrypt no); its automatic refusal on a small machine is tested
// with --assume-mem-gb in place of /proc/meminfo.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_ola.h"

namespace {

TEST(CliDemo, RunsOnBundledDataAndBeatsTheBaselineWithoutLosingAccuracy) {
  const auto out = std::filesystem::temp_directory_path() / ("ola_demo_test_" + std::to_string(::getpid()));
  const auto r = ola::test::run_ola("demo --json --quiet --encrypt no --out " + out.string(), /*merge_stderr=*/false);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["images"].get<int>(), 100);
  // The plan keeps the exact model's predictions on the bundled test images (budget 0.5 points:
  // at most one image of 100 may change) and is predicted faster than uniform alpha = 13.
  EXPECT_GE(j["plan_agreement"].get<double>(), 0.99);
  EXPECT_GE(j["plan_top1"].get<double>(), j["exact_top1"].get<double>() - 0.01);
  EXPECT_LT(j["predicted_seconds"].get<double>(), j["baseline_seconds"].get<double>());
  EXPECT_LE(j["bootstraps"].get<int>(), j["baseline_bootstraps"].get<int>());
  const auto& enc = j["encrypted"];
  EXPECT_FALSE(enc["run"].get<bool>()) << enc;
  EXPECT_EQ(enc["reason"], "skipped (--encrypt no)") << enc;
  EXPECT_EQ(enc["params"], "n16-dense");
  EXPECT_FALSE(enc.contains("logits")) << enc;
  EXPECT_EQ(enc["plaintext_class"].get<int>() >= 0 && enc["plaintext_class"].get<int>() < 10, true) << enc;
  EXPECT_TRUE(std::filesystem::exists(out / "plan.json"));
  EXPECT_TRUE(std::filesystem::exists(out / "report" / "report.md"));
  EXPECT_TRUE(std::filesystem::exists(out / "report" / "pareto.svg"));
  std::filesystem::remove_all(out);
}

// --encrypt auto with less memory than the n16 stage needs: the demo finishes without it and says
// what it needs and how to run it (text report).
TEST(CliDemo, AutoSkipsTheEncryptedStageWithoutEnoughMemoryAndSaysHowToRunIt) {
  const auto out = std::filesystem::temp_directory_path() / ("ola_demo_auto_test_" + std::to_string(::getpid()));
  const auto r = ola::test::run_ola("demo --quiet --encrypt auto --assume-mem-gb 4 --out " + out.string());
  std::filesystem::remove_all(out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("[3/3] encrypted stage skipped: 4.0 GB available, needs 18 GB"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ola demo --encrypt yes"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ola bench infer --model"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--params n16-dense --images 1"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("encrypted test image 0"), std::string::npos) << r.output;
}

}  // namespace
