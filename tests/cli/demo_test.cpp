// `ola demo` end to end on the bundled data: the README's main command.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_ola.h"

namespace {

TEST(CliDemo, RunsOnBundledDataAndBeatsTheBaselineWithoutLosingAccuracy) {
  const auto out = std::filesystem::temp_directory_path() / ("ola_demo_test_" + std::to_string(::getpid()));
  const auto r = ola::test::run_ola("demo --json --quiet --out " + out.string(), /*merge_stderr=*/false);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["images"].get<int>(), 100);
  // The plan keeps the exact model's predictions on the bundled test images (budget 0.5 points:
  // at most one image of 100 may change) and is predicted faster than uniform alpha = 13.
  EXPECT_GE(j["plan_agreement"].get<double>(), 0.99);
  EXPECT_GE(j["plan_top1"].get<double>(), j["exact_top1"].get<double>() - 0.01);
  EXPECT_LT(j["predicted_seconds"].get<double>(), j["baseline_seconds"].get<double>());
  EXPECT_LE(j["bootstraps"].get<int>(), j["baseline_bootstraps"].get<int>());
  EXPECT_TRUE(std::filesystem::exists(out / "plan.json"));
  EXPECT_TRUE(std::filesystem::exists(out / "report" / "report.md"));
  EXPECT_TRUE(std::filesystem::exists(out / "report" / "pareto.svg"));
  std::filesystem::remove_all(out);
}

}  // namespace
